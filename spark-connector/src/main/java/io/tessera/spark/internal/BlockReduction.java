package io.tessera.spark.internal;

import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.errors.TesseraException;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.spark.Scalar;
import io.tessera.ufunc.TypeResolver;
import io.tessera.ufunc.Ufunc;
import java.io.Serializable;
import java.util.function.LongBinaryOperator;

/**
 * Internal: a whole-array reduction ({@code sum}, {@code min}, {@code max}, {@code mean}) split
 * into a per-block value, a combine of two values, and a finish, all on the raw bits of one
 * accumulator type held in a long.
 *
 * <p><b>Types (NumPy's).</b> sum: bool and signed integers give int64, unsigned give uint64
 * (wrapping), float32 and float64 stay, float16 gives float16 accumulated in float32 and rounded
 * once at the end. mean: accumulated in float64 for bool and integers, float32 for float16 and
 * float32, float64 for float64, divided by the count in the accumulator type and cast to the
 * result type (float64, or the input's float type). min/max: the input's type; NaN propagates.
 *
 * <p><b>Bits.</b> A block's float sum is NumPy's own order for a contiguous array: the
 * identity 0 plus the pairwise sum of all elements (8 accumulators, blocks of 128, halves rounded
 * down to a multiple of 8; checked against NumPy 2.4.6), so a one-block array sums exactly like
 * {@code np.sum}. Block values are then
 * combined in {@link TreePartial}'s fixed tree, which makes the result a function of the chunk grid
 * and the data only. Integer sums wrap modulo 2^64 and are exact in any order; min and max use
 * NumPy's {@code maximum}/{@code minimum} rule ({@code a >= b || isnan(a) ? a : b}).
 */
public final class BlockReduction implements Serializable, LongBinaryOperator {
  private static final long serialVersionUID = 1L;

  /** The reductions. */
  public enum Op {
    SUM("sum"), MIN("min"), MAX("max"), MEAN("mean");

    final String numpy;

    Op(String numpy) {
      this.numpy = numpy;
    }

    public String numpyName() {
      return numpy;
    }
  }

  /** How the accumulator is held. */
  private enum Acc { I64, F64, F32, INPUT }

  private static final int PW_BLOCKSIZE = 128;

  private final Op op;
  private final DType input;
  private final DType result;
  private final Acc acc;

  public BlockReduction(Op op, DType input) {
    this.op = op;
    this.input = input;
    switch (op) {
      case SUM:
        result = TypeResolver.resultTypeForReduce(Ufunc.ADD.spec(), input, null);
        acc = result.isFloat() ? (result == DType.FLOAT64 ? Acc.F64 : Acc.F32) : Acc.I64;
        break;
      case MEAN: {
        DType a = TypeResolver.meanAccumulatorType(input);
        result = TypeResolver.meanResultType(input);
        acc = a == DType.FLOAT64 ? Acc.F64 : Acc.F32;
        break;
      }
      default:
        result = input;
        acc = Acc.INPUT;
        break;
    }
  }

  public Op op() {
    return op;
  }

  public DType input() {
    return input;
  }

  public DType resultType() {
    return result;
  }

  /** Whether an empty array has a result (NumPy: min and max of nothing are errors). */
  public boolean hasIdentity() {
    return op == Op.SUM || op == Op.MEAN;
  }

  // ================================================================ per block

  /** The value of one block (does not close it). */
  public long block(NDArray a) {
    if (a.dtype() != input) {
      throw new TesseraException(op.numpy, op.numpy + ": block of " + a.dtype() + " in a "
          + input + " reduction");
    }
    if (!a.isCContiguous()) {
      try (NDArray c = a.copy(Order.C)) {
        return contiguous(c.dataAddress(), c.size());
      }
    }
    return contiguous(a.size() == 0 ? 0 : a.dataAddress(), a.size());
  }

  private long contiguous(long addr, long n) {
    switch (acc) {
      case I64: return sumLong(addr, n);
      case F64: return Double.doubleToRawLongBits(sumF64(addr, n));
      case F32: return Float.floatToRawIntBits(sumF32(addr, n)) & 0xFFFF_FFFFL;
      default: return extreme(addr, n);
    }
  }

