package io.tessera.iter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.testing.ArrayTestBase;
import org.junit.jupiter.api.Test;

/** Tiled transposed copies give the same elements and layout as the plain walk. */
class TransposeCopyTest extends ArrayTestBase {

  @Test
  void transposedCopiesOfEveryItemSizeAndOddShapes() {
    long[][] shapes = {{129, 257}, {1000, 33}, {64, 640}, {300, 301}};
    for (DType t : new DType[] {DType.INT8, DType.INT16, DType.FLOAT32, DType.FLOAT64}) {
      for (long[] sh : shapes) {
        long n = sh[0] * sh[1];
        try (NDArray lin = np.arange(0, n, 1, DType.FLOAT64); NDArray typed = lin.astype(t);
            NDArray a = typed.reshape(sh); NDArray at = a.T(); NDArray c = at.copy(Order.C);
            NDArray f = a.copy(Order.F)) {
          assertTrue(c.isCContiguous() && f.isFContiguous());
          double[] expected = new double[(int) n];
          double[] src = a.toDoubleArray();
          for (int i = 0; i < sh[1]; i++) {
            for (int j = 0; j < sh[0]; j++) {
              expected[(int) (i * sh[0] + j)] = src[(int) (j * sh[1] + i)];
            }
          }
          assertArrayEquals(expected, c.toDoubleArray(), t + " " + java.util.Arrays.toString(sh));
          assertArrayEquals(src, f.toDoubleArray(), t + " F copy");
        }
      }
    }
  }
}
