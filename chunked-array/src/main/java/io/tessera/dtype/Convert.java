package io.tessera.dtype;

/**
 * Element conversions exactly as NumPy 2.4.6's {@code astype(..., casting='unsafe')} performs them
 * on x86-64, bit for bit.
 *
 * <h2>How values travel</h2>
 *
 * <ul>
 *   <li>bool and integers: a {@code long} holding the value, sign-extended for signed types and
 *       zero-extended for unsigned ones; uint64 as its two's-complement bits. bool is 0 or 1.
 *   <li>float16: its raw bits in a {@code short} (see {@link Float16});
 *   <li>float32: a {@code float}; float64: a {@code double}.
 * </ul>
 *
 * <p>float32 and float16 sources convert to bool and integers exactly as their (exact) float64
 * value does, so the {@code doubleTo...} methods serve all three float types.
 *
 * <h2>Float to integer (NaN, infinities, out of range)</h2>
 *
 * NumPy uses plain C casts, which on x86-64 compile to the truncating SSE conversions; these return
 * the "integer indefinite" value (the minimum of the signed 32- or 64-bit range) for NaN, ±inf and
 * anything whose truncation does not fit. Hence:
 *
 * <ul>
 *   <li>int32: truncate toward zero if the result fits in int32, else {@code Integer.MIN_VALUE};
 *   <li>int8, int16, uint8, uint16: that 32-bit result, truncated to the target's low bits (so NaN
 *       gives 0, 300.7 gives int8 44, -1.5 gives uint8 255, 2<sup>31</sup> gives 0);
 *   <li>int64: truncate if it fits in int64, else {@code Long.MIN_VALUE};
 *   <li>uint32: the int64 result's low 32 bits (NaN gives 0, -1.0 gives 4294967295);
 *   <li>uint64: values {@code >= 2^63} convert as {@code int64(x - 2^63) ^ 2^63}, everything else
 *       (negative values, NaN) as int64: NaN and -inf give 2<sup>63</sup>, -1.0 gives
 *       2<sup>64</sup>-1, +inf and values {@code >= 2^64} give 0;
 *   <li>bool: {@code x != 0}, so NaN is True.
 * </ul>
 *
 * <p><b>Caveat, contiguous float to uint32:</b> NumPy's contiguous float32/float64 to uint32 loop
 * is vectorized in blocks of four elements (AVX2) and the vector code follows a different rule for
 * out-of-range inputs (see {@link #doubleToUInt32Simd}); the last {@code n % 4} elements and all
 * strided or single-element casts follow the scalar rule ({@link #doubleToUInt32}). Both agree
 * on every value in (-2<sup>31</sup>-1, 2<sup>32</sup>). {@link #rawBitsConvert} follows the
 * scalar rule.
 *
 * <h2>Other conversions</h2>
 *
 * Integer to integer wraps (keeps the low bits); anything to bool is {@code != 0}; integer and
 * float64 to float16, and integers (uint64 included) to float32/float64 are correctly rounded to
 * nearest-even. float64 to float32 rounds to nearest-even and, for NaN, sets the quiet bit and
 * keeps the top payload bits (x86 {@code cvtsd2ss}); float32 to float64 likewise quiets a
 * signalling NaN ({@code cvtss2sd}). Conversions through float16 never quiet NaNs
 * ({@link Float16}).
 */
public final class Convert {
  private static final double TWO_POW_31 = 0x1p31;
  private static final double TWO_POW_63 = 0x1p63;

  private Convert() {}

  // ---------------------------------------------------------------- float to integer

  /** float to int32 as x86 {@code cvttsd2si}: truncation, or {@code Integer.MIN_VALUE}. */
  public static int doubleToInt32(double x) {
    return x > -2147483649.0 && x < TWO_POW_31 ? (int) x : Integer.MIN_VALUE;
  }

  /** float to int64 as x86 {@code cvttsd2si} (64-bit): truncation, or {@code Long.MIN_VALUE}. */
  public static long doubleToInt64(double x) {
    return x >= -TWO_POW_63 && x < TWO_POW_63 ? (long) x : Long.MIN_VALUE;
  }

  /** float to int8: the low 8 bits of {@link #doubleToInt32}, sign-extended. */
  public static long doubleToInt8(double x) {
    return (byte) doubleToInt32(x);
  }

  /** float to int16: the low 16 bits of {@link #doubleToInt32}, sign-extended. */
  public static long doubleToInt16(double x) {
    return (short) doubleToInt32(x);
  }

  /** float to uint8: the low 8 bits of {@link #doubleToInt32}. */
  public static long doubleToUInt8(double x) {
    return doubleToInt32(x) & 0xffL;
  }

  /** float to uint16: the low 16 bits of {@link #doubleToInt32}. */
  public static long doubleToUInt16(double x) {
    return doubleToInt32(x) & 0xffffL;
  }

