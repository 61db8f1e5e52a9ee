package io.tessera.kernels;

/**
 * Element-wise transcriptions of NumPy's own vectorized float32 functions (the AVX2/FMA3 kernels
 * NumPy 2.4.6 dispatches to on x86-64 without AVX-512), reproducing their arithmetic step by step
 * (same constants, same fused multiply-adds, same special-case masks) so the results are NumPy's
 * bit for bit, including where those kernels are not correctly rounded (NumPy documents up to 2.52
 * ULP for exp and 3.83 ULP for log). Each vector lane computes independently, so one element at a
 * time gives the same bits.
 */
public final class NpySimdMath {
  private NpySimdMath() {}

  private static final float NANF = Float.intBitsToFloat(0x7FC0_0000);
  private static final float LOG2E = 1.442695040888963407359924681001892137f;
  private static final float LOGE2 = 0.693147180559945309417232121458176568f;
  private static final float SQRT1_2 = 0.707106781186547524400844362104849039f;
  private static final float RINT_MAGIC = 0x1.800000p+23f;

  // exp: Cody-Waite reduction by ln 2, then a (5, 2) rational approximation
  private static final float EXP_XMAX = 88.72283935546875f;
  private static final float EXP_XMIN = -103.97208404541015625f;
  private static final float LN2_HI = -6.93145752e-1f;
  private static final float LN2_LO = -1.42860677e-6f;
  private static final float EP0 = 9.999999999980870924916e-01f;
  private static final float EP1 = 7.257664613233124478488e-01f;
  private static final float EP2 = 2.473615434895520810817e-01f;
  private static final float EP3 = 5.114512081637298353406e-02f;
  private static final float EP4 = 6.757896990527504603057e-03f;
  private static final float EP5 = 5.082762527590693718096e-04f;
  private static final float EQ0 = 1.000000000000000000000e+00f;
  private static final float EQ1 = -2.742335390411667452936e-01f;
  private static final float EQ2 = 2.159509375685829852307e-02f;

  /** NumPy's float32 exp (its AVX2/FMA3 kernel). */
  public static float exp(float x) {
    if (x != x) {
      return NANF;
    }
    if (x >= EXP_XMAX) {
      return Float.POSITIVE_INFINITY;
    }
    if (x <= EXP_XMIN) {
      return 0.0f;
    }
    float q = x * LOG2E;
    q = (q + RINT_MAGIC) - RINT_MAGIC;
    float r = Math.fma(q, LN2_HI, x);
    r = Math.fma(q, LN2_LO, r);
    r = Math.fma(q, 0.0f, r);
    float num = Math.fma(EP5, r, EP4);
    num = Math.fma(num, r, EP3);
    num = Math.fma(num, r, EP2);
    num = Math.fma(num, r, EP1);
    num = Math.fma(num, r, EP0);
    float den = Math.fma(EQ2, r, EQ1);
    den = Math.fma(den, r, EQ0);
    return scale(num / den, q);
  }

  /** poly * 2^q by adding q to the exponent field; below 2^-125 via a division (subnormals). */
  private static float scale(float poly, float q) {
    if (q <= -125.0f) {
      int diff = (int) Math.rint(-(q - -125.0f));
      int twoPowDiff = diff >= 0 && diff < 32 ? 1 << diff : 0;
      float p = Float.intBitsToFloat(Float.floatToRawIntBits(poly) + (-125 << 23));
      return p / (float) twoPowDiff;
    }
    return Float.intBitsToFloat(Float.floatToRawIntBits(poly) + ((int) Math.rint(q) << 23));
  }

  // log: exponent and mantissa in [sqrt(1/2), sqrt(2)), then a (5, 5) rational approximation
  private static final float LP0 = 0.000000000000000000000e+00f;
  private static final float LP1 = 9.999999999999998702752e-01f;
  private static final float LP2 = 2.112677543073053063722e+00f;
  private static final float LP3 = 1.480000633576506585156e+00f;
  private static final float LP4 = 3.808837741388407920751e-01f;
  private static final float LP5 = 2.589979117907922693523e-02f;
  private static final float LQ0 = 1.000000000000000000000e+00f;
  private static final float LQ1 = 2.612677543073109236779e+00f;
  private static final float LQ2 = 2.453006071784736363091e+00f;
  private static final float LQ3 = 9.864942958519418960339e-01f;
  private static final float LQ4 = 1.546476374983906719538e-01f;
  private static final float LQ5 = 5.875095403124574342950e-03f;

