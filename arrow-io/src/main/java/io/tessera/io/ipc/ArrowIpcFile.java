package io.tessera.io.ipc;

import io.tessera.io.tensor.FixedShapeTensorType;
import io.tessera.ndarray.NDArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flatbuf.Block;
import org.apache.arrow.flatbuf.Footer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A random-access Arrow IPC file ({@link IpcFormat#FILE}) whose record batches become ndarrays
 * that view the file's bytes.
 *
 * <p><b>Memory-mapped, constant-time open.</b> {@link #map} maps the file read-only ({@code
 * FileChannel.map}, wrapped as an Arrow buffer with {@link
 * BufferAllocator#wrapForeignAllocation}) and reads only the trailing magic and the footer: no
 * record batch is touched, so opening costs the same for 1 KiB and 100 GiB. {@link #batch} then
 * parses one batch's metadata and slices its body out of the mapping, and {@link IpcBatch}'s
 * arrays view the mapping itself: reading adds nothing to the allocator and copies nothing.
 * (Arrow Java's {@code ArrowFileReader} would copy every body into allocator buffers.) The
 * mapping is accounted by the allocator as a foreign allocation of the file's size while mapped;
 * that is address space, not heap or direct memory, and pages are read only when touched.
 *
 * <p>Files larger than 2 GiB - 1 (beyond one {@code FileChannel.map} on Java 17) are mapped one
 * record batch at a time when the batch is read; a single record batch must then stay below 2 GiB.
 *
 * <p><b>Lifetime.</b> Arrays and batches hold references on the mapping: closing this file does
 * not invalidate them, and the file is unmapped when the last of them is closed. Arrays from a
 * mapping are read-only (writes would fault on a read-only mapping).
 *
 * <p><b>Validation.</b> Everything is checked before memory is touched: magic, footer length,
 * flatbuffers (parsed with bounds checks and a work budget), blocks, message lengths, body and
 * buffer ranges, node lengths against the schema. A malformed file raises {@link
 * CorruptIpcException} naming the file and the fault; nothing stays open or allocated.
 */
public final class ArrowIpcFile implements AutoCloseable {
  static {
    FixedShapeTensorType.ensureRegistered();
  }

  static final byte[] MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);
  /** Leading magic + padding, footer length, trailing magic. */
  static final int MIN_SIZE = 8 + 4 + 6;

  private final FileSource source;
  private final Schema schema;
  private final long[] blockOffset;
  private final int[] blockMeta;
  private final long[] blockBody;
  private final int dictionaries;
  private boolean closed;

  private ArrowIpcFile(FileSource source, Schema schema, long[] blockOffset, int[] blockMeta,
      long[] blockBody, int dictionaries) {
    this.source = source;
    this.schema = schema;
    this.blockOffset = blockOffset;
    this.blockMeta = blockMeta;
    this.blockBody = blockBody;
    this.dictionaries = dictionaries;
  }

  /**
   * Maps the Arrow IPC file at {@code path} and reads its footer. Constant time in the data size.
   *
   * @throws CorruptIpcException if the file is not a well-formed Arrow IPC file
   * @throws ArrowIpcException if it cannot be opened or mapped
   */
  public static ArrowIpcFile map(Path path, BufferAllocator allocator) {
    FileSource src = FileSource.Mapped.open(path, allocator, MIN_SIZE, "open");
    return open(src);
  }

  /**
   * An Arrow IPC file held in memory: the first {@code length} bytes of {@code buffer}. Batches
   * and arrays view the buffer (this reader and each array take their own reference on it).
   *
   * @param name how errors name this source
   */
  public static ArrowIpcFile wrap(ArrowBuf buffer, long length, String name,
      BufferAllocator allocator) {
    return open(new FileSource.InMemory(buffer, length, name, allocator));
  }

  private static ArrowIpcFile open(FileSource src) {
    try {
      return parse(src);
    } catch (RuntimeException e) {
      src.close();
      throw e;
    }
  }

  private static ArrowIpcFile parse(FileSource src) {
    String op = "open";
    String name = src.name;
    long size = src.size;
    if (size < MIN_SIZE) {
      throw new CorruptIpcException(op, name, size + " bytes are too few for an Arrow IPC file");
    }
    byte[] head = new byte[6];
    src.read(0, head);
    byte[] tail = new byte[10];
    src.read(size - 10, tail);
    if (!startsWith(head, 0) || !startsWith(tail, 4)) {
      throw new CorruptIpcException(op, name, "no ARROW1 magic at "
          + (!startsWith(head, 0) ? "the start" : "the end") + ": not an Arrow IPC file"
          + (!startsWith(head, 0) ? " (an IPC stream? use ArrowIpcStreamReader)" : " (truncated?)"));
    }
    int footerLength = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    long footerStart = size - 10 - footerLength;
    if (footerLength <= 0 || footerStart < 8) {
      throw new CorruptIpcException(op, name, "footer length " + footerLength
          + " does not fit in a file of " + size + " bytes");
    }
    byte[] fbytes = new byte[footerLength];
    src.read(footerStart, fbytes);
    ByteBuffer fb = ByteBuffer.wrap(fbytes).order(ByteOrder.LITTLE_ENDIAN);
    Schema schema;
    long[] offs;
    int[] metas;
    long[] bodies;
    int dicts;
    try {
      Footer footer = Footer.getRootAsFooter(fb);
      IpcMetadata.checkVersion(footer.version(), op, Where.of(name));
      org.apache.arrow.flatbuf.Schema fs = footer.schema();
      if (fs == null) {
        throw new CorruptIpcException(op, name, "footer has no schema");
      }
      schema = IpcMetadata.decodeSchema(fs, op, Where.of(name));
      int n = footer.recordBatchesLength();
      dicts = footer.dictionariesLength();
      if (n < 0 || n > footerLength / 24 || dicts < 0 || dicts > footerLength / 24) {
        throw new CorruptIpcException(op, name, "footer claims " + n + " record batches and "
            + dicts + " dictionaries in " + footerLength + " bytes");
      }
      offs = new long[n];
      metas = new int[n];
      bodies = new long[n];
      Block b = new Block();
      for (int i = 0; i < n; i++) {
        footer.recordBatches(b, i);
        offs[i] = b.offset();
        metas[i] = b.metaDataLength();
        bodies[i] = b.bodyLength();
      }
    } catch (ArrowIpcException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CorruptIpcException(op, name, "garbage footer flatbuffer (" + e + ")", e);
    }
    for (int i = 0; i < offs.length; i++) {
      long o = offs[i];
      long m = metas[i];
      long bl = bodies[i];
      if (o < 8 || m < 8 || bl < 0 || o > footerStart || m > footerStart - o
          || bl > footerStart - o - m) {
        throw new CorruptIpcException(op, name, "record batch " + i + " block [offset " + o
            + ", metadata " + m + ", body " + bl + "] lies outside the data section [8, "
            + footerStart + ")");
      }
    }
    return new ArrowIpcFile(src, schema, offs, metas, bodies, dicts);
  }

  private static boolean startsWith(byte[] b, int at) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (b[at + i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** The file path or buffer name. */
  public String source() {
    return source.name;
  }

  public Schema schema() {
    return schema;
  }

  /** Number of record batches. */
  public int batchCount() {
    return blockOffset.length;
  }

  /** Number of dictionary batches in the footer (dictionary-encoded fields are not readable). */
  public int dictionaryCount() {
    return dictionaries;
  }

  /** Whether the bytes are a memory mapping of the file (else an in-memory buffer). */
  public boolean isMapped() {
    return source.mapped();
  }

  /** Size of the file in bytes. */
  public long size() {
    return source.size;
  }

  private void checkOpen(String op) {
    if (closed) {
      throw new ArrowIpcException(op, source.name, "the file is closed");
    }
  }

  /**
   * Record batch {@code i}: parses its metadata (checked against the footer and the file) and
   * views its body in place. Close the batch when done; its arrays stay valid.
   */
  public IpcBatch batch(int i) {
    checkOpen("read");
    if (i < 0 || i >= blockOffset.length) {
      throw new ArrowIpcException("read", source.name, "record batch " + i + " out of range for "
          + blockOffset.length + " batches");
    }
    Where where = new Where(source.name, "record batch " + i);
    String op = "read";
    long off = blockOffset[i];
    int metaLen = blockMeta[i];
    long bodyLen = blockBody[i];
    Region block = source.region(off, metaLen + bodyLen);
    try {
      long base = block.address();
      int first = io.tessera.memory.Raw.getInt(base);
      int prefix = first == IpcMetadata.CONTINUATION ? 8 : 4;
      int fbLen = prefix == 8 ? io.tessera.memory.Raw.getInt(base + 4) : first;
      if (fbLen <= 0 || fbLen > metaLen - prefix) {
        throw new CorruptIpcException(op, where, "message metadata length " + fbLen
            + " does not fit the footer's " + metaLen + "-byte metadata block");
      }
      byte[] fbytes = new byte[fbLen];
      io.tessera.memory.Raw.copyToHeap(base + prefix, fbytes, 0, fbLen);
      IpcMetadata.Msg msg = IpcMetadata.parseMessage(ByteBuffer.wrap(fbytes), op, where);
      if (msg.bodyLength != bodyLen) {
        throw new CorruptIpcException(op, where, "message body length " + msg.bodyLength
            + " differs from the footer's " + bodyLen);
      }
      IpcMetadata.BatchMeta meta = IpcMetadata.recordBatch(msg, schema, bodyLen, op, where);
      Region body = new Region(block.buf, block.offset + metaLen, bodyLen);
      block.buf.getReferenceManager().retain();
      return new IpcBatch(schema, meta, body, source.allocator, source.writeable(), source.name,
          i);
    } finally {
      block.close();
    }
  }

  /**
   * The whole tensor column {@code field}, all batches: shape {@code (rows, *logicalShape)}. With
   * one record batch this is {@link IpcBatch#tensor(String)} (a view of the file); with several,
   * the batches are concatenated into a new C-ordered array (a copy: the bodies are not adjacent).
   */
  public NDArray readTensor(String field) {
    checkOpen("read");
    List<NDArray> parts = new ArrayList<>();
    try {
      for (int i = 0; i < batchCount(); i++) {
        try (IpcBatch b = batch(i)) {
          parts.add(b.tensor(field));
        }
      }
      return Concat.rows(parts, schema, field, source.allocator, source.name, false);
    } finally {
      for (NDArray p : parts) {
        p.close();
      }
    }
  }

  /**
   * The named primitive columns (all when none are named), all batches, as a {@code (rows,
   * columns)} Fortran-ordered array: {@link IpcBatch#matrix(String...)} for one batch (a view
   * where possible), else a concatenating copy.
   */
  public NDArray readMatrix(String... columns) {
    checkOpen("read");
    String[] names = columns.length > 0 ? columns : Concat.fieldNames(schema);
    List<NDArray> parts = new ArrayList<>();
    try {
      for (int i = 0; i < batchCount(); i++) {
        try (IpcBatch b = batch(i)) {
          parts.add(b.matrix(names));
        }
      }
      return Concat.rows(parts, schema, null, source.allocator, source.name, true);
    } finally {
      for (NDArray p : parts) {
        p.close();
      }
    }
  }

  /** Releases this reader's reference on the file; arrays and batches read from it stay valid. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      source.close();
    }
  }
}
