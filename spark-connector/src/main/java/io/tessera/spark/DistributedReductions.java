package io.tessera.spark;

import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.errors.ClosedArrayException;
import io.tessera.errors.TesseraException;
import io.tessera.memory.MemoryBudget;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Axes;
import io.tessera.shape.Shapes;
import io.tessera.spark.internal.Jobs;
import io.tessera.spark.internal.PartialKey;
import io.tessera.spark.internal.PartialTree;
import io.tessera.spark.internal.Plan;
import io.tessera.spark.internal.ReduceFns;
import io.tessera.spark.internal.ReducePartial;
import io.tessera.spark.internal.ReduceSpec;
import io.tessera.spark.internal.ReduceSpec.Op;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;

/**
 * Reductions of distributed arrays across executors: {@code sum, prod, mean, min, max, var, std,
 * argmin, argmax, any, all}, over every axis (a {@link Scalar}) or along some axes (a {@link
 * DistributedArray} over the kept axes), with NumPy 2's result dtypes. {@link DistributedArray}'s
 * methods of the same names call these.
 *
 * <h2>Reproducible bits</h2>
 * Every task turns each of its blocks into a small partial at once (the block is closed), and
 * partials are combined in a fixed tree over block indices ({@code treeAggregate} for whole-array
 * reductions; for reductions along axes, partials are shuffled to their output block's partition,
 * sorted by block, and merged as a stream). The result never depends on the number of
 * partitions, on the executors or on the order tasks finish in. Beyond that:
 * <ul>
 *   <li><b>Float sums, means, var and std are exact</b>, hence also independent of the chunk grid:
 *       each element is added into a superaccumulator (binary fixed point spanning the float64
 *       range; squares, for var, into a wider one) and the total is rounded once. {@code sum} is
 *       the correctly rounded sum, bit for bit the local engine's {@code
 *       ChunkedReductions.sum}; {@code mean} is that float64 sum divided by the count and cast,
 *       as {@code ChunkedReductions.mean}; {@code var} is {@code (n*S2 - S1^2) / (n*(n-ddof))}
 *       evaluated exactly and correctly rounded, {@code std} its correctly rounded square root.
 *       NumPy's pairwise sums and two-pass var differ from these by a few ulps (bounds in the
 *       tests); integers and bool are converted to float64 first for mean/var, as NumPy does.
 *   <li>Integer sums and products wrap in int64/uint64 as NumPy's do: exact in any order.
 *       {@code min}, {@code max}, {@code any}, {@code all}, {@code argmin}, {@code argmax} are
 *       exact. Only two corners depend on the grid: which of {@code -0.0}/{@code +0.0} or of two
 *       NaN payloads a min/max returns (NumPy's {@code maximum} rule applied in block order, as
 *       the local engine's chunked min/max).
 *   <li>Float {@code prod} multiplies NumPy's per-block products in the fixed block tree: its
 *       bits depend on the chunk grid (never on partitions).
 * </ul>
 *
 * <h2>Results along axes</h2>
 * A reduction along axes returns a lazy {@link DistributedArray} whose grid is the input's grid on
 * the kept axes (a reduced axis kept with {@code keepdims} has one chunk of length 1), in {@code
 * min(partitions, output blocks)} partitions; bring it home with {@code toLocal}. Shuffled data
 * are the partials only (about 8 to 50 bytes per output element per reduced block).
 *
 * <h2>Errors</h2>
 * Bad axes (NumPy's {@code AxisError} as a {@link io.tessera.errors.ShapeException}, duplicate
 * axes), {@code min}/{@code max}/{@code argmin}/{@code argmax} of zero elements, arg reductions
 * over a tuple of axes and closed arrays are refused on the driver before any job, with NumPy's
 * messages.
 */
public final class DistributedReductions {
  private DistributedReductions() {}

  // ================================================================ whole array

  /** {@code np.sum(a)}: int64 for bool and signed integers, uint64 for unsigned, else the float type. */
  public static Scalar sum(DistributedArray a) {
    return whole(a, Op.SUM, 0);
  }

  /** {@code np.prod(a)}: result types as {@link #sum}. */
  public static Scalar prod(DistributedArray a) {
    return whole(a, Op.PROD, 0);
  }

  /** {@code np.min(a)}; NaN propagates. */
  public static Scalar min(DistributedArray a) {
    return whole(a, Op.MIN, 0);
  }

