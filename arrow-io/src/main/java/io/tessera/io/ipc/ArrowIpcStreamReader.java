package io.tessera.io.ipc;

import io.tessera.io.tensor.FixedShapeTensorType;
import io.tessera.ndarray.NDArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads an Arrow IPC stream ({@link IpcFormat#STREAM}) one record batch at a time.
 *
 * <p>From a channel or input stream, each record batch body is read once into a 64-byte-aligned
 * buffer from the allocator (that read is the only copy), and the batch's arrays view that buffer.
 * From an in-memory buffer ({@link #wrap}) nothing is copied at all. Dictionary batches are
 * skipped; dictionary-encoded fields cannot be read as arrays.
 *
 * <p>Lengths claimed by the stream are checked before anything is allocated: against the bytes
 * left when that is known (files, buffers), and otherwise by reading a claimed body in growing
 * steps, so that a corrupt length can cost at most twice the bytes actually present, never an
 * allocation of the claimed size. Malformed input raises {@link CorruptIpcException} naming the
 * source and the fault.
 *
 * <p>The schema is read when the reader is created. Both the continuation-prefixed framing and the
 * legacy one (pre-0.15 writers, no {@code 0xFFFFFFFF}) are accepted; the stream ends at an
 * end-of-stream marker or at the end of the data between messages.
 */
public final class ArrowIpcStreamReader implements AutoCloseable {
  static {
    FixedShapeTensorType.ensureRegistered();
  }

  /** Largest metadata flatbuffer accepted when the stream's length is unknown. */
  static final int MAX_METADATA = 64 << 20;
  /** "ARRO" read as a little-endian int: the start of the file format's magic. */
  private static final int FILE_MAGIC_START = 0x4f525241;

  private final StreamSource in;
  private final Schema schema;
  private int batches;
  private boolean ended;
  private boolean closed;

  private ArrowIpcStreamReader(StreamSource in) {
    this.in = in;
    IpcMetadata.Msg first = nextMessage("open");
    if (first == null) {
      throw new CorruptIpcException("open", in.name, "empty stream: no schema message");
    }
    this.schema = IpcMetadata.schemaOf(first, "open", Where.of(in.name));
    if (first.bodyLength != 0) {
      skip(first.bodyLength, "open");
    }
  }

  private static ArrowIpcStreamReader create(StreamSource in) {
    try {
      return new ArrowIpcStreamReader(in);
    } catch (RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** Reads the stream file at {@code path} (bodies are read into allocator buffers). */
  public static ArrowIpcStreamReader open(Path path, BufferAllocator allocator) {
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new ArrowIpcException("open", path.toString(), "cannot open (" + e + ")", e);
    }
    return create(new StreamSource.FromChannel(ch, true, path.toString(), allocator));
  }

  /** Reads from {@code channel}, which this reader closes when it is closed. */
  public static ArrowIpcStreamReader open(ReadableByteChannel channel, String name,
      BufferAllocator allocator) {
    return create(new StreamSource.FromChannel(channel, true, name, allocator));
  }

  /** Reads from {@code in}, which this reader closes when it is closed. */
  public static ArrowIpcStreamReader open(InputStream in, String name,
      BufferAllocator allocator) {
    return open(Channels.newChannel(in), name, allocator);
  }

  /** Reads a stream held in the first {@code length} bytes of {@code buffer}, without copying. */
  public static ArrowIpcStreamReader wrap(ArrowBuf buffer, long length, String name,
      BufferAllocator allocator) {
    return create(new StreamSource.InMemory(buffer, length, name, allocator));
  }

  public Schema schema() {
    return schema;
  }

  public String source() {
    return in.name;
  }

  /**
   * The next record batch, or {@code null} at the end of the stream. Close each batch; arrays made
   * from it stay valid.
   */
  public IpcBatch next() {
    if (closed) {
      throw new ArrowIpcException("read", in.name, "the reader is closed");
    }
    while (!ended) {
      Where where = new Where(in.name, "message after " + batches + " record batches");
      IpcMetadata.Msg msg = nextMessage("read");
      if (msg == null) {
        ended = true;
        return null;
      }
      if (msg.headerType == MessageHeader.RecordBatch) {
        IpcMetadata.BatchMeta meta = IpcMetadata.recordBatch(msg, schema, msg.bodyLength, "read",
            where);
        Region body = in.readBody(msg.bodyLength, "read");
        return new IpcBatch(schema, meta, body, in.allocator, in.writeable(), in.name,
            batches++);
      }
      if (msg.headerType == MessageHeader.Schema) {
        throw new CorruptIpcException("read", where, "a second Schema message");
      }
      skip(msg.bodyLength, "read"); // dictionary batches, tensors
    }
    return null;
  }

  /** All remaining batches' tensors of {@code field}, stacked: a view for one batch, else a copy. */
  public NDArray readTensor(String field) {
    List<NDArray> parts = new ArrayList<>();
    try {
      IpcBatch b;
      while ((b = next()) != null) {
        try (IpcBatch batch = b) {
          parts.add(batch.tensor(field));
        }
      }
      return Concat.rows(parts, schema, field, in.allocator, in.name, false);
    } finally {
      for (NDArray p : parts) {
        p.close();
      }
    }
  }

  /** All remaining batches' columns (all when none named) as a Fortran-ordered matrix. */
  public NDArray readMatrix(String... columns) {
    String[] names = columns.length > 0 ? columns : Concat.fieldNames(schema);
    List<NDArray> parts = new ArrayList<>();
    try {
      IpcBatch b;
      while ((b = next()) != null) {
        try (IpcBatch batch = b) {
          parts.add(batch.matrix(names));
        }
      }
      return Concat.rows(parts, schema, null, in.allocator, in.name, true);
    } finally {
      for (NDArray p : parts) {
        p.close();
      }
    }
  }

  /** The next message's metadata, or null at a clean end (EOS marker or end of data). */
  private IpcMetadata.Msg nextMessage(String op) {
    byte[] four = new byte[4];
    int got = in.readUpTo(four, 4);
    if (got == 0) {
      return null;
    }
    if (got < 4) {
      throw in.truncated(op, "message length prefix", 4, got);
    }
    int len = le(four);
    if (len == FILE_MAGIC_START) {
      throw new CorruptIpcException(op, in.name, "starts with the ARROW1 magic: an Arrow IPC file, "
          + "not a stream (read it with ArrowIpcFile)");
    }
    if (len == IpcMetadata.CONTINUATION) {
      got = in.readUpTo(four, 4);
      if (got < 4) {
        throw in.truncated(op, "message length prefix", 8, 4 + got);
      }
      len = le(four);
    }
    if (len == 0) {
      return null; // end-of-stream marker
    }
    long left = in.remaining();
    if (len < 0 || (left >= 0 ? len > left : len > MAX_METADATA)) {
      throw new CorruptIpcException(op, in.name, "message metadata length " + len
          + (left >= 0 ? " exceeds the " + left + " bytes left" : " is implausible"));
    }
    byte[] fb = new byte[len];
    got = in.readUpTo(fb, len);
    if (got < len) {
      throw in.truncated(op, "message metadata", len, got);
    }
    return IpcMetadata.parseMessage(ByteBuffer.wrap(fb), op, Where.of(in.name));
  }

  private void skip(long length, String op) {
    in.readBody(length, op).close(); // read and discarded
  }

  private static int le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  /** Closes the input; batches and arrays already read stay valid. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      in.close();
    }
  }
}
