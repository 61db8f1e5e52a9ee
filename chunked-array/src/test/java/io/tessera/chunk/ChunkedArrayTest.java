package io.tessera.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.errors.BudgetExceededException;
import io.tessera.errors.ClosedArrayException;
import io.tessera.errors.ShapeException;
import io.tessera.memory.MemoryBudget;
import io.tessera.ndarray.NDArray;
import io.tessera.testing.ArrayTestBase;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChunkedArrayTest extends ArrayTestBase {

  private static long[] s(long... v) {
    return v;
  }

  /** arange(size) as float64 of the given shape. */
  private NDArray arange(long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    try (NDArray flat = np.arange(0, n, 1, DType.FLOAT64)) {
      return flat.reshape(shape);
    }
  }

  /** A new array with every element doubled (stands in for a ufunc). */
  private static NDArray times2(NDArray b) {
    double[] d = b.toDoubleArray();
    for (int i = 0; i < d.length; i++) {
      d[i] *= 2;
    }
    try (NDArray flat = Tessera.using(b.allocator()).array(d)) {
      return flat.reshape(b.shape());
    }
  }

  private static NDArray add(NDArray x, NDArray y) {
    long[] shape = io.tessera.shape.Broadcast.broadcastShapes(x.shape(), y.shape());
    NDArray out = Tessera.using(x.allocator()).empty(DType.FLOAT64, shape);
    try (NDArray bx = x.broadcastTo(shape); NDArray by = y.broadcastTo(shape)) {
      double[] a = bx.toDoubleArray();
      double[] b = by.toDoubleArray();
      try (NDArray flat = out.reshape(a.length)) {
        for (int i = 0; i < a.length; i++) {
          flat.setDouble(a[i] + b[i], i);
        }
      }
    }
    return out;
  }

  @Test
  void fromArrayBlocksAreViewsOfTheSource() {
    try (NDArray a = arange(6, 10);
        ChunkedArray c = ChunkedArray.fromArray(a, Chunks.parse("((2, 4), (3, 3, 4))"))) {
      assertEquals(0, c.peakBytes());
      List<long[]> seen = new ArrayList<>();
      c.forEachBlock(np, b -> {
        assertTrue(b.array().sharesMemory(a), b.toString());
        long[] o = b.offsets();
        long[] sh = b.shape();
        try (NDArray expect = a.get(o[0] + ":" + (o[0] + sh[0]) + ", " + o[1] + ":"
            + (o[1] + sh[1]))) {
          assertArrayEquals(expect.toDoubleArray(), b.array().toDoubleArray());
        }
        seen.add(b.index());
      });
      assertEquals(6, seen.size());
      assertArrayEquals(s(1, 2), seen.get(5));
      // writes through a block reach the source
      try (NDArray b = c.block(np, 1, 2)) {
        b.setDouble(-1, 0, 0);
      }
      assertEquals(-1, a.getDouble(2, 6));
      assertEquals("ChunkedArray(shape=(6, 10), dtype=float64, chunks=((2, 4), (3, 3, 4)), "
          + "blocks=(2, 3), chunksize=(4, 4))", c.toString());
    }
  }

  @Test
  void generatedBlocksAreLazyAndDeterministic() {
    AtomicInteger calls = new AtomicInteger();
    Chunks k = Chunks.regular(s(7, 5), 3, 2);
    try (ChunkedArray g = ChunkedArray.generate(s(7, 5), DType.FLOAT64, k,
        (idx, off, shape, t) -> {
          calls.incrementAndGet();
          NDArray out = t.empty(DType.FLOAT64, shape);
          for (long i = 0; i < shape[0]; i++) {
            for (long j = 0; j < shape[1]; j++) {
              out.setDouble((off[0] + i) * 10 + off[1] + j, i, j);
            }
          }
          return out;
        })) {
      assertEquals(0, calls.get());
      assertEquals(0, allocator.getAllocatedMemory());
      assertEquals(k.largestBlockBytes(DType.FLOAT64), g.peakBytes());
      try (NDArray all = g.toArray(np)) {
        assertEquals(k.blockCount(), calls.get());
        for (long i = 0; i < 7; i++) {
          for (long j = 0; j < 5; j++) {
            assertEquals(i * 10 + j, all.getDouble(i, j));
          }
        }
      }
      try (NDArray b1 = g.block(np, 2, 1); NDArray b2 = g.block(np, 2, 1)) {
        assertArrayEquals(b1.toDoubleArray(), b2.toDoubleArray());
        assertArrayEquals(s(1, 2), b1.shape());
        assertEquals(63, b1.getDouble(0, 1));
      }
    }
  }

  @Test
  void aSourceThatBreaksItsContractIsNamed() {
    try (ChunkedArray g = ChunkedArray.generate(s(4), DType.FLOAT64, Chunks.regular(s(4), 2),
        (idx, off, shape, t) -> t.zeros(DType.FLOAT64, 3))) {
      ShapeException e = assertThrows(ShapeException.class, () -> g.block(np, 1));
      assertEquals("block: block (1,) of a chunked array with chunks ((2, 2),) came back as (3,) "
          + "float64, expected (2,) float64", e.getMessage());
    }
  }

  @Test
  void slicingSelectsBlocksAsViewsWithDasksChunks() {
    JsonNode g = DaskGoldens.load();
    int n = 0;
    for (JsonNode k : g.get("slices")) {
      long[] shape = DaskGoldens.longs(k.get("shape"));
      Chunks chunks = DaskGoldens.chunks(k.get("chunks"));
      String index = k.get("index").asText();
      try (NDArray a = arange(shape);
          ChunkedArray c = ChunkedArray.fromArray(a, chunks);
          ChunkedArray s = c.get(index);
          NDArray expect = a.get(index)) {
        assertEquals(DaskGoldens.chunks(k.get("expected")), s.chunks(), index);
        assertArrayEquals(expect.shape(), s.shape(), index);
        s.forEachBlock(np, b -> {
          if (b.array().size() > 0) {
            assertTrue(b.array().sharesMemory(a), index + " block " + b);
          }
        });
        try (NDArray got = s.toArray(np)) {
          assertArrayEquals(expect.toDoubleArray(), got.toDoubleArray(), index);
        }
      }
      n++;
    }
    assertEquals(11, n);
  }

  @Test
  void slicingASlice() {
    try (NDArray a = arange(12, 9);
        ChunkedArray c = ChunkedArray.fromArray(a, Chunks.regular(s(12, 9), 5, 4));
        ChunkedArray s1 = c.get("1:11, ::-2");
        ChunkedArray s2 = s1.get("::3, None, 1");
        NDArray e1 = a.get("1:11, ::-2");
        NDArray e2 = e1.get("::3, None, 1");
        NDArray got = s2.toArray(np)) {
      assertArrayEquals(e2.toDoubleArray(), got.toDoubleArray());
      assertArrayEquals(e2.shape(), s2.shape());
      assertThrows(io.tessera.errors.IndexOutOfRangeException.class, () -> c.get("12"));
      assertThrows(io.tessera.errors.IndexOutOfRangeException.class, () -> c.get("1, 2, 3"));
    }
  }

  @Test
  void regionIsAViewInsideOneBlockElseAssembled() {
    try (NDArray a = arange(6, 10);
        ChunkedArray c = ChunkedArray.fromArray(a, Chunks.parse("((2, 4), (3, 3, 4))"))) {
      try (NDArray inside = c.region(np, s(2, 3), s(3, 2))) {
        assertTrue(inside.sharesMemory(a));
        assertEquals(a.getDouble(2, 3), inside.getDouble(0, 0));
      }
      try (NDArray across = c.region(np, s(1, 2), s(4, 6)); NDArray e = a.get("1:5, 2:8")) {
        assertFalse(across.sharesMemory(a));
        assertArrayEquals(e.toDoubleArray(), across.toDoubleArray());
      }
    }
  }

  @Test
  void mapAndZipBlocks() {
    try (NDArray a = arange(7, 4);
        NDArray b = arange(7, 4);
        ChunkedArray x = ChunkedArray.fromArray(a, Chunks.parse("((5, 2), (2, 2))"));
        ChunkedArray y = ChunkedArray.fromArray(b, Chunks.parse("((4, 3), (4,))"));
        ChunkedArray x2 = x.mapBlocks(ChunkedArrayTest::times2);
        ChunkedArray sum = x2.zipBlocks(y, ChunkedArrayTest::add);
        NDArray got = sum.toArray(np)) {
      assertEquals(Chunks.parse("((4, 1, 2), (2, 2))"), sum.chunks());
      double[] g = got.toDoubleArray();
      for (int i = 0; i < g.length; i++) {
        assertEquals(3.0 * i, g[i]);
      }
      // identity map: blocks are still views
      try (ChunkedArray same = x.mapBlocks(v -> v); NDArray blk = same.block(np, 1, 1)) {
        assertTrue(blk.sharesMemory(a));
      }
      ShapeException bad = assertThrows(ShapeException.class, () -> {
        try (ChunkedArray wrong = x.mapBlocks(v -> v.get("0")); NDArray z = wrong.block(np, 0, 0)) {
          z.close();
        }
      });
      assertTrue(bad.getMessage().contains("came back as (2,) float64, expected (5, 2)"),
          bad.getMessage());
    }
  }

  @Test
  void zipBroadcastsLikeAnOuterOperation() {
    try (NDArray xa = arange(6);
        NDArray ya = arange(5);
        ChunkedArray x = ChunkedArray.fromArray(xa, Chunks.regular(s(6), 4));
        ChunkedArray y = ChunkedArray.fromArray(ya, Chunks.regular(s(5), 2));
        ChunkedArray xc = x.get(":, None");
        ChunkedArray yr = y.get("None, :");
        ChunkedArray outer = ChunkedArray.zip(List.of(xc, yr), DType.FLOAT64, ops -> {
          assertEquals(1, ops[0].shape()[1]);
          assertEquals(1, ops[1].shape()[0]);
          return add(ops[0], ops[1]);
        });
        NDArray got = outer.toArray(np)) {
      assertEquals(Chunks.parse("((4, 2), (2, 2, 1))"), outer.chunks());
      for (int i = 0; i < 6; i++) {
        for (int j = 0; j < 5; j++) {
          assertEquals(i + j, got.getDouble(i, j));
        }
      }
    }
  }

  @Test
  void rechunkRegularToIrregularToRegularKeepsValuesAndBounds() {
    long[] shape = s(64, 48);
    Chunks regular = Chunks.regular(shape, 8);
    Chunks irregular = Chunks.parse("((5, 20, 1, 30, 8), (7, 7, 7, 7, 20))");
    Chunks rows = Chunks.regular(shape, 1, 48);
    Chunks cols = Chunks.regular(shape, 64, 1);
    long bound = 64 << 10;
    try (NDArray a = arange(shape);
        ChunkedArray g = ChunkedArray.generate(shape, DType.FLOAT64, regular,
            (idx, off, sh, t) -> {
              NDArray out = t.empty(DType.FLOAT64, sh);
              try (NDArray v = a.get(off[0] + ":" + (off[0] + sh[0]) + ", " + off[1] + ":"
                  + (off[1] + sh[1]))) {
                out.assign(v);
              }
              return out;
            });
        ChunkedArray i1 = g.rechunk(g.rechunkPlan(irregular, bound));
        ChunkedArray r2 = i1.rechunk(regular, bound);
        ChunkedArray byRows = ChunkedArray.fromArray(a, rows);
        ChunkedArray c4 = byRows.rechunk(cols, bound)) {
      assertEquals(irregular, i1.chunks());
      assertEquals(regular, r2.chunks());
      assertEquals(cols, c4.chunks());
      RechunkPlan p4 = byRows.rechunkPlan(cols, bound);
      assertTrue(p4.steps().size() > 1, p4.toString());
      for (RechunkPlan.Step st : p4.steps()) {
        assertTrue(st.peakBytes() <= bound, st.toString());
      }
      for (ChunkedArray x : List.of(i1, r2, c4)) {
        assertTrue(x.peakBytes() <= bound, x.toString());
        try (NDArray got = x.toArray(np)) {
          assertArrayEquals(a.toDoubleArray(), got.toDoubleArray(), x.toString());
        }
        // streaming the blocks stays within what the plan stated (Arrow rounds small buffers
        // up to a power of two: at most twice the logical bytes)
        io.tessera.memory.MemoryReport r = io.tessera.memory.MemoryReport.isolated(allocator,
            child -> x.forEachBlock(Tessera.using(child), b -> { }));
        assertTrue(r.peakExact());
        assertTrue(r.peakBytes() <= 2 * x.peakBytes(), r + " vs " + x.peakBytes());
      }
      // rechunking to the same chunks gives views of the same blocks
      try (ChunkedArray same = r2.rechunk(regular)) {
        assertEquals(regular, same.chunks());
      }
    }
  }

  @Test
  void budgetsRefuseBeforeAnythingIsAllocated() {
    Chunks k = Chunks.regular(s(100, 100), 10);
    try (ChunkedArray g = ChunkedArray.generate(s(100, 100), DType.FLOAT64, k,
        (idx, off, sh, t) -> t.zeros(DType.FLOAT64, sh))) {
      BudgetExceededException e = assertThrows(BudgetExceededException.class,
          () -> MemoryBudget.with(50_000, () -> g.toArray(np)));
      assertEquals("x.toArray() with x (100, 100) would allocate 78.9 KiB float64 > budget "
          + "48.8 KiB; iterate blocks() or reduce per block instead", e.getMessage());
      assertEquals(80_800, e.requestedBytes());
      BudgetExceededException one = assertThrows(BudgetExceededException.class,
          () -> MemoryBudget.with(100, () -> g.blocks(np)));
      assertEquals("one block of a chunked float64 array (100, 100) in chunks of (10, 10) "
          + "(generate) needs 800 B > budget 100 B; use smaller chunks (rechunk) or raise the "
          + "budget", one.getMessage());
      assertThrows(BudgetExceededException.class,
          () -> MemoryBudget.with(1000, () -> g.rechunk(Chunks.regular(s(100, 100), 20))));
      assertEquals(0, allocator.getAllocatedMemory());
      assertEquals(0, allocator.getPeakMemoryAllocation(), "nothing was ever allocated");
      // within the budget it runs
      MemoryBudget.with(100_000, () -> {
        try (NDArray all = g.toArray(np)) {
          assertEquals(0, all.getDouble(99, 99));
        }
      });
    }
  }

  @Test
  void lifetimesFollowViewsAndDerivedArrays() {
    NDArray a = arange(4, 4);
    ChunkedArray c = ChunkedArray.fromArray(a, Chunks.regular(s(4, 4), 2));
    a.close();
    ChunkedArray d = c.get("1:, 1:");
    c.close();
    assertThrows(ClosedArrayException.class, () -> c.blocks(np));
    assertThrows(ClosedArrayException.class, () -> c.get("0"));
    try (NDArray got = d.toArray(np)) {
      assertEquals(15, got.getDouble(2, 2));
    }
    assertTrue(allocator.getAllocatedMemory() > 0, "d keeps the source alive");
    d.close();
    d.close();
    assertEquals(0, allocator.getAllocatedMemory());
    // materialized blocks are owned and released
    List<NDArray> blocks = new ArrayList<>();
    blocks.add(np.ones(DType.INT32, 2));
    blocks.add(np.zeros(DType.INT32, 1));
    try (ChunkedArray fb = ChunkedArray.fromBlocks(blocks, Chunks.parse("((2, 1),)"));
        NDArray all = fb.toArray(np)) {
      assertArrayEquals(new long[] {1, 1, 0}, all.toLongArray());
      assertEquals(DType.INT32, fb.dtype());
    }
    assertEquals(0, allocator.getAllocatedMemory());
  }

  @Test
  void iteratorAndParallelStreamSeeEveryBlockOnce() {
    try (NDArray a = arange(9, 9);
        ChunkedArray c = ChunkedArray.fromArray(a, Chunks.regular(s(9, 9), 2))) {
      Iterator<Block> it = c.iterator(np);
      long n = 0;
      while (it.hasNext()) {
        try (Block b = it.next()) {
          assertEquals(n++, b.linearIndex());
        }
      }
      assertEquals(25, n);
      double total = c.blocks(np).parallel().mapToDouble(b -> {
        try (b) {
          double sum = 0;
          for (double v : b.array().toDoubleArray()) {
            sum += v;
          }
          return sum;
        }
      }).sum();
      assertEquals(80 * 81 / 2, total);
    }
  }

  @Test
  void emptyAndZeroDimensionalArrays() {
    try (NDArray e = np.zeros(DType.INT16, 0, 3);
        ChunkedArray c = ChunkedArray.fromArray(e, Chunks.regular(s(0, 3), 2));
        NDArray back = c.toArray(np);
        ChunkedArray sl = c.get("..., 1:");
        NDArray scalar = np.full(DType.FLOAT64, 2.5);
        ChunkedArray z = ChunkedArray.fromArray(scalar, Chunks.of());
        NDArray zb = z.toArray(np);
        ChunkedArray zn = z.get("None")) {
      assertEquals(Chunks.parse("((0,), (2, 1))"), c.chunks());
      assertArrayEquals(s(0, 3), back.shape());
      assertEquals(Chunks.parse("((0,), (1, 1))"), sl.chunks());
      assertEquals(2.5, zb.getDouble());
      assertEquals(1, z.blockCount());
      try (NDArray one = zn.toArray(np)) {
        assertEquals(2.5, one.getDouble(0));
      }
    }
  }
}
