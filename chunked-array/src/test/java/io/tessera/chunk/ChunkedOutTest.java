package io.tessera.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.errors.CastingException;
import io.tessera.errors.ReadOnlyArrayException;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.ndarray.NDArray;
import io.tessera.testing.ArrayTestBase;
import io.tessera.ufunc.Ufunc;
import org.junit.jupiter.api.Test;

/** Chunked ufuncs with out= (NDArray or chunked), in place, overlap, and errors before writes. */
class ChunkedOutTest extends ArrayTestBase {

  private NDArray ramp(double lo, double hi, long... shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    try (NDArray f = np.linspace(lo, hi, n); NDArray r = f.reshape(shape)) {
      return r.copy();
    }
  }

  @Test
  void intoNdArrayWithUnifiedGridsBroadcastingAndNoFullTemporary() {
    try (NDArray a = ramp(0, 1, 50, 60); NDArray b = ramp(-3, 2, 50, 60);
         NDArray row = ramp(5, 6, 60);
         ChunkedArray ca = ChunkedArray.fromArray(a, Chunks.of(new long[] {50, 60},
             new long[][] {{20, 20, 10}, {33, 27}}));
         ChunkedArray cb = ChunkedArray.fromArray(b, Chunks.of(new long[] {50, 60},
             new long[][] {{7, 43}, {60}}));
         ChunkedArray sum = ChunkedUfuncs.apply(Ufunc.ADD, ca, cb);
         NDArray out = np.empty(DType.FLOAT64, 50, 60);
         NDArray w0 = Ufunc.ADD.apply(a, b); NDArray want = Ufunc.MULTIPLY.apply(w0, row)) {
      io.tessera.memory.MemoryReport rep = io.tessera.memory.MemoryReport.measure(allocator,
          () -> assertSame(out, ChunkedUfuncs.apply(np, Ufunc.MULTIPLY, sum, row, out)));
      long extra = rep.peakIncrease();
      assertTrue(extra <= 20 * 33 * 8 + 4096, "peak extra " + extra + " bytes: one block, not"
          + " the whole result");
      assertArrayEquals(want.toDoubleArray(), out.toDoubleArray());
    }
  }

  @Test
  void outWithMoreAxesThanTheOperandsAndUnary() {
    try (NDArray v = ramp(1, 4, 4);
         ChunkedArray cv = ChunkedArray.fromArray(v, Chunks.of(new long[] {4},
             new long[][] {{1, 3}}));
         NDArray out = np.zeros(DType.FLOAT64, 3, 4);
         NDArray want = Ufunc.SUBTRACT.apply(2.0, v);
         NDArray sq = np.zeros(DType.FLOAT64, 4);
         NDArray wsq = Ufunc.SQRT.apply(v)) {
      ChunkedUfuncs.apply(np, Ufunc.SUBTRACT, 2.0, cv, out);
      for (long i = 0; i < 3; i++) {
        try (NDArray r = out.get(i + "")) {
          assertArrayEquals(want.toDoubleArray(), r.toDoubleArray());
        }
      }
      ChunkedUfuncs.apply(np, Ufunc.SQRT, cv, sq);
      assertArrayEquals(wsq.toDoubleArray(), sq.toDoubleArray());
    }
  }

  @Test
  void intoMaterializedChunkedArrayAndInPlace() {
    try (NDArray a = ramp(0, 10, 30, 8); NDArray b = ramp(1, 2, 30, 8);
         NDArray o = np.zeros(DType.FLOAT64, 30, 8);
         ChunkedArray ca = ChunkedArray.fromArray(a, Chunks.of(new long[] {30, 8},
             new long[][] {{10, 20}, {8}}));
         ChunkedArray co = ChunkedArray.fromArray(o, Chunks.of(new long[] {30, 8},
             new long[][] {{15, 15}, {3, 5}}));
         NDArray want = Ufunc.TRUE_DIVIDE.apply(a, b)) {
      assertSame(co, ChunkedUfuncs.apply(np, Ufunc.TRUE_DIVIDE, ca, b, co));
      assertArrayEquals(want.toDoubleArray(), o.toDoubleArray());
      try (NDArray w2 = Ufunc.ADD.apply(want, a)) {
        ChunkedUfuncs.applyInPlace(np, Ufunc.ADD, co, ca);
        assertArrayEquals(w2.toDoubleArray(), o.toDoubleArray());
      }
      try (NDArray w3 = Ufunc.NEGATIVE.apply(o)) {
        ChunkedUfuncs.applyInPlace(np, Ufunc.NEGATIVE, co);
        assertArrayEquals(w3.toDoubleArray(), o.toDoubleArray());
      }
    }
    // a persisted lazy array is materialized: in place works on its cached blocks
    ChunkedArray g = ChunkedArray.generate(new long[] {9}, DType.INT64,
        Chunks.of(new long[] {9}, new long[][] {{4, 5}}), (i, off, sh, t) -> t.arange(
            off[0], off[0] + sh[0], 1, DType.INT64));
    try (g; ChunkedArray p = g.persist(np)) {
      ChunkedUfuncs.applyInPlace(np, Ufunc.MULTIPLY, p, 3L);
      try (NDArray r = p.toArray(np)) {
        assertArrayEquals(new long[] {0, 3, 6, 9, 12, 15, 18, 21, 24}, r.toLongArray());
      }
      TesseraException e = assertThrows(TesseraException.class,
          () -> ChunkedUfuncs.applyInPlace(np, Ufunc.ADD, g, 1L));
      assertTrue(e.getMessage().contains("materialized"), e.getMessage());
    }
  }

