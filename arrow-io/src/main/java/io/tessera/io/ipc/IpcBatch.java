package io.tessera.io.ipc;

import io.tessera.dtype.DType;
import io.tessera.io.tensor.ArrowDTypes;
import io.tessera.io.tensor.Bits;
import io.tessera.io.tensor.FixedShapeTensorType;
import io.tessera.io.tensor.TensorVectors;
import io.tessera.memory.Raw;
import io.tessera.memory.Storage;
import io.tessera.ndarray.Creation;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Layout;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One record batch of an Arrow IPC file or stream: its schema, its row count, and its body (a
 * region of a file mapping, of an in-memory buffer, or of a buffer read from a stream). The
 * node and buffer metadata were checked against the body when the batch was read, so every
 * array made here lies inside it.
 *
 * <p><b>Views, not copies.</b> {@link #tensor}, {@link #column} and {@link #matrix} return
 * ndarrays that view the body where they can. Each array holds its own reference on the body, so
 * it outlives this batch and the reader (closing the last of them releases the memory or the
 * mapping). A copy, from the reader's allocator, is made only where a view is impossible, and the
 * method's javadoc says when. Arrays over a read-only mapping are not writeable.
 *
 * <p>Null values are refused ({@link UnsupportedIpcException}): an ndarray has no missing
 * elements. Validity buffers of columns without nulls are ignored.
 */
public final class IpcBatch implements AutoCloseable {
  static {
    FixedShapeTensorType.ensureRegistered();
  }

  private final Schema schema;
  private final IpcMetadata.BatchMeta meta;
  private final Region body;
  private final BufferAllocator allocator;
  private final boolean writeable;
  private final String source;
  private final int index;
  private boolean closed;

  IpcBatch(Schema schema, IpcMetadata.BatchMeta meta, Region body, BufferAllocator allocator,
      boolean writeable, String source, int index) {
    this.schema = schema;
    this.meta = meta;
    this.body = body;
    this.allocator = allocator;
    this.writeable = writeable;
    this.source = source;
    this.index = index;
  }

  public Schema schema() {
    return schema;
  }

  /** Number of rows (tensors, or column values). */
  public long rowCount() {
    return meta.length;
  }

  /** Position of this batch in its file or stream, from 0. */
  public int index() {
    return index;
  }

  /** Bytes in this batch's body. */
  public long bodyLength() {
    return body.length;
  }

  /** Absolute address of the first body byte (for tests proving that arrays view the body). */
  public long bodyAddress() {
    checkOpen("bodyAddress");
    return body.address();
  }

  private Where where() {
    return new Where(source, "record batch " + index);
  }

  private void checkOpen(String op) {
    if (closed) {
      throw new ArrowIpcException(op, where(), "the record batch is closed");
    }
  }

  private int fieldIndex(String op, String name) {
    List<Field> fields = schema.getFields();
    for (int i = 0; i < fields.size(); i++) {
      if (name.equals(fields.get(i).getName())) {
        return i;
      }
    }
    throw new ArrowIpcException(op, where(), "no field named '" + name + "' (fields: "
        + names() + ")");
  }

  private List<String> names() {
    List<String> out = new ArrayList<>();
    for (Field f : schema.getFields()) {
      out.add(String.valueOf(f.getName()));
    }
    return out;
  }

  private Field field(String op, int i) {
    if (i < 0 || i >= schema.getFields().size()) {
      throw new ArrowIpcException(op, where(), "field index " + i + " out of range for "
          + schema.getFields().size() + " fields");
    }
    return schema.getFields().get(i);
  }

  // ------------------------------------------------------------------ tensors

  /** The tensor column named {@code name}; see {@link #tensor(int)}. */
  public NDArray tensor(String name) {
    return tensor(fieldIndex("tensor", name));
  }

  /**
   * The tensors of an {@code arrow.fixed_shape_tensor} field (or of a plain {@code
   * FixedSizeList<primitive>} field, read as 1-D tensors) as one ndarray of shape {@code
   * (rowCount, *logicalShape)}: row {@code r} is the tensor of row {@code r}, and a {@code
   * permutation} in the metadata becomes the strides (a Fortran-ordered tensor reads back as a
   * Fortran-ordered view, not a copy).
   *
   * <p><b>Copies</b>: none when the values' buffer is aligned for the dtype (always for files
   * written by Tessera, whose buffers are 64-byte aligned, and for any spec-conforming 8-byte
   * aligned body in a mapping or a buffer read from a stream). A misaligned buffer is copied,
   * because NumPy's ALIGNED flag and the element kernels expect natural alignment; booleans are
   * always copied, because Arrow packs them in bits.
   *
   * @throws UnsupportedIpcException for nulls, dictionary encoding or non-primitive values
   * @throws CorruptIpcException when node lengths or buffer sizes do not match the type
   */
  public NDArray tensor(int fieldIndex) {
    checkOpen("tensor");
    Field f = field("tensor", fieldIndex);
    String fname = "field '" + f.getName() + "'";
    if (f.getDictionary() != null) {
      throw new UnsupportedIpcException("tensor", where(), fname + " is dictionary-encoded");
    }
    FixedShapeTensorType type;
    if (f.getType() instanceof FixedShapeTensorType) {
      type = (FixedShapeTensorType) f.getType();
    } else if (f.getType() instanceof ArrowType.FixedSizeList) {
      type = new FixedShapeTensorType(((ArrowType.FixedSizeList) f.getType()).getListSize());
    } else {
      throw new UnsupportedIpcException("tensor", where(), fname + " has type " + f.getType()
          + ", not arrow.fixed_shape_tensor or FixedSizeList");
    }
    if (f.getChildren().size() != 1) {
      throw new CorruptIpcException("tensor", where(), fname + " has "
          + f.getChildren().size() + " children; a FixedSizeList has one");
    }
    Field child = f.getChildren().get(0);
    DType dtype = child.getDictionary() != null ? null : ArrowDTypes.fromArrowOrNull(
        child.getType());
    if (dtype == null) {
      throw new UnsupportedIpcException("tensor", where(), fname + " holds values of type "
          + child.getType() + (child.getDictionary() != null ? " (dictionary-encoded)" : "")
          + ", which has no dtype");
    }
    int node = meta.fieldNode[fieldIndex];
    int buf = meta.fieldBuffer[fieldIndex];
    long rows = meta.nodeLength[node];
    checkNoNulls(fname, meta.nodeNulls[node], "null tensors");
    long count;
    try {
      count = Math.multiplyExact(rows, (long) type.listSize());
    } catch (ArithmeticException e) {
      throw new CorruptIpcException("tensor", where(), fname + ": " + rows + " rows of "
          + type.listSize() + " values overflow");
    }
    if (meta.nodeLength[node + 1] != count) {
      throw new CorruptIpcException("tensor", where(), fname + " has " + meta.nodeLength[node + 1]
          + " values for " + rows + " tensors of " + type.listSize() + " (list_size mismatch)");
    }
    checkNoNulls(fname, meta.nodeNulls[node + 1], "null elements");
    int data = buf + 2;
    long needed = dataBytes(fname, dtype, count);
    if (meta.bufLength[data] < needed) {
      throw new CorruptIpcException("tensor", where(), fname + ": values buffer of "
          + meta.bufLength[data] + " bytes is shorter than the " + needed + " bytes of " + count
          + " " + dtype + " values");
    }
    return TensorVectors.wrap(body.buf, body.offset + meta.bufOffset[data], rows, type, dtype,
        allocator, writeable);
  }

  private long dataBytes(String fname, DType dtype, long count) {
    if (dtype == DType.BOOL) {
      return Bits.packedBytes(count);
    }
    try {
      return Math.multiplyExact(count, (long) dtype.itemsize());
    } catch (ArithmeticException e) {
      throw new CorruptIpcException("read", where(), fname + ": " + count + " values overflow");
    }
  }

  private void checkNoNulls(String fname, long nulls, String what) {
    if (nulls != 0) {
      throw new UnsupportedIpcException("read", where(), fname + " has " + nulls + " " + what
          + "; an ndarray cannot hold nulls");
    }
  }

  // ------------------------------------------------------------------ primitive columns

  /** The primitive column named {@code name}; see {@link #column(int)}. */
  public NDArray column(String name) {
    return column(fieldIndex("column", name));
  }

  /**
   * A primitive column as a 1-D ndarray of {@code rowCount} values: a view of the data buffer
   * when it is aligned for the dtype, else (misaligned, or booleans) a copy.
   */
  public NDArray column(int fieldIndex) {
    checkOpen("column");
    Col c = primitive("column", fieldIndex);
    if (c.dtype == DType.BOOL || ((c.address) & (c.dtype.itemsize() - 1)) != 0) {
      NDArray out = Creation.empty(allocator, c.dtype, new long[] {meta.length},
          io.tessera.ndarray.Order.C, Creation.DEFAULT_ALIGNMENT);
      copyColumn(c, out.dataAddress());
      return out;
    }
    Storage s = Storage.wrap(body.buf, body.offset + c.offset, meta.length * c.dtype.itemsize());
    return NDArray.owning(s, c.dtype, new Layout(new long[] {meta.length},
        new long[] {c.dtype.itemsize()}, 0, c.dtype.itemsize()), writeable);
  }

  /** All columns as one 2-D array; see {@link #matrix(String...)}. */
  public NDArray matrix() {
    return matrix(names().toArray(new String[0]));
  }

  /**
   * The named primitive columns (all of one dtype) as a 2-D array of shape {@code (rowCount,
   * columns)} in Fortran order: column {@code j} of the array is column {@code names[j]}.
   *
   * <p><b>View or copy</b>: a view when the columns' data buffers lie in the body at equal
   * distances in the order requested, each aligned for the dtype: the array's column stride is
   * that distance. This is the case for files written by {@link ArrowIpcWriter#writeColumns},
   * for most files of same-typed columns without nulls (each column's validity buffer, when
   * present, has the same size, so the spacing stays constant), and for one column. Otherwise
   * (unequal spacing, misaligned buffers, reordered columns, booleans) the columns are copied
   * into a new Fortran-ordered array, one bulk copy per column.
   */
  public NDArray matrix(String... names) {
    checkOpen("matrix");
    int c = names.length;
    Col[] cols = new Col[c];
    for (int j = 0; j < c; j++) {
      cols[j] = primitive("matrix", fieldIndex("matrix", names[j]));
      if (cols[j].dtype != cols[0].dtype) {
        throw new UnsupportedIpcException("matrix", where(), "columns '" + names[0] + "' ("
            + cols[0].dtype + ") and '" + names[j] + "' (" + cols[j].dtype
            + ") differ in type; a matrix needs one dtype");
      }
    }
    long rows = meta.length;
    if (c == 0) {
      throw new ArrowIpcException("matrix", where(), "no columns to make a matrix of");
    }
    DType dtype = cols[0].dtype;
    int itemsize = dtype.itemsize();
    long colBytes = rows * itemsize;
    long stride = c > 1 ? cols[1].offset - cols[0].offset : Math.max(colBytes, itemsize);
    boolean view = dtype != DType.BOOL && stride >= colBytes && stride > 0
        && stride % itemsize == 0 && (cols[0].address & (itemsize - 1)) == 0;
    for (int j = 1; view && j < c; j++) {
      view = cols[j].offset - cols[j - 1].offset == stride;
    }
    if (view) {
      long span = (c - 1) * stride + colBytes;
      Storage s = Storage.wrap(body.buf, body.offset + cols[0].offset, span);
      return NDArray.owning(s, dtype, new Layout(new long[] {rows, c},
          new long[] {itemsize, stride}, 0, itemsize), writeable);
    }
    NDArray out = Creation.empty(allocator, dtype, new long[] {rows, c}, io.tessera.ndarray.Order.F,
        Creation.DEFAULT_ALIGNMENT);
    for (int j = 0; j < c; j++) {
      copyColumn(cols[j], out.dataAddress() + j * colBytes);
    }
    return out;
  }

  private static final class Col {
    final DType dtype;
    final long offset; // from body start
    final long address;

    Col(DType dtype, long offset, long address) {
      this.dtype = dtype;
      this.offset = offset;
      this.address = address;
    }
  }

  private Col primitive(String op, int fieldIndex) {
    Field f = field(op, fieldIndex);
    String fname = "field '" + f.getName() + "'";
    DType dtype = f.getDictionary() != null ? null : ArrowDTypes.fromArrowOrNull(f.getType());
    if (dtype == null) {
      throw new UnsupportedIpcException(op, where(), fname + " has type " + f.getType()
          + (f.getDictionary() != null ? " (dictionary-encoded)" : "")
          + ", not a primitive type with a dtype");
    }
    int node = meta.fieldNode[fieldIndex];
    checkNoNulls(fname, meta.nodeNulls[node], "null values");
    int data = meta.fieldBuffer[fieldIndex] + 1;
    long needed = dataBytes(fname, dtype, meta.length);
    if (meta.bufLength[data] < needed) {
      throw new CorruptIpcException(op, where(), fname + ": data buffer of "
          + meta.bufLength[data] + " bytes is shorter than the " + needed + " bytes of "
          + meta.length + " " + dtype + " values");
    }
    long off = meta.bufOffset[data];
    return new Col(dtype, off, body.address() + off);
  }

  private void copyColumn(Col c, long dst) {
    if (c.dtype == DType.BOOL) {
      Bits.unpack(c.address, meta.length, dst);
    } else {
      Raw.copy(c.address, dst, meta.length * c.dtype.itemsize());
    }
  }

  /** Releases this batch's reference on its body; arrays made from it stay valid. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      body.close();
    }
  }
}
