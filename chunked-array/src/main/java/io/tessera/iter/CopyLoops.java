package io.tessera.iter;

import io.tessera.memory.Raw;

/** Inner loops that copy elements of one size between strided runs. */
public final class CopyLoops {
  private CopyLoops() {}

  /** The copy loop for {@code itemsize}-byte elements; contiguous runs become one memcpy. */
  public static PairWalk.InnerLoop forItemsize(int itemsize) {
    switch (itemsize) {
      case 1: return CopyLoops::copy1;
      case 2: return CopyLoops::copy2;
      case 4: return CopyLoops::copy4;
      case 8: return CopyLoops::copy8;
      default: throw new IllegalArgumentException("itemsize " + itemsize);
    }
  }

  private static void copy1(long d, long ds, long s, long ss, long n) {
    if (ds == 1 && ss == 1) {
      Raw.copy(s, d, n);
      return;
    }
    for (long i = 0; i < n; i++, d += ds, s += ss) {
      Raw.putByte(d, Raw.getByte(s));
    }
  }

  private static void copy2(long d, long ds, long s, long ss, long n) {
    if (ds == 2 && ss == 2) {
      Raw.copy(s, d, n * 2);
      return;
    }
    for (long i = 0; i < n; i++, d += ds, s += ss) {
      Raw.putShort(d, Raw.getShort(s));
    }
  }

  private static void copy4(long d, long ds, long s, long ss, long n) {
    if (ds == 4 && ss == 4) {
      Raw.copy(s, d, n * 4);
      return;
    }
    for (long i = 0; i < n; i++, d += ds, s += ss) {
      Raw.putInt(d, Raw.getInt(s));
    }
  }

  private static void copy8(long d, long ds, long s, long ss, long n) {
    if (ds == 8 && ss == 8) {
      Raw.copy(s, d, n * 8);
      return;
    }
    for (long i = 0; i < n; i++, d += ds, s += ss) {
      Raw.putLong(d, Raw.getLong(s));
    }
  }
}
