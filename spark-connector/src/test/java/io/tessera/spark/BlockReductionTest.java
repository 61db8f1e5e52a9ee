package io.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.internal.BlockReduction;
import io.tessera.testing.ArrayTestBase;
import org.junit.jupiter.api.Test;

/**
 * A block's sum and mean are NumPy's bit for bit (for a contiguous array, one block): goldens from
 * NumPy 2.4.6 for x[i] = ((i * 7919) % 1000) / 7.0 - 60.0 as float64, cast to float32/float16
 * ({@code astype}), and {@code (x * 1000).astype(int32)}; generated with
 * {@code np.sum(a).view(uint)} and {@code np.mean(a).view(uint)}. They pin NumPy's order of
 * summation: identity first, then the pairwise sum (8 accumulators, blocks of 128).
 */
class BlockReductionTest extends ArrayTestBase {
  private static final Object[][] GOLDEN = {
      {DType.FLOAT64, 1, "sum", 0xc04e000000000000L},
      {DType.FLOAT32, 1, "sum", 0xc2700000L},
      {DType.FLOAT64, 1, "mean", 0xc04e000000000000L},
      {DType.FLOAT32, 1, "mean", 0xc2700000L},
      {DType.FLOAT64, 7, "sum", 0x4068449249249248L},
      {DType.FLOAT32, 7, "sum", 0x43422492L},
      {DType.FLOAT64, 7, "mean", 0x403bbc14e5e0a72eL},
      {DType.FLOAT32, 7, "mean", 0x41dde0a7L},
      {DType.FLOAT64, 8, "sum", 0x4068800000000000L},
      {DType.FLOAT32, 8, "sum", 0x43440000L},
      {DType.FLOAT64, 8, "mean", 0x4038800000000000L},
      {DType.FLOAT32, 8, "mean", 0x41c40000L},
      {DType.FLOAT64, 9, "sum", 0x4067492492492492L},
      {DType.FLOAT32, 9, "sum", 0x433a4925L},
      {DType.FLOAT64, 9, "mean", 0x4034b2cb2cb2cb2cL},
      {DType.FLOAT32, 9, "mean", 0x41a5965aL},
      {DType.FLOAT64, 127, "sum", 0x409561b6db6db6daL},
      {DType.FLOAT32, 127, "sum", 0x44ab0db8L},
      {DType.FLOAT64, 127, "mean", 0x40258cd07c6683e2L},
      {DType.FLOAT32, 127, "mean", 0x412c6685L},
      {DType.FLOAT64, 128, "sum", 0x4096092492492492L},
      {DType.FLOAT32, 128, "sum", 0x44b04925L},
      {DType.FLOAT64, 128, "mean", 0x4026092492492492L},
      {DType.FLOAT32, 128, "mean", 0x41304925L},
      {DType.FLOAT64, 129, "sum", 0x4096824924924925L},
      {DType.FLOAT32, 129, "sum", 0x44b41248L},
      {DType.FLOAT64, 129, "mean", 0x4026559de8c0c796L},
      {DType.FLOAT32, 129, "mean", 0x4132aceeL},
      {DType.FLOAT64, 1000, "sum", 0x40c62e9249249248L},
      {DType.FLOAT32, 1000, "sum", 0x46317492L},
      {DType.FLOAT64, 1000, "mean", 0x4026b6db6db6db6dL},
      {DType.FLOAT32, 1000, "mean", 0x4135b6dbL},
      {DType.FLOAT64, 100003, "sum", 0x413154a949249249L},
      {DType.FLOAT32, 100003, "sum", 0x498aa54aL},
      {DType.FLOAT64, 100003, "mean", 0x4026b70bd483d3c8L},
      {DType.FLOAT32, 100003, "mean", 0x4135b85eL},
      {DType.FLOAT16, 9, "sum", 0x59d3L},
      {DType.FLOAT16, 9, "mean", 0x4d2dL},
      {DType.INT32, 9, "mean", 0x40d436871c71c71cL},
      {DType.INT32, 9, "sum", 0x2d7abL},
      {DType.FLOAT16, 1000, "sum", 0x718cL},
      {DType.FLOAT16, 1000, "mean", 0x49aeL},
      {DType.INT32, 1000, "mean", 0x40c62e8978d4fdf4L},
      {DType.INT32, 1000, "sum", 0xad4b92L},
      {DType.FLOAT16, 5000, "sum", 0x7aefL},
      {DType.FLOAT16, 5000, "mean", 0x49aeL},
      {DType.INT32, 5000, "mean", 0x40c62e8978d4fdf4L},
      {DType.INT32, 5000, "sum", 0x36279daL},
  };

  private NDArray data(DType dt, int n) {
    NDArray a = np.empty(dt, n);
    long p = a.dataAddress();
    for (int i = 0; i < n; i++, p += dt.itemsize()) {
      double x = ((i * 7919L) % 1000) / 7.0 - 60.0;
      switch (dt) {
        case FLOAT64 -> Raw.putDouble(p, x);
        case FLOAT32 -> Raw.putFloat(p, (float) x);
        case FLOAT16 -> Raw.putShort(p, Float16.fromDouble(x));
        case INT32 -> Raw.putInt(p, (int) (x * 1000));
        default -> throw new AssertionError(dt);
      }
    }
    return a;
  }

  @Test
  void sumAndMeanOfOneBlockAreNumPys() {
    for (Object[] g : GOLDEN) {
      DType dt = (DType) g[0];
      int n = (int) g[1];
      BlockReduction r = new BlockReduction("sum".equals(g[2]) ? BlockReduction.Op.SUM
          : BlockReduction.Op.MEAN, dt);
      try (NDArray a = data(dt, n)) {
        Scalar s = r.finish(r.block(a), n);
        assertEquals((long) g[3], s.bits(), g[2] + " of " + n + " " + dt + " = " + s);
      }
    }
  }
}
