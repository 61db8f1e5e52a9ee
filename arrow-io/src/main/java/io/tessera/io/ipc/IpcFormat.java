package io.tessera.io.ipc;

/** The two Arrow IPC formats. */
public enum IpcFormat {
  /**
   * The random-access file format ({@code .arrow}, "Feather v2"): magic {@code ARROW1}, the stream,
   * then a footer indexing every record batch. Can be memory-mapped and opened in constant time.
   */
  FILE,
  /** The streaming format: a schema message, record batches, end-of-stream marker. */
  STREAM
}
