package io.tessera.io.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.io.tensor.ArrowDTypes;
import io.tessera.io.tensor.FixedShapeTensorType;
import io.tessera.ndarray.NDArray;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed input: every fault is a typed exception naming the source and the fault, never an
 * OutOfMemoryError or a crash, and nothing stays open or allocated (the base class checks the
 * allocator after each test).
 */
class ArrowIpcBadInputTest extends AllocatorTestBase {
  private static final ArrowType F32 = ArrowDTypes.toArrow(DType.FLOAT32);

  @TempDir
  Path dir;

  // ---------------------------------------------------------------- building blocks

  private static byte[] floats(int n) {
    ByteBuffer bb = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      bb.putFloat(i);
    }
    return bb.array();
  }

  private static Schema tensorSchema(long... shape) {
    return new Schema(List.of(new FixedShapeTensorType(shape).field("t", F32)));
  }

  /** A valid file: 3 tensors of shape (2, 2) float32. */
  private static byte[] validFile() {
    return IpcCraft.file(tensorSchema(2, 2), List.of(IpcCraft.tensorBatch(3, 4, floats(12))));
  }

  /** Reads everything in a file held in memory; returns the number of values seen. */
  private long readFile(byte[] bytes, String name) {
    ArrowBuf buf = allocator.buffer(Math.max(1, bytes.length));
    buf.setBytes(0, bytes);
    try (ArrowIpcFile f = ArrowIpcFile.wrap(buf, bytes.length, name, allocator);
         NDArray t = f.readTensor("t")) {
      return t.toDoubleArray().length;
    } finally {
      buf.close();
    }
  }

  private long readStream(byte[] bytes, String name) {
    try (ArrowIpcStreamReader r = ArrowIpcStreamReader.open(new ByteArrayInputStream(bytes), name,
        allocator);
         NDArray t = r.readTensor("t")) {
      return t.toDoubleArray().length;
    }
  }

  private static <T extends ArrowIpcException> T fault(Class<T> type, String name, String words,
      Executable body) {
    T e = assertThrows(type, body);
    assertEquals(name, e.source());
    assertTrue(e.getMessage().contains(name), e.getMessage());
    for (String w : words.split("\\|")) {
      assertTrue(e.getMessage().contains(w), "'" + w + "' missing in: " + e.getMessage());
    }
    return e;
  }

  private static int le32(byte[] b, int at) {
    return ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  private static void put32(byte[] b, int at, int v) {
    ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(v);
  }

  // ---------------------------------------------------------------- files

  @Test
  void validFileReads() {
    assertEquals(12, readFile(validFile(), "ok.arrow"));
  }

  @Test
  void emptyAndTinyFiles() throws IOException {
    fault(CorruptIpcException.class, "e.arrow", "too few", () -> readFile(new byte[0], "e.arrow"));
    Path p = dir.resolve("empty.arrow");
    Files.write(p, new byte[0]);
    fault(CorruptIpcException.class, p.toString(), "too short",
        () -> ArrowIpcFile.map(p, allocator).close());
    fault(ArrowIpcException.class, dir.resolve("missing.arrow").toString(), "cannot open",
        () -> ArrowIpcFile.map(dir.resolve("missing.arrow"), allocator).close());
  }

  @Test
  void missingMagic() {
    byte[] b = validFile();
    b[0] = 'X';
    fault(CorruptIpcException.class, "m.arrow", "no ARROW1 magic at the start",
        () -> readFile(b, "m.arrow"));
    byte[] c = validFile();
    c[c.length - 1] = 'X';
    fault(CorruptIpcException.class, "m.arrow", "no ARROW1 magic at the end",
        () -> readFile(c, "m.arrow"));
  }

  @Test
  void everyTruncationOfAFileIsCorrupt() {
    byte[] b = validFile();
    for (int len = 0; len < b.length; len++) {
      byte[] cut = Arrays.copyOf(b, len);
      assertThrows(CorruptIpcException.class, () -> readFile(cut, "cut.arrow"), "length " + len);
    }
  }

  @Test
  void footerLengthBeyondTheFile() {
    for (int bad : new int[] {Integer.MAX_VALUE, -1, 0, 1 << 20}) {
      byte[] b = validFile();
      put32(b, b.length - 10, bad);
      fault(CorruptIpcException.class, "f.arrow", "footer length " + bad,
          () -> readFile(b, "f.arrow"));
    }
  }

  @Test
  void garbageFooterFlatbuffer() {
    byte[] b = validFile();
    int len = le32(b, b.length - 10);
    java.util.Random r = new java.util.Random(1);
    for (int i = b.length - 10 - len; i < b.length - 10; i++) {
      b[i] = (byte) r.nextInt();
    }
    CorruptIpcException e = assertThrows(CorruptIpcException.class, () -> readFile(b, "g.arrow"));
    assertTrue(e.getMessage().contains("g.arrow"), e.getMessage());
  }

  @Test
  void blockOutsideTheFile() {
    IpcCraft.Batch batch = IpcCraft.tensorBatch(3, 4, floats(12));
    batch.declaredBody = 1L << 40; // message and footer say the body is 1 TiB: beyond the file
    batch.footerBody = 1L << 40;
    byte[] b = IpcCraft.file(tensorSchema(2, 2), List.of(batch));
    fault(CorruptIpcException.class, "b.arrow", "lies outside the data section",
        () -> readFile(b, "b.arrow"));
  }

  @Test
  void bodyLengthBeyondTheFileInAStream() {
    IpcCraft.Batch batch = IpcCraft.tensorBatch(3, 4, floats(12));
    batch.declaredBody = 1L << 62; // message claims an absurd body: must not be allocated
    byte[] s = IpcCraft.stream(tensorSchema(2, 2), List.of(batch));
    fault(CorruptIpcException.class, "s.arrows", "truncated: message body of " + (1L << 62),
        () -> readStream(s, "s.arrows"));
    ArrowBuf buf = allocator.buffer(s.length);
    buf.setBytes(0, s);
    try {
      fault(CorruptIpcException.class, "s.arrows", "truncated", () -> {
        try (ArrowIpcStreamReader r = ArrowIpcStreamReader.wrap(buf, s.length, "s.arrows",
            allocator)) {
          r.next();
        }
      });
    } finally {
      buf.close();
    }
  }

  @Test
  void absurdMetadataLengthsInAStream() {
    byte[] s = IpcCraft.stream(tensorSchema(2, 2), List.of());
    put32(s, 4, Integer.MAX_VALUE);
    fault(CorruptIpcException.class, "s.arrows", "metadata length " + Integer.MAX_VALUE,
        () -> readStream(s, "s.arrows"));
    put32(s, 4, -8);
    fault(CorruptIpcException.class, "s.arrows", "metadata length -8",
        () -> readStream(s, "s.arrows"));
  }

  @Test
  void messageBodyLengthDisagreesWithTheFooter() {
    IpcCraft.Batch batch = IpcCraft.tensorBatch(3, 4, floats(12));
    batch.declaredBody = 32L;
    byte[] b = IpcCraft.file(tensorSchema(2, 2), List.of(batch));
    fault(CorruptIpcException.class, "d.arrow", "differs from the footer",
        () -> readFile(b, "d.arrow"));
  }

  @Test
  void buffersOutOfRange() {
    IpcCraft.Batch batch = IpcCraft.tensorBatch(3, 4, floats(12));
    batch.buffers[2] = new long[] {16, 64}; // 16 + 64 > 64-byte body
    byte[] b = IpcCraft.file(tensorSchema(2, 2), List.of(batch));
    fault(CorruptIpcException.class, "o.arrow", "buffer 2 [16, +64) lies outside the message "
        + "body of 64 bytes", () -> readFile(b, "o.arrow"));
    batch.buffers[2] = new long[] {Long.MAX_VALUE, Long.MAX_VALUE};
    byte[] c = IpcCraft.stream(tensorSchema(2, 2), List.of(batch));
    fault(CorruptIpcException.class, "o.arrows", "lies outside", () -> readStream(c, "o.arrows"));
  }

  @Test
  void dataBufferShorterThanTheValues() {
    IpcCraft.Batch batch = IpcCraft.tensorBatch(3, 4, floats(12));
    batch.buffers[2] = new long[] {0, 40};
    byte[] b = IpcCraft.file(tensorSchema(2, 2), List.of(batch));
    fault(CorruptIpcException.class, "s.arrow", "values buffer of 40 bytes is shorter",
        () -> readFile(b, "s.arrow"));
  }

  @Test
  void listSizeDisagreesWithShapeMetadata() {
    Schema schema = new Schema(List.of(IpcCraft.rawTensorField("t", 4, F32,
        "{\"shape\":[2,3]}")));
    byte[] b = IpcCraft.file(schema, List.of(IpcCraft.tensorBatch(3, 4, floats(12))));
    fault(CorruptIpcException.class, "l.arrow", "bad arrow.fixed_shape_tensor metadata|list_size 4",
        () -> readFile(b, "l.arrow"));
  }

  @Test
  void badJsonMetadata() {
    for (String json : new String[] {"{\"shape\":[2,2", "{}", "[4]", "{\"shape\":[2,2],"
        + "\"permutation\":[1,1]}", ""}) {
      Schema schema = new Schema(List.of(IpcCraft.rawTensorField("t", 4, F32, json)));
      byte[] b = IpcCraft.stream(schema, List.of(IpcCraft.tensorBatch(3, 4, floats(12))));
      fault(CorruptIpcException.class, "j.arrows", "bad arrow.fixed_shape_tensor metadata",
          () -> readStream(b, "j.arrows"));
    }
  }

  @Test
  void childLengthDisagreesWithListSize() {
    IpcCraft.Batch batch = IpcCraft.tensorBatch(3, 4, floats(12));
    batch.nodes[1] = new long[] {11, 0};
    byte[] b = IpcCraft.file(tensorSchema(2, 2), List.of(batch));
    fault(CorruptIpcException.class, "c.arrow", "has 11 values for 3 tensors of 4",
        () -> readFile(b, "c.arrow"));
  }

  @Test
  void batchLengthDisagreesWithTheNodes() {
    IpcCraft.Batch batch = IpcCraft.tensorBatch(3, 4, floats(12));
    batch.length = 5;
    byte[] b = IpcCraft.file(tensorSchema(2, 2), List.of(batch));
    fault(CorruptIpcException.class, "n.arrow", "has 3 values in a record batch of length 5",
        () -> readFile(b, "n.arrow"));
    IpcCraft.Batch missing = IpcCraft.tensorBatch(3, 4, floats(12));
    missing.nodes = new long[][] {{3, 0}};
    byte[] c = IpcCraft.file(tensorSchema(2, 2), List.of(missing));
    fault(CorruptIpcException.class, "n.arrow", "where the schema needs 2 and 3",
        () -> readFile(c, "n.arrow"));
    IpcCraft.Batch negative = IpcCraft.tensorBatch(3, 4, floats(12));
    negative.nodes[1] = new long[] {12, -1};
    byte[] d = IpcCraft.file(tensorSchema(2, 2), List.of(negative));
    fault(CorruptIpcException.class, "n.arrow", "null count -1", () -> readFile(d, "n.arrow"));
  }

  @Test
  void nullsAreUnsupported() {
    IpcCraft.Batch batch = IpcCraft.tensorBatch(3, 4, floats(12));
    batch.nodes[0] = new long[] {3, 1};
    byte[] b = IpcCraft.file(tensorSchema(2, 2), List.of(batch));
    fault(UnsupportedIpcException.class, "u.arrow", "1 null tensors", () -> readFile(b, "u.arrow"));
  }

  @Test
  void compressedBodiesAreUnsupported() {
    IpcCraft.Batch batch = IpcCraft.tensorBatch(3, 4, floats(12));
    batch.compressed = true;
    byte[] b = IpcCraft.file(tensorSchema(2, 2), List.of(batch));
    fault(UnsupportedIpcException.class, "z.arrow", "compressed", () -> readFile(b, "z.arrow"));
  }

  @Test
  void deeplyNestedSchemaIsRefusedBeforeArrowRecursesIntoIt() {
    Field f = Field.notNullable("leaf", F32);
    for (int i = 0; i < 80; i++) {
      f = new Field("s" + i, FieldType.notNullable(ArrowType.Struct.INSTANCE), List.of(f));
    }
    byte[] s = IpcCraft.stream(new Schema(List.of(f)), List.of());
    fault(CorruptIpcException.class, "deep.arrows", "deeper than 64",
        () -> readStream(s, "deep.arrows"));
  }

  @Test
  void askingForTheWrongKindOfField() {
    byte[] b = validFile();
    ArrowBuf buf = allocator.buffer(b.length);
    buf.setBytes(0, b);
    try (ArrowIpcFile f = ArrowIpcFile.wrap(buf, b.length, "k.arrow", allocator);
         IpcBatch batch = f.batch(0)) {
      fault(UnsupportedIpcException.class, "k.arrow", "not a primitive type",
          () -> batch.column("t"));
      fault(ArrowIpcException.class, "k.arrow", "no field named 'nope'",
          () -> batch.tensor("nope"));
      fault(ArrowIpcException.class, "k.arrow", "record batch 1 out of range", () -> f.batch(1));
    } finally {
      buf.close();
    }
  }

  @Test
  void aFileIsNotAStream() {
    fault(CorruptIpcException.class, "f.arrow", "an Arrow IPC file, not a stream",
        () -> readStream(validFile(), "f.arrow"));
  }

  @Test
  void nothingStaysOpenAfterFailures() throws IOException {
    List<Path> bad = new ArrayList<>();
    byte[] valid = validFile();
    for (int i = 0; i < 20; i++) {
      byte[] b = valid.clone();
      b[valid.length - 11 - i] ^= (byte) 0xA5; // inside the footer
      Path p = dir.resolve("bad" + i + ".arrow");
      Files.write(p, b);
      bad.add(p);
    }
    long fds = openFileDescriptors();
    for (int round = 0; round < 10; round++) {
      for (Path p : bad) {
        try (ArrowIpcFile f = ArrowIpcFile.map(p, allocator);
             NDArray t = f.readTensor("t")) {
          assertTrue(t.size() >= 0);
        } catch (ArrowIpcException expected) {
          // typed
        }
        try (ArrowIpcStreamReader r = ArrowIpcStreamReader.open(p, allocator)) {
          r.readTensor("t").close();
        } catch (ArrowIpcException expected) {
          // typed (a file is not a stream)
        }
      }
    }
    assertEquals(0, allocator.getAllocatedMemory());
    if (fds >= 0) {
      assertEquals(fds, openFileDescriptors(), "file descriptors leaked");
    }
  }

  private static long openFileDescriptors() {
    File[] fds = new File("/proc/self/fd").listFiles();
    return fds == null ? -1 : fds.length;
  }
}
