package io.tessera.spark;

import io.tessera.chunk.ChunkSpecException;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.io.npy.NpyFormatException;
import io.tessera.io.npy.NpyHeader;
import io.tessera.io.npy.NpyReader;
import io.tessera.memory.MemoryBudget;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Shapes;
import io.tessera.spark.internal.BlockPayload;
import io.tessera.spark.internal.Jobs;
import io.tessera.spark.internal.Plan;
import io.tessera.spark.internal.Regions;
import io.tessera.spark.io.HadoopConf;
import io.tessera.spark.io.NpyBlockReader;
import io.tessera.spark.io.SparkIOException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import scala.Tuple2;

/**
 * Distributed arrays from and to {@code .npy} files on any Hadoop file system path ({@code
 * file:///...}, {@code hdfs://...}, a bare path resolves against the default file system).
 *
 * <p><b>Reading.</b> The driver reads and checks the header (magic, version, dtype, shape, that
 * the file holds all the data) before any job; each task then opens the file once and reads only
 * the byte ranges of its own blocks with positioned reads. C- and Fortran-order files and either
 * byte order are read; the blocks are C-ordered native arrays.
 *
 * <p><b>Writing.</b> The driver writes the file as a stream, band by band along axis 0 (a band is
 * every block of one chunk of axis 0: a contiguous byte range of a C-order file): it runs one
 * job per group of consecutive partitions (about {@value #WRITE_GROUP_BYTES} bytes of blocks per
 * group), keeps the blocks that arrive, and writes each band as soon as it is complete. The
 * driver holds at most one group plus one band, never the array. The file is written under a
 * temporary name next to the target and renamed when complete.
 */
public final class DistributedNpy {
  private DistributedNpy() {}

  /** Bytes of blocks fetched per job when writing. */
  public static final long WRITE_GROUP_BYTES = 64L << 20;

  // ================================================================ reading

  /** The header of the {@code .npy} file at {@code path}, read on the driver. */
  public static NpyHeader header(JavaSparkContext sc, String path) {
    HadoopConf conf = new HadoopConf(sc.hadoopConfiguration());
    return readHeader("readNpy", conf, path);
  }

  /** {@code path} in chunks chosen by {@link Chunks#auto} (about 128 MiB per block). */
  public static DistributedArray read(JavaSparkContext sc, String path) {
    NpyHeader h = header(sc, path);
    return read(sc, path, Chunks.auto(h.shape(), h.dtype()));
  }

  /** {@code path} in regular chunks of {@code chunkSize} (one per axis or one for all; -1: whole). */
  public static DistributedArray read(JavaSparkContext sc, String path, long... chunkSize) {
    NpyHeader h = header(sc, path);
    return read(sc, path, Chunks.regular(h.shape(), chunkSize));
  }

  /** {@code path} cut by {@code chunks} (whose shape must be the file's). */
  public static DistributedArray read(JavaSparkContext sc, String path, Chunks chunks) {
    return read(sc, path, chunks, (int) Math.max(1, Math.min(chunks.blockCount(),
        sc.defaultParallelism())));
  }

