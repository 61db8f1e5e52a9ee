package io.tessera.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.errors.BudgetExceededException;
import io.tessera.errors.ClosedArrayException;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.memory.MemoryBudget;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.parallel.Threads;
import io.tessera.testing.ArrayTestBase;
import io.tessera.ufunc.Reductions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Axis reductions of chunked arrays: grid independence, exactness, errors, partial API, persist. */
class ChunkedAxisReductionTest extends ArrayTestBase {

  static final long[] SHAPE = {20, 30, 17};
  static final long[][][] GRIDS = {
      {{20}, {30}, {17}},
      {{7, 13}, {1, 29}, {5, 5, 5, 2}},
      {{2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, {30}, {1, 16}},
      {{19, 1}, {10, 10, 10}, {17}}};

  private NDArray wild(long seed, long... shape) {
    Random rnd = new Random(seed);
    NDArray a = np.empty(DType.FLOAT64, shape);
    long n = a.size();
    for (long i = 0; i < n; i++) {
      Raw.putDouble(a.dataAddress() + 8 * i, rnd.nextGaussian()
          * Math.pow(10, rnd.nextInt(30) - 15) + (i % 7 == 0 ? 1e8 : 0));
    }
    return a;
  }

  private static long[] bits(NDArray r) {
    long[] b = new long[(int) r.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = Raw.getBits(r.dataAddress() + (long) i * r.itemsize(), r.itemsize());
    }
    return b;
  }

  @Test
  void sumMeanVarStdHaveTheSameBitsOnEveryGridAndThreadCount() {
    int[][] axesList = {null, {0}, {1}, {2}, {0, 2}, {1, 2}, {-1, 0, 1}};
    try (NDArray a = wild(1, SHAPE); NDArray f = a.astype(DType.FLOAT32)) {
      for (NDArray src : new NDArray[] {a, f}) {
        for (int[] axes : axesList) {
          for (String fn : new String[] {"sum", "mean", "var", "std"}) {
            long[] first = null;
            for (long[][] g : GRIDS) {
              for (int threads : new int[] {1, 3}) {
                try (ChunkedArray c = ChunkedArray.fromArray(src, Chunks.of(SHAPE, g));
                     NDArray r = Threads.limit(threads, () -> call(fn, c, axes))) {
                  long[] b = bits(r);
                  if (first == null) {
                    first = b;
                  }
                  assertArrayEquals(first, b, fn + " " + src.dtype() + " axes "
                      + java.util.Arrays.toString(axes) + " grid " + java.util.Arrays
                      .deepToString(g) + " threads " + threads);
                }
              }
            }
          }
        }
      }
    }
  }

  private NDArray call(String fn, ChunkedArray c, int[] axes) {
    switch (fn) {
      case "sum": return ChunkedReductions.sum(np, c, axes, false);
      case "mean": return ChunkedReductions.mean(np, c, axes, false);
      case "var": return ChunkedReductions.var(np, c, axes, false, 1);
      default: return ChunkedReductions.std(np, c, axes, true, 0);
    }
  }

  @Test
  void floatSumsAreCorrectlyRoundedAndEqualTheWholeArraySum() {
    try (NDArray a = wild(2, SHAPE);
         ChunkedArray c = ChunkedArray.fromArray(a, Chunks.of(SHAPE, GRIDS[1]));
         NDArray s = ChunkedReductions.sum(np, c, new int[] {0, 2}, false);
         NDArray all = ChunkedReductions.sum(np, c, null, false);
         NDArray whole = ChunkedReductions.sum(np, c)) {
      for (long j = 0; j < SHAPE[1]; j++) {
        BigDecimal e = BigDecimal.ZERO;
        for (long i = 0; i < SHAPE[0]; i++) {
          for (long k = 0; k < SHAPE[2]; k++) {
            e = e.add(new BigDecimal(a.getDouble(i, j, k)));
          }
        }
        assertEquals(e.round(MathContext.DECIMAL128).doubleValue(), s.getDouble(j), 0.0);
      }
      assertEquals(Double.doubleToRawLongBits(whole.getDouble()),
          Double.doubleToRawLongBits(all.getDouble()));
    }
  }

  @Test
  void intermediateOverflowCancellationAndNegativeZero() {
    double m = Double.MAX_VALUE;
    try (NDArray a = np.empty(DType.FLOAT64, 6, 2)) {
      double[][] v = {{m, -0.0}, {m, -0.0}, {-m, -0.0}, {-m, -0.0}, {1.5, -0.0}, {0x1p-1074,
          -0.0}};
      for (int i = 0; i < 6; i++) {
        a.setDouble(v[i][0], i, 0);
        a.setDouble(v[i][1], i, 1);
      }
      for (long[] g : new long[][] {{6}, {1, 1, 1, 1, 1, 1}, {2, 4}}) {
        try (ChunkedArray c = ChunkedArray.fromArray(a, Chunks.of(new long[] {6, 2},
            new long[][] {g, {1, 1}}));
             NDArray s = ChunkedReductions.sum(np, c, new int[] {0}, false)) {
          assertEquals(1.5, s.getDouble(0), 0.0); // NumPy: inf - inf = nan
          assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(
              s.getDouble(1)));
        }
      }
    }
  }

