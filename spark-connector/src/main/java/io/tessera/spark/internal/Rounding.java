package io.tessera.spark.internal;

import io.tessera.dtype.DType;
import java.math.BigInteger;

/**
 * Internal: correctly rounded (round half to even) conversions of exact values to float64,
 * float32 and float16, with subnormals and overflow to infinity as IEEE 754 does: the rounding of
 * an exact sum ({@link ExactVector}), of an exact variance {@code (n*S2 - S1^2) / (n*(n-ddof))}
 * and of its square root. Results are returned as doubles holding a value of the target format.
 */
final class Rounding {
  private Rounding() {}

  private static final long M32 = 0xFFFF_FFFFL;

  private static int precision(DType t) {
    return t == DType.FLOAT64 ? 53 : t == DType.FLOAT32 ? 24 : 11;
  }

  /** Exponent of the smallest subnormal. */
  private static int subnormalLsb(DType t) {
    return t == DType.FLOAT64 ? -1074 : t == DType.FLOAT32 ? -149 : -24;
  }

  private static double maxFinite(DType t) {
    return t == DType.FLOAT64 ? Double.MAX_VALUE : t == DType.FLOAT32 ? Float.MAX_VALUE : 65504.0;
  }

  /**
   * {@code (mag + e) * 2^exp2}, {@code 0 <= e < 1} ({@code e > 0} exactly when {@code sticky}),
   * rounded to {@code t}, negated if {@code neg}. When {@code sticky}, {@code mag} must have at
   * least {@code precision + 2} bits, so the discarded part decides the rounding correctly.
   */
  static double round(boolean neg, BigInteger mag, boolean sticky, int exp2, DType t) {
    if (mag.signum() == 0 && !sticky) {
      return neg ? -0.0 : 0.0;
    }
    int p = precision(t);
    int len = mag.bitLength();
    int lsb = Math.max(exp2 + len - p, subnormalLsb(t));
    int shift = lsb - exp2;
    BigInteger q;
    if (shift <= 0) {
      q = mag; // exact at this precision (a sticky remainder is below half an ulp)
      lsb = exp2;
    } else {
      q = mag.shiftRight(shift);
      BigInteger rem = mag.subtract(q.shiftLeft(shift));
      int c = rem.compareTo(BigInteger.ONE.shiftLeft(shift - 1));
      if (c > 0 || (c == 0 && (sticky || q.testBit(0)))) {
        q = q.add(BigInteger.ONE);
      }
    }
    double r = Math.scalb(q.doubleValue(), lsb); // q <= 2^p: exact
    if (r > maxFinite(t)) {
      r = Double.POSITIVE_INFINITY;
    }
    return neg ? -r : r;
  }

  /** The value of a window as a BigInteger (units of its lowest digit). */
  private static BigInteger big(long[] w, int from, int len) {
    BigInteger b = BigInteger.valueOf(w[from + len - 1]);
    for (int j = len - 2; j >= 0; j--) {
      b = b.shiftLeft(32).add(BigInteger.valueOf(w[from + j]));
    }
    return b;
  }

  private static double special(byte f) {
    if ((f & ExactAccumulator.NAN) != 0
        || (f & (ExactAccumulator.POS_INF | ExactAccumulator.NEG_INF))
        == (ExactAccumulator.POS_INF | ExactAccumulator.NEG_INF)) {
      return Double.NaN;
    }
    return (f & ExactAccumulator.POS_INF) != 0 ? Double.POSITIVE_INFINITY
        : Double.NEGATIVE_INFINITY;
  }

  /**
   * Element {@code i} of an exact sum (units of 2^-1074) rounded once to {@code t}; exact zero is
   * {@code +0.0} (NumPy's sums start from the identity +0).
   */
  static double sum(ExactVector v, int i, DType t) {
    byte f = v.flags[i];
    if (f != 0) {
      return special(f);
    }
    int len = v.length(i);
    if (len == 0) {
      return 0.0;
    }
    int from = v.start[i];
    long[] w = v.words;
    int base = 32 * v.at[i] - 1074;
    if (t != DType.FLOAT16) {
      double fast = fastSum(w, from, len, base, t);
      if (!Double.isNaN(fast)) {
        return fast;
      }
    }
    BigInteger b = big(w, from, len);
    return round(b.signum() < 0, b.abs(), false, base, t);
  }

