package io.tessera.spark;

import io.tessera.Tessera;
import io.tessera.chunk.ChunkSpecException;
import io.tessera.chunk.Chunks;
import io.tessera.chunk.Outer;
import io.tessera.dtype.DType;
import io.tessera.errors.ClosedArrayException;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.expr.Expr;
import io.tessera.memory.MemoryBudget;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Shapes;
import io.tessera.spark.internal.BlockGrid;
import io.tessera.spark.internal.Fns;
import io.tessera.spark.internal.HeapArray;
import io.tessera.spark.internal.Jobs;
import io.tessera.spark.internal.OuterFns;
import io.tessera.spark.internal.PairKey;
import io.tessera.spark.internal.Plan;
import io.tessera.ufunc.Ufunc;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Distributed outer operations: the fused {@code reduce_j f(x_i, y_j)} of a distributed x and
 * a local or distributed y, and the unfused outer {@code f(x[:, None], y[None, :])} as a
 * distributed array, computed block pair by block pair with the local engine ({@link Outer}) on
 * the executors, never materializing the n×m matrix anywhere.
 *
 * <pre>{@code
 * // nearest y for every x: min over j of |x_i - y_j|, x distributed (n,), y local (m,)
 * DistributedArray d = DistributedOuter.outerReduce(Expr.arg(0).sub(Expr.arg(1)).abs(),
 *     Ufunc.MINIMUM, x, y);
 * // squared distance to the nearest y row, x (n, d) distributed, y (m, d) distributed
 * DistributedArray s = DistributedOuter.outerReduce(Expr.arg(0).sub(Expr.arg(1)).square(),
 *     Ufunc.ADD, Ufunc.MINIMUM, x, y);
 * }</pre>
 *
 * <p><b>Plans.</b> y local (an {@link NDArray}), or distributed and at most {@link
 * #BROADCAST_CONF} bytes (default 64 MiB; a distributed y is then collected once to the driver
 * by a job that runs when the operation is planned): y is copied into one Spark broadcast
 * variable and each task reduces its x blocks against all of y, exactly as the local engine
 * would. Otherwise block pairs: every y block is shuffled to each of x's partitions (y's bytes
 * times x's partition count through the shuffle), arriving in y's grid order; a task holds its
 * partition's x blocks and one running result per x block, and folds in y block after y block.
 * {@link DistributedArray#explain()} shows which.
 *
 * <p><b>Results.</b> The result of {@code outerReduce} is a 1-D distributed array of the
 * reduce loop's dtype with x's chunks along axis 0. With y broadcast it is bit-identical to the
 * local {@link Outer#outerReduce} (itself bit-identical to NumPy's materialized reduction).
 * With block pairs each y block's partial result is the local engine's, and partials are combined
 * with {@code reduce} in y's block order: exact for min/max; for float sums the bits depend on
 * y's chunks only, never on partition or executor counts. Types are resolved and shapes checked
 * on the driver before any job.
 *
 * <p><b>Memory.</b> Per task: the broadcast y (off-heap copy, once per task) or one y block,
 * x's blocks of the partition (block pairs) or one x block, the running results, and the local
 * engine's O(tile) scratch. Nothing is n×m.
 */
public final class DistributedOuter {
  private DistributedOuter() {}

  /** Spark conf key: largest y (bytes) that is broadcast rather than joined block pair by pair. */
  public static final String BROADCAST_CONF = "spark.tessera.outer.broadcastThreshold";
  /** Default for {@link #BROADCAST_CONF}: 64 MiB. */
  public static final long DEFAULT_BROADCAST = 64L << 20;
  /** Target bytes of one block of an unfused outer result when y's chunking does not fix it. */
  static final long OUTER_BLOCK_BYTES = 32L << 20;

  // ================================================================== outerReduce

  /** {@code reduce_j f(x_i, y_j)} with f a binary ufunc; x (n,), y (m,) local or distributed. */
  public static DistributedArray outerReduce(Ufunc f, Ufunc reduce, DistributedArray x, Object y) {
    return outerReduce(asExpr(f), null, reduce, x, y);
  }

  /** {@code reduce_j f(x_i, y_j)}, f an expression of {@code Expr.arg(0)} (x) and {@code arg(1)}. */
  public static DistributedArray outerReduce(Expr f, Ufunc reduce, DistributedArray x, Object y) {
    return outerReduce(f, null, reduce, x, y);
  }

  /**
   * Over rows: x (n, d), y (m, d) (d in one chunk on both); the value of a pair is {@code
   * combine} over d of f (see {@link Outer#outerReduce(Expr, Ufunc, Ufunc, NDArray, NDArray,
   * int)}), reduced over j. With {@code combine} null, x and y are 1-D.
   */
  public static DistributedArray outerReduce(Expr f, Ufunc combine, Ufunc reduce,
      DistributedArray x, Object y) {
    String op = "outer_reduce";
    Operand yo = Operand.of(op, y, x);
    checkShapes(op, x, yo, combine != null);
    DType dt;
    try (Probe p = new Probe(x.dtype(), yo.dtype, combine != null ? x.shape()[1] : -1)) {
      dt = Outer.reduction(f, combine, reduce, p.x, p.y, 1).dtype();
    }
    OuterFns.Op fn = new OuterFns.Op(f, combine == null ? null : combine.name(), reduce.name());
    JavaSparkContext sc = x.sparkContext();
    Chunks rc = Chunks.of(x.chunks().chunks(0));
    int n = x.numPartitions();
    String what = reduce.name() + "_j " + f + (combine != null ? " (" + combine.name()
        + " over d)" : "");
    String label = "tessera outerReduce " + what + " -> " + dt + Shapes.format(rc.shape());
    long xBlock = x.chunks().largestBlockBytes(x.dtype());
    long outBlock = rc.largestBlockBytes(dt);
    long perTaskBlocks = blocksPerTask(x.blockCount(), n);
    List<AutoCloseable> own = new ArrayList<>();
    List<DistributedArray> parents = new ArrayList<>(List.of(x));
    if (yo.broadcastable(sc)) {
      Broadcast<HeapArray> b = yo.broadcast(sc, own);
      JavaPairRDD<BlockIndex, NDArray> rdd = Jobs.building(sc, label, () -> x.blocks()
          .mapPartitionsToPair(new OuterFns.ReduceBroadcast(fn, b), true));
      Plan plan = new Plan("outerReduce " + what + " -> " + dt + Shapes.format(rc.shape())
          + " in " + n + " partitions", x.plan().offHeapPerTask() + b.value().nbytes() + outBlock,
          x.plan().heapPerTask() + b.value().nbytes())
          .note("y " + yo.describe() + " BROADCAST once (Spark broadcast " + b.id() + ", "
              + MemoryBudget.formatBytes(b.value().nbytes()) + "); each task copies it off-heap "
              + "once and reduces each x block against all of it (local fused loop, 1 thread)")
          .note("never materialized: " + Shapes.format(new long[] {x.shape()[0], yo.rows})
              + " pairs")
          .child("x: its blocks in place, no shuffle", x.plan());
      return DistributedArray.derived(sc, dt, rc, n, rdd, plan, label, own, parents);
    }
    DistributedArray yd = yo.dist;
    parents.add(yd);
    JavaPairRDD<BlockIndex, NDArray> rdd = Jobs.building(sc, label, () -> {
      JavaPairRDD<PairKey, NDArray> ys = yd.blocks()
          .mapPartitionsToPair(new OuterFns.ReplicateY(n), true)
          .repartitionAndSortWithinPartitions(new PairKey.ByPartition(n), new PairKey.Order());
      return JavaPairRDD.fromJavaRDD(x.blocks().zipPartitions(ys,
          new OuterFns.ReducePairs(fn)));
    });
    long yBlock = yd.chunks().largestBlockBytes(yd.dtype());
    Plan plan = new Plan("outerReduce " + what + " -> " + dt + Shapes.format(rc.shape())
        + " in " + n + " partitions, BLOCK PAIRS", perTaskBlocks * (xBlock + outBlock) + 2
        * yBlock, x.plan().heapPerTask())
        .note("y " + yo.describe() + " over the broadcast threshold ("
            + MemoryBudget.formatBytes(threshold(sc)) + ", " + BROADCAST_CONF + "): each y block "
            + "SHUFFLED to each of x's " + n + " partitions (" + MemoryBudget.formatBytes(
            yd.nbytes() * n) + " through the shuffle), in y's grid order")
        .note("a task holds its x blocks (" + perTaskBlocks + " x " + MemoryBudget.formatBytes(
            xBlock) + ") and their running results, and folds in one y block at a time; "
            + "partials combine in y-block order")
        .note("never materialized: " + Shapes.format(new long[] {x.shape()[0], yo.rows})
            + " pairs")
        .child("x: its blocks in place, no shuffle", x.plan())
        .child("y: replicated through a shuffle", yd.plan());
    return DistributedArray.derived(sc, dt, rc, n, rdd, plan, label, own, parents);
  }

  // ================================================================== outer

  /** The unfused {@code f(x[:, None], y[None, :])} as a distributed (n, m) array. */
  public static DistributedArray outer(Ufunc f, DistributedArray x, Object y) {
    return outer(asExpr(f), x, y, 0);
  }

  /**
   * The unfused {@code f(x[:, None], y[None, :])} of 1-D x and y as a distributed (n, m) array
   * with x's chunks on axis 0 and, on axis 1, y's chunks (distributed y) or chunks of {@code
   * yChunk} (local y; 0 picks about 32 MiB blocks).
   */
  public static DistributedArray outer(Expr f, DistributedArray x, Object y, long yChunk) {
    String op = "outer";
    Operand yo = Operand.of(op, y, x);
    checkShapes(op, x, yo, false);
    if (yChunk < 0) {
      throw new ChunkSpecException(op, op + ": negative y chunk " + yChunk);
    }
    DType dt;
    try (Probe p = new Probe(x.dtype(), yo.dtype, -1)) {
      dt = io.tessera.expr.Plan.compile(f, new DType[] {x.dtype(), yo.dtype}).rootType();
    }
    JavaSparkContext sc = x.sparkContext();
    long nx = x.shape()[0];
    long m = yo.rows;
    boolean bc = yo.broadcastable(sc);
    long[] yChunks;
    if (!bc) {
      yChunks = yo.dist.chunks().chunks(0);
    } else {
      long rows = Math.max(1, x.chunks().chunkSize()[0]);
      long per = yChunk > 0 ? yChunk : Math.max(1, OUTER_BLOCK_BYTES / (rows * dt.itemsize()));
      yChunks = Chunks.regular(new long[] {m}, Math.min(Math.max(1, m), per)).chunks(0);
    }
    Chunks rc = Chunks.of(x.chunks().chunks(0), yChunks);
    long lx = x.blockCount();
    long nbj = yChunks.length;
    // the result's partitions must hold the blocks its layout says: x's partitions do when
    // their boundaries scale with the number of result blocks per x block; else one x block
    // per partition (x shuffled once)
    int n = x.numPartitions();
    boolean aligned = true;
    for (int p = 0; p <= n && bc; p++) {
      aligned &= BlockGrid.partitionStart(lx, n, p) * nbj == BlockGrid.partitionStart(lx * nbj,
          n, p);
    }
    boolean reshuffle = !bc ? n != lx : !aligned;
    int rn = reshuffle ? (int) lx : n;
    String label = "tessera outer " + f + " -> " + dt + Shapes.format(rc.shape());
    OuterFns.Op fn = new OuterFns.Op(f, null, "add");
    List<AutoCloseable> own = new ArrayList<>();
    List<DistributedArray> parents = new ArrayList<>(List.of(x));
    long outBlock = rc.largestBlockBytes(dt);
    long xBlock = x.chunks().largestBlockBytes(x.dtype());
    JavaPairRDD<BlockIndex, NDArray> xs = !reshuffle ? x.blocks() : Jobs.building(sc,
        "tessera shuffle x to one block per partition", () -> x.blocks()
            .mapPartitionsToPair(new Fns.CloseOnAdvance(), true)
            .repartitionAndSortWithinPartitions(new Fns.BlockPartitioner(lx, (int) lx),
                new Fns.BlockOrder()));
    String xHow = reshuffle ? "x: SHUFFLED to one block per partition (" + lx + ")"
        : "x: its blocks in place, no shuffle";
    Plan plan;
    JavaPairRDD<BlockIndex, NDArray> rdd;
    if (bc) {
      Broadcast<HeapArray> b = yo.broadcast(sc, own);
      BlockGrid grid = new BlockGrid(rc);
      rdd = Jobs.building(sc, label, () -> xs.mapPartitionsToPair(
          new OuterFns.OuterBroadcast(fn, b, grid, dt), true));
      plan = new Plan("outer " + f + " -> " + dt + Shapes.format(rc.shape()) + " in " + rn
          + " partitions", xBlock + b.value().nbytes() + outBlock, b.value().nbytes())
          .note("y " + yo.describe() + " BROADCAST once (Spark broadcast " + b.id()
              + "); each x block gives a row of " + nbj + " result blocks")
          .child(xHow, x.plan());
    } else {
      DistributedArray yd = yo.dist;
      parents.add(yd);
      rdd = Jobs.building(sc, label, () -> {
        JavaPairRDD<PairKey, NDArray> ys = yd.blocks()
            .mapPartitionsToPair(new OuterFns.ReplicateY(rn), true)
            .repartitionAndSortWithinPartitions(new PairKey.ByPartition(rn), new PairKey.Order());
        return JavaPairRDD.fromJavaRDD(xs.zipPartitions(ys,
            new OuterFns.OuterPairs(fn, new BlockGrid(rc), dt)));
      });
      long yBlock = yd.chunks().largestBlockBytes(yd.dtype());
      plan = new Plan("outer " + f + " -> " + dt + Shapes.format(rc.shape()) + " in " + rn
          + " partitions, BLOCK PAIRS", xBlock + 2 * yBlock + outBlock, 0)
          .note("y " + yo.describe() + ": each y block SHUFFLED to each of the " + rn
              + " partitions (one x block each)")
          .child(xHow, x.plan())
          .child("y: replicated through a shuffle", yd.plan());
    }
    return DistributedArray.derived(sc, dt, rc, rn, rdd, plan, label, own, parents);
  }

  // ================================================================== helpers

  static Expr asExpr(Ufunc f) {
    if (f.nin() != 2) {
      throw new TesseraException("outer", "outer: " + f.name() + " is not a binary ufunc");
    }
    return Expr.apply(f, Expr.arg(0), Expr.arg(1));
  }

  /** The broadcast threshold of {@code sc} ({@link #BROADCAST_CONF}). */
  public static long threshold(JavaSparkContext sc) {
    return sc.getConf().getSizeAsBytes(BROADCAST_CONF, String.valueOf(DEFAULT_BROADCAST));
  }

  private static long blocksPerTask(long blocks, int n) {
    return (blocks + n - 1) / n;
  }

  private static void checkShapes(String op, DistributedArray x, Operand y, boolean rows) {
    int want = rows ? 2 : 1;
    if (x.ndim() != want || y.shape.length != want) {
      throw new ShapeException(op, op + ": expected " + want + "-D operands" + (rows
          ? " (n, d) and (m, d)" : "") + ", got x " + Shapes.format(x.shape()) + " and y "
          + Shapes.format(y.shape));
    }
    if (rows && x.shape()[1] != y.shape[1]) {
      throw new ShapeException(op, op + ": the shared last axis differs: x "
          + Shapes.format(x.shape()) + " and y " + Shapes.format(y.shape));
    }
    if (rows && x.chunks().numBlocks()[1] != 1) {
      throw new ChunkSpecException(op, op + ": x " + Shapes.format(x.shape()) + " is chunked "
          + x.chunks() + " along its last axis; keep d in one chunk (rechunk)");
    }
    if (rows && y.dist != null && y.dist.chunks().numBlocks()[1] != 1) {
      throw new ChunkSpecException(op, op + ": y " + Shapes.format(y.shape) + " is chunked "
          + y.dist.chunks() + " along its last axis; keep d in one chunk (rechunk)");
    }
  }

  /** Tiny stand-ins of the operands' dtypes for resolving types on the driver. */
  private static final class Probe implements AutoCloseable {
    final BufferAllocator alloc = new RootAllocator();
    final NDArray x;
    final NDArray y;

    Probe(DType xt, DType yt, long d) {
      Tessera np = Tessera.using(alloc);
      x = d < 0 ? np.zeros(xt, 1) : np.zeros(xt, 1, d);
      y = d < 0 ? np.zeros(yt, 1) : np.zeros(yt, 1, d);
    }

    @Override
    public void close() {
      x.close();
      y.close();
      alloc.close();
    }
  }

  /** The y operand: local or distributed. */
  private static final class Operand {
    final NDArray local;
    final DistributedArray dist;
    final DType dtype;
    final long[] shape;
    final long rows;
    final long nbytes;

    private Operand(NDArray local, DistributedArray dist) {
      this.local = local;
      this.dist = dist;
      this.dtype = local != null ? local.dtype() : dist.dtype();
      this.shape = local != null ? local.shape() : dist.shape();
      this.rows = shape.length == 0 ? 0 : shape[0];
      this.nbytes = local != null ? local.nbytes() : dist.nbytes();
    }

    static Operand of(String op, Object y, DistributedArray x) {
      if (!x.isOpen()) {
        throw new ClosedArrayException(op, op + ": distributed x is closed");
      }
      if (y instanceof NDArray a) {
        if (!a.isOpen()) {
          throw new ClosedArrayException(op, op + ": local y is closed");
        }
        return new Operand(a, null);
      }
      if (y instanceof DistributedArray d) {
        if (!d.isOpen()) {
          throw new ClosedArrayException(op, op + ": distributed y is closed");
        }
        if (d.sparkContext().sc() != x.sparkContext().sc()) {
          throw new TesseraException(op, op + ": x and y from different SparkContexts");
        }
        return new Operand(null, d);
      }
      throw new IllegalArgumentException(op + ": y is a " + (y == null ? "null"
          : y.getClass().getName()) + "; expected an NDArray or a DistributedArray");
    }

    boolean broadcastable(JavaSparkContext sc) {
      return local != null || nbytes <= threshold(sc);
    }

    String describe() {
      return (local != null ? "local " : "distributed ") + dtype + Shapes.format(shape) + " ("
          + MemoryBudget.formatBytes(nbytes) + ")";
    }

    /** y on the heap in one broadcast (a small distributed y is collected first). */
    Broadcast<HeapArray> broadcast(JavaSparkContext sc, List<AutoCloseable> own) {
      HeapArray h;
      if (local != null) {
        h = HeapArray.copyOf(local);
      } else {
        try (BufferAllocator a = new RootAllocator();
             NDArray whole = dist.toLocal(Tessera.using(a))) {
          h = HeapArray.copyOf(whole);
        }
      }
      Broadcast<HeapArray> b = sc.broadcast(h);
      own.add(b::destroy);
      return b;
    }
  }
}
