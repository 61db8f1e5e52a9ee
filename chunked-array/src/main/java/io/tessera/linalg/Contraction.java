package io.tessera.linalg;

import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.memory.Raw;
import io.tessera.ndarray.Elements;
import io.tessera.ndarray.NDArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one product every linalg call reduces to: {@code C(M×N) = alpha·A(M×K)·B(K×N) + beta·C} on
 * off-heap operands, computed on the heap.
 *
 * <p>Each operand is a matrix of elements at {@code base + rowOffset(r) + colOffset(c)}, where rows
 * and columns may each span several array axes (a tensordot operand whose reshape to 2-D would need
 * a copy). It is staged into a heap array, packed, in row-major or column-major arrangement:
 *
 * <ul>
 *   <li>{@link Staging#ROWS} / {@link Staging#COLUMNS}: the operand is a 2-D view whose columns
 *       (rows) are contiguous — a C-order, F-order, transposed or row/column-sliced matrix. One
 *       bulk copy (when the whole matrix is contiguous) or one copy per row (column), and BLAS is
 *       told the arrangement by its transpose flag: no element-wise work.
 *   <li>{@link Staging#GATHER}: anything else (strides without a unit inner stride, or row/column
 *       axes that do not merge): gathered element by element — this is the copy NumPy would make;
 *       it goes straight into the staging array, with no intermediate array.
 *   <li>{@link Staging#CONVERT}: the operand's dtype differs from the computation's (mixed-dtype
 *       promotion, or the integer/float16 kernels' wider accumulators): converted while gathered.
 * </ul>
 *
 * <p>Kernels: float64 → DGEMM, float32 → SGEMM (through {@link Blas}); float16 → float32 products
 * summed sequentially in float32 and rounded once, exactly NumPy's {@code HALF_matmul} /
 * {@code HALF_dot}; integers and bool → {@link NoBlas} in 32-bit (for results of at most 32 bits)
 * or 64-bit wrap-around arithmetic, which equals NumPy's per-step wrap-around in the result type
 * (arithmetic modulo 2^bits is a ring homomorphism); bool → OR of ANDs.
 *
 * <p>Staging arrays hold at most {@link #stageLimit} elements each; a larger product is computed
 * in blocks of C, with the K dimension split and accumulated (beta = 1) when needed. Normally
 * (every operand up to 16 Mi elements) it is one kernel call.
 */
final class Contraction {
  private Contraction() {}

  /** How an operand was staged into its heap array. */
  enum Staging {
    /** 2-D view with contiguous columns: copied row by row (or in one piece). No copy in NumPy's sense. */
    ROWS,
    /** 2-D view with contiguous rows (F order, a transposed C array): copied column by column. */
    COLUMNS,
    /** Gathered element by element: strided, or not reshapeable to 2-D without a copy. */
    GATHER,
    /** Converted element by element to the computation dtype. */
    CONVERT,
    /** Not staged: a small product ({@link #smallLimit}) read in place by a plain loop. */
    DIRECT
  }

  /**
   * What the last linalg call on this thread did: the kernel ("dgemm", "sgemm", "float16",
   * "int32", "int64"), the product's m, n, k (of the first product for batches), how each operand
   * was staged, the transpose flags in row-major (CBLAS RowMajor) terms — 'N' for an operand
   * staged by rows, 'T' for one staged by columns — the number of kernel calls, and the number of
   * products (batch elements).
   */
  record Plan(String kernel, long m, long n, long k, Staging a, Staging b, char opA, char opB,
      long kernelCalls, long products) {
    /** True when neither operand was gathered (copied element by element). */
    boolean noCopy() {
      return a != Staging.GATHER && b != Staging.GATHER;
    }
  }

  /** Operands gathered (copied) since the JVM started, across threads; for tests. */
  static final AtomicLong GATHERED = new AtomicLong();

  /** The products of the current linalg call on this thread, summarized. */
  private static final class Record {
    Plan first;
    Staging a;
    Staging b;
    long calls;
    long products;
  }

  private static final ThreadLocal<Record> RECORD = ThreadLocal.withInitial(Record::new);

  /** Starts recording a new linalg call on this thread. */
  static void begin() {
    Record r = RECORD.get();
    r.first = null;
    r.a = null;
    r.b = null;
    r.calls = 0;
    r.products = 0;
  }

  /**
   * The plan of the last linalg call on this thread (null if it needed no product): the first
   * product's kernel, shape and flags, the most copying staging of each operand over all products,
   * and the totals of kernel calls and products.
   */
  static Plan lastPlan() {
    Record r = RECORD.get();
    if (r.first == null) {
      return null;
    }
    Plan f = r.first;
    return new Plan(f.kernel, f.m, f.n, f.k, r.a, r.b, f.opA, f.opB, r.calls, r.products);
  }

  private static void add(Plan p) {
    Record r = RECORD.get();
    if (r.first == null) {
      r.first = p;
    }
    r.a = worse(r.a, p.a);
    r.b = worse(r.b, p.b);
    r.calls += p.kernelCalls;
    r.products++;
  }

  /** Products with m·n·k up to this run in place, unstaged ({@link Staging#DIRECT}). */
  static long smallLimit = Long.getLong("tessera.linalg.smallProduct", 4096);

  /**
   * Largest staging array, in elements: {@code -Dtessera.linalg.stageElements}, by default 16 Mi
   * (128 MB of float64) or less on a small heap — three staging arrays take at most a quarter of
   * the maximum heap.
   */
  static int stageLimit = Math.max(16, Integer.getInteger("tessera.linalg.stageElements",
      (int) Math.min(1 << 24, Math.max(1 << 16, Runtime.getRuntime().maxMemory() / 96))));

  // ------------------------------------------------------------------ operands

  /**
   * A matrix view: element (r, c) at {@code base + rowOffset(r) + colOffset(c)}; the row index runs
   * over the row axes in C order, the column index over the column axes in C order.
   */
  static final class Operand {
    final DType dtype;
    final long base;
    final long[] rShape;
    final long[] rStrides;
    final long[] cShape;
    final long[] cStrides;
    final long rows;
    final long cols;

    Operand(DType dtype, long base, long[] rShape, long[] rStrides, long[] cShape,
        long[] cStrides) {
      this.dtype = dtype;
      this.base = base;
      this.rShape = rShape.length == 0 ? new long[] {1} : rShape;
      this.rStrides = rShape.length == 0 ? new long[] {0} : rStrides;
      this.cShape = cShape.length == 0 ? new long[] {1} : cShape;
      this.cStrides = cShape.length == 0 ? new long[] {0} : cStrides;
      this.rows = product(this.rShape);
      this.cols = product(this.cShape);
    }

    /** A 2-D array as a matrix. */
    static Operand of2d(NDArray a) {
      long[] s = a.shape();
      long[] st = a.strides();
      return new Operand(a.dtype(), a.dataAddress(), new long[] {s[0]}, new long[] {st[0]},
          new long[] {s[1]}, new long[] {st[1]});
    }

    /** Rows over {@code rowAxes} and columns over {@code colAxes} of {@code a}, in the given orders. */
    static Operand ofAxes(NDArray a, int[] rowAxes, int[] colAxes) {
      long[] s = a.shape();
      long[] st = a.strides();
      long[] rs = new long[rowAxes.length];
      long[] rst = new long[rowAxes.length];
      for (int i = 0; i < rowAxes.length; i++) {
        rs[i] = s[rowAxes[i]];
        rst[i] = st[rowAxes[i]];
      }
      long[] cs = new long[colAxes.length];
      long[] cst = new long[colAxes.length];
      for (int i = 0; i < colAxes.length; i++) {
        cs[i] = s[colAxes[i]];
        cst[i] = st[colAxes[i]];
      }
      return new Operand(a.dtype(), a.dataAddress(), rs, rst, cs, cst);
    }

    /** The same matrix layout at another base address (the next batch element). */
    Operand at(long address) {
      return new Operand(dtype, address, rShape, rStrides, cShape, cStrides);
    }

    /** True when rows and columns are each one axis (a 2-D view). */
    boolean merged() {
      return rShape.length == 1 && cShape.length == 1;
    }

    boolean rowsContiguous() {
      return merged() && (rows <= 1 || rStrides[0] == dtype.itemsize());
    }

    boolean colsContiguous() {
      return merged() && (cols <= 1 || cStrides[0] == dtype.itemsize());
    }
  }

  /** Where C goes: a strided 2-D region of the computation dtype. */
  record Target(DType dtype, long base, long rows, long cols, long rs, long cs) {
    static Target of2d(NDArray c) {
      long[] s = c.shape();
      long[] st = c.strides();
      return new Target(c.dtype(), c.dataAddress(), s[0], s[1], st[0], st[1]);
    }

    Target at(long address) {
      return new Target(dtype, address, rows, cols, rs, cs);
    }
  }

  static long product(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  // ------------------------------------------------------------------ the product

  /** {@code C = A·B} in {@code ct} (C's dtype must be ct). */
  static void multiply(Operand a, Operand b, DType ct, Target c) {
    gemm(a, b, ct, 1.0, 0.0, c);
  }

  /**
   * {@code C = alpha·A·B + beta·C} in {@code ct}. alpha and beta other than 1 and 0 only for
   * float32/float64.
   */
  static void gemm(Operand a, Operand b, DType ct, double alpha, double beta, Target c) {
    long m = a.rows;
    long k = a.cols;
    long n = b.cols;
    if (b.rows != k || c.rows() != m || c.cols() != n || c.dtype() != ct) {
      throw new IllegalArgumentException("product " + m + "x" + k + " @ " + b.rows + "x" + n
          + " -> " + c);
    }
    Kernel kern = Kernel.of(ct);
    if (kern != Kernel.DGEMM && kern != Kernel.SGEMM && (alpha != 1 || beta != 0)) {
      throw new IllegalArgumentException("alpha/beta need a BLAS dtype, got " + ct);
    }
    if (m == 0 || n == 0) {
      record(kern, m, n, k, null, null, 0);
      return;
    }
    if (m * n * k <= smallLimit && alpha == 1 && beta == 0) {
      direct(a, b, kern, c);
      record(kern, m, n, k, Staging.DIRECT, Staging.DIRECT, 0);
      return;
    }
    int limit = stageLimit;
    int mb;
    int nb;
    int kb;
    if (k == 0) {
      kb = 0;
      mb = (int) Math.min(m, limit);
      nb = (int) Math.max(1, Math.min(n, limit / mb));
    } else if (m * k <= limit && k * n <= limit && m * n <= limit) {
      mb = (int) m;
      nb = (int) n;
      kb = (int) k;
    } else {
      int s = (int) Math.max(1, Math.sqrt(limit));
      kb = (int) ((m * k <= limit && k * n <= limit) ? k : Math.min(k, s));
      mb = (int) Math.max(1, Math.min(m, limit / kb));
      nb = (int) Math.max(1, Math.min(n, limit / kb));
      if ((long) mb * nb > limit) {
        nb = Math.max(1, limit / mb);
      }
    }
    boolean aRm = kern.aRowMajor(a);
    boolean bRm = kern.bRowMajor(b);
    boolean cRm = kern.cRowMajor(c);
    Staging sa = null;
    Staging sb = null;
    long calls = 0;
    Object ha = null;
    Object hb = null;
    Object hc = kern.alloc((int) Math.min((long) mb * nb, m * n));
    try {
      if (k > 0) {
        ha = kern.alloc((int) Math.min((long) mb * kb, m * k));
        hb = kern.alloc((int) Math.min((long) kb * nb, k * n));
      }
      for (long i0 = 0; i0 < m; i0 += mb) {
        int mc = (int) Math.min(mb, m - i0);
        for (long j0 = 0; j0 < n; j0 += nb) {
          int nc = (int) Math.min(nb, n - j0);
          boolean cLoaded = false;
          if (beta != 0) {
            stageTarget(c, i0, mc, j0, nc, hc, cRm, kern);
            cLoaded = true;
          } else if (k == 0 || !kern.blas) {
            kern.zero(hc, mc * nc);
            cLoaded = true;
          }
          if (k == 0 && beta != 0 && beta != 1) {
            kern.scale(hc, mc * nc, beta);
          }
          for (long k0 = 0; k0 < k; k0 += kb) {
            int kc = (int) Math.min(kb, k - k0);
            Staging s1 = stage(a, i0, mc, k0, kc, ha, aRm, ct, kern);
            Staging s2 = stage(b, k0, kc, j0, nc, hb, bRm, ct, kern);
            sa = worse(sa, s1);
            sb = worse(sb, s2);
            double bet = k0 == 0 ? (cLoaded ? (kern.blas ? beta : 1) : 0) : 1;
            kern.run(ha, aRm, hb, bRm, hc, cRm, mc, nc, kc, alpha, bet);
            calls++;
          }
          writeTarget(c, i0, mc, j0, nc, hc, cRm, kern);
        }
      }
    } finally {
      Scratch.give(ha);
      Scratch.give(hb);
      Scratch.give(hc);
    }
    if (sa == Staging.GATHER) {
      GATHERED.incrementAndGet();
    }
    if (sb == Staging.GATHER) {
      GATHERED.incrementAndGet();
    }
    record(kern, m, n, k, sa, sb, calls, aRm, bRm);
  }

  /** The more copying of two stagings (GATHER > CONVERT > COLUMNS > ROWS > DIRECT). */
  static Staging worse(Staging old, Staging s) {
    if (old == null || s == null) {
      return old == null ? s : old;
    }
    return rank(s) > rank(old) ? s : old;
  }

  private static int rank(Staging s) {
    switch (s) {
      case GATHER: return 4;
      case CONVERT: return 3;
      case COLUMNS: return 2;
      case ROWS: return 1;
      default: return 0;
    }
  }

  private static void record(Kernel kern, long m, long n, long k, Staging sa, Staging sb,
      long calls) {
    add(new Plan(kern.label, m, n, k, sa, sb, '-', '-', calls, 1));
  }

  private static void record(Kernel kern, long m, long n, long k, Staging sa, Staging sb,
      long calls, boolean aRm, boolean bRm) {
    add(new Plan(kern.label, m, n, k, sa, sb, aRm ? 'N' : 'T', bRm ? 'N' : 'T', calls, 1));
  }

  /**
   * A small product in place: for each element, the sum over k in order (NumPy's noblas loop),
   * in double (float64), float (float32, and float16 — rounded once at the end, as NumPy) or
   * 64-bit wrap-around integers.
   */
  private static void direct(Operand a, Operand b, Kernel kern, Target c) {
    int m = (int) a.rows;
    int k = (int) a.cols;
    int n = (int) b.cols;
    long[] ar = offsets(a.rShape, a.rStrides, 0, m);
    long[] ac = offsets(a.cShape, a.cStrides, 0, k);
    long[] br = offsets(b.rShape, b.rStrides, 0, k);
    long[] bc = offsets(b.cShape, b.cStrides, 0, n);
    DType ta = a.dtype;
    DType tb = b.dtype;
    DType t = c.dtype();
    int isz = t.itemsize();
    for (int i = 0; i < m; i++) {
      long ai = a.base + ar[i];
      for (int j = 0; j < n; j++) {
        long bj = b.base + bc[j];
        long at = c.base() + i * c.rs() + j * c.cs();
        switch (kern) {
          case DGEMM: {
            double s = 0;
            for (int q = 0; q < k; q++) {
              s += readDouble(ta, ai + ac[q]) * readDouble(tb, bj + br[q]);
            }
            Raw.putDouble(at, s);
            break;
          }
          case SGEMM:
          case FLOAT16: {
            float s = 0;
            for (int q = 0; q < k; q++) {
              s += (float) readDouble(ta, ai + ac[q]) * (float) readDouble(tb, bj + br[q]);
            }
            if (kern == Kernel.SGEMM) {
              Raw.putFloat(at, s);
            } else {
              Raw.putShort(at, Float16.fromFloat(s));
            }
            break;
          }
          default: {
            long s = 0;
            for (int q = 0; q < k; q++) {
              s += readLong(ta, ai + ac[q]) * readLong(tb, bj + br[q]);
            }
            Raw.putBits(at, isz, t == DType.BOOL ? (s != 0 ? 1 : 0) : s);
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ kernels

  /** The kernel for a computation dtype, with its staging element type. */
  enum Kernel {
    DGEMM("dgemm", true, 8),
    SGEMM("sgemm", true, 4),
    FLOAT16("float16", false, 4),
    INT32("int32", false, 4),
    INT64("int64", false, 8);

    final String label;
    final boolean blas;
    /** Bytes per staging element. */
    final int heapSize;

    Kernel(String label, boolean blas, int heapSize) {
      this.label = label;
      this.blas = blas;
      this.heapSize = heapSize;
    }

    static Kernel of(DType t) {
      switch (t) {
        case FLOAT64: return DGEMM;
        case FLOAT32: return SGEMM;
        case FLOAT16: return FLOAT16;
        case INT64: case UINT64: return INT64;
        default: return INT32; // bool and integers of at most 32 bits
      }
    }

    /** Staging arrangement of A: follow the layout for BLAS; the own kernels read A by rows. */
    boolean aRowMajor(Operand a) {
      return !blas || preferRows(a);
    }

    /** B: BLAS follows the layout; the float16 kernel reads B by columns, the integer one by rows. */
    boolean bRowMajor(Operand b) {
      if (this == FLOAT16) {
        return false;
      }
      return !blas || preferRows(b);
    }

    /** C: row-major unless the target is column-contiguous (BLAS only). */
    boolean cRowMajor(Target c) {
      if (!blas) {
        return true;
      }
      boolean colsC = c.cols() <= 1 || c.cs() == c.dtype().itemsize();
      boolean rowsC = c.rows() <= 1 || c.rs() == c.dtype().itemsize();
      return colsC || !rowsC;
    }

    Object alloc(int n) {
      switch (this) {
        case DGEMM: return Scratch.doubles(n);
        case INT64: return Scratch.longs(n);
        case INT32: return Scratch.ints(n);
        default: return Scratch.floats(n);
      }
    }

    void zero(Object h, int n) {
      switch (this) {
        case DGEMM: java.util.Arrays.fill((double[]) h, 0, n, 0.0); break;
        case INT64: java.util.Arrays.fill((long[]) h, 0, n, 0L); break;
        case INT32: java.util.Arrays.fill((int[]) h, 0, n, 0); break;
        default: java.util.Arrays.fill((float[]) h, 0, n, 0f); break;
      }
    }

    void scale(Object h, int n, double beta) {
      if (this == DGEMM) {
        double[] d = (double[]) h;
        for (int i = 0; i < n; i++) {
          d[i] *= beta;
        }
      } else {
        float[] f = (float[]) h;
        float bf = (float) beta;
        for (int i = 0; i < n; i++) {
          f[i] *= bf;
        }
      }
    }

    /** C (+)= A·B on packed heap blocks; bet is BLAS's beta for this block. */
    void run(Object a, boolean aRm, Object b, boolean bRm, Object c, boolean cRm, int m, int n,
        int k, double alpha, double bet) {
      switch (this) {
        case DGEMM:
        case SGEMM: {
          // column-major BLAS: a row-major block is the transpose of its column-major reading
          char opA;
          char opB;
          int lda = aRm ? k : m;
          int ldb = bRm ? n : k;
          if (cRm) { // C^T (n×m, ld n) = op(B)^T · op(A)^T
            opB = bRm ? 'N' : 'T';
            opA = aRm ? 'N' : 'T';
            if (this == DGEMM) {
              Blas.dgemm(opB, opA, n, m, k, alpha, (double[]) b, 0, ldb, (double[]) a, 0, lda,
                  bet, (double[]) c, 0, n);
            } else {
              Blas.sgemm(opB, opA, n, m, k, (float) alpha, (float[]) b, 0, ldb, (float[]) a, 0,
                  lda, (float) bet, (float[]) c, 0, n);
            }
          } else { // C (m×n, ld m) = op(A) · op(B)
            opA = aRm ? 'T' : 'N';
            opB = bRm ? 'T' : 'N';
            if (this == DGEMM) {
              Blas.dgemm(opA, opB, m, n, k, alpha, (double[]) a, 0, lda, (double[]) b, 0, ldb,
                  bet, (double[]) c, 0, m);
            } else {
              Blas.sgemm(opA, opB, m, n, k, (float) alpha, (float[]) a, 0, lda, (float[]) b, 0,
                  ldb, (float) bet, (float[]) c, 0, m);
            }
          }
          break;
        }
        case FLOAT16:
          NoBlas.float16(m, n, k, (float[]) a, (float[]) b, (float[]) c);
          break;
        case INT32:
          NoBlas.int32(m, n, k, (int[]) a, (int[]) b, (int[]) c);
          break;
        case INT64:
          NoBlas.int64(m, n, k, (long[]) a, (long[]) b, (long[]) c);
          break;
        default:
          throw new AssertionError(this);
      }
    }
  }

  /** Row-major staging when the columns are contiguous (or nothing is, and rows stride more). */
  private static boolean preferRows(Operand o) {
    if (o.colsContiguous()) {
      return true;
    }
    if (o.rowsContiguous()) {
      return false;
    }
    long rInner = Math.abs(o.rStrides[o.rStrides.length - 1]);
    long cInner = Math.abs(o.cStrides[o.cStrides.length - 1]);
    return cInner <= rInner;
  }

  // ------------------------------------------------------------------ staging

  /** Byte offsets of {@code count} consecutive flat indices from {@code start} over (shape, strides). */
  static long[] offsets(long[] shape, long[] strides, long start, int count) {
    long[] out = new long[count];
    int nd = shape.length;
    if (nd == 1) {
      long s = strides[0];
      for (int i = 0; i < count; i++) {
        out[i] = (start + i) * s;
      }
      return out;
    }
    long[] idx = new long[nd];
    long rem = start;
    for (int d = nd - 1; d >= 0; d--) {
      if (shape[d] > 0) {
        idx[d] = rem % shape[d];
        rem /= shape[d];
      }
    }
    long off = 0;
    for (int d = 0; d < nd; d++) {
      off += idx[d] * strides[d];
    }
    for (int i = 0; i < count; i++) {
      out[i] = off;
      for (int d = nd - 1; d >= 0; d--) {
        if (++idx[d] < shape[d]) {
          off += strides[d];
          break;
        }
        off -= (shape[d] - 1) * strides[d];
        idx[d] = 0;
      }
    }
    return out;
  }

  /** True when the operand's elements can be byte-copied into the kernel's staging array. */
  private static boolean bitCompatible(DType src, DType ct, Kernel kern) {
    return src == ct && src.itemsize() == kern.heapSize;
  }

  /**
   * Stages rows [r0, r0+rc) × columns [c0, c0+cc) of {@code op} into {@code dst}, packed row-major
   * (ld = cc) or column-major (ld = rc), converting to the kernel's element type.
   */
  static Staging stage(Operand op, long r0, int rc, long c0, int cc, Object dst, boolean rm,
      DType ct, Kernel kern) {
    int isz = op.dtype.itemsize();
    boolean bits = bitCompatible(op.dtype, ct, kern);
    if (bits && rm && op.colsContiguous()) {
      long rStride = op.rStrides[0];
      long src = op.base + r0 * rStride + c0 * (cc > 1 ? isz : op.cStrides[0]);
      long rowBytes = (long) cc * isz;
      if (rStride == rowBytes || rc == 1) {
        Raw.copyToHeap(src, dst, 0, rowBytes * rc);
      } else {
        for (int r = 0; r < rc; r++) {
          Raw.copyToHeap(src + r * rStride, dst, r * rowBytes, rowBytes);
        }
      }
      return Staging.ROWS;
    }
    if (bits && !rm && op.rowsContiguous()) {
      long cStride = op.cStrides[0];
      long src = op.base + c0 * cStride + r0 * (rc > 1 ? isz : op.rStrides[0]);
      long colBytes = (long) rc * isz;
      if (cStride == colBytes || cc == 1) {
        Raw.copyToHeap(src, dst, 0, colBytes * cc);
      } else {
        for (int c = 0; c < cc; c++) {
          Raw.copyToHeap(src + c * cStride, dst, c * colBytes, colBytes);
        }
      }
      return Staging.COLUMNS;
    }
    long[] ro = offsets(op.rShape, op.rStrides, r0, rc);
    long[] co = offsets(op.cShape, op.cStrides, c0, cc);
    long base = op.base;
    DType t = op.dtype;
    if (rm) {
      for (int r = 0; r < rc; r++) {
        gatherLine(t, base + ro[r], co, dst, r * cc, 1, kern);
      }
    } else {
      for (int c = 0; c < cc; c++) {
        gatherLine(t, base + co[c], ro, dst, c * rc, 1, kern);
      }
    }
    return bits ? Staging.GATHER : Staging.CONVERT;
  }

  /** dst[off + i*step] = convert(element at base + offs[i]) for every i. */
  private static void gatherLine(DType t, long base, long[] offs, Object dst, int off, int step,
      Kernel kern) {
    int n = offs.length;
    switch (kern) {
      case DGEMM: {
        double[] d = (double[]) dst;
        if (t == DType.FLOAT64) {
          for (int i = 0; i < n; i++) {
            d[off + i * step] = Raw.getDouble(base + offs[i]);
          }
        } else {
          for (int i = 0; i < n; i++) {
            d[off + i * step] = readDouble(t, base + offs[i]);
          }
        }
        break;
      }
      case SGEMM:
      case FLOAT16: {
        float[] f = (float[]) dst;
        if (t == DType.FLOAT32) {
          for (int i = 0; i < n; i++) {
            f[off + i * step] = Raw.getFloat(base + offs[i]);
          }
        } else {
          for (int i = 0; i < n; i++) {
            f[off + i * step] = (float) readDouble(t, base + offs[i]);
          }
        }
        break;
      }
      case INT32: {
        int[] d = (int[]) dst;
        for (int i = 0; i < n; i++) {
          d[off + i * step] = (int) readLong(t, base + offs[i]);
        }
        break;
      }
      case INT64: {
        long[] d = (long[]) dst;
        for (int i = 0; i < n; i++) {
          d[off + i * step] = readLong(t, base + offs[i]);
        }
        break;
      }
      default:
        throw new AssertionError(kern);
    }
  }

  /** The element as a double, exactly as NumPy's cast to float64 ({@link Elements#getDouble}). */
  static double readDouble(DType t, long a) {
    return Elements.getDouble(t, a);
  }


  /** An integer or bool element, sign- or zero-extended (bool as 0/1). */
  static long readLong(DType t, long a) {
    switch (t) {
      case BOOL: return Raw.getByte(a) != 0 ? 1 : 0;
      case INT8: return Raw.getByte(a);
      case INT16: return Raw.getShort(a);
      case INT32: return Raw.getInt(a);
      case INT64: case UINT64: return Raw.getLong(a);
      case UINT8: return Raw.getByte(a) & 0xFF;
      case UINT16: return Raw.getShort(a) & 0xFFFF;
      case UINT32: return Raw.getInt(a) & 0xFFFF_FFFFL;
      default: throw new AssertionError("integer kernel on " + t);
    }
  }

  /** Loads the target's block (for beta != 0), in the arrangement of the heap block. */
  private static void stageTarget(Target c, long i0, int mc, long j0, int nc, Object h,
      boolean rm, Kernel kern) {
    Operand view = new Operand(c.dtype(), c.base(), new long[] {c.rows()}, new long[] {c.rs()},
        new long[] {c.cols()}, new long[] {c.cs()});
    stage(view, i0, mc, j0, nc, h, rm, c.dtype(), kern);
  }

  /** Writes the heap block back into the target, narrowing to its dtype. */
  static void writeTarget(Target c, long i0, int mc, long j0, int nc, Object h, boolean rm,
      Kernel kern) {
    DType t = c.dtype();
    int isz = t.itemsize();
    long rs = c.rs();
    long cs = c.cs();
    long base = c.base() + i0 * rs + j0 * cs;
    boolean bits = t.itemsize() == kern.heapSize;
    if (bits && rm && (nc == 1 || cs == isz)) {
      long rowBytes = (long) nc * isz;
      if (rs == rowBytes || mc == 1) {
        Raw.copyFromHeap(h, 0, base, rowBytes * mc);
      } else {
        for (int r = 0; r < mc; r++) {
          Raw.copyFromHeap(h, r * rowBytes, base + r * rs, rowBytes);
        }
      }
      return;
    }
    if (bits && !rm && (mc == 1 || rs == isz)) {
      long colBytes = (long) mc * isz;
      if (cs == colBytes || nc == 1) {
        Raw.copyFromHeap(h, 0, base, colBytes * nc);
      } else {
        for (int cc = 0; cc < nc; cc++) {
          Raw.copyFromHeap(h, cc * colBytes, base + cc * cs, colBytes);
        }
      }
      return;
    }
    for (int r = 0; r < mc; r++) {
      for (int cc = 0; cc < nc; cc++) {
        int idx = rm ? r * nc + cc : cc * mc + r;
        long addr = base + r * rs + cc * cs;
        switch (kern) {
          case DGEMM: Raw.putDouble(addr, ((double[]) h)[idx]); break;
          case SGEMM: Raw.putFloat(addr, ((float[]) h)[idx]); break;
          case FLOAT16: Raw.putShort(addr, Float16.fromFloat(((float[]) h)[idx])); break;
          case INT32: {
            int v = ((int[]) h)[idx];
            Raw.putBits(addr, isz, t == DType.BOOL ? (v != 0 ? 1 : 0) : v);
            break;
          }
          case INT64: Raw.putLong(addr, ((long[]) h)[idx]); break;
          default: throw new AssertionError(kern);
        }
      }
    }
  }
}
