package io.tessera.io.ipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.errors.ReadOnlyArrayException;
import io.tessera.io.tensor.ArrowDTypes;
import io.tessera.io.tensor.FixedShapeTensorType;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory-mapped reading: arrays view the mapping, opening reads nothing but the footer. */
class ArrowIpcMappingTest extends AllocatorTestBase {
  @TempDir
  Path dir;

  @Test
  void arraysViewTheMappingAndReadingAllocatesNothing() throws IOException {
    Path p = dir.resolve("big.arrow");
    try (NDArray a = np.full(DType.FLOAT32, 1.5, 64, 256, 256)) { // 16 MiB
      a.setDouble(7.0, 63, 255, 255);
      ArrowIpc.writeTensors(p, "t", a, IpcFormat.FILE);
    }
    long size = Files.size(p);
    NDArray t;
    try (ArrowIpcFile f = ArrowIpcFile.map(p, allocator)) {
      assertTrue(f.isMapped());
      // the mapping is accounted as a foreign allocation of the file's size: address space,
      // not heap or direct memory
      assertEquals(size, allocator.getAllocatedMemory());
      try (IpcBatch b = f.batch(0)) {
        t = b.tensor("t");
        assertEquals(size, allocator.getAllocatedMemory(), "reading copied nothing");
        assertTrue(t.dataAddress() >= b.bodyAddress()
            && t.dataAddress() + t.nbytes() <= b.bodyAddress() + b.bodyLength(),
            "the array lies inside the record batch body of the mapping");
        assertEquals(size, t.storage().arrowBuf().capacity(), "storage is the file mapping");
      }
    }
    // file and batch closed: the array keeps the mapping alive
    try (NDArray view = t) {
      assertEquals(size, allocator.getAllocatedMemory());
      assertEquals(1.5, view.getDouble(0, 0, 0));
      assertEquals(7.0, view.getDouble(63, 255, 255));
      assertFalse(view.isWriteable());
      assertThrows(ReadOnlyArrayException.class, () -> view.setWriteable(true));
      assertThrows(ReadOnlyArrayException.class, () -> view.setDouble(0, 0, 0, 0));
    }
    assertEquals(0, allocator.getAllocatedMemory(), "unmapped when the last array closed");
  }

  @Test
  void arrowJavasOwnReaderCopiesTheBodyForContrast() throws IOException {
    Path p = dir.resolve("copy.arrow");
    try (NDArray a = np.zeros(DType.FLOAT64, 8, 128, 128)) { // 1 MiB
      ArrowIpc.writeTensors(p, "t", a, IpcFormat.FILE);
    }
    try (ArrowFileReader r = new ArrowFileReader(Files.newByteChannel(p), allocator)) {
      assertTrue(r.loadNextBatch());
      assertTrue(allocator.getAllocatedMemory() >= 8 * 128 * 128 * 8,
          "ArrowFileReader holds a copy: " + allocator.getAllocatedMemory());
    }
  }

