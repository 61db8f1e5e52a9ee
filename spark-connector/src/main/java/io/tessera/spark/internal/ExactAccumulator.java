package io.tessera.spark.internal;

import java.util.Arrays;

/**
 * Internal: an exact sum of doubles, or of the exact squares of doubles, as a binary fixed-point
 * number (a superaccumulator, as in Neal's and in Collange et al.'s exact summation, and as
 * {@code io.tessera.chunk.ChunkedReductions}' local one): signed 32-bit digits held in longs, the
 * value {@code sum(digit[i] * 2^(32 i)) * 2^-unit}. For sums the unit is {@code 2^-1074} (the
 * smallest subnormal) and 70 digits span the whole float64 range with room for 2^63 terms; for
 * squares the unit is {@code 2^-2148} and 136 digits are needed, so that a square is never
 * rounded, underflows or overflows ({@code x*x} as a 106-bit integer times a power of two).
 *
 * <p>Exact addition is associative and commutative, so partial sums merged in any order and over
 * any grouping of the elements give the same value; rounding happens once, at the end ({@link
 * Rounding}). NaN and the infinities are kept as flags, as IEEE addition would treat them.
 *
 * <p>The accumulator tracks the range of digits it touched, so resetting it and extracting the
 * value ({@link #appendTo}) cost a few digits, not the whole array: one accumulator is reused for
 * every output element of a block. Not thread-safe.
 */
final class ExactAccumulator {
  static final int SUM_DIGITS = 70;
  static final int SQUARE_DIGITS = 136;
  /** Flag bits. */
  static final byte NAN = 1;
  static final byte POS_INF = 2;
  static final byte NEG_INF = 4;

  private static final long M32 = 0xFFFF_FFFFL;
  /** Additions between normalizations: each changes a digit by less than 2^32. */
  private static final long NORMALIZE_EVERY = 1L << 29;

  /** Adds into the exponent bins between flushes: 512 * (2^53 - 1) < 2^62, no overflow. */
  private static final int BIN_ADDS = 512;

  private final long[] d;
  /**
   * Neal's small superaccumulator in front of the large one: the signed significands of the
   * values added since the last flush, summed per biased exponent (exact in a long for {@value
   * #BIN_ADDS} values). One add is a few integer operations without a data-dependent branch; the
   * bins go into the digits every {@value #BIN_ADDS} values and before the value is read.
   */
  private final long[] bin = new long[2048];
  private int binLo = 2048;
  private int binHi = -1;
  private int binAdds;
  private int lo = Integer.MAX_VALUE;
  private int hi = -1;
  private long pending;
  private byte flags;

  ExactAccumulator(int digits) {
    d = new long[digits];
  }

  static ExactAccumulator forSums() {
    return new ExactAccumulator(SUM_DIGITS);
  }

  static ExactAccumulator forSquares() {
    return new ExactAccumulator(SQUARE_DIGITS);
  }

  /** Back to zero. */
  void reset() {
    if (binHi >= 0) {
      Arrays.fill(bin, binLo, binHi + 1, 0L);
      binLo = 2048;
      binHi = -1;
    }
    binAdds = 0;
    if (hi >= 0) {
      Arrays.fill(d, lo, hi + 1, 0L);
    }
    lo = Integer.MAX_VALUE;
    hi = -1;
    pending = 0;
    flags = 0;
  }

  byte flags() {
    return flags;
  }

  private void touch(int from, int to) {
    if (from < lo) {
      lo = from;
    }
    if (to > hi) {
      hi = to;
    }
  }

  private void count() {
    if (++pending >= NORMALIZE_EVERY) {
      normalize();
    }
  }

  /** Adds {@code v} exactly (units of 2^-1074). */
  void add(double v) {
    long bits = Double.doubleToRawLongBits(v);
    int e = (int) ((bits >>> 52) & 0x7ff);
    if (e == 0x7ff) {
      long m = bits & 0xF_FFFF_FFFF_FFFFL;
      flags |= m != 0 ? NAN : bits < 0 ? NEG_INF : POS_INF;
      return;
    }
    long m = (bits & 0xF_FFFF_FFFF_FFFFL) | ((long) Math.min(e, 1) << 52);
    e = Math.max(e, 1); // subnormals: v = m * 2^(1 - 1075), as the smallest normals
    long sign = bits >> 63; // 0 or -1
    bin[e] += (m ^ sign) - sign;
    binLo = Math.min(binLo, e);
    binHi = Math.max(binHi, e);
    if (++binAdds == BIN_ADDS) {
      flushBins();
    }
  }

