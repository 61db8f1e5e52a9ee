package io.tessera.ndarray;

import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import java.math.BigInteger;

/**
 * Decimal text of one float16, float32 or float64 value, digit for digit as NumPy's
 * {@code dragon4_positional} and {@code dragon4_scientific} (the functions behind
 * {@code np.format_float_positional}, {@code np.format_float_scientific} and array printing).
 *
 * <p>Digits come from the Dragon4 method (Steele &amp; White, Burger &amp; Dybvig) on exact big
 * integers, in the value's own precision: in "unique" mode generation stops at the first digit that
 * tells the value apart from its neighbours in that precision (the interval bounds are inclusive
 * when the mantissa is even, as IEEE round-half-even reading would accept them), or at the cutoff
 * digit; the last digit is then rounded as NumPy does (towards the side the stop was reached on,
 * otherwise to nearest with ties to the even digit). A minimum digit count makes generation go on
 * past the unique point with the exact digits of the binary value, as NumPy's {@code min_digits}.
 *
 * <p>The input is the element's raw bits in its dtype ({@link #bitsOf}), so that float16 and
 * float32 values get the short digits of their own width, not of float64.
 */
final class FormatDragon4 {
  private FormatDragon4() {}

  /** NumPy's {@code trim} argument. */
  enum Trim {
    /** {@code 'k'}: keep trailing zeros (and pad with zeros up to {@code min_digits}). */
    KEEP,
    /** {@code '.'}: trim trailing zeros, keep the decimal point: {@code "1."}. */
    ZEROS,
    /** {@code '0'}: trim trailing zeros but leave one after the point: {@code "1.0"}. */
    LEAVE_ONE_ZERO,
    /** {@code '-'}: trim trailing zeros and the point: {@code "1"}. */
    DPT_ZEROS
  }

  /** Number of digits NumPy's repr buffer holds; a bound that only matters for absurd cutoffs. */
  private static final int BUFFER = 16384;

  private static final BigInteger TEN = BigInteger.TEN;

  /** The raw IEEE bits of {@code v} in the width of float dtype {@code t} (exact for its values). */
  static long bitsOf(double v, DType t) {
    switch (t) {
      case FLOAT16: return Float16.fromDouble(v) & 0xFFFFL;
      case FLOAT32: return Float.floatToRawIntBits((float) v) & 0xFFFF_FFFFL;
      case FLOAT64: return Double.doubleToRawLongBits(v);
      default: throw new IllegalArgumentException("not a float dtype: " + t);
    }
  }

  /** The value of raw bits {@code bits} of float dtype {@code t}. */
  static double valueOf(long bits, DType t) {
    switch (t) {
      case FLOAT16: return Float16.toDouble((short) bits);
      case FLOAT32: return Float.intBitsToFloat((int) bits);
      case FLOAT64: return Double.longBitsToDouble(bits);
      default: throw new IllegalArgumentException("not a float dtype: " + t);
    }
  }

  /** Significand bits (without the implicit one) of the float dtype. */
  private static int fractionBits(DType t) {
    return t == DType.FLOAT16 ? 10 : t == DType.FLOAT32 ? 23 : 52;
  }

  private static int exponentBits(DType t) {
    return t == DType.FLOAT16 ? 5 : t == DType.FLOAT32 ? 8 : 11;
  }

  static boolean isNegative(long bits, DType t) {
    return ((bits >>> (t.bits() - 1)) & 1) != 0;
  }

  static boolean isFinite(long bits, DType t) {
    int eb = exponentBits(t);
    return ((bits >>> fractionBits(t)) & ((1L << eb) - 1)) != (1L << eb) - 1;
  }

  static boolean isNaN(long bits, DType t) {
    return !isFinite(bits, t) && (bits & ((1L << fractionBits(t)) - 1)) != 0;
  }

