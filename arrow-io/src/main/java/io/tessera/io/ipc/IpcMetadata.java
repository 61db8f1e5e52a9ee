package io.tessera.io.ipc;

import io.tessera.io.tensor.FixedShapeTensorType;
import io.tessera.io.tensor.TensorMetadataException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.arrow.flatbuf.Endianness;
import org.apache.arrow.flatbuf.KeyValue;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.vector.types.UnionMode;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Guarded decoding of IPC flatbuffer metadata. Java flatbuffers check every read against the
 * buffer, so garbage raises runtime exceptions rather than crashing; what they do not bound is
 * work: a cyclic or heavily shared field tree could recurse without end or blow up exponentially.
 * {@link #decodeSchema} therefore walks the tree first with a depth limit and a work budget, and only
 * then lets Arrow convert it. Every failure becomes a {@link CorruptIpcException} or {@link
 * UnsupportedIpcException} naming the source.
 */
final class IpcMetadata {
  private IpcMetadata() {}

  static final int CONTINUATION = 0xFFFFFFFF;
  static final int MAX_DEPTH = 64;
  /** Fields, children, metadata entries and string bytes a schema may make us visit. */
  static final long WORK_BUDGET = 4_000_000;

  static {
    FixedShapeTensorType.ensureRegistered();
  }

  /** A parsed Message flatbuffer: the table plus the facts read from it. */
  static final class Msg {
    final Message message;
    final short version;
    final byte headerType;
    final long bodyLength;
    final int fbLength;

    Msg(Message message, short version, byte headerType, long bodyLength, int fbLength) {
      this.message = message;
      this.version = version;
      this.headerType = headerType;
      this.bodyLength = bodyLength;
      this.fbLength = fbLength;
    }
  }

  /** Parses a Message flatbuffer of {@code fb.remaining()} bytes. */
  static Msg parseMessage(ByteBuffer fb, String op, Where source) {
    fb = fb.slice().order(ByteOrder.LITTLE_ENDIAN);
    int len = fb.remaining();
    Message m;
    short version;
    byte ht;
    long body;
    try {
      m = Message.getRootAsMessage(fb);
      version = m.version();
      ht = m.headerType();
      body = m.bodyLength();
    } catch (RuntimeException e) {
      throw new CorruptIpcException(op, source, "garbage message flatbuffer (" + e + ")", e);
    }
    checkVersion(version, op, source);
    if (body < 0) {
      throw new CorruptIpcException(op, source, "negative message body length " + body);
    }
    if (ht != MessageHeader.Schema && ht != MessageHeader.RecordBatch
        && ht != MessageHeader.DictionaryBatch && ht != MessageHeader.Tensor
        && ht != MessageHeader.SparseTensor) {
      throw new CorruptIpcException(op, source, "unknown message header type " + ht);
    }
    return new Msg(m, version, ht, body, len);
  }

  static void checkVersion(short version, String op, Where source) {
    if (version == MetadataVersion.V4 || version == MetadataVersion.V5) {
      return;
    }
    if (version >= MetadataVersion.V1 && version < MetadataVersion.V4) {
      throw new UnsupportedIpcException(op, source, "metadata version "
          + MetadataVersion.name(version) + " predates Arrow 1.0 (V4) and is not supported");
    }
    throw new CorruptIpcException(op, source, "unknown metadata version " + version);
  }

  static String headerName(byte ht) {
    return ht >= 0 && ht < MessageHeader.names.length ? MessageHeader.name(ht) : "#" + ht;
  }

  /** The schema of a Schema message. */
  static Schema schemaOf(Msg msg, String op, Where source) {
    if (msg.headerType != MessageHeader.Schema) {
      throw new CorruptIpcException(op, source, "expected a Schema message, found "
          + headerName(msg.headerType));
    }
    org.apache.arrow.flatbuf.Schema fb;
    try {
      fb = (org.apache.arrow.flatbuf.Schema) msg.message.header(new org.apache.arrow.flatbuf.Schema());
    } catch (RuntimeException e) {
      throw new CorruptIpcException(op, source, "garbage schema flatbuffer (" + e + ")", e);
    }
    if (fb == null) {
      throw new CorruptIpcException(op, source, "Schema message without a schema");
    }
    return decodeSchema(fb, op, source);
  }

  /** Converts a flatbuffer schema after bounding the work it can cause. */
  static Schema decodeSchema(org.apache.arrow.flatbuf.Schema fb, String op, Where source) {
    try {
      if (fb.endianness() != Endianness.Little) {
        throw new UnsupportedIpcException(op, source, "big-endian data is not supported");
      }
      long[] budget = {WORK_BUDGET};
      int n = fb.fieldsLength();
      spend(budget, n, op, source);
      for (int i = 0; i < n; i++) {
        walk(fb.fields(i), 1, budget, op, source);
      }
      int m = fb.customMetadataLength();
      spend(budget, m, op, source);
      for (int i = 0; i < m; i++) {
        keyValue(fb.customMetadata(i), budget, op, source);
      }
    } catch (ArrowIpcException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CorruptIpcException(op, source, "garbage schema flatbuffer (" + e + ")", e);
    }
    try {
      return Schema.convertSchema(fb);
    } catch (TensorMetadataException e) {
      throw new CorruptIpcException(op, source, "bad arrow.fixed_shape_tensor metadata: "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new CorruptIpcException(op, source, "invalid schema (" + e + ")", e);
    }
  }

  private static void walk(org.apache.arrow.flatbuf.Field f, int depth, long[] budget, String op,
      Where source) {
    if (f == null) {
      throw new CorruptIpcException(op, source, "schema has a missing field table");
    }
    if (depth > MAX_DEPTH) {
      throw new CorruptIpcException(op, source, "schema nests fields deeper than " + MAX_DEPTH
          + " levels");
    }
    ByteBuffer name = f.nameAsByteBuffer();
    spend(budget, 1 + (name == null ? 0 : name.remaining()), op, source);
    int m = f.customMetadataLength();
    spend(budget, m, op, source);
    for (int i = 0; i < m; i++) {
      keyValue(f.customMetadata(i), budget, op, source);
    }
    int c = f.childrenLength();
    spend(budget, c, op, source);
    for (int i = 0; i < c; i++) {
      walk(f.children(i), depth + 1, budget, op, source);
    }
  }

  private static void keyValue(KeyValue kv, long[] budget, String op, Where source) {
    if (kv == null) {
      throw new CorruptIpcException(op, source, "schema has a missing metadata entry");
    }
    ByteBuffer k = kv.keyAsByteBuffer();
    ByteBuffer v = kv.valueAsByteBuffer();
    spend(budget, 1 + (k == null ? 0 : k.remaining()) + (v == null ? 0 : v.remaining()), op,
        source);
  }

  private static void spend(long[] budget, long units, String op, Where source) {
    if (units < 0 || (budget[0] -= units) < 0) {
      throw new CorruptIpcException(op, source, "schema metadata is too large or cyclic (more than "
          + WORK_BUDGET + " fields, entries and bytes to visit)");
    }
  }

  // ------------------------------------------------------------------ record batches

  /** Nodes and buffers of one record batch, validated against the body length and the schema. */
  static final class BatchMeta {
    final long length;
    final long[] nodeLength;
    final long[] nodeNulls;
    final long[] bufOffset;
    final long[] bufLength;
    /** Per top-level field: index of its first node and first buffer. */
    final int[] fieldNode;
    final int[] fieldBuffer;

    BatchMeta(long length, long[] nodeLength, long[] nodeNulls, long[] bufOffset,
        long[] bufLength, int[] fieldNode, int[] fieldBuffer) {
      this.length = length;
      this.nodeLength = nodeLength;
      this.nodeNulls = nodeNulls;
      this.bufOffset = bufOffset;
      this.bufLength = bufLength;
      this.fieldNode = fieldNode;
      this.fieldBuffer = fieldBuffer;
    }
  }

  /** Decodes and checks a RecordBatch message whose body has {@code bodyLength} bytes. */
  static BatchMeta recordBatch(Msg msg, Schema schema, long bodyLength, String op,
      Where source) {
    if (msg.headerType != MessageHeader.RecordBatch) {
      throw new CorruptIpcException(op, source, "expected a RecordBatch message, found "
          + headerName(msg.headerType));
    }
    long length;
    long[] nl;
    long[] nn;
    long[] bo;
    long[] bl;
    long[] variadic;
    try {
      RecordBatch rb = (RecordBatch) msg.message.header(new RecordBatch());
      if (rb == null) {
        throw new CorruptIpcException(op, source, "RecordBatch message without a record batch");
      }
      if (rb.compression() != null) {
        throw new UnsupportedIpcException(op, source, "compressed record batch bodies are not "
            + "supported (write the file uncompressed)");
      }
      length = rb.length();
      int nodes = rb.nodesLength();
      int buffers = rb.buffersLength();
      int vc = rb.variadicBufferCountsLength();
      // structs of 16 bytes and longs of 8 inside a flatbuffer of fbLength bytes
      if (nodes < 0 || buffers < 0 || vc < 0 || nodes > msg.fbLength / 16
          || buffers > msg.fbLength / 16 || vc > msg.fbLength / 8) {
        throw new CorruptIpcException(op, source, "record batch claims " + nodes + " nodes, "
            + buffers + " buffers and " + vc + " variadic counts in " + msg.fbLength
            + " bytes of metadata");
      }
      nl = new long[nodes];
      nn = new long[nodes];
      org.apache.arrow.flatbuf.FieldNode node = new org.apache.arrow.flatbuf.FieldNode();
      for (int i = 0; i < nodes; i++) {
        rb.nodes(node, i);
        nl[i] = node.length();
        nn[i] = node.nullCount();
      }
      bo = new long[buffers];
      bl = new long[buffers];
      org.apache.arrow.flatbuf.Buffer buf = new org.apache.arrow.flatbuf.Buffer();
      for (int i = 0; i < buffers; i++) {
        rb.buffers(buf, i);
        bo[i] = buf.offset();
        bl[i] = buf.length();
      }
      variadic = new long[vc];
      for (int i = 0; i < vc; i++) {
        variadic[i] = rb.variadicBufferCounts(i);
      }
    } catch (ArrowIpcException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CorruptIpcException(op, source, "garbage record batch flatbuffer (" + e + ")", e);
    }
    if (length < 0) {
      throw new CorruptIpcException(op, source, "negative record batch length " + length);
    }
    for (int i = 0; i < nl.length; i++) {
      if (nl[i] < 0 || nn[i] < 0 || nn[i] > nl[i]) {
        throw new CorruptIpcException(op, source, "field node " + i + " has length " + nl[i]
            + " and null count " + nn[i]);
      }
    }
    for (int i = 0; i < bo.length; i++) {
      if (bo[i] < 0 || bl[i] < 0 || bo[i] > bodyLength || bl[i] > bodyLength - bo[i]) {
        throw new CorruptIpcException(op, source, "buffer " + i + " [" + bo[i] + ", +" + bl[i]
            + ") lies outside the message body of " + bodyLength + " bytes");
      }
    }
    List<Field> fields = schema.getFields();
    int[] fieldNode = new int[fields.size()];
    int[] fieldBuffer = new int[fields.size()];
    int[] cursor = new int[3]; // node, buffer, variadic
    for (int i = 0; i < fields.size(); i++) {
      fieldNode[i] = cursor[0];
      fieldBuffer[i] = cursor[1];
      count(fields.get(i), msg.version, variadic, cursor, op, source);
      if (nl.length > fieldNode[i] && nl[fieldNode[i]] != length) {
        throw new CorruptIpcException(op, source, "field '" + fields.get(i).getName()
            + "' has " + nl[fieldNode[i]] + " values in a record batch of length " + length);
      }
    }
    if (cursor[0] != nl.length || cursor[1] != bo.length) {
      throw new CorruptIpcException(op, source, "record batch has " + nl.length + " nodes and "
          + bo.length + " buffers where the schema needs " + cursor[0] + " and " + cursor[1]);
    }
    return new BatchMeta(length, nl, nn, bo, bl, fieldNode, fieldBuffer);
  }

  /** Advances node/buffer/variadic cursors over {@code f}'s layout (format version V4/V5). */
  private static void count(Field f, short version, long[] variadic, int[] cursor, String op,
      Where source) {
    cursor[0]++;
    if (f.getDictionary() != null) {
      cursor[1] += 2; // the indices: validity + data; the dictionary travels separately
      return;
    }
    ArrowType t = f.getType();
    if (t instanceof ArrowType.ExtensionType) {
      t = ((ArrowType.ExtensionType) t).storageType();
    }
    switch (t.getTypeID()) {
      case Null:
        break;
      case Struct:
      case FixedSizeList:
        cursor[1] += 1;
        break;
      case List:
      case LargeList:
      case Map:
        cursor[1] += 2;
        break;
      case ListView:
      case LargeListView:
        cursor[1] += 3;
        break;
      case Union:
        boolean dense = ((ArrowType.Union) t).getMode() == UnionMode.Dense;
        cursor[1] += (dense ? 2 : 1) + (version == MetadataVersion.V4 ? 1 : 0);
        break;
      case Int:
      case FloatingPoint:
      case Bool:
      case Decimal:
      case Date:
      case Time:
      case Timestamp:
      case Interval:
      case Duration:
      case FixedSizeBinary:
        cursor[1] += 2;
        break;
      case Utf8:
      case Binary:
      case LargeUtf8:
      case LargeBinary:
        cursor[1] += 3;
        break;
      case Utf8View:
      case BinaryView:
        if (cursor[2] >= variadic.length || variadic[cursor[2]] < 0
            || variadic[cursor[2]] > Integer.MAX_VALUE) {
          throw new CorruptIpcException(op, source, "missing or bad variadic buffer count for "
              + "field '" + f.getName() + "'");
        }
        cursor[1] += 2 + (int) variadic[cursor[2]++];
        break;
      case RunEndEncoded:
        break;
      default:
        throw new CorruptIpcException(op, source, "field '" + f.getName() + "' has type " + t
            + " with no known buffer layout");
    }
    if (cursor[1] < 0) {
      throw new CorruptIpcException(op, source, "too many buffers");
    }
    for (Field c : f.getChildren()) {
      count(c, version, variadic, cursor, op, source);
    }
  }
}
