package io.tessera.linalg;

import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.dtype.Promotion;
import io.tessera.errors.CastingException;
import io.tessera.errors.ClosedArrayException;
import io.tessera.errors.EinsumException;
import io.tessera.errors.ReadOnlyArrayException;
import io.tessera.linalg.einsum.BatchMatmul;
import io.tessera.linalg.einsum.EinsumPath;
import io.tessera.linalg.einsum.EinsumSpec;
import io.tessera.linalg.einsum.Path;
import io.tessera.linalg.einsum.Strategy;
import io.tessera.ndarray.Creation;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * NumPy's {@code np.einsum} and {@code np.einsum_path}: Einstein summation over any number of
 * operands, with NumPy's subscript grammar ({@link EinsumSpec}), contraction-path optimizer
 * ({@link EinsumPath}), result dtypes, views and error messages.
 *
 * <pre>{@code
 * NDArray c = Einsum.einsum("ij,jk->ik", a, b);                         // optimize=False
 * NDArray d = Einsum.einsum("ij,jk,kl->il", EinsumOptions.optimized(), a, b, c);
 * NDArray t = Einsum.einsum("ii", m);                                    // trace, 0-d
 * NDArray g = Einsum.einsum("ii->i", m);                                 // diagonal: a VIEW
 * Path p = Einsum.einsumPath("ij,jk,kl->il", Strategy.GREEDY, a, b, c);  // p.report()
 * }</pre>
 *
 * <p><b>How it runs.</b>
 * <ul>
 *   <li><b>One operand, nothing summed</b> ({@code "ij->ji"}, {@code "ii->i"}, {@code "...ii->...i"},
 *       {@code "ij"}) and no {@code out}: a VIEW of the operand, writeable when it is, as NumPy's
 *       {@code get_single_op_view} (and, like NumPy, {@code dtype=} is then not applied). Every
 *       label's stride is the sum of its dimensions' strides, so a repeated label walks the
 *       diagonal.
 *   <li><b>{@code optimize=False}</b> (the default, as NumPy's): NumPy's C einsum, one pass over
 *       the whole index space summing products ({@code EinsumLoop}): any number of operands,
 *       repeated labels, ellipsis, broadcasting; traces and sums ({@code "ii"}, {@code "ij->i"})
 *       read the operand in place; outer products ({@code "i,j,k->ijk"}) write each output
 *       element once, straight into the result, on several threads.
 *   <li><b>Optimized</b> ({@code optimize=True / "greedy" / "optimal"} or an explicit path): the
 *       planner's steps in order, each step's operands removed from the list (highest position
 *       first) and its result appended. A one-operand step is a view or a loop as above; a
 *       two-operand step is a batched matrix product on BLAS over strided views, or a
 *       broadcasting multiply when nothing is summed ({@code EinsumPair}); a step of three or
 *       more operands runs in one pass.
 * </ul>
 *
 * <p><b>dtypes</b> as NumPy's: each step computes in {@code dtype=} if given, else in
 * {@code np.result_type} of its operands (no widening: an int8 sum wraps around in int8; bool sums
 * are OR of ANDs). Operands are checked against {@code dtype=} with the casting rule ({@code
 * 'safe'} by default for the one-pass evaluation, {@code 'same_kind'} for two-operand steps of an
 * optimized path, as NumPy's {@code matmul}/{@code multiply}), and the result against {@code
 * out}'s dtype, all before anything is computed or written.
 *
 * <p><b>Accuracy.</b> Integer and bool results and views are exact (bit-identical to NumPy,
 * wrap-around included). Floats are summed in a different order than NumPy's (BLAS blocks and
 * vectorizes; the one-pass loop keeps float32 and float16 sums in double within a run; an
 * optimized path may multiply the operands of a product in another order), so each element
 * agrees with NumPy's to within {@code (k + nop + 1)·eps·S}, where k is the number of terms summed
 * into the element (the product of the summed labels' sizes; 1 for pure products), nop the number
 * of operands, eps the result dtype's machine epsilon (2^-52, 2^-23, 2^-10) and S the same einsum
 * over the operands' absolute values (in float64): NumPy's and Tessera's results each lie within
 * {@code (k + nop)·eps/2·S} of the exact value. float16 results may also differ by one unit in
 * the last place from the final rounding. {@code EinsumGoldenTest} holds every case to this.
 *
 * <p><b>Ownership and layout.</b> The result is a new array (or a view) the caller must close;
 * with {@code out}, the call returns {@code out} itself. Operands are never closed or modified.
 * Results of the one-pass loop and of multiplies are in C order; a matrix-product step writes a
 * C-order result when its row labels and its column labels each form one block there, else it
 * returns a transposed view of its (batch, rows, columns) product, as NumPy always does.
 *
 * <p><b>Plans</b> (parsed subscripts and contraction paths) are cached per subscripts, shapes and
 * planning options (up to 512), so a repeated einsum does not pay for
 * parsing and path search again.
 */
public final class Einsum {
  private Einsum() {}

  /**
   * Operand copies einsum made since the JVM started, across threads: operands gathered element by
   * element for a GEMM because their axes do not merge into a strided 2-D view, and operands
   * converted to a dtype they do not cast to exactly. For tests: a step on views leaves it alone.
   */
  static final AtomicLong COPIES = new AtomicLong();

  private static final ThreadLocal<List<Object[]>> TRACE = ThreadLocal.withInitial(ArrayList::new);

  /** What the last einsum on this thread did, one entry per kernel ("view", "loop", "gemm ..."). */
  static List<String> lastTrace() {
    List<String> out = new ArrayList<>();
    for (Object[] parts : TRACE.get()) {
      StringBuilder sb = new StringBuilder();
      for (Object p : parts) {
        sb.append(p);
      }
      out.add(sb.toString());
    }
    return out;
  }

  /** Records a kernel of the current call; the parts are joined only when a test asks. */
  static void trace(Object... parts) {
    List<Object[]> t = TRACE.get();
    if (t.size() < 256) {
      t.add(parts);
    }
  }

  // ------------------------------------------------------------------ einsum

  /**
   * {@code np.einsum(subscripts, *operands)}: NumPy's defaults ({@code optimize=False}).
   *
   * @throws EinsumException for malformed subscripts or operands that do not fit them, with
   *     NumPy's message, the subscripts and the operand shapes
   */
  public static NDArray einsum(String subscripts, NDArray... operands) {
    return einsum(subscripts, EinsumOptions.defaults(), operands);
  }

  /**
   * {@code np.einsum(subscripts, *operands, optimize=, out=, dtype=, casting=)}.
   *
   * @return a new array or view (the caller closes it), or {@code options.out()} itself
   * @throws EinsumException for malformed subscripts, operands that do not fit them, an
   *     {@code out} of the wrong shape, or an invalid explicit path
   * @throws CastingException when an operand does not cast to {@code dtype=} or the result to
   *     {@code out}'s dtype under the casting rule
   * @throws ReadOnlyArrayException when {@code out} is read-only
   */
  public static NDArray einsum(String subscripts, EinsumOptions options, NDArray... operands) {
    Objects.requireNonNull(options, "options");
    NDArray[] ops = operands == null ? new NDArray[0] : operands.clone();
    long[][] shapes = new long[ops.length][];
    for (int i = 0; i < ops.length; i++) {
      shapes[i] = Objects.requireNonNull(ops[i], "operand " + i).shape();
      if (!ops[i].isOpen()) {
        throw new ClosedArrayException("einsum", "einsum: operand " + i + " "
            + EinsumLoop.shapeString(shapes[i]) + " " + ops[i].dtype() + " is closed");
      }
    }
    if (options.out() != null && !options.out().isOpen()) {
      throw new ClosedArrayException("einsum", "einsum: out is closed");
    }
    Planned planned = planned(subscripts, shapes, options);
    EinsumSpec spec = planned.spec;
    TRACE.get().clear();
    NDArray out = options.out();
    DType dtype = options.dtype();

    // one operand, every label kept: NumPy's get_single_op_view
    if (ops.length == 1 && out == null && keepsAll(spec.input(0), spec.output())) {
      trace("view");
      return singleView(ops[0], spec.input(0), spec.output(), spec.outputShape());
    }

    List<io.tessera.linalg.einsum.Contraction> steps = planned.path.steps();
    // every check before any work: dtypes along the path, then out
    List<DType> live = new ArrayList<>();
    for (NDArray op : ops) {
      live.add(op.dtype());
    }
    DType last = null;
    boolean optimized = options.optimizes();
    for (int s = 0; s < steps.size(); s++) {
      io.tessera.linalg.einsum.Contraction c = steps.get(s);
      int[] rm = c.operands();
      DType[] in = new DType[rm.length];
      for (int i = 0; i < rm.length; i++) {
        in[i] = live.remove(rm[i]);
      }
      String ufunc = optimized && rm.length == 2 ? ufuncName(c) : null;
      DType ct = dtype != null ? dtype : Promotion.resultType(in);
      if (dtype != null) {
        Casting rule = options.casting() != null ? options.casting()
            : ufunc != null ? Casting.SAME_KIND : Casting.SAFE;
        for (int i = 0; i < in.length; i++) {
          if (!Casting.canCast(in[i], dtype, rule)) {
            throw new CastingException("einsum", ufunc != null
                ? "Cannot cast ufunc '" + ufunc + "' input " + i + " from " + repr(in[i]) + " to "
                    + repr(dtype) + " with casting rule '" + rule.numpyName() + "'"
                : "Iterator operand " + i + " dtype could not be cast from " + repr(in[i])
                    + " to " + repr(dtype) + " according to the rule '" + rule.numpyName() + "'");
          }
        }
      }
      live.add(ct);
      last = ct;
      if (s == steps.size() - 1 && out != null) {
        checkOut(spec, out, ct, options.casting(), ufunc, rm.length);
      }
    }

    if (!optimized) {
      trace("loop ", spec.expression());
      return loop(ops, spec.inputs().toArray(new String[0]), spec.output(), last, out);
    }
    return execute(spec, steps, ops, dtype, out);
  }

  private static String ufuncName(io.tessera.linalg.einsum.Contraction c) {
    BatchMatmul bm = c.batchMatmul();
    return bm != null && bm.pureMultiplication() ? "multiply" : "matmul";
  }

  /** A parsed and planned einsum; immutable, so cached and shared between calls and threads. */
  private record Planned(EinsumSpec spec, Path path) {}

  /** Most plans kept; the cache is emptied when it would grow beyond. */
  static final int PLAN_CACHE_SIZE = 512;

  private static final ConcurrentHashMap<String, Planned> PLANS = new ConcurrentHashMap<>();

  /**
   * The spec and path for these subscripts, shapes and planning options, from the cache when the
   * same einsum was planned before (parsing and planning cost about as much as a small
   * contraction: NumPy re-plans on every call, Tessera does not need to).
   */
  private static Planned planned(String subscripts, long[][] shapes, EinsumOptions options) {
    // length-prefixed subscripts, then the shapes: no two calls share a key
    StringBuilder k = new StringBuilder().append(Objects.requireNonNull(subscripts, "subscripts")
        .length()).append(':').append(subscripts).append(shapes.length);
    for (long[] sh : shapes) {
      k.append(Arrays.toString(sh));
    }
    k.append(options.strategy()).append(' ').append(options.memoryLimit());
    List<int[]> explicit = options.path();
    if (explicit != null) {
      for (int[] st : explicit) {
        k.append(Arrays.toString(st));
      }
    }
    String key = k.toString();
    Planned p = PLANS.get(key);
    if (p == null) {
      EinsumSpec spec = EinsumSpec.parse(subscripts, shapes);
      p = new Planned(spec, plan(spec, options));
      for (io.tessera.linalg.einsum.Contraction c : p.path.steps()) {
        c.batchMatmul(); // computed once, then shared
      }
      if (PLANS.size() >= PLAN_CACHE_SIZE) {
        PLANS.clear();
      }
      PLANS.put(key, p);
    }
    return p;
  }

  private static Path plan(EinsumSpec spec, EinsumOptions options) {
    List<int[]> explicit = options.path();
    if (explicit != null) {
      return EinsumPath.explicit(spec, explicit);
    }
    return EinsumPath.plan(spec, options.strategy(), options.memoryLimit());
  }

  /** True when every label of {@code in} is in {@code out} (nothing is summed). */
  private static boolean keepsAll(String in, String out) {
    for (int i = 0; i < in.length(); i++) {
      if (out.indexOf(in.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The operand seen with the output's labels: strides of equal labels add up. A view. */
  private static NDArray singleView(NDArray a, String in, String out, long[] shape) {
    long[] st = a.strides();
    long[] sh = a.shape();
    long[] strides = new long[out.length()];
    for (int d = 0; d < in.length(); d++) {
      if (sh[d] > 1) {
        strides[out.indexOf(in.charAt(d))] += st[d];
      }
    }
    return a.asStrided(shape, strides, true);
  }

  private static void checkOut(EinsumSpec spec, NDArray out, DType ct, Casting casting,
      String ufunc, int arity) {
    long[] want = spec.outputShape();
    long[] have = out.shape();
    if (have.length != want.length) {
      throw new EinsumException("einsum", EinsumException.Kind.SIZE_MISMATCH,
          "out parameter does not have the correct number of dimensions, has " + have.length
              + " but should have " + want.length, spec.subscripts(), spec.operandShapes(),
          "out has shape " + EinsumLoop.shapeString(have));
    }
    if (!Arrays.equals(have, want)) {
      throw new EinsumException("einsum", EinsumException.Kind.SIZE_MISMATCH,
          "out parameter has shape " + EinsumLoop.shapeString(have) + " but the result has shape "
              + EinsumLoop.shapeString(want), spec.subscripts(), spec.operandShapes(),
          "output term '" + spec.output() + "'");
    }
    if (!out.isWriteable()) {
      throw new ReadOnlyArrayException("einsum",
          "operand array with iterator write flag set is read-only");
    }
    Casting rule = casting != null ? casting : ufunc != null ? Casting.SAME_KIND : Casting.SAFE;
    if (!Casting.canCast(ct, out.dtype(), rule)) {
      throw new CastingException("einsum", ufunc != null
          ? "Cannot cast ufunc '" + ufunc + "' output from " + repr(ct) + " to "
              + repr(out.dtype()) + " with casting rule '" + rule.numpyName() + "'"
          : "Iterator requested dtype could not be cast from " + repr(ct) + " to "
              + repr(out.dtype()) + ", the operand " + arity + " dtype, according to the rule '"
              + rule.numpyName() + "'");
    }
  }

  private static String repr(DType t) {
    return "dtype('" + t.numpyName() + "')";
  }

  /** Runs the path's steps. */
  private static NDArray execute(EinsumSpec spec, List<io.tessera.linalg.einsum.Contraction> steps,
      NDArray[] inputs, DType dtype, NDArray out) {
    List<NDArray> live = new ArrayList<>(Arrays.asList(inputs));
    List<Boolean> owned = new ArrayList<>();
    for (int i = 0; i < inputs.length; i++) {
      owned.add(false);
    }
    try {
      for (int s = 0; s < steps.size(); s++) {
        io.tessera.linalg.einsum.Contraction c = steps.get(s);
        boolean final_ = s == steps.size() - 1;
        int[] rm = c.operands();
        NDArray[] ops = new NDArray[rm.length];
        boolean[] own = new boolean[rm.length];
        DType[] types = new DType[rm.length];
        for (int i = 0; i < rm.length; i++) {
          ops[i] = live.remove(rm[i]);
          own[i] = owned.remove(rm[i]);
          types[i] = ops[i].dtype();
        }
        String[] terms = c.inputs().toArray(new String[0]);
        String result = c.result();
        DType ct = dtype != null ? dtype : Promotion.resultType(types);
        NDArray dest = final_ ? out : null;
        NDArray r;
        try {
          if (dest != null && overlaps(dest, inputs)) {
            dest = null;
          }
          if (ops.length == 1 && dest == null && keepsAll(terms[0], result)) {
            trace("view ", terms[0], "->", result);
            r = singleView(ops[0], terms[0], result, c.resultShape());
          } else if (ops.length == 2) {
            r = EinsumPair.contract(ops[0], terms[0], ops[1], terms[1], result, ct,
                dest != null && dest.dtype() == ct ? dest : null);
          } else {
            trace("loop ", c.einsumString());
            r = loop(ops, terms, result, ct, dest != null && dest.dtype() == ct ? dest : null);
          }
        } finally {
          for (int i = 0; i < ops.length; i++) {
            if (own[i]) {
              ops[i].close();
            }
          }
        }
        if (final_ && out != null && r != out) {
          try (NDArray res = r) {
            out.assign(res);
          }
          r = out;
        }
        live.add(r);
        owned.add(r != out);
      }
      NDArray result = live.remove(0);
      owned.remove(0);
      return result;
    } finally {
      for (int i = 0; i < live.size(); i++) {
        if (owned.get(i)) {
          live.get(i).close();
        }
      }
    }
  }

  private static boolean overlaps(NDArray dest, NDArray[] inputs) {
    for (NDArray x : inputs) {
      if (dest.mayShareMemory(x)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The one-pass evaluation of {@code terms -> outTerm} in dtype {@code ct}, into {@code dest}
   * (any dtype the caller has checked; written in place when it is ct and overlaps no operand)
   * or a new C-order array.
   */
  static NDArray loop(NDArray[] ops, String[] terms, String outTerm, DType ct, NDArray dest) {
    List<NDArray> owned = new ArrayList<>();
    try {
      NDArray[] xs = new NDArray[ops.length];
      for (int i = 0; i < ops.length; i++) {
        xs[i] = exact(ops[i], ct, owned);
      }
      boolean direct = dest != null && dest.dtype() == ct && !overlaps(dest, ops);
      NDArray target;
      if (direct) {
        target = dest;
      } else {
        long[] shape = new long[outTerm.length()];
        Arrays.fill(shape, 1);
        for (int i = 0; i < ops.length; i++) {
          long[] sh = ops[i].shape();
          for (int d = 0; d < sh.length; d++) {
            int o = outTerm.indexOf(terms[i].charAt(d));
            if (o >= 0 && (sh[d] == 0 || shape[o] != 0 && sh[d] > shape[o])) {
              shape[o] = sh[d];
            }
          }
        }
        target = Creation.empty(ops[0].allocator(), ct, shape, Order.C,
            Creation.DEFAULT_ALIGNMENT);
      }
      try {
        EinsumLoop.run(xs, terms, outTerm, target);
        if (dest != null && !direct) {
          dest.assign(target);
        }
      } catch (RuntimeException e) {
        if (!direct) {
          target.close();
        }
        throw e;
      }
      if (dest != null && !direct) {
        target.close();
        return dest;
      }
      return target;
    } finally {
      for (NDArray x : owned) {
        x.close();
      }
    }
  }

  /**
   * {@code x} when its elements convert exactly to ct (a safe cast: the loops and the GEMM staging
   * convert them on the fly), else {@code x.astype(ct)} (NumPy's cast; counted in {@link #COPIES},
   * added to {@code owned}).
   */
  static NDArray exact(NDArray x, DType ct, List<NDArray> owned) {
    if (x.dtype() == ct || Casting.canCast(x.dtype(), ct, Casting.SAFE)) {
      return x;
    }
    COPIES.incrementAndGet();
    NDArray c = x.astype(ct);
    owned.add(c);
    return c;
  }

  // ------------------------------------------------------------------ einsum_path

  /** {@code np.einsum_path(subscripts, *operands)}: NumPy's default optimizer, greedy. */
  public static Path einsumPath(String subscripts, NDArray... operands) {
    return einsumPath(subscripts, Strategy.GREEDY, operands);
  }

  /**
   * {@code np.einsum_path(subscripts, *operands, optimize=strategy)}: the contraction order and
   * NumPy's report ({@link Path#report()}).
   */
  public static Path einsumPath(String subscripts, Strategy strategy, NDArray... operands) {
    return EinsumPath.plan(EinsumSpec.parse(subscripts, shapes(operands)), strategy);
  }

  /** As {@link #einsumPath(String, Strategy, NDArray...)} from operand shapes alone. */
  public static Path einsumPath(String subscripts, Strategy strategy, long[]... shapes) {
    return EinsumPath.plan(EinsumSpec.parse(subscripts, shapes), strategy);
  }

  /**
   * {@code np.einsum_path} with the optimizer, memory limit or explicit path of {@code options}
   * (its {@code out} and {@code dtype} play no part in planning). With {@code optimize=False} the
   * path is a single step over all operands, as NumPy's.
   */
  public static Path einsumPath(String subscripts, EinsumOptions options, NDArray... operands) {
    return planned(subscripts, shapes(operands), options).path;
  }

  private static long[][] shapes(NDArray[] operands) {
    NDArray[] ops = operands == null ? new NDArray[0] : operands;
    long[][] shapes = new long[ops.length][];
    for (int i = 0; i < ops.length; i++) {
      shapes[i] = Objects.requireNonNull(ops[i], "operand " + i).shape();
    }
    return shapes;
  }
}
