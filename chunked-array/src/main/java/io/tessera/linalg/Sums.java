package io.tessera.linalg;

import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.memory.Raw;
import io.tessera.ndarray.Creation;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.util.Arrays;

/**
 * Sums along the last axis for {@code trace}, as NumPy's {@code add.reduce}: floats with NumPy's
 * pairwise summation (8 accumulators per block of up to 128 elements, halves above), in float64,
 * float32, or float32 for float16 (rounded once at the end); integers with wrap-around in the
 * result type; bool (only with an explicit dtype) as logical or.
 */
final class Sums {
  private Sums() {}

  /** NumPy's default dtype of {@code sum}: small ints widen to int64/uint64, bool to int64. */
  static DType sumType(DType t) {
    if (t.isBool() || (t.isSigned() && t.itemsize() < 8)) {
      return DType.INT64;
    }
    if (t.isUnsigned() && t.itemsize() < 8) {
      return DType.UINT64;
    }
    return t;
  }

  /** A new array of {@code d.shape[:-1]}, dtype {@code rt}, holding the sums over d's last axis. */
  static NDArray sumLastAxis(NDArray d, DType rt) {
    long[] shape = d.shape();
    int nd = shape.length;
    long n = shape[nd - 1];
    long stride = d.strides()[nd - 1];
    long[] outer = Arrays.copyOf(shape, nd - 1);
    long[] outerStrides = Arrays.copyOf(d.strides(), nd - 1);
    NDArray out = Creation.empty(d.allocator(), rt, outer, Order.C, Creation.DEFAULT_ALIGNMENT);
    long count = out.size();
    if (count == 0) {
      return out;
    }
    DType t = d.dtype();
    long[] idx = new long[outer.length];
    long off = 0;
    long base = count > 0 && d.size() > 0 ? d.dataAddress() : 0;
    long dst = out.dataAddress();
    int osz = rt.itemsize();
    for (long p = 0; p < count; p++) {
      long a = base + off;
      long at = dst + p * osz;
      switch (rt) {
        case FLOAT64:
          Raw.putDouble(at, 0.0 + pairwiseDouble(t, a, n, stride));
          break;
        case FLOAT32:
          Raw.putFloat(at, 0.0f + pairwiseFloat(t, a, n, stride));
          break;
        case FLOAT16:
          Raw.putShort(at, Float16.fromFloat(0.0f + pairwiseFloat(t, a, n, stride)));
          break;
        case BOOL: {
          boolean any = false;
          for (long i = 0; i < n && !any; i++) {
            any = Contraction.readDouble(t, a + i * stride) != 0;
          }
          Raw.putByte(at, (byte) (any ? 1 : 0));
          break;
        }
        default: {
          long s = 0;
          for (long i = 0; i < n; i++) {
            s += t.isFloat() ? (long) Contraction.readDouble(t, a + i * stride)
                : Contraction.readLong(t, a + i * stride);
          }
          Raw.putBits(at, osz, s);
        }
      }
      for (int q = outer.length - 1; q >= 0; q--) {
        if (++idx[q] < outer[q]) {
          off += outerStrides[q];
          break;
        }
        off -= (outer[q] - 1) * outerStrides[q];
        idx[q] = 0;
      }
    }
    return out;
  }

  private static final int PW_BLOCKSIZE = 128;

  /** NumPy's {@code DOUBLE_pairwise_sum} over n elements at a with byte stride. */
  static double pairwiseDouble(DType t, long a, long n, long stride) {
    if (n < 8) {
      double res = -0.0;
      for (long i = 0; i < n; i++) {
        res += Contraction.readDouble(t, a + i * stride);
      }
      return res;
    } else if (n <= PW_BLOCKSIZE) {
      double[] r = new double[8];
      for (int j = 0; j < 8; j++) {
        r[j] = Contraction.readDouble(t, a + j * stride);
      }
      long i;
      for (i = 8; i < n - (n % 8); i += 8) {
        for (int j = 0; j < 8; j++) {
          r[j] += Contraction.readDouble(t, a + (i + j) * stride);
        }
      }
      double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) {
        res += Contraction.readDouble(t, a + i * stride);
      }
      return res;
    } else {
      long n2 = n / 2;
      n2 -= n2 % 8;
      return pairwiseDouble(t, a, n2, stride) + pairwiseDouble(t, a + n2 * stride, n - n2, stride);
    }
  }

  /** NumPy's {@code FLOAT_pairwise_sum} / {@code HALF_pairwise_sum} (float32 accumulators). */
  static float pairwiseFloat(DType t, long a, long n, long stride) {
    if (n < 8) {
      float res = -0.0f;
      for (long i = 0; i < n; i++) {
        res += (float) Contraction.readDouble(t, a + i * stride);
      }
      return res;
    } else if (n <= PW_BLOCKSIZE) {
      float[] r = new float[8];
      for (int j = 0; j < 8; j++) {
        r[j] = (float) Contraction.readDouble(t, a + j * stride);
      }
      long i;
      for (i = 8; i < n - (n % 8); i += 8) {
        for (int j = 0; j < 8; j++) {
          r[j] += (float) Contraction.readDouble(t, a + (i + j) * stride);
        }
      }
      float res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) {
        res += (float) Contraction.readDouble(t, a + i * stride);
      }
      return res;
    } else {
      long n2 = n / 2;
      n2 -= n2 % 8;
      return pairwiseFloat(t, a, n2, stride) + pairwiseFloat(t, a + n2 * stride, n - n2, stride);
    }
  }
}
