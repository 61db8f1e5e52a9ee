package io.tessera.kernels;

/**
 * NumPy's integer semantics where Java's operators differ, for the generated inner loops (values
 * arrive as Java {@code int}/{@code long}: signed types sign-extended, uint8/uint16/uint32
 * zero-extended, uint64 as its two's-complement bits). Results are wrapped to the loop's width by
 * the store, as NumPy's C loops wrap.
 *
 * <ul>
 *   <li>Division or remainder by zero gives 0 (NumPy warns, never raises): floor_divide,
 *       remainder and fmod alike.
 *   <li>floor_divide rounds toward negative infinity and remainder takes the divisor's sign (Python
 *       semantics); fmod truncates and takes the dividend's sign (C semantics).
 *   <li>{@code MIN // -1} wraps to {@code MIN}; {@code MIN % -1} and {@code fmod(MIN, -1)} are 0.
 * </ul>
 */
public final class IntMath {
  private IntMath() {}

  public static int floorDiv(int x, int y) {
    return y == 0 ? 0 : Math.floorDiv(x, y);
  }

  public static long floorDiv(long x, long y) {
    return y == 0 ? 0 : Math.floorDiv(x, y);
  }

  public static int floorMod(int x, int y) {
    return y == 0 ? 0 : Math.floorMod(x, y);
  }

  public static long floorMod(long x, long y) {
    return y == 0 ? 0 : Math.floorMod(x, y);
  }

  /** C's {@code %}: truncated, the dividend's sign; 0 for a zero divisor. */
  public static int fmod(int x, int y) {
    return y == 0 ? 0 : x % y;
  }

  /** C's {@code %}: truncated, the dividend's sign; 0 for a zero divisor. */
  public static long fmod(long x, long y) {
    return y == 0 ? 0 : x % y;
  }

  /** Unsigned division of zero-extended values (uint8, uint16); 0 for a zero divisor. */
  public static int divU(int x, int y) {
    return y == 0 ? 0 : x / y;
  }

  /** Unsigned division of zero-extended uint32 values; 0 for a zero divisor. */
  public static long divU(long x, long y) {
    return y == 0 ? 0 : x / y;
  }

  /** Unsigned remainder of zero-extended values (uint8, uint16); 0 for a zero divisor. */
  public static int remU(int x, int y) {
    return y == 0 ? 0 : x % y;
  }

  /** Unsigned remainder of zero-extended uint32 values; 0 for a zero divisor. */
  public static long remU(long x, long y) {
    return y == 0 ? 0 : x % y;
  }

  /** uint64 division; 0 for a zero divisor. */
  public static long divU64(long x, long y) {
    return y == 0 ? 0 : Long.divideUnsigned(x, y);
  }

  /** uint64 remainder; 0 for a zero divisor. */
  public static long remU64(long x, long y) {
    return y == 0 ? 0 : Long.remainderUnsigned(x, y);
  }

  /**
   * {@code base ** exp} for a signed loop: exact modulo 2<sup>64</sup> (the store keeps the
   * loop's low bits). A negative exponent makes NumPy raise; {@link Kernels#validate} rejects it
   * before any loop runs, so the 0 returned here is never seen through the ufunc API.
   */
  public static long powSigned(long base, long exp) {
    return exp < 0 ? 0 : powUnsigned(base, exp);
  }

  /** {@code base ** exp} modulo 2<sup>64</sup>, {@code exp} read as unsigned; {@code x**0 == 1}. */
  public static long powUnsigned(long base, long exp) {
    long r = 1;
    long b = base;
    long e = exp;
    while (e != 0) {
      if ((e & 1) != 0) {
        r *= b;
      }
      e >>>= 1;
      b *= b;
    }
    return r;
  }

  public static long maxU64(long x, long y) {
    return Long.compareUnsigned(x, y) >= 0 ? x : y;
  }

  public static long minU64(long x, long y) {
    return Long.compareUnsigned(x, y) <= 0 ? x : y;
  }

  /** Compares an int64 with a uint64 (given as bits) by value: negative, zero or positive. */
  public static int cmpSignedUnsigned(long s, long u) {
    return s < 0 ? -1 : Long.compareUnsigned(s, u);
  }

  /** Compares a uint64 (given as bits) with an int64 by value: negative, zero or positive. */
  public static int cmpUnsignedSigned(long u, long s) {
    return s < 0 ? 1 : Long.compareUnsigned(u, s);
  }
}
