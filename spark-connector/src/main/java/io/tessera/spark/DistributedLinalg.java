package io.tessera.spark;

import io.tessera.chunk.ChunkGrid;
import io.tessera.chunk.ChunkSpecException;
import io.tessera.chunk.Chunks;
import io.tessera.chunk.RechunkPlan;
import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.dtype.Promotion;
import io.tessera.errors.IndexOutOfRangeException;
import io.tessera.errors.ShapeException;
import io.tessera.index.Index;
import io.tessera.linalg.einsum.EinsumSpec;
import io.tessera.memory.MemoryBudget;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Axes;
import io.tessera.shape.Shapes;
import io.tessera.spark.internal.BlockContraction;
import io.tessera.spark.internal.BlockGrid;
import io.tessera.spark.internal.Fns;
import io.tessera.spark.internal.Jobs;
import io.tessera.spark.internal.LayoutFns;
import io.tessera.spark.internal.Plan;
import io.tessera.spark.internal.RangeRDD;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Distributed linear algebra and grid operations on {@link DistributedArray}s: {@code matmul},
 * two-operand {@code einsum}, {@code transpose}, basic slicing that prunes blocks, the diagonal,
 * {@code rechunk} in planned steps, and grid unification. Everything is lazy and checked on the
 * driver before any job: shapes (NumPy's messages), dtypes, forced broadcasts over the threshold,
 * and per-task memory against the executor allocator's limit.
 *
 * <h2>Products: broadcast or shuffle</h2>
 * As Spark SQL picks a broadcast join under {@code spark.sql.autoBroadcastJoinThreshold},
 * {@link ProductStrategy#AUTO} broadcasts the smaller operand when it is at most {@value
 * #BROADCAST_THRESHOLD_CONF} (default {@value #DEFAULT_BROADCAST_THRESHOLD} bytes, 64 MiB; -1
 * disables) and shuffles otherwise; {@link ProductOptions} can force either, and a forced
 * broadcast over the threshold is refused ({@link BroadcastTooLargeException}).
 * <ul>
 *   <li><b>Broadcast</b> (SystemDS's mapmm): the small operand is sent once as a Spark broadcast
 *       variable (heap bytes; a distributed one is first collected to the driver, one job when
 *       the product is <em>called</em>, as Spark SQL's broadcast exchange runs before the join);
 *       the other operand's blocks are multiplied where they are, never shuffled, with the boxes
 *       of the broadcast operand they pair with. When the summed labels span several blocks, the
 *       partial products go through one shuffle to be summed (below); when each result block has
 *       one product in the operand's own layout (a tall-skinny times a small matrix), there is no
 *       shuffle at all.
 *   <li><b>Shuffle</b> (SystemDS's cpmm, SUMMA's block join): both operands are shuffled into a
 *       join keyed by the block of the shared labels (for matmul: A's column block = B's row block
 *       k), split further into groups of A's blocks for parallelism (B's blocks are replicated to
 *       each group); each join task multiplies its block pairs with the local engine; the partial
 *       products are shuffled to the result block's partition.
 * </ul>
 * <b>Deterministic sums.</b> Each result block is the sum of its partial products in increasing
 * order of the summed labels' block index, left to right ({@code ((P0 + P1) + P2) + ...}), after a
 * sort: the bits depend on the operands' chunks only, not on the plan, the partitioning or the
 * order tasks finish in, and equal the local blocked product (block products on {@link
 * io.tessera.linalg.Linalg#matmul} / einsum, summed in that order). Along a label both operands
 * carry, their chunks are unified first ({@link Chunks#unify}: blocks are only split, as views).
 *
 * <h2>What einsum runs</h2>
 * Two operands (at least one distributed): any subscripts without a label repeated inside one
 * operand, whose shared labels have equal sizes (no size-1 broadcasting): matrix products
 * ({@code ij,jk->ik}, {@code ij,kj->ik}), batched ({@code bij,bjk->bik}), inner and
 * matrix-vector products ({@code i,i->}, {@code ij,j->i}), outer products, labels summed inside one
 * operand ({@code ij,k->k}), ellipses. One operand: permutations ({@code ij->ji}, a transpose)
 * and the diagonal {@code ii->i} (both axes chunked alike). Everything else raises {@link
 * UnsupportedPlanException} before any job; malformed subscripts raise NumPy's {@link
 * io.tessera.errors.EinsumException}.
 *
 * <h2>explain()</h2>
 * The result's {@link DistributedArray#explainString()} names the plan (BROADCAST which operand,
 * or SHUFFLE), how each operand reaches the tasks, the partial products and the shuffle they go
 * through, and estimated bytes per task and per executor against {@value
 * ExecutorMemory#LIMIT_CONF}. A plan whose estimated off-heap bytes per task exceed that limit is
 * refused at planning ({@link TaskMemoryExceededException}).
 */
public final class DistributedLinalg {
  /** Spark conf key: largest operand (bytes, e.g. {@code 64m}) a product broadcasts; -1: never. */
  public static final String BROADCAST_THRESHOLD_CONF = "spark.tessera.broadcastThreshold";
  /** Default of {@link #BROADCAST_THRESHOLD_CONF}: 64 MiB. */
  public static final long DEFAULT_BROADCAST_THRESHOLD = 64L << 20;

  private static final String SIG = "(n?,k),(k,m?)->(n?,m?)";
  private static final long PER_TASK_TARGET = 128L << 20;

  private DistributedLinalg() {}

  // ================================================================== settings

  /** The broadcast threshold of {@code sc}'s conf in bytes (-1: broadcasting disabled). */
  public static long broadcastThreshold(JavaSparkContext sc) {
    SparkConf conf = sc.getConf();
    if (!conf.contains(BROADCAST_THRESHOLD_CONF)) {
      return DEFAULT_BROADCAST_THRESHOLD;
    }
    String v = conf.get(BROADCAST_THRESHOLD_CONF).trim();
    return v.startsWith("-") ? -1 : MemoryBudget.parseBytes(v);
  }

  /** The executor allocator's limit from {@code sc}'s conf ({@code Long.MAX_VALUE}: none). */
  public static long executorMemoryLimit(JavaSparkContext sc) {
    SparkConf conf = sc.getConf();
    return conf.contains(ExecutorMemory.LIMIT_CONF)
        ? MemoryBudget.parseBytes(conf.get(ExecutorMemory.LIMIT_CONF).trim()) : Long.MAX_VALUE;
  }

  // ================================================================== matmul

  /** {@code np.matmul(a, b)} with {@link ProductOptions#defaults()}. */
  public static DistributedArray matmul(Object a, Object b) {
    return matmul(a, b, ProductOptions.defaults());
  }

  /**
   * {@code np.matmul(a, b)} ({@code a @ b}), lazily. Each operand is a {@link DistributedArray} or
   * a local {@link NDArray} (at least one distributed): 2-D times 2-D, 2-D times 1-D, 1-D times
   * 2-D, 1-D times 1-D (a 0-d result), and stacks of matrices with equal batch shapes. The
   * result's chunks: the left operand's along its rows, the right's along its columns, batch axes
   * unified; dtype {@code promote_types} of the operands.
   *
   * @throws ShapeException NumPy's messages for 0-d operands and mismatched core dimensions
   * @throws UnsupportedPlanException batch shapes that differ (NumPy would broadcast them)
   * @throws BroadcastTooLargeException a forced broadcast over the threshold
   * @throws TaskMemoryExceededException the plan needs more per task than the executor limit
   */
  public static DistributedArray matmul(Object a, Object b, ProductOptions options) {
    final String op = "matmul";
    long[] as = shapeOf(op, a, 0);
    long[] bs = shapeOf(op, b, 1);
    for (int i = 0; i < 2; i++) {
      if ((i == 0 ? as : bs).length == 0) {
        throw new ShapeException(op, "matmul: Input operand " + i + " does not have enough "
            + "dimensions (has 0, gufunc core with signature " + SIG + " requires 1)");
      }
    }
    long k = as[as.length - 1];
    long kb = bs.length == 1 ? bs[0] : bs[bs.length - 2];
    if (k != kb) {
      throw new ShapeException(op, "matmul: Input operand 1 has a mismatch in its core dimension 0,"
          + " with gufunc signature " + SIG + " (size " + kb + " is different from " + k + ")");
    }
    String la;
    String lb;
    String lo;
    if (as.length <= 2 && bs.length <= 2) {
      la = as.length == 1 ? "j" : "ij";
      lb = bs.length == 1 ? "j" : "jk";
      lo = (as.length == 2 ? "i" : "") + (bs.length == 2 ? "k" : "");
    } else if (as.length == bs.length && Arrays.equals(Arrays.copyOf(as, as.length - 2),
        Arrays.copyOf(bs, bs.length - 2))) {
      String batch = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".substring(0, as.length - 2);
      la = batch + "ij";
      lb = batch + "jk";
      lo = batch + "ik";
    } else {
      throw new UnsupportedPlanException(op, "matmul: distributed operands of shapes "
          + Shapes.format(as) + " and " + Shapes.format(bs) + ": stacks of matrices must have "
          + "equal batch shapes (batch broadcasting is not distributed); broadcast them first");
    }
    DType dt = Casting.promoteTypes(dtypeOf(a), dtypeOf(b));
    return ContractionPlanner.contract(op, "matmul " + la + "," + lb + "->" + lo,
        BlockContraction.Kernel.MATMUL, a, la, b, lb, lo, dt, options);
  }

  // ================================================================== einsum

  /** {@code np.einsum(subscripts, *operands)} with {@link ProductOptions#defaults()}. */
  public static DistributedArray einsum(String subscripts, Object... operands) {
    return einsum(subscripts, ProductOptions.defaults(), operands);
  }

  /**
   * {@code np.einsum} over one or two operands, lazily (see the class comment for what runs).
   * Block products use the local {@link io.tessera.linalg.Einsum} with the optimizer on; the
   * result dtype is {@code np.result_type} of the operands.
   *
   * @throws io.tessera.errors.EinsumException malformed subscripts (NumPy's message)
   * @throws UnsupportedPlanException subscripts the distributed engine does not run
   */
  public static DistributedArray einsum(String subscripts, ProductOptions options,
      Object... operands) {
    final String op = "einsum";
    long[][] shapes = new long[operands.length][];
    for (int i = 0; i < operands.length; i++) {
      shapes[i] = shapeOf(op, operands[i], i);
    }
    EinsumSpec spec = EinsumSpec.parse(subscripts, shapes);
    String out = spec.output();
    if (operands.length == 1) {
      if (!(operands[0] instanceof DistributedArray d)) {
        throw new UnsupportedPlanException(op, "einsum: the operand is local; use "
            + "io.tessera.linalg.Einsum");
      }
      String in = spec.input(0);
      if (distinct(in) && out.length() == in.length()) {
        int[] axes = new int[in.length()];
        for (int i = 0; i < axes.length; i++) {
          axes[i] = in.indexOf(out.charAt(i));
        }
        return transpose(d, axes);
      }
      if (in.length() == 2 && in.charAt(0) == in.charAt(1) && out.equals(in.substring(1))) {
        return diagonal(d);
      }
      throw new UnsupportedPlanException(op, "einsum '" + subscripts + "' on " + d
          + ": one distributed operand runs only permutations ('ij->ji') and the diagonal "
          + "('ii->i'); use the reductions (sum) for labels summed away");
    }
    if (operands.length != 2) {
      throw new UnsupportedPlanException(op, "einsum '" + subscripts + "': " + operands.length
          + " operands; distributed einsum takes one or two (contract pairwise)");
    }
    String la = spec.input(0);
    String lb = spec.input(1);
    if (!distinct(la) || !distinct(lb)) {
      throw new UnsupportedPlanException(op, "einsum '" + subscripts + "': a label repeated "
          + "inside one operand (a diagonal) is not distributed in a product; take the "
          + "diagonal first (einsum 'ii->i')");
    }
    for (char c : la.toCharArray()) {
      int j = lb.indexOf(c);
      if (j >= 0 && shapes[0][la.indexOf(c)] != shapes[1][j]) {
        throw new UnsupportedPlanException(op, "einsum '" + subscripts + "': label '" + c
            + "' has size " + shapes[0][la.indexOf(c)] + " in operand 0 and " + shapes[1][j]
            + " in operand 1; broadcasting a size-1 label is not distributed");
      }
    }
    DType dt = Promotion.resultType(dtypeOf(operands[0]), dtypeOf(operands[1]));
    return ContractionPlanner.contract(op, "einsum " + la + "," + lb + "->" + out,
        BlockContraction.Kernel.EINSUM, operands[0], la, operands[1], lb, out, dt, options);
  }

  private static boolean distinct(String labels) {
    return labels.chars().distinct().count() == labels.length();
  }

  private static long[] shapeOf(String op, Object o, int i) {
    if (o instanceof DistributedArray d) {
      return d.shape();
    }
    if (o instanceof NDArray a) {
      return a.shape();
    }
    throw new IllegalArgumentException(op + ": operand " + i + " is a " + (o == null ? "null"
        : o.getClass().getName()) + "; expected a DistributedArray or an NDArray");
  }

  private static DType dtypeOf(Object o) {
    return o instanceof DistributedArray d ? d.dtype() : ((NDArray) o).dtype();
  }

  // ================================================================== transpose

  /** {@code a.T}: the axes reversed. */
  public static DistributedArray transpose(DistributedArray a) {
    int[] axes = new int[a.ndim()];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = axes.length - 1 - i;
    }
    return transpose(a, axes);
  }

  /**
   * {@code np.transpose(a, axes)}, lazily: the grid's axes are permuted, block keys renamed, and
   * each block transposed on its executor as a view (no copy). When the permutation keeps every
   * block's C-order position (e.g. a grid with one block along all but one axis) the blocks stay
   * in their partitions; otherwise one shuffle moves them into the C-order layout of the new grid
   * (the serializer writes each transposed view in C order).
   *
   * @throws ShapeException NumPy's transpose errors (wrong count, bad or repeated axis)
   */
  public static DistributedArray transpose(DistributedArray a, int... axes) {
    final String op = "transpose";
    int nd = a.ndim();
    if (axes.length != nd) {
      throw new ShapeException(op, "axes don't match array");
    }
    int[] perm = new int[nd];
    boolean[] seen = new boolean[nd];
    for (int i = 0; i < nd; i++) {
      int ax = Axes.normalizeAxisIndex(op, axes[i], nd, null);
      if (seen[ax]) {
        throw new ShapeException(op, "repeated axis in transpose");
      }
      seen[ax] = true;
      perm[i] = ax;
    }
    Chunks src = a.chunks();
    long[][] per = new long[nd][];
    for (int i = 0; i < nd; i++) {
      per[i] = src.chunks(perm[i]);
    }
    Chunks tgt = Chunks.of(per);
    boolean keeps = true;
    long blocks = src.blockCount();
    if (blocks > 1_000_000) {
      keeps = false;
    } else {
      for (long l = 0; l < blocks && keeps; l++) {
        long[] c = src.blockIndex(l);
        long[] p = new long[nd];
        for (int i = 0; i < nd; i++) {
          p[i] = c[perm[i]];
        }
        keeps = tgt.linearIndex(p) == l;
      }
    }
    int n = a.numPartitions();
    JavaSparkContext sc = a.sparkContext();
    BlockGrid tg = new BlockGrid(tgt);
    String label = "tessera transpose " + Shapes.format(toLong(perm)) + " -> "
        + DistributedArray.describe(a.dtype(), tgt);
    boolean stay = keeps;
    JavaPairRDD<BlockIndex, NDArray> rdd = Jobs.building(sc, label, () -> {
      JavaPairRDD<BlockIndex, NDArray> t = a.blocks().mapPartitionsToPair(
          new LayoutFns.Transpose(perm, tg), true);
      return stay ? t : t.mapPartitionsToPair(new Fns.CloseOnAdvance(), true)
          .repartitionAndSortWithinPartitions(new Fns.BlockPartitioner(blocks, n),
              new Fns.BlockOrder());
    });
    long blk = tgt.largestBlockBytes(a.dtype());
    long perTask = stay ? a.plan().offHeapPerTask()
        : Math.max(a.plan().offHeapPerTask() + blk, ContractionPlanner.ceilDiv(blocks, n) * blk);
    checkLimit(op, sc, perTask, stay ? "reading the blocks"
        : "the shuffle's reduce side (" + ContractionPlanner.ceilDiv(blocks, n) + " blocks)");
    Plan p = new Plan("transpose " + Shapes.format(toLong(perm)) + " -> "
        + ContractionPlanner.layout(a.dtype(), tgt, n), perTask, a.plan().heapPerTask())
        .note("each block transposed on its executor as a view (no copy), block keys permuted")
        .note(stay ? "every block keeps its C-order position: no shuffle"
            : "blocks SHUFFLED into the C-order layout of the new grid ("
            + MemoryBudget.formatBytes(a.nbytes()) + "; the serializer copies each view in C "
            + "order)");
    p.child(stay ? "in place" : "SHUFFLED", a.plan());
    return DistributedArray.derived(sc, a.dtype(), tgt, n, rdd, p, label, List.of(),
        List.of(a));
  }

  // ================================================================== slicing

  /**
   * Basic slicing {@code a[index]}, lazily: integers ({@link Index#at}, removing the axis) and
   * slices with step 1 ({@link Index#slice}, negative bounds counted from the end, clipped as
   * NumPy); missing trailing indices take whole axes. The result's blocks are the parts of the
   * source blocks inside the slice (Dask's slicing keeps block boundaries), each a view of its
   * source block; no shuffle. Only the source partitions holding blocks that overlap the slice are
   * computed: with one block per partition, blocks outside the slice are never produced.
   *
   * @throws IndexOutOfRangeException an integer index out of bounds (NumPy's message)
   * @throws UnsupportedPlanException steps other than 1, new axes, ellipsis, fancy indices
   */
  public static DistributedArray slice(DistributedArray a, Index... index) {
    final String op = "slice";
    int nd = a.ndim();
    if (index.length > nd) {
      throw new IndexOutOfRangeException(op, "too many indices for array: array is "
          + nd + "-dimensional, but " + index.length + " were indexed");
    }
    long[] shape = a.shape();
    long[] start = new long[nd];
    long[] stop = new long[nd];
    boolean[] kept = new boolean[nd];
    for (int ax = 0; ax < nd; ax++) {
      Index ix = ax < index.length ? index[ax] : Index.all();
      long len = shape[ax];
      if (ix instanceof Index.At at) {
        long i = at.index() < 0 ? at.index() + len : at.index();
        if (i < 0 || i >= len) {
          throw new IndexOutOfRangeException(op, "index " + at.index() + " is out of bounds for "
              + "axis " + ax + " with size " + len);
        }
        start[ax] = i;
        stop[ax] = i + 1;
      } else if (ix instanceof Index.Slice s && s.step() == 1) {
        long lo = s.start() == null ? 0 : clip(s.start(), len);
        long hi = s.stop() == null ? len : clip(s.stop(), len);
        start[ax] = lo;
        stop[ax] = Math.max(lo, hi);
        kept[ax] = true;
      } else {
        throw new UnsupportedPlanException(op, "slice: index " + ix + " on axis " + ax + " of "
            + a + ": distributed slicing takes integers and slices with step 1");
      }
    }
    Chunks src = a.chunks();
    List<long[]> per = new ArrayList<>();
    List<Long> rshape = new ArrayList<>();
    for (int ax = 0; ax < nd; ax++) {
      if (!kept[ax]) {
        continue;
      }
      long length = stop[ax] - start[ax];
      rshape.add(length);
      per.add(length == 0 ? new long[] {0} : ChunkGrid.piecesAlong(src, ax, start[ax], length)
          .stream().mapToLong(ChunkGrid.Piece::length).toArray());
    }
    Chunks res = Chunks.of(per.toArray(new long[0][]));
    JavaSparkContext sc = a.sparkContext();
    String what = "slice " + describeSlice(start, stop, kept);
    if (MemoryBudget.bytesOf(res.shape(), a.dtype()) == 0 || size(res.shape()) == 0) {
      return empty(sc, a, res, what);
    }
    long total = res.blockCount();
    int n = (int) Math.max(1, Math.min(total, a.numPartitions()));
    int[] from = new int[n];
    int[] to = new int[n];
    long srcBlocks = src.blockCount();
    boolean[] read = new boolean[a.numPartitions()];
    for (int p = 0; p < n; p++) {
      long s = BlockGrid.partitionStart(total, n, p);
      long e = BlockGrid.partitionStart(total, n, p + 1);
      if (e <= s) {
        from[p] = 0;
        to[p] = -1;
        continue;
      }
      long f = src.linearIndex(LayoutFns.Slice.sourceOf(src, start, kept, res,
          res.blockIndex(s)));
      long l = src.linearIndex(LayoutFns.Slice.sourceOf(src, start, kept, res,
          res.blockIndex(e - 1)));
      from[p] = BlockGrid.partitionOf(srcBlocks, a.numPartitions(), f);
      to[p] = BlockGrid.partitionOf(srcBlocks, a.numPartitions(), l);
      for (int q = from[p]; q <= to[p]; q++) {
        read[q] = true;
      }
    }
    int readCount = 0;
    for (boolean r : read) {
      readCount += r ? 1 : 0;
    }
    String label = "tessera " + what + " -> " + DistributedArray.describe(a.dtype(), res);
    LayoutFns.Slice fn = new LayoutFns.Slice(new BlockGrid(src), new BlockGrid(res), start, stop,
        kept, n);
    JavaPairRDD<BlockIndex, NDArray> rdd = Jobs.building(sc, label, () ->
        JavaPairRDD.fromRDD(new RangeRDD(a.blocks().rdd(), from, to, fn), tag(BlockIndex.class),
            tag(NDArray.class)));
    Plan p = new Plan(what + " -> " + ContractionPlanner.layout(a.dtype(), res, n),
        a.plan().offHeapPerTask() * 2, a.plan().heapPerTask() * 2)
        .note("result blocks are views of the " + total + " source blocks (of " + srcBlocks
            + ") that overlap the slice; no shuffle")
        .note("reads " + readCount + " of " + a.numPartitions() + " source partitions; the "
            + "others are never computed");
    p.child("pruned to the overlapping blocks", a.plan());
    return DistributedArray.derived(sc, a.dtype(), res, n, rdd, p, label, List.of(),
        List.of(a));
  }

  private static long clip(long i, long len) {
    long v = i < 0 ? i + len : i;
    return Math.max(0, Math.min(len, v));
  }

  private static String describeSlice(long[] start, long[] stop, boolean[] kept) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < start.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(kept[i] ? start[i] + ":" + stop[i] : start[i]);
    }
    return sb.append(']').toString();
  }

  /** {@code np.diagonal(a)} of a 2-D array chunked alike on both axes (einsum 'ii->i'). */
  public static DistributedArray diagonal(DistributedArray a) {
    final String op = "diagonal";
    if (a.ndim() != 2) {
      throw new ShapeException(op, "diag requires an array of at least two dimensions");
    }
    Chunks src = a.chunks();
    if (!Arrays.equals(src.chunks(0), src.chunks(1))) {
      throw new UnsupportedPlanException(op, "diagonal of " + a + ": both axes must have the "
          + "same chunks (got " + src + "); rechunk first");
    }
    Chunks res = Chunks.of(src.chunks(0));
    JavaSparkContext sc = a.sparkContext();
    if (size(res.shape()) == 0) {
      return empty(sc, a, res, "diagonal");
    }
    long nb = src.numBlocks(0);
    long srcBlocks = src.blockCount();
    int n = (int) Math.max(1, Math.min(nb, a.numPartitions()));
    int[] from = new int[n];
    int[] to = new int[n];
    for (int p = 0; p < n; p++) {
      long s = BlockGrid.partitionStart(nb, n, p);
      long e = BlockGrid.partitionStart(nb, n, p + 1);
      from[p] = BlockGrid.partitionOf(srcBlocks, a.numPartitions(), s * nb + s);
      to[p] = e <= s ? -1 : BlockGrid.partitionOf(srcBlocks, a.numPartitions(),
          (e - 1) * nb + e - 1);
    }
    String label = "tessera diagonal -> " + DistributedArray.describe(a.dtype(), res);
    LayoutFns.Diagonal fn = new LayoutFns.Diagonal(new BlockGrid(res), nb, n);
    JavaPairRDD<BlockIndex, NDArray> rdd = Jobs.building(sc, label, () ->
        JavaPairRDD.fromRDD(new RangeRDD(a.blocks().rdd(), from, to, fn), tag(BlockIndex.class),
            tag(NDArray.class)));
    Plan p = new Plan("diagonal -> " + ContractionPlanner.layout(a.dtype(), res, n),
        a.plan().offHeapPerTask() + res.largestBlockBytes(a.dtype()), a.plan().heapPerTask())
        .note("block b is the diagonal of source block (b, b), copied; off-diagonal blocks are "
            + "closed unread and partitions without diagonal blocks never computed; no shuffle");
    p.child("diagonal blocks", a.plan());
    return DistributedArray.derived(sc, a.dtype(), res, n, rdd, p, label, List.of(),
        List.of(a));
  }

  // ================================================================== rechunk

  /**
   * {@code a.rechunk(chunks)} with the executor memory limit ({@value ExecutorMemory#LIMIT_CONF},
   * unlimited if unset) as the memory bound.
   */
  public static DistributedArray rechunk(DistributedArray a, Chunks chunks) {
    return rechunk(a, chunks, executorMemoryLimit(a.sparkContext()));
  }

  /**
   * {@code a.rechunk(chunks)}, lazily, planned in steps as the local engine's {@link RechunkPlan}
   * (Dask's planner: intermediate grids keep the number of pieces moved small while no step holds
   * more than {@code memoryBound}); each step is one shuffle: every source block is cut into the
   * pieces (views) the target blocks need, the pieces are sorted by target block and offset, and
   * each target block is assembled as its pieces arrive.
   *
   * @throws ChunkSpecException chunks that do not cut the array's shape
   * @throws io.tessera.errors.BudgetExceededException one source and one target block exceed
   *     the bound
   * @throws TaskMemoryExceededException a step needs more per task than the executor limit
   */
  public static DistributedArray rechunk(DistributedArray a, Chunks chunks, long memoryBound) {
    final String op = "rechunk";
    if (!a.isOpen()) {
      throw new io.tessera.errors.ClosedArrayException(op, "rechunk: " + a + " is closed");
    }
    Chunks from = a.chunks();
    RechunkPlan plan = RechunkPlan.plan(from, chunks, a.dtype(), memoryBound);
    JavaSparkContext sc = a.sparkContext();
    DType dt = a.dtype();
    if (size(from.shape()) == 0) {
      return empty(sc, a, chunks, "rechunk");
    }
    long target = PER_TASK_TARGET;
    long limit = executorMemoryLimit(sc);
    if (limit != Long.MAX_VALUE) {
      target = Math.max(1, Math.min(target, limit / (2L * ContractionPlanner.slots(sc))));
    }
    long want = ContractionPlanner.ceilDiv(a.nbytes(), target);
    int n = (int) Math.max(1, Math.min(chunks.blockCount(), Math.max(a.numPartitions(), want)));
    String label = "tessera rechunk " + DistributedArray.describe(dt, from) + " -> "
        + Shapes.format(chunks.chunkSize());
    List<RechunkPlan.Step> steps = plan.steps();
    long perTask = 0;
    String worst = "";
    for (RechunkPlan.Step s : steps) {
      long blocks = s.to().blockCount();
      int ns = (int) Math.max(1, Math.min(n, blocks));
      long t = ContractionPlanner.ceilDiv(blocks, ns) * s.largestOutputBytes()
          + s.largestOutputBytes();
      if (t > perTask) {
        perTask = t;
        worst = "step " + s.from() + " -> " + s.to() + " (" + ContractionPlanner.ceilDiv(blocks,
            ns) + " target blocks of <= " + MemoryBudget.formatBytes(s.largestOutputBytes())
            + " per reduce task)";
      }
    }
    perTask = Math.max(perTask, a.plan().offHeapPerTask() + from.largestBlockBytes(dt));
    checkLimit(op, sc, perTask, worst);
    if (from.equals(chunks)) {
      JavaPairRDD<BlockIndex, NDArray> same = a.blocks().mapPartitionsToPair(
          new LayoutFns.Identity(), true);
      Plan p = new Plan("rechunk (no change) -> " + ContractionPlanner.layout(dt, chunks,
          a.numPartitions()), a.plan().offHeapPerTask(), a.plan().heapPerTask());
      p.child("in place", a.plan());
      return DistributedArray.derived(sc, dt, chunks, a.numPartitions(), same, p, label,
          List.of(), List.of(a));
    }
    JavaPairRDD<BlockIndex, NDArray> rdd = Jobs.building(sc, label, () -> {
      JavaPairRDD<BlockIndex, NDArray> cur = a.blocks();
      for (RechunkPlan.Step s : steps) {
        long blocks = s.to().blockCount();
        int ns = (int) Math.max(1, Math.min(n, blocks));
        BlockGrid tg = new BlockGrid(s.to());
        cur = cur.mapPartitionsToPair(new LayoutFns.ToPieces(new BlockGrid(s.from()), tg), true)
            .mapPartitionsToPair(new Fns.CloseOnAdvance(), true)
            .repartitionAndSortWithinPartitions(new Fns.BlockPartitioner(blocks, ns),
                new Fns.BlockOrder())
            .mapPartitionsToPair(new LayoutFns.Assemble(tg, dt), true);
      }
      return cur;
    });
    int last = (int) Math.max(1, Math.min(n, chunks.blockCount()));
    Plan p = new Plan("rechunk -> " + ContractionPlanner.layout(dt, chunks, last), perTask,
        a.plan().heapPerTask())
        .note(plan.describe())
        .note(steps.size() + (steps.size() == 1 ? " shuffle" : " shuffles") + ": each source "
            + "block cut into the pieces (views) its target blocks need, " + plan.pieces()
            + " pieces SHUFFLED in all, sorted by target block and assembled one block at a time")
        .note("memory bound " + (memoryBound == Long.MAX_VALUE ? "unlimited"
            : MemoryBudget.formatBytes(memoryBound)) + "; est. per task "
            + MemoryBudget.formatBytes(perTask) + " off-heap (worst: " + worst + ")");
    p.child("SHUFFLED", a.plan());
    return DistributedArray.derived(sc, dt, chunks, last, rdd, p, label, List.of(), List.of(a));
  }

  /**
   * The arrays on their common grid ({@link Chunks#unify}: every boundary of any of them), each
   * rechunked where its grid differs (blocks are only split). Returns new arrays the caller
   * closes; the inputs stay open.
   *
   * @throws ChunkSpecException arrays of different shapes
   */
  public static DistributedArray[] unify(DistributedArray... arrays) {
    if (arrays.length == 0) {
      return new DistributedArray[0];
    }
    Chunks c = arrays[0].chunks();
    for (int i = 1; i < arrays.length; i++) {
      c = Chunks.unify(c, arrays[i].chunks());
    }
    DistributedArray[] out = new DistributedArray[arrays.length];
    try {
      for (int i = 0; i < arrays.length; i++) {
        out[i] = rechunk(arrays[i], c, Long.MAX_VALUE);
      }
    } catch (RuntimeException e) {
      for (DistributedArray d : out) {
        if (d != null) {
          d.close();
        }
      }
      throw e;
    }
    return out;
  }

  /**
   * For {@link DistributedArray#apply}: the operands with every distributed one on the common
   * grid, or null when they already share one grid (or differ in shape, which apply reports).
   * The new arrays in the returned operands are the caller's to close.
   */
  static Object[] unifyOperands(Object[] operands) {
    List<Integer> idx = new ArrayList<>();
    Chunks c = null;
    boolean differ = false;
    for (int i = 0; i < operands.length; i++) {
      if (operands[i] instanceof DistributedArray d) {
        if (c != null && !Arrays.equals(c.shape(), d.chunks().shape())) {
          return null;
        }
        differ |= c != null && !c.equals(d.chunks());
        c = c == null ? d.chunks() : Chunks.unify(c, d.chunks());
        idx.add(i);
      }
    }
    if (!differ) {
      return null;
    }
    Object[] out = operands.clone();
    DistributedArray[] ds = new DistributedArray[idx.size()];
    for (int j = 0; j < ds.length; j++) {
      ds[j] = (DistributedArray) operands[idx.get(j)];
    }
    DistributedArray[] u = unify(ds);
    for (int j = 0; j < ds.length; j++) {
      out[idx.get(j)] = u[j];
    }
    return out;
  }

  // ================================================================== helpers

  private static DistributedArray empty(JavaSparkContext sc, DistributedArray a, Chunks res,
      String what) {
    DType dt = a.dtype();
    return DistributedArray.generate(sc, res, dt, new EmptyBlocks(dt));
  }

  /** Generator of the blocks of an empty result. */
  private static final class EmptyBlocks implements DistributedGenerator {
    private static final long serialVersionUID = 1L;
    private final DType dtype;

    EmptyBlocks(DType dtype) {
      this.dtype = dtype;
    }

    @Override
    public NDArray generate(long[] blockIndex, long[] offsets, long[] shape,
        io.tessera.Tessera np) {
      return np.zeros(dtype, shape);
    }
  }

  private static void checkLimit(String op, JavaSparkContext sc, long perTask, String stage) {
    long limit = executorMemoryLimit(sc);
    if (perTask > limit) {
      throw new TaskMemoryExceededException(op, op + ": " + stage + " holds an estimated "
          + MemoryBudget.formatBytes(perTask) + " (" + perTask + " bytes) off-heap per task, "
          + "over the executor memory limit of " + MemoryBudget.formatBytes(limit) + " ("
          + ExecutorMemory.LIMIT_CONF + "); use smaller chunks or raise the limit", perTask,
          limit);
    }
  }

  private static long size(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  private static long[] toLong(int[] x) {
    long[] r = new long[x.length];
    for (int i = 0; i < x.length; i++) {
      r[i] = x[i];
    }
    return r;
  }

  @SuppressWarnings("unchecked")
  private static <T> ClassTag<T> tag(Class<T> c) {
    return (ClassTag<T>) ClassTag$.MODULE$.apply(c);
  }
}
