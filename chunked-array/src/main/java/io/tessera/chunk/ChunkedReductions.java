package io.tessera.chunk;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.errors.TesseraException;
import io.tessera.iter.NdIter;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.parallel.Threads;
import io.tessera.ufunc.Reductions;
import io.tessera.ufunc.TypeResolver;
import io.tessera.ufunc.Ufunc;
import java.math.BigInteger;

/**
 * Whole-array reductions of chunked arrays whose results do not depend on the chunking.
 *
 * <p><b>Float sums are exact, then rounded once.</b> Every float element is added into a
 * superaccumulator ({@link ExactSum}: the binary fixed-point number of 2^-1074 units spanning
 * the whole float64 range, held as signed 32-bit digits in longs), and the total is rounded once
 * to the result dtype, round-half-even. Exact addition is associative, so any chunking, block
 * order and thread count give the same bits: the correctly rounded sum. NumPy's pairwise sum
 * differs from it by at most {@code (log2(n) + 1) * eps * sum|x|} (the test checks that bound).
 * Infinities and NaN follow IEEE: NaN if any NaN or both infinities, else the infinity.
 * Integer and bool sums are in int64/uint64 with wrap-around (NumPy's), also order-free. min/max
 * reduce each block with NumPy's loop and combine in block order (exact). {@link #mean} divides
 * the correctly rounded sum by the count in float64 and casts to NumPy's mean dtype.
 *
 * <p>Blocks are produced in parallel ({@link Threads}); each task keeps one accumulator (about
 * 600 bytes) and one block at a time.
 *
 * <p><b>Axis reductions</b> ({@code sum, prod, min, max, mean, var, std, any, all, argmin,
 * argmax} over one axis, several axes or all, with keepdims) run an {@link AxisReduction} plan:
 * per block a partial over the block's tile of the result, partials combined in a fixed tree per
 * tile, results written into one new {@link NDArray}. Float sums, means and variances are exact
 * before one final rounding ({@link ExactSums}), so their bits do not depend on the grid.
 */
public final class ChunkedReductions {
  private ChunkedReductions() {}

  /** {@code np.sum(a)}: a 0-d array of NumPy's sum dtype, allocated from {@code np}. */
  public static NDArray sum(Tessera np, ChunkedArray a) {
    DType rt = TypeResolver.resultTypeForReduce(Ufunc.ADD.spec(), a.dtype(), null);
    if (!a.dtype().isFloat()) {
      long[] total = {0};
      forBlocks(np, a, b -> {
        try (NDArray s = Reductions.sum(b, Reductions.all())) {
          long v = s.getLong();
          synchronized (total) {
            total[0] += v;
          }
        }
      });
      NDArray r = np.empty(rt);
      Raw.putLong(r.dataAddress(), total[0]);
      return r;
    }
    ExactSum s = exact(np, a);
    return scalar(np, rt, s.round(rt));
  }

  /** {@code np.mean(a)}. */
  public static NDArray mean(Tessera np, ChunkedArray a) {
    DType rt = TypeResolver.meanResultType(a.dtype());
    double total;
    if (a.dtype().isFloat()) {
      total = exact(np, a).round(DType.FLOAT64);
    } else {
      ExactSum s = new ExactSum();
      forBlocks(np, a, b -> {
        try (NDArray f = b.astype(DType.FLOAT64)) {
          ExactSum part = new ExactSum();
          part.addAll(f);
          synchronized (s) {
            s.add(part);
          }
        }
      });
      total = s.round(DType.FLOAT64);
    }
    return scalar(np, rt, total / a.size());
  }

  /** {@code np.min(a)}. */
  public static NDArray min(Tessera np, ChunkedArray a) {
    return extreme(np, a, Ufunc.MINIMUM);
  }

  /** {@code np.max(a)}. */
  public static NDArray max(Tessera np, ChunkedArray a) {
    return extreme(np, a, Ufunc.MAXIMUM);
  }

  // ================================================================ axis reductions

