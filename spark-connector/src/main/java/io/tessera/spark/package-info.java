/**
 * Distributed chunked arrays on Spark: {@link io.tessera.spark.DistributedArray}, Dask's array
 * model with Spark as the scheduler.
 *
 * <h2>Model</h2>
 * A distributed array is a chunk grid ({@link io.tessera.chunk.Chunks}, Dask's tuples), a dtype,
 * and a lazy {@code JavaPairRDD<BlockIndex, NDArray>} holding one Arrow-backed block per key.
 * Partition {@code p} of {@code n} holds a contiguous range of blocks in C order of the grid, so
 * two arrays on one grid with one partition count can be zipped partition by partition without a
 * shuffle; otherwise one operand is shuffled (Kryo-serialized blocks) into the other's layout.
 * {@link io.tessera.spark.DistributedArray#explain()} says which operands are zipped, shuffled,
 * broadcast or captured as scalars, with rough per-task memory.
 *
 * <h2>Where the bytes go</h2>
 * <ul>
 *   <li>{@code fromLocal}/{@code fromChunked}: each block is copied out of the driver's array when
 *       its task is launched and travels inside the task ({@code parallelize}), as heap bytes; the
 *       task copies it into an Arrow buffer.
 *   <li>Generators and random arrays: nothing but the generator travels; blocks are made on the
 *       executors. Random values are counter-based: a function of the seed and the element's
 *       position only, so they do not depend on partitions or chunks.
 *   <li>Local operands of elementwise ufuncs: copied once to the heap and sent as one Spark
 *       broadcast variable; each task copies the box its block needs into an Arrow buffer (heap,
 *       because Spark drops broadcast values without any hook to close an Arrow buffer).
 *   <li>Results: reductions return per-partition partials of a few longs; {@code toLocal} brings
 *       blocks back as heap bytes partition by partition and copies them into place, after a size
 *       guard that fails before any job.
 * </ul>
 *
 * <h2>Deterministic reductions: the choice</h2>
 * {@link io.tessera.spark.DistributedReductions}: every block becomes a small heap partial at
 * once, and partials are combined in the fixed pairwise tree of {@link io.tessera.chunk.TreeReduce}
 * keyed by block index ({@code treeAggregate} for whole-array reductions, a sorted shuffle per
 * output block for reductions along axes), so no result depends on the number of partitions, the
 * executors or the order tasks finish in. Float sums, means, var and std go further: they are
 * exact (a superaccumulator per output element, rounded once), hence also independent of the
 * chunk grid, and the sums equal the local engine's {@code ChunkedReductions} bit for bit (the
 * correctly rounded sum; NumPy's pairwise sum is within its error bound of it). Integer sums and
 * products wrap exactly; min/max/any/all/argmin/argmax are exact; only float {@code prod} (and
 * which zero or NaN payload a min/max returns) depends on the grid.
 *
 * <h2>Sources and sinks</h2>
 * {@link io.tessera.spark.DistributedNpy} ({@code .npy} on any Hadoop file system: executors read
 * their blocks' byte ranges; written band by band), {@link io.tessera.spark.DistributedZarr}
 * (Zarr v2 directories written and read chunk by chunk by the executors, arrow-io's format), and
 * {@link io.tessera.spark.DistributedFrames} (DataFrame columns in and out).
 *
 * <h2>Memory and ownership on executors</h2>
 * See {@link io.tessera.spark.ExecutorMemory}: one root allocator per executor JVM (limit {@code
 * spark.tessera.executor.memoryLimit}), a child allocator per task; every operator closes its
 * input blocks as soon as its output block exists, and the task closes whatever is still open when
 * it ends. Arrays never leave a task: no Java serialization of arrays, no driver-side state in
 * closures except broadcast handles and small serializable values.
 *
 * <h2>Linear algebra and grids</h2>
 * {@link io.tessera.spark.DistributedLinalg}: {@code matmul} and two-operand {@code einsum} with a
 * broadcast plan (the small operand sent once as a Spark broadcast variable, the other multiplied
 * where its blocks are) or a shuffle plan (block join on the summed labels), chosen against {@code
 * spark.tessera.broadcastThreshold} as Spark SQL chooses joins; every result block sums its
 * partial products in a fixed order of k, so both plans give the same bits as the local blocked
 * product. Also {@code transpose} (block keys permuted, blocks transposed as views), basic slicing
 * that computes only the partitions holding overlapping blocks, the diagonal, {@code rechunk} in
 * {@link io.tessera.chunk.RechunkPlan} steps, and the unification of misaligned grids that
 * elementwise operations use. Plans whose estimated bytes per task exceed the executor limit are
 * refused before any job.
 *
 * <h2>Configuration</h2>
 * {@link io.tessera.spark.TesseraSpark#configure(org.apache.spark.SparkConf)} sets Kryo with
 * {@link io.tessera.spark.kryo.TesseraKryoRegistrator}; everything works with {@code
 * spark.kryo.registrationRequired=true}. Spark on Java 17 needs its module flags (the build's
 * surefire {@code argLine} has them).
 */
package io.tessera.spark;
