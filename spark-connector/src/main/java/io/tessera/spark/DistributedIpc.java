package io.tessera.spark;

import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.errors.ClosedArrayException;
import io.tessera.errors.UnsupportedDTypeException;
import io.tessera.io.ipc.ArrowIpcWriter;
import io.tessera.io.ipc.IpcFormat;
import io.tessera.io.tensor.ArrowDTypes;
import io.tessera.io.tensor.FixedShapeTensorType;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Shapes;
import io.tessera.spark.internal.Jobs;
import io.tessera.spark.internal.Plan;
import io.tessera.spark.io.HadoopConf;
import io.tessera.spark.io.IpcBlocks;
import io.tessera.spark.io.SparkIOException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.SeekableReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Distributed arrays from and to Arrow IPC files (the file format) on any Hadoop file system
 * path, as arrow-io writes them: an {@code arrow.fixed_shape_tensor} column, one tensor per row,
 * so an {@code (n, *s)} array is n tensors of shape {@code s}.
 *
 * <p><b>Reading.</b> The driver reads the footer, the schema and the row count of every record
 * batch (each batch's small metadata message, not its body) before any job; the grid has one
 * chunk along axis 0 per non-empty record batch and the other axes whole. Each task opens the file
 * once and reads only its own record batches (Arrow's file reader over positioned reads).
 * <b>Writing.</b> As {@link DistributedNpy}: band by band from the driver (one record batch per
 * chunk of axis 0) into a temporary file renamed at the end.
 */
public final class DistributedIpc {
  private DistributedIpc() {}

  /** The tensor column {@code field} of the Arrow IPC file at {@code path}. */
  public static DistributedArray read(JavaSparkContext sc, String path, String field) {
    String op = "readIpc";
    HadoopConf conf = new HadoopConf(sc.hadoopConfiguration());
    Path p = new Path(path);
    FileSystem fs = conf.fileSystem(p);
    String qualified = fs.makeQualified(p).toString();
    try {
      if (!fs.getFileStatus(p).isFile()) {
        throw new SparkIOException(op, path, "not a file (a directory?)");
      }
    } catch (FileNotFoundException e) {
      throw new SparkIOException(op, path, "no such file", e);
    } catch (IOException e) {
      throw new SparkIOException(op, path, "cannot read: " + e.getMessage(), e);
    }
    DType dt;
    long[] inner;
    List<Long> rows = new ArrayList<>();
    List<Integer> batches = new ArrayList<>();
    try (BufferAllocator alloc = ExecutorMemory.root().newChildAllocator("readIpc footer", 0,
        Long.MAX_VALUE); ArrowFileReader r = IpcBlocks.open(conf, qualified, alloc)) {
      Field f;
      try {
        f = r.getVectorSchemaRoot().getSchema().findField(field);
      } catch (IllegalArgumentException e) {
        throw new SparkIOException(op, path, "no column '" + field + "' (columns: "
            + r.getVectorSchemaRoot().getSchema().getFields().stream().map(Field::getName)
            .toList() + ")", e);
      }
      if (!(f.getType() instanceof FixedShapeTensorType t)) {
        throw new SparkIOException(op, path, "column '" + field + "' is " + f.getType()
            + ", not an arrow.fixed_shape_tensor");
      }
      ArrowType elem = f.getChildren().get(0).getType();
      dt = ArrowDTypes.fromArrowOrNull(elem);
      if (dt == null) {
        throw new UnsupportedDTypeException(op, String.valueOf(elem));
      }
      inner = t.logicalShape();
      List<ArrowBlock> blocks = r.getRecordBlocks();
      org.apache.hadoop.fs.FSDataInputStream in = fs.open(p);
      try (SeekableReadChannel ch = new SeekableReadChannel(new io.tessera.spark.io.HadoopChannel(in,
          fs.getFileStatus(p).getLen()))) {
        for (int i = 0; i < blocks.size(); i++) {
          ch.setPosition(blocks.get(i).getOffset());
          MessageMetadataResult m = MessageSerializer.readMessage(ch);
          if (m == null) {
            throw new SparkIOException(op, path, "record batch " + i + " has no message");
          }
          RecordBatch rb = (RecordBatch) m.getMessage().header(new RecordBatch());
          if (rb.length() > 0) {
            rows.add(rb.length());
            batches.add(i);
          }
        }
      }
    } catch (IOException e) {
      throw new SparkIOException(op, path, "cannot read the footer: " + e.getMessage(), e);
    }
    long total = rows.stream().mapToLong(Long::longValue).sum();
    long[][] sizes = new long[1 + inner.length][];
    sizes[0] = rows.isEmpty() ? new long[] {0} : rows.stream().mapToLong(Long::longValue)
        .toArray();
    long[] shape = new long[1 + inner.length];
    shape[0] = total;
    for (int a = 0; a < inner.length; a++) {
      sizes[a + 1] = new long[] {inner[a]};
      shape[a + 1] = inner[a];
    }
    Chunks chunks = Chunks.of(shape, sizes);
    int[] batchOf = batches.stream().mapToInt(Integer::intValue).toArray();
    if (batchOf.length == 0) {
      batchOf = new int[] {-1};
    }
    int n = (int) Math.max(1, Math.min(chunks.blockCount(), sc.defaultParallelism()));
    String label = "tessera readIpc " + path + " " + DistributedArray.describe(dt, chunks);
    IpcBlocks reader = new IpcBlocks(qualified, conf, field, batchOf, chunks);
    List<Long> ids = LongStream.range(0, chunks.blockCount()).boxed()
        .collect(Collectors.toList());
    JavaPairRDD<BlockIndex, NDArray> rdd;
    if (total == 0) {
      rdd = Jobs.building(sc, label, () -> sc.parallelize(ids, 1).mapPartitionsToPair(
          new io.tessera.spark.internal.Fns.Generate(new io.tessera.spark.internal.BlockGrid(
              chunks), dt, (idx, off, s, np) -> np.empty(dt, s)), true));
    } else {
      rdd = Jobs.building(sc, label, () -> sc.parallelize(ids, n).mapPartitionsToPair(reader,
          true));
    }
    Plan plan = new Plan("readIpc " + path + " [" + field + "] -> " + DistributedArray.describe(
        dt, chunks) + " in chunks of " + Shapes.format(chunks.chunkSize()) + " (one per record "
        + "batch), " + n + " partitions", 2 * chunks.largestBlockBytes(dt), 0)
        .note("each task reads the footer and only its own record batches (positioned reads)");
    return DistributedArray.derived(sc, dt, chunks, total == 0 ? 1 : n, rdd, plan, label,
        List.of(), List.of());
  }

  /** Writes {@code a} (at least 1-D) as the tensor column {@code field} of a new IPC file. */
  public static void write(DistributedArray a, String path, String field, boolean overwrite) {
    String op = "writeIpc";
    if (!a.isOpen()) {
      throw new ClosedArrayException(op, op + ": distributed array "
          + DistributedArray.describe(a.dtype(), a.chunks()) + " is closed");
    }
    if (a.ndim() < 1) {
      throw new SparkIOException(op, path, "an IPC tensor column needs a leading row axis; got "
          + "a 0-d array");
    }
    HadoopConf conf = new HadoopConf(a.sparkContext().hadoopConfiguration());
    Path target = new Path(path);
    FileSystem fs = conf.fileSystem(target);
    DistributedNpy.checkBands(op, path, a);
    DistributedNpy.checkTarget(op, path, fs, target, overwrite);
    DistributedNpy.writeAtomically(op, path, fs, target, overwrite, out -> {
      ArrowIpcWriter w = ArrowIpcWriter.create(new java.io.FilterOutputStream(out) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
          out.flush(); // the caller closes the file
        }
      }, IpcFormat.FILE, path);
      try {
        DistributedNpy.forEachBand(a, op, path, DistributedNpy.WRITE_GROUP_BYTES,
            band -> w.writeTensors(field, band));
      } finally {
        w.close();
      }
    });
  }
}
