package io.tessera.ufunc;

import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;

/**
 * A universal function: an elementwise operation with NumPy's broadcasting, type promotion
 * (NEP 50: Java {@code long}/{@code double} operands are weak like Python scalars), casting rules,
 * {@code out=}, {@code where=}, {@code dtype=} and overlap safety.
 *
 * <pre>{@code
 * NDArray c = Ufunc.ADD.apply(a, b);                 // new array
 * Ufunc.MULTIPLY.apply(a, 2.0, a);                    // in place: a *= 2
 * Ufunc.ADD.with().out(c).where(mask).casting(Casting.UNSAFE).apply(a, b);
 * }</pre>
 *
 * <p>Every check (shapes, dtypes, casting, read-only or closed arrays) happens before anything is
 * written: a call that fails leaves its {@code out} untouched. An input that overlaps {@code out}
 * is copied first unless both walk the same addresses in step (true in-place operation), so the
 * result always equals NumPy's.
 */
public final class Ufunc {
  private final UfuncSpec spec;

  private Ufunc(String name) {
    this.spec = UfuncSpecs.get(name);
  }

  /** The ufunc named as in NumPy ({@code "add"}, {@code "true_divide"}, ...). */
  public static Ufunc of(String name) {
    return new Ufunc(name);
  }

  public String name() {
    return spec.name();
  }

  public int nin() {
    return spec.nin();
  }

  public UfuncSpec spec() {
    return spec;
  }

  // ------------------------------------------------------------------ calls

  /** Unary call into a new array. */
  public NDArray apply(NDArray x) {
    return with().apply(x);
  }

  /**
   * Binary call {@code f(a, b)} into a new array, each operand an {@link NDArray} or a Java number
   * / boolean (a weak scalar); for a unary ufunc, NumPy's positional {@code f(x, out)}.
   */
  public NDArray apply(Object a, Object b) {
    if (spec.nin() == 1) {
      return with().out((NDArray) b).apply(a);
    }
    return with().apply(a, b);
  }

  /** Binary call into {@code out}, which may be one of the inputs (in place). */
  public NDArray apply(Object a, Object b, NDArray out) {
    return with().out(out).apply(a, b);
  }

  /** Options for one call: {@code out}, {@code where}, {@code casting}, {@code dtype}. */
  public Call with() {
    return new Call(spec);
  }

  /** The keyword arguments of a ufunc call, NumPy's {@code out=, where=, casting=, dtype=}. */
  public static final class Call {
    private final UfuncSpec spec;
    private NDArray out;
    private NDArray where;
    private Casting casting = Casting.SAME_KIND;
    private DType dtype;

    private Call(UfuncSpec spec) {
      this.spec = spec;
    }

    /** Write the result here (its shape must be the broadcast shape). Not closed by the call. */
    public Call out(NDArray out) {
      this.out = out;
      return this;
    }

    /** Compute only where the boolean mask is true; other output elements are left as they were. */
    public Call where(NDArray mask) {
      this.where = mask;
      return this;
    }

    /** Casting rule for inputs and output (default {@code same_kind}). */
    public Call casting(Casting casting) {
      this.casting = casting;
      return this;
    }

    /** Computation dtype ({@code dtype=}). */
    public Call dtype(DType dtype) {
      this.dtype = dtype;
      return this;
    }

    public NDArray apply(Object... inputs) {
      return Execution.run(spec, inputs, out, where, casting, dtype);
    }
  }

  // ------------------------------------------------------------------ reductions

  /**
   * {@code ufunc.reduce(a, axis=axes, keepdims=, dtype=, out=, where=, initial=)} with the
   * options of {@link Reductions.Options} (null: every axis); see {@link Reduction}.
   */
  public NDArray reduce(NDArray a, Reductions.Options options) {
    return Reductions.reduce(this, a, options);
  }

  /** {@code ufunc.reduce(a, axis=0)}, NumPy's default axis. */
  public NDArray reduce(NDArray a) {
    return Reductions.reduce(this, a, Reductions.axis(0));
  }

  /** {@code ufunc.accumulate(a, axis, dtype=, out=)} (dtype and out may be null). */
  public NDArray accumulate(NDArray a, int axis, DType dtype, NDArray out) {
    return Accumulation.accumulate(spec, a, axis, dtype, out);
  }

  /** {@code ufunc.accumulate(a)}: along axis 0. */
  public NDArray accumulate(NDArray a) {
    return Accumulation.accumulate(spec, a, 0, null, null);
  }

