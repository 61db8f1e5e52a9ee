package io.tessera.spark.internal;

import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.spark.Scalar;
import io.tessera.ufunc.Reductions;
import io.tessera.ufunc.TypeResolver;
import io.tessera.ufunc.Ufunc;
import java.io.Serializable;
import java.util.function.BinaryOperator;

/**
 * Internal: one reduction of a distributed array, split into what a task computes from one block
 * ({@link #partial}), how two partials combine ({@link #apply}: left then right, in the order of
 * the blocks along the reduced axes) and how the combined partial becomes the result ({@link
 * #finish}). Built and validated on the driver, shipped in closures.
 *
 * <p><b>Per kind.</b>
 * <ul>
 *   <li>Float {@code sum}, every {@code mean}, {@code var}/{@code std}: exact
 *       ({@link ExactAccumulator}): the block adds each element (integers and bool converted to
 *       float64 first, as NumPy's mean and var do) and, for var, its exact square; partials merge
 *       exactly; the finish rounds once. Sums are correctly rounded to the result dtype; mean is
 *       the correctly rounded float64 sum divided by the count, cast to the result dtype (the local
 *       {@code ChunkedReductions.mean}); var is {@code (n*S2 - S1^2) / (n*(n - ddof))} computed
 *       exactly and rounded once, std its correctly rounded square root.
 *   <li>Integer and bool {@code sum}, {@code prod}: NumPy's per-block reduction (int64/uint64,
 *       wrapping), combined by wrapping addition/multiplication: exact in any order.
 *   <li>Float {@code prod}: NumPy's per-block product, combined by multiplication in the result
 *       dtype in the fixed block tree: depends on the chunk grid (not on partitions).
 *   <li>{@code min}/{@code max}: NumPy's per-block reduction combined with NumPy's {@code
 *       maximum}/{@code minimum} rule ({@code a >= b || isnan(a) ? a : b}) in the block tree, as
 *       the local engine's chunked min/max.
 *   <li>{@code argmin}/{@code argmax}: per block NumPy's index (made global) and the extreme value;
 *       combined by value with NumPy's rules (a NaN wins, then the first occurrence, i.e. the
 *       smaller index): independent of order.
 *   <li>{@code any}/{@code all}: per block, combined by or/and.
 * </ul>
 */
public final class ReduceSpec implements Serializable, BinaryOperator<ReducePartial> {
  private static final long serialVersionUID = 1L;

  /** The reductions. */
  public enum Op {
    SUM("sum"), PROD("prod"), MIN("min"), MAX("max"), MEAN("mean"), VAR("var"), STD("std"),
    ARGMIN("argmin"), ARGMAX("argmax"), ANY("any"), ALL("all");

    private final String numpy;

    Op(String numpy) {
      this.numpy = numpy;
    }

    public String numpyName() {
      return numpy;
    }

    public boolean isArg() {
      return this == ARGMIN || this == ARGMAX;
    }
  }

  private enum Kind { EXACT, VARIANCE, INT_SUM, PRODUCT, EXTREME, ARG, LOGICAL }

  private final Op op;
  private final DType input;
  private final DType result;
  private final Kind kind;
  private final boolean[] reduced;
  private final long[] shape;
  private final long count;
  private final double ddof;
  /** Arg reductions: the axis, or -1 for the flat index. */
  private final int argAxis;

  /**
   * @param reduced which axes of {@code shape} are reduced
   * @param argAxis for arg reductions, the reduced axis or -1 for the flat (C order) index
   */
  public ReduceSpec(Op op, DType input, long[] shape, boolean[] reduced, double ddof,
      int argAxis) {
    this.op = op;
    this.input = input;
    this.shape = shape.clone();
    this.reduced = reduced.clone();
    this.ddof = ddof;
    this.argAxis = argAxis;
    long c = 1;
    for (int a = 0; a < shape.length; a++) {
      if (reduced[a]) {
        c *= shape[a];
      }
    }
    this.count = c;
    switch (op) {
      case SUM:
        result = TypeResolver.resultTypeForReduce(Ufunc.ADD.spec(), input, null);
        kind = input.isFloat() ? Kind.EXACT : Kind.INT_SUM;
        break;
      case PROD:
        result = TypeResolver.resultTypeForReduce(Ufunc.MULTIPLY.spec(), input, null);
        kind = Kind.PRODUCT;
        break;
      case MEAN:
        result = TypeResolver.meanResultType(input);
        kind = Kind.EXACT;
        break;
      case VAR: case STD:
        result = TypeResolver.varResultType(input);
        kind = Kind.VARIANCE;
        break;
      case ARGMIN: case ARGMAX:
        result = DType.INT64;
        kind = Kind.ARG;
        break;
      case ANY: case ALL:
        result = DType.BOOL;
        kind = Kind.LOGICAL;
        break;
      default:
        result = input;
        kind = Kind.EXTREME;
        break;
    }
  }

