package io.tessera.io.ipc;

import com.google.flatbuffers.FlatBufferBuilder;
import io.tessera.dtype.DType;
import io.tessera.errors.ShapeException;
import io.tessera.io.tensor.ArrowDTypes;
import io.tessera.io.tensor.Bits;
import io.tessera.io.tensor.FixedShapeTensorType;
import io.tessera.io.tensor.TensorLayouts;
import io.tessera.io.tensor.TensorVectors;
import io.tessera.memory.Storage;
import io.tessera.ndarray.Creation;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.shape.Layout;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowFooter;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes ndarrays as Arrow IPC files or streams: tensors as an {@code arrow.fixed_shape_tensor}
 * column (one tensor per row), or the columns of a 2-D array as primitive columns.
 *
 * <pre>{@code
 * try (ArrowIpcWriter w = ArrowIpcWriter.create(path, IpcFormat.FILE)) {
 *   w.writeTensors("images", batch);     // batch: (n, h, w) -> n rows of h x w tensors
 * }
 * }</pre>
 *
 * <p><b>No copies where the layout allows.</b> The values are written straight from each array's
 * buffer to the channel, in bulk (no per-element loop), whenever the tensor axes are contiguous in
 * <em>some</em> order with the row axis outermost: C order, Fortran order, any transpose. The
 * physical order is recorded as the type's {@code permutation} (the metadata {@code shape} is the
 * physical, row-major shape, as the specification defines it), so a Fortran-ordered array is
 * written as is and reads back as the same Fortran-ordered view. Only arrays with gaps or negative
 * strides (e.g. {@code a[:, ::2]}) are first copied to C order; booleans are packed into bits.
 * Primitive columns are written from the Fortran-ordered data (a Fortran-ordered matrix is not
 * copied; a C-ordered one is copied once).
 *
 * <p><b>Layout.</b> Metadata version V5, little-endian, no compression, no validity buffers (no
 * nulls). Every body starts on a 64-byte boundary of the file and every buffer is padded to 64
 * bytes, so a memory-mapped file gives aligned views.
 *
 * <p>The schema is fixed by the first write; later writes must have the same field names, dtype
 * and tensor shape (their memory order may differ: an array whose order differs from the schema's
 * permutation is copied into it). Closing writes the end-of-stream marker and, for files, the
 * footer. A writer closed before any write leaves an empty output (not a valid IPC file).
 */
public final class ArrowIpcWriter implements AutoCloseable {
  static {
    FixedShapeTensorType.ensureRegistered();
  }

  private static final int ALIGN = 64;
  private static final byte[] ZEROS = new byte[ALIGN];

  private final WritableByteChannel channel;
  private final boolean ownsChannel;
  private final java.io.Flushable flushable;
  private final IpcFormat format;
  private final String name;
  private long position;
  private boolean started;
  private boolean failed;
  private boolean closed;
  private List<String> dimNames;

  private Schema schema;
  private boolean tensorMode;
  private DType dtype;
  private long[] tensorShape; // logical
  private int[] physicalOrder; // order[j] = logical axis stored as physical axis j
  private FixedShapeTensorType tensorType;
  private final List<ArrowBlock> blocks = new ArrayList<>();

  private ArrowIpcWriter(WritableByteChannel channel, boolean ownsChannel, IpcFormat format,
      String name) {
    this(channel, ownsChannel, format, name, null);
  }

  private ArrowIpcWriter(WritableByteChannel channel, boolean ownsChannel, IpcFormat format,
      String name, java.io.Flushable flushable) {
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    this.flushable = flushable;
    this.format = format;
    this.name = name;
  }

  /** Creates (or truncates) the file at {@code path}. */
  public static ArrowIpcWriter create(Path path, IpcFormat format) {
    try {
      FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
      return new ArrowIpcWriter(ch, true, format, path.toString());
    } catch (IOException e) {
      throw new ArrowIpcException("write", path.toString(), "cannot create (" + e + ")", e);
    }
  }

