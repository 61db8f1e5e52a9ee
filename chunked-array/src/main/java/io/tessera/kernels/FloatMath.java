package io.tessera.kernels;

/**
 * NumPy's floating-point element functions (its {@code npy_*} math and loop rules) for the
 * generated inner loops, in float32 ({@code float}) and float64 ({@code double}); float16 loops
 * compute in float32 and round back, as NumPy's half loops do, with a few half-specific rules
 * ({@code ...Half}) where NumPy's half loops compare the halves themselves.
 *
 * <p>Exact (bit for bit, as NumPy): the divmod family, sign, abs, copysign, trunc, the
 * maximum/minimum family, clip. The transcendental functions follow {@link StrictMath} (fdlibm,
 * reproducible on every JVM) where NumPy calls the C library; their measured distance from NumPy
 * is stated in {@code KernelGoldenTest}.
 */
public final class FloatMath {
  private FloatMath() {}

  private static final long D_SIGN = 0x8000_0000_0000_0000L;
  private static final int F_SIGN = 0x8000_0000;

  // ------------------------------------------------------------------ sign bits

  /** |x| by clearing the sign bit (NaN payloads kept, as C's fabs). */
  public static double abs(double x) {
    return Double.longBitsToDouble(Double.doubleToRawLongBits(x) & ~D_SIGN);
  }

  public static float abs(float x) {
    return Float.intBitsToFloat(Float.floatToRawIntBits(x) & ~F_SIGN);
  }

  /** C's copysign on raw bits: x's magnitude bits with y's sign bit (NaN signs included). */
  public static double copysign(double x, double y) {
    return Double.longBitsToDouble((Double.doubleToRawLongBits(x) & ~D_SIGN)
        | (Double.doubleToRawLongBits(y) & D_SIGN));
  }

  public static float copysign(float x, float y) {
    return Float.intBitsToFloat((Float.floatToRawIntBits(x) & ~F_SIGN)
        | (Float.floatToRawIntBits(y) & F_SIGN));
  }

  /** np.sign: 1, -1, 0 (+0.0 for either zero), NaN passes through. */
  public static double sign(double x) {
    return x > 0 ? 1.0 : x < 0 ? -1.0 : x == 0 ? 0.0 : x;
  }

  public static float sign(float x) {
    return x > 0 ? 1.0f : x < 0 ? -1.0f : x == 0 ? 0.0f : x;
  }

  /** np.trunc: rounds toward zero, keeping -0.0 and NaN. */
  public static double trunc(double x) {
    return x < 0 ? Math.ceil(x) : Math.floor(x);
  }

  public static float trunc(float x) {
    return x < 0 ? (float) Math.ceil(x) : (float) Math.floor(x);
  }

  // ------------------------------------------------------------------ divmod (npy_divmod)

  /** np.floor_divide: {@code a / b} when b is zero, else the quotient of npy_divmod. */
  public static double floorDivide(double a, double b) {
    if (b == 0) {
      return a / b;
    }
    double mod = a % b;
    double div = (a - mod) / b;
    if (mod != 0) { // NaN counts as nonzero, as in C
      if ((b < 0) != (mod < 0)) {
        div -= 1.0;
      }
    }
    if (div != 0) {
      double floordiv = Math.floor(div);
      if (div - floordiv > 0.5) {
        floordiv += 1.0;
      }
      return floordiv;
    }
    return copysign(0.0, a / b);
  }

  public static float floorDivide(float a, float b) {
    if (b == 0) {
      return a / b;
    }
    float mod = a % b;
    float div = (a - mod) / b;
    if (mod != 0) {
      if ((b < 0) != (mod < 0)) {
        div -= 1.0f;
      }
    }
    if (div != 0) {
      float floordiv = (float) Math.floor(div);
      if (div - floordiv > 0.5f) {
        floordiv += 1.0f;
      }
      return floordiv;
    }
    return copysign(0.0f, a / b);
  }

  /** np.remainder: fmod when b is zero, else the modulus of npy_divmod (the divisor's sign). */
  public static double remainder(double a, double b) {
    double mod = a % b;
    if (b == 0) {
      return mod;
    }
    if (mod != 0) {
      if ((b < 0) != (mod < 0)) {
        mod += b;
      }
      return mod;
    }
    return copysign(0.0, b);
  }

  public static float remainder(float a, float b) {
    float mod = a % b;
    if (b == 0) {
      return mod;
    }
    if (mod != 0) {
      if ((b < 0) != (mod < 0)) {
        mod += b;
      }
      return mod;
    }
    return copysign(0.0f, b);
  }

  // ------------------------------------------------------------------ maximum family

