package io.tessera.expr;

import io.tessera.dtype.DType;
import io.tessera.errors.ReadOnlyArrayException;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.iter.NdIter;
import io.tessera.kernels.BinaryKernel;
import io.tessera.kernels.Kernels;
import io.tessera.kernels.ReduceKernel;
import io.tessera.kernels.TernaryKernel;
import io.tessera.kernels.UnaryKernel;
import io.tessera.memory.Allocators;
import io.tessera.memory.Raw;
import io.tessera.ndarray.Creation;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.overlap.MemOverlap;
import io.tessera.overlap.Overlap;
import io.tessera.parallel.Threads;
import io.tessera.shape.Broadcast;
import io.tessera.shape.Layout;
import io.tessera.shape.Shapes;
import io.tessera.ufunc.LoopSignature;
import io.tessera.ufunc.TypeResolver;
import io.tessera.ufunc.Ufunc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A compiled {@link Expr}: its leaves (arrays and placeholders) as numbered slots, its ufunc
 * calls in evaluation order with the resolved loops, kernels and input casts, and per-thread
 * {@link Worker}s that evaluate up to {@link #BLOCK} elements at a time into small scratch
 * buffers. Used by {@link Expr} and by the streaming outer operations.
 */
public final class Plan {
  /** Elements per evaluated block (4096 float64 = 32 KiB per buffer). */
  public static final int BLOCK = 4096;
  /** Below this many elements an evaluation runs on the calling thread alone. */
  static final long PARALLEL_MIN = 1L << 17;
  /** Elements per fixed reduction part (partials combine in part order: thread-independent). */
  static final long REDUCE_PART = 1L << 16;

  private final Expr root;
  private final List<NDArray> slotArrays = new ArrayList<>();
  private final List<DType> slotTypes = new ArrayList<>();
  private final Map<Integer, Integer> placeholderSlots = new HashMap<>();
  private final List<Node> nodes = new ArrayList<>();
  private final int rootRef;
  private final long[] shape;
  /** One-pass loop for small float64 forms ({@link FusedLoops}), or null; its operand slots. */
  private final FusedLoops.Loop fusedLoop;
  private final int[] fusedSlots;

  /** One call or constant. Inputs refer to nodes (>= 0) or slots (-(slot + 1)). */
  static final class Node {
    boolean constant;
    DType type;
    long bits;
    String name;
    int nin;
    int[] in;
    Object kernel;
    UnaryKernel[] castIn;
    int[] inSize;
    int castSlots;
    boolean checkNegativeExponent;
  }

  private Plan(Expr root, DType[] placeholderTypes) {
    this.root = root;
    Map<Expr, Integer> memo = new IdentityHashMap<>();
    this.rootRef = build(root, placeholderTypes, memo);
    List<long[]> shapes = new ArrayList<>();
    for (NDArray a : slotArrays) {
      if (a != null) {
        shapes.add(a.shape());
      }
    }
    try {
      this.shape = Broadcast.broadcastShapes(shapes.toArray(new long[0][]));
    } catch (ShapeException e) {
      StringBuilder sb = new StringBuilder("operands could not be broadcast together with shapes");
      for (long[] s : shapes) {
        sb.append(' ').append(Shapes.formatCompact(s));
      }
      throw new ShapeException("expr", sb.toString());
    }
    int[] fs = new int[4];
    this.fusedLoop = recognizeFused(fs);
    this.fusedSlots = fs;
  }

  private static final java.util.Set<String> FUSED_OPS = java.util.Set.of("add", "subtract",
      "multiply", "true_divide");

  /**
   * The one-pass loop when the plan is op0(op1(a, b), op2(c, d)), op0(op1(a, b), c) or op0(c,
   * op1(a, b)) of float64 arrays with float64 loops and no casts or scalars; slots into {@code
   * fs} (a, b, c, d).
   */
  private FusedLoops.Loop recognizeFused(int[] fs) {
    for (int i = 0; i < slotArrays.size(); i++) {
      if (slotArrays.get(i) == null || slotTypes.get(i) != DType.FLOAT64) {
        return null;
      }
    }
    if (nodes.isEmpty() || rootRef != nodes.size() - 1 || nodes.size() > 3) {
      return null;
    }
    for (Node n : nodes) {
      if (n.constant || n.nin != 2 || n.type != DType.FLOAT64
          || !FUSED_OPS.contains(Kernels.canonical(n.name)) || n.castIn[0] != null
          || n.castIn[1] != null) {
        return null;
      }
    }
    Node n0 = nodes.get(0);
    if (n0.in[0] >= 0 || n0.in[1] >= 0) {
      return null;
    }
    fs[0] = -n0.in[0] - 1;
    fs[1] = -n0.in[1] - 1;
    String op1 = Kernels.canonical(n0.name);
    if (nodes.size() == 3) {
      Node n1 = nodes.get(1);
      Node n2 = nodes.get(2);
      if (n1.in[0] >= 0 || n1.in[1] >= 0 || n2.in[0] != 0 || n2.in[1] != 1) {
        return null;
      }
      fs[2] = -n1.in[0] - 1;
      fs[3] = -n1.in[1] - 1;
      return FusedLoops.quad(Kernels.canonical(n2.name), op1, Kernels.canonical(n1.name));
    }
    if (nodes.size() == 2) {
      Node n1 = nodes.get(1);
      fs[3] = -1;
      if (n1.in[0] == 0 && n1.in[1] < 0) {
        fs[2] = -n1.in[1] - 1;
        return FusedLoops.left(Kernels.canonical(n1.name), op1);
      }
      if (n1.in[1] == 0 && n1.in[0] < 0) {
        fs[2] = -n1.in[0] - 1;
        return FusedLoops.right(Kernels.canonical(n1.name), op1);
      }
    }
    return null;
  }

  /** Whether evaluation can run the one-pass loop (contiguous operands permitting). */
  boolean hasFusedLoop() {
    return fusedLoop != null;
  }

  /**
   * Compiles {@code e}; placeholders take the dtypes {@code placeholderTypes[k]} (null when the
   * expression has none).
   */
  public static Plan compile(Expr e, DType[] placeholderTypes) {
    return new Plan(e, placeholderTypes);
  }

  private int build(Expr e, DType[] ph, Map<Expr, Integer> memo) {
    Integer known = memo.get(e);
    if (known != null) {
      return known;
    }
    int ref;
    if (e instanceof Expr.Leaf l) {
      if (!l.array.isOpen()) {
        throw new TesseraException("expr", "expr: array " + Shapes.format(l.array.shape()) + " "
            + l.array.dtype() + " is closed");
      }
      slotArrays.add(l.array);
      slotTypes.add(l.array.dtype());
      ref = -slotArrays.size();
    } else if (e instanceof Expr.Placeholder p) {
      Integer s = placeholderSlots.get(p.index);
      if (s == null) {
        if (ph == null || p.index >= ph.length) {
          throw new TesseraException("expr", "expr: placeholder arg(" + p.index + ") is not bound;"
              + " bind(...) it or evaluate through Outer");
        }
        slotArrays.add(null);
        slotTypes.add(ph[p.index]);
        s = slotArrays.size() - 1;
        placeholderSlots.put(p.index, s);
      }
      ref = -(s + 1);
    } else if (e instanceof Expr.Scalar s) {
      Node n = new Node();
      n.constant = true;
      n.type = s.weakType();
      n.bits = s.number() instanceof Double || s.number() instanceof Float
          ? Double.doubleToRawLongBits(s.number().doubleValue()) : s.number().longValue();
      nodes.add(n);
      ref = nodes.size() - 1;
    } else {
      Expr.Call c = (Expr.Call) e;
      int nin = c.inputs.length;
      int[] in = new int[nin];
      DType[] types = new DType[nin];
      boolean[] weak = new boolean[nin];
      Number[] values = new Number[nin];
      for (int i = 0; i < nin; i++) {
        Expr x = c.inputs[i];
        if (x instanceof Expr.Scalar s) {
          weak[i] = true;
          values[i] = s.number();
          types[i] = s.weakType();
          in[i] = Integer.MIN_VALUE; // filled after resolution
        } else {
          in[i] = build(x, ph, memo);
          types[i] = typeOf(in[i]);
        }
      }
      TypeResolver.Resolution res = TypeResolver.resolveFull(c.ufunc.spec(), types, weak, values,
          null, null, null);
      LoopSignature sig = res.loop();
      Node n = new Node();
      if (res.fixedResult() != null) {
        n.constant = true;
        n.type = DType.BOOL;
        n.bits = res.fixedResult() ? 1 : 0;
      } else {
        for (int i = 0; i < nin; i++) {
          if (weak[i]) {
            Node k = new Node();
            k.constant = true;
            k.type = res.operandTypes()[i];
            k.bits = res.scalarBits()[i];
            nodes.add(k);
            in[i] = nodes.size() - 1;
          }
        }
        Kernels.validate(Kernels.canonical(c.ufunc.name()), sig, null, values);
        n.name = c.ufunc.name();
        n.nin = nin;
        n.in = in;
        n.type = sig.out()[0];
        n.kernel = nin == 1 ? Kernels.unary(n.name, sig) : nin == 2 ? Kernels.binary(n.name, sig)
            : Kernels.ternary(n.name, sig);
        n.castIn = new UnaryKernel[nin];
        n.inSize = new int[nin];
        for (int i = 0; i < nin; i++) {
          n.inSize[i] = sig.in()[i].itemsize();
          DType t = typeOf(in[i]);
          if (t != sig.in()[i]) {
            n.castIn[i] = Kernels.cast(t, sig.in()[i]);
            n.castSlots++;
          }
        }
        // NumPy scans an integer exponent array for negatives; the fused evaluation does so per
        // block, before the block is written
        n.checkNegativeExponent = nin == 2 && "power".equals(Kernels.canonical(n.name))
            && sig.in()[1].isSigned() && !(c.inputs[1] instanceof Expr.Scalar);
      }
      nodes.add(n);
      ref = nodes.size() - 1;
    }
    memo.put(e, ref);
    return ref;
  }

  private DType typeOf(int ref) {
    return ref >= 0 ? nodes.get(ref).type : slotTypes.get(-ref - 1);
  }

  // ================================================================== metadata

  /** The result dtype. */
  public DType rootType() {
    return typeOf(rootRef);
  }

  /** The broadcast shape of the array leaves. */
  public long[] shape() {
    return shape.clone();
  }

  /** The slot of placeholder {@code k}, or -1 if the expression does not use it. */
  public int placeholderSlot(int k) {
    Integer s = placeholderSlots.get(k);
    return s == null ? -1 : s;
  }

  /** The compiled nodes in evaluation order (for {@link PairForm}). */
  List<Node> nodeList() {
    return nodes;
  }

  /** The root's reference: a node index (>= 0) or a slot, -(slot + 1). */
  int rootRef() {
    return rootRef;
  }

  /** Number of leaf slots (arrays and placeholders). */
  public int slots() {
    return slotArrays.size();
  }

  /** Whether the expression holds arrays (the outer operations take placeholders only). */
  public boolean hasArrays() {
    for (NDArray a : slotArrays) {
      if (a != null) {
        return true;
      }
    }
    return false;
  }

  /** Scratch bytes one worker holds. */
  public long workerBytes() {
    long buffers = 2; // root value and its cast
    for (Node n : nodes) {
      buffers += n.constant ? 0 : 1 + n.castSlots;
    }
    return buffers * BLOCK * 8 + (long) nodes.size() * 16 * 8;
  }

  /** Scratch bytes an evaluation holds at most: one worker per thread. */
  public long scratchPeakBytes() {
    return workerBytes() * Threads.current();
  }

  // ================================================================== workers

  /** A worker with its own scratch, allocated from {@code alloc}; close it. */
  public Worker worker(BufferAllocator alloc) {
    return new Worker(alloc);
  }

  /** Per-thread evaluator: leaf pointers in, the root's block of values out. */
  public final class Worker implements AutoCloseable {
    private final ArrowBuf scratch;
    private final long[] addr;
    private final long[] stride;
    private final long[] buf;
    private final long[][] castBuf;
    private final long[][] constIn;
    private final long[] leafAddr;
    private final long[] leafStride;
    private final long rootBuf;
    private final long castBufRoot;

    Worker(BufferAllocator alloc) {
      int nn = nodes.size();
      scratch = alloc.buffer(workerBytes());
      scratch.setZero(0, scratch.capacity());
      long base = scratch.memoryAddress();
      long next = base;
      addr = new long[nn];
      stride = new long[nn];
      buf = new long[nn];
      castBuf = new long[nn][];
      constIn = new long[nn][];
      leafAddr = new long[slots()];
      leafStride = new long[slots()];
      long slot = (long) BLOCK * 8;
      rootBuf = next;
      next += slot;
      castBufRoot = next;
      next += slot;
      for (int i = 0; i < nn; i++) {
        Node n = nodes.get(i);
        if (n.constant) {
          continue;
        }
        buf[i] = next;
        next += slot;
        castBuf[i] = new long[n.nin];
        for (int k = 0; k < n.nin; k++) {
          if (n.castIn[k] != null) {
            castBuf[i][k] = next;
            next += slot;
          }
        }
      }
      long small = next;
      for (int i = 0; i < nn; i++) {
        Node n = nodes.get(i);
        if (n.constant) {
          addr[i] = small;
          stride[i] = 0;
          Raw.putBits(small, n.type.itemsize(), n.bits);
          small += 16;
        }
      }
      for (int i = 0; i < nn; i++) {
        Node n = nodes.get(i);
        if (n.constant) {
          continue;
        }
        constIn[i] = new long[n.nin];
        for (int k = 0; k < n.nin; k++) {
          int r = n.in[k];
          if (r >= 0 && nodes.get(r).constant && n.castIn[k] != null) {
            constIn[i][k] = small;
            n.castIn[k].run(addr[r], 0, small, n.inSize[k], 1);
            small += 16;
          }
        }
      }
    }

    /** Sets leaf slot {@code s} for the next {@link #eval}: its first element and byte stride. */
    public void leaf(int s, long address, long byteStride) {
      leafAddr[s] = address;
      leafStride[s] = byteStride;
    }

    /**
     * Evaluates {@code m <= BLOCK} elements. When {@code out != 0} and the root's dtype is
     * {@code outType}, the root writes there directly (stride {@code os}); when {@code out != 0}
     * and the types differ the values are cast into it. With {@code out == 0} the values stay in
     * this worker's root buffer, contiguous, in the root dtype: see {@link #rootAddress()}.
     */
    public void eval(long m, long out, long os, UnaryKernel castOut) {
      if (rootRef < 0) {
        int s = -rootRef - 1;
        DType t = slotTypes.get(s);
        if (out != 0) {
          (castOut != null ? castOut : Kernels.cast(t, t)).run(leafAddr[s], leafStride[s], out,
              os, m);
        } else {
          Kernels.cast(t, t).run(leafAddr[s], leafStride[s], rootBuf, t.itemsize(), m);
        }
        return;
      }
      Node rootNode = nodes.get(rootRef);
      if (rootNode.constant) {
        UnaryKernel k = Kernels.cast(rootNode.type, rootNode.type);
        if (out != 0) {
          (castOut != null ? castOut : k).run(addr[rootRef], 0, out, os, m);
        } else {
          k.run(addr[rootRef], 0, rootBuf, rootNode.type.itemsize(), m);
        }
        return;
      }
      long[] pa = new long[4];
      long[] ps = new long[4];
      for (int i = 0; i <= rootRef; i++) {
        Node n = nodes.get(i);
        if (n.constant) {
          continue;
        }
        for (int k = 0; k < n.nin; k++) {
          int r = n.in[k];
          long a;
          long s;
          if (r < 0) {
            a = leafAddr[-r - 1];
            s = leafStride[-r - 1];
          } else {
            a = addr[r];
            s = stride[r];
          }
          if (n.castIn[k] != null) {
            if (r >= 0 && nodes.get(r).constant) {
              a = constIn[i][k];
              s = 0;
            } else {
              n.castIn[k].run(a, s, castBuf[i][k], n.inSize[k], m);
              a = castBuf[i][k];
              s = n.inSize[k];
            }
          }
          pa[k] = a;
          ps[k] = s;
        }
        if (n.checkNegativeExponent) {
          checkPower(pa[1], ps[1], m, n);
        }
        long o;
        long os2;
        if (i == rootRef && out != 0 && castOut == null) {
          o = out;
          os2 = os;
        } else if (i == rootRef) {
          o = rootBuf;
          os2 = n.type.itemsize();
        } else {
          o = buf[i];
          os2 = n.type.itemsize();
        }
        addr[i] = o;
        stride[i] = os2;
        if (n.nin == 2) {
          ((BinaryKernel) n.kernel).run(pa[0], ps[0], pa[1], ps[1], o, os2, m);
        } else if (n.nin == 1) {
          ((UnaryKernel) n.kernel).run(pa[0], ps[0], o, os2, m);
        } else {
          ((TernaryKernel) n.kernel).run(pa[0], ps[0], pa[1], ps[1], pa[2], ps[2], o, os2, m);
        }
      }
      if (out != 0 && castOut != null) {
        castOut.run(rootBuf, rootNode.type.itemsize(), out, os, m);
      }
    }

    /** Where {@link #eval} left the root's values when given no output. */
    public long rootAddress() {
      return rootBuf;
    }

    /** A second block-sized buffer free for the caller (e.g. a cast before a reduction). */
    public long spareAddress() {
      return castBufRoot;
    }

    @Override
    public void close() {
      scratch.close();
    }
  }

  private static void checkPower(long a, long s, long m, Node n) {
    // signed integer power: a negative exponent is NumPy's ValueError; checked before writing
    for (long i = 0; i < m; i++) {
      long bits = Raw.getBits(a + i * s, n.inSize[1]);
      if (((bits >>> (n.inSize[1] * 8 - 1)) & 1) != 0) {
        throw new io.tessera.kernels.UfuncValueException("power",
            "Integers to negative integer powers are not allowed.");
      }
    }
  }

  // ================================================================== whole-array evaluation

  private BufferAllocator allocator() {
    for (NDArray a : slotArrays) {
      if (a != null) {
        return a.allocator();
      }
    }
    return Allocators.global();
  }

  private void requireNoPlaceholders() {
    if (!placeholderSlots.isEmpty()) {
      throw new TesseraException("expr", "expr: placeholders " + placeholderSlots.keySet()
          + " are not bound; bind(...) them first");
    }
  }

  NDArray evalNew() {
    requireNoPlaceholders();
    NDArray out = Creation.empty(allocator(), rootType(), shape, Order.C,
        Creation.DEFAULT_ALIGNMENT);
    try {
      run(out);
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  NDArray evalInto(NDArray out) {
    requireNoPlaceholders();
    if (!out.isOpen()) {
      throw new TesseraException("expr", "expr: output array is closed");
    }
    if (!out.isWriteable()) {
      throw new ReadOnlyArrayException("expr", "expr: output array is read-only");
    }
    if (!Broadcast.canBroadcastTo(shape, out.shape())) {
      throw new ShapeException("expr", "non-broadcastable output operand with shape "
          + Shapes.formatCompact(out.shape()) + " doesn't match the broadcast shape "
          + Shapes.formatCompact(shape));
    }
    if (!io.tessera.dtype.Casting.canCast(rootType(), out.dtype(),
        io.tessera.dtype.Casting.SAME_KIND)) {
      throw new io.tessera.errors.CastingException("expr", "Cannot cast ufunc output from dtype('"
          + rootType() + "') to dtype('" + out.dtype() + "') with casting rule 'same_kind'");
    }
    run(out);
    return out;
  }

  private static long[] broadcastStrides(Layout l, long[] shape) {
    long[] s = new long[shape.length];
    int off = shape.length - l.ndim();
    for (int i = 0; i < l.ndim(); i++) {
      s[off + i] = l.shape()[i] == 1 && shape[off + i] != 1 ? 0 : l.strides()[i];
    }
    return s;
  }

  private void run(NDArray out) {
    long[] full = out.shape();
    int ns = slots();
    List<NDArray> temps = new ArrayList<>();
    try {
      long[] bases = new long[ns + 1];
      long[][] strides = new long[ns + 1][];
      for (int s = 0; s < ns; s++) {
        NDArray a = slotArrays.get(s);
        long[] st = broadcastStrides(a.layout(), full);
        if (a.storage() == out.storage() && !(a.dataAddress() == out.dataAddress()
            && Arrays.equals(st, out.strides()))
            && MemOverlap.solve(a.layout(), out.layout(), 1 << 12) != Overlap.NO) {
          a = a.copy(Order.K);
          temps.add(a);
          st = broadcastStrides(a.layout(), full);
        }
        bases[s] = a.dataAddress();
        strides[s] = st;
      }
      bases[ns] = out.dataAddress();
      strides[ns] = out.strides().clone();
      NdIter it = NdIter.of(full, bases, strides);
      long size = it.size();
      if (size == 0) {
        return;
      }
      long[] inner = new long[ns + 1];
      for (int op = 0; op <= ns; op++) {
        inner[op] = it.innerStride(op);
      }
      UnaryKernel castOut = out.dtype() != rootType() ? Kernels.cast(rootType(), out.dtype())
          : null;
      int threads = size >= PARALLEL_MIN ? Threads.current() : 1;
      int parts = threads <= 1 ? 1 : (int) Math.max(1, Math.min(threads * 4L,
          size / (PARALLEL_MIN / 4)));
      long per = (size + parts - 1) / parts;
      BufferAllocator alloc = out.allocator();
      boolean contiguous = true;
      for (int op = 0; op <= ns; op++) {
        contiguous &= inner[op] == 8;
      }
      FusedLoops.Loop loop = fusedLoop != null && castOut == null && contiguous ? fusedLoop
          : null;
      Threads.forEachPart(parts, p -> {
        long start = p * per;
        long end = Math.min(size, start + per);
        if (start >= end) {
          return;
        }
        if (loop != null) {
          int[] fs = fusedSlots;
          it.forRange(start, end, new long[ns + 1], (ptrs, count) -> loop.run(ptrs[fs[0]],
              ptrs[fs[1]], ptrs[fs[2]], fs[3] >= 0 ? ptrs[fs[3]] : 0, ptrs[ns], count));
          return;
        }
        try (Worker w = worker(alloc)) {
          it.forRange(start, end, new long[ns + 1], (ptrs, count) -> {
            for (long done = 0; done < count; done += BLOCK) {
              long m = Math.min(BLOCK, count - done);
              for (int s = 0; s < ns; s++) {
                w.leaf(s, ptrs[s] + done * inner[s], inner[s]);
              }
              w.eval(m, ptrs[ns] + done * inner[ns], inner[ns], castOut);
            }
          });
        }
      });
    } finally {
      for (NDArray t : temps) {
        t.close();
      }
    }
  }

  // ================================================================== reductions

  NDArray reduceAll(Ufunc reduce, boolean mean) {
    requireNoPlaceholders();
    DType vt = rootType();
    DType dtypeArg = mean ? TypeResolver.meanAccumulatorType(vt) : null;
    LoopSignature rsig = TypeResolver.resolveReduce(reduce.spec(), vt, dtypeArg);
    DType acc = rsig.out()[0];
    DType loopIn = rsig.in()[0];
    UnaryKernel toAcc = vt != loopIn ? Kernels.cast(vt, loopIn) : null;
    ReduceKernel rk = Kernels.reduce(reduce.name(), acc);
    BinaryKernel combine = Kernels.binary(reduce.name(), new LoopSignature(
        new DType[] {acc, acc}, new DType[] {acc}));
    BufferAllocator alloc = allocator();
    int ns = slots();
    long[] bases = new long[ns];
    long[][] strides = new long[ns][];
    for (int s = 0; s < ns; s++) {
      bases[s] = slotArrays.get(s).dataAddress();
      strides[s] = broadcastStrides(slotArrays.get(s).layout(), shape);
    }
    NdIter it = NdIter.of(shape, bases, strides);
    long size = it.size();
    NDArray result = Creation.empty(alloc, acc, new long[0], Order.C, Creation.DEFAULT_ALIGNMENT);
    try {
      if (size == 0) {
        if (!"add".equals(Kernels.canonical(reduce.name()))) {
          throw new TesseraException(reduce.name(), "zero-size array to reduction operation "
              + reduce.name() + " which has no identity");
        }
        Raw.putBits(result.dataAddress(), acc.itemsize(), acc.isFloat() && acc.itemsize() == 8
            ? Double.doubleToRawLongBits(0.0) : 0L);
      } else {
        long[] inner = new long[ns];
        for (int op = 0; op < ns; op++) {
          inner[op] = it.innerStride(op);
        }
        int parts = (int) ((size + REDUCE_PART - 1) / REDUCE_PART);
        int isz = acc.itemsize();
        NDArray partials = Creation.empty(alloc, acc, new long[] {parts}, Order.C,
            Creation.DEFAULT_ALIGNMENT);
        try {
          long pbase = partials.dataAddress();
          Threads.forEachPart(parts, p -> {
            long start = p * REDUCE_PART;
            long end = Math.min(size, start + REDUCE_PART);
            long accAddr = pbase + (long) p * isz;
            boolean[] first = {true};
            try (Worker w = worker(alloc)) {
              it.forRange(start, end, new long[ns], (ptrs, count) -> {
                for (long done = 0; done < count; done += BLOCK) {
                  long m = Math.min(BLOCK, count - done);
                  for (int s = 0; s < ns; s++) {
                    w.leaf(s, ptrs[s] + done * inner[s], inner[s]);
                  }
                  w.eval(m, 0, 0, null);
                  long v = w.rootAddress();
                  if (toAcc != null) {
                    toAcc.run(v, vt.itemsize(), w.spareAddress(), isz, m);
                    v = w.spareAddress();
                  }
                  if (first[0]) {
                    Raw.copy(v, accAddr, isz);
                    first[0] = false;
                    rk.run(accAddr, v + isz, isz, m - 1);
                  } else {
                    rk.run(accAddr, v, isz, m);
                  }
                }
              });
            }
          });
          Raw.copy(pbase, result.dataAddress(), isz);
          for (int p = 1; p < parts; p++) {
            combine.run(result.dataAddress(), 0, pbase + (long) p * isz, 0, result.dataAddress(),
                0, 1);
          }
        } finally {
          partials.close();
        }
      }
      if (!mean) {
        return result;
      }
      NDArray q = Ufunc.TRUE_DIVIDE.apply(result, size);
      result.close();
      result = q;
      DType rt = TypeResolver.meanResultType(vt);
      if (q.dtype() != rt) {
        result = q.astype(rt);
        q.close();
      }
      return result;
    } catch (RuntimeException e) {
      result.close();
      throw e;
    }
  }

  @Override
  public String toString() {
    return "Plan(" + root + " -> " + rootType() + Shapes.format(shape) + ")";
  }
}