  /** Writes to {@code channel}, which stays open when this writer is closed. */
  public static ArrowIpcWriter create(WritableByteChannel channel, IpcFormat format, String name) {
    return new ArrowIpcWriter(channel, false, format, name);
  }

  /** Writes to {@code out}, which stays open when this writer is closed (it is flushed). */
  public static ArrowIpcWriter create(OutputStream out, IpcFormat format, String name) {
    return new ArrowIpcWriter(Channels.newChannel(out), false, format, name, out);
  }

  /**
   * Names the tensor axes (in the arrays' logical order); stored as {@code dim_names} in physical
   * order, as the specification asks. Must be called before the first write.
   */
  public ArrowIpcWriter dimNames(String... logicalNames) {
    if (schema != null) {
      throw new ArrowIpcException("write", name, "dimension names must be set before the first "
          + "write");
    }
    this.dimNames = List.of(logicalNames);
    return this;
  }

  /** The schema, once the first batch has been written (else null). */
  public Schema schema() {
    return schema;
  }

  /** Bytes written so far. */
  public long bytesWritten() {
    return position;
  }

  // ------------------------------------------------------------------ tensors

  /** Writes one tensor as a record batch of one row. */
  public void writeTensor(String field, NDArray tensor) {
    try (NDArray one = tensor.expandDims(0)) {
      writeTensors(field, one);
    }
  }

  /**
   * Writes {@code stacked.shape(0)} tensors of shape {@code stacked.shape()[1:]} as one record
   * batch, one tensor per row. Bulk write from {@code stacked}'s buffer when it is contiguous in
   * some axis order with axis 0 outermost; otherwise copied to that order first.
   */
  public void writeTensors(String field, NDArray stacked) {
    if (stacked.ndim() < 1) {
      throw new ShapeException("write", "write: " + name + ": need a leading row axis, got a 0-d "
          + "array (use writeTensor)");
    }
    long[] inner = Arrays.copyOfRange(stacked.shape(), 1, stacked.ndim());
    defineTensorSchema(field, stacked.dtype(), inner, stacked.layout(), 1);
    long rows = stacked.shape(0);
    List<Piece> pieces = new ArrayList<>();
    try {
      pieces.add(piece(stacked, 1));
      writeTensorBatch(rows, pieces);
    } finally {
      for (Piece p : pieces) {
        p.close();
      }
    }
  }

  /**
   * Writes {@code tensors} (same shape and dtype) as one record batch, one per row: each tensor is
   * written from its own buffer in turn (no stacking copy) when it is contiguous in the batch's
   * physical order.
   */
  public void writeTensors(String field, List<NDArray> tensors) {
    if (tensors.isEmpty()) {
      if (schema == null) {
        throw new ArrowIpcException("write", name, "cannot infer a schema from an empty list");
      }
      writeTensorBatch(0, List.of());
      return;
    }
    NDArray first = tensors.get(0);
    defineTensorSchema(field, first.dtype(), first.shape(), first.layout(), 0);
    if (dtype == DType.BOOL && tensors.size() > 1) {
      // bit-packed rows need not start on byte boundaries: stack the bytes, then pack once
      long[] shape = new long[tensorShape.length + 1];
      shape[0] = tensors.size();
      System.arraycopy(tensorShape, 0, shape, 1, tensorShape.length);
      try (NDArray stackedCopy = Creation.empty(first.allocator(), dtype, shape, Order.C,
          Creation.DEFAULT_ALIGNMENT)) {
        for (int i = 0; i < tensors.size(); i++) {
          NDArray t = tensors.get(i);
          checkSameTensor(t);
          try (NDArray row = stackedCopy.get(io.tessera.index.Index.at(i))) {
            row.assign(t);
          }
        }
        writeTensors(field, stackedCopy);
      }
      return;
    }
    List<Piece> pieces = new ArrayList<>();
    try {
      for (NDArray t : tensors) {
        checkSameTensor(t);
        pieces.add(piece(t, 0));
      }
      writeTensorBatch(tensors.size(), pieces);
    } finally {
      for (Piece p : pieces) {
        p.close();
      }
    }
  }

