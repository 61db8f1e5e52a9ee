package io.tessera.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.errors.ReadOnlyArrayException;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.parallel.Threads;
import io.tessera.testing.ArrayTestBase;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Behaviour beyond the goldens: random shapes and layouts against a plain triple loop (within the
 * stated bound), out= overlapping an operand, read-only out, the diagonal view's sharing and
 * read-only flag, {@link Blas#gemm} with alpha and beta, results independent of the thread count,
 * and products large enough for the Java fallback's parallel panels and for blocked staging.
 */
class LinalgTest extends ArrayTestBase {

  private final Random rnd = new Random(42);

  private NDArray rand(DType t, Order order, long... shape) {
    NDArray a = np.empty(t, order, shape);
    long[] idx = new long[shape.length];
    for (long i = 0; i < a.size(); i++) {
      long rem = i;
      for (int d = shape.length - 1; d >= 0; d--) {
        idx[d] = rem % shape[d];
        rem /= shape[d];
      }
      if (t.isFloat()) {
        a.setDouble(rnd.nextGaussian(), idx);
      } else {
        a.setLong(rnd.nextInt(9) - (t.isUnsigned() ? 0 : 4), idx);
      }
    }
    return a;
  }

  /** Naive C = A·B over 2-D arrays in double, and |A|·|B| for the bound. */
  private static double[][] naive(NDArray a, NDArray b, boolean abs) {
    int m = (int) a.shape(0);
    int k = (int) a.shape(1);
    int n = (int) b.shape(1);
    double[][] c = new double[m][n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int q = 0; q < k; q++) {
          double x = a.getDouble(i, q) * b.getDouble(q, j);
          s += abs ? Math.abs(x) : x;
        }
        c[i][j] = s;
      }
    }
    return c;
  }

  private static void assertClose(NDArray a, NDArray b, NDArray c) {
    double[][] want = naive(a, b, false);
    double[][] bound = naive(a, b, true);
    long k = a.shape(1);
    double eps = c.dtype() == DType.FLOAT64 ? 0x1p-52 : 0x1p-23;
    for (int i = 0; i < want.length; i++) {
      for (int j = 0; j < want[i].length; j++) {
        double tol = (k + 1) * eps * bound[i][j];
        double got = c.getDouble(i, j);
        assertTrue(Math.abs(got - want[i][j]) <= tol, "C[" + i + "," + j + "] = " + got
            + ", want " + want[i][j] + " within " + tol);
      }
    }
  }

  /** A layout variant of a fresh random (rows × cols) matrix; closes intermediates into owned. */
  private NDArray layout(DType t, int kind, long rows, long cols, java.util.List<NDArray> owned) {
    NDArray base;
    NDArray v;
    switch (kind) {
      case 0:
        v = rand(t, Order.C, rows, cols);
        break;
      case 1:
        v = rand(t, Order.F, rows, cols);
        break;
      case 2:
        base = rand(t, Order.C, cols, rows);
        owned.add(base);
        v = base.T();
        break;
      case 3:
        base = rand(t, Order.C, rows + 3, 2 * cols + 1);
        owned.add(base);
        v = base.get("2:" + (rows + 2) + ", 1::2");
        break;
      case 4:
        base = rand(t, Order.C, rows, cols);
        owned.add(base);
        v = base.get("::-1, ::-1");
        break;
      default:
        base = rand(t, Order.F, rows + 5, cols + 4);
        owned.add(base);
        v = base.get("5:, 4:");
    }
    owned.add(v);
    return v;
  }

  @Test
  void randomLayoutsAgainstNaive() {
    for (DType t : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
      for (int trial = 0; trial < 40; trial++) {
        long m = 1 + rnd.nextInt(40);
        long k = 1 + rnd.nextInt(40);
        long n = 1 + rnd.nextInt(40);
        java.util.List<NDArray> owned = new java.util.ArrayList<>();
        try {
          NDArray a = layout(t, rnd.nextInt(6), m, k, owned);
          NDArray b = layout(t, rnd.nextInt(6), k, n, owned);
          NDArray c = Linalg.matmul(a, b);
          owned.add(c);
          assertArrayEquals(new long[] {m, n}, c.shape());
          assertClose(a, b, c);
          NDArray d = Blas.using(Blas.javaInstance(), () -> Linalg.dot(a, b));
          owned.add(d);
          assertClose(a, b, d);
        } finally {
          owned.forEach(NDArray::close);
        }
      }
    }
  }

  @Test
  void largeJavaProductUsesPanelsAndBlocks() {
    try (NDArray a = rand(DType.FLOAT64, Order.C, 150, 130);
         NDArray b = rand(DType.FLOAT64, Order.F, 130, 300)) {
      try (NDArray c = Blas.using(Blas.javaInstance(), () -> Linalg.matmul(a, b))) {
        assertClose(a, b, c);
      }
      int old = Contraction.stageLimit;
      Contraction.stageLimit = 5000;
      try (NDArray c = Linalg.matmul(a, b)) {
        assertTrue(Contraction.lastPlan().kernelCalls() > 1, "split into blocks");
        assertClose(a, b, c);
      } finally {
        Contraction.stageLimit = old;
      }
    }
  }

  @Test
  void resultsDoNotDependOnThreadCount() {
    try (NDArray a = rand(DType.FLOAT64, Order.C, 150, 130);
         NDArray b = rand(DType.FLOAT64, Order.C, 130, 300);
         NDArray ia = rand(DType.INT32, Order.C, 100, 120);
         NDArray ib = rand(DType.INT32, Order.C, 120, 90)) {
      for (dev.ludovic.netlib.blas.BLAS impl : new dev.ludovic.netlib.blas.BLAS[] {
          Blas.instance(), Blas.javaInstance()}) {
        try (NDArray one = Blas.using(impl, () -> Threads.limit(1, () -> Linalg.matmul(a, b)));
             NDArray many = Blas.using(impl, () -> Threads.limit(4, () -> Linalg.matmul(a, b)))) {
          assertArrayEquals(one.toDoubleArray(), many.toDoubleArray());
        }
      }
      try (NDArray one = Threads.limit(1, () -> Linalg.matmul(ia, ib));
           NDArray many = Threads.limit(4, () -> Linalg.matmul(ia, ib))) {
        assertArrayEquals(one.toLongArray(), many.toLongArray());
      }
    }
  }

  @Test
  void outOverlappingAnOperand() {
    try (NDArray a = rand(DType.FLOAT64, Order.C, 6, 6);
         NDArray b = rand(DType.FLOAT64, Order.C, 6, 6);
         NDArray want = Linalg.matmul(a, b)) {
      NDArray r = Linalg.matmul(a, b, a);
      assertSame(a, r);
      assertArrayEquals(want.toDoubleArray(), a.toDoubleArray());
      try (NDArray bt = b.T(); NDArray want2 = Linalg.matmul(a, bt)) {
        Linalg.matmul(a, bt, b); // out is the memory of its own transposed operand
        assertArrayEquals(want2.toDoubleArray(), b.toDoubleArray());
      }
    }
  }

  @Test
  void readOnlyOutIsRefusedBeforeAnyWork() {
    try (NDArray a = rand(DType.FLOAT64, Order.C, 2, 3);
         NDArray b = rand(DType.FLOAT64, Order.C, 3, 2);
         NDArray o = np.zeros(DType.FLOAT64, 2, 2)) {
      o.setWriteable(false);
      ReadOnlyArrayException e = assertThrows(ReadOnlyArrayException.class,
          () -> Linalg.matmul(a, b, o));
      assertEquals("output array is read-only", e.getMessage());
    }
  }

  @Test
  void outWithWrongShapeLeavesItUntouched() {
    try (NDArray a = rand(DType.FLOAT64, Order.C, 2, 3);
         NDArray b = rand(DType.FLOAT64, Order.C, 3, 4);
         NDArray o = np.full(DType.FLOAT64, 7.0, 2, 5)) {
      assertThrows(ShapeException.class, () -> Linalg.matmul(a, b, o));
      for (double v : o.toDoubleArray()) {
        assertEquals(7.0, v);
      }
    }
  }

  @Test
  void diagonalIsAReadOnlyViewSharingMemory() {
    try (NDArray a = np.arange(0, 24, 1, DType.FLOAT64);
         NDArray m = a.reshape(4, 6);
         NDArray d = Linalg.diagonal(m, 1, 0, 1)) {
      assertArrayEquals(new long[] {4}, d.shape());
      assertArrayEquals(new long[] {56}, d.strides());
      assertArrayEquals(new double[] {1, 8, 15, 22}, d.toDoubleArray());
      assertTrue(d.sharesMemory(m));
      assertFalse(d.isWriteable());
      assertFalse(d.flags().ownData());
      assertThrows(ReadOnlyArrayException.class, () -> d.setWriteable(true));
      assertThrows(ReadOnlyArrayException.class, () -> d.setDouble(0, 0));
      m.setDouble(-1, 2, 3);
      assertEquals(-1, d.getDouble(2), "writes to the array show through the diagonal");
      try (NDArray t = Linalg.trace(m, 1, 0, 1)) {
        assertEquals(1 + 8 - 1 + 22, t.getDouble(), 0);
      }
    }
  }

  @Test
  void diagonalOutlivesItsArray() {
    NDArray d;
    try (NDArray r = np.arange(0, 9, 1, DType.INT32); NDArray m = r.reshape(3, 3)) {
      d = Linalg.diagonal(m);
    }
    try (NDArray dd = d) {
      assertArrayEquals(new long[] {0, 4, 8}, dd.toLongArray());
    }
  }

  @Test
  void gemmWithAlphaBeta() {
    for (DType t : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
      try (NDArray a = rand(t, Order.F, 5, 7);
           NDArray b = rand(t, Order.C, 7, 3);
           NDArray c0 = rand(t, Order.C, 5, 3);
           NDArray c = c0.copy(Order.F);
           NDArray ab = Linalg.matmul(a, b)) {
        Blas.gemm(2.0, a, b, -0.5, c);
        double tol = t == DType.FLOAT64 ? 1e-12 : 1e-4;
        for (int i = 0; i < 5; i++) {
          for (int j = 0; j < 3; j++) {
            double want = 2 * ab.getDouble(i, j) - 0.5 * c0.getDouble(i, j);
            assertEquals(want, c.getDouble(i, j), tol * (1 + Math.abs(want)));
          }
        }
      }
    }
  }

  @Test
  void gemmWithZeroKScalesC() {
    try (NDArray a = np.empty(DType.FLOAT64, 3, 0);
         NDArray b = np.empty(DType.FLOAT64, 0, 2);
         NDArray c = np.full(DType.FLOAT64, 4.0, 3, 2)) {
      Blas.gemm(1.0, a, b, 0.5, c);
      assertArrayEquals(new double[] {2, 2, 2, 2, 2, 2}, c.toDoubleArray());
      Blas.gemm(1.0, a, b, 0.0, c);
      assertArrayEquals(new double[6], c.toDoubleArray());
    }
  }

  @Test
  void gemmRejectsMismatches() {
    try (NDArray a = np.zeros(DType.FLOAT64, 2, 3);
         NDArray b = np.zeros(DType.FLOAT32, 3, 2);
         NDArray b64 = np.zeros(DType.FLOAT64, 4, 2);
         NDArray c = np.zeros(DType.FLOAT64, 2, 2)) {
      assertThrows(TesseraException.class, () -> Blas.gemm(1, a, b, 0, c));
      assertThrows(ShapeException.class, () -> Blas.gemm(1, a, b64, 0, c));
    }
  }

  @Test
  void integerWrapAroundAndBoolOrAnd() {
    try (NDArray a = np.full(DType.INT8, Order.C, 100L, 2, 3);
         NDArray at = a.T();
         NDArray r = Linalg.matmul(a, at)) {
      assertEquals(DType.INT8, r.dtype());
      assertArrayEquals(new long[] {48, 48, 48, 48}, r.toLongArray()); // 30000 mod 256
    }
    try (NDArray a = np.full(DType.UINT64, Order.C, 1L << 62, 2, 3);
         NDArray at = a.T();
         NDArray r = Linalg.matmul(a, at)) {
      assertArrayEquals(new long[4], r.toLongArray());
    }
    try (NDArray b = np.array(new boolean[][] {{true, false}, {false, false}});
         NDArray r = Linalg.matmul(b, b);
         NDArray v = Linalg.vdot(b, b)) {
      assertEquals(DType.BOOL, r.dtype());
      assertArrayEquals(new long[] {1, 0, 0, 0}, r.toLongArray());
      assertTrue(v.getBoolean());
    }
  }

  @Test
  void describeNamesTheImplementation() {
    String d = Blas.describe();
    System.out.println("BLAS: " + d);
    assertTrue(d.contains("GFLOP/s"), d);
    assertEquals(Blas.kindOf(Blas.instance()), Blas.kind());
    assertEquals(Blas.Kind.NATIVE == Blas.kind(), Blas.isNative());
    assertTrue(Blas.kindOf(Blas.javaInstance()) != Blas.Kind.NATIVE);
    assertTrue(d.startsWith(Blas.isNative() ? "native" : "Java"), d);
  }
}
