package io.tessera.dtype;

import io.tessera.errors.ScalarOverflowException;
import io.tessera.errors.TesseraException;
import java.math.BigInteger;

/**
 * NumPy 2's {@code np.result_type} for Tessera's dtypes, with NEP 50 "weak" scalars, and the
 * conversions NumPy applies to those scalars. Checked against NumPy 2.4.6 (goldens under
 * {@code ufunc_types/}).
 *
 * <h2>Weak scalars (NEP 50)</h2>
 *
 * A Java {@code long}/{@code int}/{@code BigInteger} operand plays the role of a Python
 * {@code int}, a {@code double}/{@code float} that of a Python {@code float}. They are "weak": they
 * take the dtype of the arrays they meet instead of imposing their own.
 *
 * <ul>
 *   <li>int array with a Python int: the array's dtype ({@code int8 + 1 -> int8}); the value
 *       must then fit it ({@code uint8 + 300} raises {@link ScalarOverflowException} "Python
 *       integer 300 out of bounds for uint8", {@code uint64 + (-1)} likewise);
 *   <li>float array with a Python int or float: the array's dtype ({@code float16 + 1 ->
 *       float16}, {@code float32 + 1.5 -> float32}; the value is rounded to it, 1e300 becomes
 *       inf);
 *   <li>int array with a Python float: float64 ({@code int8 + 1.5 -> float64}, whatever the int);
 *   <li>bool array with a Python int: int64; with a Python float: float64;
 *   <li>only weak operands: int64 for ints, float64 as soon as one is a float.
 * </ul>
 *
 * A Python {@code bool} is <em>not</em> weak in NumPy 2: it is a bool array (bool being the lowest
 * type, this rarely shows). In the {@code DType[] types, boolean[] weak} form below a weak
 * operand is described by the dtype NumPy gives the bare scalar ({@code np.asarray(x).dtype}):
 * {@link DType#INT64} for a Python int, {@link DType#FLOAT64} for a Python float, {@link
 * DType#BOOL} for a Python bool (treated as strong).
 *
 * <p>Comparisons of an integer array with a Python int never overflow: NumPy compares with the
 * exact value, so {@code uint8_arr < 300} is all True and {@code uint8_arr == -1} all False (see
 * {@code TypeResolver.Resolution.fixedResult}, {@link #rangeSide}). A bool array compares with a
 * Python int in int64; a float array in its own type, after rounding the int to it ({@code
 * float16_arr == 65520} compares with inf). Unary ufuncs do not treat Python scalars as weak at
 * all, and {@code np.where} converts them with an unsafe cast ({@link #whereScalarBits}).
 */
public final class Promotion {
  private static final BigInteger MIN_LONG = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger MAX_ULONG = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private Promotion() {}

  /**
   * {@code np.result_type(*types)} for arrays (strong dtypes). For two dtypes this is {@link
   * Casting#promoteTypes}; for more, NumPy's {@code PyArray_PromoteDTypeSequence}, which is not a
   * left fold: {@code result_type(uint16, int16, float16)} is float32 (the "most knowledgeable"
   * float16 promotes each of the others), whereas promoting uint16 with int16 first would give
   * int32 and then float64.
   *
   * @throws IllegalArgumentException if no type is given
   */
  public static DType resultType(DType... types) {
    return resultType(types, null);
  }

  /**
   * {@code np.result_type} with NEP 50 weak scalars: {@code weak[i]} marks a Python scalar whose
   * kind is given by {@code types[i]} (INT64 int, FLOAT64 float, BOOL bool, which is strong).
   * {@code weak} may be null (all strong). Python ints and floats are NumPy's abstract DTypes
   * {@code _PyLongDType} and {@code _PyFloatDType}, promoted by NumPy's rules (see the class
   * comment); a result that is still abstract (only weak operands) becomes int64 or float64.
   *
   * @throws IllegalArgumentException for a weak operand of another dtype, or no operands
   */
  public static DType resultType(DType[] types, boolean[] weak) {
    if (types.length == 0) {
      throw new IllegalArgumentException("at least one dtype needed to promote");
    }
    int[] codes = new int[types.length];
    for (int i = 0; i < types.length; i++) {
      DType t = types[i];
      if (weak != null && weak[i] && t != DType.BOOL) {
        if (t == DType.INT64) {
          codes[i] = PY_INT;
        } else if (t == DType.FLOAT64) {
          codes[i] = PY_FLOAT;
        } else {
          throw new IllegalArgumentException("a weak scalar is int64 (Python int), float64 "
              + "(Python float) or bool, not " + t);
        }
      } else {
        codes[i] = t.ordinal();
      }
    }
    int r = promoteSequence(codes);
    return r == PY_INT ? DType.INT64 : r == PY_FLOAT ? DType.FLOAT64 : DType.values()[r];
  }

