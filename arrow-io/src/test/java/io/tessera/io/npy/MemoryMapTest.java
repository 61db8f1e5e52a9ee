package io.tessera.io.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.errors.ClosedArrayException;
import io.tessera.errors.ReadOnlyArrayException;
import io.tessera.io.npy.NpyFormatException.Fault;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** np.memmap and np.load(mmap_mode=...): the array's buffer is the file. */
class MemoryMapTest extends NpyTestBase {
  @TempDir
  Path tmp;

  @AfterEach
  void restoreLimit() {
    Mapper.smallLimit = Integer.MAX_VALUE;
  }

  private Path npy(String name, NDArray a) throws IOException {
    Path p = tmp.resolve(name);
    NpyWriter.write(p, a);
    return p;
  }

  private static long fileLong(Path p, long pos) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(b, pos);
      return b.getLong(0);
    }
  }

  /** Also runs every mode through the large-mapping path (as used beyond 2 GiB). */
  @ParameterizedTest(name = "large path: {0}")
  @ValueSource(booleans = {false, true})
  void modes(boolean largePath) throws IOException {
    if (largePath) {
      Mapper.smallLimit = 0;
    }
    try (NDArray r = np.arange(24); NDArray a = r.reshape(4, 6)) {
      Path p = npy("m.npy", a);
      long off = NpyReader.readHeader(p).dataOffset();

      long base = allocator.getAllocatedMemory();
      // r: read-only, same values, cannot be made writeable
      try (MemoryMap m = MemoryMap.open(p, MapMode.R, allocator)) {
        NDArray x = m.array();
        assertArrayEquals(a.toLongArray(), x.toLongArray());
        assertFalse(x.isWriteable());
        assertThrows(ReadOnlyArrayException.class, () -> x.setWriteable(true));
        assertThrows(ReadOnlyArrayException.class, () -> x.setLong(1, 0, 0));
        try (NDArray v = x.get("1:, ::2")) {
          assertFalse(v.isWriteable());
        }
        assertEquals(x.nbytes() + off, allocator.getAllocatedMemory() - base, "the allocator "
            + "counts the mapped range");
        assertTrue(m.isMapped());
        m.flush(); // no-op
      }
      assertEquals(base, allocator.getAllocatedMemory());

      // r+: writes through a view reach the file
      try (MemoryMap m = MemoryMap.open(p, MapMode.R_PLUS, allocator);
          NDArray v = m.array().get("2, 1:3")) {
        assertTrue(m.array().isWriteable());
        v.setLong(1000, 0);
        m.array().setLong(-7, 3, 5);
        m.flush();
        assertEquals(1000, fileLong(p, off + 8 * 13));
        assertEquals(-7, fileLong(p, off + 8 * 23));
      }
      try (NDArray back = NpyReader.read(p, allocator)) {
        assertEquals(1000, back.getLong(2, 1));
        assertEquals(-7, back.getLong(3, 5));
      }

      // c: writeable, but writes never reach the file
      try (MemoryMap m = MemoryMap.open(p, MapMode.C, allocator)) {
        m.array().fill(42L);
        assertEquals(42, m.array().getLong(0, 0));
        m.flush();
      }
      try (NDArray back = NpyReader.read(p, allocator)) {
        assertEquals(1000, back.getLong(2, 1));
        assertEquals(0, back.getLong(0, 0));
      }

      // w+: a new .npy, zeros, header exactly np.save's
      Path w = tmp.resolve("w.npy");
      try (MemoryMap m = MemoryMap.create(w, DType.FLOAT32, new long[] {3, 5}, true,
          allocator)) {
        assertTrue(m.array().isFContiguous());
        assertEquals(0.0, m.array().getDouble(2, 4));
        m.array().setDouble(1.5, 2, 4);
        m.flush();
      }
      try (NDArray back = NpyReader.read(w, allocator)) {
        assertEquals(1.5, back.getDouble(2, 4));
        assertTrue(back.isFContiguous());
        byte[] img = Files.readAllBytes(w);
        assertArrayEquals(img, NpyWriter.toBytes(back));
      }
    }
  }

  @Test
  void viewsKeepTheMappingAliveAndTheLastCloseUnmaps() throws IOException {
    try (NDArray a = np.arange(100)) {
      Path p = npy("v.npy", a);
      long base = allocator.getAllocatedMemory();
      MemoryMap m = MemoryMap.open(p, MapMode.R_PLUS, allocator);
      NDArray view = m.array().get("10:20");
      m.close();
      assertFalse(m.array().isOpen());
      assertTrue(m.isMapped());
      view.setLong(-1, 0);
      m.flush(); // still mapped through the view
      assertEquals(15, view.getLong(5));
      view.close();
      assertFalse(m.isMapped());
      assertEquals(base, allocator.getAllocatedMemory());
      assertThrows(ClosedArrayException.class, m::flush);
      try (NDArray back = NpyReader.read(p, allocator)) {
        assertEquals(-1, back.getLong(10));
      }
      // np.load(mmap_mode='r'): the array alone owns the mapping
      try (NDArray x = NpyReader.load(p, MapMode.R, allocator)) {
        assertEquals(-1, x.getLong(10));
      }
      assertEquals(base, allocator.getAllocatedMemory());
    }
  }

  @Test
  void rawFiles() throws IOException {
    Path p = tmp.resolve("raw.bin");
    // w+ creates offset + data bytes
    try (MemoryMap m = MemoryMap.openRaw(p, DType.INT32, MapMode.W_PLUS, 16, new long[] {2, 3},
        Order.F, allocator)) {
      assertTrue(m.array().isFContiguous());
      assertEquals(16, m.offset());
      m.array().setLong(7, 1, 2); // F order: element (1, 2) is the last
      m.flush();
    }
    assertEquals(16 + 24, Files.size(p));
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(b, 16 + 20);
      assertEquals(7, b.getInt(0));
    }
    // shape inferred from the file size, unaligned offset
    try (MemoryMap m = MemoryMap.openRaw(p, DType.UINT8, MapMode.R, 3, null, Order.C,
        allocator)) {
      assertArrayEquals(new long[] {37}, m.array().shape());
      assertEquals(7, m.array().getLong(33));
    }
    fault(Fault.NOT_MAPPABLE, p.toString(), () -> MemoryMap.openRaw(p, DType.INT64, MapMode.R,
        3, null, Order.C, allocator));
    fault(Fault.NOT_MAPPABLE, p.toString(), () -> MemoryMap.openRaw(p, DType.INT64, MapMode.C,
        0, new long[] {100}, Order.C, allocator));
    // r+ grows a raw file that is too short, as np.memmap does
    try (MemoryMap m = MemoryMap.openRaw(p, DType.INT64, MapMode.R_PLUS, 0, new long[] {10},
        Order.C, allocator)) {
      m.array().setLong(99, 9);
    }
    assertEquals(80, Files.size(p));
    assertEquals(99, fileLong(p, 72));
    // an empty raw array maps nothing
    Path e = tmp.resolve("empty.bin");
    try (MemoryMap m = MemoryMap.openRaw(e, DType.FLOAT64, MapMode.W_PLUS, 0, new long[] {0, 4},
        Order.C, allocator)) {
      assertEquals(0, m.array().size());
      assertFalse(m.isMapped());
    }
    assertThrows(IllegalArgumentException.class, () -> MemoryMap.openRaw(e, DType.FLOAT64,
        MapMode.W_PLUS, 0, null, Order.C, allocator));
    assertThrows(IllegalArgumentException.class, () -> MemoryMap.openRaw(e, DType.FLOAT64,
        MapMode.R, 0, null, Order.K, allocator));
  }

  @Test
  void unmappableNpyFiles() throws IOException {
    try (NDArray a = np.arange(10)) {
      Path be = tmp.resolve("be.npy");
      NpyWriter.write(be, a, NpyWriter.Options.defaults().withByteOrder(ByteOrder.BIG_ENDIAN));
      fault(Fault.NOT_MAPPABLE, be.toString(), () -> MemoryMap.open(be, MapMode.R, allocator));
      Path p = npy("t.npy", a);
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
        ch.truncate(Files.size(p) - 1);
      }
      for (MapMode mode : new MapMode[] {MapMode.R, MapMode.R_PLUS, MapMode.C}) {
        fault(Fault.TRUNCATED, p.toString(), () -> MemoryMap.open(p, mode, allocator));
      }
      assertThrows(IllegalArgumentException.class, () -> MemoryMap.open(p, MapMode.W_PLUS,
          allocator));
      Path n = tmp.resolve("neg.npy");
      fault(Fault.BAD_SHAPE, n.toString(), () -> MemoryMap.create(n, DType.INT8,
          new long[] {2, -1}, false, allocator));
      fault(Fault.TOO_LARGE, n.toString(), () -> MemoryMap.create(n, DType.INT64,
          new long[] {1L << 40, 1L << 30}, false, allocator));
      assertTrue(Files.notExists(n), "a refused create must not leave a file");
    }
  }

  /**
   * A sparse 3 GiB file mapped as one contiguous array: a value written near the end through the
   * map is read back through a second map and through a plain channel read.
   */
  @Test
  void beyondTwoGiB() throws IOException {
    Path p = tmp.resolve("big.bin");
    long size = 3L << 30;
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(size);
    }
    long n = size / 8;
    long t0 = System.nanoTime();
    try (MemoryMap m = MemoryMap.openRaw(p, DType.FLOAT64, MapMode.R_PLUS, 0, null, Order.C,
        allocator)) {
      long openNanos = System.nanoTime() - t0;
      assertTrue(openNanos < 2_000_000_000L, "opening read the data? " + openNanos + " ns");
      assertArrayEquals(new long[] {n}, m.array().shape());
      assertEquals(size, allocator.getAllocatedMemory());
      m.array().setDouble(Math.PI, n - 3);
      m.array().setDouble(Math.E, (1L << 28) + 1); // just beyond the 2 GiB mark
      m.flush();
    }
    try (MemoryMap m = MemoryMap.openRaw(p, DType.FLOAT64, MapMode.R, 0, null, Order.C,
        allocator)) {
      assertEquals(Math.PI, m.array().getDouble(n - 3));
      assertEquals(Math.E, m.array().getDouble((1L << 28) + 1));
      assertEquals(0.0, m.array().getDouble(n - 1));
      try (NDArray tail = m.array().get("-4:")) {
        assertEquals(Math.PI, tail.getDouble(1));
      }
    }
    assertEquals(Double.doubleToLongBits(Math.PI), fileLong(p, size - 24));
    // a .npy of more than 2 GiB, created sparse (w+) and mapped back (r)
    Path q = tmp.resolve("big.npy");
    try (MemoryMap m = MemoryMap.create(q, DType.INT64, new long[] {3, 1L << 27}, false,
        allocator)) {
      m.array().setLong(123456789L, 2, (1L << 27) - 1);
    }
    try (MemoryMap m = MemoryMap.open(q, MapMode.R, allocator)) {
      assertEquals(123456789L, m.array().getLong(2, (1L << 27) - 1));
    }
    Files.delete(p);
    Files.delete(q);
  }
}
