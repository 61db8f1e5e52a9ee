package io.tessera.dtype;

import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Properties of {@link Float16} and {@link Convert} that hold independently of the goldens. */
class ConvertPropertiesTest {

  @Property
  boolean everyHalfRoundTripsThroughFloatAndDouble(@ForAll short h) {
    // NaNs included: widening keeps the payload, narrowing gives it back
    return Float16.fromFloat(Float16.toFloat(h)) == h
        && Float16.fromDouble(Float16.toDouble(h)) == h
        && Float16.fromFloatBits(Float16.toFloatBits(h)) == h;
  }

  @Property
  boolean floatToHalfIsNearestForRawBits(@ForAll int bits) {
    float f = Float.intBitsToFloat(bits);
    Assume.that(!Float.isNaN(f));
    return isNearestHalf(f, Float16.fromFloat(f));
  }

  @Property
  boolean floatToHalfIsNearestInHalfRange(@ForAll int bits,
      @ForAll @IntRange(min = -27, max = 16) int exponent) {
    float f = floatWithExponent(bits, exponent);
    return isNearestHalf(f, Float16.fromFloat(f));
  }

  @Property
  boolean doubleToHalfIsNearestInHalfRange(@ForAll long bits,
      @ForAll @IntRange(min = -27, max = 16) int exponent) {
    double d = doubleWithExponent(bits, exponent);
    return isNearestHalf(d, Float16.fromDouble(d));
  }

  @Property
  boolean halfwayBetweenHalvesRoundsToEvenAndNeighboursRoundToNearest(
      @ForAll @IntRange(min = 0, max = 0x7bfe) int lower, @ForAll boolean negative) {
    int sign = negative ? 0x8000 : 0;
    short low = (short) (sign | lower);
    short high = (short) (sign | (lower + 1));
    double mid = (Float16.toDouble(low) + Float16.toDouble(high)) / 2; // exact, also in float32
    short even = (lower & 1) == 0 ? low : high;
    double above = Math.copySign(Math.nextUp(Math.abs(mid)), mid);
    double below = Math.copySign(Math.nextDown(Math.abs(mid)), mid);
    float aboveF = Math.copySign(Math.nextUp((float) Math.abs(mid)), (float) mid);
    float belowF = Math.copySign(Math.nextDown((float) Math.abs(mid)), (float) mid);
    return Float16.fromDouble(mid) == even && Float16.fromFloat((float) mid) == even
        && Float16.fromDouble(above) == high && Float16.fromDouble(below) == low
        && Float16.fromFloat(aboveF) == high && Float16.fromFloat(belowF) == low;
  }

  @Property
  boolean uint64ToFloatingIsCorrectlyRounded(@ForAll long bits) {
    BigInteger exact = new BigInteger(Long.toUnsignedString(bits));
    return Convert.uint64ToDouble(bits) == exact.doubleValue()
        && Convert.uint64ToFloat(bits) == exact.floatValue();
  }

  @Property
  boolean uint64ToDoubleRoundsLikeSignedForSmallValues(@ForAll @LongRange(min = 0) long v) {
    return Convert.uint64ToDouble(v) == (double) v && Convert.uint64ToFloat(v) == (float) v;
  }

  @Property
  boolean doubleToUInt64TruncatesInRange(@ForAll long bits,
      @ForAll @IntRange(min = -2, max = 63) int exponent) {
    double x = Math.abs(doubleWithExponent(bits, exponent));
    BigInteger truncated = new BigDecimal(x).toBigInteger();
    return Long.toUnsignedString(Convert.doubleToUInt64(x)).equals(truncated.toString());
  }

  @Property
  boolean sameTypeConversionIsIdentity(@ForAll DType t, @ForAll long raw) {
    long masked = t.itemsize() == 8 ? raw : raw & ((1L << t.bits()) - 1);
    return Convert.rawBitsConvert(t, t, masked) == masked;
  }

  /** A float with random sign and fraction bits and the given unbiased exponent. */
  private static float floatWithExponent(int bits, int exponent) {
    return Float.intBitsToFloat((bits & 0x807fffff) | (exponent + 127) << 23);
  }

  /** A double with random sign and fraction bits and the given unbiased exponent. */
  private static double doubleWithExponent(long bits, int exponent) {
    return Double.longBitsToDouble((bits & 0x800fffffffffffffL) | (long) (exponent + 1023) << 52);
  }

  /**
   * True when {@code h} is the half nearest to {@code x}, ties to even, with magnitudes from 65520
   * up going to infinity (NumPy's overflow rule), and the sign of {@code x} kept.
   */
  private static boolean isNearestHalf(double x, short h) {
    int bits = h & 0xffff;
    if ((bits >>> 15) != (Double.doubleToRawLongBits(x) >>> 63)) {
      return false;
    }
    double ax = Math.abs(x);
    int mag = bits & 0x7fff;
    if (ax >= 65520) {
      return mag == 0x7c00;
    }
    if (mag >= 0x7c00) {
      return false;
    }
    BigDecimal target = new BigDecimal(ax);
    BigDecimal dist = target.subtract(new BigDecimal(Float16.toDouble((short) mag))).abs();
    for (int neighbour : new int[] {mag - 1, mag + 1}) {
      if (neighbour < 0 || neighbour > 0x7bff) {
        continue;
      }
      BigDecimal other = target.subtract(new BigDecimal(Float16.toDouble((short) neighbour))).abs();
      int cmp = dist.compareTo(other);
      if (cmp > 0 || (cmp == 0 && (mag & 1) != 0)) {
        return false;
      }
    }
    return true;
  }
}
