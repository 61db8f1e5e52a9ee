package io.tessera.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.Tessera;
import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.errors.CastingException;
import io.tessera.errors.EinsumException;
import io.tessera.errors.ReadOnlyArrayException;
import io.tessera.linalg.einsum.Path;
import io.tessera.linalg.einsum.Strategy;
import io.tessera.ndarray.CopyMode;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.parallel.Threads;
import io.tessera.testing.ArrayTestBase;
import java.util.List;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.Test;

/**
 * Einsum's execution: views where NumPy returns views, copy avoidance in pairwise steps (proved
 * with {@link Einsum#COPIES} and {@link Contraction#GATHERED}), outer products straight into the
 * result, out= checked before writing, typed errors quoting subscripts and shapes, dtype rules,
 * thread-count independence, and the path API. Values against NumPy are in
 * {@link EinsumGoldenTest}.
 */
class EinsumTest extends ArrayTestBase {

  private NDArray range(DType t, Order order, long... shape) {
    return range(np, t, order, shape);
  }

  private static NDArray range(Tessera np, DType t, Order order, long... shape) {
    NDArray a = np.empty(t, order, shape);
    try (NDArray flat = a.reshape(new long[] {a.size()}, order, CopyMode.NEVER)) {
      for (long i = 0; i < a.size(); i++) {
        flat.setDouble((i * 7) % 11 - 5, i);
      }
    }
    return a;
  }

  private NDArray range(long... shape) {
    return range(DType.FLOAT64, Order.C, shape);
  }

  private static final EinsumOptions OPT = EinsumOptions.optimized();

  /** Runs {@code call}, returns how many copies einsum made; the result is closed. */
  private static long copies(Supplier<NDArray> call) {
    long before = Einsum.COPIES.get();
    long gathered = Contraction.GATHERED.get();
    try (NDArray r = call.get()) {
      assertTrue(r.size() >= 0);
    }
    long made = Einsum.COPIES.get() - before;
    if (made == 0) {
      assertEquals(gathered, Contraction.GATHERED.get(), "no operand gathered");
    }
    return made;
  }

  private static void assertClose(NDArray want, NDArray got) {
    assertArrayEquals(want.shape(), got.shape());
    double[] w = want.toDoubleArray();
    double[] g = got.toDoubleArray();
    for (int i = 0; i < w.length; i++) {
      assertEquals(w[i], g[i], 1e-9 * Math.max(1, Math.abs(w[i])), "element " + i);
    }
  }

  // ------------------------------------------------------------------ views

