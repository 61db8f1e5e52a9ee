package io.tessera.ufunc;

import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.errors.ClosedArrayException;
import io.tessera.errors.ReadOnlyArrayException;
import io.tessera.errors.ShapeException;
import io.tessera.iter.NdIter;
import io.tessera.memory.MemoryBudget;
import io.tessera.memory.Raw;
import io.tessera.kernels.BinaryKernel;
import io.tessera.kernels.Kernels;
import io.tessera.kernels.TernaryKernel;
import io.tessera.kernels.UnaryKernel;
import io.tessera.ndarray.Creation;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.overlap.MemOverlap;
import io.tessera.overlap.Overlap;
import io.tessera.parallel.Threads;
import io.tessera.shape.Broadcast;
import io.tessera.shape.Layout;
import io.tessera.shape.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * One elementwise ufunc call, NumPy's order of business: check every operand and argument (no
 * write happens before all checks pass), resolve the loop's dtypes, allocate the output if none
 * was given, copy inputs that overlap the output in a way the iteration would corrupt, then
 * iterate in memory order, casting mismatched operands in small buffered blocks and splitting
 * large work across threads.
 */
final class Execution {
  private Execution() {}

  /** Elements per buffered block when an operand needs a cast (NumPy's default buffer is 8192). */
  static final int BUFFER = 4096;
  /** Below this many elements a call runs on the calling thread alone. */
  static final long PARALLEL_MIN = 1L << 17;
  /** Work bound for the exact overlap test; past it the input is copied (the safe answer). */
  static final long OVERLAP_WORK = 1L << 12;

  static NDArray run(UfuncSpec spec, Object[] inputs, NDArray out, NDArray where, Casting casting,
      DType dtype) {
    String name = spec.name();
    int nin = inputs.length;
    if (nin != spec.nin()) {
      throw new IllegalArgumentException(name + " takes " + spec.nin() + " inputs, got " + nin);
    }
    NDArray[] arrays = new NDArray[nin];
    DType[] types = new DType[nin];
    boolean[] weak = new boolean[nin];
    Number[] weakValues = new Number[nin];
    long[][] shapes = new long[nin + (where != null && out == null ? 1 : 0)][];
    for (int i = 0; i < nin; i++) {
      Object x = inputs[i];
      if (x instanceof NDArray a) {
        checkOpen(name, a);
        arrays[i] = a;
        types[i] = a.dtype();
        shapes[i] = a.layout().shape();
      } else {
        weak[i] = true;
        weakValues[i] = x instanceof Boolean bo ? (Number) (bo ? 1L : 0L) : (Number) x;
        types[i] = x instanceof Boolean ? DType.BOOL : x instanceof Double || x instanceof Float
            ? DType.FLOAT64 : DType.INT64;
        shapes[i] = new long[0];
      }
    }
    if (where != null) {
      checkOpen(name, where);
      if (where.dtype() != DType.BOOL) {
        throw new io.tessera.errors.CastingException(name, "Cannot cast array data from dtype('"
            + where.dtype() + "') to dtype('bool') according to the rule 'safe' (where= of ufunc '"
            + name + "')");
      }
      if (out == null) {
        shapes[nin] = where.layout().shape();
      }
    }
    long[] shape = Broadcast.broadcastShapes(shapes);
    if (out != null) {
      checkOpen(name, out);
      if (!out.isWriteable()) {
        throw new ReadOnlyArrayException(name, name + ": output array is read-only");
      }
      long[] full = Broadcast.canBroadcastTo(shape, out.layout().shape()) ? out.layout().shape()
          : null;
      if (full == null) {
        throw new ShapeException(name, "non-broadcastable output operand with shape "
            + Shapes.formatCompact(out.layout().shape()) + " doesn't match the broadcast shape "
            + Shapes.formatCompact(Broadcast.broadcastShapes(shape, out.layout().shape())));
      }
      shape = full;
    }
    if (where != null && !Broadcast.canBroadcastTo(where.layout().shape(), shape)) {
      throw new ShapeException(name, "operands could not be broadcast together with shapes "
          + Shapes.formatCompact(shape) + " " + Shapes.formatCompact(where.layout().shape()));
    }
    DType[] outTypes = {out == null ? null : out.dtype()};
    TypeResolver.Resolution res = resolve(spec, types, weak, weakValues, dtype, outTypes[0],
        casting);
    LoopSignature sig = res.loop();
    Kernels.validate(name, sig, arrays, weakValues);

    boolean allocated = out == null;
    if (allocated) {
      checkBudget(name, shapes, shape, sig.out()[0]);
      out = allocateOutput(arrays, shape, sig.out()[0]);
    }
    List<NDArray> temps = new ArrayList<>();
    try {
      NDArray[] ops = new NDArray[nin];
      for (int i = 0; i < nin; i++) {
        if (arrays[i] == null) {
          DType st = res.operandTypes()[i];
          NDArray s = Creation.empty(out.allocator(), st, new long[0], Order.C,
              Creation.DEFAULT_ALIGNMENT);
          temps.add(s);
          Raw.putBits(s.dataAddress(), st.itemsize(), res.scalarBits()[i]);
          ops[i] = s;
        } else if (!allocated && arrays[i].storage() == out.storage()
            && corruptsWhenInPlace(arrays[i], out, shape)) {
          NDArray c = arrays[i].copy(Order.K);
          temps.add(c);
          ops[i] = c;
        } else {
          ops[i] = arrays[i];
        }
      }
      NDArray mask = where;
      if (mask != null && !allocated && mask.storage() == out.storage()
          && MemOverlap.solve(mask.layout(), out.layout(), OVERLAP_WORK) != Overlap.NO) {
        mask = mask.copy(Order.K);
        temps.add(mask);
      }
      if (res.fixedResult() != null) {
        fillConstant(out, mask, res.fixedResult());
      } else {
        iterate(name, sig, ops, out, mask, shape);
      }
      return out;
    } catch (RuntimeException e) {
      if (allocated) {
        out.close();
      }
      throw e;
    } finally {
      for (NDArray t : temps) {
        t.close();
      }
    }
  }

