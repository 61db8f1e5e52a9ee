package io.tessera.chunk;

import io.tessera.dtype.DType;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.expr.Expr;
import io.tessera.expr.PairForm;
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
 * reproduces the order of NumPy's reduction of the materialized matrix, so results are
 * bit-identical to it (min/max and integer sums in any case; float sums because the order is
 * NumPy's): along axis 1 a float sum is {@code 0 + pairwise_sum(row)} (NumPy's pairwise summation
 * of a contiguous row, loops_utils.h.src); along axis 0 NumPy adds row after row, and so do we
 * (an (n, 1) result is one contiguous run to NumPy, summed pairwise); min/max start from the
 * first value. With operands of shape (n, d) and (m, d) the pairwise value is {@code combine}
 * along the shared last axis: for a float add {@code 0 + pairwise_sum} over d (the bits of
 * {@code np.sum(f(x[:, None, :], y[None, :, :]), axis=-1)}), else in order k = 0 .. d-1.
 *
 * <p><b>Loops.</b> The common forms (a binary add/subtract/multiply/true_divide/maximum/minimum,
 * {@code |x - y|} and {@code (x - y)**2}, see {@link PairForm}, in float64 or float32, reduced by
 * add, minimum or maximum; over (n, d) operands with a summed d axis) run one fused loop from
 * {@link OuterLoops}, picked once per call: the value is computed inside the reduction's inner
 * loop (for sums NumPy's 8 running pairwise sums, which also keep both FP adders busy), with no
 * block of temporaries and no second pass. Other expressions (scalars, integer or float16
 * values, other ufuncs) are evaluated block-wise ({@link Plan}, one kernel call per node per
 * block of up to {@link #TILE} values) and each block reduced while it is in cache, in the same
 * order.
 *
 * <p><b>Memory.</b> O(n + m + threads × tile): the result, plus (fused) contiguous copies of the
 * operands in the loop dtype when they are strided or of another dtype and, for the 1-D row
 * loops, one copy of y in a Java array on the heap (C2 schedules array loads in these unrolled
 * loops about 1.5x faster than raw-address loads; y up to 256 MiB, larger y runs block-wise),
 * counted in {@link Reduction#peakBytes()}; or (block-wise) per thread
 * a few {@link Plan#BLOCK}-element scratch buffers ({@link Reduction#peakBytes()}); checked
 * against the {@link MemoryBudget} before anything is allocated. <b>Threads.</b> Output elements
 * are split into fixed tasks run in parallel ({@link Threads}); each element's reduction runs on
 * one thread in a fixed order, so the result never depends on the thread count.
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
    private final BinaryKernel reduceBinary;
    private final BinaryKernel combineKernel;
    private final UnaryKernel combineCast;
    private final int d;
    private final long n;
    private final long m;
    private final String text;
    private final int tile;
    private final boolean pairwiseAdd;
    private final boolean isAdd;
    /** Generic axis-1 float sums: NumPy's pairwise order over the whole axis, exactly. */
    private final boolean exactPairwise;
    /** The fused loop (OuterLoops.Rows/Cols/DRows/DCols), or null for the block-wise path. */
    private final Object fused;
    private final DType loopType;

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
      if (reduce.nin() != 2) {
        throw new TesseraException("outer_reduce", "outer_reduce: " + reduce.name()
            + " is not a binary ufunc and cannot reduce");
      }
      this.axis = axis;
      this.n = x.shape(0);
      this.m = y.shape(0);
      this.d = rows ? Math.toIntExact(x.shape(1)) : 1;
      this.plan = Plan.compile(f, new DType[] {x.dtype(), y.dtype()});
      if (plan.hasArrays()) {
        throw new TesseraException("outer_reduce", "outer_reduce: the pairwise expression may "
            + "hold only Expr.arg(0), Expr.arg(1) and scalars");
      }
      DType v = plan.rootType();
      String combineName = null;
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
        combineName = Kernels.canonical(combine.name());
      } else {
        combineKernel = null;
        combineCast = null;
      }
      this.valueType = v;
      this.pairwiseAdd = rows && "add".equals(combineName)
          && (v == DType.FLOAT64 || v == DType.FLOAT32);
      this.tile = d <= 32 ? TILE : Math.max(128, TILE * 32 / d);
      LoopSignature rs = TypeResolver.resolveReduce(reduce.spec(), v, null);
      this.accType = rs.out()[0];
      this.toAcc = rs.in()[0] != v ? Kernels.cast(v, rs.in()[0]) : null;
      this.rk = Kernels.reduce(reduce.name(), accType);
      this.reduceBinary = Kernels.binary(reduce.name(), new LoopSignature(
          new DType[] {accType, accType}, new DType[] {accType}));
      String red = Kernels.canonical(reduce.name());
      this.isAdd = "add".equals(red);
      this.exactPairwise = isAdd && (accType == DType.FLOAT64 || accType == DType.FLOAT32);
      // the fused single-pass loop, picked once here
      PairForm form = PairForm.of(plan);
      Object loop = null;
      // (n, 1) reduced along axis 0 is a contiguous run to NumPy: pairwise, as a row is
      if (form != null && !(axis == 0 && m == 1) && form.type() == accType && toAcc == null && n <= Integer.MAX_VALUE
          && m <= Integer.MAX_VALUE && (!rows || pairwiseAdd && form.type() == v)) {
        String t = form.type().name();
        if (!rows) {
          loop = axis == 1 ? (m * form.type().itemsize() <= HEAP_Y_MAX
              ? OuterLoops.rows(t, form.pair(), red) : null)
              : OuterLoops.cols(t, form.pair(), red);
        } else {
          loop = axis == 1 ? OuterLoops.dRows(t, form.pair(), red)
              : OuterLoops.dCols(t, form.pair(), red);
        }
      }
      this.fused = loop;
      this.loopType = loop != null ? form.type() : null;
      this.text = reduce.name() + ".reduce(" + f + (rows ? " combined by " + combine.name() : "")
          + ", axis=" + axis + ")";
    }

    /** Values per tile along the reduced axis ({@link #TILE}, less for d > 32). */
    public int tile() {
      return tile;
    }

    /** Whether one fused loop computes the values inside the reduction ({@link OuterLoops}). */
    public boolean fused() {
      return fused != null;
    }

    private long extraBytes() {
      return 64 + 2L * tile * 8 + (pairwiseAdd ? (long) d * tile * 8 : 0);
    }

    private static boolean ready(NDArray a, DType t) {
      return a.dtype() == t && a.isCContiguous();
    }

    /** The result dtype (the reduce loop's). */
    public DType dtype() {
      return accType;
    }

    @Override
    public long peakBytes() {
      long out = (axis == 1 ? n : m) * accType.itemsize();
      if (fused != null) {
        long copies = (ready(x, loopType) ? 0 : x.size() * loopType.itemsize())
            + (ready(y, loopType) ? 0 : y.size() * loopType.itemsize());
        long heapY = fused instanceof OuterLoops.Rows ? m * loopType.itemsize() : 0;
        return out + copies + heapY;
      }
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
      if (redLen == 0 && !isAdd) {
        throw new TesseraException(reduce.name(), "zero-size array to reduction operation "
            + reduce.name() + " which has no identity");
      }
      BufferAllocator alloc = x.allocator();
      NDArray out = Creation.empty(alloc, accType, new long[] {outLen}, Order.C,
          Creation.DEFAULT_ALIGNMENT);
      try {
        if (redLen == 0 || outLen == 0) {
          out.fill(0L);
          return out;
        }
        if (fused != null) {
          runFused(out);
        } else if (axis == 1) {
          runRows(out, alloc);
        } else {
          runCols(out, alloc);
        }
        return out;
      } catch (RuntimeException e) {
        out.close();
        throw e;
      }
    }

    private static NDArray prepare(NDArray a, DType t) {
      if (ready(a, t)) {
        return a.view();
      }
      try (NDArray c = a.astype(t, io.tessera.dtype.Casting.UNSAFE, false)) {
        return c.copy(Order.C);
      }
    }

    /** Largest y (bytes) the fused row loops read from a Java array copy; above, block-wise. */
    private static final long HEAP_Y_MAX = 256L << 20;

    /** Pairs per parallel task, at least. */
    private static final long TASK_PAIRS = 1L << 16;

    private void runFused(NDArray out) {
      try (NDArray xc = prepare(x, loopType); NDArray yc = prepare(y, loopType)) {
        long xa = xc.dataAddress();
        long ya = yc.dataAddress();
        long oa = out.dataAddress();
        int threads = Threads.current();
        if (axis == 1) {
          // the 1-D row loops read y from a Java array (heap), copied once here
          Object yh = null;
          if (fused instanceof OuterLoops.Rows) {
            yh = loopType == DType.FLOAT64 ? new double[(int) m] : new float[(int) m];
            Raw.copyToHeap(ya, yh, 0, m * loopType.itemsize());
          }
          Object yHeap = yh;
          long per = Math.max(1, Math.min(ROWS, (TASK_PAIRS + m * d - 1) / (m * d)));
          per = Math.max(per, Math.min(4096, n / Math.max(1, 8L * threads)));
          long step = per;
          int tasks = (int) ((n + step - 1) / step);
          Threads.forEachPart(tasks, t -> {
            long i0 = t * step;
            long i1 = Math.min(n, i0 + step);
            if (fused instanceof OuterLoops.Rows r) {
              r.run(xa, yHeap, (int) m, oa, i0, i1);
            } else {
              ((OuterLoops.DRows) fused).run(xa, ya, (int) m, d, oa, i0, i1);
            }
          });
        } else {
          int step = COLS;
          int tasks = (int) ((m + step - 1) / step);
          Threads.forEachPart(tasks, t -> {
            int j0 = t * step;
            int j1 = (int) Math.min(m, (long) j0 + step);
            if (fused instanceof OuterLoops.Cols c) {
              c.run(xa, n, ya, oa, j0, j1);
            } else {
              ((OuterLoops.DCols) fused).run(xa, n, d, ya, oa, j0, j1);
            }
          });
        }
      }
    }

    /** Columns per parallel task on axis 0 (their running results stay in L1). */
    private static final int COLS = 1024;

    /** Block-wise evaluation: the values f(fixed, varying[j0 .. j0+cnt)) in the accumulator dtype. */
    private final class Blocks implements AutoCloseable {
      final Plan.Worker w;
      final org.apache.arrow.memory.ArrowBuf extra;
      final long zero;
      final long comb;
      final long accBuf;
      final long vbuf;
      final long xb = x.dataAddress();
      final long yb = y.dataAddress();
      final long xs0 = x.strides()[0];
      final long ys0 = y.strides()[0];
      final long xsk = x.ndim() == 2 ? x.strides()[1] : 0;
      final long ysk = y.ndim() == 2 ? y.strides()[1] : 0;
      final int slot0 = plan.placeholderSlot(0);
      final int slot1 = plan.placeholderSlot(1);
      final int asz = accType.itemsize();
      final int vsz = valueType.itemsize();

      Blocks(BufferAllocator alloc) {
        org.apache.arrow.memory.ArrowBuf e = alloc.buffer(extraBytes());
        try {
          w = plan.worker(alloc);
        } catch (RuntimeException ex) {
          e.close();
          throw ex;
        }
        extra = e;
        extra.setZero(0, extra.capacity());
        zero = extra.memoryAddress();
        comb = zero + 64;
        accBuf = comb + (long) tile * 8;
        vbuf = accBuf + (long) tile * 8;
      }

      /** The values f(x[i], y[j]) for j0 <= j < j0 + cnt, in the accumulator dtype. */
      long rowValues(long i, long j0, long cnt) {
        return values(xb + i * xs0, 0, yb + j0 * ys0, ys0, cnt);
      }

      /** f at x elements from xa (byte stride xs) and y elements from ya (stride ys). */
      long values(long xa, long xs, long ya, long ys, long cnt) {
        long vals;
        if (combineKernel == null) {
          leaves(xa, xs, ya, ys);
          w.eval(cnt, 0, 0, null);
          vals = w.rootAddress();
        } else if (pairwiseAdd) {
          for (int k = 0; k < d; k++) {
            leaves(xa + k * xsk, xs, ya + k * ysk, ys);
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
            leaves(xa + k * xsk, xs, ya + k * ysk, ys);
            if (k == 0) {
              if (combineCast != null) {
                w.eval(cnt, 0, 0, null);
                combineCast.run(w.rootAddress(), plan.rootType().itemsize(), comb, vsz, cnt);
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
        return vals;
      }

      private void leaves(long xa, long xs, long ya, long ys) {
        if (slot0 >= 0) {
          w.leaf(slot0, xa, xs);
        }
        if (slot1 >= 0) {
          w.leaf(slot1, ya, ys);
        }
      }

      /**
       * NumPy's pairwise sum of row i's values over [j0, j0 + cnt) (with {@code row} false: of
       * column i's values over rows [j0, j0 + cnt)): the same recursion, each
       * sub-range of at most one tile evaluated and summed by the pairwise reduce loop (which
       * reproduces NumPy's pairwise_sum of that range).
       */
      double pairwiseRange(boolean row, long i, long j0, long cnt) {
        if (cnt <= tile) {
          long vals = row ? rowValues(i, j0, cnt)
              : values(xb + j0 * xs0, xs0, yb + i * ys0, 0, cnt);
          if (accType == DType.FLOAT64) {
            Raw.putDouble(zero, -0.0);
            rk.run(zero, vals, asz, cnt);
            double r = Raw.getDouble(zero);
            Raw.putDouble(zero, 0.0);
            return r;
          }
          Raw.putFloat(zero, -0.0f);
          rk.run(zero, vals, asz, cnt);
          float r = Raw.getFloat(zero);
          Raw.putFloat(zero, 0.0f);
          return r;
        }
        long n2 = cnt / 2;
        n2 -= n2 % 8;
        double a = pairwiseRange(row, i, j0, n2);
        double b = pairwiseRange(row, i, j0 + n2, cnt - n2);
        // float32: the sum of two floats rounded once from double is the float sum
        return accType == DType.FLOAT64 ? a + b : (double) (float) (a + b);
      }

      @Override
      public void close() {
        try {
          w.close();
        } finally {
          extra.close();
        }
      }
    }

    /** Writes 0 + s (add.reduce's identity plus the pairwise sum) in the accumulator dtype. */
    private void put(long acc, double s) {
      if (accType == DType.FLOAT64) {
        Raw.putDouble(acc, 0.0 + s);
      } else {
        Raw.putFloat(acc, 0.0f + (float) s);
      }
    }

    /** Axis 1, block-wise: each output element reduced over j in index order (or pairwise). */
    private void runRows(NDArray out, BufferAllocator alloc) {
      long ob = out.dataAddress();
      int asz = accType.itemsize();
      int tasks = (int) ((n + ROWS - 1) / ROWS);
      Threads.forEachPart(tasks, t -> {
        long r0 = (long) t * ROWS;
        long r1 = Math.min(n, r0 + ROWS);
        try (Blocks b = new Blocks(alloc)) {
          for (long r = r0; r < r1; r++) {
            long acc = ob + r * asz;
            if (exactPairwise) {
              put(acc, b.pairwiseRange(true, r, 0, m));
              continue;
            }
            if (isAdd) {
              Raw.putBits(acc, asz, 0L);
            }
            for (long j0 = 0; j0 < m; j0 += tile) {
              long cnt = Math.min(tile, m - j0);
              long vals = b.rowValues(r, j0, cnt);
              if (j0 == 0 && !isAdd) {
                Raw.copy(vals, acc, asz);
                rk.run(acc, vals + asz, asz, cnt - 1);
              } else {
                rk.run(acc, vals, asz, cnt);
              }
            }
          }
        }
      });
    }

    /**
     * Axis 0, block-wise in NumPy's order: out[j] starts from the identity (add) or the first
     * row, then each row i is combined elementwise, i = 0, 1, ... .
     */
    private void runCols(NDArray out, BufferAllocator alloc) {
      long ob = out.dataAddress();
      int asz = accType.itemsize();
      int tasks = (int) ((m + tile - 1) / tile);
      Threads.forEachPart(tasks, t -> {
        long j0 = (long) t * tile;
        long cnt = Math.min(tile, m - j0);
        long o = ob + j0 * asz;
        try (Blocks b = new Blocks(alloc)) {
          if (m == 1 && exactPairwise) {
            // (n, 1) along axis 0 is one contiguous run to NumPy: summed pairwise
            put(o, b.pairwiseRange(false, 0, 0, n));
            return;
          }
          if (isAdd) {
            Raw.fill(o, cnt * asz, (byte) 0);
          }
          for (long i = 0; i < n; i++) {
            long vals = b.rowValues(i, j0, cnt);
            if (i == 0 && !isAdd) {
              Raw.copy(vals, o, cnt * asz);
            } else {
              reduceBinary.run(o, asz, vals, asz, o, asz, cnt);
            }
          }
        }
      });
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
