package io.tessera.io.tensor;

import io.tessera.memory.Raw;

/**
 * Conversion between Arrow's bit-packed booleans (LSB first) and NumPy's one-byte booleans. Raw
 * addresses: callers check bounds first.
 */
public final class Bits {
  private Bits() {}

  /** Bytes holding {@code bits} bits. */
  public static long packedBytes(long bits) {
    return (bits + 7) >>> 3;
  }

  /** Writes byte {@code i} of {@code dst} as 1 or 0 from bit {@code i} of {@code src}. */
  public static void unpack(long src, long bits, long dst) {
    long full = bits >>> 3;
    for (long b = 0; b < full; b++) {
      int v = Raw.getByte(src + b) & 0xFF;
      long d = dst + (b << 3);
      for (int k = 0; k < 8; k++) {
        Raw.putByte(d + k, (byte) ((v >>> k) & 1));
      }
    }
    long rest = bits & 7;
    if (rest != 0) {
      int v = Raw.getByte(src + full) & 0xFF;
      long d = dst + (full << 3);
      for (int k = 0; k < rest; k++) {
        Raw.putByte(d + k, (byte) ((v >>> k) & 1));
      }
    }
  }

  /**
   * Packs {@code bits} one-byte booleans at {@code src} (nonzero = true) into {@code
   * packedBytes(bits)} bytes at {@code dst}; unused high bits of the last byte are zero.
   */
  public static void pack(long src, long bits, long dst) {
    long full = bits >>> 3;
    for (long b = 0; b < full; b++) {
      long s = src + (b << 3);
      int v = 0;
      for (int k = 0; k < 8; k++) {
        if (Raw.getByte(s + k) != 0) {
          v |= 1 << k;
        }
      }
      Raw.putByte(dst + b, (byte) v);
    }
    long rest = bits & 7;
    if (rest != 0) {
      long s = src + (full << 3);
      int v = 0;
      for (int k = 0; k < rest; k++) {
        if (Raw.getByte(s + k) != 0) {
          v |= 1 << k;
        }
      }
      Raw.putByte(dst + full, (byte) v);
    }
  }
}
