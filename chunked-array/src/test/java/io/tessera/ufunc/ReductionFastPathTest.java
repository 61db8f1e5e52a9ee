package io.tessera.ufunc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.dtype.DType;
import io.tessera.kernels.gen.PairwiseLoops;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.parallel.Threads;
import io.tessera.testing.ArrayTestBase;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The unit-stride fast paths of the pairwise sums (and np.var's squared deviations) against the
 * strided recursion and against a plain transcription of NumPy's pairwise_sum: same bits on
 * random lengths around every block boundary and random magnitudes (where order matters); and
 * the parallel 10M sum and var independent of the thread count.
 */
class ReductionFastPathTest extends ArrayTestBase {

  private static final int[] EDGES = {0, 1, 7, 8, 9, 15, 16, 17, 127, 128, 129, 135, 136, 137,
      255, 256, 257, 263, 264, 1000, 1023, 1024, 1025, 8191, 8192, 8193, 65537, 100_003};

  private static double value(Random r) {
    double m = r.nextDouble() * 2 - 1;
    return m * Math.pow(2, r.nextInt(60) - 30);
  }

  private static int[] lengths(Random r) {
    int[] n = new int[EDGES.length + 300];
    System.arraycopy(EDGES, 0, n, 0, EDGES.length);
    for (int k = EDGES.length; k < n.length; k++) {
      n[k] = r.nextInt(k % 3 == 0 ? 20_000 : 600);
    }
    return n;
  }

  /** NumPy's pairwise_sum (loops_utils.h.src), double accumulators. */
  static double refDouble(double[] a, int off, int n) {
    if (n < 8) {
      double res = -0.0;
      for (int i = 0; i < n; i++) {
        res += a[off + i];
      }
      return res;
    } else if (n <= 128) {
      double[] r = new double[8];
      for (int k = 0; k < 8; k++) {
        r[k] = a[off + k];
      }
      int i;
      for (i = 8; i < n - (n % 8); i += 8) {
        for (int k = 0; k < 8; k++) {
          r[k] += a[off + i + k];
        }
      }
      double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) {
        res += a[off + i];
      }
      return res;
    }
    int n2 = n / 2;
    n2 -= n2 % 8;
    return refDouble(a, off, n2) + refDouble(a, off + n2, n - n2);
  }

  /** The same in float. */
  static float refFloat(float[] a, int off, int n) {
    if (n < 8) {
      float res = -0.0f;
      for (int i = 0; i < n; i++) {
        res += a[off + i];
      }
      return res;
    } else if (n <= 128) {
      float[] r = new float[8];
      for (int k = 0; k < 8; k++) {
        r[k] = a[off + k];
      }
      int i;
      for (i = 8; i < n - (n % 8); i += 8) {
        for (int k = 0; k < 8; k++) {
          r[k] += a[off + i + k];
        }
      }
      float res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) {
        res += a[off + i];
      }
      return res;
    }
    int n2 = n / 2;
    n2 -= n2 % 8;
    return refFloat(a, off, n2) + refFloat(a, off + n2, n - n2);
  }

  @Test
  void float64FastPathEqualsStridedAndNumPysOrder() {
    Random r = new Random(20240611);
    int max = 100_003;
    try (NDArray c = np.empty(DType.FLOAT64, max); NDArray s = np.empty(DType.FLOAT64, 2L * max)) {
      long cp = c.dataAddress();
      long sp = s.dataAddress();
      for (int n : lengths(r)) {
        double[] v = new double[n];
        double[] sq = new double[n];
        double mean = value(r);
        for (int i = 0; i < n; i++) {
          v[i] = value(r);
          Raw.putDouble(cp + 8L * i, v[i]);
          Raw.putDouble(sp + 16L * i, v[i]);
          Raw.putDouble(sp + 16L * i + 8, Double.NaN);
          double d = v[i] - mean;
          sq[i] = d * d;
        }
        long want = Double.doubleToRawLongBits(refDouble(v, 0, n));
        assertEquals(want, Double.doubleToRawLongBits(
            PairwiseLoops.pairwise_Float64_Float64(cp, 8, n)), "n=" + n);
        assertEquals(want, Double.doubleToRawLongBits(
            PairwiseLoops.pairwise_Float64_Float64(sp, 16, n)), "strided n=" + n);
        long wantSq = Double.doubleToRawLongBits(refDouble(sq, 0, n));
        assertEquals(wantSq, Double.doubleToRawLongBits(
            PairwiseLoops.sqdev_Float64(cp, 8, n, mean)), "sqdev n=" + n);
        assertEquals(wantSq, Double.doubleToRawLongBits(
            PairwiseLoops.sqdev_Float64(sp, 16, n, mean)), "strided sqdev n=" + n);
      }
    }
  }

  @Test
  void float32FastPathAccumulatesInFloatLikeNumPy() {
    Random r = new Random(77);
    int max = 100_003;
    try (NDArray c = np.empty(DType.FLOAT32, max); NDArray s = np.empty(DType.FLOAT32, 2L * max)) {
      long cp = c.dataAddress();
      long sp = s.dataAddress();
      for (int n : lengths(r)) {
        float[] v = new float[n];
        float[] sq = new float[n];
        float mean = (float) value(r);
        for (int i = 0; i < n; i++) {
          v[i] = (float) value(r);
          Raw.putFloat(cp + 4L * i, v[i]);
          Raw.putFloat(sp + 8L * i, v[i]);
          Raw.putFloat(sp + 8L * i + 4, Float.NaN);
          float d = v[i] - mean;
          sq[i] = d * d;
        }
        double want = refFloat(v, 0, n);
        assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(
            PairwiseLoops.pairwise_Float32_Float32(cp, 4, n)), "n=" + n);
        assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(
            PairwiseLoops.pairwise_Float32_Float32(sp, 8, n)), "strided n=" + n);
        double wantSq = refFloat(sq, 0, n);
        assertEquals(Double.doubleToRawLongBits(wantSq), Double.doubleToRawLongBits(
            PairwiseLoops.sqdev_Float32(cp, 4, n, mean)), "sqdev n=" + n);
        assertEquals(Double.doubleToRawLongBits(wantSq), Double.doubleToRawLongBits(
            PairwiseLoops.sqdev_Float32(sp, 8, n, mean)), "strided sqdev n=" + n);
      }
    }
  }

  @Test
  void tenMillionSumAndVarAreThreadCountIndependent() {
    Random r = new Random(5);
    int n = 10_000_000;
    try (NDArray a = np.empty(DType.FLOAT64, n); NDArray f = np.empty(DType.FLOAT32, n)) {
      for (int i = 0; i < n; i++) {
        double v = value(r);
        Raw.putDouble(a.dataAddress() + 8L * i, v);
        Raw.putFloat(f.dataAddress() + 4L * i, (float) v);
      }
      long[] want = null;
      for (int t : new int[] {1, 2, 3, 8}) {
        long[] got = Threads.limit(t, () -> {
          try (NDArray s = Reductions.sum(a); NDArray v = Reductions.var(a);
              NDArray sf = Reductions.sum(f); NDArray vf = Reductions.var(f)) {
            return new long[] {Raw.getLong(s.dataAddress()), Raw.getLong(v.dataAddress()),
                Raw.getInt(sf.dataAddress()), Raw.getInt(vf.dataAddress())};
          }
        });
        if (want == null) {
          want = got;
          // the serial sum is NumPy's pairwise sum of the whole run (added to the 0.0 start)
          double[] all = new double[n];
          for (int i = 0; i < n; i++) {
            all[i] = Raw.getDouble(a.dataAddress() + 8L * i);
          }
          assertEquals(Double.doubleToRawLongBits(0.0 + refDouble(all, 0, n)), got[0]);
        } else {
          for (int k = 0; k < 4; k++) {
            assertEquals(want[k], got[k], "threads=" + t + " result " + k);
          }
        }
      }
    }
  }

  @Test
  void columnSumFastPathEqualsTheMaskedRowByRowPath() {
    Random r = new Random(11);
    for (DType t : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
      for (long[] shape : new long[][] {{37, 4001}, {3, 5000}, {2, 3, 2500}, {1, 9}, {130, 7}}) {
        try (NDArray a = np.empty(t, shape); NDArray m = np.ones(DType.BOOL, shape)) {
          for (long i = 0; i < a.size(); i++) {
            if (t == DType.FLOAT64) {
              Raw.putDouble(a.dataAddress() + 8 * i, value(r));
            } else {
              Raw.putFloat(a.dataAddress() + 4 * i, (float) value(r));
            }
          }
          int[][] axesList = shape.length == 3 ? new int[][] {{0}, {1}, {0, 1}} : new int[][] {{0}};
          for (int[] axes : axesList) {
            try (NDArray fast = Reductions.sum(a, Reductions.axis(axes));
                NDArray slow = Reductions.sum(a, Reductions.axis(axes).where(m))) {
              int isz = t.itemsize();
              for (long i = 0; i < fast.size(); i++) {
                long f = isz == 8 ? Raw.getLong(fast.dataAddress() + 8 * i)
                    : Raw.getInt(fast.dataAddress() + 4 * i);
                long w = isz == 8 ? Raw.getLong(slow.dataAddress() + 8 * i)
                    : Raw.getInt(slow.dataAddress() + 4 * i);
                assertEquals(w, f, t + " " + java.util.Arrays.toString(shape) + " element " + i);
              }
            }
          }
        }
      }
    }
  }
}