  private void checkSameTensor(NDArray t) {
    if (t.dtype() != dtype || !Arrays.equals(t.shape(), tensorShape)) {
      throw new ShapeException("write", "write: " + name + ": tensor " + t.dtype() + " "
          + Arrays.toString(t.shape()) + " differs from the column's " + dtype + " "
          + Arrays.toString(tensorShape));
    }
  }

  private void defineTensorSchema(String field, DType dt, long[] inner, Layout layout, int lead) {
    if (schema == null) {
      int[] order = TensorLayouts.physicalOrder(layout, lead);
      if (order == null) {
        order = TensorLayouts.identity(inner.length);
      }
      long[] probeShape = new long[inner.length];
      System.arraycopy(inner, 0, probeShape, 0, inner.length);
      Layout probe = new Layout(probeShape, Layout.cStrides(probeShape, dt.itemsize()), 0,
          dt.itemsize());
      FixedShapeTensorType type = TensorVectors.typeFor(probe, order, dimNames);
      Field f = type.field(field, ArrowDTypes.toArrow(dt));
      startSchema(new Schema(List.of(f)));
      tensorMode = true;
      dtype = dt;
      tensorShape = inner.clone();
      physicalOrder = order;
      tensorType = type;
      return;
    }
    if (!tensorMode || !schema.getFields().get(0).getName().equals(field) || dt != dtype
        || !Arrays.equals(inner, tensorShape)) {
      throw new ArrowIpcException("write", name, "batch " + field + " " + dt + " "
          + Arrays.toString(inner) + " does not match the schema " + schema);
    }
  }

  /** The bytes of one array in the schema's physical order: its own buffer, or a C-order copy. */
  private Piece piece(NDArray a, int lead) {
    int[] full = new int[a.ndim()];
    for (int i = 0; i < lead; i++) {
      full[i] = i;
    }
    for (int j = 0; j < physicalOrder.length; j++) {
      full[lead + j] = lead + physicalOrder[j];
    }
    Layout phys = TensorLayouts.permuteTrailing(a.layout(), lead, physicalOrder);
    NDArray copy = null;
    long address;
    if (phys.isCContiguous()) {
      address = a.dataAddress();
    } else {
      try (NDArray t = a.transpose(full)) {
        copy = t.copy(Order.C);
      }
      address = copy.dataAddress();
    }
    long count = a.size();
    if (dtype == DType.BOOL) {
      Storage packed = Storage.allocate(a.allocator(), Math.max(1, Bits.packedBytes(count)),
          Creation.DEFAULT_ALIGNMENT);
      Bits.pack(address, count, packed.address());
      if (copy != null) {
        copy.close();
      }
      return new Piece(packed.address(), Bits.packedBytes(count), null, packed);
    }
    return new Piece(address, count * dtype.itemsize(), copy, null);
  }

  /** Bytes to write, with whatever must stay alive until written. */
  private static final class Piece implements AutoCloseable {
    final long address;
    final long length;
    final NDArray keep;
    final Storage storage;

    Piece(long address, long length, NDArray keep, Storage storage) {
      this.address = address;
      this.length = length;
      this.keep = keep;
      this.storage = storage;
    }

    @Override
    public void close() {
      if (keep != null) {
        keep.close();
      }
      if (storage != null) {
        storage.release();
      }
    }
  }

  private void writeTensorBatch(long rows, List<Piece> pieces) {
    long data = 0;
    for (Piece p : pieces) {
      data += p.length;
    }
    long[][] nodes = {{rows, 0}, {rows * tensorType.listSize(), 0}};
    long[][] buffers = {{0, 0}, {0, 0}, {0, data}};
    long body = align(data);
    long padding = body - data;
    writeBatch(rows, nodes, buffers, body, () -> {
      for (Piece p : pieces) {
        writeMemory(p.address, p.length);
      }
      writeZeros(padding);
    });
  }

