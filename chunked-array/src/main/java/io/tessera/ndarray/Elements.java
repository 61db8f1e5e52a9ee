package io.tessera.ndarray;

import io.tessera.dtype.Convert;
import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.errors.CastingException;
import io.tessera.memory.Raw;

/**
 * Reading and writing one element of a given dtype at an absolute address, with NumPy's scalar
 * assignment rules. For scalar access and reference loops, not for hot kernels.
 */
public final class Elements {
  private Elements() {}

  /** The element at address {@code a} as a double, exactly as NumPy's cast to float64. */
  public static double getDouble(DType t, long a) {
    switch (t) {
      case BOOL: return Raw.getByte(a) != 0 ? 1 : 0;
      case INT8: return Raw.getByte(a);
      case INT16: return Raw.getShort(a);
      case INT32: return Raw.getInt(a);
      case INT64: return Raw.getLong(a);
      case UINT8: return Raw.getByte(a) & 0xFF;
      case UINT16: return Raw.getShort(a) & 0xFFFF;
      case UINT32: return Raw.getInt(a) & 0xFFFF_FFFFL;
      case UINT64: return Convert.uint64ToDouble(Raw.getLong(a));
      case FLOAT16: return Float16.toDouble(Raw.getShort(a));
      case FLOAT32: return Raw.getFloat(a);
      case FLOAT64: return Raw.getDouble(a);
      default: throw new AssertionError(t);
    }
  }

  /**
   * The element as a long: integers exactly (uint64 as its two's-complement bits), booleans as
   * 0/1, floats truncated toward zero (NaN and out-of-range values are an error).
   */
  static long getLong(DType t, long a) {
    switch (t) {
      case BOOL: return Raw.getByte(a) != 0 ? 1 : 0;
      case INT8: return Raw.getByte(a);
      case INT16: return Raw.getShort(a);
      case INT32: return Raw.getInt(a);
      case INT64: case UINT64: return Raw.getLong(a);
      case UINT8: return Raw.getByte(a) & 0xFF;
      case UINT16: return Raw.getShort(a) & 0xFFFF;
      case UINT32: return Raw.getInt(a) & 0xFFFF_FFFFL;
      default: return floatToLong("getLong", t, getDouble(t, a));
    }
  }

  static void setDouble(DType t, long a, double v) {
    switch (t) {
      case BOOL: Raw.putByte(a, (byte) (v != 0 || Double.isNaN(v) ? 1 : 0)); break;
      case FLOAT16: Raw.putShort(a, Float16.fromDouble(v)); break;
      case FLOAT32: Raw.putFloat(a, (float) v); break;
      case FLOAT64: Raw.putDouble(a, v); break;
      default:
        if (t == DType.UINT64 && v >= 0x1p63 && v < 0x1p64) {
          Raw.putLong(a, (long) (v - 0x1p63) ^ Long.MIN_VALUE);
        } else {
          setLong(t, a, floatToLong("setDouble", t, v));
        }
    }
  }

  /**
   * Stores an integer with NumPy 2's rule for Python integers: a value outside the target's range
   * is an error ("Python integer 300 out of bounds for uint8"), never a silent wrap.
   */
  static void setLong(DType t, long a, long v) {
    switch (t) {
      case BOOL: Raw.putByte(a, (byte) (v != 0 ? 1 : 0)); break;
      case INT8: Raw.putByte(a, (byte) checkRange(t, v, Byte.MIN_VALUE, Byte.MAX_VALUE)); break;
      case INT16: Raw.putShort(a, (short) checkRange(t, v, Short.MIN_VALUE, Short.MAX_VALUE)); break;
      case INT32: Raw.putInt(a, (int) checkRange(t, v, Integer.MIN_VALUE, Integer.MAX_VALUE)); break;
      case INT64: Raw.putLong(a, v); break;
      case UINT8: Raw.putByte(a, (byte) checkRange(t, v, 0, 0xFF)); break;
      case UINT16: Raw.putShort(a, (short) checkRange(t, v, 0, 0xFFFF)); break;
      case UINT32: Raw.putInt(a, (int) checkRange(t, v, 0, 0xFFFF_FFFFL)); break;
      case UINT64: Raw.putLong(a, checkRange(t, v, 0, Long.MAX_VALUE)); break;
      case FLOAT16: Raw.putShort(a, Float16.fromDouble((double) v)); break;
      case FLOAT32: Raw.putFloat(a, (float) v); break;
      case FLOAT64: Raw.putDouble(a, (double) v); break;
      default: throw new AssertionError(t);
    }
  }

  /** Stores the raw bits of a uint64 value (for values above Long.MAX_VALUE). */
  static void setUnsignedLong(DType t, long a, long bits) {
    if (t == DType.UINT64) {
      Raw.putLong(a, bits);
    } else if (bits < 0) {
      if (t.isFloat()) {
        setDouble(t, a, Convert.uint64ToDouble(bits));
      } else {
        throw outOfBounds(t, Long.toUnsignedString(bits));
      }
    } else {
      setLong(t, a, bits);
    }
  }

  private static long checkRange(DType t, long v, long lo, long hi) {
    if (v < lo || v > hi) {
      throw outOfBounds(t, Long.toString(v));
    }
    return v;
  }

  private static CastingException outOfBounds(DType t, String v) {
    return new CastingException("set", "Python integer " + v + " out of bounds for " + t);
  }

  private static long floatToLong(String op, DType t, double v) {
    if (Double.isNaN(v)) {
      throw new CastingException(op, op + ": cannot convert float NaN to integer (dtype " + t + ")");
    }
    if (Double.isInfinite(v)) {
      throw new CastingException(op, op + ": cannot convert float infinity to integer (dtype " + t
          + ")");
    }
    if (v >= 0x1p63 || v < -0x1p63) {
      throw new CastingException(op, op + ": value " + v + " out of bounds for " + t);
    }
    return (long) v;
  }
}
