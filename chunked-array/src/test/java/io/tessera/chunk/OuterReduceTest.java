package io.tessera.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.errors.BudgetExceededException;
import io.tessera.expr.Expr;
import io.tessera.memory.MemoryBudget;
import io.tessera.memory.MemoryReport;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.parallel.Threads;
import io.tessera.testing.ArrayTestBase;
import io.tessera.ufunc.Ufunc;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link Outer#outerReduce} against the materialized NumPy expressions (goldens from
 * {@code gen_outer_goldens.py}), bit for bit: sums reproduce NumPy's order (pairwise along a row,
 * row after row along axis 0, pairwise over the shared d axis), through the fused loops
 * ({@link OuterLoops}) and through the block-wise path for other expressions alike.
 */
class OuterReduceTest extends ArrayTestBase {

  static Expr pair(String f) {
    Expr a = Expr.arg(0);
    Expr b = Expr.arg(1);
    switch (f) {
      case "add": return a.add(b);
      case "subtract": return a.sub(b);
      case "multiply": return a.mul(b);
      case "maximum": return a.maximum(b);
      case "absdiff": return a.sub(b).abs();
      case "sqdiff": return a.sub(b).square();
      case "divide": return a.div(b);
      case "scaled": return a.sub(b).mul(0.5);
      default: throw new IllegalArgumentException(f);
    }
  }

  NDArray fromJson(JsonNode j) {
    DType t = DType.of(j.get("dtype").asText());
    JsonNode sh = j.get("shape");
    long[] shape = new long[sh.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = sh.get(i).asLong();
    }
    return fromBits(t, j.get("bits"), shape);
  }

  NDArray fromBits(DType t, JsonNode bits, long[] shape) {
    NDArray a = np.empty(t, shape);
    long p = a.dataAddress();
    for (int i = 0; i < bits.size(); i++) {
      Raw.putBits(p + (long) i * t.itemsize(), t.itemsize(),
          Long.parseUnsignedLong(bits.get(i).asText(), 16));
    }
    return a;
  }

  static double value(DType t, long bits) {
    switch (t) {
      case FLOAT64: return Double.longBitsToDouble(bits);
      case FLOAT32: return Float.intBitsToFloat((int) bits);
      case FLOAT16: return Float16.toFloat((short) bits);
      default: return bits;
    }
  }

  static double eps(DType t) {
    return t == DType.FLOAT64 ? 0x1p-52 : t == DType.FLOAT32 ? 0x1p-23 : 0x1p-10;
  }

