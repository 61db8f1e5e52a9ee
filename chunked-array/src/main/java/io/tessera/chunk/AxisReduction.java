package io.tessera.chunk;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.memory.MemoryBudget;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Axes;
import io.tessera.shape.Shapes;
import io.tessera.ufunc.TypeResolver;
import io.tessera.ufunc.Ufunc;
import java.io.Serializable;
import java.util.Arrays;

/**
 * One planned axis reduction of an array of a given shape and dtype ({@code np.sum(a, axis=(0, 2),
 * keepdims=True)} and the like), split into the three steps a blockwise engine runs: a {@link
 * Partial} per block, a {@link #combine} of partials, a {@link #finish} into the result. {@link
 * ChunkedReductions} drives it over a {@link ChunkedArray}; a distributed engine can run the same
 * steps per partition (partials are {@link Serializable}) and get the same bits.
 *
 * <p><b>Tiles.</b> A block's partial covers the kept-axes region of that block (its "tile"); two
 * partials combine only when they cover the same tile. Within a tile, partials must be combined
 * in a fixed order (e.g. {@link TreeReduce} by block index along the reduced axes): for exact
 * operations the order does not matter at all, for {@code prod} of floats it fixes the rounding.
 *
 * <p><b>Semantics</b> (NumPy's, with the exceptions stated):
 * <ul>
 *   <li>{@code sum}: NumPy's dtype (int64/uint64 for bool and integers, wrapping like NumPy's;
 *       float dtypes keep theirs). Float sums are exact ({@link ExactSums}) and rounded once, so
 *       the bits do not depend on the chunk grid, the block order or the thread count. NumPy's
 *       pairwise sum is not exact: it differs from this correctly rounded sum by up to about
 *       {@code (log2(n) + 1) * eps * sum|x|}, which is many ULP of the result when terms
 *       cancel (the goldens allow {@code (n + 4) * eps * sum|x|}).</li>
 *   <li>{@code mean}: the exact sum rounded once to float64, divided by the count in float64, then
 *       cast to NumPy's mean dtype (float64 for bool/integers). Grid-independent.</li>
 *   <li>{@code var}/{@code std} (two passes): pass 1 gives each output's float64 mean as above;
 *       pass 2 adds {@code (x - mean)^2}, each term rounded in float64, exactly; the sum is rounded
 *       once to float64 and divided by {@code max(n - ddof, 0)} (NumPy's rule: {@code ddof >= n}
 *       gives inf or NaN, as NumPy, which only warns), then cast to NumPy's dtype; {@code std} is
 *       the square root of that value in the result dtype. Grid-independent, and identical to the
 *       reference {@code fsum((x - fsum(x)/n)**2)/(n - ddof)} computed in float64.</li>
 *   <li>{@code prod}: integers wrap (exact, grid-independent); floats multiply in the result
 *       dtype in C order within a block, then blocks in tree order: deterministic for a grid, but
 *       another grid may round differently (a few ULP, as NumPy's own unrolled loops).</li>
 *   <li>{@code min}/{@code max}: NaN propagates; exact. {@code any}/{@code all}: bool.</li>
 *   <li>{@code argmin}/{@code argmax}: one axis or the C-order flattening; the first occurrence
 *       wins, a NaN counting as the extreme (NumPy's rule), whatever the grid.</li>
 * </ul>
 *
 * <p><b>Errors</b> (thrown by {@link #of}, before any work): axis out of range ({@link
 * ShapeException} "axis 3 is out of bounds for array of dimension 2"), duplicate axes
 * ("duplicate value in 'axis'"), min/max over an empty axis with a non-empty result ("zero-size
 * array to reduction operation minimum which has no identity"), argmin/argmax of an empty
 * sequence ("attempt to get argmin of an empty sequence"), argmin/argmax over several axes.
 */
public final class AxisReduction {

  /** The reductions, by their NumPy names ({@link #numpyName()}). */
  public enum Op {
    SUM("sum"), PROD("prod"), MIN("min"), MAX("max"), MEAN("mean"), VAR("var"), STD("std"),
    ANY("any"), ALL("all"), ARGMIN("argmin"), ARGMAX("argmax");