  // ------------------------------------------------------------------ columns

  /**
   * Writes the columns of the 2-D {@code matrix} as primitive columns named {@code names}, one
   * record batch of {@code matrix.shape(0)} rows. A Fortran-ordered matrix (each column
   * contiguous) is written from its buffer in bulk; any other is first copied to Fortran order.
   * Read back with {@link IpcBatch#matrix()} this gives a view (the columns lie at equal
   * distances).
   */
  public void writeColumns(NDArray matrix, String... names) {
    if (matrix.ndim() != 2 || matrix.shape(1) != names.length) {
      throw new ShapeException("write", "write: " + name + ": need a 2-D array with "
          + names.length + " columns for the names given, got shape "
          + Arrays.toString(matrix.shape()));
    }
    DType dt = matrix.dtype();
    if (schema == null) {
      List<Field> fields = new ArrayList<>();
      for (String n : names) {
        fields.add(Field.notNullable(n, ArrowDTypes.toArrow(dt)));
      }
      startSchema(new Schema(fields));
      tensorMode = false;
      dtype = dt;
    } else {
      boolean same = !tensorMode && dt == dtype && schema.getFields().size() == names.length;
      for (int j = 0; same && j < names.length; j++) {
        same = schema.getFields().get(j).getName().equals(names[j]);
      }
      if (!same) {
        throw new ArrowIpcException("write", name, "columns " + Arrays.toString(names) + " " + dt
            + " do not match the schema " + schema);
      }
    }
    long rows = matrix.shape(0);
    int c = names.length;
    try (NDArray f = matrix.asfortranarray()) {
      long colBytes = dt == DType.BOOL ? Bits.packedBytes(rows) : rows * dt.itemsize();
      long slot = align(colBytes);
      long[][] nodes = new long[c][];
      long[][] buffers = new long[2 * c][];
      for (int j = 0; j < c; j++) {
        nodes[j] = new long[] {rows, 0};
        buffers[2 * j] = new long[] {j * slot, 0};
        buffers[2 * j + 1] = new long[] {j * slot, colBytes};
      }
      Storage packed = null;
      if (dt == DType.BOOL) {
        packed = Storage.allocate(matrix.allocator(), Math.max(1, slot), ALIGN);
      }
      try {
        Storage pk = packed;
        writeBatch(rows, nodes, buffers, c * slot, () -> {
          for (int j = 0; j < c; j++) {
            long src = f.dataAddress() + j * rows * dt.itemsize();
            if (pk != null) {
              Bits.pack(src, rows, pk.address());
              writeMemory(pk.address(), colBytes);
            } else {
              writeMemory(src, colBytes);
            }
            writeZeros(slot - colBytes);
          }
        });
      } finally {
        if (packed != null) {
          packed.release();
        }
      }
    }
  }

  // ------------------------------------------------------------------ framing

  private interface BodyWriter {
    void write() throws IOException;
  }

  private void startSchema(Schema s) {
    ensureOpen();
    schema = s;
    try {
      if (format == IpcFormat.FILE) {
        writeBytes(ArrowIpcFile.MAGIC);
        writeZeros(2);
      }
      ByteBuffer fb = MessageSerializer.serializeMetadata(s, IpcOption.DEFAULT);
      writeMessage(fb, 8);
      started = true;
    } catch (IOException e) {
      failed = true;
      throw new ArrowIpcException("write", name, "I/O error (" + e + ")", e);
    }
  }

