package io.tessera.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.linalg.Contraction.Plan;
import io.tessera.linalg.Contraction.Staging;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.testing.ArrayTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Copy avoidance, observed through {@link Contraction#lastPlan()} and the {@link
 * Contraction#GATHERED} counter: C-order, F-order and transposed 2-D operands (and row/column
 * slices with a unit inner stride) reach GEMM as views — staged by rows or columns with the
 * matching transpose flag, no element-wise copy — in one GEMM call; a strided operand, or an N-D
 * one whose reshape to 2-D needs a copy, is gathered (counted).
 */
class LinalgCopyTest extends ArrayTestBase {
  private long oldSmall;

  /** Small products are computed in place (never staged): stage every product here. */
  @BeforeEach
  void stageEverything() {
    oldSmall = Contraction.smallLimit;
    Contraction.smallLimit = 0;
  }

  @AfterEach
  void restore() {
    Contraction.smallLimit = oldSmall;
  }

  @Test
  void smallProductsAreReadInPlace() {
    Contraction.smallLimit = 4096;
    try (NDArray a = rand(DType.FLOAT64, Order.C, 4, 5, 6);
         NDArray b = rand(DType.FLOAT64, Order.F, 6, 7)) {
      Plan p = plan(() -> Linalg.matmul(a, b), 0);
      assertEquals(Staging.DIRECT, p.a());
      assertEquals(0, p.kernelCalls());
    }
  }

  private NDArray rand(DType t, Order order, long... shape) {
    NDArray a = np.empty(t, order, shape);
    java.util.Random r = new java.util.Random(shape.length * 31L + a.size());
    try (NDArray flat = a.reshape(new long[] {a.size()}, order, io.tessera.ndarray.CopyMode.NEVER)) {
      for (long i = 0; i < a.size(); i++) {
        flat.setDouble(r.nextInt(7) - 3, i);
      }
    }
    return a;
  }

  /** Runs a product and returns its plan, checking the GATHERED counter moved by {@code gathers}. */
  private Plan plan(java.util.function.Supplier<NDArray> call, int gathers) {
    long before = Contraction.GATHERED.get();
    try (NDArray r = call.get()) {
      assertTrue(r.size() > 0);
    }
    assertEquals(gathers, Contraction.GATHERED.get() - before, "operands gathered (copied)");
    return Contraction.lastPlan();
  }

  @Test
  void cOrderOperandsAreViewsInOneGemm() {
    for (DType t : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
      try (NDArray a = rand(t, Order.C, 30, 40); NDArray b = rand(t, Order.C, 40, 20)) {
        Plan p = plan(() -> Linalg.matmul(a, b), 0);
        assertEquals(t == DType.FLOAT64 ? "dgemm" : "sgemm", p.kernel());
        assertEquals(Staging.ROWS, p.a());
        assertEquals(Staging.ROWS, p.b());
        assertEquals('N', p.opA());
        assertEquals('N', p.opB());
        assertEquals(1, p.kernelCalls());
        assertTrue(p.noCopy());
      }
    }
  }

  @Test
  void fOrderOperandsPassTranspose() {
    try (NDArray a = rand(DType.FLOAT64, Order.F, 30, 40);
         NDArray b = rand(DType.FLOAT64, Order.F, 40, 20)) {
      Plan p = plan(() -> Linalg.matmul(a, b), 0);
      assertEquals(Staging.COLUMNS, p.a());
      assertEquals(Staging.COLUMNS, p.b());
      assertEquals('T', p.opA());
      assertEquals('T', p.opB());
      assertEquals(1, p.kernelCalls());
    }
  }

  @Test
  void transposedCArrayIsAnFArrayPassedWithT() {
    try (NDArray base = rand(DType.FLOAT32, Order.C, 40, 30);
         NDArray a = base.T();
         NDArray b = rand(DType.FLOAT32, Order.C, 40, 20)) {
      assertTrue(a.isFContiguous());
      Plan p = plan(() -> Linalg.matmul(a, b), 0);
      assertEquals(Staging.COLUMNS, p.a());
      assertEquals('T', p.opA());
      assertEquals(Staging.ROWS, p.b());
      assertEquals('N', p.opB());
      // a.T @ a.T.T, the classic Gram matrix: no copy either
      Plan g = plan(() -> Linalg.dot(a, base), 0);
      assertTrue(g.noCopy());
      assertEquals(1, g.kernelCalls());
    }
  }