  @Test
  void overlapGivesNumPysResult() {
    try (NDArray x = ramp(0, 11, 12); NDArray x0 = x.copy();
         NDArray rev0 = x0.get("::-1");
         NDArray want = Ufunc.ADD.apply(rev0, x0)) {
      // out = x, inputs x[::-1] (chunked view) and x: x[i] = x0[11 - i] + x0[i]
      try (ChunkedArray c = ChunkedArray.fromArray(x, Chunks.of(new long[] {12},
          new long[][] {{5, 4, 3}})); ChunkedArray rev = c.get("::-1")) {
        ChunkedUfuncs.apply(np, Ufunc.ADD, rev, c, x);
      }
      assertArrayEquals(want.toDoubleArray(), x.toDoubleArray());
    }
    try (NDArray x = ramp(1, 12, 12); NDArray x0 = x.copy(); NDArray s0 = Ufunc.SQRT.apply(x0);
         NDArray want = s0.get("::-1"); NDArray outView = x.get("::-1")) {
      // a lazy input computed from x, written into x reversed: x[11 - i] = sqrt(x0[i])
      try (ChunkedArray c = ChunkedArray.fromArray(x, Chunks.of(new long[] {12},
          new long[][] {{2, 10}})); ChunkedArray s = ChunkedUfuncs.apply(Ufunc.SQRT, c)) {
        ChunkedUfuncs.apply(np, Ufunc.SQRT, c, outView);
        try (NDArray w1 = want.copy()) {
          assertArrayEquals(w1.toDoubleArray(), x.toDoubleArray());
        }
        x.assign(x0);
        ChunkedUfuncs.apply(np, Ufunc.MULTIPLY, s, 1.0, outView);
        try (NDArray w1 = want.copy()) {
          assertArrayEquals(w1.toDoubleArray(), x.toDoubleArray());
        }
      }
    }
    // the element-by-element in-place case needs no copy
    try (NDArray x = ramp(0, 1, 1000);
         ChunkedArray c = ChunkedArray.fromArray(x, Chunks.regular(new long[] {1000}, 100));
         NDArray want = Ufunc.ADD.apply(x, x)) {
      io.tessera.memory.MemoryReport rep = io.tessera.memory.MemoryReport.measure(allocator,
          () -> ChunkedUfuncs.apply(np, Ufunc.ADD, c, x, x));
      assertTrue(rep.peakIncrease() < 4096, "copied: " + rep.peakIncrease());
      assertArrayEquals(want.toDoubleArray(), x.toDoubleArray());
    }
  }

  @Test
  void stridedAndFortranSourcesAndOutputs() {
    try (NDArray big = ramp(-5, 5, 12, 14); NDArray a = big.get("::2, 1::2");
         NDArray b0 = ramp(0, 3, 7, 6); NDArray b = b0.T();
         NDArray out = np.zeros(DType.FLOAT32, io.tessera.ndarray.Order.F, 6, 7);
         ChunkedArray ca = ChunkedArray.fromArray(a, Chunks.of(new long[] {6, 7},
             new long[][] {{2, 2, 2}, {3, 4}}))) {
      ChunkedUfuncs.apply(np, Ufunc.HYPOT, ca, b, out, Casting.SAME_KIND);
      try (NDArray w = Ufunc.HYPOT.apply(a, b); NDArray wf = w.astype(DType.FLOAT32)) {
        assertArrayEquals(wf.toDoubleArray(), out.toDoubleArray());
      }
      assertTrue(out.isFContiguous() && !a.isCContiguous());
    }
  }

  @Test
  void failingCallsThrowBeforeWritingAnything() {
    try (NDArray i = np.arange(10); NDArray i0 = i.copy();
         ChunkedArray ci = ChunkedArray.fromArray(i, Chunks.regular(new long[] {10}, 3));
         NDArray bad = np.zeros(DType.FLOAT64, 3, 4);
         NDArray f = ramp(0, 1, 10);
         ChunkedArray cf = ChunkedArray.fromArray(f, Chunks.regular(new long[] {10}, 4))) {
      CastingException ce = assertThrows(CastingException.class,
          () -> ChunkedUfuncs.applyInPlace(np, Ufunc.ADD, ci, 1.5));
      assertTrue(ce.getMessage().contains("same_kind"), ce.getMessage());
      assertThrows(CastingException.class, () -> ChunkedUfuncs.apply(np, Ufunc.MULTIPLY, cf, 2L,
          i));
      assertArrayEquals(i0.toLongArray(), i.toLongArray());
      ShapeException se = assertThrows(ShapeException.class,
          () -> ChunkedUfuncs.apply(np, Ufunc.ADD, cf, 1.0, bad));
      assertEquals("operands could not be broadcast together with shapes (10,) () (3,4) ",
          se.getMessage());
      assertArrayEquals(new double[12], bad.toDoubleArray());
      try (NDArray col = np.zeros(DType.FLOAT64, 3, 1);
           NDArray row = np.zeros(DType.FLOAT64, 10)) {
        assertEquals("non-broadcastable output operand with shape (10,) doesn't match the "
            + "broadcast shape (3,10)", assertThrows(ShapeException.class,
                () -> ChunkedUfuncs.apply(np, Ufunc.ADD, cf, col, row)).getMessage());
      }
      // unsafe casting is allowed when asked for
      ChunkedUfuncs.apply(np, Ufunc.MULTIPLY, cf, 20.0, i, Casting.UNSAFE);
      assertEquals((long) (f.getDouble(5) * 20.0), i.getLong(5));
      try (NDArray ro = np.zeros(DType.FLOAT64, 10)) {
        ro.setWriteable(false);
        assertThrows(ReadOnlyArrayException.class,
            () -> ChunkedUfuncs.apply(np, Ufunc.ADD, cf, 1.0, ro));
      }
    }
  }
}