  /**
   * {@code np.sum(a, axis=axes, keepdims=keepdims)}: axes null for every axis. The result is a new
   * C-order {@link NDArray} from {@code np} (the kept axes are small next to the input; the caller
   * closes it). Float sums are exact and rounded once: the same bits on every grid. See {@link
   * AxisReduction} for the rules of every reduction.
   */
  public static NDArray sum(Tessera np, ChunkedArray a, int[] axes, boolean keepdims) {
    return reduce(np, a, AxisReduction.Op.SUM, axes, keepdims, 0);
  }

  /** {@code np.prod(a, axis=axes, keepdims=)}: integers wrap as NumPy's. */
  public static NDArray prod(Tessera np, ChunkedArray a, int[] axes, boolean keepdims) {
    return reduce(np, a, AxisReduction.Op.PROD, axes, keepdims, 0);
  }

  /** {@code np.prod(a)}. */
  public static NDArray prod(Tessera np, ChunkedArray a) {
    return prod(np, a, null, false);
  }

  /** {@code np.min(a, axis=axes, keepdims=)}: NaN propagates. */
  public static NDArray min(Tessera np, ChunkedArray a, int[] axes, boolean keepdims) {
    return reduce(np, a, AxisReduction.Op.MIN, axes, keepdims, 0);
  }

  /** {@code np.max(a, axis=axes, keepdims=)}: NaN propagates. */
  public static NDArray max(Tessera np, ChunkedArray a, int[] axes, boolean keepdims) {
    return reduce(np, a, AxisReduction.Op.MAX, axes, keepdims, 0);
  }

  /** {@code np.mean(a, axis=axes, keepdims=)}: exact sum rounded once, over the count. */
  public static NDArray mean(Tessera np, ChunkedArray a, int[] axes, boolean keepdims) {
    return reduce(np, a, AxisReduction.Op.MEAN, axes, keepdims, 0);
  }

  /**
   * {@code np.var(a, axis=axes, keepdims=, ddof=)}: two passes over the blocks (means, then exact
   * sums of squared deviations); {@link ChunkedArray#persist} a lazy array first if producing its
   * blocks twice is expensive.
   */
  public static NDArray var(Tessera np, ChunkedArray a, int[] axes, boolean keepdims,
      double ddof) {
    return reduce(np, a, AxisReduction.Op.VAR, axes, keepdims, ddof);
  }

  /** {@code np.var(a)}. */
  public static NDArray var(Tessera np, ChunkedArray a) {
    return var(np, a, null, false, 0);
  }

  /** {@code np.std(a, axis=axes, keepdims=, ddof=)}: the square root of {@link #var}. */
  public static NDArray std(Tessera np, ChunkedArray a, int[] axes, boolean keepdims,
      double ddof) {
    return reduce(np, a, AxisReduction.Op.STD, axes, keepdims, ddof);
  }

  /** {@code np.std(a)}. */
  public static NDArray std(Tessera np, ChunkedArray a) {
    return std(np, a, null, false, 0);
  }

  /** {@code np.any(a, axis=axes, keepdims=)}: bool. */
  public static NDArray any(Tessera np, ChunkedArray a, int[] axes, boolean keepdims) {
    return reduce(np, a, AxisReduction.Op.ANY, axes, keepdims, 0);
  }

  /** {@code np.any(a)}. */
  public static NDArray any(Tessera np, ChunkedArray a) {
    return any(np, a, null, false);
  }

  /** {@code np.all(a, axis=axes, keepdims=)}: bool. */
  public static NDArray all(Tessera np, ChunkedArray a, int[] axes, boolean keepdims) {
    return reduce(np, a, AxisReduction.Op.ALL, axes, keepdims, 0);
  }

  /** {@code np.all(a)}. */
  public static NDArray all(Tessera np, ChunkedArray a) {
    return all(np, a, null, false);
  }

  /**
   * {@code np.argmin(a, axis=axis, keepdims=)}: axis null for the index into the C-order
   * flattening; int64; the first occurrence wins, a NaN counting as the minimum.
   */
  public static NDArray argmin(Tessera np, ChunkedArray a, Integer axis, boolean keepdims) {
    return reduce(np, a, AxisReduction.Op.ARGMIN, axis == null ? null : new int[] {axis},
        keepdims, 0);
  }

  /** {@code np.argmin(a)}. */
  public static NDArray argmin(Tessera np, ChunkedArray a) {
    return argmin(np, a, null, false);
  }