  @Test
  void slicesWithUnitInnerStrideAreViews() {
    try (NDArray big = rand(DType.FLOAT64, Order.C, 50, 60);
         NDArray a = big.get("5:35, 10:50");
         NDArray bigF = rand(DType.FLOAT64, Order.F, 60, 50);
         NDArray b = bigF.get("3:43, 7:27")) {
      Plan p = plan(() -> Linalg.matmul(a, b), 0);
      assertEquals(Staging.ROWS, p.a());
      assertEquals(Staging.COLUMNS, p.b());
    }
  }

  @Test
  void stridedOperandIsCopied() {
    try (NDArray big = rand(DType.FLOAT64, Order.C, 30, 80);
         NDArray a = big.get(":, ::2");
         NDArray b = rand(DType.FLOAT64, Order.C, 40, 20)) {
      Plan p = plan(() -> Linalg.matmul(a, b), 1);
      assertEquals(Staging.GATHER, p.a());
      assertEquals(Staging.ROWS, p.b());
      assertEquals(1, p.kernelCalls());
    }
  }

  @Test
  void dotOfStackedCArrayReshapesToAView() {
    try (NDArray a = rand(DType.FLOAT64, Order.C, 4, 5, 6);
         NDArray b = rand(DType.FLOAT64, Order.C, 6, 7)) {
      Plan p = plan(() -> Linalg.dot(a, b), 0);
      assertEquals(20, p.m());
      assertEquals(7, p.n());
      assertEquals(6, p.k());
      assertEquals(1, p.kernelCalls());
    }
  }

  @Test
  void tensordotCopiesOnlyWhenReshapeNeedsIt() {
    try (NDArray a = rand(DType.FLOAT64, Order.C, 3, 4, 5);
         NDArray b = rand(DType.FLOAT64, Order.C, 4, 5, 2);
         NDArray af = rand(DType.FLOAT64, Order.F, 3, 4, 5)) {
      Plan p = plan(() -> Linalg.tensordot(a, b, 2), 0);
      assertEquals(1, p.kernelCalls());
      assertEquals(Staging.ROWS, p.a());
      assertEquals(Staging.ROWS, p.b());
      // an F-order 3-D array does not reshape to (3, 20) in C order without a copy
      Plan q = plan(() -> Linalg.tensordot(af, b, 2), 1);
      assertEquals(Staging.GATHER, q.a());
      // flattening an F array in C order needs a copy too (as in NumPy); the C one is a view
      Plan r = plan(() -> Linalg.tensordot(af, a, new int[] {0, 1, 2}, new int[] {0, 1, 2}), 1);
      assertEquals(Staging.GATHER, r.a());
      assertEquals(Staging.ROWS, r.b());
    }
  }

  @Test
  void stackedTimesMatrixIsOneGemm() {
    try (NDArray a = rand(DType.FLOAT64, Order.C, 8, 5, 6);
         NDArray b = rand(DType.FLOAT64, Order.C, 6, 4);
         NDArray v = rand(DType.FLOAT64, Order.C, 6)) {
      Plan p = plan(() -> Linalg.matmul(a, b), 0);
      assertEquals(1, p.kernelCalls());
      assertEquals(40, p.m());
      Plan q = plan(() -> Linalg.matmul(a, v), 0);
      assertEquals(1, q.kernelCalls());
    }
  }

  @Test
  void batchedMatmulIsOneGemmPerBatchElementWithoutCopies() {
    try (NDArray a = rand(DType.FLOAT32, Order.C, 6, 5, 7);
         NDArray b = rand(DType.FLOAT32, Order.C, 6, 7, 3)) {
      Plan p = plan(() -> Linalg.matmul(a, b), 0);
      assertEquals(6, p.kernelCalls());
      assertEquals(6, p.products());
      assertTrue(p.noCopy(), "no product of the batch copied");
    }
  }

  @Test
  void integerKernelPlans() {
    try (NDArray a = rand(DType.INT64, Order.C, 10, 12);
         NDArray b = rand(DType.INT8, Order.C, 12, 3);
         NDArray c = rand(DType.INT16, Order.C, 12, 3);
         NDArray bt = b.T()) {
      assertEquals("int64", plan(() -> Linalg.matmul(a, b), 0).kernel());
      Plan p = plan(() -> Linalg.matmul(bt, c), 0);
      assertEquals("int32", p.kernel());
      assertEquals(Staging.CONVERT, p.b());
    }
  }
}