    private final String numpy;

    Op(String numpy) {
      this.numpy = numpy;
    }

    /** {@code "sum"}, {@code "argmax"}, ... */
    public String numpyName() {
      return numpy;
    }
  }

  private final Op op;
  private final long[] shape;
  private final DType in;
  private final boolean[] red;
  private final boolean keepdims;
  private final double ddof;
  /** argmin/argmax: the axis, or -1 for the flattened array. */
  private final int argAxis;
  private final long[] keptShape;
  private final long[] resultShape;
  private final DType rt;
  private final long count;
  private final boolean floatIn;

  private AxisReduction(Op op, long[] shape, DType in, boolean[] red, boolean keepdims,
      double ddof, int argAxis) {
    this.op = op;
    this.shape = shape.clone();
    this.in = in;
    this.red = red;
    this.keepdims = keepdims;
    this.ddof = ddof;
    this.argAxis = argAxis;
    int nk = 0;
    for (boolean r : red) {
      nk += r ? 0 : 1;
    }
    keptShape = new long[nk];
    resultShape = new long[keepdims ? shape.length : nk];
    long c = 1;
    for (int d = 0, k = 0, r = 0; d < shape.length; d++) {
      if (red[d]) {
        c *= shape[d];
        if (keepdims) {
          resultShape[r++] = 1;
        }
      } else {
        keptShape[k++] = shape[d];
        resultShape[r++] = shape[d];
      }
    }
    count = c;
    floatIn = in.isFloat();
    switch (op) {
      case SUM: rt = TypeResolver.resultTypeForReduce(Ufunc.ADD.spec(), in, null); break;
      case PROD: rt = TypeResolver.resultTypeForReduce(Ufunc.MULTIPLY.spec(), in, null); break;
      case MIN: case MAX: rt = in; break;
      case MEAN: rt = TypeResolver.meanResultType(in); break;
      case VAR: case STD: rt = TypeResolver.varResultType(in); break;
      case ANY: case ALL: rt = DType.BOOL; break;
      default: rt = DType.INT64;
    }
  }

  /**
   * Plans {@code op} over {@code axes} (null: every axis; negative axes count from the end) of an
   * array of {@code shape} and {@code dtype}. For argmin/argmax, {@code axes} is null (the
   * flattened array; keepdims then keeps every axis with length 1) or one axis.
   *
   * @param ddof delta degrees of freedom of var/std (ignored by the others)
   * @throws ShapeException for an axis out of range, a duplicate axis, or several arg axes
   * @throws TesseraException for min/max/argmin/argmax over an empty axis (NumPy's messages)
   */
  public static AxisReduction of(Op op, long[] shape, DType dtype, int[] axes, boolean keepdims,
      double ddof) {
    String name = op.numpyName();
    int nd = shape.length;
    boolean[] red = new boolean[nd];
    int argAxis = -1;
    if (op == Op.ARGMIN || op == Op.ARGMAX) {
      if (axes != null && axes.length != 1) {
        throw new ShapeException(name, name + ": axis must be None or one integer, got "
            + Arrays.toString(axes) + " for an array of shape " + Shapes.format(shape));
      }
      if (axes == null) {
        Arrays.fill(red, true);
        if (Shapes.size(shape) == 0) {
          throw new TesseraException(name, "attempt to get " + name + " of an empty sequence");
        }
      } else {
        argAxis = Axes.normalizeAxisIndex(name, axes[0], nd, null);
        red[argAxis] = true;
        long outer = 1;
        for (int d = 0; d < nd; d++) {
          outer *= d == argAxis ? 1 : shape[d];
        }
        if (shape[argAxis] == 0 && outer > 0) {
          throw new TesseraException(name, "attempt to get " + name + " of an empty sequence");
        }
      }
    } else if (axes == null) {
      Arrays.fill(red, true);
    } else {
      for (int ax : axes) {
        int n = Axes.normalizeAxisIndex(name, ax, nd, null);
        if (red[n]) {
          throw new ShapeException(name, "duplicate value in 'axis'");
        }
        red[n] = true;
      }
    }
    AxisReduction r = new AxisReduction(op, shape, dtype, red, keepdims, ddof, argAxis);
    if ((op == Op.MIN || op == Op.MAX) && r.count == 0 && Shapes.size(r.keptShape) > 0) {
      String u = op == Op.MIN ? "minimum" : "maximum";
      throw new TesseraException(name, "zero-size array to reduction operation " + u
          + " which has no identity");
    }
    return r;
  }

