package io.tessera.expr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.memory.MemoryReport;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.testing.ArrayTestBase;
import io.tessera.ufunc.Reductions;
import io.tessera.ufunc.Ufunc;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Fused expressions equal the unfused ufunc calls bit for bit, with small scratch only. */
class ExprTest extends ArrayTestBase {
  private final Random rnd = new Random(7);

  NDArray random(DType t, long... shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    try (NDArray f = np.empty(DType.FLOAT64, n)) {
      for (long i = 0; i < n; i++) {
        f.setDouble(rnd.nextGaussian() * 20, i);
      }
      try (NDArray c = f.astype(t); NDArray r = c.reshape(shape)) {
        return r.copy();
      }
    }
  }

  static void assertSameBits(NDArray want, NDArray got, String what) {
    assertEquals(want.dtype(), got.dtype(), what);
    assertArrayEquals(want.shape(), got.shape(), what);
    try (NDArray w = want.copy(); NDArray g = got.copy()) {
      int sz = w.itemsize();
      for (long i = 0; i < w.size(); i++) {
        long a = Raw.getBits(w.dataAddress() + i * sz, sz);
        long b = Raw.getBits(g.dataAddress() + i * sz, sz);
        if (a != b) {
          throw new AssertionError(what + ": element " + i + " bits " + Long.toHexString(b)
              + " != " + Long.toHexString(a));
        }
      }
    }
  }

  static final DType[][] COMBOS = {
      {DType.FLOAT64, DType.FLOAT64, DType.FLOAT64, DType.FLOAT64},
      {DType.FLOAT32, DType.FLOAT32, DType.FLOAT64, DType.FLOAT32},
      {DType.INT32, DType.FLOAT32, DType.INT64, DType.INT8},
      {DType.FLOAT16, DType.FLOAT32, DType.FLOAT16, DType.UINT8},
      {DType.INT64, DType.INT32, DType.INT16, DType.INT64}};

  static final long[][][] SHAPES = {
      {{5000}, {5000}, {5000}, {5000}},
      {{37, 1}, {1, 300}, {300}, {37, 300}},
      {{3, 1, 9000}, {1, 4, 1}, {9000}, {4, 9000}},
      {{2, 70, 60}, {60}, {70, 1}, {1}}};