  /** As {@link #read(JavaSparkContext, String, Chunks)} in {@code numPartitions} partitions. */
  public static DistributedArray read(JavaSparkContext sc, String path, Chunks chunks,
      int numPartitions) {
    HadoopConf conf = new HadoopConf(sc.hadoopConfiguration());
    NpyHeader h = readHeader("readNpy", conf, path);
    if (!Arrays.equals(h.shape(), chunks.shape())) {
      throw new ChunkSpecException("readNpy", "readNpy: chunks " + chunks + " are for shape "
          + Shapes.format(chunks.shape()) + " but " + path + " holds " + h.dtype()
          + Shapes.format(h.shape()));
    }
    if (numPartitions < 1) {
      throw new SparkIOException("readNpy", path, "numPartitions must be positive, got "
          + numPartitions);
    }
    int n = (int) Math.max(1, Math.min(numPartitions, chunks.blockCount()));
    DType dt = h.dtype();
    String label = "tessera readNpy " + path + " " + DistributedArray.describe(dt, chunks);
    NpyBlockReader reader = new NpyBlockReader(qualified(conf, path), conf, chunks, dt,
        h.dataOffset(), h.fortranOrder(), h.needsSwap());
    List<Long> ids = LongStream.range(0, chunks.blockCount()).boxed()
        .collect(Collectors.toList());
    JavaPairRDD<BlockIndex, NDArray> rdd = Jobs.building(sc, label, () ->
        sc.parallelize(ids, n).mapPartitionsToPair(reader, true));
    long block = chunks.largestBlockBytes(dt);
    Plan plan = new Plan("readNpy " + path + " -> " + DistributedArray.describe(dt, chunks)
        + " in chunks of " + Shapes.format(chunks.chunkSize()) + " (" + chunks.blockCount()
        + " blocks), " + n + " partitions", block * (h.fortranOrder() ? 2 : 1),
        NpyBlockReader.MAX_READ)
        .note("each task opens the file once and reads its blocks' byte ranges with positioned "
            + "reads" + (h.fortranOrder() ? " (Fortran order: read transposed, then copied)" : "")
            + (h.needsSwap() ? "; big-endian data swapped" : ""));
    return DistributedArray.derived(sc, dt, chunks, n, rdd, plan, label, List.of(), List.of());
  }

  private static String qualified(HadoopConf conf, String path) {
    Path p = new Path(path);
    return conf.fileSystem(p).makeQualified(p).toString();
  }

  static NpyHeader readHeader(String op, HadoopConf conf, String path) {
    Path p = new Path(path);
    FileSystem fs = conf.fileSystem(p);
    FileStatus st;
    try {
      st = fs.getFileStatus(p);
    } catch (FileNotFoundException e) {
      throw new SparkIOException(op, path, "no such file", e);
    } catch (IOException e) {
      throw new SparkIOException(op, path, "cannot read: " + e.getMessage(), e);
    }
    if (!st.isFile()) {
      throw new SparkIOException(op, path, "not a file (a directory?)");
    }
    long len = st.getLen();
    int want = (int) Math.min(len, 1 << 16);
    try (FSDataInputStream in = fs.open(p)) {
      while (true) {
        byte[] b = new byte[want];
        in.readFully(0, b);
        try {
          NpyHeader h = NpyReader.readHeader(b);
          long need = h.dataOffset() + h.dataBytes();
          if (len < need) {
            throw new NpyFormatException(op, path, NpyFormatException.Fault.TRUNCATED,
                "the header says " + h.dtype() + Shapes.format(h.shape()) + ", " + need
                + " bytes with the header, but the file has " + len);
          }
          return h;
        } catch (NpyFormatException e) {
          if (e.fault() == NpyFormatException.Fault.TRUNCATED && want < len
              && want < NpyHeader.MAX_HEADER_TEXT + 64) {
            want = (int) Math.min(len, NpyHeader.MAX_HEADER_TEXT + 64);
            continue;
          }
          if (e.source().equals(path)) {
            throw e;
          }
          String m = e.getMessage();
          String detail = m.substring(m.indexOf(": ", m.indexOf(": ") + 2) + 2);
          throw new NpyFormatException(op, path, e.fault(), detail, e);
        }
      }
    } catch (IOException e) {
      throw new SparkIOException(op, path, "cannot read: " + e.getMessage(), e);
    }
  }

  // ================================================================ writing

  /** Writes {@code a} to a new {@code .npy} file at {@code path} (refused if it exists). */
  public static void write(DistributedArray a, String path) {
    write(a, path, false);
  }

  /**
   * Writes {@code a} as a C-order little-endian {@code .npy} file at {@code path}, replacing an
   * existing file if {@code overwrite}.
   *
   * @throws SparkIOException before any job if the target exists (and not {@code overwrite}) or
   *     is a directory
   * @throws ResultTooLargeException before any job if one band (one chunk of axis 0 by the other
   *     axes) is over the driver's result limit ({@link DistributedArray#defaultLimit})
   */
  public static void write(DistributedArray a, String path, boolean overwrite) {
    write(a, path, overwrite, WRITE_GROUP_BYTES);
  }