  /** float to uint32, NumPy's scalar/strided rule: the low 32 bits of {@link #doubleToInt64}. */
  public static long doubleToUInt32(double x) {
    return doubleToInt64(x) & 0xffffffffL;
  }

  /**
   * float to uint32, the rule of NumPy's vectorized contiguous loop (AVX2, whole blocks of four):
   * {@code x >= 2^31 ? int32(x - 2^31) ^ 2^31 : int32(x)} with {@link #doubleToInt32} for
   * {@code int32}. NaN, -inf and values {@code <= -2^31 - 1} give 2<sup>31</sup>, values
   * {@code >= 2^32} give 0; in between it equals {@link #doubleToUInt32}.
   * For float32 input the subtraction is exact or out of range either way, so this serves it too.
   */
  public static long doubleToUInt32Simd(double x) {
    int r = x >= TWO_POW_31 ? doubleToInt32(x - TWO_POW_31) ^ Integer.MIN_VALUE : doubleToInt32(x);
    return r & 0xffffffffL;
  }

  /**
   * float to uint64 as NumPy (gcc's sequence): {@code x >= 2^63 ? int64(x - 2^63) ^ 2^63 :
   * int64(x)} with {@link #doubleToInt64} for {@code int64}; returns the uint64's bits.
   */
  public static long doubleToUInt64(double x) {
    return x >= TWO_POW_63 ? doubleToInt64(x - TWO_POW_63) ^ Long.MIN_VALUE : doubleToInt64(x);
  }

  /** float to bool: 1 unless {@code x} is ±0 (NaN is True). */
  public static long doubleToBool(double x) {
    return x != 0.0 ? 1L : 0L;
  }

  // ---------------------------------------------------------------- integer to float

  /** uint64 (given as its bits) to float64, correctly rounded to nearest-even. */
  public static double uint64ToDouble(long bits) {
    if (bits >= 0) {
      return bits;
    }
    // halve, keeping the lost bit as a sticky bit so the single rounding stays correct; exact * 2
    return (double) ((bits >>> 1) | (bits & 1L)) * 2.0;
  }

  /** uint64 (given as its bits) to float32, correctly rounded to nearest-even. */
  public static float uint64ToFloat(long bits) {
    if (bits >= 0) {
      return bits;
    }
    return (float) ((bits >>> 1) | (bits & 1L)) * 2.0f;
  }

  /**
   * A signed integer value (any of bool, int8..int64, uint8..uint32 as a long) to float16 bits,
   * correctly rounded. Exact for |v| &lt; 2<sup>53</sup>; larger values round to infinity either
   * way, so going through {@code (double) v} is exact in outcome.
   */
  public static short int64ToHalf(long v) {
    return Float16.fromDouble(v);
  }

  /** uint64 (given as its bits) to float16 bits; everything at or above 65520 is infinity. */
  public static short uint64ToHalf(long bits) {
    return bits < 0 ? Float16.POSITIVE_INFINITY : Float16.fromDouble(bits);
  }

  // ---------------------------------------------------------------- float to float

  /** float64 to float32 as x86 {@code cvtsd2ss}: nearest-even; NaN quieted, top payload kept. */
  public static float doubleToFloat(double x) {
    return Float.intBitsToFloat(doubleBitsToFloatBits(Double.doubleToRawLongBits(x)));
  }

  /** float32 to float64 as x86 {@code cvtss2sd}: exact; a signalling NaN is quieted. */
  public static double floatToDouble(float x) {
    return Double.longBitsToDouble(floatBitsToDoubleBits(Float.floatToRawIntBits(x)));
  }

  /** {@link #doubleToFloat} on raw bits. */
  public static int doubleBitsToFloatBits(long bits) {
    if ((bits & 0x7fffffffffffffffL) > 0x7ff0000000000000L) { // NaN
      int sign = (int) (bits >>> 32) & 0x80000000;
      return sign | 0x7fc00000 | (int) ((bits & 0xfffffffffffffL) >>> 29);
    }
    return Float.floatToRawIntBits((float) Double.longBitsToDouble(bits));
  }

  /** {@link #floatToDouble} on raw bits. */
  public static long floatBitsToDoubleBits(int bits) {
    if ((bits & 0x7fffffff) > 0x7f800000) { // NaN
      long sign = (long) (bits & 0x80000000) << 32;
      return sign | 0x7ff8000000000000L | ((long) (bits & 0x7fffff) << 29);
    }
    return Double.doubleToRawLongBits(Float.intBitsToFloat(bits));
  }

  // ---------------------------------------------------------------- integer to integer

  /** Integer or bool value to bool: {@code v != 0}. */
  public static long longToBool(long v) {
    return v != 0 ? 1L : 0L;
  }

  /** Wraps to int8 (low 8 bits, sign-extended). */
  public static long longToInt8(long v) {
    return (byte) v;
  }

  /** Wraps to int16 (low 16 bits, sign-extended). */
  public static long longToInt16(long v) {
    return (short) v;
  }