  /** NumPy's float32 log (its AVX2/FMA3 kernel). */
  public static float log(float xin) {
    if (xin != xin) {
      return NANF;
    }
    if (xin < 0) {
      return -NANF;
    }
    if (xin == 0) {
      return Float.NEGATIVE_INFINITY;
    }
    if (xin == Float.POSITIVE_INFINITY) {
      return Float.POSITIVE_INFINITY;
    }
    float x = xin;
    float exponent;
    int bits;
    if (x < Float.MIN_NORMAL) { // subnormal: scale by 2^100 first
      bits = Float.floatToRawIntBits(x * 0x1p100f);
      exponent = (float) ((bits >>> 23) - 0x7E) - 100.0f;
    } else {
      bits = Float.floatToRawIntBits(x);
      exponent = (float) ((bits >>> 23) - 0x7E);
    }
    x = Float.intBitsToFloat((bits & 0x7FFFFF) | (126 << 23));
    if (x <= SQRT1_2) {
      x = x + x;
      exponent = exponent - 1.0f;
    }
    x = x - 1.0f;
    float num = Math.fma(LP5, x, LP4);
    num = Math.fma(num, x, LP3);
    num = Math.fma(num, x, LP2);
    num = Math.fma(num, x, LP1);
    num = Math.fma(num, x, LP0);
    float den = Math.fma(LQ5, x, LQ4);
    den = Math.fma(den, x, LQ3);
    den = Math.fma(den, x, LQ2);
    den = Math.fma(den, x, LQ1);
    den = Math.fma(den, x, LQ0);
    return Math.fma(exponent, LOGE2, num / den);
  }

  // sin/cos: Cody-Waite reduction by pi/2 within the "Cody-Waite range", polynomials on
  // [-pi/4, pi/4]; beyond that range (and for NaN and infinities) NumPy calls the C library
  private static final float TWO_O_PI = 0x1.45f306p-1f;
  private static final float PIO2_HI = -0x1.921fb0p+00f;
  private static final float PIO2_MED = -0x1.5110b4p-22f;
  private static final float PIO2_LO = -0x1.846988p-48f;
  private static final float SIN_MAX = 117435.992f;
  private static final float COS_MAX = 71476.0625f;
  private static final float C8 = 0x1.98e616p-16f;
  private static final float C6 = -0x1.6c06dcp-10f;
  private static final float C4 = 0x1.55553cp-05f;
  private static final float C2 = -0x1.000000p-01f;
  private static final float C0 = 0x1.000000p+00f;
  private static final float S9 = 0x1.7d3bbcp-19f;
  private static final float S7 = -0x1.a06bbap-13f;
  private static final float S5 = 0x1.11119ap-07f;
  private static final float S3 = -0x1.555556p-03f;

  /** NumPy's float32 sin (its FMA3 kernel; the C library's sinf beyond |x| = 117435.992). */
  public static float sin(float x) {
    if (!(Math.abs(x) <= SIN_MAX)) {
      return (float) StrictMath.sin(x);
    }
    return sinCos(x, 0);
  }

  /** NumPy's float32 cos (its FMA3 kernel; the C library's cosf beyond |x| = 71476.0625). */
  public static float cos(float x) {
    if (!(Math.abs(x) <= COS_MAX)) {
      return (float) StrictMath.cos(x);
    }
    return sinCos(x, 1);
  }

  private static float sinCos(float x, int quadrantShift) {
    float q = x * TWO_O_PI;
    q = (q + RINT_MAGIC) - RINT_MAGIC;
    float r = Math.fma(q, PIO2_HI, x);
    r = Math.fma(q, PIO2_MED, r);
    r = Math.fma(q, PIO2_LO, r);
    float r2 = r * r;
    int iq = (int) q + quadrantShift;
    float v;
    if ((iq & 1) == 0) {
      float s = Math.fma(S9, r2, S7);
      s = Math.fma(s, r2, S5);
      s = Math.fma(s, r2, S3);
      s = Math.fma(s, r2, 0.0f);
      v = Math.fma(s, r, r);
    } else {
      float c = Math.fma(C8, r2, C6);
      c = Math.fma(c, r2, C4);
      c = Math.fma(c, r2, C2);
      v = Math.fma(c, r2, C0);
    }
    return (iq & 2) == 2 ? 0.0f - v : v;
  }
}
