package io.tessera.io.chunked;

import io.tessera.Tessera;
import io.tessera.chunk.BlockSource;
import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.errors.ShapeException;
import io.tessera.io.ipc.ArrowIpcException;
import io.tessera.io.ipc.ArrowIpcFile;
import io.tessera.io.ipc.ArrowIpcWriter;
import io.tessera.io.ipc.IpcBatch;
import io.tessera.io.ipc.IpcFormat;
import io.tessera.io.ipc.UnsupportedIpcException;
import io.tessera.io.tensor.ArrowDTypes;
import io.tessera.io.tensor.FixedShapeTensorType;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Shapes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Chunked arrays to and from Arrow IPC: an array of shape {@code (n, d1, ...)} is a column of
 * {@code arrow.fixed_shape_tensor} rows of shape {@code (d1, ...)}, one record batch per band of
 * blocks along axis 0 (the blocks that share a block index along axis 0).
 *
 * <p><b>Writing</b> consumes one band at a time: a band that is a single block is written from
 * the block's buffer ({@link ArrowIpcWriter#writeTensors}: no copy when it is contiguous in some
 * order with axis 0 outermost); otherwise the band is assembled ({@link ChunkedArray#region}) from
 * its blocks. Peak memory: one band plus the block being produced. A 0-d array has no row axis and
 * is refused; a 1-D array of n elements becomes n rows of 0-d tensors.
 *
 * <p><b>Reading</b> ({@link #open}) memory-maps an IPC file ({@link IpcFormat#FILE}, random
 * access) and reads its footer and each batch's metadata (no data); block {@code i} along axis 0
 * is record batch {@code i} (empty batches are skipped), its other axes whole, produced as a view
 * of the mapping when consumed (a copy only for booleans, which Arrow packs into bits). So the
 * chunks along axis 0 are the writer's batch lengths, any mix of them.
 */
public final class ChunkedIpc {
  private ChunkedIpc() {}

  /** The column name used when none is given. */
  public static final String DEFAULT_FIELD = "tensor";

  /**
   * Writes {@code array} to {@code path} (created or truncated) as column {@code field}, one
   * record batch per band along axis 0.
   */
  public static void write(ChunkedArray array, Path path, String field, IpcFormat format,
      Tessera np) {
    checkWritable(array, path.toString());
    try (ArrowIpcWriter w = ArrowIpcWriter.create(path, format)) {
      write(array, w, field, np);
    }
  }

  /** Writes {@code array}'s bands as record batches of column {@code field} to {@code writer}. */
  public static void write(ChunkedArray array, ArrowIpcWriter writer, String field, Tessera np) {
    Objects.requireNonNull(field, "field");
    checkWritable(array, "<writer>");
    Chunks c = array.chunks();
    int nd = c.ndim();
    boolean bandIsBlock = true;
    for (int a = 1; a < nd; a++) {
      bandIsBlock &= c.numBlocks(a) == 1;
    }
    long[] shape = array.shape();
    for (int i = 0; i < c.numBlocks(0); i++) {
      NDArray band;
      if (bandIsBlock) {
        long[] idx = new long[nd];
        idx[0] = i;
        band = array.block(np, idx);
      } else {
        long[] off = new long[nd];
        long[] sh = shape.clone();
        off[0] = c.start(0, i);
        sh[0] = c.size(0, i);
        band = array.region(np, off, sh);
      }
      try (NDArray b = band) {
        writer.writeTensors(field, b);
      }
    }
  }

  private static void checkWritable(ChunkedArray array, String where) {
    if (array.ndim() < 1) {
      throw new ShapeException("ipc.write", "ipc.write: " + where + ": a 0-d " + array.dtype()
          + " array has no row axis; Arrow IPC stores tensors as rows (expand it to shape (1,))");
    }
  }

  /**
   * Opens the IPC file at {@code path} lazily: record batch {@code i} of column {@code field}
   * becomes block {@code i} along axis 0. Only the footer and the batches' metadata are read now;
   * the file stays mapped until the chunked array (and everything derived from it) is closed.
   *
   * @param allocator accounts the mapping (and the bit-unpacked copies of boolean blocks)
   * @throws ArrowIpcException if the file is not a well-formed IPC file, has no such field, or
   *     the field is not a tensor column of a supported dtype
   */
  public static ChunkedArray open(Path path, String field, BufferAllocator allocator) {
    ArrowIpcFile f = ArrowIpcFile.map(path, allocator);
    try {
      String src = f.source();
      Field fld = null;
      for (Field x : f.schema().getFields()) {
        if (x.getName().equals(field)) {
          fld = x;
        }
      }
      if (fld == null) {
        throw new ArrowIpcException("ipc.open", src, "no field named '" + field + "' in "
            + f.schema());
      }
      long[] inner;
      if (fld.getType() instanceof FixedShapeTensorType t) {
        inner = t.logicalShape();
      } else if (fld.getType() instanceof ArrowType.FixedSizeList l) {
        inner = new long[] {l.getListSize()};
      } else {
        throw new UnsupportedIpcException("ipc.open", src, "field '" + field + "' has type "
            + fld.getType() + ", not arrow.fixed_shape_tensor or FixedSizeList");
      }
      DType dtype = fld.getChildren().size() == 1 ? ArrowDTypes.fromArrowOrNull(
          fld.getChildren().get(0).getType()) : null;
      if (dtype == null) {
        throw new UnsupportedIpcException("ipc.open", src, "field '" + field + "' holds values "
            + "that have no dtype: " + fld);
      }
      List<Integer> batches = new ArrayList<>();
      List<Long> rows = new ArrayList<>();
      long total = 0;
      for (int i = 0; i < f.batchCount(); i++) {
        try (IpcBatch b = f.batch(i)) {
          if (b.rowCount() > 0) {
            batches.add(i);
            rows.add(b.rowCount());
            total = Math.addExact(total, b.rowCount());
          }
        }
      }
      long[] shape = new long[inner.length + 1];
      shape[0] = total;
      System.arraycopy(inner, 0, shape, 1, inner.length);
      long[][] per = new long[shape.length][];
      per[0] = rows.isEmpty() ? new long[] {0} : rows.stream().mapToLong(Long::longValue).toArray();
      for (int a = 1; a < shape.length; a++) {
        per[a] = new long[] {shape[a]};
      }
      Chunks chunks = Chunks.of(shape, per);
      int[] which = batches.stream().mapToInt(Integer::intValue).toArray();
      BlockSource blocks = (idx, np) -> {
        if (which.length == 0) {
          return np.empty(dtype, chunks.blockShape(idx));
        }
        try (IpcBatch b = f.batch(which[(int) idx[0]])) {
          NDArray t = b.tensor(field);
          if (!Arrays.equals(t.shape(), chunks.blockShape(idx))) {
            String got = Shapes.format(t.shape());
            t.close();
            throw new ArrowIpcException("ipc.read", src, "record batch " + which[(int) idx[0]]
                + " gives tensors " + got + ", expected " + Shapes.format(chunks.blockShape(idx)));
          }
          return t;
        }
      };
      long per1 = dtype == DType.BOOL ? chunks.largestBlockBytes(dtype) : 0;
      return ChunkedArray.fromSource(chunks, dtype, blocks, per1, f);
    } catch (RuntimeException | Error e) {
      f.close();
      throw e;
    }
  }
}