  // ================================================================ description

  public Op op() {
    return op;
  }

  /** The input's shape (a copy). */
  public long[] inputShape() {
    return shape.clone();
  }

  public DType inputType() {
    return in;
  }

  /** Which input axes are reduced (a copy). */
  public boolean[] reducedAxes() {
    return red.clone();
  }

  /** The result's shape: kept axes, and length-1 reduced axes with keepdims (a copy). */
  public long[] resultShape() {
    return resultShape.clone();
  }

  /** The kept axes' lengths, in order (the result's shape without keepdims; a copy). */
  public long[] keptShape() {
    return keptShape.clone();
  }

  /** The result's dtype (NumPy's). */
  public DType resultType() {
    return rt;
  }

  public boolean keepdims() {
    return keepdims;
  }

  public double ddof() {
    return ddof;
  }

  /** Elements reduced into each output. */
  public long count() {
    return count;
  }

  /** 2 for var/std (pass 1: means, {@link #centers}; pass 2: {@link #deviations}), else 1. */
  public int passes() {
    return op == Op.VAR || op == Op.STD ? 2 : 1;
  }

  /** An upper bound of the bytes a partial over a tile of {@code outputs} outputs holds. */
  public long partialBytes(long outputs) {
    long per;
    boolean exact = false;
    switch (op) {
      case SUM: per = floatIn ? ExactSums.bytesPerOutput() : 8; exact = floatIn; break;
      case MEAN: case VAR: case STD: per = ExactSums.bytesPerOutput(); exact = true; break;
      case ARGMIN: case ARGMAX: per = 16; break;
      default: per = 8;
    }
    long dense = exact ? Math.min(outputs, ExactSums.DENSE) * 640L : 0;
    return outputs * per + dense + 256;
  }

  /** A new C-order result array of {@link #resultShape()} and {@link #resultType()}. */
  public NDArray newResult(Tessera np) {
    return np.empty(rt, resultShape);
  }

  @Override
  public String toString() {
    return expression() + " with x " + Shapes.format(shape) + " " + in.numpyName();
  }

  /** The call as NumPy spells it, e.g. {@code np.var(x, axis=(0, 2), keepdims=False, ddof=1.0)}. */
  public String expression() {
    StringBuilder ax = new StringBuilder();
    for (int d = 0; d < red.length; d++) {
      if (red[d]) {
        ax.append(ax.length() == 0 ? "" : ", ").append(d);
      }
    }
    return "np." + op.numpyName() + "(x, axis=(" + ax + "), keepdims=" + (keepdims ? "True"
        : "False") + (passes() == 2 ? ", ddof=" + ddof : "") + ")";
  }

  // ================================================================ partials

  /**
   * The partial state of one tile: per output (C order over the tile's kept shape) an exact sum,
   * a running value, or a value and its index. Created by {@link #partial} / {@link #deviations},
   * consumed by {@link #combine} and {@link #finish}.
   */
  public static final class Partial implements Serializable {
    private static final long serialVersionUID = 1L;
    final long[] keptOffsets;
    final long[] keptShape;
    final int m;
    final int pass;
    ExactSums x;
    double[] d;
    long[] l;
    long[] idx;

    Partial(long[] keptOffsets, long[] keptShape, int pass) {
      this.keptOffsets = keptOffsets;
      this.keptShape = keptShape;
      long n = Shapes.size(keptShape);
      if (n > Integer.MAX_VALUE - 8) {
        throw new TesseraException("reduce", "reduce: a block keeps " + n + " outputs; rechunk "
            + "the kept axes into smaller blocks");
      }
      this.m = (int) n;
      this.pass = pass;
    }

    /** Offsets of the tile in the kept axes (a copy). */
    public long[] keptOffsets() {
      return keptOffsets.clone();
    }

