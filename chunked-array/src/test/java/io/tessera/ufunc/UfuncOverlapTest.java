package io.tessera.ufunc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.errors.CastingException;
import io.tessera.errors.ClosedArrayException;
import io.tessera.errors.ReadOnlyArrayException;
import io.tessera.errors.ShapeException;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.testing.ArrayTestBase;
import org.junit.jupiter.api.Test;

/** Out=, in place, overlap and bad-input behaviour; expected values are NumPy 2.4.6's. */
class UfuncOverlapTest extends ArrayTestBase {

  private NDArray f64(int n) {
    return np.arange(0, n, 1, DType.FLOAT64);
  }

  @Test
  void shiftedOutputOverlapsItsInputLikeNumPy() {
    // a = arange(10.); np.add(a[1:], a[:-1], out=a[1:])
    try (NDArray a = f64(10); NDArray hi = a.get("1:"); NDArray lo = a.get(":-1")) {
      Ufunc.ADD.apply(hi, lo, hi);
      assertArrayEquals(new double[] {0, 1, 3, 5, 7, 9, 11, 13, 15, 17}, a.toDoubleArray());
    }
    // np.add(a[:-1], a[1:], out=a[:-1])
    try (NDArray a = f64(10); NDArray hi = a.get("1:"); NDArray lo = a.get(":-1")) {
      Ufunc.ADD.apply(lo, hi, lo);
      assertArrayEquals(new double[] {1, 3, 5, 7, 9, 11, 13, 15, 17, 9}, a.toDoubleArray());
    }
  }

  @Test
  void reversedViewIntoItsOwnBase() {
    // np.multiply(a[::-1], 2, out=a)
    try (NDArray a = f64(10); NDArray r = a.get("::-1")) {
      Ufunc.MULTIPLY.apply(r, 2.0, a);
      assertArrayEquals(new double[] {18, 16, 14, 12, 10, 8, 6, 4, 2, 0}, a.toDoubleArray());
    }
  }

  @Test
  void broadcastRowOfTheOutputIsReadBeforeItIsWritten() {
    // a = arange(12.).reshape(3,4); np.add(a, a[0], out=a)
    try (NDArray base = f64(12); NDArray a = base.reshape(3, 4); NDArray row = a.get("0")) {
      Ufunc.ADD.apply(a, row, a);
      assertArrayEquals(new double[] {0, 2, 4, 6, 4, 6, 8, 10, 8, 10, 12, 14}, a.toDoubleArray());
    }
  }

  @Test
  void transposeIntoItself() {
    // a = arange(16).reshape(4,4); np.add(a, a.T, out=a)
    try (NDArray base = np.arange(16); NDArray a = base.reshape(4, 4); NDArray t = a.T()) {
      Ufunc.ADD.apply(a, t, a);
      assertArrayEquals(new long[] {0, 5, 10, 15, 5, 10, 15, 20, 10, 15, 20, 25, 15, 20, 25, 30},
          a.toLongArray());
    }
    // np.subtract(a, a[::-1], out=a) on arange(12.).reshape(3,4)
    try (NDArray base = f64(12); NDArray a = base.reshape(3, 4); NDArray r = a.get("::-1")) {
      Ufunc.SUBTRACT.apply(a, r, a);
      assertArrayEquals(new double[] {-8, -8, -8, -8, 0, 0, 0, 0, 8, 8, 8, 8}, a.toDoubleArray());
    }
  }

  @Test
  void interleavedHalvesIntoTheFront() {
    // a = arange(10); np.add(a[::2], a[1::2], out=a[:5])
    try (NDArray a = np.arange(10); NDArray ev = a.get("::2"); NDArray od = a.get("1::2");
        NDArray front = a.get(":5")) {
      Ufunc.ADD.apply(ev, od, front);
      assertArrayEquals(new long[] {1, 5, 9, 13, 17, 5, 6, 7, 8, 9}, a.toLongArray());
    }
  }

  @Test
  void trueInPlaceUsesNoTemporary() {
    try (NDArray a = f64(1 << 16); NDArray b = f64(1 << 16)) {
      long before = allocator.getAllocatedMemory();
      long peakBase = allocator.getPeakMemoryAllocation();
      Ufunc.ADD.apply(a, b, a);
      assertEquals(before, allocator.getAllocatedMemory());
      assertEquals(peakBase, allocator.getPeakMemoryAllocation(), "a += b allocated a temporary");
      assertEquals(2.0 * 65535, a.getDouble(65535));
    }
  }