  private long sumLong(long addr, long n) {
    long s = 0;
    switch (input) {
      case BOOL: case UINT8:
        for (long i = 0; i < n; i++) {
          s += Raw.getByte(addr + i) & 0xFF;
        }
        return s;
      case INT8:
        for (long i = 0; i < n; i++) {
          s += Raw.getByte(addr + i);
        }
        return s;
      case INT16:
        for (long i = 0; i < n; i++) {
          s += Raw.getShort(addr + 2 * i);
        }
        return s;
      case UINT16:
        for (long i = 0; i < n; i++) {
          s += Raw.getShort(addr + 2 * i) & 0xFFFF;
        }
        return s;
      case INT32:
        for (long i = 0; i < n; i++) {
          s += Raw.getInt(addr + 4 * i);
        }
        return s;
      case UINT32:
        for (long i = 0; i < n; i++) {
          s += Raw.getInt(addr + 4 * i) & 0xFFFF_FFFFL;
        }
        return s;
      case INT64: case UINT64:
        for (long i = 0; i < n; i++) {
          s += Raw.getLong(addr + 8 * i);
        }
        return s;
      default:
        throw new IllegalStateException(input.toString());
    }
  }

  /** 0 + pairwise(x), NumPy 2's add.reduce over a contiguous run (identity first), in double. */
  private double sumF64(long addr, long n) {
    return 0.0 + (input == DType.FLOAT64 ? pairwiseDouble(addr, n)
        : pairwiseF64(addr, n, input.itemsize()));
  }