  @Test
  void integerSumsWrapAndIntegerResultsMatchTheLocalEngine() {
    try (NDArray a = np.empty(DType.INT64, 9, 4); NDArray u = np.empty(DType.UINT64, 9, 4)) {
      for (long i = 0; i < 36; i++) {
        Raw.putLong(a.dataAddress() + 8 * i, Long.MAX_VALUE - i * 977);
        Raw.putLong(u.dataAddress() + 8 * i, -1L - i * 12345);
      }
      for (NDArray src : new NDArray[] {a, u}) {
        try (ChunkedArray c = ChunkedArray.fromArray(src, Chunks.of(new long[] {9, 4},
            new long[][] {{2, 2, 5}, {3, 1}}))) {
          for (int ax = 0; ax < 2; ax++) {
            try (NDArray s = ChunkedReductions.sum(np, c, new int[] {ax}, true);
                 NDArray w = Reductions.sum(src, Reductions.axis(ax).keepdims(true));
                 NDArray p = ChunkedReductions.prod(np, c, new int[] {ax}, false);
                 NDArray wp = Reductions.prod(src, Reductions.axis(ax));
                 NDArray mn = ChunkedReductions.min(np, c, new int[] {ax}, false);
                 NDArray wmn = Reductions.min(src, Reductions.axis(ax));
                 NDArray am = ChunkedReductions.argmax(np, c, ax, false);
                 NDArray wam = Reductions.argmax(src, ax, false)) {
              assertArrayEquals(w.shape(), s.shape());
              assertArrayEquals(bits(w), bits(s));
              assertArrayEquals(bits(wp), bits(p));
              assertArrayEquals(bits(wmn), bits(mn));
              assertArrayEquals(bits(wam), bits(am));
            }
          }
        }
      }
    }
  }

  @Test
  void badInputThrowsTypedNumPyErrorsBeforeWork() {
    AtomicInteger produced = new AtomicInteger();
    ChunkedArray g = ChunkedArray.generate(new long[] {4, 5}, DType.FLOAT64,
        Chunks.regular(new long[] {4, 5}, 2, 2), (idx, off, shape, t) -> {
          produced.incrementAndGet();
          return t.zeros(DType.FLOAT64, shape);
        });
    try (g) {
      ShapeException e1 = assertThrows(ShapeException.class,
          () -> ChunkedReductions.sum(np, g, new int[] {2}, false));
      assertEquals("axis 2 is out of bounds for array of dimension 2", e1.getMessage());
      assertEquals("duplicate value in 'axis'", assertThrows(ShapeException.class,
          () -> ChunkedReductions.var(np, g, new int[] {1, -1}, false, 0)).getMessage());
      assertThrows(ShapeException.class, () -> ChunkedReductions.argmin(np, g, -3, false));
      assertThrows(ShapeException.class, () -> AxisReduction.of(AxisReduction.Op.ARGMAX,
          g.shape(), g.dtype(), new int[] {0, 1}, false, 0));
      assertEquals(0, produced.get());
    }
    try (NDArray e = np.empty(DType.FLOAT64, 0, 3);
         ChunkedArray c = ChunkedArray.fromArray(e, Chunks.of(new long[] {0, 3},
             new long[][] {{0}, {1, 2}}))) {
      assertEquals("attempt to get argmin of an empty sequence", assertThrows(
          TesseraException.class, () -> ChunkedReductions.argmin(np, c, 0, false)).getMessage());
      assertEquals("zero-size array to reduction operation maximum which has no identity",
          assertThrows(TesseraException.class, () -> ChunkedReductions.max(np, c, new int[] {0},
              false)).getMessage());
      try (NDArray s = ChunkedReductions.sum(np, c, new int[] {0}, false);
           NDArray m = ChunkedReductions.min(np, c, new int[] {1}, false)) {
        assertArrayEquals(new double[] {0, 0, 0}, s.toDoubleArray());
        assertArrayEquals(new long[] {0}, m.shape());
      }
    }
    // ddof >= n: NumPy's result (inf or nan, NumPy only warns), not an exception
    try (NDArray a = np.arange(6); NDArray a2 = a.reshape(2, 3);
         ChunkedArray c = ChunkedArray.fromArray(a2, Chunks.of(new long[] {2, 3},
             new long[][] {{1, 1}, {2, 1}}));
         NDArray v = ChunkedReductions.var(np, c, new int[] {0}, false, 2);
         NDArray w = Reductions.var(a2, Reductions.axis(0).ddof(2))) {
      assertArrayEquals(w.toDoubleArray(), v.toDoubleArray());
      assertEquals(Double.POSITIVE_INFINITY, v.getDouble(0));
    }
    ChunkedArray closed = ChunkedArray.generate(new long[] {3}, DType.FLOAT64,
        Chunks.regular(new long[] {3}, 3), (i, o, s, t) -> t.zeros(DType.FLOAT64, s));
    closed.close();
    assertThrows(ClosedArrayException.class, () -> ChunkedReductions.sum(np, closed,
        new int[] {0}, false));
  }