  @Test
  void failedChecksLeaveTheOutputUntouched() {
    try (NDArray a = f64(4); NDArray b = f64(5); NDArray out = np.full(DType.FLOAT64, 7.0, 4);
        NDArray outInt = np.full(DType.INT32, Order.C, 7L, 4)) {
      ShapeException e = assertThrows(ShapeException.class, () -> Ufunc.ADD.apply(a, b, out));
      assertTrue(e.getMessage().contains("operands could not be broadcast together with shapes (4,) (5,)"),
          e.getMessage());
      CastingException c = assertThrows(CastingException.class, () -> Ufunc.ADD.apply(a, a, outInt));
      assertTrue(c.getMessage().contains("Cannot cast ufunc 'add' output from dtype('float64') to "
          + "dtype('int32') with casting rule 'same_kind'"), c.getMessage());
      assertArrayEquals(new double[] {7, 7, 7, 7}, out.toDoubleArray());
      assertArrayEquals(new long[] {7, 7, 7, 7}, outInt.toLongArray());
      try (NDArray wide = np.zeros(DType.FLOAT64, 3, 1)) {
        ShapeException w = assertThrows(ShapeException.class,
            () -> Ufunc.ADD.apply(a, a, wide));
        assertTrue(w.getMessage().contains("non-broadcastable output operand with shape (3,1) "
            + "doesn't match the broadcast shape (3,4)"), w.getMessage());
      }
      try (NDArray ro = a.broadcastTo(4)) {
        assertThrows(ReadOnlyArrayException.class, () -> Ufunc.ADD.apply(a, a, ro));
      }
    }
  }

  @Test
  void aBroadcastBlowUpIsRefusedByTheBudgetBeforeAllocating() {
    try (NDArray x = f64(100_000); NDArray y = f64(100_000);
        NDArray xc = x.get(":, None"); NDArray yr = y.get("None, :")) {
      long before = allocator.getAllocatedMemory();
      io.tessera.errors.BudgetExceededException e = assertThrows(
          io.tessera.errors.BudgetExceededException.class,
          () -> io.tessera.memory.MemoryBudget.with(8L << 30, () -> Ufunc.ADD.apply(xc, yr)));
      assertEquals("add(x1, x2) with x1 (100000, 1) x2 (1, 100000) would allocate 74.5 GiB "
          + "float64 > budget 8 GiB; use outerReduce, a fused Expr, or a chunked result",
          e.getMessage());
      assertEquals(before, allocator.getAllocatedMemory());
    }
  }

  @Test
  void closedArraysAreRefused() {
    NDArray a = f64(3);
    a.close();
    try (NDArray b = f64(3)) {
      assertThrows(ClosedArrayException.class, () -> Ufunc.ADD.apply(a, b));
    }
  }

  @Test
  void whereLeavesMaskedElementsAlone() {
    try (NDArray a = f64(6); NDArray out = np.full(DType.FLOAT64, -1.0, 6);
        NDArray mask = np.array(new boolean[] {true, false, true, false, false, true})) {
      Ufunc.ADD.with().out(out).where(mask).apply(a, 10.0);
      assertArrayEquals(new double[] {10, -1, 12, -1, -1, 15}, out.toDoubleArray());
    }
  }

  @Test
  void weakScalarsFollowNep50() {
    try (NDArray a = np.array(new byte[] {1, 2, 127}); NDArray r = Ufunc.ADD.apply(a, 1L)) {
      assertEquals(DType.INT8, r.dtype());
      assertArrayEquals(new long[] {2, 3, -128}, r.toLongArray());
    }
    try (NDArray u = np.array(new long[] {1, 2}, DType.UINT8)) {
      RuntimeException e = assertThrows(RuntimeException.class, () -> Ufunc.ADD.apply(u, 300L));
      assertTrue(e.getMessage().contains("Python integer 300 out of bounds for uint8"), e.getMessage());
    }
    try (NDArray f = np.array(new float[] {1.5f}); NDArray r = Ufunc.MULTIPLY.apply(f, 2.0)) {
      assertEquals(DType.FLOAT32, r.dtype());
    }
  }
}