  /** np.maximum (float32/float64): NaN propagates; ties (±0) give y, as NumPy's loops. */
  public static double maximum(double x, double y) {
    return x > y || x != x ? x : y;
  }

  public static float maximum(float x, float y) {
    return x > y || x != x ? x : y;
  }

  public static double minimum(double x, double y) {
    return x < y || x != x ? x : y;
  }

  public static float minimum(float x, float y) {
    return x < y || x != x ? x : y;
  }

  /**
   * np.fmax: NaN ignored unless both are NaN; ties give y. (NumPy's contiguous float32 fmax/fmin
   * loop resolves a +0.0/-0.0 tie as x in its scalar tail and as y in its vector body; these loops
   * always give y, as NumPy's float64 and broadcast loops do.)
   */
  public static double fmax(double x, double y) {
    return x > y || y != y ? x : y;
  }

  public static float fmax(float x, float y) {
    return x > y || y != y ? x : y;
  }

  public static double fmin(double x, double y) {
    return x < y || y != y ? x : y;
  }

  public static float fmin(float x, float y) {
    return x < y || y != y ? x : y;
  }

  /** np.maximum for float16 (NumPy compares the halves): ties give x. */
  public static float maximumHalf(float x, float y) {
    return x >= y || x != x ? x : y;
  }

  public static float minimumHalf(float x, float y) {
    return x <= y || x != x ? x : y;
  }

  public static float fmaxHalf(float x, float y) {
    return x >= y || y != y ? x : y;
  }

  public static float fminHalf(float x, float y) {
    return x <= y || y != y ? x : y;
  }

  // ------------------------------------------------------------------ clip

  /** np.clip with per-element bounds: {@code min(max(x, lo), hi)}, any NaN propagates. */
  public static double clip(double x, double lo, double hi) {
    double t = x != x || x > lo ? x : lo;
    return t != t || t < hi ? t : hi;
  }

  public static float clip(float x, float lo, float hi) {
    float t = x != x || x > lo ? x : lo;
    return t != t || t < hi ? t : hi;
  }

  /**
   * np.clip with broadcast (stride-0) bounds, as NumPy's vectorized path: a NaN bound gives NaN,
   * otherwise ties (±0) keep x.
   */
  public static double clipScalarBounds(double x, double lo, double hi) {
    if (lo != lo) {
      return lo;
    }
    if (hi != hi) {
      return hi;
    }
    double t = lo > x ? lo : x;
    return hi < t ? hi : t;
  }

  public static float clipScalarBounds(float x, float lo, float hi) {
    if (lo != lo) {
      return lo;
    }
    if (hi != hi) {
      return hi;
    }
    float t = lo > x ? lo : x;
    return hi < t ? hi : t;
  }

  /** np.clip for float16: NaN propagates, ties keep x. */
  public static float clipHalf(float x, float lo, float hi) {
    float t = x != x || x >= lo ? x : lo;
    return t != t || t <= hi ? t : hi;
  }

  // ------------------------------------------------------------------ power, atan2, hypot

  /** C's pow: as StrictMath.pow except {@code pow(1, y) == 1} and {@code pow(-1, ±inf) == 1}. */
  public static double pow(double x, double y) {
    if (x == 1.0 || (x == -1.0 && Double.isInfinite(y))) {
      return 1.0;
    }
    return StrictMath.pow(x, y);
  }

  public static float pow(float x, float y) {
    return (float) pow((double) x, (double) y);
  }

  public static double atan2(double y, double x) {
    return StrictMath.atan2(y, x);
  }

  public static float atan2(float y, float x) {
    return (float) StrictMath.atan2(y, x);
  }

  public static double hypot(double x, double y) {
    return StrictMath.hypot(x, y);
  }

  /** hypotf: exact squares and sum in double, one sqrt; an infinity wins over NaN, as in C. */
  public static float hypot(float x, float y) {
    if (Float.isInfinite(x) || Float.isInfinite(y)) {
      return Float.POSITIVE_INFINITY;
    }
    double dx = x;
    double dy = y;
    return (float) Math.sqrt(dx * dx + dy * dy);
  }

  // ------------------------------------------------------------------ transcendental

  public static double cbrt(double x) {
    return StrictMath.cbrt(x);
  }

  public static double exp(double x) {
    return StrictMath.exp(x);
  }

  public static double exp2(double x) {
    return StrictMath.pow(2.0, x);
  }

  public static double expm1(double x) {
    return StrictMath.expm1(x);
  }

  public static double log(double x) {
    return StrictMath.log(x);
  }

  private static final double INV_LN2 = 1.4426950408889634;

