package io.tessera.kernels;

import static io.tessera.kernels.KernelGoldens.bits;
import static io.tessera.kernels.KernelGoldens.dtype;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.dtype.DType;
import io.tessera.testing.ArrayTestBase;
import io.tessera.ufunc.LoopSignature;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.arrow.memory.ArrowBuf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every ufunc loop against NumPy 2.4.6's results (goldens from {@code gen_kernel_goldens.py}), on
 * contiguous, strided (gapped and negative) and broadcast (stride-0) layouts in off-heap memory.
 *
 * <p>Results must equal NumPy's bits, with these exceptions, each stated here:
 *
 * <ul>
 *   <li>NaN results compare as NaN-ness (NumPy's own NaN payloads depend on the instruction that
 *       produced them);
 *   <li>the loops in {@link #ULP} may differ by at most the stated number of units in the last
 *       place: NumPy calls the C library (glibc) or its own SIMD code there, Tessera
 *       {@link StrictMath} (fdlibm); the bounds are the measured maxima over the goldens;
 * </ul>
 *
 * <p>The float32 loops of exp, log, sin and cos reproduce NumPy's own vectorized kernels
 * ({@link NpySimdMath}) and are exact, except sin/cos beyond NumPy's Cody-Waite range (|x| &gt;
 * 117435.992 / 71476.0625) where NumPy calls glibc's sinf/cosf (1 ULP). float16 loops are all
 * exact (every one of the 65536 halves for the unary ones).
 */
class KernelGoldenTest extends ArrayTestBase {

  /** Maximum ULP distance from NumPy, per loop; loops not listed are exact. */
  static final Map<String, Integer> ULP = new TreeMap<>(Map.ofEntries(
      Map.entry("arccos:d->d", 1),
      Map.entry("arccos:f->f", 1),
      Map.entry("arcsin:d->d", 1),
      Map.entry("arcsin:f->f", 1),
      Map.entry("arctan2:dd->d", 1),
      Map.entry("arctan2:ff->f", 1),
      Map.entry("arctan:d->d", 1),
      Map.entry("arctan:f->f", 1),
      Map.entry("cbrt:d->d", 3),
      Map.entry("cbrt:f->f", 1),
      Map.entry("cos:d->d", 1),
      Map.entry("cos:f->f", 1),
      Map.entry("cosh:d->d", 1),
      Map.entry("cosh:f->f", 1),
      Map.entry("exp2:d->d", 1),
      Map.entry("exp2:f->f", 1),
      Map.entry("exp:d->d", 1),
      Map.entry("expm1:d->d", 1),
      Map.entry("expm1:f->f", 1),
      Map.entry("hypot:dd->d", 1),
      Map.entry("log10:d->d", 2),
      Map.entry("log10:f->f", 2),
      Map.entry("log1p:d->d", 1),
      Map.entry("log1p:f->f", 1),
      Map.entry("log2:d->d", 1),
      Map.entry("log2:f->f", 1),
      Map.entry("log:d->d", 1),
      Map.entry("power:dd->d", 1),
      Map.entry("sin:d->d", 1),
      Map.entry("sin:f->f", 1),
      Map.entry("sinh:d->d", 2),
      Map.entry("sinh:f->f", 2),
      Map.entry("tan:d->d", 1),
      Map.entry("tan:f->f", 1),
      Map.entry("tanh:d->d", 2),
      Map.entry("tanh:f->f", 1)));

  /** Measured maximum ULP distance per loop (printed after the run). */
  private static final Map<String, long[]> MEASURED = new TreeMap<>();

  @AfterAll
  static void report() {
    StringBuilder sb = new StringBuilder("max ULP distance from NumPy over the goldens:\n");
    MEASURED.forEach((k, v) -> {
      if (v[0] > 0 || ULP.containsKey(k)) {
        sb.append(String.format("  %-22s max %d ULP (%d of %d values inexact)%n", k, v[0], v[1],
            v[2]));
      }
    });
    System.out.println(sb);
  }