  /** Moves the exponent bins into the digits. */
  private void flushBins() {
    for (int e = binLo; e <= binHi; e++) {
      long v = bin[e];
      if (v == 0) {
        continue;
      }
      bin[e] = 0;
      int p = e - 1; // bin value * 2^(p - 1074)
      int q = p >>> 5;
      int r = p & 31;
      long u = Math.abs(v); // < 2^62
      long t0;
      long t1;
      long t2;
      if (r == 0) {
        t0 = u & M32;
        t1 = u >>> 32;
        t2 = 0;
      } else {
        t0 = (u << r) & M32;
        t1 = (u >>> (32 - r)) & M32;
        t2 = u >>> (64 - r);
      }
      if (v < 0) {
        d[q] -= t0;
        d[q + 1] -= t1;
        d[q + 2] -= t2;
      } else {
        d[q] += t0;
        d[q + 1] += t1;
        d[q + 2] += t2;
      }
      touch(q, q + 2);
      count();
    }
    binLo = 2048;
    binHi = -1;
    binAdds = 0;
  }

  /** Adds {@code v * v} exactly (units of 2^-2148). */
  void addSquare(double v) {
    long bits = Double.doubleToRawLongBits(v);
    int e = (int) ((bits >>> 52) & 0x7ff);
    long m = bits & 0xF_FFFF_FFFF_FFFFL;
    if (e == 0x7ff) {
      flags |= m != 0 ? NAN : POS_INF;
      return;
    }
    if (e != 0) {
      m |= 1L << 52;
    } else {
      e = 1;
    }
    if (m == 0) {
      return;
    }
    int s = 2 * (e - 1); // v*v = m^2 * 2^(s - 2148)
    int q = s >>> 5;
    int r = s & 31;
    long lo64 = m * m;
    long hi64 = Math.multiplyHigh(m, m); // < 2^42
    long w0;
    long w1;
    long w2;
    if (r == 0) {
      w0 = lo64;
      w1 = hi64;
      w2 = 0;
    } else {
      w0 = lo64 << r;
      w1 = (hi64 << r) | (lo64 >>> (64 - r));
      w2 = hi64 >>> (64 - r);
    }
    d[q] += w0 & M32;
    d[q + 1] += w0 >>> 32;
    d[q + 2] += w1 & M32;
    d[q + 3] += w1 >>> 32;
    d[q + 4] += w2;
    touch(q, q + 4);
    count();
  }

  /** Adds a value stored by {@link #appendTo}: {@code words[from..from+len)} at digit {@code at}. */
  void addWindow(int at, long[] words, int from, int len, byte f) {
    flags |= f;
    if (len == 0) {
      return;
    }
    for (int j = 0; j < len; j++) {
      d[at + j] += words[from + j];
    }
    touch(at, at + len - 1);
    // a window's top word is signed and may be near 2^31 in magnitude: normalize now
    normalize();
  }

  /**
   * Propagates carries over the touched digits so that every digit but the top one is in
   * {@code [0, 2^32)} and the top one in {@code [-2^31, 2^31)}.
   */
  private void normalize() {
    pending = 0;
    if (hi < 0) {
      return;
    }
    long carry = 0;
    for (int i = lo; i < hi; i++) {
      long v = d[i] + carry;
      d[i] = v & M32;
      carry = v >> 32;
    }
    d[hi] += carry;
    while (d[hi] >= (1L << 31) || d[hi] < -(1L << 31)) {
      long v = d[hi];
      d[hi] = v & M32;
      hi++;
      d[hi] += v >> 32;
    }
  }

  /**
   * Appends the value to {@code out} as a window: the digit index of its lowest word, then
   * normalized words (all in {@code [0, 2^32)} but the top one, which is signed), trimmed of zero
   * words below and of redundant sign words above. Zero is an empty window.
   */
  void appendTo(ExactVector.Builder out) {
    flushBins();
    normalize();
    int a = lo;
    int b = hi;
    if (b < 0) {
      out.add(0, d, 0, 0, flags);
      return;
    }
    while (b > a) {
      if (d[b] == 0 && d[b - 1] < (1L << 31)) {
        b--;
      } else if (d[b] == -1 && d[b - 1] >= (1L << 31)) {
        d[b] = 0;
        d[b - 1] -= 1L << 32;
        b--;
      } else {
        break;
      }
    }
    while (a < b && d[a] == 0) {
      a++;
    }
    if (a == b && d[a] == 0) {
      out.add(0, d, 0, 0, flags);
    } else {
      out.add(a, d, a, b - a + 1, flags);
    }
  }
}
