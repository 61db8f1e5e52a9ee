package io.tessera.iter;

import io.tessera.memory.Raw;

/**
 * Cache-blocked copy between a C-ordered and an F-ordered 2-D layout of the same shape (a
 * transposed copy, {@code a.T.copy()} or {@code asfortranarray} of a C array). Walking the
 * destination in order would read the source with a stride of a whole row, touching a new cache
 * line per element; copying in square tiles keeps both sides' lines in L1.
 */
public final class TransposeCopy {
  private TransposeCopy() {}

  /** Tile edge in elements: 32 lines of 64 bytes per side stay well inside a 32 KiB L1. */
  static final int TILE = 32;
  /** Below this many elements the plain walk is as fast. */
  static final long MIN_ELEMENTS = 1L << 14;

  /**
   * Copies when the operands are 2-D, one C-contiguous and the other F-contiguous, and large;
   * returns false (having done nothing) otherwise.
   */
  public static boolean tryCopy(long[] shape, long dst, long[] ds, long src, long[] ss,
      int item) {
    if (shape.length != 2 || shape[0] < 2 || shape[1] < 2 || shape[0] * shape[1] < MIN_ELEMENTS) {
      return false;
    }
    long n0 = shape[0];
    long n1 = shape[1];
    boolean dstC = ds[1] == item && ds[0] == n1 * item;
    boolean dstF = ds[0] == item && ds[1] == n0 * item;
    boolean srcC = ss[1] == item && ss[0] == n1 * item;
    boolean srcF = ss[0] == item && ss[1] == n0 * item;
    if (dstC && srcF) {
      tiles(n0, n1, dst, ds[0], ds[1], src, ss[0], ss[1], item);
      return true;
    }
    if (dstF && srcC) { // walk with the destination's contiguous axis innermost
      tiles(n1, n0, dst, ds[1], ds[0], src, ss[1], ss[0], item);
      return true;
    }
    return false;
  }

  /** Copies an (r, c) grid: element (i, j) at dst + i*dr + j*dc from src + i*sr + j*sc. */
  private static void tiles(long r, long c, long dst, long dr, long dc, long src, long sr,
      long sc, int item) {
    for (long i0 = 0; i0 < r; i0 += TILE) {
      long i1 = Math.min(r, i0 + TILE);
      for (long j0 = 0; j0 < c; j0 += TILE) {
        long j1 = Math.min(c, j0 + TILE);
        for (long i = i0; i < i1; i++) {
          long d = dst + i * dr + j0 * dc;
          long s = src + i * sr + j0 * sc;
          long n = j1 - j0;
          switch (item) {
            case 8:
              for (long j = 0; j < n; j++, d += dc, s += sc) {
                Raw.putLong(d, Raw.getLong(s));
              }
              break;
            case 4:
              for (long j = 0; j < n; j++, d += dc, s += sc) {
                Raw.putInt(d, Raw.getInt(s));
              }
              break;
            case 2:
              for (long j = 0; j < n; j++, d += dc, s += sc) {
                Raw.putShort(d, Raw.getShort(s));
              }
              break;
            default:
              for (long j = 0; j < n; j++, d += dc, s += sc) {
                Raw.putByte(d, Raw.getByte(s));
              }
              break;
          }
        }
      }
    }
  }
}