    /** The tile's shape over the kept axes (a copy). */
    public long[] keptShape() {
      return keptShape.clone();
    }
  }

  /**
   * Pass 1 (the only pass but for var/std): the partial of {@code block}, the region of the input
   * starting at {@code offsets}. The block is read, not modified or closed.
   */
  public Partial partial(NDArray block, long[] offsets) {
    return scan(block, offsets, 1, null);
  }

  /**
   * Pass 2 of var/std: the partial sum of squared deviations of {@code block} from {@code
   * centers}, the float64 means of every output (C order over {@link #keptShape()}), filled by
   * {@link #centers} from the combined pass-1 partials.
   */
  public Partial deviations(NDArray block, long[] offsets, double[] centers) {
    if (passes() != 2) {
      throw new TesseraException(op.numpyName(), op.numpyName() + " has one pass");
    }
    return scan(block, offsets, 2, centers);
  }

  /**
   * Combines two partials of one tile; {@code left} must come first in the fixed order (lower
   * block index along the reduced axes). Returns {@code left}, updated; {@code right} is spent.
   */
  public Partial combine(Partial left, Partial right) {
    if (!Arrays.equals(left.keptOffsets, right.keptOffsets)
        || !Arrays.equals(left.keptShape, right.keptShape) || left.pass != right.pass) {
      throw new TesseraException("reduce", "reduce: partials of different tiles "
          + Shapes.format(left.keptOffsets) + "+" + Shapes.format(left.keptShape) + " and "
          + Shapes.format(right.keptOffsets) + "+" + Shapes.format(right.keptShape));
    }
    int m = left.m;
    switch (op) {
      case SUM:
        if (!floatIn) {
          for (int o = 0; o < m; o++) {
            left.l[o] += right.l[o];
          }
          break;
        }
        // fall through
      case MEAN: case VAR: case STD:
        for (int o = 0; o < m; o++) {
          left.x.addFrom(o, right.x, o);
        }
        break;
      case PROD:
        if (rt.isFloat()) {
          for (int o = 0; o < m; o++) {
            left.d[o] = ExactSums.narrow(left.d[o] * right.d[o], rt);
          }
        } else {
          for (int o = 0; o < m; o++) {
            left.l[o] *= right.l[o];
          }
        }
        break;
      case MIN: case MAX:
        if (floatIn) {
          for (int o = 0; o < m; o++) {
            left.d[o] = extreme(left.d[o], right.d[o]);
          }
        } else {
          for (int o = 0; o < m; o++) {
            left.l[o] = extreme(left.l[o], right.l[o]);
          }
        }
        break;
      case ANY:
        for (int o = 0; o < m; o++) {
          left.l[o] |= right.l[o];
        }
        break;
      case ALL:
        for (int o = 0; o < m; o++) {
          left.l[o] &= right.l[o];
        }
        break;
      default:
        for (int o = 0; o < m; o++) {
          if (right.idx[o] < 0) {
            continue;
          }
          if (left.idx[o] < 0 || takeRight(left, right, o)) {
            left.idx[o] = right.idx[o];
            if (floatIn) {
              left.d[o] = right.d[o];
            } else {
              left.l[o] = right.l[o];
            }
          }
        }
    }
    return left;
  }

  /**
   * Pass 1 of var/std: writes the float64 mean of each output of the combined tile {@code p}
   * into {@code centers} (C order over {@link #keptShape()}).
   */
  public void centers(Partial p, double[] centers) {
    long[] cs = cStrides(keptShape);
    forTile(p, cs, (o, r) -> centers[(int) r] = p.x.round64(o) / count);
  }

