package io.tessera.ndarray;

import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.ndarray.FormatDragon4.Trim;

/**
 * NumPy's {@code str(np.float16(x))}: the shortest digits that read back to the same float16
 * ({@code "0.1"}, {@code "1.0"}, {@code "6.55e+04"}, {@code "6e-08"}, {@code "nan"}), positional
 * for magnitudes in [1e-4, 1e3) and zero, scientific otherwise (NumPy 2 ends float16's positional
 * range at 10^finfo.precision = 1e3, where float64's ends at 1e16).
 */
final class Float16Text {
  private Float16Text() {}

  /** The text of the float16 with raw bits {@code bits}. */
  static String str(short bits) {
    long b = bits & 0xFFFFL;
    DType t = DType.FLOAT16;
    if (!FormatDragon4.isFinite(b, t)) {
      return FormatDragon4.isNaN(b, t) ? "nan" : FormatDragon4.isNegative(b, t) ? "-inf" : "inf";
    }
    double abs = Math.abs(Float16.toDouble(bits));
    if (abs == 0 || (abs >= 1e-4 && abs < 1e3)) {
      return FormatDragon4.positional(b, t, -1, -1, Trim.LEAVE_ONE_ZERO, -1, -1);
    }
    return FormatDragon4.scientific(b, t, -1, -1, Trim.DPT_ZEROS, -1, -1);
  }

  /** {@link #str(short)} of {@code v} rounded to float16. */
  static String shortest(double v) {
    return str(Float16.fromDouble(v));
  }
}