  public Op op() {
    return op;
  }

  public DType input() {
    return input;
  }

  public DType resultType() {
    return result;
  }

  /** Elements reduced into each output element. */
  public long count() {
    return count;
  }

  /** Whether the result's bits depend on the chunk grid (float products only). */
  public boolean dependsOnGrid() {
    return kind == Kind.PRODUCT && result.isFloat();
  }

  /** How partials combine, for explain(). */
  public String describeCombine() {
    switch (kind) {
      case EXACT: case VARIANCE:
        return "exact sums (superaccumulator windows), rounded once at the end: independent of "
            + "chunks, partitions and order";
      case INT_SUM:
        return "int64/uint64 wrapping sums: exact in any order";
      case PRODUCT:
        return result.isFloat() ? "float products in the fixed block tree: depends on the chunk "
            + "grid, not on partitions" : "wrapping integer products: exact in any order";
      case EXTREME:
        return "NumPy's " + (op == Op.MAX ? "maximum" : "minimum") + " rule in the fixed block "
            + "tree";
      case ARG:
        return "(value, global index) pairs, NaN first then the smallest index: order-free";
      default:
        return op == Op.ANY ? "logical or" : "logical and";
    }
  }

  /** Reduced axes in increasing order. */
  public int[] reducedAxes() {
    int n = 0;
    for (boolean r : reduced) {
      n += r ? 1 : 0;
    }
    int[] out = new int[n];
    for (int a = 0, j = 0; a < reduced.length; a++) {
      if (reduced[a]) {
        out[j++] = a;
      }
    }
    return out;
  }

  // ================================================================ per block

  /**
   * The partial of one block whose first element sits at {@code offsets} in the whole array.
   * Does not close the block.
   */
  public ReducePartial partial(NDArray block, long[] offsets) {
    long[] bs = block.shape();
    long mm = 1;
    for (int a = 0; a < bs.length; a++) {
      if (!reduced[a]) {
        mm *= bs[a];
      }
    }
    if (mm > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("block with " + mm + " output elements");
    }
    int m = (int) mm;
    if (m == 0) {
      ExactVector e = new ExactVector(new int[0], new int[1], new long[0], new byte[0]);
      return new ReducePartial(0, kind == Kind.EXACT || kind == Kind.VARIANCE ? null : new long[0],
          kind == Kind.ARG ? new long[0] : null,
          kind == Kind.EXACT || kind == Kind.VARIANCE ? e : null, kind == Kind.VARIANCE ? e : null);
    }
    switch (kind) {
      case EXACT: case VARIANCE:
        return exact(block, m);
      case ARG:
        return arg(block, offsets, m);
      default:
        return values(block, m);
    }
  }

  private ReducePartial values(NDArray block, int m) {
    Reductions.Options o = Reductions.axis(reducedAxes());
    NDArray r;
    switch (op) {
      case SUM: r = Reductions.sum(block, o); break;
      case PROD: r = Reductions.prod(block, o); break;
      case MIN: r = Reductions.min(block, o); break;
      case MAX: r = Reductions.max(block, o); break;
      case ANY: r = Reductions.any(block, o); break;
      case ALL: r = Reductions.all(block, o); break;
      default: throw new IllegalStateException(op.toString());
    }
    try (r) {
      return new ReducePartial(m, bits(r, m), null, null, null);
    }
  }

  /** The raw bits of a new C-order array's elements. */
  private static long[] bits(NDArray r, int m) {
    NDArray c = r.isCContiguous() ? r : r.copy(Order.C);
    try {
      int size = c.itemsize();
      long addr = c.dataAddress();
      long[] v = new long[m];
      for (int i = 0; i < m; i++) {
        v[i] = Raw.getBits(addr + (long) i * size, size);
      }
      return v;
    } finally {
      if (c != r) {
        c.close();
      }
    }
  }

