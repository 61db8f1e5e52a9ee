package io.tessera.io.chunked;

import static io.tessera.io.chunked.ChunkedTestSupport.assertSameBits;
import static io.tessera.io.chunked.ChunkedTestSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.chunk.Block;
import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.io.ipc.IpcFormat;
import io.tessera.io.npy.NpyFormatException;
import io.tessera.io.npy.NpyWriter;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.io.zarr.LocalZarrStore;
import io.tessera.io.zarr.Zarr;
import io.tessera.io.zarr.ZarrCompressor;
import io.tessera.io.zarr.ZarrWriteOptions;
import io.tessera.testing.ArrayTestBase;
import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkedNpyTest extends ArrayTestBase {
  @TempDir Path dir;

  private static Object[] c(long[] shape, long[]... grid) {
    return new Object[] {shape, grid};
  }

  /** Shapes and several grids for each, regular and irregular, split on one or more axes. */
  private List<Object[]> cases() {
    long[] s3 = {5, 6, 7};
    return List.of(
        c(new long[] {}),
        c(new long[] {7}, new long[] {7}),
        c(new long[] {7}, new long[] {3, 3, 1}),
        c(new long[] {7}, new long[] {1, 4, 2}),
        c(s3, new long[] {5}, new long[] {6}, new long[] {7}),
        c(s3, new long[] {2, 3}, new long[] {6}, new long[] {7}),
        c(s3, new long[] {1, 1, 3}, new long[] {4, 2}, new long[] {3, 4}),
        c(s3, new long[] {5}, new long[] {1, 5}, new long[] {7}),
        c(new long[] {0, 3}, new long[] {0}, new long[] {3}),
        c(new long[] {4, 0}, new long[] {1, 3}, new long[] {0}));
  }

  @Test
  void streamingWriteIsByteIdenticalToNpSaveForEveryDtypeAndGrid() throws Exception {
    Random rnd = new Random(3);
    int n = 0;
    for (DType dt : DType.values()) {
      for (Object[] c : cases()) {
        long[] shape = (long[]) c[0];
        Chunks chunks = Chunks.of(shape, (long[][]) c[1]);
        try (NDArray a = random(np, rnd, dt, shape);
            ChunkedArray ca = ChunkedArray.fromArray(a, chunks)) {
          Path p = dir.resolve("w" + n++ + ".npy");
          ChunkedNpy.write(ca, p, np);
          assertArrayEquals(NpyWriter.toBytes(a), Files.readAllBytes(p), dt + " " + chunks);
          try (ChunkedArray back = ChunkedNpy.open(p, chunks)) {
            assertSameBits(a, back, np);
          }
        }
      }
    }
  }

  @Test
  void stridedAndFortranSourcesAreWrittenInCOrder() throws Exception {
    Random rnd = new Random(4);
    try (NDArray base = random(np, rnd, DType.INT32, 6, 8);
        NDArray t = base.T();                       // F-contiguous (8, 6)
        NDArray s = base.get("::-2, 1::3")) {       // negative and gapped strides (3, 3)
      for (NDArray a : List.of(t, s)) {
        for (Chunks c : List.of(Chunks.regular(a.shape(), 2, -1), Chunks.regular(a.shape(), 2))) {
          try (ChunkedArray ca = ChunkedArray.fromArray(a, c)) {
            Path p = dir.resolve("s.npy");
            ChunkedNpy.write(ca, p, np);
            try (NDArray copy = a.copy(Order.C)) {
              assertArrayEquals(NpyWriter.toBytes(copy), Files.readAllBytes(p));
            }
          }
        }
      }
    }
  }

  @Test
  void readsFortranAndBigEndianFilesLazily() throws Exception {
    Random rnd = new Random(5);
    for (DType dt : DType.values()) {
      for (boolean fortran : new boolean[] {false, true}) {
        for (ByteOrder bo : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
          try (NDArray c = random(np, rnd, dt, 5, 6, 7);
              NDArray a = fortran ? c.copy(Order.F) : c.view()) {
            Path p = dir.resolve("r.npy");
            NpyWriter.write(p, a, NpyWriter.Options.defaults().withByteOrder(bo));
            Chunks irregular = Chunks.of(a.shape(), new long[][] {{2, 3}, {1, 4, 1}, {7}});
            try (ChunkedArray back = ChunkedNpy.open(p, irregular)) {
              assertSameBits(a, back, np);
              try (NDArray b = back.block(np, 1, 1, 0)) {
                assertEquals(fortran, b.isFContiguous() && !b.isCContiguous());
              }
            }
            try (ChunkedArray auto = ChunkedNpy.open(p, 100)) {
              long[] cs = auto.chunks().chunkSize();
              assertTrue(fortran ? cs[0] == 5 : cs[2] == 7, auto.toString());
              assertSameBits(a, auto, np);
            }
          }
        }
      }
    }
  }

  @Test
  void mappedBlocksAreViewsOfTheFile() throws Exception {
    try (NDArray r = np.arange(24); NDArray a = r.reshape(4, 6)) {
      Path p = dir.resolve("m.npy");
      NpyWriter.write(p, a);
      try (BufferAllocator mapAlloc = new RootAllocator()) {
        try (ChunkedArray m = ChunkedNpy.map(p, Chunks.regular(a.shape(), 3, 4), mapAlloc)) {
          assertSameBits(a, m, np);
          long before = allocator.getAllocatedMemory();
          try (NDArray b = m.block(np, 1, 1)) {
            assertEquals(23, b.getLong(0, 1));
            assertEquals(before, allocator.getAllocatedMemory(), "a mapped block allocates "
                + "nothing");
          }
        }
        assertEquals(0, mapAlloc.getAllocatedMemory(), "unmapped on close");
      }
    }
  }

  @Test
  void streamingWriteHoldsOneBandNotTheArray() throws Exception {
    long rows = 2048;
    long cols = 1024; // 16 MiB of float64
    for (long[] block : List.of(new long[] {128, -1}, new long[] {128, 256})) {
      Chunks c = Chunks.regular(new long[] {rows, cols}, block);
      try (ChunkedArray g = ChunkedArray.generate(new long[] {rows, cols}, DType.FLOAT64, c,
          (idx, off, shape, tnp) -> ChunkedTestSupport.constant(tnp, shape,
              off[0] * cols + off[1]))) {
        Path p = dir.resolve("big.npy");
        try (BufferAllocator a = new RootAllocator()) {
          io.tessera.Tessera t = io.tessera.Tessera.using(a);
          ChunkedNpy.write(g, p, t);
          long band = 128 * cols * 8; // 1 MiB
          long blockBytes = c.largestBlockBytes(DType.FLOAT64);
          // the band and the block being produced (Arrow rounds requests up to powers of two)
          long bound = 2 * band + (blockBytes < band ? 2 * blockBytes : 0) + 4096;
          assertTrue(a.getPeakMemoryAllocation() <= bound,
              "peak " + a.getPeakMemoryAllocation() + " for a band of " + band + " bytes and an "
                  + "array of " + rows * cols * 8);
        }
        assertEquals(128 + rows * cols * 8, Files.size(p));
        try (ChunkedArray back = ChunkedNpy.open(p, 1 << 20);
            BufferAllocator a = new RootAllocator()) {
          io.tessera.Tessera t = io.tessera.Tessera.using(a);
          long[] bad = {0};
          back.forEachBlock(t, b -> {
            long[] off = b.offsets();
            if (b.array().getDouble(0, 0) != off[0] * cols + off[1]) {
              bad[0]++;
            }
          });
          assertEquals(0, bad[0]);
          // one 1 MiB block at a time (Arrow rounds a 1 MiB + alignment request up to 2 MiB)
          assertTrue(a.getPeakMemoryAllocation() <= (2 << 20), "read peak "
              + a.getPeakMemoryAllocation());
        }
      }
    }
  }

  @Test
  void truncatedFilesAreTypedErrors() throws Exception {
    try (NDArray r = np.arange(100)) {
      Path p = dir.resolve("t.npy");
      NpyWriter.write(p, r);
      try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
        f.setLength(128 + 8 * 50);
      }
      NpyFormatException e = assertThrows(NpyFormatException.class, () -> ChunkedNpy.open(p,
          Chunks.regular(new long[] {100}, 10)));
      assertEquals(NpyFormatException.Fault.TRUNCATED, e.fault());
      Path q = dir.resolve("h.npy");
      Files.write(q, java.util.Arrays.copyOf(Files.readAllBytes(p), 40));
      NpyFormatException h = assertThrows(NpyFormatException.class, () -> ChunkedNpy.open(q));
      assertEquals(NpyFormatException.Fault.TRUNCATED, h.fault());
      // shrunk after opening: the block read fails, typed, and leaves nothing allocated
      NpyWriter.write(p, r);
      try (ChunkedArray ca = ChunkedNpy.open(p, Chunks.regular(new long[] {100}, 10))) {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
          f.setLength(128 + 8 * 50);
        }
        try (NDArray ok = ca.block(np, 2)) {
          assertEquals(20, ok.getLong(0));
        }
        long before = allocator.getAllocatedMemory();
        NpyFormatException late = assertThrows(NpyFormatException.class, () -> ca.block(np, 7));
        assertEquals(NpyFormatException.Fault.TRUNCATED, late.fault());
        assertEquals(before, allocator.getAllocatedMemory(), "the failed read freed its block");
      }
      Files.write(q, new byte[] {1, 2, 3});
      assertEquals(NpyFormatException.Fault.BAD_MAGIC, assertThrows(NpyFormatException.class,
          () -> ChunkedNpy.open(q)).fault());
    }
  }

  @Test
  void chunksForAnotherShapeAreRefused() throws Exception {
    try (NDArray r = np.arange(10)) {
      Path p = dir.resolve("c.npy");
      NpyWriter.write(p, r);
      assertThrows(io.tessera.chunk.ChunkSpecException.class,
          () -> ChunkedNpy.open(p, Chunks.regular(new long[] {11}, 5)));
    }
  }

  @Test
  void blocksComeInGridOrder() throws Exception {
    try (NDArray r = np.arange(12); NDArray a = r.reshape(3, 4)) {
      Path p = dir.resolve("o.npy");
      NpyWriter.write(p, a);
      try (ChunkedArray ca = ChunkedNpy.open(p, Chunks.regular(a.shape(), 2, 3))) {
        List<Long> firsts = new java.util.ArrayList<>();
        ca.forEachBlock(np, (Block b) -> firsts.add(b.array().getLong(0, 0)));
        assertEquals(List.of(0L, 3L, 8L, 11L), firsts);
      }
    }
  }

  /** The lazy readers of all three formats serve blocks to a parallel stream correctly. */
  @Test
  void lazyReadersServeParallelConsumers() throws Exception {
    Random rnd = new Random(9);
    try (NDArray a = random(np, rnd, DType.INT32, 64, 33);
        ChunkedArray ca = ChunkedArray.fromArray(a, Chunks.regular(a.shape(), 5, 11))) {
      Path npy = dir.resolve("p.npy");
      Path ipc = dir.resolve("p.arrow");
      Path zarr = dir.resolve("p.zarr");
      ChunkedNpy.write(ca, npy, np);
      ChunkedIpc.write(ca, ipc, "x", IpcFormat.FILE, np);
      Zarr.write(ca, LocalZarrStore.of(zarr),
          ZarrWriteOptions.defaults().withCompressor(
              ZarrCompressor.zlib(1)), np);
      long want;
      try (NDArray s = a.sum()) {
        want = s.getLong();
      }
      try (BufferAllocator fa = new RootAllocator();
          ChunkedArray n = ChunkedNpy.open(npy, Chunks.regular(a.shape(), 3, 7));
          ChunkedArray i = ChunkedIpc.open(ipc, "x", fa);
          ChunkedArray z = Zarr.open(LocalZarrStore.of(zarr))) {
        for (ChunkedArray c : List.of(n, i, z)) {
          for (int rep = 0; rep < 3; rep++) {
            long got = c.blocks(np).parallel().mapToLong(b -> {
              try (b; NDArray s = b.array().sum()) {
                return s.getLong();
              }
            }).sum();
            assertEquals(want, got, c.toString());
          }
        }
      }
    }
  }
}
