package io.tessera.io.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Write then read: every dtype, order, byte order and view kind comes back bit for bit. */
class NpyRoundTripTest extends NpyTestBase {
  @TempDir
  Path tmp;

  private static final String[] VIEWS = {
    "...", "::2", "::-1", "1:, ::-2", "None, ::3", "..., 0", "0", "1:2, 1:2, 1:2", ":0",
  };

  @ParameterizedTest
  @EnumSource(DType.class)
  void everyDtypeOrderAndViewRoundTrips(DType dtype) throws IOException {
    Random rnd = new Random(dtype.ordinal());
    for (Order order : new Order[] {Order.C, Order.F}) {
      try (NDArray base0 = randomArray(rnd, dtype, 4, 5, 6);
          NDArray base = base0.copy(order)) {
        for (String ix : VIEWS) {
          for (boolean transpose : new boolean[] {false, true}) {
            try (NDArray v0 = base.get(ix); NDArray v = transpose ? v0.transpose() : v0.view()) {
              roundTrip(v, ix + (transpose ? " .T" : "") + " of " + order);
            }
          }
        }
      }
    }
  }

  private void roundTrip(NDArray v, String what) throws IOException {
    byte[] expected = cBytes(v);
    boolean fortran = !v.isCContiguous() && v.isFContiguous();
    for (ByteOrder bo : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      NpyWriter.Options opts = NpyWriter.Options.defaults().withByteOrder(bo);
      byte[] img = NpyWriter.toBytes(v, opts);
      NpyHeader h = NpyReader.readHeader(img);
      assertEquals(fortran, h.fortranOrder(), what);
      assertEquals(h.dataOffset() + h.dataBytes(), img.length);
      assertEquals(bo == ByteOrder.BIG_ENDIAN && v.itemsize() > 1, h.needsSwap());
      try (NDArray back = NpyReader.read(img, allocator)) {
        assertArrayEquals(v.shape(), back.shape(), what);
        assertEquals(v.dtype(), back.dtype());
        assertArrayEquals(expected, cBytes(back), what + " " + bo);
        assertEquals(fortran, !back.isCContiguous() && back.isFContiguous(), what);
      }
      if (!h.needsSwap() && !fortran) {
        // the data part of a C-order image is the elements in C order
        byte[] data = java.util.Arrays.copyOfRange(img, (int) h.dataOffset(), img.length);
        assertArrayEquals(expected, data, what);
      }
    }
  }

  @Test
  void zeroDimensionalAndEmpty() throws IOException {
    try (NDArray s = np.full(DType.FLOAT64, 2.5);
        NDArray e = np.empty(DType.INT32, 3, 0, 2);
        NDArray e1 = np.empty(DType.UINT8, 0)) {
      for (NDArray a : new NDArray[] {s, e, e1}) {
        Path p = tmp.resolve("a.npy");
        NpyWriter.write(p, a);
        try (NDArray b = NpyReader.read(p, allocator)) {
          assertArrayEquals(a.shape(), b.shape());
          assertArrayEquals(cBytes(a), cBytes(b));
        }
      }
      assertTrue(new String(NpyWriter.toBytes(s), java.nio.charset.StandardCharsets.US_ASCII)
          .contains("'shape': (), }"));
    }
  }

  @Test
  void versionsAreChosenAndHonoured() {
    try (NDArray a = np.arange(6)) {
      assertEquals(NpyVersion.V1_0, NpyReader.readHeader(NpyWriter.toBytes(a)).version());
      for (NpyVersion v : NpyVersion.values()) {
        byte[] img = NpyWriter.toBytes(a, NpyWriter.Options.defaults().withVersion(v));
        assertEquals(v, NpyReader.readHeader(img).version());
        assertEquals(v.major(), img[6]);
        assertEquals(0, NpyReader.readHeader(img).dataOffset() % 64);
        try (NDArray b = NpyReader.read(img, allocator)) {
          assertArrayEquals(a.toLongArray(), b.toLongArray());
        }
      }
    }
  }

  @Test
  void headerTextIsNumpys() {
    assertEquals("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }"
        + " ".repeat(20), NpyHeader.of(DType.FLOAT64, new long[] {3, 4}, false).dictText());
    assertEquals("{'descr': '|b1', 'fortran_order': True, 'shape': (3, 4567), }"
        + " ".repeat(17), NpyHeader.of(DType.BOOL, new long[] {3, 4567}, true).dictText());
    assertEquals("{'descr': '>u2', 'fortran_order': False, 'shape': (), }", NpyHeader.of(
        DType.UINT16, new long[0], false, ByteOrder.BIG_ENDIAN, null).dictText());
    assertEquals("{'descr': '|i1', 'fortran_order': False, 'shape': (7,), }" + " ".repeat(20),
        NpyHeader.of(DType.INT8, new long[] {7}, false, ByteOrder.BIG_ENDIAN, null).dictText());
    // the header is padded to a multiple of 64 with spaces and ends in '\n'
    for (int n = 0; n < 200; n++) {
      long[] shape = new long[n % 5];
      java.util.Arrays.fill(shape, (long) Math.pow(10, n % 4) + n);
      byte[] b = NpyHeader.of(DType.FLOAT32, shape, n % 2 == 0).toBytes();
      assertEquals(0, b.length % 64);
      assertEquals('\n', b[b.length - 1]);
      assertEquals(b.length - 10, (b[8] & 0xFF) | (b[9] & 0xFF) << 8);
    }
  }