  // ---------------------------------------------------------------- NumPy's DType promotion

  /** Codes: DType ordinals, the two abstract Python DTypes, "NotImplemented" and "cleared". */
  private static final int PY_INT = 100;
  private static final int PY_FLOAT = 101;
  private static final int NOT_IMPLEMENTED = -2;
  private static final int CLEARED = -1;

  private static boolean isAbstract(int code) {
    return code >= PY_INT;
  }

  /** NumPy's legacy type numbers (float16 is last), which decide who handles a promotion. */
  private static int typeNum(DType t) {
    switch (t) {
      case BOOL: return 0;
      case INT8: return 1;
      case UINT8: return 2;
      case INT16: return 3;
      case UINT16: return 4;
      case INT32: return 5;
      case UINT32: return 6;
      case INT64: return 7;
      case UINT64: return 8;
      case FLOAT32: return 11;
      case FLOAT64: return 12;
      case FLOAT16: return 23;
      default: throw new AssertionError(t);
    }
  }

  /** {@code a.__common_dtype__(b)}: NumPy's common_dtype slot of DType {@code a}. */
  private static int commonSlot(int a, int b) {
    if (a == PY_INT) {
      // int_common_dtype: bool becomes the default integer, everything else is up to the other
      return b == DType.BOOL.ordinal() ? DType.INT64.ordinal() : NOT_IMPLEMENTED;
    }
    if (a == PY_FLOAT) {
      if (b == PY_INT) {
        return PY_FLOAT;
      }
      if (!isAbstract(b) && !DType.values()[b].isFloat()) {
        return DType.FLOAT64.ordinal(); // bool and integers: the default float
      }
      return NOT_IMPLEMENTED;
    }
    DType da = DType.values()[a];
    if (b == PY_FLOAT) {
      return da.isFloat() ? a : NOT_IMPLEMENTED;
    }
    if (b == PY_INT) {
      return da.isFloat() || da.isInteger() ? a : NOT_IMPLEMENTED;
    }
    DType db = DType.values()[b];
    if (typeNum(db) > typeNum(da)) {
      return NOT_IMPLEMENTED; // the more generic DType handles it
    }
    return Casting.promoteTypes(da, db).ordinal();
  }

  /** {@code PyArray_CommonDType(a, b)}: either side's slot. */
  private static int commonDType(int a, int b) {
    if (a == b) {
      return a;
    }
    int r = commonSlot(a, b);
    if (r == NOT_IMPLEMENTED) {
      r = commonSlot(b, a);
    }
    if (r == NOT_IMPLEMENTED) {
      throw new AssertionError("no common DType for " + a + " and " + b);
    }
    return r;
  }

  /** NumPy's {@code reduce_dtypes_to_most_knowledgeable}, reordering {@code dtypes} in place. */
  private static int reduceToMostKnowledgeable(int length, int[] dtypes) {
    int half = length / 2;
    int res = CLEARED;
    for (int low = 0; low < half; low++) {
      int high = length - 1 - low;
      if (dtypes[high] == dtypes[low]) {
        res = dtypes[low];
      } else {
        if (isAbstract(dtypes[high])) {
          swap(dtypes, low, high); // the abstract DType asks first, letting the other win
        }
        res = commonSlot(dtypes[low], dtypes[high]);
      }
      if (res == NOT_IMPLEMENTED) {
        swap(dtypes, low, high); // guess that the other one knows more
      }
      if (res == dtypes[low]) {
        dtypes[high] = CLEARED; // cannot influence the result
      }
    }
    if (length == 2) {
      return res;
    }
    return reduceToMostKnowledgeable(length - half, dtypes);
  }

