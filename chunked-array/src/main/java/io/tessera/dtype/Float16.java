package io.tessera.dtype;

/**
 * IEEE 754 binary16 ("half", NumPy's {@code float16}) conversions, bit for bit as NumPy does them.
 *
 * <p>A half travels as its 16 raw bits in a {@code short}. The rules, checked exhaustively against
 * NumPy 2.4.6 on x86-64:
 *
 * <ul>
 *   <li><b>Widening</b> ({@link #toFloat}, {@link #toDouble}) is exact. NaNs keep their sign and
 *       payload (shifted into the top of the wider mantissa) and are <em>not</em> quieted: half
 *       {@code 0x7c01} becomes float32 {@code 0x7f802000}.
 *   <li><b>Narrowing</b> ({@link #fromFloat}, {@link #fromDouble}) rounds to nearest, ties to even,
 *       directly from the source precision (a float64 is never rounded through float32 first).
 *       Magnitudes that round to 65520 or more become infinity; magnitudes at or below
 *       2<sup>-25</sup> (half the smallest subnormal) become a signed zero.
 *   <li><b>NaN narrowing</b> keeps the sign and the top ten payload bits, truncating the rest,
 *       without quieting; a NaN whose top ten payload bits are all zero becomes {@code 0x7c01}
 *       (with its sign) so that it stays a NaN.
 * </ul>
 */
public final class Float16 {
  /** Positive infinity's bits. */
  public static final short POSITIVE_INFINITY = (short) 0x7c00;
  /** Negative infinity's bits. */
  public static final short NEGATIVE_INFINITY = (short) 0xfc00;
  /** The quiet NaN NumPy produces for {@code np.float16('nan')}. */
  public static final short NaN = (short) 0x7e00;
  /** The largest finite half, 65504. */
  public static final short MAX_VALUE = (short) 0x7bff;

  private static final int HALF_SIGN = 0x8000;
  private static final int HALF_EXP_MASK = 0x7c00;
  private static final int HALF_MANT_MASK = 0x03ff;
  private static final int HALF_BIAS = 15;

  private Float16() {}

  /** The half's value as a float32; exact, NaN payload preserved (see class comment). */
  public static float toFloat(short bits) {
    return Float.intBitsToFloat(toFloatBits(bits));
  }

  /** The half's value as a float64; exact, NaN payload preserved (see class comment). */
  public static double toDouble(short bits) {
    return Double.longBitsToDouble(toDoubleBits(bits));
  }

  /** {@link #toFloat} on raw bits: the float32 bits of the half's value. */
  public static int toFloatBits(short bits) {
    int h = bits & 0xffff;
    int sign = (h & HALF_SIGN) << 16;
    int exp = (h & HALF_EXP_MASK) >>> 10;
    int mant = h & HALF_MANT_MASK;
    if (exp == 0x1f) { // infinity or NaN: payload moves to the top of the mantissa
      return sign | 0x7f800000 | (mant << 13);
    }
    if (exp != 0) { // normal: rebias the exponent
      return sign | ((exp - HALF_BIAS + 127) << 23) | (mant << 13);
    }
    // zero or subnormal: mant * 2^-24, exact in float32
    return sign | Float.floatToRawIntBits(mant * 0x1p-24f);
  }

  /** {@link #toDouble} on raw bits: the float64 bits of the half's value. */
  public static long toDoubleBits(short bits) {
    int h = bits & 0xffff;
    long sign = (long) (h & HALF_SIGN) << 48;
    int exp = (h & HALF_EXP_MASK) >>> 10;
    long mant = h & HALF_MANT_MASK;
    if (exp == 0x1f) {
      return sign | 0x7ff0000000000000L | (mant << 42);
    }
    if (exp != 0) {
      return sign | ((long) (exp - HALF_BIAS + 1023) << 52) | (mant << 42);
    }
    return sign | Double.doubleToRawLongBits(mant * 0x1p-24);
  }

  /** The half nearest to {@code f} (ties to even), as NumPy's float32 to float16 cast. */
  public static short fromFloat(float f) {
    return fromFloatBits(Float.floatToRawIntBits(f));
  }

  /** The half nearest to {@code d} (ties to even, no rounding through float32), as NumPy. */
  public static short fromDouble(double d) {
    return fromDoubleBits(Double.doubleToRawLongBits(d));
  }

  /** {@link #fromFloat} on the float32's raw bits (keeps signalling-NaN payloads intact). */
  public static short fromFloatBits(int bits) {
    int sign = (bits >>> 16) & HALF_SIGN;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | nanOrInfinity(mant >>> 13, mant != 0));
    }
    // value = sig * 2^(exp - 150) with a 24-bit significand (exp 0: subnormal float, tiny)
    long sig = exp == 0 ? mant : mant | 0x800000;
    int unbiased = exp == 0 ? -126 : exp - 127;
    return (short) (sign | roundMagnitude(sig, 23, unbiased));
  }

  /** {@link #fromDouble} on the float64's raw bits (keeps signalling-NaN payloads intact). */
  public static short fromDoubleBits(long bits) {
    int sign = (int) (bits >>> 48) & HALF_SIGN;
    int exp = (int) (bits >>> 52) & 0x7ff;
    long mant = bits & 0xfffffffffffffL;
    if (exp == 0x7ff) {
      return (short) (sign | nanOrInfinity((int) (mant >>> 42), mant != 0));
    }
    long sig = exp == 0 ? mant : mant | 0x10000000000000L;
    int unbiased = exp == 0 ? -1022 : exp - 1023;
    return (short) (sign | roundMagnitude(sig, 52, unbiased));
  }

  /** Magnitude bits of an infinity ({@code isNaN} false) or of a NaN with the given top payload. */
  private static int nanOrInfinity(int topPayload, boolean isNaN) {
    if (!isNaN) {
      return HALF_EXP_MASK;
    }
    return HALF_EXP_MASK | (topPayload == 0 ? 1 : topPayload);
  }

  /**
   * Unsigned half bits nearest to {@code sig * 2^(unbiased - fractionBits)}, ties to even; the
   * result may round up into infinity ({@code 0x7c00}), which the bit layout gives for free.
   *
   * @param sig significand including the implicit bit, below 2^(fractionBits + 1)
   * @param fractionBits number of fraction bits of the source format (23 or 52)
   * @param unbiased the source's unbiased exponent
   */
  private static int roundMagnitude(long sig, int fractionBits, int unbiased) {
    if (unbiased >= 16) {
      return HALF_EXP_MASK; // at least 65536: infinity
    }
    int shift;
    int base;
    if (unbiased >= -14) { // half normal: keep 10 fraction bits
      shift = fractionBits - 10;
      base = (unbiased + HALF_BIAS) << 10;
      sig &= (1L << fractionBits) - 1; // the exponent field carries the implicit bit
    } else { // half subnormal: units of 2^-24
      shift = fractionBits - 10 + (-14 - unbiased);
      base = 0;
      if (shift > fractionBits + 1) {
        return 0; // below 2^-25: rounds to zero (exactly 2^-25 is the tie handled below)
      }
    }
    long kept = sig >>> shift;
    long rest = sig & ((1L << shift) - 1);
    long halfway = 1L << (shift - 1);
    int result = base + (int) kept;
    if (rest > halfway || (rest == halfway && (kept & 1) != 0)) {
      result++; // a carry into the exponent (or into infinity) is exactly right
    }
    return result;
  }
}