  /**
   * A comparison whose answer NumPy knows without looking (an integer array against a Python int
   * outside its range): every selected output element is that constant.
   */
  private static void fillConstant(NDArray out, NDArray mask, boolean value) {
    try (NDArray c = Creation.empty(out.allocator(), DType.BOOL, new long[0], Order.C,
        Creation.DEFAULT_ALIGNMENT)) {
      c.setBoolean(value);
      if (mask == null) {
        out.assign(c);
      } else {
        Execution.run(UfuncSpecs.get("where"), new Object[] {mask, c, out}, out, null,
            Casting.UNSAFE, null);
      }
    }
  }

  /** Array-only resolutions, which depend on nothing but the dtypes and arguments. */
  private record ResolutionKey(UfuncSpec spec, int types, DType dtype, DType out, Casting casting) {}

  private static final java.util.concurrent.ConcurrentHashMap<ResolutionKey, TypeResolver.Resolution>
      RESOLUTIONS = new java.util.concurrent.ConcurrentHashMap<>();

  private static TypeResolver.Resolution resolve(UfuncSpec spec, DType[] types, boolean[] weak,
      Number[] weakValues, DType dtype, DType out, Casting casting) {
    boolean anyWeak = false;
    int code = 0;
    for (int i = 0; i < types.length; i++) {
      anyWeak |= weak[i];
      code = code * 16 + types[i].ordinal();
    }
    if (anyWeak) {
      return TypeResolver.resolveFull(spec, types, weak, weakValues, dtype, new DType[] {out},
          casting);
    }
    ResolutionKey key = new ResolutionKey(spec, code, dtype, out, casting);
    TypeResolver.Resolution r = RESOLUTIONS.get(key);
    if (r == null) {
      r = TypeResolver.resolveFull(spec, types, weak, weakValues, dtype, new DType[] {out},
          casting);
      RESOLUTIONS.put(key, r);
    }
    return r;
  }

  /** Kernels by ufunc and loop, looked up once. */
  private record KernelKey(String name, LoopSignature sig) {}

  private static final java.util.concurrent.ConcurrentHashMap<KernelKey, Object> KERNELS =
      new java.util.concurrent.ConcurrentHashMap<>();

  static Object kernel(String name, LoopSignature sig, int nin) {
    return KERNELS.computeIfAbsent(new KernelKey(name, sig), k -> nin == 1
        ? Kernels.unary(name, sig) : nin == 2 ? Kernels.binary(name, sig)
        : Kernels.ternary(name, sig));
  }

