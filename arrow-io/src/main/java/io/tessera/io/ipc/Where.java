package io.tessera.io.ipc;

/** A source (file path or name) and, optionally, where in it: "record batch 3". */
final class Where {
  final String source;
  final String location;

  Where(String source, String location) {
    this.source = source;
    this.location = location;
  }

  static Where of(String source) {
    return new Where(source, null);
  }

  @Override
  public String toString() {
    return location == null ? source : source + " (" + location + ")";
  }
}
