package io.tessera.io.zarr;

import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import java.math.BigInteger;
import java.util.Objects;

/**
 * The {@code fill_value} of a Zarr v2 array: the value of every element of a chunk that is not
 * stored, and of the padding of edge chunks. Held as the element's bits for one dtype.
 *
 * <p>JSON encoding (zarr-python's {@code encode_fill_value} / {@code decode_fill_value}): a JSON
 * boolean for bool, an integer for the integer types, a number for the floating types with NaN
 * and the infinities as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, and
 * {@code null} for none (zarr-python then reads missing chunks as zeros, and so does Tessera). A
 * float32 or float16 value is written as the float64 it widens to, as Python's {@code float()}
 * does.
 */
public final class ZarrFillValue {
  private final DType dtype;
  private final long bits;
  private final boolean none;

  private ZarrFillValue(DType dtype, long bits, boolean none) {
    this.dtype = dtype;
    this.bits = bits;
    this.none = none;
  }

  /** No fill value ({@code null}): missing chunks read as zeros. */
  public static ZarrFillValue none(DType dtype) {
    return new ZarrFillValue(Objects.requireNonNull(dtype, "dtype"), 0, true);
  }

  /** The element bits {@code bits} of {@code dtype} (the low {@code itemsize} bytes). */
  public static ZarrFillValue ofBits(DType dtype, long bits) {
    int b = dtype.itemsize() * 8;
    return new ZarrFillValue(dtype, b == 64 ? bits : bits & ((1L << b) - 1), false);
  }

  /**
   * {@code value} converted to {@code dtype}: rounded to float32/float16 for those types; for
   * integer and bool types it must be integral and in range (bool: 0 or 1).
   */
  public static ZarrFillValue of(DType dtype, double value) {
    switch (dtype) {
      case FLOAT64:
        return ofBits(dtype, Double.doubleToRawLongBits(value));
      case FLOAT32:
        return ofBits(dtype, Float.floatToRawIntBits((float) value));
      case FLOAT16:
        return ofBits(dtype, Float16.fromDouble(value));
      default:
        if (value != Math.rint(value) || Double.isInfinite(value)) {
          throw new IllegalArgumentException("fill value " + value + " is not an integer, as "
              + dtype + " needs");
        }
        return integer(dtype, new java.math.BigDecimal(value).toBigInteger());
    }
  }

  /**
   * {@code value} for {@code dtype}: a Double or Float as {@link #of(DType, double)}, a Long,
   * Integer, Short, Byte or {@link BigInteger} as an integer (range-checked; converted for float
   * dtypes).
   */
  public static ZarrFillValue of(DType dtype, Number value) {
    Objects.requireNonNull(value, "value");
    if (value instanceof Double || value instanceof Float) {
      return of(dtype, value.doubleValue());
    }
    if (value instanceof BigInteger b) {
      return dtype.isFloat() ? of(dtype, b.doubleValue()) : integer(dtype, b);
    }
    return of(dtype, value.longValue());
  }

  /** The integer {@code value} for an integer or bool dtype (range-checked). */
  public static ZarrFillValue of(DType dtype, long value) {
    if (dtype.isFloat()) {
      return of(dtype, (double) value);
    }
    return integer(dtype, BigInteger.valueOf(value));
  }

  private static ZarrFillValue integer(DType dtype, BigInteger v) {
    BigInteger lo;
    BigInteger hi;
    int b = dtype.itemsize() * 8;
    if (dtype.isBool()) {
      lo = BigInteger.ZERO;
      hi = BigInteger.ONE;
    } else if (dtype.isSigned()) {
      lo = BigInteger.ONE.shiftLeft(b - 1).negate();
      hi = BigInteger.ONE.shiftLeft(b - 1).subtract(BigInteger.ONE);
    } else {
      lo = BigInteger.ZERO;
      hi = BigInteger.ONE.shiftLeft(b).subtract(BigInteger.ONE);
    }
    if (v.compareTo(lo) < 0 || v.compareTo(hi) > 0) {
      throw new IllegalArgumentException("fill value " + v + " is out of range for " + dtype
          + " [" + lo + ", " + hi + "]");
    }
    return ofBits(dtype, v.longValue());
  }

