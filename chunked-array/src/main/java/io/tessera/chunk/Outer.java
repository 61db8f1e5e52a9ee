package io.tessera.chunk;

import io.tessera.dtype.DType;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.expr.Expr;
import io.tessera.expr.Plan;
import io.tessera.kernels.BinaryKernel;
import io.tessera.kernels.Kernels;
import io.tessera.kernels.ReduceKernel;
import io.tessera.kernels.UnaryKernel;
import io.tessera.memory.MemoryBudget;
import io.tessera.memory.Raw;
import io.tessera.ndarray.Creation;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.parallel.Threads;
import io.tessera.shape.Shapes;
import io.tessera.ufunc.LoopSignature;
import io.tessera.ufunc.TypeResolver;
import io.tessera.ufunc.Ufunc;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Streaming outer operations: {@code f(x[:, None], y[None, :])} as a lazily produced
 * {@link ChunkedArray} ({@link #outer}), and its reduction along one axis computed tile by tile
 * without ever holding the n×m matrix ({@link #outerReduce}):
 *
 * <pre>{@code
 * Outer.outerReduce(Ufunc.ADD, Ufunc.ADD, x, y, 1);                  // np.sum(x[:, None] + y[None, :], axis=1)
 * Outer.outerReduce(Expr.arg(0).sub(Expr.arg(1)).abs(), Ufunc.MINIMUM, x, y, 1); // min_j |x_i - y_j|
 * Outer.outerReduce(Expr.arg(0).sub(Expr.arg(1)).square(), Ufunc.ADD, Ufunc.ADD, x, y, 1)
 *                                                  // (n, d), (m, d): sum_j sum_k (x_ik - y_jk)**2
 * }</pre>
 *
 * <p><b>Values.</b> {@code f} is a binary ufunc or an {@link Expr} over {@code Expr.arg(0)} (the x
 * element) and {@code Expr.arg(1)} (the y element), resolved and computed with the same loops as
 * the unfused NumPy expression, so every pairwise value is bit-identical to NumPy's. The reduction
 * over the reduced axis starts from its first value and applies {@code reduce}'s reduce loop (the
 * same as {@code ufunc.reduce}) tile after tile in index order. Results are therefore exact for
 * min/max (and any order-independent reduction, integer sums included). A float sum differs from
 * NumPy's single pairwise sum over the axis only by association: each tile of {@link #TILE} values
 * is summed pairwise and the tile sums added in order, so both results lie within
 * {@code (ceil(len / TILE) + log2(TILE) + 1) * eps * sum|v|} of the exact sum (eps of the
 * accumulator dtype) for axis 1; along axis 0 NumPy itself adds row after row (not pairwise), so
 * its error, and the bound, grow to {@code (len + log2(TILE) + 1) * eps * sum|v|}. With operands
 * of shape (n, d) and (m, d) the pairwise value is {@code combine} along the shared last axis:
 * for a float add exactly NumPy's pairwise summation of the contiguous axis (same bits as
 * {@code np.sum(f(x[:, None, :], y[None, :, :]), axis=-1)}), else in order k = 0 .. d-1 (exact
 * for min/max).
 *
 * <p><b>Memory.</b> O(n + m + threads × tile): the result, plus per thread a few
 * {@link Plan#BLOCK}-element scratch buffers ({@link Reduction#peakBytes()}); checked against the
 * {@link MemoryBudget} before anything is allocated. <b>Threads.</b> Output elements are split into
 * fixed row tiles run in parallel; each element's reduction is sequential in index order, so the
 * result never depends on the thread count.
 */
public final class Outer {
  private Outer() {}

  /** Values per tile along the reduced axis. */
  public static final int TILE = Plan.BLOCK;
  /** Output elements per parallel task. */
  static final int ROWS = 64;

  // ================================================================== outerReduce

  /** {@code reduce.reduce(f(x[:, None], y[None, :]), axis)} for 1-D x and y. */
  public static NDArray outerReduce(Ufunc f, Ufunc reduce, NDArray x, NDArray y, int axis) {
    return reduction(asExpr(f), null, reduce, x, y, axis).compute();
  }

  /** As {@link #outerReduce(Ufunc, Ufunc, NDArray, NDArray, int)} with a fused pairwise expression. */
  public static NDArray outerReduce(Expr f, Ufunc reduce, NDArray x, NDArray y, int axis) {
    return reduction(f, null, reduce, x, y, axis).compute();
  }

  /**
   * Pairwise over rows: x (n, d), y (m, d); value(i, j) = combine.reduce(f(x[i, :], y[j, :]))
   * then reduced over axis 1 (j) or 0 (i). E.g. squared distances summed:
   * {@code outerReduce(Expr.arg(0).sub(Expr.arg(1)).square(), Ufunc.ADD, Ufunc.MINIMUM, x, y, 1)}
   * is the squared distance from each x row to its nearest y row.
   */
  public static NDArray outerReduce(Expr f, Ufunc combine, Ufunc reduce, NDArray x, NDArray y,
      int axis) {
    return reduction(f, combine, reduce, x, y, axis).compute();
  }

  /** As above with a binary ufunc per coordinate. */
  public static NDArray outerReduce(Ufunc f, Ufunc combine, Ufunc reduce, NDArray x, NDArray y,
      int axis) {
    return reduction(asExpr(f), combine, reduce, x, y, axis).compute();
  }

  /** The planned reduction (dtypes, peak memory) without running it. */
  public static Reduction reduction(Expr f, Ufunc combine, Ufunc reduce, NDArray x, NDArray y,
      int axis) {
    return new Reduction(f, combine, reduce, x, y, axis);
  }

  static Expr asExpr(Ufunc f) {
    if (f.nin() != 2) {
      throw new TesseraException("outer", "outer: " + f.name() + " is not a binary ufunc");
    }
    return Expr.apply(f, Expr.arg(0), Expr.arg(1));
  }

  /** A planned outer reduction: {@link #peakBytes()} before, {@link #compute()} to run. */
  public static final class Reduction implements MemoryBudget.Estimate {
    private final NDArray x;
    private final NDArray y;
    private final int axis;
    private final Plan plan;
    private final Ufunc reduce;
    private final DType valueType;
    private final DType accType;
    private final UnaryKernel toAcc;
    private final ReduceKernel rk;
    private final BinaryKernel combineKernel;
    private final UnaryKernel combineCast;
    private final int d;
    private final long n;
    private final long m;
    private final String text;
    private final int tile;
    private final boolean pairwiseAdd;

    Reduction(Expr f, Ufunc combine, Ufunc reduce, NDArray x, NDArray y, int axis) {
      this.x = x;
      this.y = y;
      this.reduce = reduce;
      boolean rows = combine != null;
      int want = rows ? 2 : 1;
      if (x.ndim() != want || y.ndim() != want) {
        throw new ShapeException("outer_reduce", "outer_reduce: expected " + want + "-D operands"
            + (rows ? " (n, d) and (m, d)" : "") + ", got " + Shapes.format(x.shape()) + " and "
            + Shapes.format(y.shape()));
      }
      if (rows && x.shape(1) != y.shape(1)) {
        throw new ShapeException("outer_reduce", "outer_reduce: the shared last axis differs: "
            + Shapes.format(x.shape()) + " and " + Shapes.format(y.shape()));
      }
      if (axis < 0) {
        axis += 2;
      }
      if (axis != 0 && axis != 1) {
        throw new io.tessera.errors.TesseraException("outer_reduce", "outer_reduce: axis "
            + axis + " is out of bounds for the 2-D pairwise result");
      }
      this.axis = axis;
      this.n = x.shape(0);
      this.m = y.shape(0);
      this.d = rows ? (int) x.shape(1) : 1;
      this.plan = Plan.compile(f, new DType[] {x.dtype(), y.dtype()});
      if (plan.hasArrays()) {
        throw new TesseraException("outer_reduce", "outer_reduce: the pairwise expression may "
            + "hold only Expr.arg(0), Expr.arg(1) and scalars");
      }
      DType v = plan.rootType();
      if (rows) {
        LoopSignature cs = TypeResolver.resolve(combine.spec(), v, v);
        combineKernel = Kernels.binary(combine.name(), cs);
        DType cv = cs.out()[0];
        combineCast = cs.in()[0] != v ? Kernels.cast(v, cs.in()[0]) : null;
        if (cs.in()[0] != cv) {
          throw new TesseraException("outer_reduce", "outer_reduce: combine " + combine.name()
              + " over " + v + " gives " + cv + "; use a combine closed over the value dtype");
        }
        v = cv;
      } else {
        combineKernel = null;
        combineCast = null;
      }
      this.valueType = v;
      this.pairwiseAdd = rows && "add".equals(Kernels.canonical(combine.name()))
          && (v == DType.FLOAT64 || v == DType.FLOAT32);
      this.tile = d <= 32 ? TILE : Math.max(128, TILE * 32 / d);
      LoopSignature rs = TypeResolver.resolveReduce(reduce.spec(), v, null);
      this.accType = rs.out()[0];
      this.toAcc = rs.in()[0] != v ? Kernels.cast(v, rs.in()[0]) : null;
      this.rk = Kernels.reduce(reduce.name(), accType);
      this.text = reduce.name() + ".reduce(" + f + (rows ? " combined by " + combine.name() : "")
          + ", axis=" + axis + ")";
    }

    /** Values per tile along the reduced axis ({@link #TILE}, less for d > 32). */
    public int tile() {
      return tile;
    }

    private long extraBytes() {
      return 64 + 2L * tile * 8 + (pairwiseAdd ? (long) d * tile * 8 : 0);
    }

    /** The result dtype (the reduce loop's). */
    public DType dtype() {
      return accType;
    }

    @Override
    public long peakBytes() {
      long out = (axis == 1 ? n : m) * accType.itemsize();
      long perThread = plan.workerBytes() + extraBytes();
      return out + perThread * Math.max(1, Threads.current());
    }

    @Override
    public String describe() {
      return text + " over x " + Shapes.format(x.shape()) + " y " + Shapes.format(y.shape());
    }

    /** Runs the reduction into a new array of shape (n,) for axis 1, (m,) for axis 0. */
    public NDArray compute() {
      MemoryBudget.check("outer_reduce", this, "raise the budget");
      long outLen = axis == 1 ? n : m;
      long redLen = axis == 1 ? m : n;
      if (redLen == 0 && !"add".equals(Kernels.canonical(reduce.name()))) {
        throw new TesseraException(reduce.name(), "zero-size array to reduction operation "
            + reduce.name() + " which has no identity");
      }
      BufferAllocator alloc = x.allocator();
      NDArray out = Creation.empty(alloc, accType, new long[] {outLen}, Order.C,
          Creation.DEFAULT_ALIGNMENT);
      try {
        if (redLen == 0) {
          out.fill(0L);
          return out;
        }
        NDArray fixed = axis == 1 ? x : y;
        NDArray varying = axis == 1 ? y : x;
        int fixedSlot = plan.placeholderSlot(axis == 1 ? 0 : 1);
        int varSlot = plan.placeholderSlot(axis == 1 ? 1 : 0);
        long fs0 = fixed.strides()[0];
        long vs0 = varying.strides()[0];
        long fsk = d > 1 || fixed.ndim() == 2 ? fixed.strides()[fixed.ndim() - 1] : 0;
        long vsk = d > 1 || varying.ndim() == 2 ? varying.strides()[varying.ndim() - 1] : 0;
        long fb = fixed.dataAddress();
        long vb = varying.dataAddress();
        long ob = out.dataAddress();
        int asz = accType.itemsize();
        int vsz = valueType.itemsize();
        int tasks = (int) ((outLen + ROWS - 1) / ROWS);
        Threads.forEachPart(tasks, t -> {
          long r0 = (long) t * ROWS;
          long r1 = Math.min(outLen, r0 + ROWS);
          try (Plan.Worker w = plan.worker(alloc);
               org.apache.arrow.memory.ArrowBuf extra = alloc.buffer(extraBytes())) {
            extra.setZero(0, extra.capacity());
            long zero = extra.memoryAddress();
            long comb = zero + 64;
            long accBuf = comb + (long) tile * 8;
            long vbuf = accBuf + (long) tile * 8;
            for (long r = r0; r < r1; r++) {
              long acc = ob + r * asz;
              for (long j0 = 0; j0 < redLen; j0 += tile) {
                long cnt = Math.min(tile, redLen - j0);
                long vals;
                if (combineKernel == null) {
                  setLeaves(w, fixedSlot, varSlot, fb + r * fs0, vb + j0 * vs0, vs0);
                  w.eval(cnt, 0, 0, null);
                  vals = w.rootAddress();
                } else if (pairwiseAdd) {
                  for (int k = 0; k < d; k++) {
                    setLeaves(w, fixedSlot, varSlot, fb + r * fs0 + k * fsk, vb + j0 * vs0 + k * vsk,
                        vs0);
                    long dst = vbuf + (long) k * tile * vsz;
                    if (combineCast != null) {
                      w.eval(cnt, 0, 0, null);
                      combineCast.run(w.rootAddress(), plan.rootType().itemsize(), dst, vsz, cnt);
                    } else {
                      w.eval(cnt, dst, vsz, null);
                    }
                  }
                  pairwise(combineKernel, vbuf, (long) tile * vsz, 0, d, cnt, vsz, zero);
                  combineKernel.run(zero, 0, vbuf, vsz, comb, vsz, cnt);
                  vals = comb;
                } else {
                  for (int k = 0; k < d; k++) {
                    setLeaves(w, fixedSlot, varSlot, fb + r * fs0 + k * fsk, vb + j0 * vs0 + k * vsk,
                        vs0);
                    if (k == 0) {
                      if (combineCast != null) {
                        w.eval(cnt, 0, 0, null);
                        combineCast.run(w.rootAddress(), plan.rootType().itemsize(), comb, vsz,
                            cnt);
                      } else {
                        w.eval(cnt, comb, vsz, null);
                      }
                    } else {
                      w.eval(cnt, 0, 0, null);
                      long a = w.rootAddress();
                      if (combineCast != null) {
                        combineCast.run(a, plan.rootType().itemsize(), w.spareAddress(), vsz, cnt);
                        a = w.spareAddress();
                      }
                      combineKernel.run(comb, vsz, a, vsz, comb, vsz, cnt);
                    }
                  }
                  vals = comb;
                }
                if (toAcc != null) {
                  toAcc.run(vals, vsz, accBuf, asz, cnt);
                  vals = accBuf;
                }
                if (j0 == 0) {
                  Raw.copy(vals, acc, asz);
                  rk.run(acc, vals + asz, asz, cnt - 1);
                } else {
                  rk.run(acc, vals, asz, cnt);
                }
              }
            }
          }
        });
        return out;
      } catch (RuntimeException e) {
        out.close();
        throw e;
      }
    }
  }

  private static void setLeaves(Plan.Worker w, int fixedSlot, int varSlot, long fa, long va,
      long vs) {
    if (fixedSlot >= 0) {
      w.leaf(fixedSlot, fa, 0);
    }
    if (varSlot >= 0) {
      w.leaf(varSlot, va, vs);
    }
  }

  /**
   * NumPy's pairwise summation ({@code pairwise_sum} in loops_utils.h) of the {@code n} value
   * buffers {@code lo .. lo+n-1} (each {@code cnt} elements, {@code step} bytes apart), done
   * elementwise across the tile with the float add loop; the result lands in buffer {@code lo}.
   * Below 8 terms NumPy starts from 0.0 and adds in order; up to 128 it keeps 8 running sums
   * combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) and adds the rest in order; above, it splits
   * at n/2 rounded down to a multiple of 8.
   */
  private static void pairwise(BinaryKernel add, long base, long step, int lo, int n, long cnt,
      int sz, long zero) {
    long b0 = base + lo * step;
    if (n < 8) {
      add.run(zero, 0, b0, sz, b0, sz, cnt);
      for (int i = 1; i < n; i++) {
        add.run(b0, sz, b0 + i * step, sz, b0, sz, cnt);
      }
    } else if (n <= 128) {
      int i = 8;
      for (; i < n - n % 8; i += 8) {
        for (int j = 0; j < 8; j++) {
          add.run(b0 + j * step, sz, b0 + (i + j) * step, sz, b0 + j * step, sz, cnt);
        }
      }
      for (int j = 0; j < 8; j += 2) {
        add.run(b0 + j * step, sz, b0 + (j + 1) * step, sz, b0 + j * step, sz, cnt);
      }
      add.run(b0, sz, b0 + 2 * step, sz, b0, sz, cnt);
      add.run(b0 + 4 * step, sz, b0 + 6 * step, sz, b0 + 4 * step, sz, cnt);
      add.run(b0, sz, b0 + 4 * step, sz, b0, sz, cnt);
      for (; i < n; i++) {
        add.run(b0, sz, b0 + i * step, sz, b0, sz, cnt);
      }
    } else {
      int n2 = n / 2;
      n2 -= n2 % 8;
      pairwise(add, base, step, lo, n2, cnt, sz, zero);
      pairwise(add, base, step, lo + n2, n - n2, cnt, sz, zero);
      add.run(b0, sz, b0 + n2 * step, sz, b0, sz, cnt);
    }
  }

  // ================================================================== outer

  /**
   * {@code f(x[:, None], y[None, :])} as a chunked array produced tile by tile when consumed
   * (nothing is computed or allocated here); chunks {@link Chunks#auto}.
   */
  public static ChunkedArray outer(Ufunc f, NDArray x, NDArray y) {
    return outer(asExpr(f), x, y, null);
  }

  /** As {@link #outer(Ufunc, NDArray, NDArray)} with a pairwise expression and given chunks. */
  public static ChunkedArray outer(Expr f, NDArray x, NDArray y, Chunks chunks) {
    if (x.ndim() != 1 || y.ndim() != 1) {
      throw new ShapeException("outer", "outer: expected 1-D operands, got "
          + Shapes.format(x.shape()) + " and " + Shapes.format(y.shape()));
    }
    long[] shape = {x.shape(0), y.shape(0)};
    Plan plan = Plan.compile(f, new DType[] {x.dtype(), y.dtype()});
    DType dt = plan.rootType();
    Chunks c = chunks != null ? chunks : Chunks.auto(shape, dt);
    NDArray hx = x.view();
    NDArray hy = y.view();
    BlockGenerator gen = (idx, off, sh, np) -> {
      NDArray xs = hx.get(off[0] + ":" + (off[0] + sh[0]) + ", None");
      NDArray ys = hy.get("None, " + off[1] + ":" + (off[1] + sh[1]));
      try {
        return f.bind(xs, ys).into(np.empty(dt, sh));
      } finally {
        xs.close();
        ys.close();
      }
    };
    return ChunkedArray.fromSource(c, dt, (idx, np) -> gen.generate(idx, c.blockOffsets(idx),
        c.blockShape(idx), np), c.largestBlockBytes(dt) + plan.workerBytes() * Threads.current(),
        hx, hy);
  }

  /**
   * The materialized {@code f(x[:, None], y[None, :])} (NumPy's broadcast call), refused before
   * anything is allocated when the n×m result exceeds the budget, e.g. {@code x[:, None] + y[None,
   * :] with x (100000,) y (100000,) would allocate 74.5 GiB float64 > budget 8 GiB; use
   * outerReduce or a chunked result}.
   */
  public static NDArray materialize(Ufunc f, NDArray x, NDArray y) {
    long[] shape = {x.shape(0), y.shape(0)};
    DType dt = TypeResolver.resolve(f.spec(), x.dtype(), y.dtype()).out()[0];
    MemoryBudget.check("outer", expression(f), new String[] {"x", "y"},
        new long[][] {x.shape(), y.shape()}, dt, MemoryBudget.bytesOf(shape, dt),
        "use outerReduce or a chunked result");
    try (NDArray xs = x.get(":, None"); NDArray ys = y.get("None, :")) {
      return f.apply(xs, ys);
    }
  }

  static String expression(Ufunc f) {
    String op;
    switch (Kernels.canonical(f.name())) {
      case "add": op = "+"; break;
      case "subtract": op = "-"; break;
      case "multiply": op = "*"; break;
      case "true_divide": op = "/"; break;
      case "power": op = "**"; break;
      default: op = null;
    }
    return op != null ? "x[:, None] " + op + " y[None, :]"
        : "np." + f.name() + "(x[:, None], y[None, :])";
  }

  static String shapes(long[]... s) {
    return Arrays.deepToString(s);
  }
}