  /** Writes the finished values of the combined tile {@code p} into {@code result}. */
  public void finish(Partial p, NDArray result) {
    if (!Arrays.equals(result.shape(), resultShape) || result.dtype() != rt
        || !result.isCContiguous()) {
      throw new ShapeException(op.numpyName(), op.numpyName() + ": the result must be a C-order "
          + Shapes.format(resultShape) + " " + rt + " array, got " + Shapes.format(result.shape())
          + " " + result.dtype());
    }
    long base = result.dataAddress();
    int isz = rt.itemsize();
    long[] cs = cStrides(keptShape);
    switch (op) {
      case SUM:
        if (floatIn) {
          forTile(p, cs, (o, r) -> putFloat(base + r * isz, p.x.round(o, rt)));
        } else {
          forTile(p, cs, (o, r) -> Raw.putLong(base + r * 8, p.l[o]));
        }
        break;
      case MEAN:
        forTile(p, cs, (o, r) -> putFloat(base + r * isz, p.x.round64(o) / count));
        break;
      case VAR: case STD: {
        double dof = Math.max(count - ddof, 0);
        boolean sqrt = op == Op.STD;
        forTile(p, cs, (o, r) -> {
          double v = ExactSums.narrow(p.x.round64(o) / dof, rt);
          putFloat(base + r * isz, sqrt ? ExactSums.narrow(Math.sqrt(v), rt) : v);
        });
        break;
      }
      case PROD:
        if (rt.isFloat()) {
          forTile(p, cs, (o, r) -> putFloat(base + r * isz, p.d[o]));
        } else {
          forTile(p, cs, (o, r) -> Raw.putLong(base + r * 8, p.l[o]));
        }
        break;
      case MIN: case MAX:
        if (floatIn) {
          forTile(p, cs, (o, r) -> putFloat(base + r * isz, p.d[o]));
        } else {
          forTile(p, cs, (o, r) -> Raw.putBits(base + r * isz, isz, p.l[o]));
        }
        break;
      case ANY: case ALL:
        forTile(p, cs, (o, r) -> Raw.putByte(base + r, (byte) (p.l[o] != 0 ? 1 : 0)));
        break;
      default:
        forTile(p, cs, (o, r) -> Raw.putLong(base + r * 8, p.idx[o]));
    }
  }

  // ================================================================ scanning a block

  private interface TileVisitor {
    void visit(int o, long resultIndex);
  }

  /** Visits the tile's outputs in C order with their flat index in the (kept) result. */
  private static void forTile(Partial p, long[] cs, TileVisitor v) {
    int k = p.keptShape.length;
    long[] i = new long[k];
    for (int o = 0; o < p.m; o++) {
      long r = 0;
      for (int a = 0; a < k; a++) {
        r += (p.keptOffsets[a] + i[a]) * cs[a];
      }
      v.visit(o, r);
      for (int a = k - 1; a >= 0; a--) {
        if (++i[a] < p.keptShape[a]) {
          break;
        }
        i[a] = 0;
      }
    }
  }

  private static final int RUN = 2048;