  /**
   * Decodes the JSON value of {@code fill_value} (as {@link ZarrJson} gives it) for {@code dtype}.
   *
   * @throws IllegalArgumentException with the reason, if it is not a valid fill value
   */
  static ZarrFillValue fromJson(Object json, DType dtype) {
    if (json == null) {
      return none(dtype);
    }
    if (dtype.isBool()) {
      if (json instanceof Boolean b) {
        return ofBits(dtype, b ? 1 : 0);
      }
      if (json instanceof BigInteger i) {
        return integer(dtype, i);
      }
      throw new IllegalArgumentException("fill value " + json + " for bool (expected true, false "
          + "or null)");
    }
    if (dtype.isFloat()) {
      if (json instanceof String s) {
        switch (s) {
          case "NaN":
            return of(dtype, Double.NaN);
          case "Infinity":
            return of(dtype, Double.POSITIVE_INFINITY);
          case "-Infinity":
            return of(dtype, Double.NEGATIVE_INFINITY);
          default:
            throw new IllegalArgumentException("fill value \"" + s + "\" for " + dtype
                + " (strings allowed: \"NaN\", \"Infinity\", \"-Infinity\")");
        }
      }
      if (json instanceof Number n) {
        return of(dtype, n.doubleValue());
      }
      throw new IllegalArgumentException("fill value " + json + " for " + dtype);
    }
    if (json instanceof BigInteger i) {
      return integer(dtype, i);
    }
    if (json instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
      return integer(dtype, new java.math.BigDecimal(d).toBigInteger());
    }
    throw new IllegalArgumentException("fill value " + json + " for " + dtype
        + " (expected an integer or null)");
  }

  /** The JSON value zarr-python writes for this fill value. */
  Object toJson() {
    if (none) {
      return null;
    }
    switch (dtype.kind()) {
      case 'b':
        return bits != 0;
      case 'i':
        return bits << (64 - 8 * dtype.itemsize()) >> (64 - 8 * dtype.itemsize());
      case 'u':
        return dtype.itemsize() == 8 ? new BigInteger(Long.toUnsignedString(bits)) : bits;
      default:
        double d = doubleValue();
        if (Double.isNaN(d)) {
          return "NaN";
        }
        if (Double.isInfinite(d)) {
          return d > 0 ? "Infinity" : "-Infinity";
        }
        return d;
    }
  }

  /** The value as a double (exact for floats, rounded for int64/uint64 beyond 2^53). */
  public double doubleValue() {
    switch (dtype) {
      case FLOAT64:
        return Double.longBitsToDouble(bits);
      case FLOAT32:
        return Float.intBitsToFloat((int) bits);
      case FLOAT16:
        return Float16.toDouble((short) bits);
      case UINT64:
        return new BigInteger(Long.toUnsignedString(bits)).doubleValue();
      default:
        Object j = toJson();
        return j instanceof Boolean b ? (b ? 1 : 0) : ((Number) j).doubleValue();
    }
  }

  public DType dtype() {
    return dtype;
  }

  /** The element bits in native order (0 for none). */
  public long bits() {
    return bits;
  }

  /** True for {@code null}: no fill value declared (missing chunks read as zeros). */
  public boolean isNone() {
    return none;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ZarrFillValue f && f.dtype == dtype && f.bits == bits && f.none == none;
  }

  @Override
  public int hashCode() {
    return Objects.hash(dtype, bits, none);
  }

  /** The JSON text of the value: {@code 0}, {@code "NaN"}, {@code true}, {@code null}. */
  @Override
  public String toString() {
    Object j = toJson();
    return j instanceof String s ? "\"" + s + "\"" : j instanceof Double d ? ZarrJson.pyRepr(d)
        : String.valueOf(j);
  }
}
