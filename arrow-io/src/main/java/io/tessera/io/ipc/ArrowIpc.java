package io.tessera.io.ipc;

import io.tessera.index.Index;
import io.tessera.ndarray.NDArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;

/**
 * One-call reading and writing of ndarrays as Arrow IPC files and streams. See {@link
 * ArrowIpcWriter}, {@link ArrowIpcFile} and {@link ArrowIpcStreamReader} for the details, and for
 * several batches per file.
 */
public final class ArrowIpc {
  private ArrowIpc() {}

  /** Writes {@code tensor} as a one-row {@code arrow.fixed_shape_tensor} column named {@code field}. */
  public static void writeTensor(Path path, String field, NDArray tensor, IpcFormat format) {
    try (ArrowIpcWriter w = ArrowIpcWriter.create(path, format)) {
      w.writeTensor(field, tensor);
    }
  }

  /** Writes {@code stacked} as one record batch: row {@code i} holds the tensor {@code stacked[i]}. */
  public static void writeTensors(Path path, String field, NDArray stacked, IpcFormat format) {
    try (ArrowIpcWriter w = ArrowIpcWriter.create(path, format)) {
      w.writeTensors(field, stacked);
    }
  }

  /** Writes the columns of the 2-D {@code matrix} as primitive columns. */
  public static void writeColumns(Path path, NDArray matrix, IpcFormat format, String... names) {
    try (ArrowIpcWriter w = ArrowIpcWriter.create(path, format)) {
      w.writeColumns(matrix, names);
    }
  }

  /**
   * The tensors of column {@code field}, all rows: shape {@code (rows, *shape)}. A file in the
   * file format is memory-mapped and, with one record batch, the result views the mapping
   * (read-only; the file stays mapped until the array is closed). A stream is read into memory.
   */
  public static NDArray readTensors(Path path, String field, BufferAllocator allocator) {
    if (detect(path) == IpcFormat.FILE) {
      try (ArrowIpcFile f = ArrowIpcFile.map(path, allocator)) {
        return f.readTensor(field);
      }
    }
    try (ArrowIpcStreamReader r = ArrowIpcStreamReader.open(path, allocator)) {
      return r.readTensor(field);
    }
  }

  /** The single tensor of a one-row column (as written by {@link #writeTensor}): a view. */
  public static NDArray readTensor(Path path, String field, BufferAllocator allocator) {
    try (NDArray all = readTensors(path, field, allocator)) {
      if (all.shape(0) != 1) {
        throw new ArrowIpcException("read", path.toString(), "column '" + field + "' has "
            + all.shape(0) + " rows, not one (use readTensors) " + Arrays.toString(all.shape()));
      }
      return all.get(Index.at(0));
    }
  }

  /** Primitive columns (all when none named) as a Fortran-ordered {@code (rows, columns)} array. */
  public static NDArray readMatrix(Path path, BufferAllocator allocator, String... columns) {
    if (detect(path) == IpcFormat.FILE) {
      try (ArrowIpcFile f = ArrowIpcFile.map(path, allocator)) {
        return f.readMatrix(columns);
      }
    }
    try (ArrowIpcStreamReader r = ArrowIpcStreamReader.open(path, allocator)) {
      return r.readMatrix(columns);
    }
  }

  /** {@link IpcFormat#FILE} if the file starts with the {@code ARROW1} magic, else STREAM. */
  public static IpcFormat detect(Path path) {
    byte[] head = new byte[6];
    try (InputStream in = Files.newInputStream(path)) {
      int n = in.readNBytes(head, 0, 6);
      return n == 6 && Arrays.equals(head, ArrowIpcFile.MAGIC) ? IpcFormat.FILE : IpcFormat.STREAM;
    } catch (IOException e) {
      throw new ArrowIpcException("open", path.toString(), "cannot read (" + e + ")", e);
    }
  }
}
