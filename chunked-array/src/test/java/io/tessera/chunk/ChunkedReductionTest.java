package io.tessera.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.testing.ArrayTestBase;
import io.tessera.ufunc.Reductions;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Chunked sums give the same bits on every grid: the correctly rounded sum. */
class ChunkedReductionTest extends ArrayTestBase {

  static final long[][][] GRIDS = {
      {{300, 300}, {257, 257}},
      {{1, 99, 200, 300}, {100, 14, 400}},
      {{600}, {514}},
      {{7, 593}, {500, 1, 13}}};

  @Test
  void floatSumIsChunkingIndependentAndCorrectlyRounded() {
    Random rnd = new Random(3);
    long[] shape = {600, 514};
    try (NDArray a = np.empty(DType.FLOAT64, shape)) {
      BigDecimal exact = BigDecimal.ZERO;
      double abs = 0;
      for (long i = 0; i < 600; i++) {
        for (long j = 0; j < 514; j++) {
          double v = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(12) - 6) * (i % 3 == 0 ? 1e6
              : 1);
          a.setDouble(v, i, j);
          exact = exact.add(new BigDecimal(v));
          abs += Math.abs(v);
        }
      }
      double rounded = exact.round(MathContext.DECIMAL128).doubleValue();
      Long bits = null;
      for (long[][] g : GRIDS) {
        try (ChunkedArray c = ChunkedArray.fromArray(a, Chunks.of(shape, g));
             NDArray s = ChunkedReductions.sum(np, c)) {
          long b = Double.doubleToRawLongBits(s.getDouble());
          if (bits == null) {
            bits = b;
          }
          assertEquals(bits.longValue(), b, "grid " + java.util.Arrays.deepToString(g));
        }
      }
      assertEquals(rounded, Double.longBitsToDouble(bits), Math.ulp(rounded));
      try (NDArray np1 = Reductions.sum(a, Reductions.all())) {
        double bound = (Math.log(a.size()) / Math.log(2) + 2) * 0x1p-52 * abs;
        assertEquals(np1.getDouble(), Double.longBitsToDouble(bits), bound);
      }
      for (long[][] g : GRIDS) {
        try (ChunkedArray c = ChunkedArray.fromArray(a, Chunks.of(shape, g));
             NDArray mn = ChunkedReductions.min(np, c); NDArray mx = ChunkedReductions.max(np, c);
             NDArray wmn = Reductions.min(a, Reductions.all());
             NDArray wmx = Reductions.max(a, Reductions.all());
             NDArray me = ChunkedReductions.mean(np, c)) {
          assertEquals(wmn.getDouble(), mn.getDouble(), 0.0);
          assertEquals(wmx.getDouble(), mx.getDouble(), 0.0);
          assertEquals(Double.longBitsToDouble(bits) / a.size(), me.getDouble(), 0.0);
        }
      }
    }
  }

  @Test
  void float32AndIntegerSums() {
    try (NDArray f0 = np.linspace(-1, 3, 10_001); NDArray f = f0.astype(DType.FLOAT32);
         NDArray i = np.arange(10_001)) {
      Double first = null;
      for (long[] g : new long[][] {{10_001}, {1, 5000, 5000}, {3333, 3333, 3333, 2}}) {
        try (ChunkedArray c = ChunkedArray.fromArray(f, Chunks.of(new long[] {10_001},
            new long[][] {g})); NDArray s = ChunkedReductions.sum(np, c)) {
          assertEquals(DType.FLOAT32, s.dtype());
          if (first == null) {
            first = s.getDouble();
          }
          assertEquals(first, s.getDouble(), 0.0);
        }
        try (ChunkedArray c = ChunkedArray.fromArray(i, Chunks.of(new long[] {10_001},
            new long[][] {g})); NDArray s = ChunkedReductions.sum(np, c)) {
          assertEquals(10_000L * 10_001 / 2, s.getLong());
        }
      }
      try (NDArray w = Reductions.sum(f, Reductions.all())) {
        assertEquals(w.getDouble(), first, 16 * 0x1p-23 * 10_001 * 3);
      }
    }
  }
}