  /**
   * Refuses, before allocating, an output larger than the {@link MemoryBudget} in force, naming
   * the operands and suggesting the streaming forms (a broadcast outer result is the usual
   * culprit).
   */
  private static void checkBudget(String name, long[][] shapes, long[] shape, DType dtype) {
    long elements = Shapes.size(shape);
    long bytes = elements > Long.MAX_VALUE / dtype.itemsize() ? Long.MAX_VALUE
        : elements * dtype.itemsize();
    if (bytes <= MemoryBudget.current()) {
      return;
    }
    String[] names = new String[shapes.length];
    StringBuilder expr = new StringBuilder(name).append('(');
    for (int i = 0; i < shapes.length; i++) {
      names[i] = "x" + (i + 1);
      expr.append(i > 0 ? ", " : "").append(names[i]);
    }
    expr.append(')');
    MemoryBudget.check(name, expr.toString(), names, shapes, dtype, bytes,
        "use outerReduce, a fused Expr, or a chunked result");
  }

  static void checkOpen(String op, NDArray a) {
    if (!a.isOpen()) {
      throw new ClosedArrayException(op, op + ": array " + Shapes.format(a.layout().shape()) + " "
          + a.dtype() + " is closed");
    }
  }

  /**
   * Whether reading {@code in} while writing {@code out} element by element could read an element
   * already overwritten: they overlap and do not walk the very same addresses in step.
   */
  private static boolean corruptsWhenInPlace(NDArray in, NDArray out, long[] shape) {
    long[] inStrides = broadcastStrides(in.layout(), shape);
    if (in.dataAddress() == out.dataAddress()
        && Arrays.equals(inStrides, out.layout().strides())) {
      return false;
    }
    return MemOverlap.solve(in.layout(), out.layout(), OVERLAP_WORK) != Overlap.NO;
  }

  /** The output array NumPy would allocate: in the memory order of a full-shape input, else C. */
  private static NDArray allocateOutput(NDArray[] arrays, long[] shape, DType dtype) {
    for (NDArray a : arrays) {
      if (a != null && Arrays.equals(a.layout().shape(), shape)) {
        return Creation.emptyLike(a, dtype, Order.K);
      }
    }
    BufferAllocator alloc = null;
    for (NDArray a : arrays) {
      if (a != null) {
        alloc = a.allocator();
        break;
      }
    }
    if (alloc == null) {
      alloc = io.tessera.memory.Allocators.global();
    }
    return Creation.empty(alloc, dtype, shape, Order.C, Creation.DEFAULT_ALIGNMENT);
  }

  /** Strides of {@code l} broadcast to {@code shape}: prepended and stretched axes get 0. */
  static long[] broadcastStrides(Layout l, long[] shape) {
    long[] s = new long[shape.length];
    int off = shape.length - l.ndim();
    for (int i = 0; i < l.ndim(); i++) {
      s[off + i] = l.shape()[i] == 1 && shape[off + i] != 1 ? 0 : l.strides()[i];
    }
    return s;
  }

  // ---------------------------------------------------------------- the loop

  private static void iterate(String name, LoopSignature sig, NDArray[] ins, NDArray out,
      NDArray mask, long[] shape) {
    int nin = ins.length;
    int nop = nin + 1 + (mask != null ? 1 : 0);
    long[] bases = new long[nop];
    long[][] strides = new long[nop][];
    for (int i = 0; i < nin; i++) {
      bases[i] = ins[i].dataAddress();
      strides[i] = broadcastStrides(ins[i].layout(), shape);
    }
    bases[nin] = out.dataAddress();
    strides[nin] = out.layout().strides().clone();
    if (mask != null) {
      bases[nin + 1] = mask.dataAddress();
      strides[nin + 1] = broadcastStrides(mask.layout(), shape);
    }
    NdIter it = NdIter.of(shape, bases, strides);
    long size = it.size();
    if (size == 0) {
      return;
    }
    Plan plan = new Plan(name, sig, ins, out, it);
    int threads = size >= PARALLEL_MIN ? Threads.current() : 1;
    int parts = threads <= 1 ? 1 : (int) Math.min(threads * 4L, size / (PARALLEL_MIN / 4));
    parts = Math.max(parts, 1);
    long per = (size + parts - 1) / parts;
    int nparts = parts;
    BufferAllocator alloc = out.allocator();
    Threads.forEachPart(nparts, p -> {
      long start = p * per;
      long end = Math.min(size, start + per);
      try (Worker w = new Worker(plan, alloc, mask != null)) {
        it.forRange(start, end, new long[nop], w);
      }
    });
  }

  /** What every worker shares: the kernel, the casts, the constant inner strides. */
  private static final class Plan {
    final int nin;
    final Object kernel;
    final UnaryKernel[] castIn;
    final UnaryKernel castOut;
    final int[] loopSize;
    final long[] innerStrides;
    final boolean buffered;

