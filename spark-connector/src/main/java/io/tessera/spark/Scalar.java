package io.tessera.spark;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import java.io.Serializable;
import java.util.Objects;

/**
 * One value of a NumPy dtype, as a reduction returns it ({@code np.float64(2.5)}): the dtype and
 * the value's raw little-endian bits, zero-extended into a long. Equality is bitwise, so two
 * results are equal exactly when NumPy's {@code a.tobytes() == b.tobytes()} would be (NaN payloads
 * and the sign of zero included).
 */
public record Scalar(DType dtype, long bits) implements Serializable {

  public Scalar {
    Objects.requireNonNull(dtype, "dtype");
    int size = dtype.itemsize();
    if (size < 8) {
      bits &= (1L << (8 * size)) - 1;
    }
  }

  /** A float64 value. */
  public static Scalar ofDouble(double v) {
    return new Scalar(DType.FLOAT64, Double.doubleToRawLongBits(v));
  }

  /** The value as a double (integers beyond 2^53 round; uint64 is unsigned). */
  public double doubleValue() {
    switch (dtype) {
      case BOOL: return bits;
      case FLOAT16: return Float16.toDouble((short) bits);
      case FLOAT32: return Float.intBitsToFloat((int) bits);
      case FLOAT64: return Double.longBitsToDouble(bits);
      case UINT64: return bits >= 0 ? bits : ((bits >>> 1) | (bits & 1)) * 2.0;
      default: return longValue();
    }
  }

  /**
   * The value as a long: integers exactly (signed types sign-extended, uint64 as two's-complement
   * bits), booleans 0/1, floats truncated toward zero.
   */
  public long longValue() {
    switch (dtype) {
      case INT8: return (byte) bits;
      case INT16: return (short) bits;
      case INT32: return (int) bits;
      case FLOAT16: case FLOAT32: case FLOAT64: return (long) doubleValue();
      default: return bits;
    }
  }

  public boolean booleanValue() {
    return dtype.isFloat() ? doubleValue() != 0 : bits != 0;
  }

  /** A new 0-d array holding this value, from {@code np}; the caller closes it. */
  public NDArray toArray(Tessera np) {
    NDArray a = np.empty(dtype);
    Raw.putBits(a.dataAddress(), dtype.itemsize(), bits);
    return a;
  }

  @Override
  public String toString() {
    String v;
    switch (dtype) {
      case BOOL: v = bits != 0 ? "True" : "False"; break;
      case UINT64: v = Long.toUnsignedString(bits); break;
      case FLOAT16: case FLOAT32: v = Float.toString((float) doubleValue()); break;
      case FLOAT64: v = Double.toString(doubleValue()); break;
      default: v = Long.toString(longValue()); break;
    }
    return dtype == DType.BOOL ? "np." + v + "_" : "np." + dtype.numpyName() + "(" + v + ")";
  }
}
