package io.tessera.examples.cli;

import io.tessera.dtype.DType;
import io.tessera.index.Index;
import io.tessera.io.ipc.ArrowIpcFile;
import io.tessera.io.ipc.ArrowIpcStreamReader;
import io.tessera.io.ipc.IpcBatch;
import io.tessera.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An Arrow IPC file or stream as slabs, record batch by record batch. What is read:
 * <ul>
 *   <li>a tensor column ({@code arrow.fixed_shape_tensor} or a fixed-size list): shape
 *       {@code (rows, *tensorShape)};
 *   <li>one primitive column: shape {@code (rows,)};
 *   <li>several primitive columns of one dtype: a {@code (rows, columns)} matrix (Fortran order).
 * </ul>
 * A file is memory-mapped and each batch is a view of the mapping; a stream is read one batch at
 * a time (twice: once to count the rows, once to convert).
 */
final class IpcSource implements SlabSource {
  private enum Mode { TENSOR, COLUMN, MATRIX }

  private final Path path;
  private final boolean stream;
  private final BufferAllocator allocator;
  private final ArrowIpcFile file;
  private final Mode mode;
  private final String field;
  private final String[] columns;
  private final DType dtype;
  private final long[] shape;
  private final boolean fortran;
  private NDArray whole;

  IpcSource(Path path, boolean stream, String member, BufferAllocator allocator) {
    this.path = path;
    this.stream = stream;
    this.allocator = allocator;
    this.file = stream ? null : ArrowIpcFile.map(path, allocator);
    try {
      Schema schema;
      if (stream) {
        try (ArrowIpcStreamReader r = ArrowIpcStreamReader.open(path, allocator)) {
          schema = r.schema();
        }
      } else {
        schema = file.schema();
      }
      List<Field> fields = schema.getFields();
      Field chosen = null;
      if (member != null) {
        chosen = fields.stream().filter(f -> member.equals(f.getName())).findFirst().orElseThrow(
            () -> new CliException(path + ": no field '" + member + "' (fields: "
                + names(fields) + ")"));
      } else if (fields.size() == 1) {
        chosen = fields.get(0);
      } else if (fields.isEmpty()) {
        throw new CliException(path + ": the schema has no fields");
      } else if (fields.stream().anyMatch(IpcSource::isTensor)) {
        throw new CliException(path + ": " + fields.size() + " fields (" + names(fields)
            + "): choose one with --member NAME");
      }
      if (chosen == null) {
        mode = Mode.MATRIX;
        field = null;
        columns = fields.stream().map(Field::getName).toArray(String[]::new);
      } else {
        mode = isTensor(chosen) ? Mode.TENSOR : Mode.COLUMN;
        field = chosen.getName();
        columns = new String[] {field};
      }
      // the dtype, tensor shape and row count: from the batches' metadata (file) or a first pass
      long rows = 0;
      DType dt = null;
      long[] inner = null;
      boolean f = false;
      int batches = 0;
      if (stream) {
        try (ArrowIpcStreamReader r = ArrowIpcStreamReader.open(path, allocator)) {
          while (true) {
            try (IpcBatch b = r.next(); NDArray part = b == null ? null : part(b)) {
              if (b == null) {
                break;
              }
              if (dt == null) {
                dt = part.dtype();
                inner = Arrays.copyOfRange(part.shape(), 1, part.ndim());
                f = isFortran(part);
              }
              rows += part.shape(0);
              batches++;
            }
          }
        }
      } else {
        batches = file.batchCount();
        for (int i = 0; i < batches; i++) {
          try (IpcBatch b = file.batch(i)) {
            if (i == 0) {
              NDArray part = part(b);
              dt = part.dtype();
              inner = Arrays.copyOfRange(part.shape(), 1, part.ndim());
              f = isFortran(part);
              if (batches == 1) {
                whole = part;
              } else {
                part.close();
              }
            }
            rows += b.rowCount();
          }
        }
      }
      if (batches == 0) {
        throw new CliException(path + ": no record batches (the array's shape and dtype are "
            + "unknown)");
      }
      this.dtype = dt;
      this.fortran = f;
      long[] s = new long[inner.length + 1];
      s[0] = rows;
      System.arraycopy(inner, 0, s, 1, inner.length);
      this.shape = s;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  static boolean isTensor(Field f) {
    ArrowType t = f.getType();
    return t instanceof ArrowType.ExtensionType || t instanceof ArrowType.FixedSizeList;
  }

  private static String names(List<Field> fields) {
    return String.join(", ", fields.stream().map(Field::getName).toList());
  }

  private NDArray part(IpcBatch b) {
    switch (mode) {
      case TENSOR: return b.tensor(field);
      case COLUMN: return b.column(field);
      default: return b.matrix(columns);
    }
  }

  private boolean isFortran(NDArray part) {
    if (mode == Mode.MATRIX) {
      return columns.length > 1;
    }
    if (mode == Mode.COLUMN || part.ndim() < 3 || part.shape(0) == 0) {
      return false;
    }
    try (NDArray row = part.get(Index.at(0))) {
      return row.isFContiguous() && !row.isCContiguous();
    }
  }

  @Override
  public String name() {
    return path.toString();
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public boolean fortran() {
    return fortran;
  }

  @Override
  public String arrayName() {
    return field;
  }

  @Override
  public NDArray whole() {
    return whole;
  }

  @Override
  public void forEachSlab(long maxBytes, SlabConsumer consumer) throws IOException {
    long row = 0;
    if (stream) {
      try (ArrowIpcStreamReader r = ArrowIpcStreamReader.open(path, allocator)) {
        while (true) {
          try (IpcBatch b = r.next(); NDArray part = b == null ? null : part(b)) {
            if (b == null) {
              break;
            }
            check(part);
            SlabSource.slabsOf(part, row, maxBytes, consumer);
            row += part.shape(0);
          }
        }
      }
    } else {
      for (int i = 0; i < file.batchCount(); i++) {
        try (IpcBatch b = file.batch(i); NDArray part = part(b)) {
          check(part);
          SlabSource.slabsOf(part, row, maxBytes, consumer);
          row += part.shape(0);
        }
      }
    }
    if (row != shape[0]) {
      throw new CliException(path + ": the record batches hold " + row + " rows, "
          + shape[0] + " were counted");
    }
  }

  private void check(NDArray part) {
    if (part.dtype() != dtype || part.ndim() != shape.length
        || !Arrays.equals(Arrays.copyOfRange(part.shape(), 1, part.ndim()),
            Arrays.copyOfRange(shape, 1, shape.length))) {
      throw new CliException(path + ": a record batch of " + part.dtype() + " "
          + Arrays.toString(part.shape()) + " differs from the first (" + dtype + ")");
    }
  }

  @Override
  public void close() {
    List<RuntimeException> errors = new ArrayList<>();
    if (whole != null) {
      whole.close();
      whole = null;
    }
    if (file != null) {
      try {
        file.close();
      } catch (RuntimeException e) {
        errors.add(e);
      }
    }
    if (!errors.isEmpty()) {
      throw errors.get(0);
    }
  }
}
