package io.tessera.ufunc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.arrow.memory.RootAllocator;

/**
 * Against a naive reference: integer sums exact (wrapping int64), float64 sums and means within
 * a bound derived from the condition (pairwise error is O(log n) ulps of the sum of |x|).
 */
class ReductionPropertyTest {

  @Property(tries = 200)
  void sumsAlongAnAxisAgreeWithANaiveLoop(@ForAll @IntRange(min = 1, max = 40) int rows,
      @ForAll @IntRange(min = 1, max = 300) int cols, @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 1) int axis) {
    try (RootAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      java.util.Random rnd = new java.util.Random(seed);
      try (NDArray d = np.empty(DType.FLOAT64, rows, cols);
          NDArray i = np.empty(DType.INT32, rows, cols)) {
        double[][] v = new double[rows][cols];
        int[][] w = new int[rows][cols];
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            v[r][c] = rnd.nextGaussian() * 100;
            w[r][c] = rnd.nextInt();
            Raw.putDouble(d.dataAddress() + 8L * (r * cols + c), v[r][c]);
            Raw.putInt(i.dataAddress() + 4L * (r * cols + c), w[r][c]);
          }
        }
        try (NDArray sd = Reductions.sum(d, Reductions.axis(axis));
            NDArray si = Reductions.sum(i, Reductions.axis(axis))) {
          int n = axis == 0 ? cols : rows;
          for (int k = 0; k < n; k++) {
            double ref = 0;
            double abs = 0;
            long iref = 0;
            for (int t = 0; t < (axis == 0 ? rows : cols); t++) {
              double x = axis == 0 ? v[t][k] : v[k][t];
              ref += x;
              abs += Math.abs(x);
              iref += axis == 0 ? w[t][k] : w[k][t];
            }
            double got = Raw.getDouble(sd.dataAddress() + 8L * k);
            assertTrue(Math.abs(got - ref) <= 1e-13 * abs, got + " vs " + ref);
            assertEquals(iref, Raw.getLong(si.dataAddress() + 8L * k));
          }
        }
      }
    }
  }
}