  /** log2: exact for powers of two; elsewhere e + log(m)/ln 2 with m in [sqrt(1/2), sqrt(2)). */
  public static double log2(double x) {
    if (!(x > 0) || x == Double.POSITIVE_INFINITY) {
      return StrictMath.log(x); // NaN, -inf for ±0, NaN for negatives, inf for inf
    }
    int e = Math.getExponent(x);
    double m;
    if (e == Double.MIN_EXPONENT - 1) { // subnormal
      x *= 0x1p54;
      e = Math.getExponent(x) - 54;
      m = x * Math.scalb(1.0, -(e + 54));
    } else {
      m = Math.scalb(x, -e);
    }
    if (m > 1.4142135623730951) {
      m *= 0.5;
      e++;
    }
    return e + StrictMath.log(m) * INV_LN2;
  }

  public static double log10(double x) {
    return StrictMath.log10(x);
  }

  public static double log1p(double x) {
    return StrictMath.log1p(x);
  }

  public static double sin(double x) {
    return StrictMath.sin(x);
  }

  public static double cos(double x) {
    return StrictMath.cos(x);
  }

  public static double tan(double x) {
    return StrictMath.tan(x);
  }

  public static double asin(double x) {
    return StrictMath.asin(x);
  }

  public static double acos(double x) {
    return StrictMath.acos(x);
  }

  public static double atan(double x) {
    return StrictMath.atan(x);
  }

  public static double sinh(double x) {
    return StrictMath.sinh(x);
  }

  public static double cosh(double x) {
    return StrictMath.cosh(x);
  }

  public static double tanh(double x) {
    return StrictMath.tanh(x);
  }

  // float32: the float64 function rounded once to float32 (almost always correctly rounded)

  public static float cbrt(float x) {
    return (float) cbrt((double) x);
  }

  /** NumPy's own vectorized float32 exp ({@link NpySimdMath#exp}). */
  public static float exp(float x) {
    return NpySimdMath.exp(x);
  }

  public static float exp2(float x) {
    return (float) exp2((double) x);
  }

  public static float expm1(float x) {
    return (float) expm1((double) x);
  }

  /** NumPy's own vectorized float32 log ({@link NpySimdMath#log}). */
  public static float log(float x) {
    return NpySimdMath.log(x);
  }

  public static float log2(float x) {
    return (float) log2((double) x);
  }

  public static float log10(float x) {
    return (float) log10((double) x);
  }

  public static float log1p(float x) {
    return (float) log1p((double) x);
  }

  /** NumPy's own vectorized float32 sin ({@link NpySimdMath#sin}). */
  public static float sin(float x) {
    return NpySimdMath.sin(x);
  }

  /** NumPy's own vectorized float32 cos ({@link NpySimdMath#cos}). */
  public static float cos(float x) {
    return NpySimdMath.cos(x);
  }

  public static float tan(float x) {
    return (float) tan((double) x);
  }

  public static float asin(float x) {
    return (float) asin((double) x);
  }

  public static float acos(float x) {
    return (float) acos((double) x);
  }

  public static float atan(float x) {
    return (float) atan((double) x);
  }

  public static float sinh(float x) {
    return (float) sinh((double) x);
  }

  public static float cosh(float x) {
    return (float) cosh((double) x);
  }

  public static float tanh(float x) {
    return (float) tanh((double) x);
  }

  // float16: NumPy's half loops call the float32 C function and round the result to half

  public static float cbrtHalf(float x) {
    return cbrt(x);
  }

  public static float expHalf(float x) {
    return (float) exp((double) x);
  }

  public static float exp2Half(float x) {
    return exp2(x);
  }

  public static float expm1Half(float x) {
    return expm1(x);
  }

  public static float logHalf(float x) {
    return (float) log((double) x);
  }

  public static float log2Half(float x) {
    return log2(x);
  }

  public static float log10Half(float x) {
    return log10(x);
  }

  public static float log1pHalf(float x) {
    return log1p(x);
  }

  public static float sinHalf(float x) {
    return (float) sin((double) x);
  }

  public static float cosHalf(float x) {
    return (float) cos((double) x);
  }

  public static float tanHalf(float x) {
    return tan(x);
  }

  public static float asinHalf(float x) {
    return asin(x);
  }

  public static float acosHalf(float x) {
    return acos(x);
  }

  public static float atanHalf(float x) {
    return atan(x);
  }

  public static float sinhHalf(float x) {
    return sinh(x);
  }

  public static float coshHalf(float x) {
    return cosh(x);
  }

  public static float tanhHalf(float x) {
    return tanh(x);
  }
}