  /** Wraps to int32 (low 32 bits, sign-extended). */
  public static long longToInt32(long v) {
    return (int) v;
  }

  /** Wraps to uint8 (low 8 bits). */
  public static long longToUInt8(long v) {
    return v & 0xffL;
  }

  /** Wraps to uint16 (low 16 bits). */
  public static long longToUInt16(long v) {
    return v & 0xffffL;
  }

  /** Wraps to uint32 (low 32 bits). */
  public static long longToUInt32(long v) {
    return v & 0xffffffffL;
  }

  // ---------------------------------------------------------------- generic reference path

  /**
   * Converts one element given as raw little-endian bits (zero-extended into a long) from {@code
   * from} to {@code to}, returning the raw bits of the result, zero-extended. Same-type conversion
   * returns the bits unchanged (NumPy copies them; a bool byte of 2 stays 2). A bool source is True
   * when its byte is nonzero. Float to uint32 follows NumPy's scalar rule (see the class comment).
   *
   * <p>This is the reference path: it switches on the dtypes for every element. Hot loops should
   * call the specific methods above.
   */
  public static long rawBitsConvert(DType from, DType to, long rawBits) {
    if (from == to) {
      return rawBits & mask(to);
    }
    switch (from) {
      case FLOAT16:
        return fromHalf(to, (short) rawBits);
      case FLOAT32:
        return fromFloatBits(to, (int) rawBits);
      case FLOAT64:
        return fromDoubleBits(to, rawBits);
      case UINT64:
        return fromUInt64(to, rawBits);
      default:
        return fromLong(to, integerValue(from, rawBits));
    }
  }

  /** Bit mask covering one element of {@code t}. */
  private static long mask(DType t) {
    return t.itemsize() == 8 ? -1L : (1L << t.bits()) - 1;
  }

  /** The value of a bool or (non-uint64) integer element from its raw bits. */
  private static long integerValue(DType from, long raw) {
    switch (from) {
      case BOOL: return (raw & 0xff) != 0 ? 1 : 0;
      case INT8: return (byte) raw;
      case INT16: return (short) raw;
      case INT32: return (int) raw;
      case UINT8: return raw & 0xffL;
      case UINT16: return raw & 0xffffL;
      case UINT32: return raw & 0xffffffffL;
      default: return raw; // INT64
    }
  }

  /** Signed value (bool, int8..int64, uint8..uint32) to raw bits of {@code to}. */
  private static long fromLong(DType to, long v) {
    switch (to) {
      case BOOL: return longToBool(v);
      case FLOAT16: return int64ToHalf(v) & 0xffffL;
      case FLOAT32: return Float.floatToRawIntBits((float) v) & 0xffffffffL;
      case FLOAT64: return Double.doubleToRawLongBits((double) v);
      default: return v & mask(to); // integers wrap
    }
  }

  /** uint64 bits to raw bits of {@code to}. */
  private static long fromUInt64(DType to, long bits) {
    switch (to) {
      case BOOL: return longToBool(bits);
      case FLOAT16: return uint64ToHalf(bits) & 0xffffL;
      case FLOAT32: return Float.floatToRawIntBits(uint64ToFloat(bits)) & 0xffffffffL;
      case FLOAT64: return Double.doubleToRawLongBits(uint64ToDouble(bits));
      default: return bits & mask(to);
    }
  }

  private static long fromHalf(DType to, short h) {
    switch (to) {
      case FLOAT32: return Float16.toFloatBits(h) & 0xffffffffL;
      case FLOAT64: return Float16.toDoubleBits(h);
      default: return doubleToIntegerBits(to, Float16.toDouble(h));
    }
  }

  private static long fromFloatBits(DType to, int bits) {
    switch (to) {
      case FLOAT16: return Float16.fromFloatBits(bits) & 0xffffL;
      case FLOAT64: return floatBitsToDoubleBits(bits);
      default: return doubleToIntegerBits(to, Float.intBitsToFloat(bits));
    }
  }

  private static long fromDoubleBits(DType to, long bits) {
    switch (to) {
      case FLOAT16: return Float16.fromDoubleBits(bits) & 0xffffL;
      case FLOAT32: return doubleBitsToFloatBits(bits) & 0xffffffffL;
      default: return doubleToIntegerBits(to, Double.longBitsToDouble(bits));
    }
  }

  /** A float value to the raw bits of bool or integer type {@code to}. */
  private static long doubleToIntegerBits(DType to, double x) {
    switch (to) {
      case BOOL: return doubleToBool(x);
      case INT8: return doubleToInt8(x) & 0xffL;
      case INT16: return doubleToInt16(x) & 0xffffL;
      case INT32: return doubleToInt32(x) & 0xffffffffL;
      case INT64: return doubleToInt64(x);
      case UINT8: return doubleToUInt8(x);
      case UINT16: return doubleToUInt16(x);
      case UINT32: return doubleToUInt32(x);
      case UINT64: return doubleToUInt64(x);
      default: throw new AssertionError(to);
    }
  }
}