    Plan(String name, LoopSignature sig, NDArray[] ins, NDArray out, NdIter it) {
      nin = ins.length;
      kernel = Execution.kernel(name, sig, nin);
      castIn = new UnaryKernel[nin];
      loopSize = new int[nin + 1];
      boolean b = false;
      for (int i = 0; i < nin; i++) {
        loopSize[i] = sig.in()[i].itemsize();
        if (ins[i].dtype() != sig.in()[i]) {
          castIn[i] = Kernels.cast(ins[i].dtype(), sig.in()[i]);
          b = true;
        }
      }
      loopSize[nin] = sig.out()[0].itemsize();
      castOut = out.dtype() != sig.out()[0] ? Kernels.cast(sig.out()[0], out.dtype()) : null;
      buffered = b || castOut != null;
      innerStrides = new long[it.operands()];
      for (int op = 0; op < innerStrides.length; op++) {
        innerStrides[op] = it.innerStride(op);
      }
    }

    void call(long[] p, long[] s, long n) {
      if (nin == 2) {
        ((BinaryKernel) kernel).run(p[0], s[0], p[1], s[1], p[2], s[2], n);
      } else if (nin == 1) {
        ((UnaryKernel) kernel).run(p[0], s[0], p[1], s[1], n);
      } else {
        ((TernaryKernel) kernel).run(p[0], s[0], p[1], s[1], p[2], s[2], p[3], s[3], n);
      }
    }
  }

  /** Runs the plan over runs from the iterator, with its own cast buffers. */
  private static final class Worker implements NdIter.RunVisitor, AutoCloseable {
    private final Plan plan;
    private final ArrowBuf scratch;
    private final long[] bufAddr;
    private final long[] p;
    private final long[] s;
    private final boolean masked;

    Worker(Plan plan, BufferAllocator alloc, boolean masked) {
      this.plan = plan;
      this.masked = masked;
      int n = plan.nin + 1;
      this.p = new long[n];
      this.s = new long[n];
      this.bufAddr = new long[n];
      if (plan.buffered) {
        scratch = alloc.buffer((long) n * BUFFER * 8);
        for (int i = 0; i < n; i++) {
          bufAddr[i] = scratch.memoryAddress() + (long) i * BUFFER * 8;
        }
      } else {
        scratch = null;
      }
    }

    @Override
    public void run(long[] ptrs, long count) {
      if (!masked) {
        segment(ptrs, 0, count);
        return;
      }
      int m = plan.nin + 1;
      long mp = ptrs[m];
      long ms = plan.innerStrides[m];
      long i = 0;
      while (i < count) {
        while (i < count && io.tessera.memory.Raw.getByte(mp + i * ms) == 0) {
          i++;
        }
        long j = i;
        while (j < count && io.tessera.memory.Raw.getByte(mp + j * ms) != 0) {
          j++;
        }
        if (j > i) {
          segment(ptrs, i, j - i);
        }
        i = j;
      }
    }

    /** Elements [off, off + n) of the current run. */
    private void segment(long[] ptrs, long off, long n) {
      int ops = plan.nin + 1;
      long[] st = plan.innerStrides;
      if (!plan.buffered) {
        for (int k = 0; k < ops; k++) {
          p[k] = ptrs[k] + off * st[k];
          s[k] = st[k];
        }
        plan.call(p, s, n);
        return;
      }
      for (long done = 0; done < n; done += BUFFER) {
        long m = Math.min(BUFFER, n - done);
        for (int k = 0; k < plan.nin; k++) {
          long src = ptrs[k] + (off + done) * st[k];
          if (plan.castIn[k] != null) {
            plan.castIn[k].run(src, st[k], bufAddr[k], plan.loopSize[k], m);
            p[k] = bufAddr[k];
            s[k] = plan.loopSize[k];
          } else {
            p[k] = src;
            s[k] = st[k];
          }
        }
        long dst = ptrs[plan.nin] + (off + done) * st[plan.nin];
        if (plan.castOut != null) {
          p[plan.nin] = bufAddr[plan.nin];
          s[plan.nin] = plan.loopSize[plan.nin];
          plan.call(p, s, m);
          plan.castOut.run(bufAddr[plan.nin], plan.loopSize[plan.nin], dst, st[plan.nin], m);
        } else {
          p[plan.nin] = dst;
          s[plan.nin] = st[plan.nin];
          plan.call(p, s, m);
        }
      }
    }

    @Override
    public void close() {
      if (scratch != null) {
        scratch.close();
      }
    }
  }
}
