package io.tessera.ufunc;

import io.tessera.dtype.DType;
import io.tessera.dtype.Promotion;
import java.math.BigInteger;
import java.util.Objects;

/**
 * One ufunc input as type resolution sees it: an array of some dtype, or a Java scalar standing
 * for a Python scalar. Integers ({@code long}, {@code BigInteger}) act as Python {@code int},
 * {@code double} as Python {@code float}; both are NEP 50 "weak" (see {@link Promotion}). A
 * {@code boolean} acts as a Python {@code bool}, which NumPy 2 treats as a bool array.
 */
public final class Operand {
  private final DType dtype;
  private final boolean weak;
  private final Number value;

  private Operand(DType dtype, boolean weak, Number value) {
    this.dtype = dtype;
    this.weak = weak;
    this.value = value;
  }

  /** An array (or NumPy scalar) of {@code dtype}. */
  public static Operand array(DType dtype) {
    return new Operand(Objects.requireNonNull(dtype), false, null);
  }

  /** A Python int. */
  public static Operand scalar(long value) {
    return new Operand(DType.INT64, true, value);
  }

  /** A Python int of any size (NumPy limits: see {@link Promotion#weakScalarBits}). */
  public static Operand scalar(BigInteger value) {
    return new Operand(DType.INT64, true, Objects.requireNonNull(value));
  }

  /** A Python float. */
  public static Operand scalar(double value) {
    return new Operand(DType.FLOAT64, true, value);
  }

  /** A Python bool (a bool array for NumPy 2); its value travels as 0 or 1. */
  public static Operand scalar(boolean value) {
    return new Operand(DType.BOOL, true, value ? 1 : 0);
  }

  /** A Python int or float, by the Number's class ({@code Double}/{@code Float} are floats). */
  public static Operand scalar(Number value) {
    return new Operand(Promotion.weakKind(value), true, value);
  }

  /** A Python int or float of unknown value (types only; no overflow checks). */
  public static Operand weakOfKind(DType kind) {
    if (kind != DType.INT64 && kind != DType.FLOAT64 && kind != DType.BOOL) {
      throw new IllegalArgumentException("weak scalars are int64, float64 or bool, not " + kind);
    }
    return new Operand(kind, true, null);
  }

  /** The array's dtype; for a scalar, INT64, FLOAT64 or BOOL (Python int, float, bool). */
  public DType dtype() {
    return dtype;
  }

  /** Whether this is a Java/Python scalar rather than an array. */
  public boolean isWeak() {
    return weak;
  }

  /** The scalar's value (null for arrays and for {@link #weakOfKind}). */
  public Number value() {
    return value;
  }

  @Override
  public String toString() {
    return weak ? "scalar(" + value + ": " + dtype + ")" : "array(" + dtype + ")";
  }
}
