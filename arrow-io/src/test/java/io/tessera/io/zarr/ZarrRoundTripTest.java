package io.tessera.io.zarr;

import static io.tessera.io.chunked.ChunkedTestSupport.assertSameBits;
import static io.tessera.io.chunked.ChunkedTestSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.testing.ArrayTestBase;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZarrRoundTripTest extends ArrayTestBase {
  @TempDir Path dir;

  private static final long[][] SHAPES = {{}, {7}, {5, 6, 7}, {0, 3}};
  private static final long[][] CHUNKS = {{}, {3}, {2, 4, 7}, {2, 2}};

  @Test
  void everyDtypeShapeAndCompressorRoundTrips() throws Exception {
    Random rnd = new Random(1);
    int n = 0;
    for (DType dt : DType.values()) {
      for (int s = 0; s < SHAPES.length; s++) {
        for (ZarrCompressor comp : List.of(ZarrCompressor.NONE, ZarrCompressor.zlib(1))) {
          LocalZarrStore store = LocalZarrStore.of(dir.resolve("a" + n++));
          try (NDArray a = random(np, rnd, dt, SHAPES[s])) {
            ZarrMetadata meta = Zarr.write(a, store, CHUNKS[s],
                ZarrWriteOptions.defaults().withCompressor(comp));
            assertEquals(meta, Zarr.readMetadata(store));
            assertEquals(dt.str(), meta.zarrDType().typestr());
            try (ChunkedArray back = Zarr.open(store)) {
              assertSameBits(a, back, np);
            }
            long expectKeys = meta.chunkCount() + 1;
            assertEquals(expectKeys, store.list("").size(), store.list("").toString());
          }
        }
      }
    }
  }

  @Test
  void zeroDimensionalArrayUsesKeyZero() throws Exception {
    LocalZarrStore store = LocalZarrStore.of(dir.resolve("z"));
    try (NDArray a = np.full(DType.FLOAT64, Order.C, 2.5)) {
      Zarr.write(a, store, new long[0], ZarrWriteOptions.defaults());
      assertEquals(List.of(".zarray", "0"), store.list(""));
      assertEquals(8, store.read("0").length);
      try (ChunkedArray back = Zarr.open(store); NDArray b = back.toArray(np)) {
        assertEquals(2.5, b.getDouble());
      }
    }
  }

  @Test
  void fortranOrderAndBigEndianChunks() throws Exception {
    Random rnd = new Random(2);
    for (DType dt : List.of(DType.INT16, DType.FLOAT64, DType.UINT32, DType.FLOAT16)) {
      for (Order o : List.of(Order.C, Order.F)) {
        for (ByteOrder bo : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
          LocalZarrStore store = LocalZarrStore.of(dir.resolve(dt + "" + o + bo));
          try (NDArray a = random(np, rnd, dt, 5, 4, 3)) {
            ZarrMetadata m = Zarr.write(a, store, new long[] {2, 3, 3},
                ZarrWriteOptions.defaults().withOrder(o).withByteOrder(bo));
            assertEquals(bo == ByteOrder.BIG_ENDIAN ? '>' : '<', m.zarrDType().typestr().charAt(0));
            String json = new String(store.read(".zarray"), StandardCharsets.US_ASCII);
            assertTrue(json.contains("\"order\": \"" + o + "\""), json);
            try (ChunkedArray back = Zarr.open(store)) {
              assertSameBits(a, back, np);
            }
          }
        }
      }
    }
  }

  @Test
  void chunkedArrayWithRegularGridWritesBlockByBlock() throws Exception {
    try (NDArray r = np.arange(60); NDArray a = r.reshape(6, 10);
        ChunkedArray c = ChunkedArray.fromArray(a, Chunks.regular(a.shape(), 4, 3))) {
      LocalZarrStore store = LocalZarrStore.of(dir.resolve("c"));
      ZarrMetadata m = Zarr.write(c, store, ZarrWriteOptions.defaults(), np);
      assertArrayEquals(new long[] {4, 3}, m.chunkShape());
      assertArrayEquals(new long[] {2, 4}, m.gridShape());
      try (ChunkedArray back = Zarr.open(store)) {
        assertEquals(c.chunks(), back.chunks());
        assertSameBits(a, back, np);
      }
    }
  }

  @Test
  void irregularGridIsRefusedBeforeWriting() throws Exception {
    try (NDArray a = np.arange(8);
        ChunkedArray c = ChunkedArray.fromArray(a, Chunks.of(new long[] {3, 2, 3}))) {
      LocalZarrStore store = LocalZarrStore.of(dir.resolve("irr"));
      ZarrException e = assertThrows(ZarrException.class,
          () -> Zarr.write(c, store, ZarrWriteOptions.defaults(), np));
      assertEquals(ZarrException.Fault.IRREGULAR_CHUNKS, e.fault());
      assertTrue(e.getMessage().contains("((3, 2, 3),)") && e.getMessage().contains("rechunk"),
          e.getMessage());
      assertFalse(Files.exists(store.root()), "nothing written");
      // the suggested rechunk works
      assertEquals(Chunks.regular(new long[] {8}, 3), Zarr.regularChunks(c.chunks()));
      try (ChunkedArray r = c.rechunk(Zarr.regularChunks(c.chunks()))) {
        Zarr.write(r, store, ZarrWriteOptions.defaults(), np);
        try (ChunkedArray back = Zarr.open(store)) {
          assertSameBits(a, back, np);
        }
      }
    }
  }

  @Test
  void autoChunksAreRegular() {
    Chunks auto = Chunks.auto(new long[] {101, 7}, DType.FLOAT64, 8 * 7 * 30);
    assertFalse(auto.isRegular(), auto.toString()); // balanced: (26, 25, 25, 25)
    Chunks z = Zarr.autoChunks(new long[] {101, 7}, DType.FLOAT64, 8 * 7 * 30);
    assertTrue(z.isRegular());
    assertEquals(Chunks.regular(new long[] {101, 7}, 26, 7), z);
    assertEquals(Chunks.regular(new long[] {0, 3}, 1, 3),
        Zarr.regularChunks(Chunks.of(new long[] {0}, new long[] {3})));
  }

  @Test
  void missingChunksReadAsTheFillValue() throws Exception {
    LocalZarrStore store = LocalZarrStore.of(dir.resolve("fill"));
    try (NDArray a = np.arange(10.0, 20.0, 1.0, DType.FLOAT32)) {
      Zarr.write(a, store, new long[] {4}, ZarrWriteOptions.defaults()
          .withFillValue(Double.NaN));
      assertTrue(new String(store.read(".zarray"), StandardCharsets.US_ASCII)
          .contains("\"fill_value\": \"NaN\""));
      store.delete("1");
      try (ChunkedArray back = Zarr.open(store); NDArray b = back.toArray(np)) {
        for (int i = 0; i < 10; i++) {
          double v = b.getDouble(i);
          if (i >= 4 && i < 8) {
            assertTrue(Double.isNaN(v), "element " + i);
          } else {
            assertEquals(10.0 + i, v);
          }
        }
      }
    }
  }

  @Test
  void edgeChunksArePaddedWithTheFillValue() throws Exception {
    LocalZarrStore store = LocalZarrStore.of(dir.resolve("pad"));
    try (NDArray a = np.arange(5)) {
      Zarr.write(a, store, new long[] {4}, ZarrWriteOptions.defaults().withFillValue(-7L));
      byte[] edge = store.read("1");
      assertEquals(32, edge.length);
      java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(edge).order(ByteOrder.LITTLE_ENDIAN);
      assertEquals(4, bb.getLong(0));
      for (int i = 1; i < 4; i++) {
        assertEquals(-7, bb.getLong(8 * i));
      }
    }
  }

  @Test
  void overwriteIsAskedFor() throws Exception {
    LocalZarrStore store = LocalZarrStore.of(dir.resolve("ow"));
    try (NDArray a = np.arange(10); NDArray b = np.arange(3)) {
      Zarr.write(a, store, new long[] {2}, ZarrWriteOptions.defaults());
      ZarrException e = assertThrows(ZarrException.class,
          () -> Zarr.write(b, store, new long[] {2}, ZarrWriteOptions.defaults()));
      assertEquals(ZarrException.Fault.EXISTS, e.fault());
      store.write("notes.txt", new byte[] {1});
      Zarr.write(b, store, new long[] {2}, ZarrWriteOptions.defaults().withOverwrite(true));
      assertEquals(List.of(".zarray", "0", "1", "notes.txt"), store.list(""));
      try (ChunkedArray back = Zarr.open(store)) {
        assertSameBits(b, back, np);
      }
    }
  }

  @Test
  void attributesAndDescribe() throws Exception {
    LocalZarrStore store = LocalZarrStore.of(dir.resolve("attrs"));
    try (NDArray a = np.arange(10)) {
      Zarr.write(a, store, new long[] {3}, ZarrWriteOptions.defaults()
          .withAttributes(Map.of("units", "m", "scale", 0.5, "tags", List.of(1L, 2L)))
          .withCompressor(ZarrCompressor.zlib(5)));
      Map<String, Object> attrs = Zarr.readAttributes(store);
      assertEquals("m", attrs.get("units"));
      assertEquals(0.5, attrs.get("scale"));
      String d = Zarr.describe(store);
      assertTrue(d.contains("shape:       (10,)") && d.contains("int64 (\"<i8\")")
          && d.contains("grid (4,) = 4 chunks") && d.contains("zlib(level=5)")
          && d.contains("stored:      4 of 4") && d.contains("\"units\": \"m\""), d);
    }
  }

  @Test
  void writingAndReadingHoldAFewChunksNotTheArray() throws Exception {
    long[] shape = {1000, 1000}; // 8 MB of float64
    Chunks c = Chunks.regular(shape, 128, 256); // 256 KiB blocks, edge blocks included
    try (ChunkedArray g = ChunkedArray.generate(shape, DType.FLOAT64, c,
        (idx, off, sh, tnp) -> io.tessera.io.chunked.ChunkedTestSupport.constant(tnp, sh,
            off[0] * 1000 + off[1]))) {
      for (ZarrCompressor comp : List.of(ZarrCompressor.NONE, ZarrCompressor.zlib(1))) {
        LocalZarrStore store = LocalZarrStore.of(dir.resolve("mem" + comp));
        long chunk = 128 * 256 * 8;
        try (BufferAllocator a = new RootAllocator()) {
          Zarr.write(g, store, ZarrWriteOptions.defaults().withCompressor(comp),
              io.tessera.Tessera.using(a));
          // a block, and the padded copy of an edge block (Arrow rounds up to powers of two)
          assertTrue(a.getPeakMemoryAllocation() <= 4 * chunk, "write peak "
              + a.getPeakMemoryAllocation() + " for chunks of " + chunk);
        }
        try (BufferAllocator a = new RootAllocator();
            ChunkedArray back = Zarr.open(store)) {
          long[] bad = {0};
          back.forEachBlock(io.tessera.Tessera.using(a), b -> {
            long[] off = b.offsets();
            if (b.array().getDouble(0, 0) != off[0] * 1000 + off[1]) {
              bad[0]++;
            }
          });
          assertEquals(0, bad[0]);
          assertTrue(a.getPeakMemoryAllocation() <= 2 * chunk, "read peak "
              + a.getPeakMemoryAllocation());
        }
      }
    }
  }
}