  // ---------------------------------------------------------------- coverage

  @Test
  void everyNumpyLoopHasAKernelAndNoMore() {
    JsonNode types = KernelGoldens.load("types.json").get("types");
    int total = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = types.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      List<String> want = new ArrayList<>();
      e.getValue().forEach(n -> want.add(n.asText()));
      List<String> have = new ArrayList<>();
      Kernels.loops(e.getKey()).forEach(s -> have.add(s.code()));
      assertEquals(want, have, "loops of " + e.getKey());
      total += want.size();
    }
    assertEquals(63, types.size(), "ufuncs in types.json");
    assertEquals(531, total, "NumPy loops over Tessera's dtypes");
    assertEquals(total + 12, io.tessera.kernels.gen.KernelTable.LOOPS, "plus 12 where loops");
  }

  // ---------------------------------------------------------------- binary

  @TestFactory
  Stream<DynamicTest> binaryLoops() {
    JsonNode g = KernelGoldens.load("binary.json.gz");
    List<DynamicTest> tests = new ArrayList<>();
    g.get("loops").fields().forEachRemaining(e -> tests.add(DynamicTest.dynamicTest(e.getKey(),
        () -> checkBinary(e.getKey(), g.get("values"), e.getValue()))));
    return tests.stream();
  }

  private void checkBinary(String key, JsonNode values, JsonNode entry) {
    String ufunc = key.substring(0, key.indexOf(':'));
    LoopSignature sig = LoopSignature.parse(key.substring(key.indexOf(':') + 1));
    DType ta = sig.in()[0];
    DType tb = sig.in()[1];
    DType to = sig.out()[0];
    long[] x = bits(values.get(String.valueOf(ta.charCode())).asText(), ta);
    long[] y = entry.has("y") ? bits(entry.get("y").asText(), tb)
        : bits(values.get(String.valueOf(tb.charCode())).asText(), tb);
    long[] want = bits(entry.get("out").asText(), to);
    int nx = x.length;
    int ny = y.length;
    assertEquals(nx * ny, want.length, key + ": golden size");
    BinaryKernel k = Kernels.binary(ufunc, sig);
    Checker c = new Checker(key, to);
    long[] xs = new long[nx * ny];
    long[] ys = new long[nx * ny];
    for (int i = 0; i < nx; i++) {
      for (int j = 0; j < ny; j++) {
        xs[i * ny + j] = x[i];
        ys[i * ny + j] = y[j];
      }
    }
    int n = nx * ny;
    int ia = ta.itemsize();
    int ib = tb.itemsize();
    int io = to.itemsize();
    try (ArrowBuf buf = KernelGoldens.buffer(allocator, 4L * n * (ia + ib + io) + 64)) {
      long base = buf.memoryAddress();
      long pa = base;
      long pb = pa + 3L * n * ia;
      long po = pb + 3L * n * ib;
      // contiguous
      KernelGoldens.write(pa, ia, ta, xs);
      KernelGoldens.write(pb, ib, tb, ys);
      k.run(pa, ia, pb, ib, po, io, n);
      c.check("contiguous", want, KernelGoldens.read(po, io, to, n), xs, ys);
      // in place: out is the first operand (same type only)
      if (ta == to) {
        KernelGoldens.write(pa, ia, ta, xs);
        k.run(pa, ia, pb, ib, pa, io, n);
        c.check("in place", want, KernelGoldens.read(pa, io, to, n), xs, ys);
      }
      // gapped strides, negative output stride
      KernelGoldens.write(pa, 2L * ia, ta, xs);
      KernelGoldens.write(pb, 3L * ib, tb, ys);
      long last = po + (long) (n - 1) * 2 * io;
      k.run(pa, 2L * ia, pb, 3L * ib, last, -2L * io, n);
      long[] rev = KernelGoldens.read(last, -2L * io, to, n);
      c.check("strided", want, rev, xs, ys);
      // second operand broadcast (stride 0): row i of X against each y[j]
      KernelGoldens.write(pa, ia, ta, x);
      for (int j = 0; j < ny; j++) {
        Raw.putBits(pb, ib, y[j]);
        k.run(pa, ia, pb, 0, po, io, nx);
        long[] got = KernelGoldens.read(po, io, to, nx);
        for (int i = 0; i < nx; i++) {
          c.one("b stride 0", want[i * ny + j], got[i], x[i], y[j]);
        }
        // and strided first operand with a broadcast second
        KernelGoldens.write(pa + 8L * n * ia / 4, 2L * ia, ta, x);
        k.run(pa + 8L * n * ia / 4, 2L * ia, pb, 0, po, 2L * io, nx);
        got = KernelGoldens.read(po, 2L * io, to, nx);
        for (int i = 0; i < nx; i++) {
          c.one("b stride 0, a strided", want[i * ny + j], got[i], x[i], y[j]);
        }
      }
      // first operand broadcast
      KernelGoldens.write(pb, ib, tb, y);
      for (int i = 0; i < nx; i++) {
        Raw.putBits(pa, ia, x[i]);
        k.run(pa, 0, pb, ib, po, io, ny);
        long[] got = KernelGoldens.read(po, io, to, ny);
        for (int j = 0; j < ny; j++) {
          c.one("a stride 0", want[i * ny + j], got[j], x[i], y[j]);
        }
      }
    }
    c.finish();
  }

  // ---------------------------------------------------------------- unary

  @TestFactory
  Stream<DynamicTest> unaryLoops() {
    JsonNode g = KernelGoldens.load("unary.json.gz");
    List<DynamicTest> tests = new ArrayList<>();
    g.get("loops").fields().forEachRemaining(e -> tests.add(DynamicTest.dynamicTest(e.getKey(),
        () -> checkUnary(e.getKey(), g.get("values"), e.getValue().asText()))));
    return tests.stream();
  }

  private void checkUnary(String key, JsonNode values, String out) {
    String ufunc = key.substring(0, key.indexOf(':'));
    LoopSignature sig = LoopSignature.parse(key.substring(key.indexOf(':') + 1));
    DType ti = sig.in()[0];
    DType to = sig.out()[0];
    long[] x = bits(values.get(String.valueOf(ti.charCode())).asText(), ti);
    long[] want = bits(out, to);
    int n = x.length;
    assertEquals(n, want.length, key + ": golden size");
    UnaryKernel k = Kernels.unary(ufunc, sig);
    Checker c = new Checker(key, to);
    int is = ti.itemsize();
    int os = to.itemsize();
    try (ArrowBuf buf = KernelGoldens.buffer(allocator, 3L * n * (is + os) + 64)) {
      long pi = buf.memoryAddress();
      long po = pi + 3L * n * is;
      KernelGoldens.write(pi, is, ti, x);
      k.run(pi, is, po, os, n);
      c.check("contiguous", want, KernelGoldens.read(po, os, to, n), x, null);
      if (ti == to) {
        k.run(pi, is, pi, os, n);
        c.check("in place", want, KernelGoldens.read(pi, os, to, n), x, null);
      }
      KernelGoldens.write(pi, 3L * is, ti, x);
      long last = po + (long) (n - 1) * 2 * os;
      k.run(pi, 3L * is, last, -2L * os, n);
      c.check("strided", want, KernelGoldens.read(last, -2L * os, to, n), x, null);
      for (int i = 0; i < Math.min(n, 64); i++) {
        Raw.putBits(pi, is, x[i]);
        k.run(pi, 0, po, os, 3);
        long[] got = KernelGoldens.read(po, os, to, 3);
        for (long g : got) {
          c.one("stride 0", want[i], g, x[i], null);
        }
      }
    }
    c.finish();
  }

  // ---------------------------------------------------------------- clip

  @TestFactory
  Stream<DynamicTest> clipLoops() {
    JsonNode g = KernelGoldens.load("ternary.json.gz");
    List<DynamicTest> tests = new ArrayList<>();
    g.get("loops").fields().forEachRemaining(e -> tests.add(DynamicTest.dynamicTest(e.getKey(),
        () -> checkClip(e.getKey(), g.get("values"), e.getValue()))));
    return tests.stream();
  }

  private void checkClip(String key, JsonNode values, JsonNode entry) {
    LoopSignature sig = LoopSignature.parse(key.substring(key.indexOf(':') + 1));
    DType t = sig.out()[0];
    long[] v = bits(values.get(String.valueOf(t.charCode())).asText(), t);
    long[] arr = bits(entry.get("array").asText(), t);
    long[] sca = bits(entry.get("scalar").asText(), t);
    int m = v.length;
    int n = m * m * m;
    TernaryKernel k = Kernels.ternary("clip", sig);
    Checker c = new Checker(key, t);
    long[] xs = new long[n];
    long[] los = new long[n];
    long[] his = new long[n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        for (int l = 0; l < m; l++) {
          int e = (i * m + j) * m + l;
          xs[e] = v[i];
          los[e] = v[j];
          his[e] = v[l];
        }
      }
    }
    int sz = t.itemsize();
    try (ArrowBuf buf = KernelGoldens.buffer(allocator, 4L * 3 * n * sz + 4L * n * sz + 64)) {
      long pa = buf.memoryAddress();
      long pb = pa + 3L * n * sz;
      long pc = pb + 3L * n * sz;
      long po = pc + 3L * n * sz;
      KernelGoldens.write(pa, sz, t, xs);
      KernelGoldens.write(pb, sz, t, los);
      KernelGoldens.write(pc, sz, t, his);
      k.run(pa, sz, pb, sz, pc, sz, po, sz, n);
      c.check("contiguous", arr, KernelGoldens.read(po, sz, t, n), xs, null);
      KernelGoldens.write(pa, 2L * sz, t, xs);
      KernelGoldens.write(pb, 3L * sz, t, los);
      KernelGoldens.write(pc, 2L * sz, t, his);
      k.run(pa, 2L * sz, pb, 3L * sz, pc, 2L * sz, po, 3L * sz, n);
      c.check("strided", arr, KernelGoldens.read(po, 3L * sz, t, n), xs, null);
      // broadcast bounds: NumPy's stride-0 path
      for (int j = 0; j < m; j++) {
        for (int l = 0; l < m; l++) {
          long[] want = new long[m];
          System.arraycopy(sca, (j * m + l) * m, want, 0, m);
          Raw.putBits(pb, sz, v[j]);
          Raw.putBits(pc, sz, v[l]);
          KernelGoldens.write(pa, sz, t, v);
          k.run(pa, sz, pb, 0, pc, 0, po, sz, m);
          c.check("bounds stride 0", want, KernelGoldens.read(po, sz, t, m), v, null);
          KernelGoldens.write(pa, 2L * sz, t, v);
          k.run(pa, 2L * sz, pb, 0, pc, 0, po, 3L * sz, m);
          c.check("bounds stride 0, strided", want, KernelGoldens.read(po, 3L * sz, t, m), v,
              null);
        }
      }
    }
    c.finish();
  }

  // ---------------------------------------------------------------- where

  @Test
  void whereCopiesTheChosenBits() {
    for (DType t : DType.values()) {
      LoopSignature sig = LoopSignature.parse("?" + t.charCode() + t.charCode() + "->"
          + t.charCode());
      TernaryKernel k = Kernels.ternary("where", sig);
      int sz = t.itemsize();
      int n = 37;
      long[] cond = new long[n];
      long[] a = new long[n];
      long[] b = new long[n];
      java.util.Random r = new java.util.Random(7 + t.ordinal());
      for (int i = 0; i < n; i++) {
        cond[i] = r.nextInt(3) == 0 ? 0 : (i % 5 == 0 ? 2 : 1); // any nonzero byte is true
        a[i] = r.nextLong() & mask(t);
        b[i] = r.nextLong() & mask(t);
      }
      try (ArrowBuf buf = KernelGoldens.buffer(allocator, 16L * n * 4)) {
        long pc = buf.memoryAddress();
        long pa = pc + 4L * n;
        long pb = pa + 4L * n * sz;
        long po = pb + 4L * n * sz;
        for (int layout = 0; layout < 3; layout++) {
          long st = layout == 1 ? 2 : 1;
          KernelGoldens.write(pc, st, DType.BOOL, cond);
          KernelGoldens.write(pa, st * sz, t, a);
          KernelGoldens.write(pb, layout == 2 ? 0 : st * sz, t, layout == 2 ? new long[] {b[0]}
              : b);
          k.run(pc, st, pa, st * sz, pb, layout == 2 ? 0 : st * sz, po, st * sz, n);
          long[] got = KernelGoldens.read(po, st * sz, t, n);
          for (int i = 0; i < n; i++) {
            long want = cond[i] != 0 ? a[i] : layout == 2 ? b[0] : b[i];
            assertEquals(want, got[i], t + " layout " + layout + " element " + i);
          }
        }
      }
    }
  }

  private static long mask(DType t) {
    return t.itemsize() == 8 ? -1L : (1L << t.bits()) - 1;
  }

  // ---------------------------------------------------------------- comparison

  /** Compares results element by element under this class's rules; collects failures. */
  static final class Checker {
    final String key;
    final DType t;
    final int bound;
    final List<String> failures = new ArrayList<>();
    long maxUlp;
    long inexact;
    long count;

    Checker(String key, DType t) {
      this.key = key;
      this.t = t;
      this.bound = ULP.getOrDefault(key, 0);
    }

    void check(String layout, long[] want, long[] got, long[] x, long[] y) {
      for (int i = 0; i < want.length; i++) {
        one(layout, want[i], got[i], x == null ? 0 : x[i], y == null ? null : y[i]);
      }
    }

    void one(String layout, long want, long got, long x, Long y) {
      count++;
      if (want == got) {
        return;
      }
      if (t.isFloat()) {
        boolean wn = KernelGoldens.isNaN(want, t);
        boolean gn = KernelGoldens.isNaN(got, t);
        if (wn && gn) {
          return;
        }
        if (!wn && !gn) {
          long u = KernelGoldens.ulps(want, got, t);
          if (u == 0 && !(KernelGoldens.isZero(want, t))) {
            return;
          }
          if (u > 0) {
            inexact++;
            maxUlp = Math.max(maxUlp, u);
            if (u <= bound) {
              return;
            }
          }
        }
      }
      if (failures.size() < 12) {
        DType in = KernelGoldens.dtype(key.charAt(key.indexOf(':') + 1));
        failures.add(layout + ": f(" + KernelGoldens.show(x, in)
            + (y == null ? "" : ", " + KernelGoldens.show(y, KernelGoldens.dtype(
                key.charAt(key.indexOf(':') + 2))))
            + ") numpy " + KernelGoldens.show(want, t) + " tessera " + KernelGoldens.show(got, t));
      } else {
        failures.set(11, "... more");
      }
    }

    void finish() {
      synchronized (MEASURED) {
        long[] m = MEASURED.computeIfAbsent(key, k -> new long[3]);
        m[0] = Math.max(m[0], maxUlp);
        m[1] += inexact;
        m[2] += count;
      }
      if (!failures.isEmpty()) {
        fail(key + (bound > 0 ? " (bound " + bound + " ULP, measured " + maxUlp + ")" : "")
            + " differs from NumPy:\n  " + String.join("\n  ", failures));
      }
      assertTrue(count > 0, key + ": nothing compared");
    }
  }

  private static final class Raw {
    static void putBits(long address, int itemsize, long bits) {
      io.tessera.memory.Raw.putBits(address, itemsize, bits);
    }
  }
}