  /** {@code np.max(a)}; NaN propagates. */
  public static Scalar max(DistributedArray a) {
    return whole(a, Op.MAX, 0);
  }

  /** {@code np.mean(a)}: float64 for bool and integers, else the float type; NaN if empty. */
  public static Scalar mean(DistributedArray a) {
    return whole(a, Op.MEAN, 0);
  }

  /** {@code np.var(a, ddof=ddof)}: float64 for bool and integers, else the float type. */
  public static Scalar var(DistributedArray a, double ddof) {
    return whole(a, Op.VAR, ddof);
  }

  /** {@code np.std(a, ddof=ddof)}. */
  public static Scalar std(DistributedArray a, double ddof) {
    return whole(a, Op.STD, ddof);
  }

  /** {@code np.argmin(a)}: int64 index into the C-order flattening; the first NaN wins. */
  public static Scalar argmin(DistributedArray a) {
    return whole(a, Op.ARGMIN, 0);
  }

  /** {@code np.argmax(a)}: int64 index into the C-order flattening; the first NaN wins. */
  public static Scalar argmax(DistributedArray a) {
    return whole(a, Op.ARGMAX, 0);
  }

  /** {@code np.any(a)} (bool; NaN is true). */
  public static Scalar any(DistributedArray a) {
    return whole(a, Op.ANY, 0);
  }

  /** {@code np.all(a)} (bool). */
  public static Scalar all(DistributedArray a) {
    return whole(a, Op.ALL, 0);
  }

  // ================================================================ along axes

  public static DistributedArray sum(DistributedArray a, ReduceOptions o) {
    return along(a, Op.SUM, o);
  }

  public static DistributedArray prod(DistributedArray a, ReduceOptions o) {
    return along(a, Op.PROD, o);
  }

  public static DistributedArray min(DistributedArray a, ReduceOptions o) {
    return along(a, Op.MIN, o);
  }

  public static DistributedArray max(DistributedArray a, ReduceOptions o) {
    return along(a, Op.MAX, o);
  }

  public static DistributedArray mean(DistributedArray a, ReduceOptions o) {
    return along(a, Op.MEAN, o);
  }

  /** {@code np.var(a, axis=, keepdims=, ddof=)}. */
  public static DistributedArray var(DistributedArray a, ReduceOptions o) {
    return along(a, Op.VAR, o);
  }

  public static DistributedArray std(DistributedArray a, ReduceOptions o) {
    return along(a, Op.STD, o);
  }

  public static DistributedArray any(DistributedArray a, ReduceOptions o) {
    return along(a, Op.ANY, o);
  }

  public static DistributedArray all(DistributedArray a, ReduceOptions o) {
    return along(a, Op.ALL, o);
  }

  /** {@code np.argmin(a, axis=axis, keepdims=keepdims)}: int64 indices along {@code axis}. */
  public static DistributedArray argmin(DistributedArray a, int axis, boolean keepdims) {
    return along(a, Op.ARGMIN, ReduceOptions.axis(axis).keepdims(keepdims));
  }

  /** {@code np.argmax(a, axis=axis, keepdims=keepdims)}. */
  public static DistributedArray argmax(DistributedArray a, int axis, boolean keepdims) {
    return along(a, Op.ARGMAX, ReduceOptions.axis(axis).keepdims(keepdims));
  }

  // ================================================================ implementation

  private static void checkOpen(DistributedArray a, String op) {
    if (!a.isOpen()) {
      throw new ClosedArrayException(op, op + ": distributed array "
          + DistributedArray.describe(a.dtype(), a.chunks()) + " is closed");
    }
  }

  private static void checkNonEmpty(Op op, long count) {
    if (count != 0) {
      return;
    }
    if (op == Op.MIN || op == Op.MAX) {
      throw new TesseraException(op.numpyName(), "zero-size array to reduction operation "
          + (op == Op.MAX ? "maximum" : "minimum") + " which has no identity");
    }
    if (op.isArg()) {
      throw new TesseraException(op.numpyName(), "attempt to get " + op.numpyName()
          + " of an empty sequence");
    }
  }

  private static String title(Op op, DistributedArray a, String axes) {
    return "tessera " + op.numpyName() + "(" + axes + ") of "
        + DistributedArray.describe(a.dtype(), a.chunks()) + " (" + a.blockCount() + " blocks, "
        + a.numPartitions() + " partitions)";
  }