  @Test
  void equalsUnfusedBitForBit() {
    for (DType[] t : COMBOS) {
      for (long[][] s : SHAPES) {
        try (NDArray a = random(t[0], s[0]); NDArray b = random(t[1], s[1]);
             NDArray c = random(t[2], s[2]); NDArray d = random(t[3], s[3])) {
          String what = java.util.Arrays.toString(t) + " " + java.util.Arrays.deepToString(s);
          // (a + b) * (c + d)
          try (NDArray ab = Ufunc.ADD.apply(a, b); NDArray cd = Ufunc.ADD.apply(c, d);
               NDArray want = Ufunc.MULTIPLY.apply(ab, cd);
               NDArray got = Expr.of(a).add(b).mul(Expr.of(c).add(d)).eval()) {
            assertSameBits(want, got, "(a+b)*(c+d) " + what);
          }
          // a*b + c*d with weak scalars: a*2.5 + (d - 3)
          try (NDArray a2 = Ufunc.MULTIPLY.apply(a, 2.5); NDArray d3 = Ufunc.SUBTRACT.apply(d, 3L);
               NDArray want = Ufunc.ADD.apply(a2, d3);
               NDArray got = Expr.of(a).mul(2.5).add(Expr.of(d).sub(3L)).eval()) {
            assertSameBits(want, got, "a*2.5 + (d-3) " + what);
          }
          // where(a > c, abs(b), sqrt(|d|))  (comparison, unary ufuncs, where)
          try (NDArray cond = Ufunc.GREATER.apply(a, c); NDArray ab = Ufunc.ABSOLUTE.apply(b);
               NDArray ad = Ufunc.ABSOLUTE.apply(d); NDArray sd = Ufunc.SQRT.apply(ad);
               NDArray want = Ufunc.where(cond, ab, sd);
               NDArray got = Expr.where(Expr.of(a).gt(c), Expr.of(b).abs(),
                   Expr.of(d).abs().sqrt()).eval()) {
            assertSameBits(want, got, "where " + what);
          }
          // into an out of another dtype (same_kind cast), e.g. float32 out
          DType ot = Expr.of(a).add(b).mul(Expr.of(c).add(d)).dtype();
          if (ot.isFloat()) {
            try (NDArray ab = Ufunc.ADD.apply(a, b); NDArray cd = Ufunc.ADD.apply(c, d);
                 NDArray m = Ufunc.MULTIPLY.apply(ab, cd)) {
              long[] full = m.shape();
              try (NDArray want = np.empty(DType.FLOAT32, full);
                   NDArray got = np.empty(DType.FLOAT32, full)) {
                Ufunc.MULTIPLY.apply(ab, cd, want);
                Expr.of(a).add(b).mul(Expr.of(c).add(d)).into(got);
                assertSameBits(want, got, "into float32 " + what);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void inPlaceOutputAliasingAnInput() {
    try (NDArray a = random(DType.FLOAT64, 10000); NDArray b = random(DType.FLOAT64, 10000);
         NDArray want0 = Ufunc.ADD.apply(a, b); NDArray want = Ufunc.MULTIPLY.apply(want0, a)) {
      Expr.of(a).add(b).mul(a).into(a);
      assertSameBits(want, a, "in place");
    }
    // shifted overlap: out = a[1:], input a[:-1]
    try (NDArray a = random(DType.FLOAT64, 1000); NDArray lo = a.get(":-1");
         NDArray hi = a.get("1:"); NDArray want = Ufunc.ADD.apply(lo, 1.0)) {
      Expr.of(lo).add(1.0).into(hi);
      assertSameBits(want, hi, "shifted overlap");
    }
  }

  @Test
  void fusedReductionsWithinBound() {
    try (NDArray a = random(DType.FLOAT64, 3, 100_001); NDArray b = random(DType.FLOAT64,
        100_001); NDArray ab = Ufunc.MULTIPLY.apply(a, b)) {
      try (NDArray want = Reductions.min(ab, Reductions.all()); NDArray got =
          Expr.of(a).mul(b).min()) {
        assertSameBits(want, got, "min");
      }
      try (NDArray want = Reductions.max(ab, Reductions.all()); NDArray got =
          Expr.of(a).mul(b).max()) {
        assertSameBits(want, got, "max");
      }
      try (NDArray absv = Ufunc.ABSOLUTE.apply(ab); NDArray abs = Reductions.sum(absv,
          Reductions.all()); NDArray want = Reductions.sum(ab, Reductions.all());
           NDArray got = Expr.of(a).mul(b).sum(); NDArray mw = Reductions.mean(ab,
               Reductions.all()); NDArray mg = Expr.of(a).mul(b).mean()) {
        long n = ab.size();
        double bound = (n / Plan.REDUCE_PART + 14) * 0x1p-52 * abs.getDouble();
        assertEquals(want.getDouble(), got.getDouble(), 2 * bound);
        assertEquals(mw.getDouble(), mg.getDouble(), 2 * bound / n);
        assertEquals(DType.FLOAT64, mg.dtype());
      }
    }
    try (NDArray i = np.arange(1000); NDArray want = Reductions.sum(i, Reductions.all());
         NDArray got = Expr.of(i).mul(3L).sum()) {
      assertEquals(3 * want.getLong(), got.getLong());
      assertEquals(DType.INT64, got.dtype());
    }
  }

  @Test
  void tenMillionWithSmallScratch() {
    int n = 10_000_000;
    try (NDArray a = np.linspace(0, 1, n); NDArray b = np.linspace(1, 2, n);
         NDArray c = np.linspace(2, 3, n); NDArray d = np.linspace(3, 4, n);
         NDArray out = np.empty(DType.FLOAT64, n)) {
      Expr e = Expr.of(a).add(b).mul(Expr.of(c).add(d));
      MemoryReport r = MemoryReport.measure(allocator, () -> e.into(out));
      System.out.println("Expr (a+b)*(c+d) 10M into out: " + r + "; peakBytes() " + e.peakBytes());
      assertTrue(r.peakIncrease() < (16L << 20), r.toString());
      assertTrue(e.peakBytes() < (16L << 20));
      try (NDArray ab = Ufunc.ADD.apply(a, b); NDArray cd = Ufunc.ADD.apply(c, d);
           NDArray want = Ufunc.MULTIPLY.apply(ab, cd)) {
        assertSameBits(want, out, "10M");
      }
    }
  }

  @Test
  void placeholderExpressionsSerializeAndArraysSayTheyCannot() throws Exception {
    Expr e = Expr.arg(0).sub(Expr.arg(1)).abs().mul(0.5).add(Expr.apply(Ufunc.MAXIMUM,
        Expr.arg(0), 2L));
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(e);
    }
    Expr back;
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
        new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      back = (Expr) in.readObject();
    }
    assertEquals(e.toString(), back.toString());
    try (NDArray x = random(DType.FLOAT64, 300); NDArray y = random(DType.FLOAT64, 300);
         NDArray want = e.bind(x, y).eval(); NDArray got = back.bind(x, y).eval()) {
      assertSameBits(want, got, "deserialized expression");
    }
    try (NDArray a = random(DType.FLOAT64, 3)) {
      java.io.NotSerializableException ex = org.junit.jupiter.api.Assertions.assertThrows(
          java.io.NotSerializableException.class,
          () -> new java.io.ObjectOutputStream(new java.io.ByteArrayOutputStream())
              .writeObject(Expr.of(a).add(1.0)));
      assertTrue(ex.getMessage().contains("Expr.arg"), ex.getMessage());
    }
  }

  @Test
  void oneLoopFormsEqualTheUnfusedCalls() {
    Ufunc[] ops = {Ufunc.ADD, Ufunc.SUBTRACT, Ufunc.MULTIPLY, Ufunc.TRUE_DIVIDE};
    try (NDArray a = random(DType.FLOAT64, 3001); NDArray b = random(DType.FLOAT64, 3001);
         NDArray c = random(DType.FLOAT64, 3001); NDArray d = random(DType.FLOAT64, 3001)) {
      for (Ufunc o0 : ops) {
        for (Ufunc o1 : ops) {
          for (Ufunc o2 : ops) {
            Expr quad = Expr.apply(o0, Expr.apply(o1, a, b), Expr.apply(o2, c, d));
            assertTrue(Plan.compile(quad, null).hasFusedLoop(), quad.toString());
            try (NDArray ab = o1.apply(a, b); NDArray cd = o2.apply(c, d);
                 NDArray want = o0.apply(ab, cd); NDArray got = quad.eval()) {
              assertSameBits(want, got, quad.toString());
            }
          }
          Expr left = Expr.apply(o0, Expr.apply(o1, a, b), c);
          Expr right = Expr.apply(o0, c, Expr.apply(o1, a, b));
          assertTrue(Plan.compile(left, null).hasFusedLoop(), left.toString());
          assertTrue(Plan.compile(right, null).hasFusedLoop(), right.toString());
          try (NDArray ab = o1.apply(a, b); NDArray wl = o0.apply(ab, c);
               NDArray wr = o0.apply(c, ab); NDArray gl = left.eval(); NDArray gr = right.eval()) {
            assertSameBits(wl, gl, left.toString());
            assertSameBits(wr, gr, right.toString());
          }
        }
      }
      // in place into an operand, and a strided operand (block-wise path): same bits
      try (NDArray a2 = a.copy(); NDArray ab = Ufunc.ADD.apply(a, b);
           NDArray cd = Ufunc.ADD.apply(c, d); NDArray want = Ufunc.MULTIPLY.apply(ab, cd)) {
        Expr.of(a2).add(b).mul(Expr.of(c).add(d)).into(a2);
        assertSameBits(want, a2, "in place");
      }
      try (NDArray big = random(DType.FLOAT64, 6002); NDArray s = big.get("::2");
           NDArray sb = Ufunc.ADD.apply(s, b); NDArray cd = Ufunc.ADD.apply(c, d);
           NDArray want = Ufunc.MULTIPLY.apply(sb, cd);
           NDArray got = Expr.of(s).add(b).mul(Expr.of(c).add(d)).eval()) {
        assertSameBits(want, got, "strided operand");
      }
      // not one of the forms: a scalar, or float32 operands
      assertTrue(!Plan.compile(Expr.of(a).add(b).mul(2.0), null).hasFusedLoop());
      try (NDArray f = a.astype(DType.FLOAT32)) {
        assertTrue(!Plan.compile(Expr.of(f).add(f).mul(Expr.of(f).add(f)), null)
            .hasFusedLoop());
      }
    }
  }
}
