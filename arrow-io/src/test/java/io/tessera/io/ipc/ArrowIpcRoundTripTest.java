package io.tessera.io.ipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.index.Index;
import io.tessera.io.tensor.FixedShapeTensorType;
import io.tessera.io.tensor.FixedShapeTensorVector;
import io.tessera.io.tensor.TensorVectors;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ArrowIpcRoundTripTest extends AllocatorTestBase {
  @TempDir
  Path dir;

  /** Some values of every dtype: 0..n-1 cast (bool: i % 3 != 0). */
  private NDArray values(DType dtype, long... shape) {
    try (NDArray i = iota(DType.INT64, shape)) {
      if (dtype == DType.BOOL) {
        try (NDArray three = np.full(DType.INT64, Order.C, 3L, 1);
             NDArray m = np.empty(DType.BOOL, shape)) {
          long[] v = i.toLongArray();
          long[] idx = new long[shape.length];
          for (int k = 0; k < v.length; k++) {
            long r = k;
            for (int d = shape.length - 1; d >= 0; d--) {
              idx[d] = r % shape[d];
              r /= shape[d];
            }
            m.setBoolean(v[k] % 3 != 0, idx);
          }
          assertEquals(1, three.size());
          return m.copy();
        }
      }
      return i.astype(dtype);
    }
  }

  /** Reads every batch of an in-memory file or stream through both of our readers. */
  private NDArray readBack(byte[] bytes, IpcFormat format, String field) {
    ArrowBuf buf = allocator.buffer(bytes.length);
    try {
      buf.setBytes(0, bytes);
      if (format == IpcFormat.FILE) {
        try (ArrowIpcFile f = ArrowIpcFile.wrap(buf, bytes.length, "mem.arrow", allocator)) {
          return f.readTensor(field);
        }
      }
      try (ArrowIpcStreamReader r = ArrowIpcStreamReader.wrap(buf, bytes.length, "mem.arrows",
          allocator)) {
        return r.readTensor(field);
      }
    } finally {
      buf.close();
    }
  }

  private byte[] write(IpcFormat format, java.util.function.Consumer<ArrowIpcWriter> body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArrowIpcWriter w = ArrowIpcWriter.create(out, format, "mem")) {
      body.accept(w);
    }
    return out.toByteArray();
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void everyDTypeRoundTripsInBothFormats(DType dtype) {
    for (IpcFormat format : IpcFormat.values()) {
      try (NDArray a = values(dtype, 3, 2, 5)) {
        byte[] bytes = write(format, w -> w.writeTensors("t", a));
        try (NDArray back = readBack(bytes, format, "t")) {
          assertEquals(dtype, back.dtype());
          assertArrayEquals(a.shape(), back.shape());
          assertArrayEquals(a.toDoubleArray(), back.toDoubleArray(), dtype + " " + format);
          assertTrue(back.flags().aligned());
        }
      }
    }
  }

  @Test
  void fortranOrderIsWrittenWithPermutationAndReadBackAsTheSameView() throws IOException {
    try (NDArray c = values(DType.FLOAT64, 2, 3, 4);
         NDArray f = c.copy(Order.F)) {
      // a single tensor in Fortran order: physical shape reversed, permutation [2, 1, 0]
      Path p = dir.resolve("f.arrow");
      ArrowIpc.writeTensor(p, "x", f, IpcFormat.FILE);
      try (ArrowIpcFile file = ArrowIpcFile.map(p, allocator)) {
        FixedShapeTensorType t = (FixedShapeTensorType) file.schema().getFields().get(0).getType();
        assertArrayEquals(new long[] {4, 3, 2}, t.shape());
        assertArrayEquals(new int[] {2, 1, 0}, t.permutation());
        assertArrayEquals(new long[] {2, 3, 4}, t.logicalShape());
      }
      try (NDArray back = ArrowIpc.readTensor(p, "x", allocator)) {
        assertArrayEquals(f.strides(), back.strides());
        assertTrue(back.isFContiguous());
        assertFalse(back.isCContiguous());
        assertArrayEquals(c.toDoubleArray(), back.toDoubleArray());
        assertFalse(back.isWriteable(), "views of a read-only mapping are read-only");
      }
    }
  }

  @Test
  void transposedStackIsWrittenWithoutCopyAndKeepsItsStrides() {
    try (NDArray base = values(DType.INT32, 5, 4, 3);
         NDArray t = base.swapaxes(1, 2)) { // (5, 3, 4), inner axes transposed, rows outermost
      byte[] bytes = write(IpcFormat.FILE, w -> w.writeTensors("t", t));
      try (NDArray back = readBack(bytes, IpcFormat.FILE, "t")) {
        assertArrayEquals(t.shape(), back.shape());
        assertArrayEquals(t.strides(), back.strides());
        assertArrayEquals(t.toDoubleArray(), back.toDoubleArray());
      }
    }
  }

  @Test
  void writerWritesStraightFromTheArrayBuffer() {
    // The data bytes in the output equal the array's memory byte for byte (F order: column-major).
    try (NDArray c = values(DType.INT16, 1, 3, 2);
         NDArray f = c.copy(Order.F)) {
      byte[] bytes = write(IpcFormat.STREAM, w -> w.writeTensors("t", f));
      byte[] mem = new byte[12];
      io.tessera.memory.Raw.copyToHeap(f.dataAddress(), mem, 0, 12);
      assertTrue(indexOf(bytes, mem) > 0, "raw column-major bytes present in the body");
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void nonContiguousArraysAreCopiedFirst() {
    try (NDArray a = values(DType.FLOAT32, 4, 6);
         NDArray stepped = a.get("::2, ::-2")) {
      for (IpcFormat format : IpcFormat.values()) {
        byte[] bytes = write(format, w -> w.writeTensors("t", stepped));
        try (NDArray back = readBack(bytes, format, "t")) {
          assertArrayEquals(stepped.toDoubleArray(), back.toDoubleArray());
          assertTrue(back.isCContiguous());
        }
      }
    }
  }

  @Test
  void listOfTensorsWithMixedLayoutsUsesTheFirstOrder() {
    try (NDArray a = values(DType.FLOAT64, 3, 4);
         NDArray f = a.copy(Order.F);
         NDArray b = values(DType.FLOAT64, 3, 4);
         NDArray stepped0 = values(DType.FLOAT64, 6, 4);
         NDArray stepped = stepped0.get("::2")) {
      List<NDArray> list = List.of(f, b, stepped);
      byte[] bytes = write(IpcFormat.FILE, w -> w.writeTensors("t", list));
      try (NDArray back = readBack(bytes, IpcFormat.FILE, "t")) {
        assertArrayEquals(new long[] {3, 3, 4}, back.shape());
        for (int i = 0; i < 3; i++) {
          try (NDArray row = back.get(Index.at(i))) {
            assertArrayEquals(list.get(i).toDoubleArray(), row.toDoubleArray());
            assertTrue(row.isFContiguous(), "rows keep the first tensor's Fortran order");
          }
        }
      }
    }
  }

  @Test
  void boolListsArePackedAcrossRowBoundaries() {
    try (NDArray a = values(DType.BOOL, 3);
         NDArray b = values(DType.BOOL, 3);
         NDArray c = np.ones(DType.BOOL, 3)) {
      byte[] bytes = write(IpcFormat.STREAM, w -> w.writeTensors("t", List.of(a, b, c)));
      try (NDArray back = readBack(bytes, IpcFormat.STREAM, "t")) {
        assertArrayEquals(new double[] {0, 1, 1, 0, 1, 1, 1, 1, 1}, back.toDoubleArray());
      }
    }
  }

  @Test
  void severalBatchesAreConcatenatedAndEachBatchIsAView() {
    try (NDArray a = values(DType.UINT16, 2, 3);
         NDArray b = values(DType.UINT16, 4, 3)) {
      for (IpcFormat format : IpcFormat.values()) {
        byte[] bytes = write(format, w -> {
          w.writeTensors("t", a);
          w.writeTensors("t", b);
          try (NDArray none = a.get("0:0")) {
            w.writeTensors("t", none);
          }
        });
        try (NDArray back = readBack(bytes, format, "t")) {
          assertArrayEquals(new long[] {6, 3}, back.shape());
          double[] expect = new double[18];
          System.arraycopy(a.toDoubleArray(), 0, expect, 0, 6);
          System.arraycopy(b.toDoubleArray(), 0, expect, 6, 12);
          assertArrayEquals(expect, back.toDoubleArray());
        }
      }
    }
  }

  @Test
  void batchArraysViewTheBody() {
    try (NDArray a = values(DType.INT64, 4, 2, 2)) {
      byte[] bytes = write(IpcFormat.FILE, w -> w.writeTensors("t", a));
      ArrowBuf buf = allocator.buffer(bytes.length);
      buf.setBytes(0, bytes);
      long base = buf.memoryAddress();
      long before;
      try (ArrowIpcFile f = ArrowIpcFile.wrap(buf, bytes.length, "mem", allocator)) {
        buf.close();
        before = allocator.getAllocatedMemory();
        try (IpcBatch batch = f.batch(0);
             NDArray t = batch.tensor("t")) {
          assertEquals(before, allocator.getAllocatedMemory(), "no allocation: a view");
          assertTrue(t.dataAddress() >= batch.bodyAddress()
              && t.dataAddress() + t.nbytes() <= batch.bodyAddress() + batch.bodyLength());
          assertEquals(0, (t.dataAddress() - base) % 64, "Tessera writes 64-byte aligned buffers");
          assertEquals(4, batch.rowCount());
        }
      }
    }
  }

  @Test
  void misalignedBuffersAreCopiedIntoAlignedMemory() {
    // float64 values at body offset 4: legal to parse, but not 8-byte aligned
    java.nio.ByteBuffer values = java.nio.ByteBuffer.allocate(4 + 48)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    values.putInt(0);
    for (int i = 0; i < 6; i++) {
      values.putDouble(i * 1.25);
    }
    IpcCraft.Batch batch = IpcCraft.tensorBatch(3, 2, values.array());
    batch.buffers[2] = new long[] {4, 48};
    org.apache.arrow.vector.types.pojo.Schema schema = new org.apache.arrow.vector.types.pojo.Schema(
        List.of(new FixedShapeTensorType(2).field("t",
            io.tessera.io.tensor.ArrowDTypes.toArrow(DType.FLOAT64))));
    byte[] bytes = IpcCraft.file(schema, List.of(batch));
    ArrowBuf buf = allocator.buffer(bytes.length);
    buf.setBytes(0, bytes);
    try (ArrowIpcFile f = ArrowIpcFile.wrap(buf, bytes.length, "odd.arrow", allocator);
         IpcBatch b = f.batch(0)) {
      long before = allocator.getAllocatedMemory();
      try (NDArray t = b.tensor("t")) {
        assertArrayEquals(new double[] {0, 1.25, 2.5, 3.75, 5, 6.25}, t.toDoubleArray());
        assertTrue(t.flags().aligned());
        assertTrue(allocator.getAllocatedMemory() > before, "a copy was allocated");
        assertFalse(t.dataAddress() >= b.bodyAddress()
            && t.dataAddress() < b.bodyAddress() + b.bodyLength(), "not a view of the body");
      }
    } finally {
      buf.close();
    }
  }

  @Test
  void outputStreamsAreFlushedAndLeftOpen() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(bytes, 1 << 20);
    try (NDArray a = values(DType.INT8, 2, 2);
         ArrowIpcWriter w = ArrowIpcWriter.create(buffered, IpcFormat.STREAM, "buffered")) {
      w.writeTensors("t", a);
    }
    assertTrue(bytes.size() > 0, "flushed on close");
    buffered.write(1); // still open
    try (NDArray back = readBack(java.util.Arrays.copyOf(bytes.toByteArray(), bytes.size()),
        IpcFormat.STREAM, "t")) {
      assertArrayEquals(new double[] {0, 1, 2, 3}, back.toDoubleArray());
    }
  }

  @Test
  void zeroDimensionalAndEmptyTensors() {
    try (NDArray scalar = np.full(DType.FLOAT32, 2.5, new long[0]);
         NDArray empty = np.empty(DType.INT8, 3, 0, 2);
         NDArray none = np.empty(DType.FLOAT64, 0, 2)) {
      byte[] s = write(IpcFormat.FILE, w -> w.writeTensor("s", scalar));
      try (NDArray back = readBack(s, IpcFormat.FILE, "s")) {
        assertArrayEquals(new long[] {1}, back.shape());
        assertEquals(2.5, back.getDouble(0));
      }
      byte[] e = write(IpcFormat.STREAM, w -> w.writeTensors("e", empty));
      try (NDArray back = readBack(e, IpcFormat.STREAM, "e")) {
        assertArrayEquals(new long[] {3, 0, 2}, back.shape());
      }
      byte[] n = write(IpcFormat.FILE, w -> w.writeTensors("n", none));
      try (NDArray back = readBack(n, IpcFormat.FILE, "n")) {
        assertArrayEquals(new long[] {0, 2}, back.shape());
      }
    }
  }

  @Test
  void dimNamesAreStoredInPhysicalOrder() {
    try (NDArray c = values(DType.FLOAT32, 2, 3);
         NDArray f = c.copy(Order.F)) {
      byte[] bytes = write(IpcFormat.FILE, w -> w.dimNames("rows", "cols").writeTensor("m", f));
      ArrowBuf buf = allocator.buffer(bytes.length);
      buf.setBytes(0, bytes);
      try (ArrowIpcFile file = ArrowIpcFile.wrap(buf, bytes.length, "mem", allocator)) {
        FixedShapeTensorType t = (FixedShapeTensorType) file.schema().getFields().get(0).getType();
        assertEquals(List.of("cols", "rows"), t.dimNames());
        assertEquals(List.of("rows", "cols"), t.logicalDimNames());
        assertEquals("{\"shape\":[3,2],\"dim_names\":[\"cols\",\"rows\"],\"permutation\":[1,0]}",
            t.serialize());
      } finally {
        buf.close();
      }
    }
  }

  @Test
  void laterBatchesMustMatchTheSchema() {
    try (NDArray a = values(DType.FLOAT32, 2, 3);
         NDArray b = values(DType.FLOAT64, 2, 3);
         NDArray c = values(DType.FLOAT32, 2, 4);
         NDArray d = values(DType.FLOAT32, 2, 3);
         NDArray dT = d.copy(Order.F)) {
      byte[] bytes = write(IpcFormat.FILE, w -> {
        w.writeTensors("t", a);
        assertThrows(ArrowIpcException.class, () -> w.writeTensors("t", b));
        assertThrows(ArrowIpcException.class, () -> w.writeTensors("u", a));
        assertThrows(ArrowIpcException.class, () -> w.writeTensors("t", c));
        w.writeTensors("t", dT); // other memory order: copied into the schema's order
      });
      try (NDArray back = readBack(bytes, IpcFormat.FILE, "t")) {
        assertArrayEquals(new long[] {4, 3}, back.shape());
      }
    }
  }

  // ---------------------------------------------------------------- matrices (columns)

  @Test
  void columnsOfAFortranMatrixReadBackAsAView() throws IOException {
    try (NDArray c = values(DType.FLOAT64, 5, 3);
         NDArray f = c.copy(Order.F)) {
      Path p = dir.resolve("cols.arrow");
      ArrowIpc.writeColumns(p, f, IpcFormat.FILE, "a", "b", "c");
      try (ArrowIpcFile file = ArrowIpcFile.map(p, allocator);
           IpcBatch batch = file.batch(0)) {
        long before = allocator.getAllocatedMemory();
        try (NDArray m = batch.matrix();
             NDArray col = batch.column("b")) {
          assertEquals(before, allocator.getAllocatedMemory());
          assertArrayEquals(new long[] {5, 3}, m.shape());
          assertArrayEquals(new long[] {8, 64}, m.strides(), "columns 64-byte slots apart");
          assertArrayEquals(c.toDoubleArray(), m.toDoubleArray());
          try (NDArray c1 = c.get(":, 1")) {
            assertArrayEquals(c1.toDoubleArray(), col.toDoubleArray());
          }
        }
        try (NDArray reordered = batch.matrix("c", "a")) {
          assertArrayEquals(new long[] {5, 2}, reordered.shape());
          assertTrue(reordered.isFContiguous(), "reordered columns are copied into F order");
          assertEquals(c.getDouble(4, 2), reordered.getDouble(4, 0));
        }
      }
      try (NDArray m = ArrowIpc.readMatrix(p, allocator)) {
        assertArrayEquals(c.toDoubleArray(), m.toDoubleArray());
      }
    }
  }

  @Test
  void columnsWrittenByArrowJavaReadAsAMatrix() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (BigIntVector x = new BigIntVector("x", allocator);
         BigIntVector y = new BigIntVector("y", allocator);
         BigIntVector z = new BigIntVector("z", allocator)) {
      for (BigIntVector v : List.of(x, y, z)) {
        v.allocateNew(7);
      }
      for (int i = 0; i < 7; i++) {
        x.set(i, i);
        y.set(i, 10 + i);
        z.set(i, 100 + i);
      }
      try (VectorSchemaRoot root = new VectorSchemaRoot(List.<FieldVector>of(x, y, z));
           ArrowFileWriter w = new ArrowFileWriter(root, null, Channels.newChannel(out))) {
        root.setRowCount(7);
        w.start();
        w.writeBatch();
        w.end();
      }
    }
    byte[] bytes = out.toByteArray();
    ArrowBuf buf = allocator.buffer(bytes.length);
    buf.setBytes(0, bytes);
    try (ArrowIpcFile f = ArrowIpcFile.wrap(buf, bytes.length, "java.arrow", allocator);
         IpcBatch batch = f.batch(0);
         NDArray m = batch.matrix()) {
      assertArrayEquals(new long[] {7, 3}, m.shape());
      for (int i = 0; i < 7; i++) {
        assertEquals(i, m.getLong(i, 0));
        assertEquals(10 + i, m.getLong(i, 1));
        assertEquals(100 + i, m.getLong(i, 2));
      }
      // Arrow Java writes each column as validity (8 bytes padded) + data (56 bytes): equal
      // spacing of 64 bytes, so the matrix is a strided view of the body
      assertTrue(m.dataAddress() >= batch.bodyAddress()
          && m.dataAddress() < batch.bodyAddress() + batch.bodyLength(), "a view of the body");
      assertEquals(8, m.strides()[0]);
    } finally {
      buf.close();
    }
  }

  @Test
  void mixedColumnTypesAreRefusedForAMatrix() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (BigIntVector x = new BigIntVector("x", allocator);
         Float4Vector y = new Float4Vector("y", allocator);
         Float4Vector z = new Float4Vector("z", allocator)) {
      x.allocateNew(2);
      y.allocateNew(2);
      z.allocateNew(2);
      x.set(0, 1);
      x.set(1, 2);
      y.set(0, 1f);
      y.set(1, 2f);
      z.set(0, 1f);
      z.setNull(1);
      try (VectorSchemaRoot root = new VectorSchemaRoot(List.<FieldVector>of(x, y, z));
           ArrowStreamWriter w = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
        root.setRowCount(2);
        w.start();
        w.writeBatch();
        w.end();
      }
    }
    byte[] bytes = out.toByteArray();
    ArrowBuf buf = allocator.buffer(bytes.length);
    buf.setBytes(0, bytes);
    try (ArrowIpcStreamReader r = ArrowIpcStreamReader.wrap(buf, bytes.length, "s", allocator);
         IpcBatch batch = r.next()) {
      UnsupportedIpcException e = assertThrows(UnsupportedIpcException.class,
          () -> batch.matrix("x", "y"));
      assertTrue(e.getMessage().contains("differ in type"), e.getMessage());
      UnsupportedIpcException nulls = assertThrows(UnsupportedIpcException.class,
          () -> batch.column("z"));
      assertTrue(nulls.getMessage().contains("1 null values"), nulls.getMessage());
      try (NDArray col = batch.column("x");
           NDArray ys = batch.column("y")) {
        assertArrayEquals(new long[] {1, 2}, col.toLongArray());
        assertArrayEquals(new double[] {1, 2}, ys.toDoubleArray());
      }
      assertNull(r.next());
    } finally {
      buf.close();
    }
  }

  // ---------------------------------------------------------------- Arrow Java interop

  @Test
  void arrowJavaReadersRecogniseOurTensorColumn() throws IOException {
    try (NDArray c = values(DType.FLOAT32, 3, 2, 2);
         NDArray f = c.swapaxes(1, 2)) {
      for (IpcFormat format : IpcFormat.values()) {
        byte[] bytes = write(format, w -> w.writeTensors("t", f));
        List<Double> seen = new ArrayList<>();
        FixedShapeTensorType type;
        if (format == IpcFormat.FILE) {
          try (ArrowFileReader r = new ArrowFileReader(
              new ByteArrayReadableSeekableByteChannel(bytes), allocator)) {
            assertTrue(r.loadNextBatch());
            type = check(r.getVectorSchemaRoot(), f, seen);
          }
        } else {
          try (ArrowStreamReader r = new ArrowStreamReader(
              new java.io.ByteArrayInputStream(bytes), allocator)) {
            assertTrue(r.loadNextBatch());
            type = check(r.getVectorSchemaRoot(), f, seen);
          }
        }
        assertArrayEquals(new int[] {1, 0}, type.permutation());
        // physical (row-major) values per row are the original C-order ones of the base
        List<Double> expect = new ArrayList<>();
        for (double d : c.toDoubleArray()) {
          expect.add(d);
        }
        assertEquals(expect, seen);
      }
    }
  }

  private static FixedShapeTensorType check(VectorSchemaRoot root, NDArray expected,
      List<Double> seen) {
    FixedShapeTensorVector v = assertInstanceOf(FixedShapeTensorVector.class, root.getVector("t"));
    try (NDArray view = TensorVectors.view(v)) {
      assertArrayEquals(expected.toDoubleArray(), view.toDoubleArray());
    }
    for (int i = 0; i < v.getValueCount(); i++) {
      for (Object o : v.getObject(i)) {
        seen.add(((Number) o).doubleValue());
      }
    }
    return v.tensorType();
  }

  @Test
  void weReadTensorFilesWrittenByArrowJava() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (NDArray c = values(DType.INT32, 4, 3, 2);
         NDArray t = c.transpose(0, 2, 1)) {
      try (FixedShapeTensorVector v = TensorVectors.toVector("t", t, null, allocator);
           VectorSchemaRoot root = new VectorSchemaRoot(List.<FieldVector>of(v));
           ArrowFileWriter w = new ArrowFileWriter(root, null, Channels.newChannel(out))) {
        root.setRowCount(4);
        w.start();
        w.writeBatch();
        w.end();
      }
      try (NDArray back = readBack(out.toByteArray(), IpcFormat.FILE, "t")) {
        assertArrayEquals(t.shape(), back.shape());
        assertArrayEquals(t.strides(), back.strides());
        assertArrayEquals(t.toDoubleArray(), back.toDoubleArray());
      }
    }
  }

  @Test
  void streamFromAFileAndAnInputStream() throws IOException {
    try (NDArray a = values(DType.FLOAT64, 3, 4)) {
      Path p = dir.resolve("s.arrows");
      ArrowIpc.writeTensors(p, "t", a, IpcFormat.STREAM);
      assertEquals(IpcFormat.STREAM, ArrowIpc.detect(p));
      try (NDArray back = ArrowIpc.readTensors(p, "t", allocator)) {
        assertArrayEquals(a.toDoubleArray(), back.toDoubleArray());
        assertTrue(back.isWriteable(), "a stream is read into our own memory");
      }
      try (ArrowIpcStreamReader r = ArrowIpcStreamReader.open(Files.newInputStream(p), "pipe",
          allocator);
           NDArray back = r.readTensor("t")) {
        assertArrayEquals(a.toDoubleArray(), back.toDoubleArray());
        assertEquals(0, back.dataAddress() % 64);
      }
    }
  }
}
