package io.tessera.ufunc;

import io.tessera.dtype.DType;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.kernels.BinaryKernel;
import io.tessera.kernels.Kernels;
import io.tessera.kernels.UnaryKernel;
import io.tessera.kernels.gen.ReduceTable;
import io.tessera.ndarray.Creation;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.parallel.Threads;
import io.tessera.shape.Axes;
import io.tessera.shape.Shapes;
import java.util.Arrays;

/**
 * {@code ufunc.accumulate(a, axis, dtype=, out=)}: {@code r[0] = a[0]}, {@code r[i] = r[i-1] op
 * a[i]} along one axis, in the loop dtype NumPy resolves ({@link TypeResolver#resolveAccumulate}:
 * cumsum of int8 is int64, of float16 float16). The input is first cast into a new C-ordered
 * result, then each line is accumulated in place in index order, so every element is computed
 * exactly as NumPy's inner loop computes it (sequentially; no pairwise summation in accumulate).
 * Lines are independent: splitting them across threads cannot change any bit.
 */
public final class Accumulation {
  private Accumulation() {}

  /**
   * The accumulation of {@code a} along {@code axis} (negative counts from the end).
   *
   * @throws ShapeException AxisError text; {@code out} of the wrong shape
   * @throws TesseraException "cannot accumulate on a scalar" for a 0-d input
   */
  public static NDArray accumulate(UfuncSpec spec, NDArray a, int axis, DType dtype, NDArray out) {
    String name = spec.name();
    Execution.checkOpen(name, a);
    if (a.ndim() == 0) {
      throw new TesseraException(name, "cannot accumulate on a scalar");
    }
    int ax = Axes.normalizeAxisIndex(name, axis, a.ndim(), null);
    DType dtypeArg = dtype != null ? dtype : out != null ? out.dtype() : null;
    LoopSignature sig = TypeResolver.resolveAccumulate(spec, a.dtype(), dtypeArg);
    DType loop = sig.out()[0];
    if (out != null) {
      Execution.checkOpen(name, out);
      if (!out.isWriteable()) {
        throw new io.tessera.errors.ReadOnlyArrayException(name, name
            + ": output array is read-only");
      }
      if (!Arrays.equals(out.shape(), a.shape())) {
        throw new ShapeException(name, "non-broadcastable output operand with shape "
            + Shapes.formatCompact(out.shape()) + " doesn't match the broadcast shape "
            + Shapes.formatCompact(a.shape()));
      }
    }
    NDArray res = Creation.empty(a.allocator(), loop, a.shape(), Order.C,
        Creation.DEFAULT_ALIGNMENT);
    try {
      if (a.size() > 0) {
        Reduction.castInto(a.dtype(), loop, a.dataAddress(), a.shape(), a.strides(),
            res.dataAddress(), res.strides());
        inPlace(name, sig, res, ax);
      }
      if (out == null) {
        return res;
      }
    } catch (RuntimeException e) {
      res.close();
      throw e;
    }
    try (NDArray r = res) {
      out.assign(r);
    }
    return out;
  }

  /** Accumulates a C-contiguous array in place along {@code ax}. */
  static void inPlace(String name, LoopSignature sig, NDArray r, int ax) {
    DType t = sig.out()[0];
    long[] shape = r.shape();
    long outer0 = 1;
    for (int i = 0; i < ax; i++) {
      outer0 *= shape[i];
    }
    final long outer = outer0;
    long len = shape[ax];
    long inner0 = 1;
    for (int i = ax + 1; i < shape.length; i++) {
      inner0 *= shape[i];
    }
    final long inner = inner0;
    if (len <= 1) {
      return;
    }
    int isz = t.itemsize();
    long base = r.dataAddress();
    long lineStride = inner * isz;
    long block = len * inner * isz;
    long work = outer * len * inner;
    int threads = work >= Reduction.PARALLEL_MIN ? Threads.current() : 1;
    if (inner == 1) {
      UnaryKernel k = ReduceTable.accumulate(Kernels.canonical(name) + ":" + t.charCode());
      if (k == null) {
        throw new IllegalArgumentException("no accumulate loop for " + name + " " + t);
      }
      int parts = (int) Math.max(1, Math.min(outer, threads <= 1 ? 1 : work / Reduction.PARALLEL_MIN));
      long per = (outer + parts - 1) / parts;
      Threads.forEachPart(parts, p -> {
        for (long o = p * per; o < Math.min(outer, (p + 1) * per); o++) {
          long line = base + o * block;
          k.run(line + isz, isz, line + isz, isz, len - 1);
        }
      });
      return;
    }
    BinaryKernel k = Kernels.binary(name, sig);
    long parts = threads <= 1 ? 1 : Math.max(1, Math.min(outer * ((inner + 4095) / 4096),
        work / Reduction.PARALLEL_MIN));
    long cols = (inner + 4095) / 4096;
    long items = outer * cols;
    parts = Math.min(parts, items);
    long per = (items + parts - 1) / parts;
    Threads.forEachPart((int) parts, p -> {
      for (long it = p * per; it < Math.min(items, (p + 1) * per); it++) {
        long o = it / cols;
        long c0 = (it % cols) * 4096;
        long n = Math.min(4096, inner - c0);
        long start = base + o * block + c0 * isz;
        for (long i = 1; i < len; i++) {
          long prev = start + (i - 1) * lineStride;
          long cur = prev + lineStride;
          k.run(prev, isz, cur, isz, cur, isz, n);
        }
      }
    });
  }
}
