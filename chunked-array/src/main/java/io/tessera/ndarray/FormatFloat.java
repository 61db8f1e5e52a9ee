package io.tessera.ndarray;

import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.ndarray.FormatDragon4.Trim;

/**
 * NumPy's {@code FloatingFormat} with the default print options (precision 8, floatmode
 * {@code 'maxprec'}, sign {@code '-'}, suppress off): one common layout for all shown elements.
 *
 * <p>Scientific notation is chosen when the largest non-zero magnitude is at least
 * {@code 10^min(8, finfo.precision)} (1e3 for float16, 1e6 for float32, 1e8 for float64), the
 * smallest is below 1e-4, or their ratio exceeds 1000; the comparisons and the ratio are computed in
 * the array's own precision, as NumPy does with its scalars. Positional text gets the shortest
 * unique digits with at most 8 decimals, left padded to the widest integer part and right padded
 * with spaces to the widest fraction ({@code "0. "}, {@code "0.5"}); scientific text gets as many
 * mantissa decimals as the longest shortest-mantissa, zero padded, and a common exponent width.
 * {@code nan} and {@code inf} are right aligned in the same width.
 */
final class FormatFloat implements ArrayFormat.ElementFormat {
  private static final int PRECISION = 8;

  private final DType type;
  private final boolean scientific;
  private int padLeft;
  private int padRight;
  private int precision = PRECISION;
  private int expSize = -1;

  /** @param bits raw bits ({@link FormatDragon4#bitsOf}) of the elements that will be shown */
  FormatFloat(DType type, long[] bits) {
    this.type = type;
    double max = 0;
    double min = Double.POSITIVE_INFINITY;
    int finite = 0;
    boolean nonFinite = false;
    boolean negInf = false;
    for (long b : bits) {
      if (!FormatDragon4.isFinite(b, type)) {
        nonFinite = true;
        negInf |= !FormatDragon4.isNaN(b, type) && FormatDragon4.isNegative(b, type);
        continue;
      }
      finite++;
      double v = Math.abs(FormatDragon4.valueOf(b, type));
      if (v != 0) {
        max = Math.max(max, v);
        min = Math.min(min, v);
      }
    }
    scientific = max != 0 && (max >= cutoffMax(type) || min < inOwnPrecision(1e-4)
        || ratio(max, min) > 1000);

    if (finite > 0 && scientific) {
      int fraction = 0;
      int exp = 0;
      for (long b : bits) {
        if (FormatDragon4.isFinite(b, type)) {
          String s = FormatDragon4.scientific(b, type, PRECISION, -1, Trim.ZEROS, -1, -1);
          int e = s.indexOf('e');
          int dot = s.indexOf('.');
          padLeft = Math.max(padLeft, dot);
          fraction = Math.max(fraction, e - dot - 1);
          exp = Math.max(exp, s.length() - e - 2);
        }
      }
      precision = fraction;
      expSize = exp;
      padRight = expSize + 2 + precision;
    } else if (finite > 0) {
      for (long b : bits) {
        if (FormatDragon4.isFinite(b, type)) {
          String s = FormatDragon4.positional(b, type, PRECISION, -1, Trim.ZEROS, -1, -1);
          int dot = s.indexOf('.');
          padLeft = Math.max(padLeft, dot);
          padRight = Math.max(padRight, s.length() - dot - 1);
        }
      }
    }
    if (nonFinite) {
      int offset = padRight + 1;
      padLeft = Math.max(padLeft, Math.max(3 - offset, 3 + (negInf ? 1 : 0) - offset));
    }
  }

  @Override
  public String format(long b) {
    if (!FormatDragon4.isFinite(b, type)) {
      String s = FormatDragon4.isNaN(b, type) ? "nan"
          : FormatDragon4.isNegative(b, type) ? "-inf" : "inf";
      return " ".repeat(Math.max(0, padLeft + padRight + 1 - s.length())) + s;
    }
    if (scientific) {
      return FormatDragon4.scientific(b, type, precision, precision, Trim.KEEP, padLeft, expSize);
    }
    return FormatDragon4.positional(b, type, PRECISION, 0, Trim.ZEROS, padLeft, padRight);
  }

  /** {@code 10.**min(8, np.finfo(dtype).precision)}. */
  private static double cutoffMax(DType t) {
    return t == DType.FLOAT16 ? 1e3 : t == DType.FLOAT32 ? 1e6 : 1e8;
  }

  /** A Python float constant as NumPy 2 compares it with a scalar of this dtype (cast to it). */
  private double inOwnPrecision(double constant) {
    return FormatDragon4.valueOf(FormatDragon4.bitsOf(constant, type), type);
  }

  /** {@code max_val / min_val} in the dtype's arithmetic (float16 divides in float32). */
  private double ratio(double max, double min) {
    switch (type) {
      case FLOAT16: return Float16.toDouble(Float16.fromFloat((float) max / (float) min));
      case FLOAT32: return (float) max / (float) min;
      default: return max / min;
    }
  }
}