  /** As {@link #write(DistributedArray, String, boolean)}, fetching about {@code groupBytes} per job. */
  static void write(DistributedArray a, String path, boolean overwrite, long groupBytes) {
    String op = "writeNpy";
    if (!a.isOpen()) {
      throw new io.tessera.errors.ClosedArrayException(op, op + ": distributed array "
          + DistributedArray.describe(a.dtype(), a.chunks()) + " is closed");
    }
    JavaSparkContext sc = a.sparkContext();
    HadoopConf conf = new HadoopConf(sc.hadoopConfiguration());
    Path target = new Path(path);
    FileSystem fs = conf.fileSystem(target);
    Chunks chunks = a.chunks();
    DType dt = a.dtype();
    checkBands(op, path, a);
    checkTarget(op, path, fs, target, overwrite);
    NpyHeader header = NpyHeader.of(dt, chunks.shape(), false);
    byte[] copy = new byte[1 << 20];
    writeAtomically(op, path, fs, target, overwrite, out -> {
      out.write(header.toBytes());
      forEachBand(a, op, path, groupBytes, band -> {
        long addr = band.size() == 0 ? 0 : band.dataAddress();
        long n = band.nbytes();
        long done = 0;
        while (done < n) {
          int k = (int) Math.min(copy.length, n - done);
          io.tessera.memory.Raw.copyToHeap(addr + done, copy, 0, k);
          out.write(copy, 0, k);
          done += k;
        }
      });
    });
  }

  /** Consumes one band (it is closed after the call). */
  interface BandSink {
    void accept(NDArray band) throws IOException;
  }

  /** Writes a file through {@code body}. */
  interface FileBody {
    void write(OutputStream out) throws IOException;
  }