  /** {@link #pairwiseF64} for float64 input, reading doubles directly. */
  private static double pairwiseDouble(long a, long n) {
    if (n < 8) {
      double res = 0.0;
      for (long i = 0; i < n; i++) {
        res += Raw.getDouble(a + 8 * i);
      }
      return res;
    } else if (n <= PW_BLOCKSIZE) {
      double r0 = Raw.getDouble(a);
      double r1 = Raw.getDouble(a + 8);
      double r2 = Raw.getDouble(a + 16);
      double r3 = Raw.getDouble(a + 24);
      double r4 = Raw.getDouble(a + 32);
      double r5 = Raw.getDouble(a + 40);
      double r6 = Raw.getDouble(a + 48);
      double r7 = Raw.getDouble(a + 56);
      long i;
      for (i = 8; i < n - (n % 8); i += 8) {
        long p = a + 8 * i;
        r0 += Raw.getDouble(p);
        r1 += Raw.getDouble(p + 8);
        r2 += Raw.getDouble(p + 16);
        r3 += Raw.getDouble(p + 24);
        r4 += Raw.getDouble(p + 32);
        r5 += Raw.getDouble(p + 40);
        r6 += Raw.getDouble(p + 48);
        r7 += Raw.getDouble(p + 56);
      }
      double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) {
        res += Raw.getDouble(a + 8 * i);
      }
      return res;
    } else {
      long n2 = n / 2;
      n2 -= n2 % 8;
      return pairwiseDouble(a, n2) + pairwiseDouble(a + 8 * n2, n - n2);
    }
  }

  private double asDouble(long p) {
    switch (input) {
      case FLOAT64: return Raw.getDouble(p);
      case FLOAT32: return Raw.getFloat(p);
      case FLOAT16: return Float16.toDouble(Raw.getShort(p));
      case BOOL: case UINT8: return Raw.getByte(p) & 0xFF;
      case INT8: return Raw.getByte(p);
      case INT16: return Raw.getShort(p);
      case UINT16: return Raw.getShort(p) & 0xFFFF;
      case INT32: return Raw.getInt(p);
      case UINT32: return Raw.getInt(p) & 0xFFFF_FFFFL;
      case INT64: return Raw.getLong(p);
      case UINT64: {
        long v = Raw.getLong(p);
        return v >= 0 ? v : ((v >>> 1) | (v & 1)) * 2.0;
      }
      default: throw new IllegalStateException(input.toString());
    }
  }

  private double pairwiseF64(long a, long n, int size) {
    if (n < 8) {
      double res = 0.0;
      for (long i = 0; i < n; i++) {
        res += asDouble(a + i * size);
      }
      return res;
    } else if (n <= PW_BLOCKSIZE) {
      double r0 = asDouble(a);
      double r1 = asDouble(a + size);
      double r2 = asDouble(a + 2L * size);
      double r3 = asDouble(a + 3L * size);
      double r4 = asDouble(a + 4L * size);
      double r5 = asDouble(a + 5L * size);
      double r6 = asDouble(a + 6L * size);
      double r7 = asDouble(a + 7L * size);
      long i;
      for (i = 8; i < n - (n % 8); i += 8) {
        long p = a + i * size;
        r0 += asDouble(p);
        r1 += asDouble(p + size);
        r2 += asDouble(p + 2L * size);
        r3 += asDouble(p + 3L * size);
        r4 += asDouble(p + 4L * size);
        r5 += asDouble(p + 5L * size);
        r6 += asDouble(p + 6L * size);
        r7 += asDouble(p + 7L * size);
      }
      double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) {
        res += asDouble(a + i * size);
      }
      return res;
    } else {
      long n2 = n / 2;
      n2 -= n2 % 8;
      return pairwiseF64(a, n2, size) + pairwiseF64(a + n2 * size, n - n2, size);
    }
  }

  /** As {@link #sumF64} in float arithmetic (float32 input, or float16 read as float). */
  private float sumF32(long addr, long n) {
    return 0.0f + (input == DType.FLOAT32 ? pairwiseFloat(addr, n)
        : pairwiseF32(addr, n, input.itemsize()));
  }

  /** {@link #pairwiseF32} for float32 input, reading floats directly. */
  private static float pairwiseFloat(long a, long n) {
    if (n < 8) {
      float res = 0.0f;
      for (long i = 0; i < n; i++) {
        res += Raw.getFloat(a + 4 * i);
      }
      return res;
    } else if (n <= PW_BLOCKSIZE) {
      float r0 = Raw.getFloat(a);
      float r1 = Raw.getFloat(a + 4);
      float r2 = Raw.getFloat(a + 8);
      float r3 = Raw.getFloat(a + 12);
      float r4 = Raw.getFloat(a + 16);
      float r5 = Raw.getFloat(a + 20);
      float r6 = Raw.getFloat(a + 24);
      float r7 = Raw.getFloat(a + 28);
      long i;
      for (i = 8; i < n - (n % 8); i += 8) {
        long p = a + 4 * i;
        r0 += Raw.getFloat(p);
        r1 += Raw.getFloat(p + 4);
        r2 += Raw.getFloat(p + 8);
        r3 += Raw.getFloat(p + 12);
        r4 += Raw.getFloat(p + 16);
        r5 += Raw.getFloat(p + 20);
        r6 += Raw.getFloat(p + 24);
        r7 += Raw.getFloat(p + 28);
      }
      float res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) {
        res += Raw.getFloat(a + 4 * i);
      }
      return res;
    } else {
      long n2 = n / 2;
      n2 -= n2 % 8;
      return pairwiseFloat(a, n2) + pairwiseFloat(a + 4 * n2, n - n2);
    }
  }

  private float asFloat(long p) {
    return input == DType.FLOAT16 ? Float16.toFloat(Raw.getShort(p)) : Raw.getFloat(p);
  }

  private float pairwiseF32(long a, long n, int size) {
    if (n < 8) {
      float res = 0.0f;
      for (long i = 0; i < n; i++) {
        res += asFloat(a + i * size);
      }
      return res;
    } else if (n <= PW_BLOCKSIZE) {
      float r0 = asFloat(a);
      float r1 = asFloat(a + size);
      float r2 = asFloat(a + 2L * size);
      float r3 = asFloat(a + 3L * size);
      float r4 = asFloat(a + 4L * size);
      float r5 = asFloat(a + 5L * size);
      float r6 = asFloat(a + 6L * size);
      float r7 = asFloat(a + 7L * size);
      long i;
      for (i = 8; i < n - (n % 8); i += 8) {
        long p = a + i * size;
        r0 += asFloat(p);
        r1 += asFloat(p + size);
        r2 += asFloat(p + 2L * size);
        r3 += asFloat(p + 3L * size);
        r4 += asFloat(p + 4L * size);
        r5 += asFloat(p + 5L * size);
        r6 += asFloat(p + 6L * size);
        r7 += asFloat(p + 7L * size);
      }
      float res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) {
        res += asFloat(a + i * size);
      }
      return res;
    } else {
      long n2 = n / 2;
      n2 -= n2 % 8;
      return pairwiseF32(a, n2, size) + pairwiseF32(a + n2 * size, n - n2, size);
    }
  }

  /** min or max of a contiguous run, as raw bits of the input type (n >= 1). */
  private long extreme(long addr, long n) {
    int size = input.itemsize();
    long m = Raw.getBits(addr, size);
    for (long i = 1; i < n; i++) {
      m = applyAsLong(m, Raw.getBits(addr + i * size, size));
    }
    return m;
  }

  // ================================================================ combine

  /** Combines the values of two adjacent ranges, left then right. */
  @Override
  public long applyAsLong(long l, long r) {
    switch (acc) {
      case I64:
        return l + r;
      case F64:
        return Double.doubleToRawLongBits(Double.longBitsToDouble(l) + Double.longBitsToDouble(r));
      case F32:
        return Float.floatToRawIntBits(Float.intBitsToFloat((int) l) + Float.intBitsToFloat((int) r))
            & 0xFFFF_FFFFL;
      default:
        return pick(l, r);
    }
  }

  /** NumPy's maximum/minimum on bits: {@code a >= b || isnan(a) ? a : b} (min: {@code <=}). */
  private long pick(long a, long b) {
    boolean max = op == Op.MAX;
    switch (input) {
      case FLOAT64: {
        double x = Double.longBitsToDouble(a);
        double y = Double.longBitsToDouble(b);
        return (max ? x >= y : x <= y) || Double.isNaN(x) ? a : b;
      }
      case FLOAT32: case FLOAT16: {
        float x = input == DType.FLOAT16 ? Float16.toFloat((short) a) : Float.intBitsToFloat((int) a);
        float y = input == DType.FLOAT16 ? Float16.toFloat((short) b) : Float.intBitsToFloat((int) b);
        return (max ? x >= y : x <= y) || Float.isNaN(x) ? a : b;
      }
      case INT8: case INT16: case INT32: case INT64: {
        int shift = 64 - 8 * input.itemsize();
        long x = (a << shift) >> shift;
        long y = (b << shift) >> shift;
        return (max ? x >= y : x <= y) ? a : b;
      }
      case UINT64: {
        int c = Long.compareUnsigned(a, b);
        return (max ? c >= 0 : c <= 0) ? a : b;
      }
      default: // bool and the narrower unsigned types: zero-extended bits compare as longs
        return (max ? a >= b : a <= b) ? a : b;
    }
  }

  // ================================================================ finish

  /** The result from the combined value of all blocks and the element count. */
  public Scalar finish(long total, long count) {
    switch (op) {
      case SUM:
        if (result == DType.FLOAT16) {
          return new Scalar(result, Float16.fromFloat(Float.intBitsToFloat((int) total)));
        }
        return new Scalar(result, total);
      case MEAN:
        if (acc == Acc.F64) {
          double m = Double.longBitsToDouble(total) / count;
          return new Scalar(result, Double.doubleToRawLongBits(m));
        } else {
          float m = Float.intBitsToFloat((int) total) / (float) count;
          if (result == DType.FLOAT16) {
            return new Scalar(result, Float16.fromFloat(m));
          }
          return new Scalar(result, Float.floatToRawIntBits(m));
        }
      default:
        return new Scalar(result, total);
    }
  }

  @Override
  public String toString() {
    return op.numpy + "(" + input.numpyName() + ") -> " + result.numpyName();
  }
}