  /**
   * {@code dragon4_positional(x, precision, min_digits, unique=True, fractional=True, trim, sign=False,
   * pad_left, pad_right)}; {@code -1} means "not given" for the four int arguments. Finite values.
   */
  static String positional(long bits, DType t, int precision, int minDigits, Trim trim,
      int padLeft, int padRight) {
    Digits d = digits(bits, t, true, precision, minDigits);
    StringBuilder sb = new StringBuilder();
    boolean sign = isNegative(bits, t);
    if (sign) {
      sb.append('-');
    }
    int n = d.text.length();
    int whole;
    int frac;
    if (d.exponent >= 0) {
      whole = d.exponent + 1;
      if (n <= whole) {
        sb.append(d.text).append("0".repeat(whole - n));
        frac = 0;
      } else {
        sb.append(d.text, 0, whole).append('.').append(d.text, whole, n);
        frac = n - whole;
      }
    } else {
      int zeros = -(d.exponent + 1);
      sb.append("0.").append("0".repeat(zeros)).append(d.text);
      whole = 1;
      frac = zeros + n;
    }
    if (trim != Trim.DPT_ZEROS && frac == 0) {
      sb.append('.');
    }
    frac = finishFraction(sb, frac, Math.max(minDigits, 0), trim, true);
    if (padRight >= frac) {
      if (trim == Trim.DPT_ZEROS && frac == 0) {
        sb.append(' ');
      }
      sb.append(" ".repeat(padRight - frac));
    }
    int left = whole + (sign ? 1 : 0);
    if (padLeft > left) {
      sb.insert(0, " ".repeat(padLeft - left));
    }
    return sb.toString();
  }

  /**
   * {@code dragon4_scientific(x, precision, min_digits, unique=True, trim, sign=False, pad_left,
   * exp_digits)}; {@code -1} means "not given". Finite values.
   */
  static String scientific(long bits, DType t, int precision, int minDigits, Trim trim,
      int padLeft, int expDigits) {
    Digits d = digits(bits, t, false, precision < 0 ? -1 : precision + 1,
        minDigits < 0 ? -1 : minDigits + 1);
    StringBuilder sb = new StringBuilder();
    boolean sign = isNegative(bits, t);
    int left = 1 + (sign ? 1 : 0);
    if (padLeft > left) {
      sb.append(" ".repeat(padLeft - left));
    }
    if (sign) {
      sb.append('-');
    }
    sb.append(d.text.charAt(0));
    int frac = d.text.length() - 1;
    if (frac > 0) {
      sb.append('.').append(d.text, 1, d.text.length());
    } else if (trim != Trim.DPT_ZEROS) {
      sb.append('.');
    }
    finishFraction(sb, frac, Math.max(minDigits, 0), trim, false);
    int e = Math.abs(d.exponent);
    String digits = Integer.toString(e);
    int width = expDigits < 0 ? 2 : Math.min(expDigits, 5);
    sb.append('e').append(d.exponent >= 0 ? '+' : '-')
        .append("0".repeat(Math.max(0, width - digits.length()))).append(digits);
    return sb.toString();
  }

  /**
   * Pads the fraction with zeros up to {@code wanted} digits ({@link Trim#KEEP}) or trims
   * trailing zeros as {@code trim} says; returns the new count of fraction digits. NumPy drops a
   * point left bare by the trimming ({@link Trim#DPT_ZEROS}) only in positional text: scientific
   * text keeps it ({@code "2.e+00"}).
   */
  private static int finishFraction(StringBuilder sb, int frac, int wanted, Trim trim,
      boolean positional) {
    if (trim == Trim.LEAVE_ONE_ZERO) {
      if (frac == 0) {
        sb.append('0');
        frac++;
      }
    } else if (trim == Trim.KEEP && wanted > frac) {
      sb.append("0".repeat(wanted - frac));
      frac = wanted;
    }
    if (trim != Trim.KEEP && frac > 0) {
      while (sb.charAt(sb.length() - 1) == '0') {
        sb.setLength(sb.length() - 1);
        frac--;
      }
      if (sb.charAt(sb.length() - 1) == '.') {
        if (trim == Trim.LEAVE_ONE_ZERO) {
          sb.append('0');
          frac++;
        } else if (trim == Trim.DPT_ZEROS && positional) {
          sb.setLength(sb.length() - 1);
        }
      }
    }
    return frac;
  }

  /** Digit string and the decimal exponent of its first digit. */
  private static final class Digits {
    final String text;
    final int exponent;

    Digits(String text, int exponent) {
      this.text = text;
      this.exponent = exponent;
    }
  }

