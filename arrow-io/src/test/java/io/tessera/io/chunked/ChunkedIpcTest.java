package io.tessera.io.chunked;

import static io.tessera.io.chunked.ChunkedTestSupport.assertSameBits;
import static io.tessera.io.chunked.ChunkedTestSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.Tessera;
import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.errors.ShapeException;
import io.tessera.io.ipc.ArrowIpc;
import io.tessera.io.ipc.ArrowIpcException;
import io.tessera.io.ipc.ArrowIpcWriter;
import io.tessera.io.ipc.CorruptIpcException;
import io.tessera.io.ipc.IpcFormat;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.testing.ArrayTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkedIpcTest extends ArrayTestBase {
  @TempDir Path dir;

  private static Object[] c(long[] shape, long[]... grid) {
    return new Object[] {shape, grid};
  }

  private static List<Object[]> cases() {
    long[] s3 = {7, 3, 4};
    return List.of(
        c(new long[] {7}, new long[] {7}),
        c(new long[] {7}, new long[] {3, 1, 3}),
        c(s3, new long[] {7}, new long[] {3}, new long[] {4}),
        c(s3, new long[] {2, 4, 1}, new long[] {3}, new long[] {4}),
        c(s3, new long[] {3, 4}, new long[] {1, 2}, new long[] {3, 1}),
        c(new long[] {0, 3}, new long[] {0}, new long[] {3}));
  }

  @Test
  void everyDtypeAndGridRoundTripsOneBatchPerBand() throws Exception {
    Random rnd = new Random(6);
    int n = 0;
    for (DType dt : DType.values()) {
      for (Object[] cs : cases()) {
        long[] shape = (long[]) cs[0];
        Chunks chunks = Chunks.of(shape, (long[][]) cs[1]);
        try (NDArray a = random(np, rnd, dt, shape);
            ChunkedArray ca = ChunkedArray.fromArray(a, chunks)) {
          Path p = dir.resolve("t" + n++ + ".arrow");
          ChunkedIpc.write(ca, p, "x", IpcFormat.FILE, np);
          try (BufferAllocator fa = new RootAllocator()) {
            try (ChunkedArray back = ChunkedIpc.open(p, "x", fa)) {
              assertSameBits(a, back, np);
              if (a.size() > 0) {
                assertArrayEquals(chunks.chunks(0), back.chunks().chunks(0), "a batch per band");
              }
              for (int ax = 1; ax < shape.length; ax++) {
                assertEquals(1, back.chunks().numBlocks(ax));
              }
            }
            assertEquals(0, fa.getAllocatedMemory(), "unmapped on close");
          }
          // and Tessera's whole-file reader agrees
          try (NDArray all = ArrowIpc.readTensors(p, "x", allocator)) {
            assertSameBits(a, all);
          }
        }
      }
    }
  }

  @Test
  void blocksAreViewsOfTheMappedFile() throws Exception {
    try (NDArray r = np.arange(24.0, 48.0, 1.0, DType.FLOAT64); NDArray a = r.reshape(6, 4);
        ChunkedArray ca = ChunkedArray.fromArray(a, Chunks.regular(a.shape(), 2, -1))) {
      Path p = dir.resolve("v.arrow");
      ChunkedIpc.write(ca, p, ChunkedIpc.DEFAULT_FIELD, IpcFormat.FILE, np);
      try (BufferAllocator fa = new RootAllocator();
          ChunkedArray back = ChunkedIpc.open(p, ChunkedIpc.DEFAULT_FIELD, fa)) {
        long before = allocator.getAllocatedMemory();
        try (NDArray b = back.block(np, 2, 0)) {
          assertEquals(before, allocator.getAllocatedMemory(), "no copy");
          assertEquals(44.0, b.getDouble(1, 0));
        }
      }
    }
  }

  @Test
  void readsFilesWrittenBatchByBatchElsewhere() throws Exception {
    Random rnd = new Random(7);
    try (NDArray a = random(np, rnd, DType.INT16, 9, 2, 3)) {
      Path p = dir.resolve("w.arrow");
      try (ArrowIpcWriter w = ArrowIpcWriter.create(p, IpcFormat.FILE);
          NDArray p1 = a.get("0:4"); NDArray p2 = a.get("4:4"); NDArray p3 = a.get("4:9");
          NDArray p3f = p3.copy(Order.F)) {
        w.writeTensors("t", p1);
        w.writeTensors("t", p2); // an empty batch is skipped
        w.writeTensors("t", p3f);
      }
      try (BufferAllocator fa = new RootAllocator();
          ChunkedArray back = ChunkedIpc.open(p, "t", fa)) {
        assertEquals(Chunks.of(new long[] {4, 5}, new long[] {2}, new long[] {3}), back.chunks());
        assertSameBits(a, back, np);
      }
    }
  }

  @Test
  void zeroDimensionalAndBadInputAreTypedErrors() throws Exception {
    try (NDArray s = np.full(DType.FLOAT32, Order.C, 1.5);
        ChunkedArray ca = ChunkedArray.fromArray(s)) {
      Path p = dir.resolve("z.arrow");
      assertThrows(ShapeException.class, () -> ChunkedIpc.write(ca, p, "x", IpcFormat.FILE, np));
      assertTrue(!Files.exists(p), "refused before the file is created");
    }
    try (NDArray a = np.arange(10); ChunkedArray ca = ChunkedArray.fromArray(a)) {
      Path p = dir.resolve("ok.arrow");
      ChunkedIpc.write(ca, p, "x", IpcFormat.FILE, np);
      try (BufferAllocator fa = new RootAllocator()) {
        ArrowIpcException e = assertThrows(ArrowIpcException.class,
            () -> ChunkedIpc.open(p, "nope", fa));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        byte[] b = Files.readAllBytes(p);
        Path q = dir.resolve("cut.arrow");
        Files.write(q, java.util.Arrays.copyOf(b, b.length - 20));
        assertThrows(CorruptIpcException.class, () -> ChunkedIpc.open(q, "x", fa));
        Path s = dir.resolve("stream.arrow");
        ChunkedIpc.write(ca, s, "x", IpcFormat.STREAM, np);
        assertThrows(CorruptIpcException.class, () -> ChunkedIpc.open(s, "x", fa));
        assertEquals(0, fa.getAllocatedMemory());
      }
    }
  }

  @Test
  void streamingWriteHoldsOneBand() throws Exception {
    long rows = 512; // 4 MiB in 8 bands
    Chunks c = Chunks.regular(new long[] {rows, 32, 32}, 64, 16, -1); // bands of 512 KiB
    try (ChunkedArray g = ChunkedArray.generate(new long[] {rows, 32, 32}, DType.FLOAT64, c,
        (idx, off, shape, tnp) -> ChunkedTestSupport.constant(tnp, shape, off[0]))) {
      Path p = dir.resolve("big.arrow");
      try (BufferAllocator a = new RootAllocator()) {
        ChunkedIpc.write(g, p, "x", IpcFormat.FILE, Tessera.using(a));
        long band = 64 * 32 * 32 * 8;
        assertTrue(a.getPeakMemoryAllocation() <= 2 * band + 2 * band / 2 + 4096,
            "peak " + a.getPeakMemoryAllocation() + " for bands of " + band + " in an array of "
                + rows * 32 * 32 * 8);
      }
      assertTrue(Files.size(p) > rows * 32 * 32 * 8);
    }
  }
}