  private Partial scan(NDArray block, long[] offsets, int pass, double[] centers) {
    long[] bs = block.shape();
    int nd = shape.length;
    if (bs.length != nd || offsets.length != nd || block.dtype() != in) {
      throw new ShapeException(op.numpyName(), op.numpyName() + ": block " + Shapes.format(bs)
          + " " + block.dtype() + " at " + Shapes.format(offsets) + " is not a block of "
          + Shapes.format(shape) + " " + in);
    }
    for (int d = 0; d < nd; d++) {
      if (offsets[d] < 0 || offsets[d] + bs[d] > shape[d]) {
        throw new ShapeException(op.numpyName(), op.numpyName() + ": block "
            + Shapes.format(bs) + " at " + Shapes.format(offsets) + " lies outside "
            + Shapes.format(shape));
      }
    }
    long[] ko = new long[keptShape.length];
    long[] ks = new long[keptShape.length];
    for (int d = 0, k = 0; d < nd; d++) {
      if (!red[d]) {
        ko[k] = offsets[d];
        ks[k++] = bs[d];
      }
    }
    Partial p = new Partial(ko, ks, pass);
    init(p);
    double[] tc = null;
    if (pass == 2) {
      tc = new double[p.m];
      double[] t = tc;
      forTile(p, cStrides(keptShape), (o, r) -> t[o] = centers[(int) r]);
    }
    if (Shapes.size(bs) == 0) {
      return p;
    }
    // per input axis: stride in the tile's outputs (0 on reduced axes), in the arg index
    long[] os = new long[nd];
    long[] tcs = cStrides(ks);
    long[] gs = new long[nd];
    long[] gcs = cStrides(shape);
    long g0 = 0;
    for (int d = 0, k = 0; d < nd; d++) {
      if (!red[d]) {
        os[d] = tcs[k++];
      }
      if (op == Op.ARGMIN || op == Op.ARGMAX) {
        gs[d] = argAxis < 0 ? gcs[d] : d == argAxis ? 1 : 0;
        g0 += offsets[d] * gs[d];
      }
    }
    long[] st = block.strides();
    long n = nd == 0 ? 1 : bs[nd - 1];
    long s = nd == 0 ? 0 : st[nd - 1];
    int oi = nd == 0 ? 0 : (int) os[nd - 1];
    long gi = nd == 0 ? 0 : gs[nd - 1];
    double[] dv = floatIn ? new double[(int) Math.min(n, RUN)] : null;
    long[] lv = floatIn ? null : new long[(int) Math.min(n, RUN)];
    int outer = Math.max(nd - 1, 0);
    long[] i = new long[outer];
    while (true) {
      long addr = block.dataAddress();
      long o = 0;
      long g = g0;
      for (int d = 0; d < outer; d++) {
        addr += i[d] * st[d];
        o += i[d] * os[d];
        g += i[d] * gs[d];
      }
      for (long k = 0; k < n; k += RUN) {
        int c = (int) Math.min(RUN, n - k);
        long a0 = addr + k * s;
        if (floatIn) {
          gatherDouble(a0, s, c, dv);
        } else {
          gatherLong(a0, s, c, lv);
        }
        run(p, dv, lv, c, (int) (o + k * oi), oi, g + k * gi, gi, tc);
      }
      int d = outer - 1;
      while (d >= 0 && ++i[d] == bs[d]) {
        i[d] = 0;
        d--;
      }
      if (d < 0) {
        break;
      }
    }
    return p;
  }

