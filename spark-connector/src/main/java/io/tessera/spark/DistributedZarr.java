package io.tessera.spark;

import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.errors.ClosedArrayException;
import io.tessera.io.zarr.Zarr;
import io.tessera.io.zarr.ZarrMetadata;
import io.tessera.io.zarr.ZarrWriteOptions;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Shapes;
import io.tessera.spark.internal.Jobs;
import io.tessera.spark.internal.Plan;
import io.tessera.spark.io.HadoopZarrStore;
import io.tessera.spark.io.ZarrBlocks;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Distributed arrays persisted as Zarr v2 directories on any Hadoop file system path, one Zarr
 * chunk per block, written and read by the executors that hold the blocks ({@link
 * HadoopZarrStore}). The format is arrow-io's {@link Zarr} (v2: {@code .zarray}, optional {@code
 * .zattrs}, chunk keys {@code "i.j.k"}, uncompressed or zlib/gzip, which zarr-python and
 * NumPy-side tools read).
 *
 * <p><b>Writing.</b> The driver checks the grid (Zarr v2 needs regular chunks: all equal but the
 * last along each axis) and the target, and writes the metadata, before any job; then one job
 * writes every block as its chunk. Blocks of an irregular grid must be rechunked first
 * ({@link DistributedArray#rechunk}). <b>Reading.</b> The driver reads {@code .zarray}; tasks read
 * their chunks (a chunk that is not stored reads as the fill value).
 */
public final class DistributedZarr {
  private DistributedZarr() {}

  /** Writes {@code a} to the Zarr directory {@code path} with default options (uncompressed). */
  public static ZarrMetadata write(DistributedArray a, String path) {
    return write(a, path, ZarrWriteOptions.defaults());
  }

  /**
   * Writes {@code a} to the Zarr directory {@code path}.
   *
   * @return the metadata written
   * @throws io.tessera.io.zarr.ZarrException before any job: irregular chunks, an existing array
   *     without {@code overwrite}, a bad fill value, an unwritable store
   */
  public static ZarrMetadata write(DistributedArray a, String path, ZarrWriteOptions options) {
    if (!a.isOpen()) {
      throw new ClosedArrayException("zarr.write", "zarr.write: distributed array "
          + DistributedArray.describe(a.dtype(), a.chunks()) + " is closed");
    }
    JavaSparkContext sc = a.sparkContext();
    HadoopZarrStore store = HadoopZarrStore.of(path, sc.hadoopConfiguration());
    ZarrMetadata meta = Zarr.metadataFor(a.chunks(), a.dtype(), options, store.location());
    Zarr.create(store, meta, options.attributes(), options.overwrite());
    ZarrBlocks.Write w = new ZarrBlocks.Write(store, meta);
    Jobs.action(sc, "tessera zarr.write " + path + " " + DistributedArray.describe(a.dtype(),
        a.chunks()) + " (" + a.blockCount() + " chunks)", () -> {
          a.blocks().foreachPartition(w);
          return null;
        });
    return meta;
  }

  /** The Zarr v2 array in directory {@code path}, one block per chunk. */
  public static DistributedArray read(JavaSparkContext sc, String path) {
    HadoopZarrStore store = HadoopZarrStore.of(path, sc.hadoopConfiguration());
    ZarrMetadata meta = Zarr.readMetadata(store);
    Chunks chunks = meta.grid();
    return read(sc, store, meta, (int) Math.max(1, Math.min(chunks.blockCount(),
        sc.defaultParallelism())));
  }

  /** As {@link #read(JavaSparkContext, String)} in {@code numPartitions} partitions. */
  public static DistributedArray read(JavaSparkContext sc, String path, int numPartitions) {
    HadoopZarrStore store = HadoopZarrStore.of(path, sc.hadoopConfiguration());
    return read(sc, store, Zarr.readMetadata(store), numPartitions);
  }

  private static DistributedArray read(JavaSparkContext sc, HadoopZarrStore store,
      ZarrMetadata meta, int numPartitions) {
    if (numPartitions < 1) {
      throw new io.tessera.spark.io.SparkIOException("zarr.read", store.location(),
          "numPartitions must be positive, got " + numPartitions);
    }
    Chunks chunks = meta.grid();
    DType dt = meta.dtype();
    int n = (int) Math.max(1, Math.min(numPartitions, chunks.blockCount()));
    String label = "tessera zarr.read " + store.location() + " " + DistributedArray.describe(dt,
        chunks);
    ZarrBlocks.Read r = new ZarrBlocks.Read(store, meta);
    List<Long> ids = LongStream.range(0, chunks.blockCount()).boxed()
        .collect(Collectors.toList());
    JavaPairRDD<BlockIndex, NDArray> rdd = Jobs.building(sc, label, () ->
        sc.parallelize(ids, n).mapPartitionsToPair(r, true));
    long block = chunks.largestBlockBytes(dt);
    Plan plan = new Plan("zarr.read " + store.location() + " -> " + DistributedArray.describe(dt,
        chunks) + " in chunks of " + Shapes.format(chunks.chunkSize()) + " (" + chunks.blockCount()
        + " chunks), " + n + " partitions", 3 * block, meta.chunkBytes())
        .note("each task reads and decodes its own chunks (" + meta.compressor() + ")");
    return DistributedArray.derived(sc, dt, chunks, n, rdd, plan, label, List.of(), List.of());
  }
}
