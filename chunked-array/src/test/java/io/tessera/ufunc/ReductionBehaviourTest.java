package io.tessera.ufunc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.errors.TesseraException;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.parallel.Threads;
import io.tessera.testing.ArrayTestBase;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Pairwise accuracy, thread-count independence, errors (checked before any write) and out=.
 */
class ReductionBehaviourTest extends ArrayTestBase {

  @Test
  void float32SumOfTenMillionTenthsIsPairwiseAndEqualsNumPy() {
    try (NDArray a = np.full(DType.FLOAT32, 0.1, 10_000_000); NDArray s = Reductions.sum(a)) {
      float v = Raw.getFloat(s.dataAddress());
      assertTrue(Math.abs(v - 1e6) <= 0.5, "sum " + v);
      assertEquals(1232348162, Float.floatToRawIntBits(v)); // np.sum: 1.0000001e+06
    }
  }

  @Test
  void float64SumAndVarOfArangeEqualNumPy() {
    try (NDArray r = np.arange(3_000_000); NDArray b = r.astype(DType.FLOAT64)) {
      Ufunc.MULTIPLY.apply(b, 0.37, b);
      try (NDArray s = Reductions.sum(b); NDArray v = Reductions.var(b)) {
        assertEquals(4789642641994186752L, Raw.getLong(s.dataAddress()));
        assertEquals(4771537314557984020L, Raw.getLong(v.dataAddress()));
      }
    }
  }

  private NDArray random(DType t, long n, long seed) {
    NDArray a = np.empty(t, n);
    Random rnd = new Random(seed);
    for (long i = 0; i < n; i++) {
      double x = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(5) - 2);
      if (t == DType.FLOAT32) {
        Raw.putFloat(a.dataAddress() + 4 * i, (float) x);
      } else if (t == DType.FLOAT64) {
        Raw.putDouble(a.dataAddress() + 8 * i, x);
      } else {
        Raw.putInt(a.dataAddress() + 4 * i, (int) (x * 1000));
      }
    }
    return a;
  }

  private long[] bitsOf(NDArray r) {
    try (NDArray c = r.copy(Order.C)) {
      long[] out = new long[(int) c.size()];
      int isz = c.dtype().itemsize();
      for (int i = 0; i < out.length; i++) {
        out[i] = Raw.getBits(c.dataAddress() + (long) i * isz, isz);
      }
      return out;
    }
  }

  private void sameBits(Supplier<NDArray> f) {
    long[] one;
    long[] two;
    long[] four;
    try (NDArray r = Threads.limit(1, f)) {
      one = bitsOf(r);
    }
    try (NDArray r = Threads.limit(2, f)) {
      two = bitsOf(r);
    }
    try (NDArray r = Threads.limit(4, f)) {
      four = bitsOf(r);
    }
    assertArrayEquals(one, two);
    assertArrayEquals(one, four);
  }

  @Test
  void resultsDoNotDependOnTheThreadCount() {
    for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT32}) {
      try (NDArray a = random(t, 3_000_000, 7); NDArray m = a.reshape(2000, 1500);
          NDArray mt = m.T(); NDArray step = a.get("::2")) {
        sameBits(() -> Reductions.sum(a));
        sameBits(() -> Reductions.mean(a));
        sameBits(() -> Reductions.var(a));
        sameBits(() -> Reductions.std(step));
        sameBits(() -> Reductions.sum(a, Reductions.all().dtype(DType.FLOAT64)));
        sameBits(() -> Reductions.sum(m, Reductions.axis(0)));
        sameBits(() -> Reductions.sum(m, Reductions.axis(1)));
        sameBits(() -> Reductions.sum(mt, Reductions.axis(0)));
        sameBits(() -> Reductions.var(m, Reductions.axis(1)));
        sameBits(() -> Reductions.max(m, Reductions.axis(0)));
        sameBits(() -> Reductions.cumsum(m, 0, null, null));
        sameBits(() -> Reductions.cumsum(m, 1, null, null));
      }
    }
  }

  @Test
  void errorsAreNumPysAndComeBeforeAnyWrite() {
    try (NDArray e = np.zeros(DType.FLOAT64, 0, 3); NDArray a = np.zeros(DType.FLOAT64, 2, 3);
        NDArray out = np.full(DType.FLOAT64, 7.0, 2); NDArray mask = np.zeros(DType.BOOL, 3);
        NDArray scalar = np.zeros(DType.FLOAT64)) {
      assertEquals("zero-size array to reduction operation maximum which has no identity",
          assertThrows(TesseraException.class, () -> Reductions.max(e, Reductions.axis(0)))
              .getMessage());
      assertEquals("reduction operation 'minimum' does not have an identity, so to use a where "
          + "mask one has to specify 'initial'", assertThrows(TesseraException.class,
              () -> Reductions.min(a, Reductions.all().where(mask))).getMessage());
      assertEquals("axis 2 is out of bounds for array of dimension 2",
          assertThrows(TesseraException.class, () -> Reductions.sum(a, Reductions.axis(2)))
              .getMessage());
      assertEquals("duplicate value in 'axis'", assertThrows(TesseraException.class,
          () -> Reductions.sum(a, Reductions.axis(0, -2))).getMessage());
      assertEquals("output parameter for reduction operation add has the wrong number of "
          + "dimensions: Found 1 but expected 2 (must match the operand's when keepdims=True)",
          assertThrows(TesseraException.class, () -> Reductions.sum(a, Reductions.axis(0)
              .keepdims(true).out(out))).getMessage());
      assertThrows(TesseraException.class, () -> Reductions.sum(a, Reductions.axis(0).out(out)));
      assertEquals(7.0, out.getDouble(0));
      assertEquals("cannot accumulate on a scalar", assertThrows(TesseraException.class,
          () -> Ufunc.ADD.accumulate(scalar)).getMessage());
    }
  }

  @Test
  void outReceivesTheResultCastUnsafely() {
    try (NDArray a = np.arange(6); NDArray m = a.reshape(2, 3);
        NDArray out = np.zeros(DType.INT8, 3)) {
      NDArray r = Reductions.sum(m, Reductions.axis(0).out(out));
      assertEquals(out, r);
      assertArrayEquals(new long[] {3, 5, 7}, out.toLongArray());
    }
  }

  @Test
  void reduceAndAccumulateOfAnyBinaryUfunc() {
    try (NDArray a = np.arange(1, 6, 1, DType.INT64); NDArray s = Ufunc.SUBTRACT.reduce(a);
        NDArray c = Ufunc.MAXIMUM.accumulate(a); NDArray x = Ufunc.BITWISE_XOR.reduce(a)) {
      assertEquals(1 - 2 - 3 - 4 - 5, s.getLong());
      assertArrayEquals(new long[] {1, 2, 3, 4, 5}, c.toLongArray());
      assertEquals(1 ^ 2 ^ 3 ^ 4 ^ 5, x.getLong());
    }
  }
}
