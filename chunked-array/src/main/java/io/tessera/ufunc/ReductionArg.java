package io.tessera.ufunc;

import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.errors.TesseraException;
import io.tessera.memory.Raw;
import io.tessera.ndarray.Creation;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.shape.Axes;

/**
 * {@code np.argmax} / {@code np.argmin}: the index of the first extreme element; for floats the
 * first NaN wins (NumPy's arg functions treat NaN as the extreme). Without an axis the index is
 * into the C-ordered flattening. Results are int64.
 */
final class ReductionArg {
  private ReductionArg() {}

  static NDArray arg(NDArray a, Integer axis, boolean keepdims, boolean max) {
    String name = max ? "argmax" : "argmin";
    Execution.checkOpen(name, a);
    int nd = a.ndim();
    long[] shape = a.shape();
    long[] strides = a.strides();
    long[] resShape;
    long len;
    long ls;
    long[] oshape;
    long[] ostrides;
    if (axis == null) {
      len = a.size();
      if (len == 0) {
        throw new TesseraException(name, "attempt to get " + name + " of an empty sequence");
      }
      resShape = keepdims ? filled(nd) : new long[0];
      NDArray r = Creation.empty(a.allocator(), DType.INT64, resShape, Order.C,
          Creation.DEFAULT_ALIGNMENT);
      Raw.putLong(r.dataAddress(), flatArg(a, max));
      return r;
    }
    int ax = Axes.normalizeAxisIndex(name, axis, nd, null);
    len = shape[ax];
    ls = strides[ax];
    oshape = new long[nd - 1];
    ostrides = new long[nd - 1];
    for (int i = 0, j = 0; i < nd; i++) {
      if (i != ax) {
        oshape[j] = shape[i];
        ostrides[j++] = strides[i];
      }
    }
    long outer = 1;
    for (long s : oshape) {
      outer *= s;
    }
    if (len == 0 && outer > 0) {
      throw new TesseraException(name, "attempt to get " + name + " of an empty sequence");
    }
    if (keepdims) {
      resShape = shape.clone();
      resShape[ax] = 1;
    } else {
      resShape = oshape;
    }
    NDArray r = Creation.empty(a.allocator(), DType.INT64, resShape, Order.C,
        Creation.DEFAULT_ALIGNMENT);
    long[] idx = new long[oshape.length];
    for (long o = 0; o < outer; o++) {
      long p = a.dataAddress();
      for (int k = 0; k < idx.length; k++) {
        p += idx[k] * ostrides[k];
      }
      Raw.putLong(r.dataAddress() + o * 8, line(a.dtype(), p, ls, len, max));
      for (int k = idx.length - 1; k >= 0; k--) {
        if (++idx[k] < oshape[k]) {
          break;
        }
        idx[k] = 0;
      }
    }
    return r;
  }

  private static long[] filled(int nd) {
    long[] s = new long[nd];
    java.util.Arrays.fill(s, 1);
    return s;
  }

  private static long flatArg(NDArray a, boolean max) {
    try (NDArray c = a.copy(Order.C)) {
      return line(a.dtype(), c.dataAddress(), a.dtype().itemsize(), c.size(), max);
    }
  }

  /** Index of the first extreme among n elements at p, stride s. */
  static long line(DType t, long p, long s, long n, boolean max) {
    if (t.isFloat()) {
      long best = 0;
      double bv = value(t, p);
      if (bv != bv) {
        return 0;
      }
      for (long i = 1; i < n; i++) {
        double v = value(t, p + i * s);
        if (v != v) {
          return i;
        }
        if (max ? v > bv : v < bv) {
          bv = v;
          best = i;
        }
      }
      return best;
    }
    boolean unsigned = t.isUnsigned() || t.isBool();
    int isz = t.itemsize();
    long best = 0;
    long bv = ivalue(t, Raw.getBits(p, isz));
    for (long i = 1; i < n; i++) {
      long v = ivalue(t, Raw.getBits(p + i * s, isz));
      int c = unsigned ? Long.compareUnsigned(v, bv) : Long.compare(v, bv);
      if (max ? c > 0 : c < 0) {
        bv = v;
        best = i;
      }
    }
    return best;
  }

  private static double value(DType t, long p) {
    switch (t) {
      case FLOAT16:
        return Float16.toFloat(Raw.getShort(p));
      case FLOAT32:
        return Raw.getFloat(p);
      default:
        return Raw.getDouble(p);
    }
  }

  /** Sign-extended (signed) or zero-extended (unsigned, bool as 0/1) value. */
  private static long ivalue(DType t, long bits) {
    if (t.isBool()) {
      return bits != 0 ? 1 : 0;
    }
    if (t.isSigned()) {
      int sh = 64 - t.bits();
      return sh == 0 ? bits : (bits << sh) >> sh;
    }
    return bits;
  }
}
