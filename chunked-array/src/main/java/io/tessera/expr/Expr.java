package io.tessera.expr;

import io.tessera.dtype.DType;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.ndarray.NDArray;
import io.tessera.ufunc.TypeResolver;
import io.tessera.ufunc.Ufunc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A lazy, fused elementwise expression over arrays, Java scalars and ufuncs, evaluated in
 * cache-sized blocks (≈4096 elements) straight into its output with no full-size temporaries.
 *
 * <pre>{@code
 * NDArray r = Expr.of(a).add(b).mul(Expr.of(c).add(d)).eval();        // (a + b) * (c + d)
 * Expr.of(a).mul(b).add(Expr.of(c).mul(d)).into(out);                  // a*b + c*d into out
 * NDArray m = Expr.where(Expr.of(a).gt(0.5), a, Expr.of(b).abs()).eval();
 * NDArray s = Expr.of(x).sub(y).square().sum();                        // fused reduction
 * }</pre>
 *
 * <p><b>Semantics.</b> Each node is the ufunc call NumPy would make: its loop is resolved by
 * {@link TypeResolver} exactly as for the unfused call (Java {@code long}/{@code double} operands
 * are weak Python scalars, intermediate results are arrays), operands broadcast with NumPy's rules,
 * and the same generated kernels and cast loops run on the same values, so an evaluated expression
 * is bit-identical to the chain of unfused {@link Ufunc} calls (see {@code ExprTest}). Fused
 * reductions ({@link #sum()}, {@link #min()}, {@link #max()}, {@link #mean()}) are exact for
 * min/max; float sums add each block pairwise (NumPy's kernel) and the blocks in a fixed order, so
 * the result is deterministic but may differ from NumPy's single pairwise sum within
 * {@code (nblocks + log2(4096) + 1) * eps * sum(|v|)}.
 *
 * <p><b>Loops.</b> Small float64 forms over contiguous arrays (op0(op1(a, b), op2(c, d)),
 * op0(op1(a, b), c), op0(c, op1(a, b)) with + - * /, e.g. (a + b) * (c + d)) run one generated
 * loop over the elements ({@link FusedLoops}): the operands stream through memory once, together.
 * Everything else runs node by node over blocks of 4096 elements held in cache.
 *
 * <p><b>Serialization.</b> An expression of placeholders, scalars and ufuncs is {@link
 * java.io.Serializable} (ufuncs travel by name), so distributed operators can ship it to
 * executors; one holding arrays is not, and says so.
 *
 * <p><b>Placeholders.</b> {@link #arg(int)} stands for an operand given later ({@link #bind}); the
 * streaming outer operations ({@code io.tessera.chunk.Outer}) evaluate an expression over two
 * placeholders, e.g. {@code Expr.arg(0).sub(Expr.arg(1)).abs()} for |x - y|.
 */
public abstract class Expr implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  Expr() {}

  // ================================================================== construction

  /** An expression for {@code v}: an {@link NDArray}, an Expr, or a Java number/boolean (weak). */
  public static Expr of(Object v) {
    if (v instanceof Expr e) {
      return e;
    }
    if (v instanceof NDArray a) {
      return new Leaf(a);
    }
    if (v instanceof Number || v instanceof Boolean) {
      return new Scalar(v);
    }
    throw new IllegalArgumentException("Expr.of: expected an NDArray, Expr, number or boolean, got "
        + (v == null ? "null" : v.getClass().getName()));
  }

  /** Placeholder {@code k} (0-based), bound by {@link #bind} or by the outer operations. */
  public static Expr arg(int k) {
    if (k < 0) {
      throw new IllegalArgumentException("Expr.arg: negative placeholder " + k);
    }
    return new Placeholder(k);
  }

  /** {@code f(args...)} for a unary, binary or ternary ufunc. */
  public static Expr apply(Ufunc f, Object... args) {
    if (args.length != f.nin()) {
      throw new IllegalArgumentException(f.name() + " takes " + f.nin() + " inputs, got "
          + args.length);
    }
    Expr[] in = new Expr[args.length];
    for (int i = 0; i < in.length; i++) {
      in[i] = of(args[i]);
    }
    return new Call(f, in);
  }

  /** {@code np.where(cond, x, y)}. */
  public static Expr where(Object cond, Object x, Object y) {
    return apply(Ufunc.WHERE, cond, x, y);
  }

  public Expr add(Object o) {
    return apply(Ufunc.ADD, this, o);
  }

  public Expr sub(Object o) {
    return apply(Ufunc.SUBTRACT, this, o);
  }

  public Expr mul(Object o) {
    return apply(Ufunc.MULTIPLY, this, o);
  }

  public Expr div(Object o) {
    return apply(Ufunc.TRUE_DIVIDE, this, o);
  }

  public Expr pow(Object o) {
    return apply(Ufunc.POWER, this, o);
  }

  public Expr minimum(Object o) {
    return apply(Ufunc.MINIMUM, this, o);
  }

  public Expr maximum(Object o) {
    return apply(Ufunc.MAXIMUM, this, o);
  }

  public Expr lt(Object o) {
    return apply(Ufunc.LESS, this, o);
  }

  public Expr le(Object o) {
    return apply(Ufunc.LESS_EQUAL, this, o);
  }

  public Expr gt(Object o) {
    return apply(Ufunc.GREATER, this, o);
  }

  public Expr ge(Object o) {
    return apply(Ufunc.GREATER_EQUAL, this, o);
  }

  public Expr eq(Object o) {
    return apply(Ufunc.EQUAL, this, o);
  }

  public Expr ne(Object o) {
    return apply(Ufunc.NOT_EQUAL, this, o);
  }

  public Expr neg() {
    return apply(Ufunc.NEGATIVE, this);
  }

  public Expr abs() {
    return apply(Ufunc.ABSOLUTE, this);
  }

  public Expr square() {
    return apply(Ufunc.SQUARE, this);
  }

  public Expr sqrt() {
    return apply(Ufunc.SQRT, this);
  }

  public Expr exp() {
    return apply(Ufunc.EXP, this);
  }

  public Expr log() {
    return apply(Ufunc.LOG, this);
  }

  /** A unary ufunc applied to this expression. */
  public Expr map(Ufunc unary) {
    return apply(unary, this);
  }

  /** A binary ufunc with this expression as first operand. */
  public Expr then(Ufunc binary, Object o) {
    return apply(binary, this, o);
  }

  /** This expression with placeholder {@code k} replaced by {@code args[k]}. */
  public Expr bind(Object... args) {
    Expr[] a = new Expr[args.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = of(args[i]);
    }
    return substitute(a);
  }

  abstract Expr substitute(Expr[] args);

  // ================================================================== metadata

  /** The result dtype: that of the unfused ufunc calls. */
  public DType dtype() {
    return Plan.compile(this, null).rootType();
  }

  /** The broadcast shape of the expression's arrays. */
  public long[] shape() {
    return Plan.compile(this, null).shape();
  }

  /** Scratch bytes an evaluation holds at most (per-thread blocks; no full-size temporaries). */
  public long peakBytes() {
    return Plan.compile(this, null).scratchPeakBytes();
  }

  // ================================================================== evaluation

  /** Evaluates into a new C-order array allocated from the first array operand's allocator. */
  public NDArray eval() {
    return Plan.compile(this, null).evalNew();
  }

  /**
   * Evaluates into {@code out} (shape: the broadcast shape, or one it broadcasts to; any dtype
   * the result casts to under same_kind). Returns {@code out}.
   */
  public NDArray into(NDArray out) {
    return Plan.compile(this, null).evalInto(out);
  }

  /** {@code np.sum(expr)}: a 0-d array of add.reduce's dtype. */
  public NDArray sum() {
    return Plan.compile(this, null).reduceAll(Ufunc.ADD, false);
  }

  /** {@code np.min(expr)}. */
  public NDArray min() {
    return Plan.compile(this, null).reduceAll(Ufunc.MINIMUM, false);
  }

  /** {@code np.max(expr)}. */
  public NDArray max() {
    return Plan.compile(this, null).reduceAll(Ufunc.MAXIMUM, false);
  }

  /** {@code np.mean(expr)}. */
  public NDArray mean() {
    return Plan.compile(this, null).reduceAll(Ufunc.ADD, true);
  }

  /** {@code reduce.reduce(expr, axis=None)} for any reducing binary ufunc. */
  public NDArray reduce(Ufunc reduce) {
    return Plan.compile(this, null).reduceAll(reduce, false);
  }

  // ================================================================== nodes

  static final class Leaf extends Expr {
    private static final long serialVersionUID = 1L;
    final transient NDArray array;

    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
      throw new java.io.NotSerializableException("an Expr holding the array " + this
          + " cannot be serialized; use placeholders (Expr.arg) and bind them where it runs");
    }

    Leaf(NDArray array) {
      this.array = Objects.requireNonNull(array);
    }

    @Override
    Expr substitute(Expr[] args) {
      return this;
    }

    @Override
    public String toString() {
      return "array" + Arrays.toString(array.shape()) + array.dtype();
    }
  }

  static final class Scalar extends Expr {
    private static final long serialVersionUID = 1L;
    final Object value;

    Scalar(Object value) {
      this.value = value;
    }

    DType weakType() {
      return value instanceof Boolean ? DType.BOOL : value instanceof Double
          || value instanceof Float ? DType.FLOAT64 : DType.INT64;
    }

    Number number() {
      return value instanceof Boolean b ? (Number) (b ? 1L : 0L) : (Number) value;
    }

    @Override
    Expr substitute(Expr[] args) {
      return this;
    }

    @Override
    public String toString() {
      return String.valueOf(value);
    }
  }

  static final class Placeholder extends Expr {
    private static final long serialVersionUID = 1L;
    final int index;

    Placeholder(int index) {
      this.index = index;
    }

    @Override
    Expr substitute(Expr[] args) {
      if (index >= args.length) {
        throw new TesseraException("expr", "expr: placeholder arg(" + index + ") not bound ("
            + args.length + " arguments)");
      }
      return args[index];
    }

    @Override
    public String toString() {
      return "arg" + index;
    }
  }

  static final class Call extends Expr {
    private static final long serialVersionUID = 1L;
    final transient Ufunc ufunc;
    private final String ufuncName;
    final Expr[] inputs;

    Call(Ufunc ufunc, Expr[] inputs) {
      this.ufunc = ufunc;
      this.ufuncName = ufunc.name();
      this.inputs = inputs;
    }

    /** Ufuncs travel by name. */
    private Object readResolve() {
      return new Call(Ufunc.of(ufuncName), inputs);
    }

    @Override
    Expr substitute(Expr[] args) {
      Expr[] in = new Expr[inputs.length];
      for (int i = 0; i < in.length; i++) {
        in[i] = inputs[i].substitute(args);
      }
      return new Call(ufunc, in);
    }

    @Override
    public String toString() {
      List<String> s = new ArrayList<>();
      for (Expr e : inputs) {
        s.add(e.toString());
      }
      return ufunc.name() + "(" + String.join(", ", s) + ")";
    }
  }

  static ShapeException shapeError(String msg) {
    return new ShapeException("expr", msg);
  }
}