  private void init(Partial p) {
    int m = p.m;
    switch (op) {
      case SUM:
        if (floatIn) {
          p.x = new ExactSums(m);
        } else {
          p.l = new long[m];
        }
        break;
      case MEAN: case VAR: case STD:
        p.x = new ExactSums(m);
        break;
      case PROD:
        if (rt.isFloat()) {
          p.d = new double[m];
          Arrays.fill(p.d, 1.0);
        } else {
          p.l = new long[m];
          Arrays.fill(p.l, 1L);
        }
        break;
      case MIN: case MAX:
        boolean min = op == Op.MIN;
        if (floatIn) {
          p.d = new double[m];
          Arrays.fill(p.d, min ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
        } else {
          p.l = new long[m];
          boolean u = in == DType.UINT64;
          Arrays.fill(p.l, min ? (u ? -1L : Long.MAX_VALUE) : (u ? 0L : Long.MIN_VALUE));
        }
        break;
      case ANY:
        p.l = new long[m];
        break;
      case ALL:
        p.l = new long[m];
        Arrays.fill(p.l, 1L);
        break;
      default:
        p.idx = new long[m];
        Arrays.fill(p.idx, -1L);
        if (floatIn) {
          p.d = new double[m];
        } else {
          p.l = new long[m];
        }
    }
  }

  /** One run of {@code c} gathered elements going to outputs {@code o, o+os, ...}. */
  private void run(Partial p, double[] dv, long[] lv, int c, int o, int os, long g, long gst,
      double[] tc) {
    switch (op) {
      case SUM:
        if (floatIn) {
          if (os == 0) {
            p.x.addRun(o, dv, c);
            return;
          }
          for (int k = 0; k < c; k++) {
            p.x.add(o + k * os, dv[k]);
          }
        } else {
          long[] l = p.l;
          for (int k = 0; k < c; k++) {
            l[o + k * os] += lv[k];
          }
        }
        return;
      case MEAN: case VAR: case STD:
        if (p.pass == 1) {
          if (floatIn && os == 0) {
            p.x.addRun(o, dv, c);
          } else if (floatIn) {
            for (int k = 0; k < c; k++) {
              p.x.add(o + k * os, dv[k]);
            }
          } else {
            for (int k = 0; k < c; k++) {
              p.x.add(o + k * os, toDouble(lv[k]));
            }
          }
        } else if (floatIn && os == 0) {
          double m = tc[o];
          for (int k = 0; k < c; k++) {
            double dd = dv[k] - m;
            dv[k] = dd * dd;
          }
          p.x.addRun(o, dv, c);
        } else {
          for (int k = 0; k < c; k++) {
            int oo = o + k * os;
            double dd = (floatIn ? dv[k] : toDouble(lv[k])) - tc[oo];
            p.x.add(oo, dd * dd);
          }
        }
        return;
      case PROD:
        if (rt.isFloat()) {
          double[] d = p.d;
          for (int k = 0; k < c; k++) {
            int oo = o + k * os;
            d[oo] = ExactSums.narrow(d[oo] * (floatIn ? dv[k] : toDouble(lv[k])), rt);
          }
        } else {
          long[] l = p.l;
          for (int k = 0; k < c; k++) {
            l[o + k * os] *= lv[k];
          }
        }
        return;
      case MIN: case MAX:
        if (floatIn) {
          double[] d = p.d;
          boolean min = op == Op.MIN;
          if (os == 0) {
            double cur = d[o];
            if (min) {
              for (int k = 0; k < c && cur == cur; k++) {
                double x = dv[k];
                cur = x != x ? x : x < cur ? x : cur;
              }
            } else {
              for (int k = 0; k < c && cur == cur; k++) {
                double x = dv[k];
                cur = x != x ? x : x > cur ? x : cur;
              }
            }
            d[o] = cur;
            return;
          }
          for (int k = 0; k < c; k++) {
            int oo = o + k * os;
            d[oo] = extreme(d[oo], dv[k]);
          }
        } else {
          long[] l = p.l;
          for (int k = 0; k < c; k++) {
            int oo = o + k * os;
            l[oo] = extreme(l[oo], lv[k]);
          }
        }
        return;
      case ANY: case ALL: {
        long[] l = p.l;
        boolean any = op == Op.ANY;
        for (int k = 0; k < c; k++) {
          int oo = o + k * os;
          long t = (floatIn ? dv[k] != 0 : lv[k] != 0) ? 1 : 0;
          l[oo] = any ? l[oo] | t : l[oo] & t;
        }
        return;
      }
      default:
        for (int k = 0; k < c; k++) {
          int oo = o + k * os;
          long gi = g + k * gst;
          if (p.idx[oo] < 0) {
            p.idx[oo] = gi;
            if (floatIn) {
              p.d[oo] = dv[k];
            } else {
              p.l[oo] = lv[k];
            }
          } else if (floatIn ? better(dv[k], p.d[oo]) : better(lv[k], p.l[oo])) {
            p.idx[oo] = gi;
            if (floatIn) {
              p.d[oo] = dv[k];
            } else {
              p.l[oo] = lv[k];
            }
          }
        }
    }
  }

  // ================================================================ element rules

  /** min/max of two floats, NaN propagating; ties keep {@code a} (NumPy's loop). */
  private double extreme(double a, double b) {
    if (a != a) {
      return a;
    }
    if (b != b) {
      return b;
    }
    return op == Op.MIN ? (b < a ? b : a) : (b > a ? b : a);
  }

  private long extreme(long a, long b) {
    int c = in == DType.UINT64 ? Long.compareUnsigned(b, a) : Long.compare(b, a);
    return op == Op.MIN ? (c < 0 ? b : a) : (c > 0 ? b : a);
  }

  /** Whether a later element {@code x} replaces the current best {@code cur} (strictly). */
  private boolean better(double x, double cur) {
    if (cur != cur) {
      return false;
    }
    if (x != x) {
      return true;
    }
    return op == Op.ARGMAX ? x > cur : x < cur;
  }

  private boolean better(long x, long cur) {
    int c = in == DType.UINT64 ? Long.compareUnsigned(x, cur) : Long.compare(x, cur);
    return op == Op.ARGMAX ? c > 0 : c < 0;
  }

  /** argmin/argmax combine: the better value, or on a tie (NaN ties NaN) the lower index. */
  private boolean takeRight(Partial left, Partial right, int o) {
    int c;
    if (floatIn) {
      double a = left.d[o];
      double b = right.d[o];
      boolean an = a != a;
      boolean bn = b != b;
      if (an || bn) {
        c = an && bn ? 0 : an ? -1 : 1;
      } else {
        c = op == Op.ARGMAX ? Double.compare(b == 0 ? 0.0 : b, a == 0 ? 0.0 : a)
            : Double.compare(a == 0 ? 0.0 : a, b == 0 ? 0.0 : b);
      }
    } else {
      long a = left.l[o];
      long b = right.l[o];
      int cmp = in == DType.UINT64 ? Long.compareUnsigned(b, a) : Long.compare(b, a);
      c = op == Op.ARGMAX ? cmp : -cmp;
    }
    return c > 0 || (c == 0 && right.idx[o] < left.idx[o]);
  }

  private double toDouble(long v) {
    if (in == DType.UINT64 && v < 0) {
      // unsigned to double, rounded once (as NumPy's cast)
      double h = (double) (v >>> 1 | (v & 1));
      return h * 2;
    }
    return (double) v;
  }

  private void gatherDouble(long addr, long stride, int c, double[] out) {
    switch (in) {
      case FLOAT64:
        for (int k = 0; k < c; k++) {
          out[k] = Raw.getDouble(addr + k * stride);
        }
        break;
      case FLOAT32:
        for (int k = 0; k < c; k++) {
          out[k] = Raw.getFloat(addr + k * stride);
        }
        break;
      default:
        for (int k = 0; k < c; k++) {
          out[k] = Float16.toDouble(Raw.getShort(addr + k * stride));
        }
    }
  }

  private void gatherLong(long addr, long stride, int c, long[] out) {
    switch (in) {
      case BOOL:
        for (int k = 0; k < c; k++) {
          out[k] = Raw.getByte(addr + k * stride) != 0 ? 1 : 0;
        }
        break;
      case INT8:
        for (int k = 0; k < c; k++) {
          out[k] = Raw.getByte(addr + k * stride);
        }
        break;
      case UINT8:
        for (int k = 0; k < c; k++) {
          out[k] = Raw.getByte(addr + k * stride) & 0xFFL;
        }
        break;
      case INT16:
        for (int k = 0; k < c; k++) {
          out[k] = Raw.getShort(addr + k * stride);
        }
        break;
      case UINT16:
        for (int k = 0; k < c; k++) {
          out[k] = Raw.getShort(addr + k * stride) & 0xFFFFL;
        }
        break;
      case INT32:
        for (int k = 0; k < c; k++) {
          out[k] = Raw.getInt(addr + k * stride);
        }
        break;
      case UINT32:
        for (int k = 0; k < c; k++) {
          out[k] = Raw.getInt(addr + k * stride) & 0xFFFFFFFFL;
        }
        break;
      default:
        for (int k = 0; k < c; k++) {
          out[k] = Raw.getLong(addr + k * stride);
        }
    }
  }

  private void putFloat(long addr, double v) {
    switch (rt) {
      case FLOAT64: Raw.putDouble(addr, v); break;
      case FLOAT32: Raw.putFloat(addr, (float) v); break;
      default: Raw.putShort(addr, Float16.fromDouble(v));
    }
  }

  static long[] cStrides(long[] shape) {
    long[] s = new long[shape.length];
    long acc = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      s[d] = acc;
      acc *= Math.max(shape[d], 1);
    }
    return s;
  }

  /** The budget check of a whole chunked reduction (result, partials in flight, blocks). */
  long peakBytes(long blockWorking, long maxTileOutputs, int threads) {
    long res = MemoryBudget.bytesOf(resultShape, rt);
    long centersBytes = passes() == 2 ? Shapes.size(keptShape) * 8 : 0;
    long per = blockWorking + 2 * partialBytes(maxTileOutputs);
    long t = (long) threads * per;
    long s = res + centersBytes + t;
    return s < 0 ? Long.MAX_VALUE : s;
  }
}
