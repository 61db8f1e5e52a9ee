package io.tessera.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.dtype.DType;
import io.tessera.testing.ArrayTestBase;
import org.junit.jupiter.api.Test;

/** The NDArray shortcuts delegate to Reductions; values are NumPy 2.4.6's for arange(12).reshape(3, 4). */
class NDArrayReductionMethodsTest extends ArrayTestBase {

  @Test
  void shortcutsGiveNumPysValues() {
    try (NDArray r = np.arange(12); NDArray a = r.reshape(3, 4);
        NDArray sum = a.sum(); NDArray sum0 = a.sum(0); NDArray mean1 = a.mean(1);
        NDArray var = a.var(1.0); NDArray std0 = a.std(0.0, 0); NDArray am = a.argmax(1);
        NDArray cs = a.cumsum(1); NDArray pr = a.prod(0); NDArray mx = a.max(1);
        NDArray anyv = a.any(); NDArray allv = a.all()) {
      assertEquals(DType.INT64, sum.dtype());
      assertEquals(66, sum.getLong());
      assertArrayEquals(new long[] {12, 15, 18, 21}, sum0.toLongArray());
      assertArrayEquals(new double[] {1.5, 5.5, 9.5}, mean1.toDoubleArray());
      assertEquals(13.0, var.getDouble()); // np.arange(12).var(ddof=1)
      assertArrayEquals(new double[] {3.265986323710904, 3.265986323710904, 3.265986323710904,
          3.265986323710904}, std0.toDoubleArray());
      assertArrayEquals(new long[] {3, 3, 3}, am.toLongArray());
      assertArrayEquals(new long[] {0, 1, 3, 6, 4, 9, 15, 22, 8, 17, 27, 38}, cs.toLongArray());
      assertArrayEquals(new long[] {0, 45, 120, 231}, pr.toLongArray());
      assertArrayEquals(new long[] {3, 7, 11}, mx.toLongArray());
      assertEquals(true, anyv.getBoolean());
      assertEquals(false, allv.getBoolean());
    }
  }
}