  @Test
  void diagonalIsAWriteableView() {
    try (NDArray a = np.zeros(DType.FLOAT64, 3, 3);
         NDArray d = Einsum.einsum("ii->i", a)) {
      assertTrue(d.sharesMemory(a));
      assertTrue(d.isWriteable());
      assertArrayEquals(new long[] {32}, d.strides());
      d.fill(1.0); // NumPy's doc example: np.einsum('ii->i', a)[:] = 1
      assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, a.toDoubleArray());
    }
  }

  @Test
  void singleOperandPermutationsAreViewsInEveryMode() {
    for (EinsumOptions o : List.of(EinsumOptions.defaults(), OPT,
        EinsumOptions.defaults().optimize("optimal"))) {
      try (NDArray a = range(2, 3, 4);
           NDArray t = Einsum.einsum("ijk->kji", o, a);
           NDArray i = Einsum.einsum("ijk", o, a);
           NDArray b = range(2, 3, 3);
           NDArray bd = Einsum.einsum("...ii->...i", o, b)) {
        assertTrue(t.sharesMemory(a));
        assertArrayEquals(new long[] {4, 3, 2}, t.shape());
        assertArrayEquals(new long[] {8, 32, 96}, t.strides());
        assertTrue(i.sharesMemory(a));
        assertArrayEquals(a.strides(), i.strides());
        assertTrue(bd.sharesMemory(b));
        assertArrayEquals(new long[] {72, 32}, bd.strides());
        assertEquals(List.of("view"), Einsum.lastTrace());
      }
    }
  }

  @Test
  void viewOfReadOnlyOperandIsReadOnlyAndDtypeIsNotApplied() {
    try (NDArray row = range(1, 4);
         NDArray a = row.broadcastTo(3, 4);
         NDArray t = Einsum.einsum("ij->ji", EinsumOptions.defaults().dtype(DType.FLOAT32), a)) {
      assertFalse(t.isWriteable());
      // NumPy's get_single_op_view ignores dtype= too
      assertEquals(DType.FLOAT64, t.dtype());
      assertTrue(t.sharesMemory(a));
    }
  }

  @Test
  void viewsOfReversedAndStridedOperands() {
    try (NDArray a = range(4, 6);
         NDArray r = a.get("::-1, 1::2");
         NDArray t = Einsum.einsum("ij->ji", r);
         NDArray rt = r.T()) {
      assertTrue(t.sharesMemory(a));
      assertArrayEquals(rt.strides(), t.strides());
      assertArrayEquals(rt.toDoubleArray(), t.toDoubleArray());
    }
    try (NDArray a = range(5, 5);
         NDArray r = a.get("::-1, ::-1");
         NDArray d = Einsum.einsum("ii->i", r)) {
      assertArrayEquals(new long[] {-48}, d.strides());
      for (int i = 0; i < 5; i++) {
        assertEquals(a.getDouble(4 - i, 4 - i), d.getDouble(i), 0);
      }
    }
  }

  @Test
  void closedOperandsAreRefusedBeforeAnyWork() {
    NDArray a = range(3, 3);
    a.close();
    assertThrows(io.tessera.errors.ClosedArrayException.class, () -> Einsum.einsum("ii", a));
    assertThrows(io.tessera.errors.ClosedArrayException.class, () -> Einsum.einsum("ij->ji", a));
  }

  @Test
  void plansAreCachedAndSharedBetweenCalls() {
    try (NDArray a = range(6, 3); NDArray b = range(3, 7); NDArray c = range(7, 4)) {
      Path p1 = Einsum.einsumPath("ij,jk,kl->il", OPT, a, b, c);
      Path p2 = Einsum.einsumPath("ij,jk,kl->il", OPT, a, b, c);
      assertSame(p1, p2);
      try (NDArray c2 = range(7, 5)) {
        assertNotSame(p1, Einsum.einsumPath("ij,jk,kl->il", OPT, a, b, c2));
      }
      assertNotSame(p1, Einsum.einsumPath("ij,jk,kl->il", OPT.optimize("optimal"), a, b, c));
      assertNotSame(p1, Einsum.einsumPath("ij,jk,kl->il", OPT.memoryLimit(1), a, b, c));
    }
  }

  @Test
  void tracesAndSumsReadTheOperandInPlace() {
    try (NDArray a = range(DType.FLOAT64, Order.F, 5, 5)) {
      long c = copies(() -> Einsum.einsum("ii", a));
      assertEquals(0, c);
      try (NDArray t = Einsum.einsum("ii", a); NDArray ref = Linalg.trace(a)) {
        assertArrayEquals(new long[0], t.shape());
        assertEquals(ref.getDouble(), t.getDouble(), 0);
      }
      try (NDArray s = Einsum.einsum("ij->j", a)) {
        double[] v = a.toDoubleArray();
        for (int j = 0; j < 5; j++) {
          double sum = 0;
          for (int i = 0; i < 5; i++) {
            sum += v[i * 5 + j];
          }
          assertEquals(sum, s.getDouble(j), 0);
        }
      }
    }
  }

  // ------------------------------------------------------------------ copy avoidance

  @Test
  void pairwiseStepsRunOnViewsForCFAndTransposedOperands() {
    for (Order oa : new Order[] {Order.C, Order.F}) {
      for (Order ob : new Order[] {Order.C, Order.F}) {
        try (NDArray a = range(DType.FLOAT64, oa, 30, 40);
             NDArray b = range(DType.FLOAT64, ob, 40, 20);
             NDArray ref = Linalg.matmul(a, b)) {
          for (String subs : new String[] {"ij,jk->ik", "ij,jk->ki", "ij,jk"}) {
            assertEquals(0, copies(() -> Einsum.einsum(subs, OPT, a, b)), subs);
            String gemm = Einsum.lastTrace().get(0);
            assertTrue(gemm.startsWith("gemm") && gemm.endsWith("views"), gemm);
          }
          try (NDArray r = Einsum.einsum("ij,jk->ik", OPT, a, b)) {
            assertClose(ref, r);
          }
          try (NDArray bt = b.T()) {
            assertEquals(0, copies(() -> Einsum.einsum("ij,kj->ik", OPT, a, bt)));
            try (NDArray r = Einsum.einsum("ij,kj->ik", OPT, a, bt)) {
              assertClose(ref, r);
            }
          }
        }
      }
    }
  }

  @Test
  void batchContractionIsOneGemmPerBatchElementOnViews() {
    try (NDArray a = range(8, 32, 24);
         NDArray b = range(8, 24, 20);
         NDArray ref = Linalg.matmul(a, b)) {
      assertEquals(0, copies(() -> Einsum.einsum("bij,bjk->bik", OPT, a, b)));
      // NumPy pops the higher position first: the step is 'bjk,bij->bik', whose GEMM writes
      // the transposed product straight into a C-order result
      List<String> t = Einsum.lastTrace();
      assertEquals(1, t.size());
      assertTrue(t.get(0).startsWith("gemm bjk,bij->") && t.get(0).endsWith(
          " batch=8 m=20 n=32 k=24 views"), t.toString());
      try (NDArray r = Einsum.einsum("bij,bjk->bik", OPT, a, b)) {
        assertClose(ref, r);
        assertTrue(r.isCContiguous());
      }
      // a result order in which the rows (i) do not form one block: the product (b, i, k) and a
      // transposed view of it, as NumPy
      try (NDArray r = Einsum.einsum("bij,bjk->ibk", OPT, a, b);
           NDArray rt = r.transpose(1, 0, 2)) {
        assertClose(ref, rt);
      }
    }
  }

  @Test
  void multiAxisGroupsMergeWithoutCopies() {
    // 'abc,bcd->ad': the inner labels b,c are adjacent in both operands: a 2-D view each
    // (products above Contraction.smallLimit: small ones are read in place whatever the layout)
    try (NDArray a = range(12, 10, 8);
         NDArray b = range(10, 8, 6)) {
      assertEquals(0, copies(() -> Einsum.einsum("abc,bcd->ad", OPT, a, b)));
      // a transposed view of b keeps b's memory order: still a view (NumPy's eq_b transpose
      // and reshape copy it)
      try (NDArray bp = b.transpose(1, 0, 2)) {
        assertEquals(0, copies(() -> Einsum.einsum("abc,cbd->ad", OPT, a, bp)));
        try (NDArray r1 = Einsum.einsum("abc,bcd->ad", OPT, a, b);
             NDArray r2 = Einsum.einsum("abc,cbd->ad", OPT, a, bp)) {
          assertClose(r1, r2);
        }
      }
      // the inner labels in opposite memory orders: one operand must be copied, once
      try (NDArray b2 = range(8, 10, 6);
           NDArray b2p = b2.transpose(1, 0, 2);
           NDArray bc = b2p.copy()) {
        assertEquals(1, copies(() -> Einsum.einsum("abc,cbd->ad", OPT, a, b2)));
        try (NDArray r1 = Einsum.einsum("abc,bcd->ad", OPT, a, bc);
             NDArray r2 = Einsum.einsum("abc,cbd->ad", OPT, a, b2)) {
          assertClose(r1, r2);
        }
      }
    }
  }

  @Test
  void stridedOperandsWithoutUnitStrideAreCopiedAndCounted() {
    try (NDArray base = range(80, 96);
         NDArray a = base.get("::2, ::2");
         NDArray b = range(48, 20)) {
      assertEquals(1, copies(() -> Einsum.einsum("ij,jk->ik", OPT, a, b)));
      // one unit stride is enough (a row slice): a view
      try (NDArray rows = base.get("::2, :48")) {
        assertEquals(0, copies(() -> Einsum.einsum("ij,jk->ik", OPT, rows, b)));
      }
    }
  }

  @Test
  void outerProductWritesTheResultOnceWithNoIntermediate() {
    for (EinsumOptions o : List.of(EinsumOptions.defaults(), OPT)) {
      try (BufferAllocator child = allocator.newChildAllocator("outer", 0, Long.MAX_VALUE)) {
        Tessera t = Tessera.using(child);
        try (NDArray a = range(t, DType.FLOAT64, Order.C, 60);
             NDArray b = range(t, DType.FLOAT64, Order.C, 70);
             NDArray c = range(t, DType.FLOAT64, Order.C, 80)) {
          long before = child.getAllocatedMemory();
          try (NDArray r = Einsum.einsum("i,j,k->ijk", o, a, b, c)) {
            long result = child.getAllocatedMemory() - before;
            assertTrue(result >= 60L * 70 * 80 * 8);
            assertEquals(result, child.getPeakMemoryAllocation() - before,
                "nothing but the result was ever allocated");
            // NumPy pops the higher positions first: the one step is 'k,j,i->ijk'
          assertEquals(List.of(o == OPT ? "loop k,j,i->ijk" : "loop i,j,k->ijk"),
              Einsum.lastTrace());
            assertEquals(a.getDouble(7) * b.getDouble(9) * c.getDouble(11),
                r.getDouble(7, 9, 11), 0);
          }
        }
      }
    }
  }

  @Test
  void outWithTheResultLayoutIsWrittenDirectly() {
    try (BufferAllocator child = allocator.newChildAllocator("out", 0, Long.MAX_VALUE)) {
      Tessera t = Tessera.using(child);
      try (NDArray a = range(t, DType.FLOAT64, Order.C, 30, 40);
           NDArray b = range(t, DType.FLOAT64, Order.C, 40, 20);
           NDArray ref = Linalg.matmul(a, b);
           NDArray out = t.zeros(DType.FLOAT64, Order.F, 30, 20)) {
        long before = child.getAllocatedMemory();
        long peak = child.getPeakMemoryAllocation();
        assertEquals(before, peak);
        NDArray r = Einsum.einsum("ij,jk->ik", OPT.out(out), a, b);
        assertSame(out, r);
        assertEquals(peak, child.getPeakMemoryAllocation(), "no product array besides out");
        assertClose(ref, out);
      }
    }
  }

  // ------------------------------------------------------------------ out= and dtypes

  @Test
  void outIsCheckedBeforeAnythingIsWritten() {
    try (NDArray a = range(3, 4);
         NDArray b = range(4, 5)) {
      for (EinsumOptions base : List.of(EinsumOptions.defaults(), OPT)) {
        try (NDArray wrongShape = np.full(DType.FLOAT64, 7.0, 3, 4);
             NDArray wrongNdim = np.full(DType.FLOAT64, 7.0, 15);
             NDArray narrow = np.full(DType.FLOAT32, 7.0, 3, 5);
             NDArray ro0 = np.full(DType.FLOAT64, 7.0, 3, 5)) {
          EinsumException e1 = assertThrows(EinsumException.class,
              () -> Einsum.einsum("ij,jk->ik", base.out(wrongShape), a, b));
          assertTrue(e1.getMessage().contains("'ij,jk->ik'"), e1.getMessage());
          assertTrue(e1.getMessage().contains("(3, 4), (4, 5)"), e1.getMessage());
          EinsumException e2 = assertThrows(EinsumException.class,
              () -> Einsum.einsum("ij,jk->ik", base.out(wrongNdim), a, b));
          assertEquals("out parameter does not have the correct number of dimensions, has 1 but "
              + "should have 2", e2.numpyMessage());
          assertThrows(CastingException.class,
              () -> Einsum.einsum("ij,jk->ik", base.out(narrow).casting(Casting.SAFE), a, b));
          ro0.setWriteable(false);
          assertThrows(ReadOnlyArrayException.class,
              () -> Einsum.einsum("ij,jk->ik", base.out(ro0), a, b));
          for (NDArray o : new NDArray[] {wrongShape, wrongNdim, narrow, ro0}) {
            for (double v : o.toDoubleArray()) {
              assertEquals(7.0, v, "out untouched");
            }
          }
        }
      }
    }
  }

  @Test
  void optimizedTwoOperandOutUsesSameKindLikeNumPysMatmul() {
    try (NDArray a = range(3, 4);
         NDArray b = range(4, 5);
         NDArray narrow = np.zeros(DType.FLOAT32, 3, 5);
         NDArray ref = Linalg.matmul(a, b)) {
      // np.einsum(..., out=float32, optimize=True) runs matmul(out=): same_kind accepts it
      assertSame(narrow, Einsum.einsum("ij,jk->ik", OPT.out(narrow), a, b));
      assertClose(ref, narrow);
      CastingException e = assertThrows(CastingException.class,
          () -> Einsum.einsum("ij,jk->ik", EinsumOptions.defaults().out(narrow), a, b));
      assertEquals("Iterator requested dtype could not be cast from dtype('float64') to "
          + "dtype('float32'), the operand 2 dtype, according to the rule 'safe'", e.getMessage());
    }
  }

  @Test
  void outOverlappingAnOperandIsComputedIntoATemporaryFirst() {
    try (NDArray a = range(4, 4);
         NDArray copy = a.copy();
         NDArray ref = Linalg.matmul(a, copy)) {
      for (EinsumOptions o : List.of(EinsumOptions.defaults(), OPT)) {
        try (NDArray x = a.copy()) {
          assertSame(x, Einsum.einsum("ij,jk->ik", o.out(x), x, copy));
          assertClose(ref, x);
        }
      }
    }
  }

  @Test
  void integerSumsWrapInTheOperandDtypeAndBoolSumsAreOr() {
    try (NDArray a = np.full(DType.INT8, 100L, 3);
         NDArray s = Einsum.einsum("i->", a)) {
      assertEquals(DType.INT8, s.dtype());
      assertEquals((byte) 300, s.getLong());
    }
    try (NDArray t = np.ones(DType.BOOL, 4);
         NDArray f = np.zeros(DType.BOOL, 4)) {
      for (EinsumOptions o : List.of(EinsumOptions.defaults(), OPT)) {
        try (NDArray r1 = Einsum.einsum("i,i->", o, t, t);
             NDArray r2 = Einsum.einsum("i,i->", o, t, f)) {
          assertEquals(DType.BOOL, r1.dtype());
          assertTrue(r1.getBoolean());
          assertFalse(r2.getBoolean());
        }
      }
    }
    try (NDArray a = np.full(DType.INT8, 3L, 2);
         NDArray b = np.full(DType.UINT8, 200L, 2);
         NDArray r = Einsum.einsum("i,i", a, b)) {
      assertEquals(DType.INT16, r.dtype());
      assertEquals(1200, r.getLong());
    }
  }

  @Test
  void dtypeOptionIsCheckedWithTheCastingRule() {
    try (NDArray a = range(DType.FLOAT64, Order.C, 3)) {
      CastingException e = assertThrows(CastingException.class,
          () -> Einsum.einsum("i,i->i", EinsumOptions.defaults().dtype(DType.FLOAT32), a, a));
      assertEquals("Iterator operand 0 dtype could not be cast from dtype('float64') to "
          + "dtype('float32') according to the rule 'safe'", e.getMessage());
      try (NDArray r = Einsum.einsum("i,i->i", EinsumOptions.defaults().dtype(DType.FLOAT32)
          .casting(Casting.UNSAFE), a, a)) {
        assertEquals(DType.FLOAT32, r.dtype());
      }
      try (NDArray i = np.arange(5);
           NDArray r = Einsum.einsum("i,i", OPT.dtype(DType.FLOAT64), i, i)) {
        assertEquals(DType.FLOAT64, r.dtype());
        assertEquals(30.0, r.getDouble(), 0);
      }
    }
  }

  // ------------------------------------------------------------------ errors, options, paths

  @Test
  void badInputIsATypedErrorQuotingSubscriptsAndShapes() {
    try (NDArray a = range(2, 3); NDArray b = range(4, 5); NDArray at = a.T()) {
      EinsumException e = assertThrows(EinsumException.class,
          () -> Einsum.einsum("ij,jk->ik", OPT, a, b));
      assertEquals(EinsumException.Kind.SIZE_MISMATCH, e.kind());
      assertEquals("ij,jk->ik", e.subscripts());
      assertTrue(e.getMessage().contains("[einsum 'ij,jk->ik' on operand shapes (2, 3), (4, 5)"),
          e.getMessage());
      EinsumException e2 = assertThrows(EinsumException.class,
          () -> Einsum.einsum("ij,jk", a));
      assertEquals(EinsumException.Kind.SUBSCRIPT_COUNT, e2.kind());
      EinsumException e3 = assertThrows(EinsumException.class,
          () -> Einsum.einsum("ij", EinsumOptions.defaults().optimize("fastest"), a));
      assertEquals(EinsumException.Kind.UNKNOWN_STRATEGY, e3.kind());
      EinsumException e4 = assertThrows(EinsumException.class,
          () -> Einsum.einsum("ij,jk->ik", EinsumOptions.defaults().path(new int[] {0}), a, at));
      assertEquals(EinsumException.Kind.INVALID_PATH, e4.kind());
    }
  }

  @Test
  void explicitPathsAndMemoryLimitsChangeTheStepsNotTheResult() {
    try (NDArray a = range(6, 3); NDArray b = range(3, 7); NDArray c = range(7, 4);
         NDArray ref = Einsum.einsum("ij,jk,kl->il", a, b, c)) {
      try (NDArray r = Einsum.einsum("ij,jk,kl->il", OPT, a, b, c)) {
        assertClose(ref, r);
        assertEquals(2, Einsum.lastTrace().size());
      }
      try (NDArray r = Einsum.einsum("ij,jk,kl->il",
          EinsumOptions.defaults().path(new int[] {0, 1}, new int[] {0, 1}), a, b, c)) {
        assertClose(ref, r);
      }
      try (NDArray r = Einsum.einsum("ij,jk,kl->il", OPT.memoryLimit(1), a, b, c)) {
        assertClose(ref, r);
        assertEquals(List.of("loop kl,jk,ij->il"), Einsum.lastTrace());
      }
      Path p = Einsum.einsumPath("ij,jk,kl->il", Strategy.GREEDY, a, b, c);
      assertEquals("['einsum_path', (1, 2), (0, 1)]", p.numpyPath());
      assertTrue(p.report().startsWith("  Complete contraction:  ij,jk,kl->il"), p.report());
      Path q = Einsum.einsumPath("ij,jk,kl->il", Strategy.OPTIMAL, new long[] {6, 3},
          new long[] {3, 7}, new long[] {7, 4});
      assertEquals(p.numpyPath(), q.numpyPath());
      assertEquals(1, Einsum.einsumPath("ij,jk,kl->il", EinsumOptions.defaults(), a, b, c)
          .steps().size());
    }
  }

  @Test
  void optionsAreImmutable() {
    EinsumOptions d = EinsumOptions.defaults();
    EinsumOptions o = d.optimize(true).dtype(DType.FLOAT32).memoryLimit(10);
    assertNotSame(d, o);
    assertEquals(Strategy.NONE, d.strategy());
    assertEquals(null, d.dtype());
    assertEquals(Strategy.GREEDY, o.strategy());
    assertEquals(10, o.memoryLimit());
    assertEquals(Strategy.OPTIMAL, d.optimize("optimal").strategy());
    assertTrue(o.toString().contains("optimize=greedy"), o.toString());
  }

  // ------------------------------------------------------------------ random einsums

  /** The einsum by brute force over every label combination, in double (or long). */
  private static double[] naive(String[] terms, String out, NDArray[] ops, long[] outShape) {
    StringBuilder lb = new StringBuilder();
    for (String t : terms) {
      for (char ch : t.toCharArray()) {
        if (lb.indexOf(String.valueOf(ch)) < 0) {
          lb.append(ch);
        }
      }
    }
    String labels = lb.toString();
    long[] size = new long[labels.length()];
    java.util.Arrays.fill(size, 1);
    for (int o = 0; o < ops.length; o++) {
      for (int d = 0; d < terms[o].length(); d++) {
        int l = labels.indexOf(terms[o].charAt(d));
        size[l] = Math.max(size[l], ops[o].shape(d));
      }
    }
    long outSize = 1;
    for (long d : outShape) {
      outSize *= d;
    }
    double[] res = new double[(int) outSize];
    long total = 1;
    for (long d : size) {
      total *= d;
    }
    long[] idx = new long[labels.length()];
    for (long it = 0; it < total; it++) {
      long rem = it;
      for (int l = labels.length() - 1; l >= 0; l--) {
        idx[l] = rem % size[l];
        rem /= size[l];
      }
      double p = 1;
      for (int o = 0; o < ops.length; o++) {
        long[] ix = new long[terms[o].length()];
        for (int d = 0; d < ix.length; d++) {
          ix[d] = ops[o].shape(d) == 1 ? 0 : idx[labels.indexOf(terms[o].charAt(d))];
        }
        p *= ops[o].getDouble(ix);
      }
      long flat = 0;
      for (int d = 0; d < out.length(); d++) {
        flat = flat * outShape[d] + (outShape[d] == 1 ? 0 : idx[labels.indexOf(out.charAt(d))]);
      }
      res[(int) flat] += p;
    }
    return res;
  }

  @Test
  void randomEinsumsAgreeAcrossModesAndWithBruteForce() {
    java.util.Random rnd = new java.util.Random(20261127);
    String pool = "abcde";
    for (int trial = 0; trial < 300; trial++) {
      int nop = 1 + rnd.nextInt(4);
      long[] labelSize = new long[pool.length()];
      for (int l = 0; l < labelSize.length; l++) {
        labelSize[l] = 1 + rnd.nextInt(4);
      }
      String[] terms = new String[nop];
      java.util.List<NDArray> owned = new java.util.ArrayList<>();
      try {
        NDArray[] ops = new NDArray[nop];
        StringBuilder used = new StringBuilder();
        for (int o = 0; o < nop; o++) {
          int nd = rnd.nextInt(4);
          StringBuilder t = new StringBuilder();
          long[] shape = new long[nd];
          for (int d = 0; d < nd; d++) {
            int l = rnd.nextInt(pool.length());
            t.append(pool.charAt(l));
            // sometimes a broadcasting 1 (not for a label repeated in this term)
            boolean repeated = t.indexOf(String.valueOf(pool.charAt(l))) < d;
            shape[d] = !repeated && rnd.nextInt(6) == 0 ? 1 : labelSize[l];
            if (used.indexOf(String.valueOf(pool.charAt(l))) < 0) {
              used.append(pool.charAt(l));
            }
          }
          terms[o] = t.toString();
          DType dt = trial % 3 == 0 ? DType.INT64 : DType.FLOAT64;
          NDArray base = range(np, dt, rnd.nextBoolean() ? Order.C : Order.F, shape);
          owned.add(base);
          if (nd >= 2 && rnd.nextInt(3) == 0) {
            int[] perm = new int[nd];
            for (int d = 0; d < nd; d++) {
              perm[d] = nd - 1 - d;
            }
            NDArray tr = base.transpose(perm);
            owned.add(tr);
            StringBuilder tt = new StringBuilder();
            for (int d = 0; d < nd; d++) {
              tt.append(terms[o].charAt(perm[d]));
            }
            terms[o] = tt.toString();
            ops[o] = tr;
          } else {
            ops[o] = base;
          }
        }
        // an explicit output: a random subset of the used labels, in random order
        StringBuilder outB = new StringBuilder();
        for (char ch : used.toString().toCharArray()) {
          if (rnd.nextBoolean()) {
            outB.insert(rnd.nextInt(outB.length() + 1), ch);
          }
        }
        String out = outB.toString();
        String subs = String.join(",", terms) + "->" + out;
        NDArray ref = null;
        double[] want = null;
        for (EinsumOptions o : List.of(EinsumOptions.defaults(), OPT,
            EinsumOptions.defaults().optimize("optimal"))) {
          NDArray r;
          try {
            r = Einsum.einsum(subs, o, ops);
          } catch (EinsumException e) {
            // a label with sizes 1 and n in one term ("collapsing") and similar: all modes agree
            assertThrows(EinsumException.class, () -> Einsum.einsum(subs, ops).close(), subs);
            break;
          }
          owned.add(r);
          if (want == null) {
            want = naive(terms, out, ops, r.shape());
            ref = r;
          }
          assertArrayEquals(ref.shape(), r.shape(), subs);
          assertEquals(ref.dtype(), r.dtype(), subs);
          double[] got = r.toDoubleArray();
          for (int i = 0; i < got.length; i++) {
            assertEquals(want[i], got[i], 1e-9 * Math.max(1, Math.abs(want[i])),
                subs + " " + o + " element " + i + " " + Einsum.lastTrace());
          }
        }
      } finally {
        for (int i = owned.size() - 1; i >= 0; i--) {
          owned.get(i).close();
        }
      }
    }
  }

  // ------------------------------------------------------------------ threads

  @Test
  void resultsDoNotDependOnTheThreadCount() {
    try (NDArray a = range(DType.FLOAT32, Order.C, 300, 257);
         NDArray b = range(DType.FLOAT32, Order.F, 257, 60);
         NDArray u = range(200); NDArray v = range(150); NDArray w = range(90)) {
      String[] subs = {"ij->j", "ij->i", "ij,jk->ik", "i,j,k->ijk"};
      NDArray[][] args = {{a}, {a}, {a, b}, {u, v, w}};
      for (int s = 0; s < subs.length; s++) {
        final int q = s;
        try (NDArray one = Threads.limit(1, () -> Einsum.einsum(subs[q], args[q]));
             NDArray four = Threads.limit(4, () -> Einsum.einsum(subs[q], args[q]))) {
          assertArrayEquals(one.toDoubleArray(), four.toDoubleArray(), subs[s]);
        }
      }
    }
  }
}