  private ReducePartial arg(NDArray block, long[] offsets, int m) {
    boolean max = op == Op.ARGMAX;
    long[] bs = block.shape();
    if (argAxis < 0) {
      long local;
      try (NDArray i = max ? Reductions.argmax(block) : Reductions.argmin(block)) {
        local = i.getLong();
      }
      // unravel in the block, read the element, ravel in the whole array
      long[] strides = block.strides();
      long rest = local;
      long addr = block.dataAddress();
      long global = 0;
      long[] pos = new long[bs.length];
      for (int a = bs.length - 1; a >= 0; a--) {
        pos[a] = rest % bs[a];
        rest /= bs[a];
        addr += pos[a] * strides[a];
      }
      for (int a = 0; a < bs.length; a++) {
        global = global * shape[a] + offsets[a] + pos[a];
      }
      long v = Raw.getBits(addr, input.itemsize());
      return new ReducePartial(1, new long[] {v}, new long[] {global}, null, null);
    }
    long[] idx;
    try (NDArray i = max ? Reductions.argmax(block, argAxis, false)
        : Reductions.argmin(block, argAxis, false)) {
      idx = bits(i, m);
    }
    for (int k = 0; k < m; k++) {
      idx[k] += offsets[argAxis];
    }
    long[] v;
    Reductions.Options o = Reductions.axis(argAxis);
    try (NDArray e = max ? Reductions.max(block, o) : Reductions.min(block, o)) {
      v = bits(e, m);
    }
    return new ReducePartial(m, v, idx, null, null);
  }

  /** Exact sums (and sums of squares) of each output element's reduced elements. */
  private ReducePartial exact(NDArray block, int m) {
    int nd = block.ndim();
    int[] perm = new int[nd];
    int j = 0;
    for (int a = 0; a < nd; a++) {
      if (!reduced[a]) {
        perm[j++] = a;
      }
    }
    for (int a = 0; a < nd; a++) {
      if (reduced[a]) {
        perm[j++] = a;
      }
    }
    NDArray t = block.transpose(perm);
    NDArray c = null;
    NDArray f = null;
    try {
      c = t.isCContiguous() ? t : t.copy(Order.C);
      DType dt = c.dtype();
      f = dt.isFloat() ? c : c.astype(DType.FLOAT64);
      dt = f.dtype();
      long r = block.size() / m; // elements per output
      boolean var = kind == Kind.VARIANCE;
      ExactAccumulator acc = ExactAccumulator.forSums();
      ExactAccumulator sq = var ? ExactAccumulator.forSquares() : null;
      ExactVector.Builder b1 = new ExactVector.Builder(m, 3 * m);
      ExactVector.Builder b2 = var ? new ExactVector.Builder(m, 5 * m) : null;
      int size = dt.itemsize();
      long p = f.dataAddress();
      for (int k = 0; k < m; k++) {
        acc.reset();
        if (var) {
          sq.reset();
        }
        if (!var && dt == DType.FLOAT64) { // the common case, one tight loop
          for (long i = 0; i < r; i++, p += 8) {
            acc.add(Raw.getDouble(p));
          }
        } else {
          for (long i = 0; i < r; i++, p += size) {
            double x = dt == DType.FLOAT64 ? Raw.getDouble(p)
                : dt == DType.FLOAT32 ? Raw.getFloat(p) : Float16.toDouble(Raw.getShort(p));
            acc.add(x);
            if (var) {
              sq.addSquare(x);
            }
          }
        }
        acc.appendTo(b1);
        if (var) {
          sq.appendTo(b2);
        }
      }
      return new ReducePartial(m, null, null, b1.build(), var ? b2.build() : null);
    } finally {
      if (f != null && f != c) {
        f.close();
      }
      if (c != null && c != t) {
        c.close();
      }
      t.close();
    }
  }

  // ================================================================ combine

  /** Combines two partials, {@code l} from blocks before {@code r}'s along the reduced axes. */
  @Override
  public ReducePartial apply(ReducePartial l, ReducePartial r) {
    int m = l.m;
    if (r.m != m) {
      throw new IllegalStateException("partials of " + m + " and " + r.m + " elements");
    }
    switch (kind) {
      case EXACT:
        return new ReducePartial(m, null, null, l.s1.plus(r.s1, ExactAccumulator.forSums()), null);
      case VARIANCE:
        return new ReducePartial(m, null, null, l.s1.plus(r.s1, ExactAccumulator.forSums()),
            l.s2.plus(r.s2, ExactAccumulator.forSquares()));
      case ARG: {
        long[] v = new long[m];
        long[] ix = new long[m];
        for (int k = 0; k < m; k++) {
          boolean left = argLeft(l.values[k], l.index[k], r.values[k], r.index[k]);
          v[k] = left ? l.values[k] : r.values[k];
          ix[k] = left ? l.index[k] : r.index[k];
        }
        return new ReducePartial(m, v, ix, null, null);
      }
      default: {
        long[] v = new long[m];
        for (int k = 0; k < m; k++) {
          v[k] = combineValue(l.values[k], r.values[k]);
        }
        return new ReducePartial(m, v, null, null, null);
      }
    }
  }