  static Scalar whole(DistributedArray a, Op op, double ddof) {
    String name = op.numpyName();
    checkOpen(a, name);
    boolean[] all = new boolean[a.ndim()];
    Arrays.fill(all, true);
    ReduceSpec spec = new ReduceSpec(op, a.dtype(), a.shape(), all, ddof, -1);
    checkNonEmpty(op, spec.count());
    Chunks chunks = a.chunks();
    long blocks = a.blockCount();
    PartialTree<ReducePartial> total = Jobs.action(a.sparkContext(), title(op, a, ""), () ->
        a.blocks().treeAggregate(PartialTree.<ReducePartial>empty(), new ReduceFns.Seq(spec, chunks),
            new ReduceFns.Merge(spec), 2));
    ReducePartial p = total.result(blocks, spec);
    return spec.finishScalar(p);
  }

  static DistributedArray along(DistributedArray a, Op op, ReduceOptions o) {
    String name = op.numpyName();
    checkOpen(a, name);
    int nd = a.ndim();
    long[] shape = a.shape();
    boolean[] reduced = new boolean[nd];
    int[] given = o.axes();
    if (given == null) {
      Arrays.fill(reduced, true);
    } else {
      int[] axes = Axes.normalizeAxisTuple(name, given, nd, null, true);
      for (int ax : axes) {
        if (reduced[ax]) {
          throw new io.tessera.errors.ShapeException(name, "duplicate value in 'axis'");
        }
        reduced[ax] = true;
      }
    }
    int argAxis = -1;
    if (op.isArg()) {
      if (given == null || given.length != 1) {
        throw new TesseraException(name, name + ": axis must be one integer or None (got "
            + o + ")");
      }
      argAxis = Axes.normalizeAxisIndex(name, given[0], nd, null);
    }
    ReduceSpec spec = new ReduceSpec(op, a.dtype(), shape, reduced, o.ddof(), argAxis);
    checkNonEmpty(op, spec.count());
    Chunks in = a.chunks();
    long[][] outSizes = new long[nd][];
    int k = 0;
    for (int ax = 0; ax < nd; ax++) {
      if (!reduced[ax]) {
        outSizes[k++] = in.chunks(ax);
      } else if (o.keepdims()) {
        outSizes[k++] = new long[] {1};
      }
    }
    Chunks out = Chunks.of(Arrays.copyOf(outSizes, k));
    DType rt = spec.resultType();
    long outBlocks = out.blockCount();
    int n = (int) Math.max(1, Math.min(a.numPartitions(), outBlocks));
    ReduceFns.Layout layout = new ReduceFns.Layout(in, out, reduced, o.keepdims());
    String label = "tessera " + name + "(" + o + ") -> " + DistributedArray.describe(rt, out);
    JavaPairRDD<BlockIndex, NDArray> rdd = Jobs.building(a.sparkContext(), label, () ->
        a.blocks().mapPartitionsToPair(new ReduceFns.ToPartials(spec, layout), true)
            .repartitionAndSortWithinPartitions(new PartialKey.ByOutputBlock(outBlocks, n),
                new PartialKey.Order())
            .mapPartitionsToPair(new ReduceFns.MergeSorted(spec, out), true));
    long outBlock = out.largestBlockBytes(rt);
    long inBlock = in.largestBlockBytes(a.dtype());
    long perElement = spec.op() == Op.VAR || spec.op() == Op.STD ? 120
        : spec.resultType().isFloat() && spec.op() != Op.MIN && spec.op() != Op.MAX
        && spec.op() != Op.PROD ? 48 : 16;
    long partial = out.largestBlockElements() * perElement;
    Plan plan = new Plan(name + "(" + o + ") -> " + DistributedArray.describe(rt, out)
        + " in chunks of " + Shapes.format(out.chunkSize()) + " (" + outBlocks + " blocks), "
        + n + " partitions", Math.max(a.plan().offHeapPerTask() + 2 * inBlock, outBlock),
        partial * 2)
        .note("per block: a partial of " + Shapes.format(out.chunkSize()) + " elements (<= "
            + MemoryBudget.formatBytes(partial) + " on the heap); the block is closed at once")
        .note("combine: " + spec.describeCombine())
        .note("the merge holds one output block's partials at a time (sort-based shuffle)");
    plan.child("partials SHUFFLED to their output block's partition, sorted by block", a.plan());
    return DistributedArray.derived(a.sparkContext(), rt, out, n, rdd, plan, label, List.of(),
        List.of(a));
  }
}