  private void writeBatch(long rows, long[][] nodes, long[][] buffers, long bodyLength,
      BodyWriter body) {
    ensureOpen();
    FlatBufferBuilder b = new FlatBufferBuilder(256);
    RecordBatch.startNodesVector(b, nodes.length);
    for (int i = nodes.length - 1; i >= 0; i--) {
      FieldNode.createFieldNode(b, nodes[i][0], nodes[i][1]);
    }
    int nodesOff = b.endVector();
    RecordBatch.startBuffersVector(b, buffers.length);
    for (int i = buffers.length - 1; i >= 0; i--) {
      Buffer.createBuffer(b, buffers[i][0], buffers[i][1]);
    }
    int buffersOff = b.endVector();
    RecordBatch.startRecordBatch(b);
    RecordBatch.addLength(b, rows);
    RecordBatch.addNodes(b, nodesOff);
    RecordBatch.addBuffers(b, buffersOff);
    int rb = RecordBatch.endRecordBatch(b);
    int msg = Message.createMessage(b, MetadataVersion.V5, MessageHeader.RecordBatch, rb,
        bodyLength, 0);
    b.finish(msg);
    try {
      long start = position;
      int metaLength = writeMessage(b.dataBuffer(), ALIGN);
      long bodyStart = position;
      body.write();
      if (position - bodyStart != bodyLength) {
        throw new IllegalStateException("wrote " + (position - bodyStart) + " body bytes, "
            + "declared " + bodyLength);
      }
      blocks.add(new ArrowBlock(start, metaLength, bodyLength));
    } catch (IOException e) {
      failed = true;
      throw new ArrowIpcException("write", name, "I/O error (" + e + ")", e);
    } catch (RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  /**
   * Writes continuation, length and flatbuffer, padded so that the next byte (the body) falls on
   * a multiple of {@code align}; returns the bytes written (the footer block's metadata length).
   */
  private int writeMessage(ByteBuffer fb, int align) throws IOException {
    int fbLen = fb.remaining();
    long end = position + 8 + fbLen;
    long padded = (end + align - 1) / align * align;
    int len = (int) (padded - position - 8);
    ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    prefix.putInt(IpcMetadata.CONTINUATION).putInt(len).flip();
    writeBuffer(prefix);
    writeBuffer(fb.duplicate());
    writeZeros(len - fbLen);
    return 8 + len;
  }

  private static long align(long n) {
    return (n + ALIGN - 1) / ALIGN * ALIGN;
  }

  private void writeBytes(byte[] bytes) throws IOException {
    writeBuffer(ByteBuffer.wrap(bytes));
  }

  private void writeZeros(long n) throws IOException {
    while (n > 0) {
      int k = (int) Math.min(n, ZEROS.length);
      writeBuffer(ByteBuffer.wrap(ZEROS, 0, k));
      n -= k;
    }
  }

  private void writeMemory(long address, long length) throws IOException {
    position += DirectIO.write(channel, address, length);
  }

  private void writeBuffer(ByteBuffer bb) throws IOException {
    while (bb.hasRemaining()) {
      position += channel.write(bb);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new ArrowIpcException("write", name, "the writer is closed");
    }
    if (failed) {
      throw new ArrowIpcException("write", name, "an earlier write failed; the output is incomplete");
    }
  }

  /**
   * Ends the output: the end-of-stream marker, then for files the footer, its length and the
   * closing magic. Closes the file or channel if this writer opened it.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (started && !failed) {
        ByteBuffer eos = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        eos.putInt(IpcMetadata.CONTINUATION).putInt(0).flip();
        writeBuffer(eos);
        if (format == IpcFormat.FILE) {
          ArrowFooter footer = new ArrowFooter(schema, List.of(), blocks, null,
              org.apache.arrow.vector.types.MetadataVersion.V5);
          ByteBuffer fb = WriteChannel.serialize(footer);
          int len = fb.remaining();
          writeBuffer(fb);
          ByteBuffer tail = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
          tail.putInt(len).flip();
          writeBuffer(tail);
          writeBytes(ArrowIpcFile.MAGIC);
        }
      }
      if (flushable != null) {
        flushable.flush();
      }
    } catch (IOException e) {
      throw new ArrowIpcException("write", name, "I/O error while finishing (" + e + ")", e);
    } finally {
      if (ownsChannel) {
        FileSource.closeQuietly(channel);
      }
    }
  }
}