  private long combineValue(long a, long b) {
    switch (kind) {
      case INT_SUM:
        return a + b;
      case LOGICAL:
        return op == Op.ANY ? (a | b) : (a & b);
      case PRODUCT:
        switch (result) {
          case FLOAT64:
            return Double.doubleToRawLongBits(Double.longBitsToDouble(a)
                * Double.longBitsToDouble(b));
          case FLOAT32:
            return Float.floatToRawIntBits(Float.intBitsToFloat((int) a)
                * Float.intBitsToFloat((int) b)) & 0xFFFF_FFFFL;
          case FLOAT16:
            return Float16.fromFloat(Float16.toFloat((short) a) * Float16.toFloat((short) b))
                & 0xFFFFL;
          default:
            return a * b;
        }
      default:
        return pick(a, b);
    }
  }

  private boolean isNaN(long bits) {
    switch (input) {
      case FLOAT64: return Double.isNaN(Double.longBitsToDouble(bits));
      case FLOAT32: return Float.isNaN(Float.intBitsToFloat((int) bits));
      case FLOAT16: return Float.isNaN(Float16.toFloat((short) bits));
      default: return false;
    }
  }

  /** Compares two non-NaN values of the input dtype (-0 equals +0). */
  private int compare(long a, long b) {
    switch (input) {
      case FLOAT64: {
        double x = Double.longBitsToDouble(a);
        double y = Double.longBitsToDouble(b);
        return x < y ? -1 : x > y ? 1 : 0;
      }
      case FLOAT32: case FLOAT16: {
        float x = input == DType.FLOAT16 ? Float16.toFloat((short) a) : Float.intBitsToFloat((int) a);
        float y = input == DType.FLOAT16 ? Float16.toFloat((short) b) : Float.intBitsToFloat((int) b);
        return x < y ? -1 : x > y ? 1 : 0;
      }
      case INT8: case INT16: case INT32: case INT64: {
        int shift = 64 - 8 * input.itemsize();
        return Long.compare((a << shift) >> shift, (b << shift) >> shift);
      }
      default:
        return Long.compareUnsigned(a, b);
    }
  }

  /** Whether the arg reduction keeps the left candidate. */
  private boolean argLeft(long lv, long li, long rv, long ri) {
    boolean ln = isNaN(lv);
    boolean rn = isNaN(rv);
    if (ln || rn) {
      return ln && (!rn || li <= ri);
    }
    int c = compare(lv, rv);
    if (op == Op.ARGMIN) {
      c = -c;
    }
    return c > 0 || (c == 0 && li <= ri);
  }

  /** NumPy's maximum/minimum: {@code a >= b || isnan(a) ? a : b} (min: {@code <=}). */
  private long pick(long a, long b) {
    if (isNaN(a)) {
      return a;
    }
    if (isNaN(b)) {
      return b;
    }
    int c = compare(a, b);
    return (op == Op.MAX ? c >= 0 : c <= 0) ? a : b;
  }

  // ================================================================ finish

  /** Writes the {@code m} results of a combined partial, C order, at {@code addr}. */
  public void finish(ReducePartial p, long addr) {
    int size = result.itemsize();
    for (int k = 0; k < p.m; k++) {
      Raw.putBits(addr + (long) k * size, size, finishBits(p, k));
    }
  }

  /** The single result of a whole-array reduction. */
  public Scalar finishScalar(ReducePartial p) {
    if (p.m != 1) {
      throw new IllegalStateException("a whole-array partial of " + p.m + " elements");
    }
    return new Scalar(result, finishBits(p, 0));
  }

  private long finishBits(ReducePartial p, int k) {
    switch (kind) {
      case EXACT: {
        double v;
        if (op == Op.SUM) {
          v = Rounding.sum(p.s1, k, result);
        } else {
          v = Rounding.sum(p.s1, k, DType.FLOAT64) / count;
        }
        return floatBits(v);
      }
      case VARIANCE:
        return floatBits(Rounding.variance(p.s1, p.s2, k, count, ddof, result, op == Op.STD));
      case ARG:
        return p.index[k];
      case LOGICAL:
        return p.values[k] != 0 ? 1 : 0;
      default:
        return p.values[k];
    }
  }

  private long floatBits(double v) {
    switch (result) {
      case FLOAT64: return Double.doubleToRawLongBits(v);
      case FLOAT32: return Float.floatToRawIntBits((float) v) & 0xFFFF_FFFFL;
      case FLOAT16: return Float16.fromDouble(v) & 0xFFFFL;
      default: throw new IllegalStateException(result.toString());
    }
  }

  @Override
  public String toString() {
    return op.numpy + "(" + input.numpyName() + ") -> " + result.numpyName();
  }
}
