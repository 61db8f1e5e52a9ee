package io.tessera.io.ipc;

import com.google.flatbuffers.FlatBufferBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Builds Arrow IPC bytes by hand, with full control over every length and offset: for tests of
 * malformed input and of files too large to write for real (sparse bodies).
 */
final class IpcCraft {
  private IpcCraft() {}

  /** One record batch: nodes {length, nulls}, buffers {offset, length}, and its body. */
  static final class Batch {
    long length;
    long[][] nodes;
    long[][] buffers;
    byte[] body = new byte[0];
    /** If positive, a body of this many bytes left as a hole (zeros) in a sparse file. */
    long sparseBody;
    /** Body length written into the message (defaults to the real one). */
    Long declaredBody;
    /** Body length written into the footer block (defaults to the real one). */
    Long footerBody;
    /** Marks the body as LZ4-compressed (the bytes are not). */
    boolean compressed;

    Batch(long length, long[][] nodes, long[][] buffers, byte[] body) {
      this.length = length;
      this.nodes = nodes;
      this.buffers = buffers;
      this.body = body;
    }

    long bodyLength() {
      return sparseBody > 0 ? sparseBody : body.length;
    }
  }

  /**
   * A FixedSizeList field tagged {@code arrow.fixed_shape_tensor} with raw (unchecked) metadata
   * JSON; the type stays a plain FixedSizeList so any JSON can be written.
   */
  static Field rawTensorField(String name, int listSize, ArrowType value, String json) {
    Map<String, String> md = json == null ? Map.of("ARROW:extension:name",
        "arrow.fixed_shape_tensor") : Map.of("ARROW:extension:name", "arrow.fixed_shape_tensor",
        "ARROW:extension:metadata", json);
    Field item = new Field("item", FieldType.notNullable(value), null);
    return new Field(name, new FieldType(false, new ArrowType.FixedSizeList(listSize), null, md),
        List.of(item));
  }

  /** A tensor batch: {@code rows} tensors of {@code listSize} values, body = values. */
  static Batch tensorBatch(long rows, long listSize, byte[] values) {
    byte[] body = new byte[(values.length + 63) / 64 * 64];
    System.arraycopy(values, 0, body, 0, values.length);
    return new Batch(rows, new long[][] {{rows, 0}, {rows * listSize, 0}},
        new long[][] {{0, 0}, {0, 0}, {0, values.length}}, body);
  }

  static byte[] file(Schema schema, List<Batch> batches) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(out, null, schema, batches, true);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  static byte[] stream(Schema schema, List<Batch> batches) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(out, null, schema, batches, false);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  /** Writes a file whose sparse bodies are holes: a huge file costing no disk. */
  static void sparseFile(Path path, Schema schema, List<Batch> batches) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      write(null, ch, schema, batches, true);
    }
  }

  private static final class Out {
    final ByteArrayOutputStream bytes;
    final FileChannel channel;
    long pos;

    Out(ByteArrayOutputStream bytes, FileChannel channel) {
      this.bytes = bytes;
      this.channel = channel;
    }

    void put(byte[] b) throws IOException {
      if (bytes != null) {
        bytes.write(b);
      } else {
        ByteBuffer bb = ByteBuffer.wrap(b);
        while (bb.hasRemaining()) {
          channel.write(bb, pos + bb.position());
        }
      }
      pos += b.length;
    }

    void skip(long n) throws IOException {
      if (bytes != null) {
        bytes.write(new byte[Math.toIntExact(n)]);
      }
      pos += n;
    }
  }

  private static void write(ByteArrayOutputStream bytes, FileChannel ch, Schema schema,
      List<Batch> batches, boolean file) throws IOException {
    Out out = new Out(bytes, ch);
    if (file) {
      out.put("ARROW1\0\0".getBytes(StandardCharsets.US_ASCII));
    }
    message(out, MessageSerializer.serializeMetadata(schema, IpcOption.DEFAULT));
    List<ArrowBlock> blocks = new ArrayList<>();
    for (Batch b : batches) {
      long start = out.pos;
      int meta = message(out, recordBatch(b));
      if (b.sparseBody > 0) {
        out.skip(b.sparseBody);
      } else {
        out.put(b.body);
      }
      blocks.add(new ArrowBlock(start, meta, b.footerBody != null ? b.footerBody
          : b.bodyLength()));
    }
    out.put(le(-1, 0));
    if (file) {
      ByteBuffer fb = WriteChannel.serialize(new ArrowFooter(schema, List.of(), blocks, null,
          org.apache.arrow.vector.types.MetadataVersion.V5));
      byte[] f = new byte[fb.remaining()];
      fb.get(f);
      out.put(f);
      out.put(le(f.length));
      out.put("ARROW1".getBytes(StandardCharsets.US_ASCII));
    }
  }

  static ByteBuffer recordBatch(Batch b) {
    FlatBufferBuilder fb = new FlatBufferBuilder(256);
    RecordBatch.startNodesVector(fb, b.nodes.length);
    for (int i = b.nodes.length - 1; i >= 0; i--) {
      FieldNode.createFieldNode(fb, b.nodes[i][0], b.nodes[i][1]);
    }
    int nodes = fb.endVector();
    RecordBatch.startBuffersVector(fb, b.buffers.length);
    for (int i = b.buffers.length - 1; i >= 0; i--) {
      Buffer.createBuffer(fb, b.buffers[i][0], b.buffers[i][1]);
    }
    int buffers = fb.endVector();
    int compression = b.compressed ? org.apache.arrow.flatbuf.BodyCompression
        .createBodyCompression(fb, org.apache.arrow.flatbuf.CompressionType.LZ4_FRAME,
            org.apache.arrow.flatbuf.BodyCompressionMethod.BUFFER) : 0;
    RecordBatch.startRecordBatch(fb);
    if (b.compressed) {
      RecordBatch.addCompression(fb, compression);
    }
    RecordBatch.addLength(fb, b.length);
    RecordBatch.addNodes(fb, nodes);
    RecordBatch.addBuffers(fb, buffers);
    int rb = RecordBatch.endRecordBatch(fb);
    long declared = b.declaredBody != null ? b.declaredBody : b.bodyLength();
    fb.finish(Message.createMessage(fb, MetadataVersion.V5, MessageHeader.RecordBatch, rb,
        declared, 0));
    return fb.dataBuffer();
  }

  /** Continuation, length, flatbuffer padded to 64 bytes; returns bytes written. */
  private static int message(Out out, ByteBuffer fb) throws IOException {
    int len = fb.remaining();
    long padded = (out.pos + 8 + len + 63) / 64 * 64 - out.pos - 8;
    out.put(le(-1, (int) padded));
    byte[] b = new byte[(int) padded];
    fb.duplicate().get(b, 0, len);
    out.put(b);
    return 8 + (int) padded;
  }

  static byte[] le(int... values) {
    ByteBuffer bb = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      bb.putInt(v);
    }
    return bb.array();
  }
}