  @Test
  void budgetRefusalNamesTheReductionBeforeAllocating() {
    ChunkedArray g = ChunkedArray.generate(new long[] {1000, 1000}, DType.FLOAT64,
        Chunks.regular(new long[] {1000, 1000}, 10, 1000), (idx, off, shape, t) -> t.zeros(
            DType.FLOAT64, shape));
    try (g) {
      BudgetExceededException e = assertThrows(BudgetExceededException.class,
          () -> MemoryBudget.with(100_000, () -> ChunkedReductions.mean(np, g, new int[] {0},
              false)));
      assertTrue(e.getMessage().startsWith("np.mean(x, axis=(0), keepdims=False) with x "
          + "(1000, 1000) would allocate"), e.getMessage());
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  /** The plan's steps run by hand, partials in reverse order and serialized: as a cluster would. */
  @Test
  void partialsCombineInAnyArrivalOrderAndSerialize() throws Exception {
    try (NDArray a = wild(5, 12, 10);
         ChunkedArray c = ChunkedArray.fromArray(a, Chunks.of(new long[] {12, 10},
             new long[][] {{3, 4, 5}, {6, 4}}));
         NDArray want = ChunkedReductions.var(np, c, new int[] {0}, false, 1)) {
      AxisReduction plan = AxisReduction.of(AxisReduction.Op.VAR, c.shape(), c.dtype(),
          new int[] {0}, false, 1);
      double[] centers = new double[10];
      try (NDArray got = plan.newResult(np)) {
        for (int pass = 1; pass <= 2; pass++) {
          for (int t = 1; t >= 0; t--) {
            Map<Long, AxisReduction.Partial> parts = new TreeMap<>();
            for (int j = 2; j >= 0; j--) {
              try (Block b = c.blockAt(np, c.chunks().linearIndex(new long[] {j, t}))) {
                AxisReduction.Partial p = pass == 1 ? plan.partial(b.array(), b.offsets())
                    : plan.deviations(b.array(), b.offsets(), centers);
                parts.put((long) j, roundTrip(p));
              }
            }
            AxisReduction.Partial r = TreeReduce.reduce(parts, plan::combine);
            if (pass == 1) {
              plan.centers(r, centers);
            } else {
              plan.finish(r, got);
            }
          }
        }
        assertArrayEquals(bits(want), bits(got));
      }
      AxisReduction.Partial p0;
      try (Block b = c.blockAt(np, 0)) {
        p0 = plan.partial(b.array(), b.offsets());
      }
      AxisReduction.Partial p1;
      try (Block b = c.blockAt(np, 1)) {
        p1 = plan.partial(b.array(), b.offsets());
      }
      assertThrows(TesseraException.class, () -> plan.combine(p0, p1)); // different tiles
    }
  }

  private static AxisReduction.Partial roundTrip(AxisReduction.Partial p) throws Exception {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(bo)) {
      o.writeObject(p);
    }
    try (ObjectInputStream i = new ObjectInputStream(new ByteArrayInputStream(
        bo.toByteArray()))) {
      return (AxisReduction.Partial) i.readObject();
    }
  }

  @Test
  void persistProducesEachBlockOnceAndVarReadsTheCache() {
    AtomicInteger produced = new AtomicInteger();
    ChunkedArray g = ChunkedArray.generate(new long[] {30, 8}, DType.FLOAT64,
        Chunks.of(new long[] {30, 8}, new long[][] {{10, 10, 10}, {5, 3}}),
        (idx, off, shape, t) -> {
          produced.incrementAndGet();
          NDArray b = t.empty(DType.FLOAT64, shape);
          for (long i = 0; i < shape[0]; i++) {
            for (long j = 0; j < shape[1]; j++) {
              b.setDouble(Math.sin(off[0] + i + 31.0 * (off[1] + j)), i, j);
            }
          }
          return b;
        });
    try (g; NDArray lazy = ChunkedReductions.var(np, g, new int[] {0}, false, 0)) {
      assertEquals(12, produced.get()); // two passes over 6 blocks
      produced.set(0);
      try (ChunkedArray p = g.persist(np)) {
        assertEquals(6, produced.get());
        assertEquals(0, p.peakBytes());
        long held = allocator.getAllocatedMemory();
        assertTrue(held >= 30 * 8 * 8, "blocks are held: " + held);
        assertEquals(0, p.peakBytes());
        try (NDArray v = ChunkedReductions.var(np, p, new int[] {0}, false, 0)) {
          assertEquals(6, produced.get());
          assertArrayEquals(bits(lazy), bits(v));
          long before = allocator.getAllocatedMemory();
          try (ChunkedArray again = p.persist(np)) {
            assertEquals(before, allocator.getAllocatedMemory()); // already materialized: no copy
            assertEquals(0, again.peakBytes());
          }
        }
      }
      assertTrue(allocator.getAllocatedMemory() < 1000, "closing released the cache");
      BudgetExceededException e = assertThrows(BudgetExceededException.class,
          () -> MemoryBudget.with(1000, () -> g.persist(np)));
      assertTrue(e.getMessage().startsWith("x.persist() with x (30, 8) would allocate"),
          e.getMessage());
    }
  }

  @Test
  void argminArgmaxFirstOccurrenceAndNanAcrossBlocks() {
    double nan = Double.NaN;
    double[] v = {3, 1, 5, 1, 5, nan, 0, nan, 5, 1, -0.0, 0.0};
    try (NDArray a0 = np.empty(DType.FLOAT64, 12)) {
      for (int i = 0; i < 12; i++) {
        a0.setDouble(v[i], i);
      }
      try (NDArray a = a0.reshape(3, 4)) {
        for (long[][] g : new long[][][] {{{3}, {4}}, {{1, 2}, {3, 1}}, {{1, 1, 1}, {1, 1, 1, 1}}}) {
          try (ChunkedArray c = ChunkedArray.fromArray(a, Chunks.of(new long[] {3, 4}, g))) {
            for (int ax = 0; ax < 2; ax++) {
              try (NDArray x = ChunkedReductions.argmin(np, c, ax, true);
                   NDArray wx = Reductions.argmin(a, ax, true);
                   NDArray y = ChunkedReductions.argmax(np, c, ax, false);
                   NDArray wy = Reductions.argmax(a, ax, false)) {
                assertArrayEquals(wx.toLongArray(), x.toLongArray());
                assertArrayEquals(wy.toLongArray(), y.toLongArray());
              }
            }
            try (NDArray x = ChunkedReductions.argmin(np, c); NDArray y = ChunkedReductions
                .argmax(np, c); NDArray mx = ChunkedReductions.max(np, c, null, false)) {
              assertEquals(5, x.getLong());
              assertEquals(5, y.getLong());
              assertTrue(Double.isNaN(mx.getDouble()));
            }
          }
        }
      }
    }
  }

  @Test
  void anyAllOnBoolAndFloats() {
    try (NDArray a = np.zeros(DType.FLOAT64, 4, 6)) {
      a.setDouble(Double.NaN, 1, 2);
      a.setDouble(-0.0, 2, 3);
      try (NDArray b = a.astype(DType.BOOL);
           ChunkedArray c = ChunkedArray.fromArray(a, Chunks.of(new long[] {4, 6},
               new long[][] {{2, 2}, {3, 3}}));
           ChunkedArray cb = ChunkedArray.fromArray(b, Chunks.of(new long[] {4, 6},
               new long[][] {{1, 3}, {5, 1}}))) {
        for (ChunkedArray x : List.of(c, cb)) {
          NDArray src = x == c ? a : b;
          try (NDArray an = ChunkedReductions.any(np, x, new int[] {1}, false);
               NDArray wan = Reductions.any(src, Reductions.axis(1));
               NDArray al = ChunkedReductions.all(np, x, new int[] {0}, true);
               NDArray wal = Reductions.all(src, Reductions.axis(0).keepdims(true))) {
            assertEquals(DType.BOOL, an.dtype());
            assertArrayEquals(bits(wan), bits(an));
            assertArrayEquals(wal.shape(), al.shape());
            assertArrayEquals(bits(wal), bits(al));
          }
        }
      }
    }
  }
}