  @Test
  void fortranArrayIsWrittenAsFortranWithoutCopy() throws IOException {
    try (RootAllocator alloc = new RootAllocator();
        NDArray r = io.tessera.Tessera.using(alloc).arange(24);
        NDArray c = r.reshape(2, 3, 4);
        NDArray f = c.copy(Order.F)) {
      long peak = alloc.getPeakMemoryAllocation();
      Path p = tmp.resolve("f.npy");
      NpyWriter.write(p, f);
      assertEquals(peak, alloc.getPeakMemoryAllocation());
      NpyHeader h = NpyReader.readHeader(p);
      assertTrue(h.fortranOrder());
      // data in the file are the Fortran-order bytes, as numpy writes them
      byte[] all = Files.readAllBytes(p);
      try (NDArray back = NpyReader.read(p, alloc)) {
        assertTrue(back.isFContiguous() && !back.isCContiguous());
        assertArrayEquals(c.toLongArray(), back.toLongArray());
        assertEquals(0L, Raw.getLong(back.dataAddress()));
        assertEquals(12L, back.getLong(1, 0, 0));
      }
      assertEquals(12, all[(int) h.dataOffset() + 8]);
    }
  }

  @Test
  void nonContiguousIsStreamedThroughABoundedScratch() throws IOException {
    try (RootAllocator alloc = new RootAllocator();
        NDArray r = io.tessera.Tessera.using(alloc).arange(4L << 20);
        NDArray big = r.reshape(2048, 2048);
        NDArray v = big.get("::-1, ::2")) { // 16 MiB of int64 viewed as a strided 8 MiB
      assertFalse(v.isCContiguous() || v.isFContiguous());
      long before = alloc.getAllocatedMemory();
      Path p = tmp.resolve("v.npy");
      NpyWriter.write(p, v);
      long extra = alloc.getPeakMemoryAllocation() - before;
      assertTrue(extra <= (1 << 20), "scratch was " + extra + " bytes");
      try (NDArray back = NpyReader.read(p, alloc)) {
        assertArrayEquals(v.toLongArray(), back.toLongArray());
      }
    }
  }

  @Test
  void streamsAndChannels() throws IOException {
    try (NDArray a = randomArray(new Random(7), DType.FLOAT32, 33, 17);
        NDArray b = randomArray(new Random(8), DType.INT16, 5)) {
      // two arrays back to back in one stream: each read consumes exactly its own bytes
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      NpyWriter.write(bos, a);
      NpyWriter.write(bos, b, NpyWriter.Options.defaults().withByteOrder(ByteOrder.BIG_ENDIAN));
      try (InputStream in = new ByteArrayInputStream(bos.toByteArray());
          NDArray a2 = NpyReader.read(in, allocator, "two");
          NDArray b2 = NpyReader.read(in, allocator, "two")) {
        assertArrayEquals(cBytes(a), cBytes(a2));
        assertArrayEquals(cBytes(b), cBytes(b2));
        assertEquals(-1, in.read());
      }
      // file streams go through their channel, positions stay in step
      Path p = tmp.resolve("s.npy");
      try (FileOutputStream out = new FileOutputStream(p.toFile())) {
        NpyWriter.write(out, a);
        NpyWriter.write(out, b);
      }
      try (FileInputStream in = new FileInputStream(p.toFile());
          NDArray a2 = NpyReader.read(in, allocator, p.toString());
          NDArray b2 = NpyReader.read(in, allocator, p.toString())) {
        assertArrayEquals(cBytes(a), cBytes(a2));
        assertArrayEquals(cBytes(b), cBytes(b2));
        assertEquals(-1, in.read());
      }
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        NpyWriter.write(ch, b, NpyWriter.Options.defaults());
      }
      try (NDArray b3 = NpyReader.read(p, allocator)) {
        assertArrayEquals(cBytes(b), cBytes(b3));
      }
    }
  }

  /** A stream of unknown length with more than 1 MiB of data: read into growing buffers. */
  @Test
  void largeStreamOfUnknownLength() throws IOException {
    try (NDArray a = np.arange(5L << 20)) { // 40 MiB
      byte[] img = NpyWriter.toBytes(a);
      try (NDArray b = NpyReader.read(NpyGoldenTest.opaque(img), allocator, "big")) {
        assertEquals(a.size(), b.size());
        assertEquals((5L << 20) - 1, b.getLong((5L << 20) - 1));
        assertEquals(0, b.dataAddress() % 64);
      }
    }
  }

  /** A named pipe is not a regular file: it is read as a stream. */
  @Test
  void namedPipe() throws Exception {
    Path fifo = tmp.resolve("pipe.npy");
    Process mk;
    try {
      mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    } catch (IOException e) {
      org.junit.jupiter.api.Assumptions.abort("mkfifo not available: " + e);
      return;
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo failed");
    try (NDArray a = np.arange(1000)) {
      byte[] img = NpyWriter.toBytes(a);
      Thread writer = new Thread(() -> {
        try {
          Files.write(fifo, img);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      writer.start();
      try (NDArray b = NpyReader.read(fifo, allocator)) {
        assertArrayEquals(a.toLongArray(), b.toLongArray());
      }
      writer.join();
    }
  }

  @Test
  void loadWithAndWithoutMmap() throws IOException {
    try (NDArray a = np.arange(10)) {
      Path p = tmp.resolve("l.npy");
      NpyWriter.write(p, a);
      try (NDArray r = NpyReader.load(p, null, allocator);
          NDArray m = NpyReader.load(p, MapMode.R, allocator)) {
        assertArrayEquals(a.toLongArray(), r.toLongArray());
        assertArrayEquals(a.toLongArray(), m.toLongArray());
        assertFalse(m.isWriteable());
      }
    }
  }
}