  private static void swap(int[] a, int i, int j) {
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  /** NumPy's {@code PyArray_PromoteDTypeSequence} (may return an abstract code). */
  private static int promoteSequence(int[] in) {
    if (in.length == 1) {
      return in[0];
    }
    int[] dtypes = in.clone();
    int result = reduceToMostKnowledgeable(dtypes.length, dtypes);
    int main = dtypes[0];
    int start = 1;
    if (result == NOT_IMPLEMENTED) {
      result = CLEARED;
    } else {
      start = 2;
    }
    for (int i = start; i < dtypes.length; i++) {
      if (dtypes[i] == CLEARED) {
        continue;
      }
      int promotion = commonSlot(main, dtypes[i]);
      if (promotion == NOT_IMPLEMENTED) {
        throw new AssertionError("DType " + dtypes[i] + " could not be promoted by " + main);
      }
      result = result == CLEARED ? promotion : commonDType(result, promotion);
    }
    return result;
  }

  // ---------------------------------------------------------------- weak scalar values

  /** Whether {@code v} stands for a Python float ({@code Double} or {@code Float}). */
  public static boolean isPythonFloat(Number v) {
    return v instanceof Double || v instanceof Float || v instanceof java.math.BigDecimal;
  }

  /** The weak kind dtype of a scalar value: FLOAT64 for floats, INT64 for integers. */
  public static DType weakKind(Number v) {
    return isPythonFloat(v) ? DType.FLOAT64 : DType.INT64;
  }

  /** An integer-valued Number as a BigInteger (Long, Integer, Short, Byte, BigInteger, ...). */
  static BigInteger toBigInteger(Number v) {
    if (v instanceof BigInteger b) {
      return b;
    }
    return BigInteger.valueOf(v.longValue());
  }

  /**
   * Where a Python int lies relative to an integer dtype's range: -1 below, 0 inside, 1 above
   * (NumPy's {@code get_value_range} for comparisons with Python ints).
   */
  public static int rangeSide(DType intType, Number value) {
    if (!intType.isInteger()) {
      throw new IllegalArgumentException("not an integer dtype: " + intType);
    }
    BigInteger n = toBigInteger(value);
    if (n.compareTo(min(intType)) < 0) {
      return -1;
    }
    return n.compareTo(max(intType)) > 0 ? 1 : 0;
  }

  private static BigInteger min(DType t) {
    return t.isUnsigned() ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(t.bits() - 1).negate();
  }

  private static BigInteger max(DType t) {
    int valueBits = t.isUnsigned() ? t.bits() : t.bits() - 1;
    return BigInteger.ONE.shiftLeft(valueBits).subtract(BigInteger.ONE);
  }

  /**
   * The raw bits (zero-extended) of a weak scalar converted to the dtype of the loop input it
   * feeds, as NumPy 2.4.6's ufuncs convert it, with NumPy's errors:
   *
   * <ul>
   *   <li>Python int to an integer dtype: exact, else {@link ScalarOverflowException} "Python
   *       integer 300 out of bounds for uint8" (for values outside [-2<sup>63</sup>,
   *       2<sup>63</sup>), or outside [-2<sup>63</sup>, 2<sup>64</sup>) for uint32 and uint64
   *       targets: "Python int too large to convert to C long");
   *   <li>Python int to a float dtype: rounded to a double (nearest-even, as Python's {@code
   *       float(int)}), then like a Python float; beyond the double range {@link
   *       ScalarOverflowException} "int too large to convert to float";
   *   <li>Python float: the float64 value cast as {@code astype} does ({@link
   *       Convert#rawBitsConvert}): rounded to float32/float16 (overflow gives inf), and, only
   *       reachable with {@code casting='unsafe'}, truncated to an integer the C way (300.5 to
   *       int8 is 44, NaN to int8 is 0, never an error);
   *   <li>to bool: {@code v != 0} (NaN is True); a Python int outside the int64 range raises
   *       "Python int too large to convert to C long".
   * </ul>
   *
   * @param op the operation, for the exception
   */
  public static long weakScalarBits(String op, DType target, Number value) {
    if (isPythonFloat(value)) {
      return Convert.rawBitsConvert(DType.FLOAT64, target,
          Double.doubleToRawLongBits(value.doubleValue()));
    }
    BigInteger n = toBigInteger(value);
    switch (target.kind()) {
      case 'b':
        if (n.compareTo(MIN_LONG) < 0 || n.compareTo(MAX_LONG) > 0) {
          throw new ScalarOverflowException(op, "Python int too large to convert to C long");
        }
        return n.signum() != 0 ? 1 : 0;
      case 'f': {
        double d = n.doubleValue(); // correctly rounded, as Python's int.__float__
        if (Double.isInfinite(d)) {
          throw new ScalarOverflowException(op, "int too large to convert to float");
        }
        return Convert.rawBitsConvert(DType.FLOAT64, target, Double.doubleToRawLongBits(d));
      }
      default:
        return integerBits(op, target, n);
    }
  }

  private static long integerBits(String op, DType target, BigInteger n) {
    // NumPy reads the int as a C long, or as an unsigned long for uint32 and uint64 targets
    BigInteger limit = target == DType.UINT32 || target == DType.UINT64 ? MAX_ULONG : MAX_LONG;
    if (n.compareTo(MIN_LONG) < 0 || n.compareTo(limit) > 0) {
      throw new ScalarOverflowException(op, "Python int too large to convert to C long");
    }
    if (n.compareTo(min(target)) < 0 || n.compareTo(max(target)) > 0) {
      throw new ScalarOverflowException(op,
          "Python integer " + n + " out of bounds for " + target.numpyName());
    }
    long bits = n.longValue(); // low 64 bits, so uint64 values >= 2^63 keep their bits
    return target.itemsize() == 8 ? bits : bits & ((1L << target.bits()) - 1);
  }

  /**
   * The dtype {@code np.asarray(x)} gives a bare Python scalar: bool for {@code Boolean}, float64
   * for floats, int64 for ints in the int64 range, uint64 for ints in [2<sup>63</sup>,
   * 2<sup>64</sup>). NumPy uses it where a Python scalar is not weak (unary ufuncs, and {@code
   * np.where}'s values before their cast).
   *
   * @throws TesseraException for larger integers (NumPy would make an object array)
   */
  public static DType defaultDType(Object scalar) {
    if (scalar instanceof Boolean) {
      return DType.BOOL;
    }
    Number v = (Number) scalar;
    if (isPythonFloat(v)) {
      return DType.FLOAT64;
    }
    BigInteger n = toBigInteger(v);
    if (n.compareTo(MIN_LONG) >= 0 && n.compareTo(MAX_LONG) <= 0) {
      return DType.INT64;
    }
    if (n.signum() > 0 && n.compareTo(MAX_ULONG) <= 0) {
      return DType.UINT64;
    }
    throw new TesseraException("asarray", "Python int " + n + " is outside the int64 and uint64 "
        + "ranges (NumPy would make an object array, which Tessera does not support)");
  }

  /**
   * The raw bits of {@code np.asarray(x)} in {@link #defaultDType(Object)}: 0/1, the double's
   * bits, or the integer's two's-complement bits.
   */
  public static long defaultBits(Object scalar) {
    if (scalar instanceof Boolean b) {
      return b ? 1 : 0;
    }
    Number v = (Number) scalar;
    if (isPythonFloat(v)) {
      return Double.doubleToRawLongBits(v.doubleValue());
    }
    defaultDType(scalar); // range check
    return toBigInteger(v).longValue();
  }

  /**
   * How {@code np.where(cond, x, y)} (NumPy 2.4.6) converts a Python scalar x or y to the result
   * dtype: {@code np.asarray(x)} ({@link #defaultDType(Object)}) cast with {@code
   * casting='unsafe'} ({@link Convert#rawBitsConvert}). Out-of-range ints therefore wrap
   * silently ({@code np.where(c, uint8_arr, 300)} stores 44); NumPy 2.5 raises OverflowError
   * there instead.
   */
  public static long whereScalarBits(DType target, Object scalar) {
    return Convert.rawBitsConvert(defaultDType(scalar), target, defaultBits(scalar));
  }
}