  @Test
  void matchesMaterializedNumPy() throws Exception {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("/golden/outer/outer_reduce.json.gz")) {
      if (in == null) {
        fail("missing golden/outer/outer_reduce.json.gz");
      }
      root = new ObjectMapper().readTree(new GZIPInputStream(in));
    }
    List<String> failures = new ArrayList<>();
    int n = 0;
    for (JsonNode c : root.get("cases")) {
      String f = c.get("f").asText();
      String red = c.get("reduce").asText();
      int axis = c.get("axis").asInt();
      boolean rows = !c.get("combine").isNull();
      try (NDArray x = fromJson(c.get("x")); NDArray y = fromJson(c.get("y"));
           NDArray r = rows
               ? Outer.outerReduce(pair(f), Ufunc.of(c.get("combine").asText()), Ufunc.of(red), x,
                   y, axis)
               : Outer.outerReduce(pair(f), Ufunc.of(red), x, y, axis)) {
        String where = f + "/" + red + " axis " + axis + " x " + x.dtype()
            + java.util.Arrays.toString(x.shape()) + " y " + y.dtype()
            + java.util.Arrays.toString(y.shape());
        DType want = DType.of(c.get("dtype").asText());
        if (r.dtype() != want) {
          failures.add(where + ": dtype " + r.dtype() + " != " + want);
          continue;
        }
        JsonNode bits = c.get("bits");
        for (int i = 0; i < bits.size(); i++) {
          long wb = Long.parseUnsignedLong(bits.get(i).asText(), 16);
          long gb = Raw.getBits(r.dataAddress() + (long) i * want.itemsize(), want.itemsize());
          n++;
          if (wb == gb) {
            continue;
          }
          failures.add(where + " [" + i + "]: bits " + Long.toHexString(gb) + " != "
              + Long.toHexString(wb));
        }
      }
    }
    assertTrue(failures.isEmpty(), failures.size() + " mismatches of " + n + ", first: "
        + failures.subList(0, Math.min(10, failures.size())));
    assertTrue(n > 1000);
  }

  @Test
  void fusedLoopsAreChosenForTheCommonForms() {
    try (NDArray x = np.linspace(0, 1, 10); NDArray y = np.linspace(1, 2, 7);
         NDArray x32 = x.astype(DType.FLOAT32); NDArray xi = np.arange(0, 10, 1, DType.INT32);
         NDArray x2 = np.zeros(DType.FLOAT64, 4, 3); NDArray y2 = np.zeros(DType.FLOAT64, 5, 3)) {
      Expr sum = Expr.arg(0).add(Expr.arg(1));
      Expr dist = Expr.arg(1).sub(Expr.arg(0)).abs();
      Expr sq = Expr.arg(0).sub(Expr.arg(1)).square();
      assertTrue(Outer.reduction(sum, null, Ufunc.ADD, x, y, 1).fused());
      assertTrue(Outer.reduction(dist, null, Ufunc.MINIMUM, x, y, 1).fused());
      assertTrue(Outer.reduction(dist, null, Ufunc.MAXIMUM, x, y, 0).fused());
      assertTrue(Outer.reduction(sum, null, Ufunc.ADD, x32, y, 1).fused()); // cast once to f64
      assertTrue(Outer.reduction(sq, Ufunc.ADD, Ufunc.MINIMUM, x2, y2, 1).fused());
      // not fused: a scalar in the expression, integer values, a reduce without a fused loop
      assertTrue(!Outer.reduction(sum.mul(0.5), null, Ufunc.ADD, x, y, 1).fused());
      assertTrue(!Outer.reduction(sum, null, Ufunc.ADD, xi, xi, 1).fused());
      assertTrue(!Outer.reduction(sum, null, Ufunc.MULTIPLY, x, y, 1).fused());
    }
  }

  @Test
  void threadCountDoesNotChangeBits() {
    try (NDArray x = np.linspace(-3, 7, 3001); NDArray y0 = np.linspace(2, -5, 9001);
         NDArray y = Ufunc.SIN.apply(y0)) {
      NDArray a = Threads.limit(1, () -> Outer.outerReduce(Ufunc.ADD, Ufunc.ADD, x, y, 1));
      NDArray b = Threads.limit(4, () -> Outer.outerReduce(Ufunc.ADD, Ufunc.ADD, x, y, 1));
      try (a; b) {
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray());
      }
    }
  }

  @Test
  void lazyOuterEqualsMaterialized() {
    try (NDArray x = np.linspace(0, 1, 300); NDArray y = np.linspace(-1, 2, 170);
         ChunkedArray c = Outer.outer(Expr.arg(0).sub(Expr.arg(1)).abs(), x, y,
             Chunks.regular(new long[] {300, 170}, 64, 50));
         NDArray got = c.toArray(np);
         NDArray d = Outer.materialize(Ufunc.SUBTRACT, x, y);
         NDArray want = Ufunc.ABSOLUTE.apply(d)) {
      assertArrayEquals(want.toDoubleArray(), got.toDoubleArray());
      assertArrayEquals(new long[] {300, 170}, c.shape());
    }
  }

  @Test
  void budgetRefusesTheMaterializedOuterBeforeAllocating() {
    try (NDArray x = np.zeros(DType.FLOAT64, 100_000); NDArray y = np.zeros(DType.FLOAT64,
        100_000)) {
      long before = allocator.getAllocatedMemory();
      long peak = allocator.getPeakMemoryAllocation();
      BudgetExceededException e = MemoryBudget.with(8L << 30, () -> assertThrows(
          BudgetExceededException.class, () -> Outer.materialize(Ufunc.ADD, x, y)));
      assertEquals("x[:, None] + y[None, :] with x (100000,) y (100000,) would allocate 74.5 GiB "
          + "float64 > budget 8 GiB; use outerReduce or a chunked result", e.getMessage());
      assertEquals(before, allocator.getAllocatedMemory());
      assertEquals(peak, allocator.getPeakMemoryAllocation());
      // the streaming reduction of the same expression fits in kilobytes
      Outer.Reduction plan = Outer.reduction(Expr.arg(0).add(Expr.arg(1)), null, Ufunc.ADD, x, y,
          1);
      assertTrue(plan.peakBytes() < (4L << 20), "peak " + plan.peakBytes());
    }
  }

  @Test
  void twentyThousandSquaredUnder64MiB() {
    int n = 20_000;
    try (NDArray x0 = np.linspace(0, 1, n); NDArray x = Ufunc.SIN.apply(x0);
         NDArray y = np.linspace(-1, 1.5, n)) {
      NDArray[] r = new NDArray[2];
      MemoryReport sum = MemoryReport.measure(allocator,
          () -> r[0] = Outer.outerReduce(Ufunc.ADD, Ufunc.ADD, x, y, 1));
      MemoryReport min = MemoryReport.measure(allocator,
          () -> r[1] = Outer.outerReduce(Expr.arg(0).sub(Expr.arg(1)).abs(), Ufunc.MINIMUM, x, y,
              1));
      try (NDArray s = r[0]; NDArray mn = r[1]) {
        System.out.println("outerReduce 20000x20000 sum: " + sum);
        System.out.println("outerReduce 20000x20000 min|x-y|: " + min);
        assertTrue(sum.peakIncrease() < (64L << 20), sum.toString());
        assertTrue(min.peakIncrease() < (64L << 20), min.toString());
        double[] xs = x.toDoubleArray();
        double[] ys = y.toDoubleArray();
        double[] ss = s.toDoubleArray();
        double[] ms = mn.toDoubleArray();
        for (int i = 0; i < n; i += 997) {
          double best = Double.POSITIVE_INFINITY;
          double exact = 0;
          double abs = 0;
          for (double v : ys) {
            best = Math.min(best, Math.abs(xs[i] - v));
            exact += xs[i] + v;
            abs += Math.abs(xs[i] + v);
          }
          assertEquals(best, ms[i], 0.0, "row " + i);
          assertEquals(exact, ss[i], 2 * n * 0x1p-52 * abs, "row " + i);
        }
      }
    }
  }
}