  /**
   * Runs {@code body} on a new temporary file next to {@code target}, then renames it to the
   * target (deleting the temporary on failure).
   */
  static void writeAtomically(String op, String path, FileSystem fs, Path target,
      boolean overwrite, FileBody body) {
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tessera-"
        + UUID.randomUUID());
    boolean done = false;
    try (OutputStream out = fs.create(tmp, false)) {
      body.write(out);
      done = true;
    } catch (IOException e) {
      throw new SparkIOException(op, path, "write failed: " + e.getMessage(), e);
    } finally {
      try {
        if (done) {
          if (overwrite && fs.exists(target)) {
            fs.delete(target, false);
          }
          if (!fs.rename(tmp, target)) {
            throw new SparkIOException(op, path, "cannot rename " + tmp + " to the target");
          }
        } else if (fs.exists(tmp)) {
          fs.delete(tmp, false);
        }
      } catch (IOException e) {
        throw new SparkIOException(op, path, "cannot finish: " + e.getMessage(), e);
      }
    }
  }

  /** Checks a write target: refused if it is a directory, or exists without {@code overwrite}. */
  static void checkTarget(String op, String path, FileSystem fs, Path target, boolean overwrite) {
    try {
      if (fs.exists(target)) {
        if (fs.getFileStatus(target).isDirectory()) {
          throw new SparkIOException(op, path, "is a directory");
        }
        if (!overwrite) {
          throw new SparkIOException(op, path, "exists (pass overwrite=true to replace it)");
        }
      }
    } catch (IOException e) {
      throw new SparkIOException(op, path, "cannot check the target: " + e.getMessage(), e);
    }
  }

  /** Refuses (before any job) an array whose largest band is over the driver's limit. */
  static void checkBands(String op, String path, DistributedArray a) {
    Chunks chunks = a.chunks();
    DType dt = a.dtype();
    int nd = chunks.ndim();
    long rowBytes = dt.itemsize();
    for (int ax = 1; ax < nd; ax++) {
      rowBytes *= chunks.shape()[ax];
    }
    long largestBand = nd == 0 ? dt.itemsize() : rowBytes * Arrays.stream(chunks.chunks(0))
        .max().orElse(0);
    long limit = DistributedArray.defaultLimit(a.sparkContext());
    if (largestBand > limit || largestBand > Integer.MAX_VALUE - 8) {
      throw new ResultTooLargeException(op, op + ": " + path + ": a band of "
          + MemoryBudget.formatBytes(largestBand) + " (a chunk of axis 0 by the other axes of "
          + DistributedArray.describe(dt, chunks) + ") is over the driver's limit of "
          + MemoryBudget.formatBytes(Math.min(limit, Integer.MAX_VALUE - 8)) + "; use smaller "
          + "chunks along axis 0 (rechunk) or write Zarr", largestBand, limit);
    }
  }

  /**
   * Brings {@code a} to the driver band by band (every block of one chunk of axis 0, as one
   * C-order array) in order, fetching groups of consecutive partitions of about {@code
   * groupBytes} per job, and hands each band to {@code sink}.
   */
  static void forEachBand(DistributedArray a, String op, String path, long groupBytes,
      BandSink sink) throws IOException {
    JavaSparkContext sc = a.sparkContext();
    Chunks chunks = a.chunks();
    DType dt = a.dtype();
    int nd = chunks.ndim();
    long bands = nd == 0 ? 1 : chunks.numBlocks(0);
    long perBand = chunks.blockCount() / Math.max(bands, 1);
    JavaRDD<BlockPayload> payloads = a.blocks().mapPartitions(new ToPayloads());
    TreeMap<Long, BlockPayload> have = new TreeMap<>();
    long nextBand = 0;
    int parts = a.numPartitions();
    long perPartition = (long) Math.ceil((double) chunks.blockCount() / parts)
        * chunks.largestBlockBytes(dt);
    int group = (int) Math.max(1, Math.min(parts, groupBytes / Math.max(1, perPartition)));
    for (int p0 = 0; p0 < parts; p0 += group) {
      int[] ids = new int[Math.min(group, parts - p0)];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = p0 + i;
      }
      String name = "tessera " + op + " " + path + " partitions " + p0 + ".." + (p0 + ids.length
          - 1) + " of " + parts;
      List<BlockPayload>[] got = Jobs.action(sc, name, () -> payloads.collectPartitions(ids));
      for (List<BlockPayload> l : got) {
        for (BlockPayload b : l) {
          have.put(b.index().linear(), b);
        }
      }
      while (nextBand < bands && have.subMap(nextBand * perBand, nextBand * perBand + perBand)
          .size() == perBand) {
        try (NDArray band = band(chunks, dt, nextBand, perBand, have)) {
          sink.accept(band);
        }
        nextBand++;
      }
    }
    if (nextBand != bands) {
      throw new SparkIOException(op, path, "received " + nextBand + " of " + bands + " bands");
    }
  }

  /** Band {@code band} as a new C-order array (its blocks removed from {@code have}). */
  private static NDArray band(Chunks chunks, DType dt, long band, long perBand,
      TreeMap<Long, BlockPayload> have) {
    long[] shape = chunks.shape();
    int nd = shape.length;
    long[] bandShape = shape.clone();
    if (nd > 0) {
      bandShape[0] = chunks.size(0, (int) band);
    }
    NDArray buf = ExecutorMemory.tessera().empty(dt, bandShape);
    long addr = buf.size() == 0 ? 0 : buf.dataAddress();
    for (long i = band * perBand; i < (band + 1) * perBand; i++) {
      BlockPayload b = have.remove(i);
      long[] off = chunks.blockOffsets(b.index().coords());
      if (nd > 0) {
        off[0] = 0;
      }
      Regions.scatter(b.bytes(), 0, bandShape, off, b.shape(), dt.itemsize(), null, addr);
    }
    return buf;
  }

  /** A partition's blocks as heap payloads (closing the blocks). */
  static final class ToPayloads
      implements FlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray>>, BlockPayload> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<BlockPayload> call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      List<BlockPayload> out = new ArrayList<>();
      while (it.hasNext()) {
        Tuple2<BlockIndex, NDArray> t = it.next();
        try (NDArray a = t._2()) {
          out.add(BlockPayload.copyOf(t._1(), a));
        }
      }
      return out.iterator();
    }
  }
}