  /** {@code np.argmax(a, axis=axis, keepdims=)}; see {@link #argmin}. */
  public static NDArray argmax(Tessera np, ChunkedArray a, Integer axis, boolean keepdims) {
    return reduce(np, a, AxisReduction.Op.ARGMAX, axis == null ? null : new int[] {axis},
        keepdims, 0);
  }

  /** {@code np.argmax(a)}. */
  public static NDArray argmax(Tessera np, ChunkedArray a) {
    return argmax(np, a, null, false);
  }

  private static NDArray reduce(Tessera np, ChunkedArray a, AxisReduction.Op op, int[] axes,
      boolean keepdims, double ddof) {
    return reduce(np, a, AxisReduction.of(op, a.shape(), a.dtype(), axes, keepdims, ddof));
  }

  /**
   * Runs a planned reduction over the blocks of {@code a}: for each tile of the result (a block
   * of the kept axes), the partials of the blocks along the reduced axes, combined in the fixed
   * {@link TreeReduce} order by their index along the reduced axes, then finished into the
   * result. Blocks are produced on up to {@link Threads#current()} threads; the result does not
   * depend on their number. Refused before anything is allocated when the result, the partials
   * in flight and the blocks being produced exceed the {@link io.tessera.memory.MemoryBudget}.
   */
  public static NDArray reduce(Tessera np, ChunkedArray a, AxisReduction plan) {
    String name = plan.op().numpyName();
    if (!a.isOpen()) {
      throw new io.tessera.errors.ClosedArrayException(name, name + ": chunked array "
          + io.tessera.shape.Shapes.format(a.shape()) + " " + a.dtype() + " is closed");
    }
    if (!java.util.Arrays.equals(plan.inputShape(), a.shape()) || plan.inputType() != a.dtype()) {
      throw new io.tessera.errors.ShapeException(name, name + ": the plan is for "
          + io.tessera.shape.Shapes.format(plan.inputShape()) + " " + plan.inputType()
          + ", the array is " + io.tessera.shape.Shapes.format(a.shape()) + " " + a.dtype());
    }
    Chunks c = a.chunks();
    boolean[] red = plan.reducedAxes();
    int nd = red.length;
    long[] nb = c.numBlocks();
    long tiles = 1;
    long along = 1;
    long maxTile = 1;
    for (int d = 0; d < nd; d++) {
      if (red[d]) {
        along *= nb[d];
      } else {
        tiles *= nb[d];
        long mx = 0;
        for (long len : c.chunks(d)) {
          mx = Math.max(mx, len);
        }
        maxTile *= mx;
      }
    }
    if (tiles * along > Integer.MAX_VALUE) {
      throw new TesseraException(name, name + ": too many blocks " + tiles * along);
    }
    int threads = Math.max(1, Math.min(Threads.current(), (int) (tiles * along)));
    long need = plan.peakBytes(a.peakBytes(), maxTile, threads);
    io.tessera.memory.MemoryBudget.check(name, plan.expression(), new String[] {"x"},
        new long[][] {a.shape()}, plan.resultType(), need,
        "rechunk the kept axes into smaller blocks or reduce fewer axes at a time");
    NDArray res = plan.newResult(np);
    int nt = (int) tiles;
    int na = (int) along;
    try {
      Runnable body = () -> {
        double[] centers = null;
        if (plan.passes() == 2) {
          long kept = io.tessera.shape.Shapes.size(plan.keptShape());
          centers = new double[(int) kept];
          runPass(np, a, plan, red, nb, nt, na, null, centers, null);
        }
        runPass(np, a, plan, red, nb, nt, na, centers, null, res);
      };
      if (a.nbytes() < SMALL || threads == 1) {
        Threads.limit(1, body); // fan-out costs more than it saves on small arrays
      } else {
        body.run();
      }
      return res;
    } catch (RuntimeException e) {
      res.close();
      throw e;
    }
  }

  /** Arrays below this many bytes are reduced on the calling thread. */
  private static final long SMALL = 1L << 20;

  /** One tile's running tree of partials; finished and dropped when its last block arrives. */
  private static final class Tile {
    TreeReduce.Accumulator<AxisReduction.Partial> acc;
  }

