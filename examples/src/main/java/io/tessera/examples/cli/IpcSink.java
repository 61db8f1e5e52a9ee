package io.tessera.examples.cli;

import io.tessera.io.ipc.ArrowIpcWriter;
import io.tessera.io.ipc.IpcFormat;
import io.tessera.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an Arrow IPC file or stream, one record batch per slab: an array of two or more
 * dimensions as an {@code arrow.fixed_shape_tensor} column named {@code field} (row {@code i} is
 * {@code a[i]}; a Fortran-ordered array keeps its layout through the type's {@code permutation}),
 * a 1-D array as one primitive column. 0-d arrays have no rows and are refused.
 */
final class IpcSink implements SlabSink {
  private final Path path;
  private final String field;
  private final int ndim;
  private final ArrowIpcWriter writer;
  private boolean finished;

  IpcSink(Path path, IpcFormat format, String field, long[] shape) {
    if (shape.length == 0) {
      throw new CliException("a 0-d array cannot be written as Arrow IPC (rows are taken along "
          + "axis 0); write .npy or .npz");
    }
    this.path = path;
    this.field = field;
    this.ndim = shape.length;
    this.writer = ArrowIpcWriter.create(path, format);
  }

  @Override
  public void write(NDArray slab, long row0) {
    if (ndim == 1) {
      try (NDArray column = slab.reshape(slab.shape(0), 1)) {
        writer.writeColumns(column, field);
      }
    } else {
      writer.writeTensors(field, slab);
    }
  }

  @Override
  public void finish(NDArray whole) {
    writer.close();
    finished = true;
  }

  @Override
  public void close() throws IOException {
    if (!finished) {
      try {
        writer.close();
      } finally {
        Files.deleteIfExists(path);
      }
    }
  }
}
