package io.tessera.io.npy;

/**
 * The {@code .npy} format versions. 1.0 has a 2-byte header length, 2.0 a 4-byte one; 3.0 is 2.0
 * with a UTF-8 (instead of Latin-1) header. Writers choose the lowest version that fits, as NumPy
 * does: 1.0 unless the header exceeds 65535 bytes; Tessera's headers are always ASCII, so 3.0 is
 * only written when asked for.
 */
public enum NpyVersion {
  V1_0(1, 0, 2),
  V2_0(2, 0, 4),
  V3_0(3, 0, 4);

  private final int major;
  private final int minor;
  private final int lengthBytes;

  NpyVersion(int major, int minor, int lengthBytes) {
    this.major = major;
    this.minor = minor;
    this.lengthBytes = lengthBytes;
  }

  public int major() {
    return major;
  }

  public int minor() {
    return minor;
  }

  /** Size of the little-endian header-length field: 2 for 1.0, 4 for 2.0 and 3.0. */
  public int headerLengthBytes() {
    return lengthBytes;
  }

  /** Bytes before the header text: the 6-byte magic, 2 version bytes and the length field. */
  public int prefixLength() {
    return 8 + lengthBytes;
  }

  /** The largest header-length value the length field can hold. */
  long maxHeaderLength() {
    return lengthBytes == 2 ? 0xFFFFL : 0xFFFF_FFFFL;
  }

  /** The version with these numbers, or null. */
  public static NpyVersion of(int major, int minor) {
    for (NpyVersion v : values()) {
      if (v.major == major && v.minor == minor) {
        return v;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