  private static void runPass(Tessera np, ChunkedArray a, AxisReduction plan, boolean[] red,
      long[] nb, int tiles, int along, double[] centersIn, double[] centersOut, NDArray res) {
    int nd = red.length;
    Tile[] tl = new Tile[tiles];
    for (int t = 0; t < tiles; t++) {
      tl[t] = new Tile();
      tl[t].acc = new TreeReduce.Accumulator<>(plan::combine);
    }
    Threads.forEachPart(tiles * along, p -> {
      int t = p / along;
      int j = p % along;
      long[] idx = new long[nd];
      long tr = t;
      long jr = j;
      for (int d = nd - 1; d >= 0; d--) {
        if (red[d]) {
          idx[d] = jr % nb[d];
          jr /= nb[d];
        } else {
          idx[d] = tr % nb[d];
          tr /= nb[d];
        }
      }
      long[] off = a.chunks().blockOffsets(idx);
      AxisReduction.Partial part;
      try (NDArray b = a.block(np, idx)) {
        part = centersIn == null ? plan.partial(b, off) : plan.deviations(b, off, centersIn);
      }
      AxisReduction.Partial done = null;
      Tile tile = tl[t];
      synchronized (tile) {
        tile.acc.add(j, part);
        if (tile.acc.count() == along) {
          done = tile.acc.result();
          tile.acc = null;
        }
      }
      if (done != null) {
        if (centersOut != null) {
          plan.centers(done, centersOut);
        } else {
          plan.finish(done, res);
        }
      }
    });
  }

  private static NDArray extreme(Tessera np, ChunkedArray a, Ufunc op) {
    if (a.size() == 0) {
      throw new TesseraException(op.name(), "zero-size array to reduction operation " + op.name()
          + " which has no identity");
    }
    return a.reduceBlocks(np, b -> op.reduce(b, Reductions.all()), (p, q) -> {
      try (p; q) {
        return op.apply(p, q);
      }
    });
  }

  private static ExactSum exact(Tessera np, ChunkedArray a) {
    ExactSum total = new ExactSum();
    forBlocks(np, a, b -> {
      ExactSum part = new ExactSum();
      part.addAll(b);
      synchronized (total) {
        total.add(part);
      }
    });
    return total;
  }

  private static void forBlocks(Tessera np, ChunkedArray a, java.util.function.Consumer<NDArray>
      body) {
    io.tessera.memory.MemoryBudget.check("reduce", a, "use smaller chunks (rechunk)");
    long nb = a.blockCount();
    if (nb > Integer.MAX_VALUE) {
      throw new TesseraException("reduce", "reduce: too many blocks " + nb);
    }
    Threads.forEachPart((int) nb, p -> {
      try (Block b = a.blockAt(np, p)) {
        body.accept(b.array());
      }
    });
  }

  private static NDArray scalar(Tessera np, DType t, double v) {
    NDArray r = np.empty(t);
    switch (t) {
      case FLOAT64: Raw.putDouble(r.dataAddress(), v); break;
      case FLOAT32: Raw.putFloat(r.dataAddress(), (float) v); break;
      case FLOAT16:
        try (NDArray d = np.empty(DType.FLOAT64)) {
          Raw.putDouble(d.dataAddress(), v);
          r.assign(d);
        }
        break;
      default: r.close(); throw new IllegalArgumentException("not a float dtype: " + t);
    }
    return r;
  }

  /**
   * An exact sum of floats: the value {@code sum(digit[i] * 2^(32 i)) * 2^-1074} with signed
   * digits (carry-save), normalized every 2^28 additions so no digit overflows; plus counts of
   * NaN and infinities.
   */
  static final class ExactSum implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    static final int DIGITS = 70;
    final long[] digit = new long[DIGITS];
    long pending;
    boolean nan;
    boolean posInf;
    boolean negInf;

