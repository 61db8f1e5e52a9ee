package io.tessera.ufunc;

import io.tessera.dtype.Convert;
import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.dtype.Promotion;
import io.tessera.errors.ReadOnlyArrayException;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.errors.UfuncTypeException;
import io.tessera.kernels.BinaryKernel;
import io.tessera.kernels.Kernels;
import io.tessera.kernels.ReduceKernel;
import io.tessera.kernels.UnaryKernel;
import io.tessera.kernels.gen.ReduceTable;
import io.tessera.memory.Raw;
import io.tessera.ndarray.Creation;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.parallel.Threads;
import io.tessera.shape.Axes;
import io.tessera.shape.Broadcast;
import io.tessera.shape.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The reduction engine behind {@code ufunc.reduce} and {@link Reductions}: NumPy's reduce of a
 * binary ufunc over any set of axes, with {@code keepdims}, {@code dtype=}, {@code out=},
 * {@code where=} and {@code initial=}, every check made before anything is written.
 *
 * <h2>Order of operations (why the bits equal NumPy's)</h2>
 *
 * The input's axes of length above one are ordered by decreasing absolute stride (NumPy's K order
 * without negating strides, so a reversed axis is still walked from index 0) and adjacent axes
 * coalesced when their strides chain and both are reduced or both kept. Then, with {@code d0} the
 * innermost remaining axis:
 *
 * <ul>
 *   <li><b>d0 kept</b> (strategy B): every output element {@code out[j] = out[j] op a[i, j]} in
 *       the order of the reduced axes, outermost first, exactly NumPy's elementwise inner loop.
 *   <li><b>d0 reduced</b> (strategy A): every output element reduces its elements by calls of the
 *       generated {@link ReduceKernel} (float add: {@code acc += pairwise(call)}), the calls being
 *       those of NumPy 2.4's buffered reduction iterator (buffer size 8192): the "core" is the run
 *       of innermost reduced axes; without a cast a single-axis core, or rows longer than 8192,
 *       are one call per row; with a cast rows of 8192 or more are cut into pieces of 8192; else
 *       as many whole inner blocks as fit in 8192 elements form one call (NumPy copies them into
 *       its buffer; we gather them into ours).
 * </ul>
 *
 * <h2>Determinism</h2>
 *
 * Work is split by output element (strategy A with several outputs, strategy B by disjoint output
 * ranges) or, for a single output, into NumPy's own calls whose partial sums are added in call
 * order; one huge call is split along the recursion tree of the pairwise summation itself (leaves
 * of at most {@link #LEAF} elements, combined in the tree's order). None of the splits depends on
 * the thread count, and each output element's operations happen in the same order whichever
 * thread runs them, so results are bit-identical for any {@link Threads} limit.
 */
public final class Reduction {
  private Reduction() {}

  /** NumPy's default ufunc buffer size: the reduce iterator's call sizes depend on it. */
  static final int BUF = 8192;
  /** Below this many input elements a reduction runs on the calling thread. */
  static final long PARALLEL_MIN = 1L << 16;
  /** Leaf size of the parallel pairwise tree (a subtree of NumPy's recursion). */
  static final long LEAF = 1L << 15;
  /** Column block of strategy B's parallel split. */
  static final int COLUMN_BLOCK = 2048;

  /** Ufuncs NumPy may reduce over several axes at once (reorderable). */
  static final Set<String> REORDERABLE = Set.of("add", "multiply", "maximum", "minimum", "fmax",
      "fmin", "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or",
      "bitwise_xor", "hypot", "equal", "not_equal");
  /** Reorderable ufuncs without identity whose reduce may see the first element twice. */
  static final Set<String> IDEMPOTENT = Set.of("maximum", "minimum", "fmax", "fmin");

  // ================================================================ entry

  /**
   * {@code ufunc.reduce(a, axis=axes, dtype=dtype, out=out, keepdims=keepdims, initial=initial,
   * where=where)}. {@code axes} null reduces every axis; {@code initial} is a Java number or
   * boolean (a Python scalar) or null. Returns {@code out} when given, else a new array (0-d for
   * a full reduction without keepdims).
   */
  public static NDArray reduce(UfuncSpec spec, NDArray a, int[] axes, boolean keepdims,
      DType dtype, NDArray out, NDArray where, Object initial) {
    String name = spec.name();
    Execution.checkOpen(name, a);
    int nd = a.ndim();
    boolean[] red = reducedAxes(name, axes, nd);
    int nred = 0;
    for (boolean r : red) {
      nred += r ? 1 : 0;
    }
    boolean reorderable = REORDERABLE.contains(name);
    if (!reorderable && nred > 1) {
      throw new TesseraException(name, "reduction operation '" + name + "' is not reorderable, "
          + "so at most one axis may be specified");
    }
    DType dtypeArg = dtype != null ? dtype : out != null ? out.dtype() : null;
    LoopSignature sig = TypeResolver.resolveReduce(spec, a.dtype(), dtypeArg);
    DType loop = sig.out()[0];
    if (sig.in()[1] != loop) {
      throw new UfuncTypeException(name, "reduce of " + name + " with loop " + sig.code()
          + " is not supported");
    }
    long[] shape = a.shape();
    long[] resShape = resultShape(shape, red, keepdims);
    long count = 1;
    for (int i = 0; i < nd; i++) {
      if (red[i]) {
        count *= shape[i];
      }
    }
    long resSize = Shapes.checkedSize(name, resShape, 1);
    if (out != null) {
      checkOut(name, out, resShape, keepdims, nd);
    }
    if (where != null) {
      Execution.checkOpen(name, where);
      if (where.dtype() != DType.BOOL) {
        throw new io.tessera.errors.CastingException(name, "Cannot cast array data from dtype('"
            + where.dtype() + "') to dtype('bool') according to the rule 'safe'");
      }
      if (!Broadcast.canBroadcastTo(where.shape(), shape)) {
        throw new ShapeException(name, "operands could not be broadcast together with shapes "
            + Shapes.formatCompact(shape) + " " + Shapes.formatCompact(where.shape()));
      }
    }
    Long startBits = null;
    if (initial != null) {
      Number v = initial instanceof Boolean b ? (Number) (b ? 1L : 0L) : (Number) initial;
      startBits = loop == DType.BOOL && !(initial instanceof Boolean)
          ? (Promotion.isPythonFloat(v) ? (v.doubleValue() != 0 ? 1L : 0L)
              : (v.longValue() != 0 ? 1L : 0L))
          : Promotion.weakScalarBits(name, loop, v);
    } else if (spec.hasIdentity()) {
      startBits = spec.identityBits(loop);
    }
    if (startBits == null) {
      if (where != null) {
        throw new TesseraException(name, "reduction operation '" + name + "' does not have an "
            + "identity, so to use a where mask one has to specify 'initial'");
      }
      if (count == 0 && resSize > 0) {
        throw new TesseraException(name, "zero-size array to reduction operation " + name
            + " which has no identity");
      }
    }

    BufferAllocator alloc = a.allocator();
    NDArray res = Creation.empty(alloc, loop, resShape, Order.C, Creation.DEFAULT_ALIGNMENT);
    try {
      if (resSize > 0) {
        compute(spec, sig, a, red, res, keepdims, where, startBits);
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

  /** Which axes are reduced (NumPy's axis normalization and its error texts). */
  static boolean[] reducedAxes(String name, int[] axes, int nd) {
    boolean[] red = new boolean[nd];
    if (axes == null) {
      Arrays.fill(red, true);
      return red;
    }
    for (int ax : axes) {
      int n = Axes.normalizeAxisIndex(name, ax, nd, null);
      if (red[n]) {
        throw new ShapeException(name, "duplicate value in 'axis'");
      }
      red[n] = true;
    }
    return red;
  }

  static long[] resultShape(long[] shape, boolean[] red, boolean keepdims) {
    List<Long> s = new ArrayList<>();
    for (int i = 0; i < shape.length; i++) {
      if (!red[i]) {
        s.add(shape[i]);
      } else if (keepdims) {
        s.add(1L);
      }
    }
    long[] r = new long[s.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = s.get(i);
    }
    return r;
  }

  static void checkOut(String name, NDArray out, long[] resShape, boolean keepdims, int nd) {
    Execution.checkOpen(name, out);
    if (!out.isWriteable()) {
      throw new ReadOnlyArrayException(name, name + ": output array is read-only");
    }
    if (out.ndim() != resShape.length) {
      throw new ShapeException(name, "output parameter for reduction operation " + name
          + " has the wrong number of dimensions: Found " + out.ndim() + " but expected "
          + resShape.length + (keepdims ? " (must match the operand's when keepdims=True)" : ""));
    }
    if (!Arrays.equals(out.shape(), resShape)) {
      throw new ShapeException(name, "output parameter for reduction operation " + name
          + " has shape " + Shapes.formatCompact(out.shape()) + " but the result has shape "
          + Shapes.formatCompact(resShape));
    }
  }

  // ================================================================ the plan

  /** Axes of the iteration, innermost first, after ordering and coalescing. */
  static final class Dims {
    int n;
    long[] size;
    long[] ist;
    long[] ost;
    long[] mst;
    boolean[] red;
  }

  /**
   * Orders the axes of length above one by decreasing absolute input stride (ties keep C order),
   * coalesces chained axes of the same kind, and returns them innermost first.
   */
  static Dims dims(long[] shape, long[] ist, long[] ost, long[] mst, boolean[] red) {
    int nd = shape.length;
    Integer[] order = new Integer[nd];
    int m = 0;
    for (int ax = 0; ax < nd; ax++) {
      if (shape[ax] != 1) {
        order[m++] = ax;
      }
    }
    Integer[] ax = Arrays.copyOf(order, m);
    // stable sort, outermost (largest |stride|) first
    Arrays.sort(ax, (x, y) -> Long.compare(Math.abs(ist[y]), Math.abs(ist[x])));
    long[] sz = new long[m];
    long[] is = new long[m];
    long[] os = new long[m];
    long[] ms = new long[m];
    boolean[] rd = new boolean[m];
    int k = -1;
    for (int i = 0; i < m; i++) {
      int a = ax[i];
      if (k >= 0 && rd[k] == red[a] && is[k] == shape[a] * ist[a] && os[k] == shape[a] * ost[a]
          && (mst == null || ms[k] == shape[a] * mst[a])) {
        sz[k] *= shape[a];
        is[k] = ist[a];
        os[k] = ost[a];
        ms[k] = mst == null ? 0 : mst[a];
      } else {
        k++;
        sz[k] = shape[a];
        is[k] = ist[a];
        os[k] = ost[a];
        ms[k] = mst == null ? 0 : mst[a];
        rd[k] = red[a];
      }
    }
    Dims d = new Dims();
    if (k < 0) { // a single element: one reduced axis of length 1
      d.n = 1;
      d.size = new long[] {1};
      d.ist = new long[1];
      d.ost = new long[1];
      d.mst = new long[1];
      d.red = new boolean[] {true};
      return d;
    }
    d.n = k + 1;
    d.size = new long[d.n];
    d.ist = new long[d.n];
    d.ost = new long[d.n];
    d.mst = new long[d.n];
    d.red = new boolean[d.n];
    for (int i = 0; i < d.n; i++) { // reverse: innermost first
      int j = k - i;
      d.size[i] = sz[j];
      d.ist[i] = is[j];
      d.ost[i] = os[j];
      d.mst[i] = ms[j];
      d.red[i] = rd[j];
    }
    return d;
  }

  /** The output's strides seen from the input's axes (0 on reduced axes). */
  static long[] outStrides(NDArray res, boolean[] red, boolean keepdims) {
    int nd = red.length;
    long[] s = new long[nd];
    long[] rs = res.strides();
    int j = 0;
    for (int i = 0; i < nd; i++) {
      if (red[i]) {
        if (keepdims) {
          j++;
        }
      } else {
        s[i] = rs[j++];
      }
    }
    return s;
  }

  // ================================================================ compute

  private static void compute(UfuncSpec spec, LoopSignature sig, NDArray a, boolean[] red,
      NDArray res, boolean keepdims, NDArray where, Long startBits) {
    String name = spec.name();
    DType loop = sig.out()[0];
    long[] shape = a.shape();
    long[] ist = a.strides().clone();
    long base = a.dataAddress();
    long[] ost = outStrides(res, red, keepdims);
    int li = loop.itemsize();
    long resBase = res.dataAddress();
    long resSize = res.size();
    // the start value of every output element
    if (startBits != null) {
      for (long k = 0; k < resSize; k++) {
        Raw.putBits(resBase + k * li, li, startBits);
      }
    } else {
      // no identity: the first element along the reduced axes starts each output
      long[] fshape = new long[shape.length];
      for (int i = 0; i < shape.length; i++) {
        fshape[i] = red[i] ? 1 : shape[i];
      }
      castInto(a.dtype(), loop, base, fshape, ist, resBase, ost);
      if (!IDEMPOTENT.contains(name)) {
        // subtract, divide, ...: one axis; the rest of it follows the first element
        for (int i = 0; i < shape.length; i++) {
          if (red[i]) {
            if (shape[i] <= 1) {
              return;
            }
            shape = shape.clone();
            shape[i] -= 1;
            base += ist[i];
          }
        }
      }
    }
    long[] mst = null;
    long mbase = 0;
    if (where != null) {
      mst = Execution.broadcastStrides(where.layout(), shape);
      mbase = where.dataAddress();
    }
    for (long s : shape) {
      if (s == 0) {
        return;
      }
    }
    Dims d = dims(shape, ist, ost, mst, red);
    Job job = new Job(name, sig, a.dtype(), d, base, resBase, mbase, where != null,
        a.allocator());
    job.run();
  }

  /** Casts the elements of one strided block into another (same shape), any layout. */
  static void castInto(DType from, DType to, long src, long[] shape, long[] sst, long dst,
      long[] dstStrides) {
    UnaryKernel k = Kernels.cast(from, to);
    int nd = shape.length;
    long total = 1;
    for (long s : shape) {
      total *= s;
    }
    if (total == 0) {
      return;
    }
    if (nd == 0) {
      k.run(src, 0, dst, 0, 1);
      return;
    }
    long[] idx = new long[nd];
    long inner = shape[nd - 1];
    while (true) {
      long sp = src;
      long dp = dst;
      for (int i = 0; i < nd - 1; i++) {
        sp += idx[i] * sst[i];
        dp += idx[i] * dstStrides[i];
      }
      k.run(sp, sst[nd - 1], dp, dstStrides[nd - 1], inner);
      int ax = nd - 2;
      while (ax >= 0 && ++idx[ax] == shape[ax]) {
        idx[ax] = 0;
        ax--;
      }
      if (ax < 0) {
        return;
      }
    }
  }

  /** One reduction's plan and its execution. */
  static final class Job {
    final String name;
    final DType in;
    final DType loop;
    final Dims d;
    final long base;
    final long resBase;
    final long mbase;
    final boolean masked;
    final BufferAllocator alloc;
    final boolean cast;
    final UnaryKernel castK;
    final ReduceKernel kernel;
    final BinaryKernel binary;
    /** Float add: pairwise partials straight from the (cast) input. */
    final ReduceKernel.Pairwise pairwiseIn;
    final ReduceKernel.Pairwise pairwiseLoop;
    final int li;
    final long total;

    /** np.var's second pass: pairwise sums of squared deviations from each output's mean. */
    ReduceKernel.SquaredDeviations sq;

    Job(String name, LoopSignature sig, DType in, Dims d, long base, long resBase, long mbase,
        boolean masked, BufferAllocator alloc) {
      this(name, sig, in, d, base, resBase, mbase, masked, alloc, in != sig.out()[0]);
    }

    Job(String name, LoopSignature sig, DType in, Dims d, long base, long resBase, long mbase,
        boolean masked, BufferAllocator alloc, boolean cast) {
      this.name = name;
      this.in = in;
      this.loop = sig.out()[0];
      this.d = d;
      this.base = base;
      this.resBase = resBase;
      this.mbase = mbase;
      this.masked = masked;
      this.alloc = alloc;
      this.cast = cast;
      this.castK = Kernels.cast(in, loop);
      this.kernel = Kernels.reduce(name, loop);
      this.binary = Kernels.binary(name, sig);
      boolean fadd = "add".equals(Kernels.canonical(name)) && loop.isFloat();
      this.pairwiseIn = fadd ? ReduceTable.pairwise(in.charCode(), loop.charCode()) : null;
      this.pairwiseLoop = fadd ? ReduceTable.pairwise(loop.charCode(), loop.charCode()) : null;
      this.li = loop.itemsize();
      long t = 1;
      for (int i = 0; i < d.n; i++) {
        t *= d.size[i];
      }
      this.total = t;
    }

    void run() {
      if (d.red[0]) {
        runA();
      } else {
        runB();
      }
    }

    int threads() {
      return total >= PARALLEL_MIN ? Threads.current() : 1;
    }

    // ---------------------------------------------------------------- strategy A

    /** Number of leading reduced dims (the core). */
    int coreDims() {
      int c = 0;
      while (c < d.n && d.red[c]) {
        c++;
      }
      return c;
    }

    void runA() {
      int c = coreDims();
      // outputs: kept dims; per output, outer reduced dims (beyond the core)
      int[] kept = dimsWhere(false, c);
      int[] outerRed = dimsWhere(true, c);
      long nOut = product(kept);
      if (nOut == 1 && (pairwiseIn != null || sq != null) && !masked) {
        singleOutputSum(c, outerRed);
        return;
      }
      long per = Math.max(1, PARALLEL_MIN / Math.max(1, total / nOut));
      long parts = (nOut + per - 1) / per;
      if (threads() <= 1) {
        parts = 1;
        per = nOut;
      }
      final long fper = per;
      Threads.forEachPart((int) parts, p -> {
        Scratch s = new Scratch(this);
        try {
          long[] kidx = new long[kept.length];
          long start = p * fper;
          long end = Math.min(nOut, start + fper);
          decode(start, kept, kidx);
          for (long o = start; o < end; o++) {
            long ip = base;
            long op = resBase;
            long mp = mbase;
            for (int k = 0; k < kept.length; k++) {
              ip += kidx[k] * d.ist[kept[k]];
              op += kidx[k] * d.ost[kept[k]];
              mp += kidx[k] * d.mst[kept[k]];
            }
            final long fop = op;
            if (sq != null) {
              double mean = readDouble(loop, op);
              double[] acc = {0.0};
              forEachOuter(outerRed, ip, mp, (cp, cm) -> forEachCall(c, cp, cm,
                  (segs, msegs, nseg) -> acc[0] = addInLoop(loop, acc[0],
                      s.sqPartial(segs, nseg, mean))));
              writeDouble(loop, op, acc[0]);
            } else {
              forEachOuter(outerRed, ip, mp, (cp, cm) -> forEachCall(c, cp, cm,
                  (segs, msegs, nseg) -> s.call(fop, segs, msegs, nseg)));
            }
            increment(kidx, kept);
          }
        } finally {
          s.close();
        }
      });
    }

    /** One output, float add: every call's pairwise partial (in parallel), added in order. */
    void singleOutputSum(int c, int[] outerRed) {
      List<long[]> calls = new ArrayList<>();
      forEachOuter(outerRed, base, mbase, (cp, cm) -> forEachCall(c, cp, cm,
          (segs, msegs, nseg) -> calls.add(Arrays.copyOf(segs, 2 * nseg))));
      double[] partial = new double[calls.size()];
      int threads = threads();
      double mean = sq != null ? readDouble(loop, resBase) : 0;
      if (calls.size() == 1 && calls.get(0).length == 2) {
        long[] seg = calls.get(0);
        partial[0] = sq != null
            ? treeSum((p, st, m) -> sq.sum(p, st, m, mean), seg[0], d.ist[0], seg[1],
                loop != DType.FLOAT64, threads)
            : treeSum(pairwiseIn, seg[0], d.ist[0], seg[1], loop, threads);
      } else {
        int nc = calls.size();
        int parts = threads <= 1 ? 1 : (int) Math.min(nc, Math.max(1, total / PARALLEL_MIN));
        int per = (nc + parts - 1) / parts;
        Threads.forEachPart(parts, p -> {
          Scratch s = new Scratch(this);
          try {
            for (int k = p * per; k < Math.min(nc, (p + 1) * per); k++) {
              partial[k] = sq != null ? s.sqPartial(calls.get(k), calls.get(k).length / 2, mean)
                  : s.partial(calls.get(k), calls.get(k).length / 2);
            }
          } finally {
            s.close();
          }
        });
      }
      if (sq != null) {
        double acc = 0.0;
        for (double v : partial) {
          acc = addInLoop(loop, acc, v);
        }
        writeDouble(loop, resBase, acc);
        return;
      }
      for (double v : partial) {
        addPartial(loop, resBase, v);
      }
    }

    // ---------------------------------------------------------------- strategy B

    void runB() {
      int[] kept = dimsWhere(false, 1);
      int[] reds = dimsWhere(true, 0);
      long n0 = d.size[0];
      long nKeptOuter = product(kept);
      long blocks = (n0 + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
      long items = nKeptOuter * blocks;
      int threads = threads();
      long parts = threads <= 1 ? 1 : Math.min(items, Math.max(1, total / PARALLEL_MIN));
      long per = (items + parts - 1) / parts;
      final long[] rows = addRows(reds);
      Threads.forEachPart((int) parts, p -> {
        Scratch s = new Scratch(this);
        try {
          long[] kidx = new long[kept.length];
          long start = p * per;
          long end = Math.min(items, start + per);
          for (long it = start; it < end; it++) {
            long ko = it / blocks;
            long b = it % blocks;
            decode(ko, kept, kidx);
            long ip = base;
            long op = resBase;
            long mp = mbase;
            for (int k = 0; k < kept.length; k++) {
              ip += kidx[k] * d.ist[kept[k]];
              op += kidx[k] * d.ost[kept[k]];
              mp += kidx[k] * d.mst[kept[k]];
            }
            long c0 = b * COLUMN_BLOCK;
            long len = Math.min(COLUMN_BLOCK, n0 - c0);
            final long fop = op + c0 * d.ost[0];
            if (rows != null) {
              if (loop == DType.FLOAT64) {
                addRowsFloat64(fop, ip + c0 * d.ist[0], rows, (int) len);
              } else {
                addRowsFloat32(fop, ip + c0 * d.ist[0], rows, (int) len);
              }
              continue;
            }
            forEachOuter(reds, ip + c0 * d.ist[0], mp + c0 * d.mst[0],
                (rp, rm) -> s.elementwise(fop, rp, rm, len));
          }
        } finally {
          s.close();
        }
      });
    }

    /**
     * Strategy B's fast path (float64 and float32 add, unit strides, no cast, no mask): the
     * offsets of the reduced rows in the order NumPy visits them, or null.
     */
    long[] addRows(int[] reds) {
      if (masked || cast || !"add".equals(Kernels.canonical(name))
          || (loop != DType.FLOAT64 && loop != DType.FLOAT32) || d.ist[0] != li
          || d.ost[0] != li || product(reds) > (1 << 22)) {
        return null;
      }
      long[] rows = new long[(int) product(reds)];
      int[] k = {0};
      forEachOuter(reds, 0, 0, (rp, rm) -> rows[k[0]++] = rp);
      return rows;
    }

    /**
     * {@code out[j] = out[j] + row[j]} for every row in order, four rows per pass over the
     * output block: each element sees the same additions in the same order as one row at a time.
     */
    static void addRowsFloat64(long op, long ip, long[] rows, int len) {
      int nr = rows.length;
      int r = 0;
      for (; r + 4 <= nr; r += 4) {
        final long a0 = ip + rows[r];
        final long a1 = ip + rows[r + 1];
        final long a2 = ip + rows[r + 2];
        final long a3 = ip + rows[r + 3];
        for (int j = 0; j < len; j++) {
          final long q = (long) j << 3;
          Raw.putDouble(op + q, Raw.getDouble(op + q) + Raw.getDouble(a0 + q)
              + Raw.getDouble(a1 + q) + Raw.getDouble(a2 + q) + Raw.getDouble(a3 + q));
        }
      }
      for (; r < nr; r++) {
        final long a0 = ip + rows[r];
        for (int j = 0; j < len; j++) {
          final long q = (long) j << 3;
          Raw.putDouble(op + q, Raw.getDouble(op + q) + Raw.getDouble(a0 + q));
        }
      }
    }

    /** The float32 twin of {@link #addRowsFloat64} (every addition rounded to float). */
    static void addRowsFloat32(long op, long ip, long[] rows, int len) {
      int nr = rows.length;
      int r = 0;
      for (; r + 4 <= nr; r += 4) {
        final long a0 = ip + rows[r];
        final long a1 = ip + rows[r + 1];
        final long a2 = ip + rows[r + 2];
        final long a3 = ip + rows[r + 3];
        for (int j = 0; j < len; j++) {
          final long q = (long) j << 2;
          Raw.putFloat(op + q, Raw.getFloat(op + q) + Raw.getFloat(a0 + q)
              + Raw.getFloat(a1 + q) + Raw.getFloat(a2 + q) + Raw.getFloat(a3 + q));
        }
      }
      for (; r < nr; r++) {
        final long a0 = ip + rows[r];
        for (int j = 0; j < len; j++) {
          final long q = (long) j << 2;
          Raw.putFloat(op + q, Raw.getFloat(op + q) + Raw.getFloat(a0 + q));
        }
      }
    }

    // ---------------------------------------------------------------- enumeration

    int[] dimsWhere(boolean reduced, int from) {
      int cnt = 0;
      for (int i = from; i < d.n; i++) {
        cnt += d.red[i] == reduced ? 1 : 0;
      }
      int[] r = new int[cnt];
      int k = 0;
      for (int i = from; i < d.n; i++) {
        if (d.red[i] == reduced) {
          r[k++] = i;
        }
      }
      return r;
    }

    long product(int[] dims) {
      long p = 1;
      for (int i : dims) {
        p *= d.size[i];
      }
      return p;
    }

    /** Linear index to a multi-index over dims (the first dim varies fastest). */
    void decode(long lin, int[] dims, long[] idx) {
      for (int k = 0; k < dims.length; k++) {
        idx[k] = lin % d.size[dims[k]];
        lin /= d.size[dims[k]];
      }
    }

    void increment(long[] idx, int[] dims) {
      for (int k = 0; k < dims.length; k++) {
        if (++idx[k] < d.size[dims[k]]) {
          return;
        }
        idx[k] = 0;
      }
    }

    interface PtrVisitor {
      void visit(long ip, long mp);
    }

    /** Visits every index tuple of {@code dims} (innermost first: the last varies slowest). */
    void forEachOuter(int[] dims, long ip, long mp, PtrVisitor v) {
      if (dims.length == 0) {
        v.visit(ip, mp);
        return;
      }
      long[] idx = new long[dims.length];
      long n = product(dims);
      for (long k = 0; k < n; k++) {
        long p = ip;
        long q = mp;
        for (int j = 0; j < dims.length; j++) {
          p += idx[j] * d.ist[dims[j]];
          q += idx[j] * d.mst[dims[j]];
        }
        v.visit(p, q);
        increment(idx, dims);
      }
    }

    interface CallVisitor {
      /** One inner-loop call: segments (ptr, len) along dim 0, mask pointers alongside. */
      void call(long[] segs, long[] msegs, int nseg);
    }

    /**
     * NumPy's calls over one output's core block at {@code cp} (dims 0..c-1, all reduced): see
     * the class comment.
     */
    void forEachCall(int c, long cp, long cm, CallVisitor v) {
      long s0 = d.size[0];
      long[] segs = new long[2 * Math.max(1, (int) Math.min(BUF, Math.max(1, BUF / s0)) + 1)];
      long[] msegs = new long[segs.length / 2];
      boolean wholeRows = !cast && (c == 1 || s0 > BUF);
      boolean pieces = cast && s0 >= BUF;
      if (wholeRows || pieces) {
        int[] rows = range(1, c);
        forEachOuter(rows, cp, cm, (rp, rm) -> {
          if (wholeRows) {
            segs[0] = rp;
            segs[1] = s0;
            msegs[0] = rm;
            v.call(segs, msegs, 1);
          } else {
            for (long off = 0; off < s0; off += BUF) {
              segs[0] = rp + off * d.ist[0];
              segs[1] = Math.min(BUF, s0 - off);
              msegs[0] = rm + off * d.mst[0];
              v.call(segs, msegs, 1);
            }
          }
        });
        return;
      }
      long p = s0;
      int j = 1;
      while (j < c && p * d.size[j] <= BUF) {
        p *= d.size[j];
        j++;
      }
      int[] inner = range(1, j);
      int rowsPerBlock = (int) (p / s0);
      if (j == c) {
        long[] big = new long[2 * rowsPerBlock];
        long[] mbig = new long[rowsPerBlock];
        int[] n = {0};
        forEachOuter(inner, cp, cm, (rp, rm) -> {
          big[2 * n[0]] = rp;
          big[2 * n[0] + 1] = s0;
          mbig[n[0]++] = rm;
        });
        v.call(big, mbig, n[0]);
        return;
      }
      final long m = BUF / p;
      final int fj = j;
      final long sj = d.size[j];
      int[] outer = range(j + 1, c);
      long[] big = new long[(int) (2 * rowsPerBlock * m)];
      long[] mbig = new long[(int) (rowsPerBlock * m)];
      forEachOuter(outer, cp, cm, (op, om) -> {
        for (long t = 0; t < sj; t += m) {
          int[] n = {0};
          for (long u = t; u < Math.min(sj, t + m); u++) {
            forEachOuter(inner, op + u * d.ist[fj], om + u * d.mst[fj], (rp, rm) -> {
              big[2 * n[0]] = rp;
              big[2 * n[0] + 1] = s0;
              mbig[n[0]++] = rm;
            });
          }
          v.call(big, mbig, n[0]);
        }
      });
    }

    static int[] range(int from, int to) {
      int[] r = new int[Math.max(0, to - from)];
      for (int i = 0; i < r.length; i++) {
        r[i] = from + i;
      }
      return r;
    }
  }

  /** A worker's buffers: the gathered (cast) call and its mask. */
  static final class Scratch implements AutoCloseable {
    final Job job;
    ArrowBuf buf;
    ArrowBuf mbuf;

    Scratch(Job job) {
      this.job = job;
    }

    long buffer() {
      if (buf == null) {
        buf = job.alloc.buffer((long) Math.max(BUF, COLUMN_BLOCK) * 8);
      }
      return buf.memoryAddress();
    }

    long maskBuffer() {
      if (mbuf == null) {
        mbuf = job.alloc.buffer(Math.max(BUF, COLUMN_BLOCK));
      }
      return mbuf.memoryAddress();
    }

    /** Gathers (and casts) a call into the buffer; returns its element count. */
    long gather(long[] segs, int nseg) {
      long b = buffer();
      long n = 0;
      int li = job.li;
      for (int s = 0; s < nseg; s++) {
        job.castK.run(segs[2 * s], job.d.ist[0], b + n * li, li, segs[2 * s + 1]);
        n += segs[2 * s + 1];
      }
      return n;
    }

    long gatherMask(long[] segs, long[] msegs, int nseg) {
      long b = maskBuffer();
      long n = 0;
      long ms = job.d.mst[0];
      for (int s = 0; s < nseg; s++) {
        long len = segs[2 * s + 1];
        for (long i = 0; i < len; i++) {
          Raw.putByte(b + n + i, Raw.getByte(msegs[s] + i * ms));
        }
        n += len;
      }
      return n;
    }

    /** One inner-loop call reducing into the output element at {@code acc}. */
    void call(long acc, long[] segs, long[] msegs, int nseg) {
      Job j = job;
      if (!j.masked) {
        if (nseg == 1 && !j.cast) {
          j.kernel.run(acc, segs[0], j.d.ist[0], segs[1]);
        } else if (nseg == 1 && j.pairwiseIn != null) {
          addPartial(j.loop, acc, j.pairwiseIn.sum(segs[0], j.d.ist[0], segs[1]));
        } else {
          long n = gather(segs, nseg);
          j.kernel.run(acc, buffer(), j.li, n);
        }
        return;
      }
      long n = gather(segs, nseg);
      gatherMask(segs, msegs, nseg);
      long b = buffer();
      long mb = maskBuffer();
      long i = 0;
      while (i < n) {
        while (i < n && Raw.getByte(mb + i) == 0) {
          i++;
        }
        long k = i;
        while (k < n && Raw.getByte(mb + k) != 0) {
          k++;
        }
        if (k > i) {
          j.kernel.run(acc, b + i * j.li, j.li, k - i);
        }
        i = k;
      }
    }

    /** The pairwise partial of one call (float add, single output, no mask). */
    double partial(long[] segs, int nseg) {
      Job j = job;
      if (nseg == 1) {
        return j.pairwiseIn.sum(segs[0], j.d.ist[0], segs[1]);
      }
      long n = gather(segs, nseg);
      return j.pairwiseLoop.sum(buffer(), j.li, n);
    }

    /** np.var's pass 2: the pairwise sum of squared deviations of one call. */
    double sqPartial(long[] segs, int nseg, double mean) {
      Job j = job;
      if (nseg == 1) {
        return j.sq.sum(segs[0], j.d.ist[0], segs[1], mean);
      }
      long b = buffer();
      int isz = j.in.itemsize();
      UnaryKernel copy = Kernels.cast(j.in, j.in);
      long n = 0;
      for (int s = 0; s < nseg; s++) {
        copy.run(segs[2 * s], j.d.ist[0], b + n * isz, isz, segs[2 * s + 1]);
        n += segs[2 * s + 1];
      }
      return j.sq.sum(b, isz, n, mean);
    }

    /** Strategy B: out[0..len) op= in[0..len) along dim 0 (mask runs when masked). */
    void elementwise(long op, long ip, long mp, long len) {
      Job j = job;
      long os = j.d.ost[0];
      long is = j.d.ist[0];
      long src = ip;
      long ss = is;
      if (j.cast) {
        src = buffer();
        ss = j.li;
        j.castK.run(ip, is, src, ss, len);
      }
      if (!j.masked) {
        j.binary.run(op, os, src, ss, op, os, len);
        return;
      }
      long ms = j.d.mst[0];
      long i = 0;
      while (i < len) {
        while (i < len && Raw.getByte(mp + i * ms) == 0) {
          i++;
        }
        long k = i;
        while (k < len && Raw.getByte(mp + k * ms) != 0) {
          k++;
        }
        if (k > i) {
          j.binary.run(op + i * os, os, src + i * ss, ss, op + i * os, os, k - i);
        }
        i = k;
      }
    }

    @Override
    public void close() {
      if (buf != null) {
        buf.close();
      }
      if (mbuf != null) {
        mbuf.close();
      }
    }
  }

  // ================================================================ pairwise helpers

  /** {@code acc = acc + partial} in the loop dtype, as NumPy's add reduce loop adds its sum. */
  static void addPartial(DType loop, long acc, double partial) {
    switch (loop) {
      case FLOAT64:
        Raw.putDouble(acc, Raw.getDouble(acc) + partial);
        break;
      case FLOAT32:
        Raw.putFloat(acc, Raw.getFloat(acc) + (float) partial);
        break;
      case FLOAT16:
        Raw.putShort(acc, Float16.fromFloat(Float16.toFloat(Raw.getShort(acc)) + (float) partial));
        break;
      default:
        throw new AssertionError(loop);
    }
  }

  /** {@code acc + partial} in a float loop dtype's add (float16 rounds once per call). */
  static double addInLoop(DType loop, double acc, double partial) {
    switch (loop) {
      case FLOAT64:
        return acc + partial;
      case FLOAT32:
        return (float) acc + (float) partial;
      case FLOAT16:
        return Float16.toFloat(Float16.fromFloat((float) acc + (float) partial));
      default:
        throw new AssertionError(loop);
    }
  }

  static double readDouble(DType t, long addr) {
    return Double.longBitsToDouble(Convert.rawBitsConvert(t, DType.FLOAT64,
        Raw.getBits(addr, t.itemsize())));
  }

  static void writeDouble(DType t, long addr, double v) {
    Raw.putBits(addr, t.itemsize(), Convert.rawBitsConvert(DType.FLOAT64, t,
        Double.doubleToRawLongBits(v)));
  }

  /**
   * np.var's second pass fused: for every output element of {@code res} (keepdims shape, dtype
   * V, holding the means on entry) the sum of {@code (x - mean)**2} over its reduced elements of
   * {@code x}, with the calls NumPy makes when it sums the temporary {@code (arr - mean)**2}
   * (a new array in {@code x}'s memory order, no cast). Returns false, touching nothing, when the
   * innermost axis is kept (the caller then takes NumPy's own five passes).
   */
  static boolean sumSquaredDeviations(NDArray x, boolean[] red, NDArray res) {
    DType v = res.dtype();
    ReduceKernel.SquaredDeviations sq = ReduceTable.squaredDeviations(x.dtype().charCode());
    if (sq == null || TypeResolver.varResultType(x.dtype()) != v) {
      return false;
    }
    long[] shape = x.shape();
    for (long s : shape) {
      if (s == 0) {
        return false;
      }
    }
    long[] ost = outStrides(res, red, true);
    Dims d = dims(shape, x.strides(), ost, null, red);
    if (!d.red[0]) {
      return false;
    }
    LoopSignature sig = new LoopSignature(new DType[] {v, v}, new DType[] {v});
    Job job = new Job("add", sig, x.dtype(), d, x.dataAddress(), res.dataAddress(), 0, false,
        x.allocator(), false);
    job.sq = sq;
    job.runA();
    return true;
  }

  /** A leaf of the pairwise tree: the sum of elements [from, from + n) of a run. */
  @FunctionalInterface
  interface LeafSum {
    double sum(long ptr, long stride, long n);
  }

  /**
   * NumPy's pairwise sum of one run, identical bits: the run is split along the pairwise
   * recursion (halves rounded down to a multiple of 8) into subtrees of at most {@link #LEAF}
   * elements, whose sums are computed in parallel and combined in the recursion's order, in the
   * sum's pairwise type (float for float16 and float32 loops, double for float64).
   */
  static double treeSum(ReduceKernel.Pairwise pk, long ptr, long stride, long n, DType loop,
      int threads) {
    return treeSum((p, s, m) -> pk.sum(p, s, m), ptr, stride, n, loop != DType.FLOAT64, threads);
  }

  static double treeSum(LeafSum leaf, long ptr, long stride, long n, boolean inFloat,
      int threads) {
    if (n <= LEAF || threads <= 1) {
      return leaf.sum(ptr, stride, n);
    }
    List<long[]> leaves = new ArrayList<>();
    collectLeaves(ptr, n, stride, leaves);
    double[] sums = new double[leaves.size()];
    int nl = leaves.size();
    Threads.forEachPart(nl, k -> sums[k] = leaf.sum(leaves.get(k)[0], stride,
        leaves.get(k)[1]));
    int[] pos = {0};
    return combine(n, sums, pos, inFloat);
  }

  private static void collectLeaves(long ptr, long n, long stride, List<long[]> out) {
    if (n <= LEAF) {
      out.add(new long[] {ptr, n});
      return;
    }
    long n2 = n / 2;
    n2 -= n2 % 8;
    collectLeaves(ptr, n2, stride, out);
    collectLeaves(ptr + n2 * stride, n - n2, stride, out);
  }

  private static double combine(long n, double[] sums, int[] pos, boolean inFloat) {
    if (n <= LEAF) {
      return sums[pos[0]++];
    }
    long n2 = n / 2;
    n2 -= n2 % 8;
    double l = combine(n2, sums, pos, inFloat);
    double r = combine(n - n2, sums, pos, inFloat);
    return inFloat ? (double) ((float) l + (float) r) : l + r;
  }
}