  /**
   * Unique-mode digits of |value|. With {@code fractional}, the cutoffs count digits after the
   * decimal point; otherwise they count significant digits. {@code -1}: no cutoff.
   */
  private static Digits digits(long bits, DType t, boolean fractional, int cutoffMax,
      int cutoffMin) {
    int fb = fractionBits(t);
    int bias = (1 << (exponentBits(t) - 1)) - 1;
    long fraction = bits & ((1L << fb) - 1);
    int biased = (int) ((bits >>> fb) & ((1L << exponentBits(t)) - 1));
    long mantissa;
    int exponent;
    boolean unequalMargins;
    if (biased != 0) {
      mantissa = (1L << fb) | fraction;
      exponent = biased - bias - fb;
      unequalMargins = biased != 1 && fraction == 0;
    } else {
      mantissa = fraction;
      exponent = 1 - bias - fb;
      unequalMargins = false;
    }
    if (mantissa == 0) {
      return new Digits("0", 0);
    }
    boolean isEven = (mantissa & 1) == 0;

    // value = r / s; the neighbours are value - low / s and value + high / s (half-gaps).
    BigInteger r = BigInteger.valueOf(mantissa).shiftLeft(2);
    BigInteger s = BigInteger.valueOf(4);
    BigInteger high = BigInteger.TWO;
    BigInteger low = unequalMargins ? BigInteger.ONE : BigInteger.TWO;
    if (exponent >= 0) {
      r = r.shiftLeft(exponent);
      high = high.shiftLeft(exponent);
      low = low.shiftLeft(exponent);
    } else {
      s = s.shiftLeft(-exponent);
    }

    // k: the decimal exponent with 10^(k-1) <= value < 10^k
    double approx = mantissa * Math.pow(2, exponent);
    int k = (int) Math.ceil(Math.log10(approx));
    k = exactDigitExponent(r, s, k);
    if (cutoffMax >= 0 && fractional && k <= -cutoffMax) {
      k = -cutoffMax + 1; // NumPy starts at the cutoff digit and rounds there
    }
    if (k > 0) {
      s = s.multiply(TEN.pow(k));
    } else if (k < 0) {
      BigInteger p = TEN.pow(-k);
      r = r.multiply(p);
      low = low.multiply(p);
      high = high.multiply(p);
    }

    int cutoffMaxExp = k - BUFFER;
    if (cutoffMax >= 0) {
      cutoffMaxExp = Math.max(cutoffMaxExp, fractional ? -cutoffMax : k - cutoffMax);
    }
    int cutoffMinExp = k;
    if (cutoffMin >= 0) {
      cutoffMinExp = Math.min(cutoffMinExp, fractional ? -cutoffMin : k - cutoffMin);
    }

    StringBuilder out = new StringBuilder();
    int digitExp = k;
    int digit;
    boolean nearLow;
    boolean nearHigh;
    while (true) {
      digitExp--;
      r = r.multiply(TEN);
      low = low.multiply(TEN);
      high = high.multiply(TEN);
      BigInteger[] qr = r.divideAndRemainder(s);
      digit = qr[0].intValueExact();
      r = qr[1];
      int cmpLow = r.compareTo(low);
      nearLow = isEven ? cmpLow <= 0 : cmpLow < 0;
      int cmpHigh = r.add(high).compareTo(s);
      nearHigh = isEven ? cmpHigh >= 0 : cmpHigh > 0;
      if (((nearLow || nearHigh) && digitExp <= cutoffMinExp) || digitExp == cutoffMaxExp) {
        break;
      }
      out.append((char) ('0' + digit));
    }
    boolean roundDown = nearLow;
    if (nearLow == nearHigh) {
      int cmp = r.shiftLeft(1).compareTo(s);
      roundDown = cmp < 0 || (cmp == 0 && (digit & 1) == 0);
    }
    int firstExp = k - 1;
    if (roundDown) {
      out.append((char) ('0' + digit));
    } else if (digit < 9) {
      out.append((char) ('0' + digit + 1));
    } else {
      // carry: drop trailing nines, bump the last other digit, or start over at "1"
      int i = out.length() - 1;
      while (i >= 0 && out.charAt(i) == '9') {
        i--;
      }
      if (i < 0) {
        out.setLength(0);
        out.append('1');
        firstExp++;
      } else {
        out.setCharAt(i, (char) (out.charAt(i) + 1));
        out.setLength(i + 1);
      }
    }
    return new Digits(out.toString(), firstExp);
  }

  /** The k with 10^(k-1) <= r/s < 10^k, starting from an estimate. */
  private static int exactDigitExponent(BigInteger r, BigInteger s, int estimate) {
    int k = estimate;
    while (!below(r, s, k)) {
      k++;
    }
    while (below(r, s, k - 1)) {
      k--;
    }
    return k;
  }

  /** r/s < 10^k. */
  private static boolean below(BigInteger r, BigInteger s, int k) {
    return k >= 0 ? r.compareTo(s.multiply(TEN.pow(k))) < 0
        : r.multiply(TEN.pow(-k)).compareTo(s) < 0;
  }
}