    void add(double v) {
      long bits = Double.doubleToRawLongBits(v);
      int e = (int) ((bits >>> 52) & 0x7ff);
      long m = bits & 0xFFFFFFFFFFFFFL;
      if (e == 0x7ff) {
        if (m != 0) {
          nan = true;
        } else if (bits < 0) {
          negInf = true;
        } else {
          posInf = true;
        }
        return;
      }
      if (e != 0) {
        m |= 1L << 52;
      } else {
        e = 1;
      }
      if (m == 0) {
        return;
      }
      int p = e - 1;
      int q = p >>> 5;
      int r = p & 31;
      long t0 = (m << r) & 0xFFFFFFFFL;
      long t1 = (m >>> (32 - r)) & 0xFFFFFFFFL;
      long t2 = r == 0 ? 0 : m >>> (64 - r);
      if (r == 0) {
        t1 = (m >>> 32) & 0xFFFFFFFFL;
      }
      if (bits < 0) {
        digit[q] -= t0;
        digit[q + 1] -= t1;
        digit[q + 2] -= t2;
      } else {
        digit[q] += t0;
        digit[q + 1] += t1;
        digit[q + 2] += t2;
      }
      if (++pending >= (1L << 28)) {
        normalize();
      }
    }

    void add(ExactSum o) {
      o.normalize();
      normalize();
      for (int i = 0; i < DIGITS; i++) {
        digit[i] += o.digit[i];
      }
      nan |= o.nan;
      posInf |= o.posInf;
      negInf |= o.negInf;
      normalize();
    }

    void normalize() {
      long carry = 0;
      for (int i = 0; i < DIGITS - 1; i++) {
        long v = digit[i] + carry;
        digit[i] = v & 0xFFFFFFFFL;
        carry = v >> 32;
      }
      digit[DIGITS - 1] += carry;
      pending = 0;
    }

    /** Adds every element of a float array (any layout). */
    void addAll(NDArray a) {
      if (a.size() == 0) {
        return;
      }
      DType t = a.dtype();
      NdIter it = NdIter.of(a.shape(), new long[] {a.dataAddress()},
          new long[][] {a.strides()});
      long s = it.innerStride(0);
      it.forRange(0, it.size(), new long[1], (ptrs, count) -> {
        long p = ptrs[0];
        switch (t) {
          case FLOAT64:
            for (long i = 0; i < count; i++) {
              add(Raw.getDouble(p + i * s));
            }
            break;
          case FLOAT32:
            for (long i = 0; i < count; i++) {
              add(Raw.getFloat(p + i * s));
            }
            break;
          case FLOAT16:
            for (long i = 0; i < count; i++) {
              add(Float16.toFloat(Raw.getShort(p + i * s)));
            }
            break;
          default:
            throw new IllegalArgumentException("exact sum of " + t);
        }
      });
    }

    /** The sum rounded once (half-even) to float64, float32 or float16, returned as a double. */
    double round(DType t) {
      if (nan || (posInf && negInf)) {
        return Double.NaN;
      }
      if (posInf) {
        return Double.POSITIVE_INFINITY;
      }
      if (negInf) {
        return Double.NEGATIVE_INFINITY;
      }
      normalize();
      BigInteger n = BigInteger.ZERO;
      for (int i = DIGITS - 1; i >= 0; i--) {
        n = n.shiftLeft(32).add(BigInteger.valueOf(digit[i]));
      }
      int sign = n.signum();
      if (sign == 0) {
        return 0.0;
      }
      n = n.abs();
      int prec = t == DType.FLOAT64 ? 53 : t == DType.FLOAT32 ? 24 : 11;
      int minUlp = t == DType.FLOAT64 ? -1074 : t == DType.FLOAT32 ? -149 : -24;
      int len = n.bitLength();
      int shift = Math.max(len - prec, minUlp + 1074);
      double r;
      if (shift <= 0) {
        r = Math.scalb((double) n.longValueExact(), -1074);
      } else {
        BigInteger q = n.shiftRight(shift);
        BigInteger rem = n.subtract(q.shiftLeft(shift));
        BigInteger half = BigInteger.ONE.shiftLeft(shift - 1);
        int c = rem.compareTo(half);
        if (c > 0 || (c == 0 && q.testBit(0))) {
          q = q.add(BigInteger.ONE);
        }
        r = Math.scalb((double) q.longValueExact(), shift - 1074);
      }
      double max = t == DType.FLOAT64 ? Double.MAX_VALUE : t == DType.FLOAT32 ? Float.MAX_VALUE
          : 65504.0;
      if (r > max) {
        r = Double.POSITIVE_INFINITY;
      }
      return sign < 0 ? -r : r;
    }
  }
}