  @Override
  public String toString() {
    return "<ufunc '" + spec.name() + "'>";
  }

  /** {@code np.where(cond, x, y)}: elements of x where cond, else of y, in result_type(x, y). */
  public static NDArray where(NDArray cond, Object x, Object y) {
    return WHERE.with().apply(cond, x, y);
  }

  /** {@code np.clip(a, lo, hi)}; lo and hi are arrays or Java numbers. */
  public static NDArray clip(Object a, Object lo, Object hi) {
    return CLIP.with().apply(a, lo, hi);
  }

  // ------------------------------------------------------------------ the ufuncs

  public static final Ufunc ADD = of("add");
  public static final Ufunc SUBTRACT = of("subtract");
  public static final Ufunc MULTIPLY = of("multiply");
  public static final Ufunc TRUE_DIVIDE = of("true_divide");
  public static final Ufunc DIVIDE = TRUE_DIVIDE;
  public static final Ufunc FLOOR_DIVIDE = of("floor_divide");
  public static final Ufunc REMAINDER = of("remainder");
  public static final Ufunc FMOD = of("fmod");
  public static final Ufunc POWER = of("power");
  public static final Ufunc MAXIMUM = of("maximum");
  public static final Ufunc MINIMUM = of("minimum");
  public static final Ufunc FMAX = of("fmax");
  public static final Ufunc FMIN = of("fmin");
  public static final Ufunc ARCTAN2 = of("arctan2");
  public static final Ufunc HYPOT = of("hypot");
  public static final Ufunc COPYSIGN = of("copysign");
  public static final Ufunc EQUAL = of("equal");
  public static final Ufunc NOT_EQUAL = of("not_equal");
  public static final Ufunc LESS = of("less");
  public static final Ufunc LESS_EQUAL = of("less_equal");
  public static final Ufunc GREATER = of("greater");
  public static final Ufunc GREATER_EQUAL = of("greater_equal");
  public static final Ufunc LOGICAL_AND = of("logical_and");
  public static final Ufunc LOGICAL_OR = of("logical_or");
  public static final Ufunc LOGICAL_XOR = of("logical_xor");
  public static final Ufunc BITWISE_AND = of("bitwise_and");
  public static final Ufunc BITWISE_OR = of("bitwise_or");
  public static final Ufunc BITWISE_XOR = of("bitwise_xor");
  public static final Ufunc LEFT_SHIFT = of("left_shift");
  public static final Ufunc RIGHT_SHIFT = of("right_shift");

  public static final Ufunc NEGATIVE = of("negative");
  public static final Ufunc POSITIVE = of("positive");
  public static final Ufunc ABSOLUTE = of("absolute");
  public static final Ufunc SIGN = of("sign");
  public static final Ufunc SQRT = of("sqrt");
  public static final Ufunc CBRT = of("cbrt");
  public static final Ufunc SQUARE = of("square");
  public static final Ufunc RECIPROCAL = of("reciprocal");
  public static final Ufunc EXP = of("exp");
  public static final Ufunc EXP2 = of("exp2");
  public static final Ufunc EXPM1 = of("expm1");
  public static final Ufunc LOG = of("log");
  public static final Ufunc LOG2 = of("log2");
  public static final Ufunc LOG10 = of("log10");
  public static final Ufunc LOG1P = of("log1p");
  public static final Ufunc SIN = of("sin");
  public static final Ufunc COS = of("cos");
  public static final Ufunc TAN = of("tan");
  public static final Ufunc ARCSIN = of("arcsin");
  public static final Ufunc ARCCOS = of("arccos");
  public static final Ufunc ARCTAN = of("arctan");
  public static final Ufunc SINH = of("sinh");
  public static final Ufunc COSH = of("cosh");
  public static final Ufunc TANH = of("tanh");
  public static final Ufunc FLOOR = of("floor");
  public static final Ufunc CEIL = of("ceil");
  public static final Ufunc TRUNC = of("trunc");
  public static final Ufunc RINT = of("rint");
  public static final Ufunc ISNAN = of("isnan");
  public static final Ufunc ISINF = of("isinf");
  public static final Ufunc ISFINITE = of("isfinite");
  public static final Ufunc LOGICAL_NOT = of("logical_not");
  public static final Ufunc INVERT = of("invert");

  /** {@code np.clip(a, lo, hi)} (ternary). */
  public static final Ufunc CLIP = of("clip");
  /** {@code np.where(cond, x, y)} (ternary; promotion is result_type(x, y)). */
  public static final Ufunc WHERE = of("where");
}
