package io.tessera.spark;

import io.tessera.Tessera;
import io.tessera.chunk.ChunkSpecException;
import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.errors.ClosedArrayException;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.memory.MemoryBudget;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Shapes;
import io.tessera.spark.internal.BlockGrid;
import io.tessera.spark.internal.BlockPayload;
import io.tessera.spark.internal.CounterRandom;
import io.tessera.spark.internal.Fns;
import io.tessera.spark.internal.HeapArray;
import io.tessera.spark.internal.Jobs;
import io.tessera.spark.internal.Lifetime;
import io.tessera.spark.internal.Plan;
import io.tessera.ufunc.TypeResolver;
import io.tessera.ufunc.Ufunc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * An N-dimensional array cut into blocks ({@link Chunks}, Dask's chunk grid) that live in Spark
 * partitions: Dask's array model on Spark. The Java API is usable from Scala as is.
 *
 * <pre>{@code
 * try (DistributedArray a = DistributedArray.fromLocal(jsc, local, Chunks.regular(shape, 1000));
 *      DistributedArray b = DistributedArray.normal(jsc, 42, a.chunks(), 0.0, 1.0);
 *      DistributedArray c = a.add(b).multiply(2.0)) {
 *   c.explain();
 *   Scalar total = c.sum();
 *   try (NDArray back = c.toLocal(np)) { ... }
 * }
 * }</pre>
 *
 * <p><b>Blocks.</b> {@link #blocks()} is a {@code JavaPairRDD<BlockIndex, NDArray>} keyed by each
 * block's deterministic {@link BlockIndex}. Partition {@code p} of {@code n} holds the blocks
 * with linear index in {@code [floor(p*L/n), floor((p+1)*L/n))} (L blocks), in C order of the grid.
 * Everything is lazy: creating and combining arrays only builds RDDs; jobs run in {@link
 * #toLocal}, the reductions, and whatever you do with {@link #blocks()}.
 *
 * <p><b>Operations.</b> Elementwise ufuncs ({@link #apply(Ufunc, Object...)}) between
 * distributed arrays on one grid zip their partitions (no shuffle) when they have the same number
 * of partitions, and shuffle the others into the first operand's layout otherwise; a local
 * {@link NDArray} operand is copied once into a Spark broadcast variable and each task slices the
 * box its block needs; Java numbers are NumPy's weak Python scalars. Types follow NumPy 2 (NEP
 * 50) and are resolved on the driver, so a bad call fails before any job. Reductions ({@link
 * #sum}, {@link #min}, {@link #max}, {@link #mean}) compute one value per block and combine them
 * with {@code treeAggregate} in a fixed tree over block indices: the result's bits depend on the
 * data and the chunk grid only, not on the number of partitions or the order tasks finish in.
 * {@link #explain()} shows how each operand reaches the tasks and rough memory per task.
 *
 * <p><b>Memory.</b> On executors, blocks come from {@link ExecutorMemory}; every operator closes
 * its input blocks once its output is computed and each task closes what is still open when it
 * ends. If you consume {@link #blocks()} yourself: each NDArray you pull belongs to you (close it
 * when done, or leave it to the task), and it cannot leave the task (a {@code collect()} of blocks
 * fails); use {@link #toLocal} or map blocks to values of your own. Do not {@code persist()} the
 * blocks RDD deserialized ({@code MEMORY_ONLY}): the arrays would be closed when the task that
 * made them ends; serialized storage levels work.
 *
 * <p><b>Lifetime.</b> A distributed array is {@link AutoCloseable}: it keeps driver-side sources
 * (the array {@link #fromLocal} reads blocks from when tasks are launched) and broadcast variables
 * alive until it and every array derived from it are closed. {@code fromLocal} takes a view, not
 * a copy: do not write to the local array while the distributed array may still run jobs.
 *
 * <p><b>Serialization.</b> Configure Spark with {@link TesseraSpark#configure(SparkConf)} (Kryo
 * with {@link io.tessera.spark.kryo.TesseraKryoRegistrator}). Closures are Java-serialized and
 * capture only grids, dtypes, ufunc names, scalars and broadcast handles, so the same code runs on
 * separate executor JVMs.
 */
public final class DistributedArray implements AutoCloseable {
  /** Spark conf key: default limit in bytes for {@link #toLocal(Tessera)}. */
  public static final String TO_LOCAL_LIMIT_CONF = "spark.tessera.toLocal.maxBytes";

  private final JavaSparkContext sc;
  private final DType dtype;
  private final BlockGrid grid;
  private final int numPartitions;
  private final JavaPairRDD<BlockIndex, NDArray> blocks;
  private final Plan plan;
  private final String label;
  private final Lifetime lifetime;
  private volatile boolean closed;

  private DistributedArray(JavaSparkContext sc, DType dtype, BlockGrid grid, int numPartitions,
      JavaPairRDD<BlockIndex, NDArray> blocks, Plan plan, String label,
      List<? extends AutoCloseable> own, List<DistributedArray> parents) {
    this.sc = sc;
    this.dtype = dtype;
    this.grid = grid;
    this.numPartitions = numPartitions;
    this.blocks = blocks;
    this.plan = plan;
    this.label = label;
    List<Lifetime> pl = new ArrayList<>();
    for (DistributedArray p : parents) {
      pl.add(p.lifetime);
    }
    this.lifetime = new Lifetime(own, pl);
    blocks.setName(label);
  }

  // ================================================================== sources

  /**
   * A distributed array over the blocks of {@code array} cut by {@code chunks}, in {@code
   * min(blocks, defaultParallelism)} partitions. Takes a view of {@code array} (which may be
   * closed afterwards); each block is copied out of it when its task is launched.
   */
  public static DistributedArray fromLocal(JavaSparkContext sc, NDArray array, Chunks chunks) {
    return fromLocal(sc, array, chunks, defaultPartitions(sc, chunks));
  }

  /** As {@link #fromLocal(JavaSparkContext, NDArray, Chunks)} in {@code numPartitions} partitions. */
  public static DistributedArray fromLocal(JavaSparkContext sc, NDArray array, Chunks chunks,
      int numPartitions) {
    try (ChunkedArray c = ChunkedArray.fromArray(array, chunks)) {
      return fromChunked(sc, c, numPartitions, "fromLocal");
    }
  }

  /**
   * A distributed array over the blocks of a chunked array (same grid), produced on the driver
   * one at a time as tasks are launched. Keeps the chunked array's sources alive (the caller may
   * close its handle).
   */
  public static DistributedArray fromChunked(JavaSparkContext sc, ChunkedArray array) {
    return fromChunked(sc, array, defaultPartitions(sc, array.chunks()));
  }

  /** As {@link #fromChunked(JavaSparkContext, ChunkedArray)} in {@code numPartitions} partitions. */
  public static DistributedArray fromChunked(JavaSparkContext sc, ChunkedArray array,
      int numPartitions) {
    return fromChunked(sc, array, numPartitions, "fromChunked");
  }

  private static DistributedArray fromChunked(JavaSparkContext sc, ChunkedArray array,
      int numPartitions, String op) {
    Chunks chunks = array.chunks();
    int n = checkPartitions(op, chunks, numPartitions);
    checkBlockSize(op, chunks, array.dtype());
    ChunkedArray held = array.mapBlocks(x -> x); // our own handle on the sources
    DType dt = array.dtype();
    BlockGrid grid = new BlockGrid(chunks);
    String label = "tessera " + op + " " + describe(dt, chunks);
    List<BlockPayload> payloads = LongStream.range(0, chunks.blockCount()).mapToObj(i -> {
      BlockIndex idx = BlockIndex.of(chunks, i);
      return BlockPayload.deferred(idx, dt, chunks.blockShape(idx.coords()),
          (coords, np) -> held.block(np, coords));
    }).collect(Collectors.toList());
    JavaPairRDD<BlockIndex, NDArray> rdd = Jobs.building(sc, label, () ->
        sc.parallelize(payloads, n).mapPartitionsToPair(new Fns.FromPayloads(), true));
    long block = chunks.largestBlockBytes(dt);
    long perTask = blocksPerTask(chunks, n) * block;
    Plan plan = new Plan(op + " " + describe(dt, chunks) + layout(chunks, n, dt), block, perTask)
        .note("blocks are copied out of the driver's array when each task is launched and "
            + "travel in the task (" + MemoryBudget.formatBytes(MemoryBudget.bytesOf(
            chunks.shape(), dt)) + " in all)");
    return new DistributedArray(sc, dt, grid, n, rdd, plan, label, List.of(held), List.of());
  }

  /**
   * A distributed array whose blocks {@code generator} computes on the executors from their
   * place in the grid; nothing is shipped but the generator.
   */
  public static DistributedArray generate(JavaSparkContext sc, Chunks chunks, DType dtype,
      DistributedGenerator generator) {
    return generate(sc, chunks, dtype, generator, defaultPartitions(sc, chunks));
  }

  /** As {@link #generate(JavaSparkContext, Chunks, DType, DistributedGenerator)} in {@code numPartitions} partitions. */
  public static DistributedArray generate(JavaSparkContext sc, Chunks chunks, DType dtype,
      DistributedGenerator generator, int numPartitions) {
    return generate(sc, chunks, dtype, generator, numPartitions, "generate");
  }

  private static DistributedArray generate(JavaSparkContext sc, Chunks chunks, DType dtype,
      DistributedGenerator generator, int numPartitions, String what) {
    int n = checkPartitions("generate", chunks, numPartitions);
    BlockGrid grid = new BlockGrid(chunks);
    String label = "tessera " + what + " " + describe(dtype, chunks);
    List<Long> ids = LongStream.range(0, chunks.blockCount()).boxed().collect(Collectors.toList());
    JavaPairRDD<BlockIndex, NDArray> rdd = Jobs.building(sc, label, () -> sc.parallelize(ids, n)
        .mapPartitionsToPair(new Fns.Generate(grid, dtype, generator), true));
    long block = chunks.largestBlockBytes(dtype);
    Plan plan = new Plan(what + " " + describe(dtype, chunks) + layout(chunks, n, dtype), block, 0)
        .note("generated on the executors, block by block; no input data");
    return new DistributedArray(sc, dtype, grid, n, rdd, plan, label, List.of(), List.of());
  }

  /**
   * float64 uniform on {@code [low, high)}. Element values are a function of the seed and their
   * position in the array only (counter-based: see {@code CounterRandom}), so they do not depend
   * on the partitioning, the executors, or even the chunk grid.
   */
  public static DistributedArray uniform(JavaSparkContext sc, long seed, Chunks chunks, double low,
      double high) {
    return uniform(sc, seed, chunks, low, high, defaultPartitions(sc, chunks));
  }

  public static DistributedArray uniform(JavaSparkContext sc, long seed, Chunks chunks, double low,
      double high, int numPartitions) {
    CounterRandom g = CounterRandom.uniform(seed, chunks.shape(), low, high);
    return generate(sc, chunks, g.dtype(), g, numPartitions, g + " seed=" + seed);
  }

  /** float64 normal deviates (Box-Muller, StrictMath); reproducible as {@link #uniform}. */
  public static DistributedArray normal(JavaSparkContext sc, long seed, Chunks chunks, double mean,
      double std) {
    return normal(sc, seed, chunks, mean, std, defaultPartitions(sc, chunks));
  }

  public static DistributedArray normal(JavaSparkContext sc, long seed, Chunks chunks, double mean,
      double std, int numPartitions) {
    CounterRandom g = CounterRandom.normal(seed, chunks.shape(), mean, std);
    return generate(sc, chunks, g.dtype(), g, numPartitions, g + " seed=" + seed);
  }

  /** int64 uniform on {@code [low, high)}; reproducible as {@link #uniform}. */
  public static DistributedArray integers(JavaSparkContext sc, long seed, Chunks chunks, long low,
      long high) {
    return integers(sc, seed, chunks, low, high, defaultPartitions(sc, chunks));
  }

  public static DistributedArray integers(JavaSparkContext sc, long seed, Chunks chunks, long low,
      long high, int numPartitions) {
    if (high <= low) {
      throw new TesseraException("integers", "integers: high <= low (" + low + ", " + high + ")");
    }
    CounterRandom g = CounterRandom.integers(seed, chunks.shape(), low, high);
    return generate(sc, chunks, g.dtype(), g, numPartitions, g + " seed=" + seed);
  }

  // ================================================================== metadata

  public long[] shape() {
    return grid.chunks().shape();
  }

  public int ndim() {
    return grid.chunks().ndim();
  }

  public DType dtype() {
    return dtype;
  }

  public Chunks chunks() {
    return grid.chunks();
  }

  public long size() {
    return Shapes.size(shape());
  }

  /** Bytes of the whole array, saturating. */
  public long nbytes() {
    return MemoryBudget.bytesOf(shape(), dtype);
  }

  public long blockCount() {
    return grid.blockCount();
  }

  public int numPartitions() {
    return numPartitions;
  }

  public JavaSparkContext sparkContext() {
    return sc;
  }

  /**
   * The blocks, keyed by block index, laid out as the class comment says. Each array pulled from
   * an iterator of this RDD belongs to the puller (see the class comment).
   */
  public JavaPairRDD<BlockIndex, NDArray> blocks() {
    checkOpen("blocks");
    return blocks;
  }

  public boolean isOpen() {
    return !closed;
  }

  // ================================================================== plan

  /** The plan as text: operations, how operands reach tasks, estimated bytes per task. */
  public String explainString() {
    return "== Tessera distributed array ==\n" + describe(dtype, grid.chunks()) + ", "
        + blockCount() + " blocks in " + numPartitions + " partitions\n" + plan.render();
  }

  /** Prints {@link #explainString()} to standard output. */
  public void explain() {
    System.out.print(explainString());
  }

  // ================================================================== elementwise

  /**
   * The ufunc {@code f} elementwise with this array as first input and {@code others} after it;
   * see {@link #apply(Ufunc, Object...)}.
   */
  public DistributedArray map(Ufunc f, Object... others) {
    Object[] all = new Object[others.length + 1];
    all[0] = this;
    System.arraycopy(others, 0, all, 1, others.length);
    return apply(f, all);
  }

  /**
   * {@code f(operands...)} elementwise, lazily. Each operand is a {@code DistributedArray} (all of
   * them on one grid), a local {@link NDArray} (broadcast once; its shape must broadcast to the
   * grid's shape), or a Java {@code Number}/{@code Boolean} (a weak scalar). At least one operand
   * is distributed; the result has the distributed operands' grid and the partition count of the
   * first of them. Distributed operands of one shape on different grids are first rechunked to
   * their common refinement ({@link DistributedLinalg#unify}: blocks are only split). Type
   * resolution and shape checks run here, before any job.
   *
   * @throws io.tessera.errors.UfuncTypeException no loop for these types (NumPy's TypeError)
   * @throws ShapeException a local operand that does not broadcast to the grid's shape
   * @throws ChunkSpecException distributed operands of different shapes
   */
  public static DistributedArray apply(Ufunc f, Object... operands) {
    String name = f.name();
    if (f.spec().nout() != 1) {
      throw new TesseraException(name, name + ": only ufuncs with one output run distributed");
    }
    if (operands.length != f.nin()) {
      throw new IllegalArgumentException(name + " takes " + f.nin() + " inputs, got "
          + operands.length);
    }
    DistributedArray first = null;
    for (Object o : operands) {
      if (o instanceof DistributedArray d) {
        first = d;
        break;
      }
    }
    if (first == null) {
      throw new TesseraException(name, name + ": no distributed operand (use the ufunc locally)");
    }
    Object[] unified = DistributedLinalg.unifyOperands(operands); // misaligned grids
    if (unified != null) {
      try {
        return apply(f, unified);
      } finally {
        for (int i = 0; i < unified.length; i++) {
          if (unified[i] != operands[i] && unified[i] instanceof DistributedArray d) {
            d.close(); // the result holds its own reference
          }
        }
      }
    }
    JavaSparkContext sc = first.sc;
    Chunks chunks = first.chunks();
    long[] shape = chunks.shape();
    int n = first.numPartitions;

    int k = operands.length;
    DType[] types = new DType[k];
    boolean[] weak = new boolean[k];
    Number[] values = new Number[k];
    long[][] shapes = new long[k][];
    Fns.Slot[] slots = new Fns.Slot[k];
    List<DistributedArray> dists = new ArrayList<>();
    List<JavaPairRDD<BlockIndex, NDArray>> rdds = new ArrayList<>();
    List<NDArray> locals = new ArrayList<>();
    List<String> how = new ArrayList<>(); // per distributed operand, with its plan in inputs
    List<Plan> inputs = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    long heap = 0;
    long inputsOff = 0;
    for (int i = 0; i < k; i++) {
      Object o = operands[i];
      if (o instanceof DistributedArray d) {
        d.checkOpen(name);
        if (!d.chunks().equals(chunks)) {
          throw new ChunkSpecException(name, name + ": operand " + i + " has chunks "
              + d.chunks() + ", operand 0 has " + chunks + " (distributed operands must share "
              + "one grid; rechunk first)");
        }
        if (d.sc.sc() != sc.sc()) {
          throw new TesseraException(name, name + ": operands from different SparkContexts");
        }
        types[i] = d.dtype;
        shapes[i] = shape;
        slots[i] = Fns.Slot.distributed(dists.size());
        dists.add(d);
        if (d.numPartitions == n) {
          rdds.add(d.blocks);
          how.add("operand " + i + ": zipped partition by partition, no shuffle");
          inputsOff += d.plan.offHeapPerTask();
          heap += d.plan.heapPerTask();
        } else {
          rdds.add(realign(d, n));
          how.add("operand " + i + ": SHUFFLED from " + d.numPartitions + " to " + n
              + " partitions (" + MemoryBudget.formatBytes(d.nbytes()) + " through the "
              + "shuffle; a reduce task holds its partition's blocks while sorting them)");
          long held = blocksPerTask(chunks, n) * chunks.largestBlockBytes(d.dtype);
          inputsOff += held;
        }
        inputs.add(d.plan);
      } else if (o instanceof NDArray a) {
        if (!a.isOpen()) {
          throw new ClosedArrayException(name, name + ": local operand " + i + " is closed");
        }
        if (!io.tessera.shape.Broadcast.canBroadcastTo(a.shape(), shape)) {
          throw new ShapeException(name, name + ": local operand " + i + " of shape "
              + Shapes.format(a.shape()) + " does not broadcast to the distributed shape "
              + Shapes.format(shape));
        }
        types[i] = a.dtype();
        shapes[i] = a.shape();
        slots[i] = Fns.Slot.local(locals.size(), a.shape());
        locals.add(a);
      } else if (o instanceof Number || o instanceof Boolean) {
        weak[i] = true;
        values[i] = o instanceof Boolean b ? (Number) (b ? 1L : 0L) : (Number) o;
        types[i] = o instanceof Boolean ? DType.BOOL
            : o instanceof Double || o instanceof Float ? DType.FLOAT64 : DType.INT64;
        shapes[i] = new long[0];
        slots[i] = Fns.Slot.scalar(o);
      } else {
        throw new IllegalArgumentException(name + ": operand " + i + " is a "
            + (o == null ? "null" : o.getClass().getName()) + "; expected a DistributedArray, "
            + "an NDArray or a Java number/boolean");
      }
    }
    DType out = TypeResolver.resolveFull(f.spec(), types, weak, values, null, null, null).loop()
        .out()[0];
    long[] result = io.tessera.shape.Broadcast.broadcastShapes(shapes);
    if (!Arrays.equals(result, shape)) {
      throw new ShapeException(name, name + ": the operands broadcast to "
          + Shapes.format(result) + ", beyond the distributed shape " + Shapes.format(shape));
    }
    checkBlockSize(name, chunks, out);

    // local operands: copied to the heap now (the caller may close them), broadcast once
    List<Broadcast<HeapArray>> bcs = new ArrayList<>();
    List<AutoCloseable> own = new ArrayList<>();
    long slices = 0;
    for (int i = 0; i < k; i++) {
      if (slots[i].kind() != 'l') {
        continue;
      }
      NDArray a = (NDArray) operands[i];
      HeapArray h = HeapArray.copyOf(a);
      Broadcast<HeapArray> b = sc.broadcast(h);
      bcs.add(b);
      own.add(b::destroy);
      heap += h.nbytes();
      long[] box = boxFor(a.shape(), chunks);
      slices += MemoryBudget.bytesOf(box, a.dtype());
      notes.add("operand " + i + ": local " + a.dtype() + Shapes.format(a.shape()) + " ("
          + MemoryBudget.formatBytes(h.nbytes()) + ") BROADCAST once (Spark broadcast "
          + b.id() + "), each task copies the box its block needs ("
          + MemoryBudget.formatBytes(MemoryBudget.bytesOf(box, a.dtype())) + " at most)");
    }
    for (int i = 0; i < k; i++) {
      if (slots[i].kind() == 's') {
        notes.add("operand " + i + ": scalar " + operands[i] + " (weak, captured in the closure)");
      }
    }
    String label = "tessera " + name + " -> " + describe(out, chunks);
    Fns.Elementwise fn = new Fns.Elementwise(name, slots, bcs, new BlockGrid(chunks), out);
    JavaPairRDD<BlockIndex, NDArray> rdd = Jobs.building(sc, label, () -> {
      JavaPairRDD<BlockIndex, NDArray[]> bundle = rdds.get(0).mapPartitionsToPair(
          new Fns.ToBundle(), true);
      for (int j = 1; j < rdds.size(); j++) {
        bundle = JavaPairRDD.fromJavaRDD(bundle.zipPartitions(rdds.get(j), new Fns.ZipBundle()));
      }
      return bundle.mapPartitionsToPair(fn, true);
    });
    long offHeap = inputsOff + slices + chunks.largestBlockBytes(out);
    Plan plan = new Plan(name + " -> " + describe(out, chunks) + layout(chunks, n, out), offHeap,
        heap).note("elementwise per block; input blocks are closed as soon as each output block "
        + "is made");
    notes.forEach(plan::note);
    for (int j = 0; j < how.size(); j++) {
      plan.child(how.get(j), inputs.get(j));
    }
    List<AutoCloseable> ownAll = new ArrayList<>(own);
    return new DistributedArray(sc, out, new BlockGrid(chunks), n, rdd, plan, label, ownAll,
        dists);
  }

  /** The largest box of a local operand of {@code shape} that one block needs. */
  private static long[] boxFor(long[] localShape, Chunks chunks) {
    long[] cs = chunks.chunkSize();
    int shift = cs.length - localShape.length;
    long[] box = new long[localShape.length];
    for (int a = 0; a < box.length; a++) {
      box[a] = localShape[a] == 1 ? 1 : cs[a + shift];
    }
    return box;
  }

  /** Shuffles {@code d}'s blocks into the layout of {@code n} partitions. */
  private static JavaPairRDD<BlockIndex, NDArray> realign(DistributedArray d, int n) {
    String label = "tessera shuffle " + describe(d.dtype, d.chunks()) + " to " + n
        + " partitions";
    return Jobs.building(d.sc, label, () -> d.blocks
        .mapPartitionsToPair(new Fns.CloseOnAdvance(), true)
        .repartitionAndSortWithinPartitions(new Fns.BlockPartitioner(d.blockCount(), n),
            new Fns.BlockOrder())
        .setName(label));
  }

  /** {@code self + other} ({@link Ufunc#ADD}); other as in {@link #apply(Ufunc, Object...)}. */
  public DistributedArray add(Object other) {
    return map(Ufunc.ADD, other);
  }

  public DistributedArray subtract(Object other) {
    return map(Ufunc.SUBTRACT, other);
  }

  public DistributedArray multiply(Object other) {
    return map(Ufunc.MULTIPLY, other);
  }

  public DistributedArray divide(Object other) {
    return map(Ufunc.TRUE_DIVIDE, other);
  }

  /** {@code astype(dtype)} per block (NumPy's unsafe casting, as {@link NDArray#astype}). */
  public DistributedArray astype(DType to) {
    checkOpen("astype");
    checkBlockSize("astype", chunks(), to);
    String label = "tessera astype " + to.numpyName() + " -> " + describe(to, chunks());
    JavaPairRDD<BlockIndex, NDArray> rdd = Jobs.building(sc, label, () ->
        blocks.mapPartitionsToPair(new Fns.AsType(to), true));
    long block = chunks().largestBlockBytes(to);
    Plan p = new Plan("astype " + to.numpyName() + layout(chunks(), numPartitions, to),
        plan.offHeapPerTask() + block, plan.heapPerTask())
        .child("per block, no shuffle", plan);
    return new DistributedArray(sc, to, grid, numPartitions, rdd, p, label, List.of(),
        List.of(this));
  }

  // ================================================================== linear algebra, grids

  /** {@code self @ other}: {@link DistributedLinalg#matmul(Object, Object)}. */
  public DistributedArray matmul(Object other) {
    return DistributedLinalg.matmul(this, other);
  }

  /** {@code self @ other} with options: {@link DistributedLinalg#matmul(Object, Object, ProductOptions)}. */
  public DistributedArray matmul(Object other, ProductOptions options) {
    return DistributedLinalg.matmul(this, other, options);
  }

  /** {@code self.T}: {@link DistributedLinalg#transpose(DistributedArray)}. */
  public DistributedArray T() {
    return DistributedLinalg.transpose(this);
  }

  /** {@code np.transpose(self, axes)}: {@link DistributedLinalg#transpose(DistributedArray, int...)}. */
  public DistributedArray transpose(int... axes) {
    return DistributedLinalg.transpose(this, axes);
  }

  /** {@code self[index]}, basic slicing: {@link DistributedLinalg#slice}. */
  public DistributedArray get(io.tessera.index.Index... index) {
    return DistributedLinalg.slice(this, index);
  }

  /** {@code self.rechunk(chunks)}: {@link DistributedLinalg#rechunk(DistributedArray, Chunks)}. */
  public DistributedArray rechunk(Chunks chunks) {
    return DistributedLinalg.rechunk(this, chunks);
  }

  // ================================================================== reductions

  // Whole-array reductions return a Scalar; reductions along axes a lazy DistributedArray over
  // the kept axes. Semantics, dtypes and reproducibility: see DistributedReductions.

  /** {@code np.sum(a)}: exact, correctly rounded for floats (see {@link DistributedReductions}). */
  public Scalar sum() {
    return DistributedReductions.sum(this);
  }

  /** {@code np.sum(a, axis=, keepdims=)}. */
  public DistributedArray sum(ReduceOptions o) {
    return DistributedReductions.sum(this, o);
  }

  /** {@code np.prod(a)}. */
  public Scalar prod() {
    return DistributedReductions.prod(this);
  }

  public DistributedArray prod(ReduceOptions o) {
    return DistributedReductions.prod(this, o);
  }

  /** {@code np.min(a)}; NaN propagates. Refused (before any job) for an empty array. */
  public Scalar min() {
    return DistributedReductions.min(this);
  }

  public DistributedArray min(ReduceOptions o) {
    return DistributedReductions.min(this, o);
  }

  /** {@code np.max(a)}; NaN propagates. Refused (before any job) for an empty array. */
  public Scalar max() {
    return DistributedReductions.max(this);
  }

  public DistributedArray max(ReduceOptions o) {
    return DistributedReductions.max(this, o);
  }

  /** {@code np.mean(a)}: NumPy's result types; NaN for an empty array. */
  public Scalar mean() {
    return DistributedReductions.mean(this);
  }

  public DistributedArray mean(ReduceOptions o) {
    return DistributedReductions.mean(this, o);
  }

  /** {@code np.var(a)} (ddof 0). */
  public Scalar var() {
    return DistributedReductions.var(this, 0);
  }

  /** {@code np.var(a, ddof=ddof)}. */
  public Scalar var(double ddof) {
    return DistributedReductions.var(this, ddof);
  }

  /** {@code np.var(a, axis=, keepdims=, ddof=)}. */
  public DistributedArray var(ReduceOptions o) {
    return DistributedReductions.var(this, o);
  }

  /** {@code np.std(a)} (ddof 0). */
  public Scalar std() {
    return DistributedReductions.std(this, 0);
  }

  public Scalar std(double ddof) {
    return DistributedReductions.std(this, ddof);
  }

  public DistributedArray std(ReduceOptions o) {
    return DistributedReductions.std(this, o);
  }

  /** {@code np.argmin(a)}: int64 flat (C order) index; the first NaN wins. */
  public Scalar argmin() {
    return DistributedReductions.argmin(this);
  }

  /** {@code np.argmin(a, axis=axis, keepdims=keepdims)}. */
  public DistributedArray argmin(int axis, boolean keepdims) {
    return DistributedReductions.argmin(this, axis, keepdims);
  }

  /** {@code np.argmax(a)}: int64 flat (C order) index; the first NaN wins. */
  public Scalar argmax() {
    return DistributedReductions.argmax(this);
  }

  public DistributedArray argmax(int axis, boolean keepdims) {
    return DistributedReductions.argmax(this, axis, keepdims);
  }

  /** {@code np.any(a)}. */
  public Scalar any() {
    return DistributedReductions.any(this);
  }

  public DistributedArray any(ReduceOptions o) {
    return DistributedReductions.any(this, o);
  }

  /** {@code np.all(a)}. */
  public Scalar all() {
    return DistributedReductions.all(this);
  }

  public DistributedArray all(ReduceOptions o) {
    return DistributedReductions.all(this, o);
  }

  // ================================================================== to the driver

  /**
   * The whole array as one new C-order local array from {@code np}, with the default limit: the
   * Spark conf {@value #TO_LOCAL_LIMIT_CONF} if set, else {@code spark.driver.maxResultSize}
   * (default 1g; 0 means unlimited).
   *
   * @throws ResultTooLargeException before any job, if the array is larger than the limit
   */
  public NDArray toLocal(Tessera np) {
    return toLocal(np, defaultLimit(sc));
  }

  /**
   * The whole array as one new C-order local array from {@code np}. Blocks arrive partition by
   * partition and are copied into place as they come, so the driver holds the result plus the
   * partitions in flight.
   *
   * @throws ResultTooLargeException before any job, if the array is larger than {@code maxBytes}
   */
  public NDArray toLocal(Tessera np, long maxBytes) {
    checkOpen("toLocal");
    long need = nbytes();
    if (need > maxBytes) {
      throw new ResultTooLargeException("toLocal", "toLocal: the array " + describe(dtype,
          chunks()) + " is " + MemoryBudget.formatBytes(need) + " (" + need + " bytes), over the "
          + "limit of " + MemoryBudget.formatBytes(maxBytes) + " (" + maxBytes + " bytes) for "
          + "results brought to the driver; reduce it first, write it out block by block, or "
          + "raise " + TO_LOCAL_LIMIT_CONF + " / spark.driver.maxResultSize", need, maxBytes);
    }
    NDArray out = np.empty(dtype, shape());
    try {
      Fns.AssembleInto handler = new Fns.AssembleInto(out, chunks());
      ClassTag<BlockPayload[]> tag = ClassTag$.MODULE$.apply(BlockPayload[].class);
      String name = "tessera toLocal " + describe(dtype, chunks()) + " ("
          + MemoryBudget.formatBytes(need) + ")";
      Jobs.action(sc, name, () -> {
        sc.sc().runJob(blocks.rdd(), new Fns.CollectPartition(), handler, tag);
        return null;
      });
      if (handler.blocks() != blockCount()) {
        throw new TesseraException("toLocal", "toLocal: received " + handler.blocks()
            + " blocks of " + blockCount());
      }
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /** The default {@link #toLocal(Tessera)} limit for {@code sc}. */
  public static long defaultLimit(JavaSparkContext sc) {
    SparkConf conf = sc.getConf();
    if (conf.contains(TO_LOCAL_LIMIT_CONF)) {
      return MemoryBudget.parseBytes(conf.get(TO_LOCAL_LIMIT_CONF).trim());
    }
    long m = conf.getSizeAsBytes("spark.driver.maxResultSize", "1g");
    return m <= 0 ? Long.MAX_VALUE : m;
  }

  // ================================================================== lifetime

  /**
   * Releases the driver-side sources and broadcast variables this array's jobs need, once every
   * array derived from it is closed too. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    lifetime.release();
  }

  private void checkOpen(String op) {
    if (closed) {
      throw new ClosedArrayException(op, op + ": distributed array " + describe(dtype, chunks())
          + " is closed");
    }
  }

  @Override
  public String toString() {
    return "DistributedArray(shape=" + Shapes.format(shape()) + ", dtype=" + dtype.numpyName()
        + ", chunks=" + Shapes.format(chunks().chunkSize()) + ", blocks="
        + Shapes.format(chunks().numBlocks()) + ", partitions=" + numPartitions
        + (closed ? ", closed" : "") + ")";
  }

  // ================================================================== for operators of this package

  /**
   * Internal: a distributed array over blocks that another operator of this package built
   * (linear algebra, rechunk, slicing), laid out as the class comment
   * says, keeping {@code own} and the parents' driver-side resources alive.
   */
  static DistributedArray derived(JavaSparkContext sc, DType dtype, Chunks chunks,
      int numPartitions, JavaPairRDD<BlockIndex, NDArray> blocks, Plan plan, String label,
      List<? extends AutoCloseable> own, List<DistributedArray> parents) {
    return new DistributedArray(sc, dtype, new BlockGrid(chunks), numPartitions, blocks, plan,
        label, own, parents);
  }

  /** Internal: this array's plan node, for operators of this package. */
  Plan plan() {
    return plan;
  }

  // ================================================================== helpers

  private static int defaultPartitions(JavaSparkContext sc, Chunks chunks) {
    return (int) Math.max(1, Math.min(chunks.blockCount(), sc.defaultParallelism()));
  }

  private static int checkPartitions(String op, Chunks chunks, int n) {
    if (n < 1) {
      throw new TesseraException(op, op + ": numPartitions must be positive, got " + n);
    }
    return (int) Math.max(1, Math.min(n, chunks.blockCount()));
  }

  private static void checkBlockSize(String op, Chunks chunks, DType dtype) {
    long b = chunks.largestBlockBytes(dtype);
    if (b > Integer.MAX_VALUE - 8) {
      throw new ChunkSpecException(op, op + ": blocks of " + MemoryBudget.formatBytes(b)
          + " (" + Shapes.format(chunks.chunkSize()) + " " + dtype + ") are over Spark's 2 GiB "
          + "record limit; use smaller chunks");
    }
  }

  private static long blocksPerTask(Chunks chunks, int n) {
    long l = chunks.blockCount();
    return (l + n - 1) / n;
  }

  static String describe(DType dtype, Chunks chunks) {
    return dtype.numpyName() + Shapes.format(chunks.shape());
  }

  private static String layout(Chunks chunks, int n, DType dtype) {
    return " in chunks of " + Shapes.format(chunks.chunkSize()) + " ("
        + Shapes.format(chunks.numBlocks()) + " blocks of <= "
        + MemoryBudget.formatBytes(chunks.largestBlockBytes(dtype)) + "), " + n + " partitions";
  }
}
