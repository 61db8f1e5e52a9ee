package io.tessera.spark.io;

import io.tessera.chunk.Chunks;
import io.tessera.io.tensor.FixedShapeTensorType;
import io.tessera.io.tensor.FixedShapeTensorVector;
import io.tessera.io.tensor.TensorVectors;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.spark.BlockIndex;
import io.tessera.spark.ExecutorMemory;
import io.tessera.spark.internal.BlockGrid;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import scala.Tuple2;

/**
 * Executors' side of reading an Arrow IPC file: each task opens the file once (Arrow's file
 * reader over {@link HadoopChannel}: the footer, then only its own record batches, by positioned
 * reads) and turns record batch {@code b} (a {@code fixed_shape_tensor} column, one tensor per
 * row) into block {@code b} along axis 0.
 */
public final class IpcBlocks implements PairFlatMapFunction<Iterator<Long>, BlockIndex, NDArray> {
  private static final long serialVersionUID = 1L;
  private final String path;
  private final HadoopConf conf;
  private final String field;
  private final int[] batchOf; // block (axis-0 chunk) -> record batch
  private final BlockGrid grid;

  public IpcBlocks(String path, HadoopConf conf, String field, int[] batchOf, Chunks chunks) {
    this.path = path;
    this.conf = conf;
    this.field = field;
    this.batchOf = batchOf.clone();
    this.grid = new BlockGrid(chunks);
  }

  /** Opens Arrow's file reader on {@code path} with the task's allocator. */
  public static ArrowFileReader open(HadoopConf conf, String path,
      org.apache.arrow.memory.BufferAllocator alloc) throws IOException {
    FixedShapeTensorType.ensureRegistered();
    Path p = new Path(path);
    FileSystem fs = conf.fileSystem(p);
    long size = fs.getFileStatus(p).getLen();
    return new ArrowFileReader(new HadoopChannel(fs.open(p), size), alloc);
  }

  @Override
  public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Long> ids) throws IOException {
    ArrowFileReader reader = open(conf, path, ExecutorMemory.tessera().allocator());
    TaskContext tc = TaskContext.get();
    if (tc != null) {
      tc.addTaskCompletionListener(c -> {
        try {
          reader.close();
        } catch (IOException e) {
          // read-only
        }
      });
    }
    List<ArrowBlock> blocks = reader.getRecordBlocks();
    Chunks c = grid.chunks();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return ids.hasNext();
      }

      @Override
      public Tuple2<BlockIndex, NDArray> next() {
        BlockIndex idx = BlockIndex.of(c, ids.next());
        try {
          if (!reader.loadRecordBatch(blocks.get(batchOf[(int) idx.coord(0)]))) {
            throw new IOException("record batch missing");
          }
          FieldVector v = reader.getVectorSchemaRoot().getVector(field);
          NDArray out;
          try (NDArray view = TensorVectors.view((FixedShapeTensorVector) v)) {
            out = view.copy(Order.C);
          }
          reader.getVectorSchemaRoot().clear();
          return new Tuple2<>(idx, ExecutorMemory.adopt(Fns.checked(out, idx, c)));
        } catch (IOException e) {
          throw new UncheckedIOException("readIpc: " + path + ": reading " + idx, e);
        }
      }
    };
  }

  /** Shape check of a block read from a batch. */
  static final class Fns {
    static NDArray checked(NDArray b, BlockIndex idx, Chunks c) {
      long[] want = c.blockShape(idx.coords());
      if (!java.util.Arrays.equals(want, b.shape())) {
        String got = java.util.Arrays.toString(b.shape());
        b.close();
        throw new IllegalStateException("readIpc: " + idx + " read as " + got + ", expected "
            + java.util.Arrays.toString(want));
      }
      return b;
    }
  }
}