  /**
   * The rounding in long arithmetic: the top 62 bits of the magnitude with a sticky bit (62 - 53
   * = 9 guard bits, so Java's round-to-nearest long conversion rounds correctly), then an exact
   * scaling. NaN when the result would be subnormal (the scaling would round a second time).
   */
  private static double fastSum(long[] w, int from, int len, int base, DType t) {
    long[] mag = new long[len];
    boolean neg = w[from + len - 1] < 0;
    if (neg) {
      long carry = 1;
      for (int j = 0; j < len - 1; j++) {
        long v = ((~w[from + j]) & M32) + carry;
        mag[j] = v & M32;
        carry = v >>> 32;
      }
      mag[len - 1] = -w[from + len - 1] - 1 + carry;
    } else {
      System.arraycopy(w, from, mag, 0, len);
    }
    int h = len - 1;
    while (h > 0 && mag[h] == 0) {
      h--;
    }
    if (mag[h] == 0) {
      return 0.0;
    }
    int bl = 64 - Long.numberOfLeadingZeros(mag[h]);
    int bits = 32 * h + bl;
    long v;
    int shift;
    if (bits <= 62) {
      v = h == 0 ? mag[0] : (mag[1] << 32) | mag[0];
      shift = 0;
    } else {
      long xh = mag[h];
      long mid = h >= 1 ? mag[h - 1] : 0;
      long low = h >= 2 ? mag[h - 2] : 0;
      long xl = (mid << 32) | low;
      int s = bl + 2; // in [3, 34]
      v = (xh << (64 - s)) | (xl >>> s);
      boolean sticky = (xl & ((1L << s) - 1)) != 0;
      for (int j = h - 3; j >= 0 && !sticky; j--) {
        sticky = mag[j] != 0;
      }
      if (sticky) {
        v |= 1;
      }
      shift = bits - 62;
    }
    int exp = base + shift;
    if (t == DType.FLOAT64) {
      double r = v;
      if (Math.getExponent(r) + exp < Double.MIN_EXPONENT) {
        return Double.NaN;
      }
      r = Math.scalb(r, exp);
      return neg ? -r : r;
    }
    float r = v;
    if (Math.getExponent(r) + exp < Float.MIN_EXPONENT) {
      return Double.NaN;
    }
    r = Math.scalb(r, exp);
    return neg ? -r : r;
  }

  /**
   * The variance {@code (n*S2 - S1^2) / (n*(n - ddof))} (or its square root) of element {@code
   * i}, from the exact sum {@code s1} of the values (units 2^-1074) and the exact sum {@code s2}
   * of their squares (units 2^-2148), rounded once to {@code t}. NumPy's rules for the
   * degenerate cases: any NaN or infinity gives NaN; {@code n - ddof <= 0} gives {@code
   * ssd / 0}, i.e. +inf, or NaN when the squared deviations are all zero.
   */
  static double variance(ExactVector s1, ExactVector s2, int i, long n, double ddof, DType t,
      boolean sqrt) {
    if (s1.flags[i] != 0 || s2.flags[i] != 0 || Double.isNaN(ddof)) {
      return Double.NaN;
    }
    BigInteger w1 = s1.length(i) == 0 ? BigInteger.ZERO : big(s1.words, s1.start[i],
        s1.length(i));
    BigInteger w2 = s2.length(i) == 0 ? BigInteger.ZERO : big(s2.words, s2.start[i],
        s2.length(i));
    // n*S2 - S1^2 in units of 2^(e0 - 2148)
    int e2 = 32 * s2.at[i];
    int e1 = 64 * s1.at[i];
    int e0 = Math.min(e1, e2);
    BigInteger num = w2.multiply(BigInteger.valueOf(n)).shiftLeft(e2 - e0)
        .subtract(w1.multiply(w1).shiftLeft(e1 - e0));
    if (num.signum() < 0) {
      throw new IllegalStateException("negative sum of squared deviations");
    }
    int x = e0 - 2148;
    // n - ddof = dd * 2^de exactly
    long dbits = Double.doubleToRawLongBits(ddof);
    BigInteger dd;
    int de;
    if (ddof == 0) {
      dd = BigInteger.valueOf(n);
      de = 0;
    } else {
      int e = Math.getExponent(ddof);
      long m = (dbits & 0xF_FFFF_FFFF_FFFFL) | (e == Double.MIN_EXPONENT - 1 ? 0 : 1L << 52);
      int me = (e == Double.MIN_EXPONENT - 1 ? Double.MIN_EXPONENT : e) - 52; // ddof = m * 2^me
      BigInteger mm = BigInteger.valueOf(ddof < 0 ? -m : m);
      if (Double.isInfinite(ddof)) {
        return ddof > 0 ? (num.signum() == 0 ? Double.NaN : Double.POSITIVE_INFINITY) : 0.0;
      }
      if (me >= 0) {
        dd = BigInteger.valueOf(n).subtract(mm.shiftLeft(me));
        de = 0;
      } else {
        dd = BigInteger.valueOf(n).shiftLeft(-me).subtract(mm);
        de = me;
      }
    }
    if (dd.signum() <= 0 || n == 0) {
      return num.signum() == 0 ? Double.NaN : Double.POSITIVE_INFINITY;
    }
    if (num.signum() == 0) {
      return 0.0;
    }
    BigInteger den = dd.multiply(BigInteger.valueOf(n));
    int exp = x - de; // value = num / den * 2^exp
    int p = precision(t);
    if (!sqrt) {
      int k = Math.max(0, p + 4 - (num.bitLength() - den.bitLength()));
      BigInteger[] qr = num.shiftLeft(k).divideAndRemainder(den);
      return round(false, qr[0], qr[1].signum() != 0, exp - k, t);
    }
    if ((exp & 1) != 0) {
      num = num.shiftLeft(1);
      exp -= 1;
    }
    int k = Math.max(0, (2 * p + 8 - (num.bitLength() - den.bitLength()) + 1) / 2);
    BigInteger[] qr = num.shiftLeft(2 * k).divideAndRemainder(den);
    BigInteger s = qr[0].sqrt();
    boolean sticky = qr[1].signum() != 0 || !s.multiply(s).equals(qr[0]);
    return round(false, s, sticky, (exp - 2 * k) / 2, t);
  }
}