  @Test
  void openingA64GiBFileReadsOnlyTheFooter() throws IOException {
    // A sparse 64 GiB file (a hole, no disk used): one batch of 8 Mi rows of 1024 float64.
    Path p = dir.resolve("huge.arrow");
    long rows = 8L << 20;
    int listSize = 1024;
    FixedShapeTensorType type = new FixedShapeTensorType(listSize);
    Schema schema = new Schema(List.of(type.field("t", ArrowDTypes.toArrow(DType.FLOAT64))));
    long bytes = rows * listSize * 8;
    IpcCraft.Batch b = new IpcCraft.Batch(rows, new long[][] {{rows, 0}, {rows * listSize, 0}},
        new long[][] {{0, 0}, {0, 0}, {0, bytes}}, new byte[0]);
    b.sparseBody = bytes;
    IpcCraft.sparseFile(p, schema, List.of(b));
    assertTrue(Files.size(p) > bytes);
    long t0 = System.nanoTime();
    try (ArrowIpcFile f = ArrowIpcFile.map(p, allocator)) {
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < 2000, "open took " + ms + " ms"); // reading 64 GiB would take far longer
      assertEquals(1, f.batchCount());
      assertEquals(0, allocator.getAllocatedMemory(), "nothing mapped yet beyond 2 GiB files");
      UnsupportedIpcException e = assertThrows(UnsupportedIpcException.class, () -> f.batch(0));
      assertTrue(e.getMessage().contains("2 GiB"), e.getMessage());
    }
  }

  @Test
  void aSparse1point5GiBFileIsMappedWholeAndViewedWithoutReading() throws IOException {
    Path p = dir.resolve("sparse.arrow");
    long rows = 3L << 16; // 196608 rows x 1024 float64 = 1.5 GiB
    int listSize = 1024;
    FixedShapeTensorType type = new FixedShapeTensorType(new long[] {32, 32}, null,
        new int[] {1, 0});
    Schema schema = new Schema(List.of(type.field("t", ArrowDTypes.toArrow(DType.FLOAT64))));
    long bytes = rows * listSize * 8;
    IpcCraft.Batch b = new IpcCraft.Batch(rows, new long[][] {{rows, 0}, {rows * listSize, 0}},
        new long[][] {{0, 0}, {0, 0}, {0, bytes}}, new byte[0]);
    b.sparseBody = bytes;
    IpcCraft.sparseFile(p, schema, List.of(b));
    long size = Files.size(p);
    long t0 = System.nanoTime();
    try (ArrowIpcFile f = ArrowIpcFile.map(p, allocator);
         NDArray t = f.readTensor("t")) {
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < 2000, "open + view took " + ms + " ms");
      assertEquals(size, allocator.getAllocatedMemory(), "only the mapping is accounted");
      assertArrayEquals(new long[] {rows, 32, 32}, t.shape());
      assertTrue(t.isFContiguous() || !t.isCContiguous());
      assertArrayEquals(new long[] {8192, 8, 256}, t.strides(), "permutation [1, 0] as strides");
      assertEquals(0.0, t.getDouble(rows - 1, 31, 31));
    }
  }

  @Test
  void filesBeyondOneMappingAreMappedPerBatch() throws IOException {
    Path p = dir.resolve("multi.arrow");
    try (NDArray a = iota64F(4, 3);
         NDArray b = iota64F(2, 3);
         ArrowIpcWriter w = ArrowIpcWriter.create(p, IpcFormat.FILE)) {
      w.writeTensors("t", a);
      w.writeTensors("t", b);
    }
    long saved = FileSource.Mapped.singleMappingLimit;
    FileSource.Mapped.singleMappingLimit = 64; // force the per-batch mapping path
    try (ArrowIpcFile f = ArrowIpcFile.map(p, allocator)) {
      assertEquals(0, allocator.getAllocatedMemory());
      try (IpcBatch b1 = f.batch(1);
           NDArray t = b1.tensor("t")) {
        assertTrue(allocator.getAllocatedMemory() > 0, "batch 1 mapped on its own");
        assertTrue(allocator.getAllocatedMemory() < Files.size(p));
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, t.toDoubleArray());
        assertFalse(t.isWriteable());
      }
      assertEquals(0, allocator.getAllocatedMemory(), "and unmapped when released");
      try (NDArray all = f.readTensor("t")) {
        assertArrayEquals(new long[] {6, 3}, all.shape());
        assertEquals(11.0, all.getDouble(3, 2));
      }
    } finally {
      FileSource.Mapped.singleMappingLimit = saved;
    }
  }

  private NDArray iota64F(long rows, long cols) {
    try (NDArray c = iota(DType.FLOAT64, rows, cols)) {
      return c.copy(Order.F);
    }
  }

  @Test
  void readingAStreamFileCopiesIntoAlignedAllocatorMemory() throws IOException {
    Path p = dir.resolve("s.arrows");
    try (NDArray a = iota(DType.INT32, 10, 10)) {
      ArrowIpc.writeTensors(p, "t", a, IpcFormat.STREAM);
    }
    try (ArrowIpcStreamReader r = ArrowIpcStreamReader.open(p, allocator);
         IpcBatch b = r.next();
         NDArray t = b.tensor("t")) {
      assertTrue(allocator.getAllocatedMemory() >= 400);
      assertEquals(0, b.bodyAddress() % 64);
      assertEquals(99, t.getLong(9, 9));
    }
  }
}
