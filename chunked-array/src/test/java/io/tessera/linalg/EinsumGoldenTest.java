package io.tessera.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.errors.CastingException;
import io.tessera.errors.EinsumException;
import io.tessera.linalg.einsum.Path;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.parallel.Threads;
import io.tessera.testing.ArrayTestBase;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of {@code gen_einsum_value_goldens.py} (one- to five-operand einsums: views, traces,
 * sums, outer products, matrix and batch contractions, chains, ellipsis, repeated labels,
 * broadcasting, every dtype family, mixed dtypes, dtype=/out=, memory limits, F-order, strided,
 * reversed and broadcast operands) replayed through {@link Einsum#einsum} with
 * {@code optimize=False}, {@code 'greedy'} and {@code 'optimal'}, three ways: on the active BLAS,
 * on netlib's pure-Java BLAS, and with every GEMM staged in 64-element blocks (no small-product
 * shortcut) plus every loop split into parts on three threads.
 *
 * <p>Per case and mode: the result dtype and shape equal NumPy's; integer and bool results are bit
 * for bit NumPy's; float results agree per element to within {@code (k + nop + 1)·eps·S}, where
 * k is the number of terms summed into the element, nop the number of operands, eps the result
 * dtype's machine epsilon and S the einsum over the operands' absolute values (NumPy's and
 * Tessera's results both lie within {@code (k + nop)·eps/2·S} of the exact one whatever the
 * summation order; float16 also gets one unit in the last place for its final rounding). Results
 * NumPy returns as views of an operand are views here too (they share memory), and the others do
 * not. The optimizer's path equals NumPy's {@code einsum_path}. Errors: NumPy's message and the
 * matching exception class, out= untouched.
 */
class EinsumGoldenTest extends ArrayTestBase {

  private static JsonNode root;

  private static synchronized JsonNode root() throws IOException {
    if (root == null) {
      try (InputStream in = EinsumGoldenTest.class.getResourceAsStream(
          "/golden/einsum_values/einsum_values.json.gz")) {
        if (in == null) {
          fail("missing golden file golden/einsum_values/einsum_values.json.gz");
        }
        root = new ObjectMapper().readTree(new GZIPInputStream(in));
      }
    }
    return root;
  }

  @TestFactory
  List<DynamicNode> goldens() throws IOException {
    JsonNode r = root();
    assertTrue(r.get("cases").size() >= 40, "at least 40 einsum cases");
    List<DynamicNode> out = new ArrayList<>();
    out.add(container("active BLAS", r, () -> null, Integer.MAX_VALUE, 0));
    out.add(container("Java BLAS", r, Blas::javaInstance, Integer.MAX_VALUE, 0));
    out.add(container("blocked GEMM, loops split on 3 threads", r, () -> null, 64, 3));
    out.add(errors(r));
    return out;
  }

  private DynamicContainer container(String label, JsonNode root,
      Supplier<dev.ludovic.netlib.blas.BLAS> impl, int stageLimit, int threads) {
    List<DynamicNode> cases = new ArrayList<>();
    for (JsonNode c : root.get("cases")) {
      List<DynamicTest> modes = new ArrayList<>();
      c.get("modes").fieldNames().forEachRemaining(mode -> modes.add(DynamicTest.dynamicTest(
          "optimize=" + mode, () -> {
            int oldLimit = Contraction.stageLimit;
            long oldSmall = Contraction.smallLimit;
            long oldWork = EinsumLoop.parallelMinWork;
            Contraction.stageLimit = Math.min(oldLimit, stageLimit);
            if (threads > 0) {
              EinsumLoop.parallelMinWork = 1;
              Contraction.smallLimit = 0; // every product staged (in 64-element blocks)
            }
            try {
              Runnable body = () -> runCase(c, mode);
              Runnable withThreads = threads > 0 ? () -> Threads.limit(threads, body) : body;
              dev.ludovic.netlib.blas.BLAS b = impl.get();
              if (b == null) {
                withThreads.run();
              } else {
                Blas.using(b, () -> {
                  withThreads.run();
                  return null;
                });
              }
            } finally {
              Contraction.stageLimit = oldLimit;
              Contraction.smallLimit = oldSmall;
              EinsumLoop.parallelMinWork = oldWork;
            }
          })));
      cases.add(DynamicContainer.dynamicContainer(c.get("name").asText() + "  "
          + c.get("subscripts").asText(), modes));
    }
    return DynamicContainer.dynamicContainer(label, cases);
  }

  // ------------------------------------------------------------------ operands

  /**
   * The script's data(): floats linspace(-1, 1, n) + ((i*7) % 5 - 2) / 16, integers an arange
   * pattern with every third element from a 64-bit multiplicative hash (itemsize >= 4), cast with
   * wrap-around; bool (i % 3 == 0) | (i % 5 == 1).
   */
  private NDArray base(JsonNode spec) {
    DType t = DType.of(spec.get("dtype").asText());
    long[] shape = longs(spec.get("base"));
    NDArray a = np.empty(t, shape);
    long n = a.size();
    long addr = a.dataAddress();
    double step = n > 1 ? 2.0 / (n - 1) : Double.NaN;
    for (long i = 0; i < n; i++) {
      long at = addr + i * t.itemsize();
      switch (t.kind()) {
        case 'f': {
          double y = n > 1 ? (i == n - 1 ? 1.0 : i * step + -1.0) : i * 2.0 + -1.0;
          double v = y + ((i * 7) % 5 - 2) * 0.0625;
          switch (t) {
            case FLOAT64: Raw.putDouble(at, v); break;
            case FLOAT32: Raw.putFloat(at, (float) v); break;
            default: Raw.putShort(at, Float16.fromDouble(v));
          }
          break;
        }
        case 'b':
          Raw.putByte(at, (byte) (i % 3 == 0 || i % 5 == 1 ? 1 : 0));
          break;
        default: {
          long v;
          if (t.itemsize() >= 4) {
            v = i % 3 == 1 ? i * 0x9E3779B97F4A7C15L : (i * 37 + 11) % 101 - 50;
          } else {
            v = (i * 37 + 11) % 251 - 125;
          }
          Raw.putBits(at, t.itemsize(), v);
        }
      }
    }
    if (spec.has("data")) {
      String hex = spec.get("data").asText();
      for (int i = 0; i < hex.length() / 2; i++) {
        byte want = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        if (Raw.getByte(addr + i) != want) {
          a.close();
          fail("regenerated operand data differs from the golden's at byte " + i + " ("
              + spec + ")");
        }
      }
    }
    return a;
  }

  /** Replays the view steps; intermediates go to {@code owned}. */
  private static NDArray steps(NDArray x, JsonNode steps, List<NDArray> owned) {
    for (JsonNode s : steps) {
      String st = s.asText();
      NDArray y;
      if (st.equals("F")) {
        y = x.asfortranarray();
      } else if (st.equals("T")) {
        y = x.T();
      } else if (st.startsWith("P:")) {
        y = x.transpose(Arrays.stream(st.substring(2).split(",")).mapToInt(Integer::parseInt)
            .toArray());
      } else if (st.startsWith("S:")) {
        y = x.get(st.substring(2));
      } else if (st.startsWith("B:")) {
        y = x.broadcastTo(Arrays.stream(st.substring(2).split(",")).mapToLong(Long::parseLong)
            .toArray());
      } else {
        throw new AssertionError(st);
      }
      owned.add(y);
      x = y;
    }
    return x;
  }

  private NDArray[] operands(JsonNode c, List<NDArray> owned) {
    JsonNode specs = c.get("operands");
    NDArray[] ops = new NDArray[specs.size()];
    for (int i = 0; i < ops.length; i++) {
      NDArray b = base(specs.get(i));
      owned.add(b);
      ops[i] = steps(b, specs.get(i).get("steps"), owned);
      assertArrayEquals(longs(specs.get(i).get("shape")), ops[i].shape(), "operand " + i);
    }
    return ops;
  }

  private EinsumOptions options(JsonNode o, String mode, List<NDArray> owned) {
    EinsumOptions opts = mode.equals("False") ? EinsumOptions.defaults()
        : EinsumOptions.defaults().optimize(mode);
    if (o.has("dtype")) {
      opts = opts.dtype(DType.of(o.get("dtype").asText()));
    }
    if (o.has("casting")) {
      opts = opts.casting(Casting.of(o.get("casting").asText()));
    }
    if (o.has("memory_limit") && !mode.equals("False")) {
      opts = opts.memoryLimit(o.get("memory_limit").asLong());
    }
    if (o.has("out")) {
      JsonNode spec = o.get("out");
      Order order = spec.has("order") && spec.get("order").asText().equals("F") ? Order.F
          : Order.C;
      NDArray out = np.zeros(DType.of(spec.get("dtype").asText()), order,
          longs(spec.get("shape")));
      owned.add(out);
      opts = opts.out(out);
    }
    return opts;
  }

  // ------------------------------------------------------------------ cases

  private void runCase(JsonNode c, String mode) {
    List<NDArray> owned = new ArrayList<>();
    try {
      String subs = c.get("subscripts").asText();
      NDArray[] ops = operands(c, owned);
      EinsumOptions opts = options(c.get("options"), mode, owned);
      JsonNode want = c.get("modes").get(mode);
      JsonNode data = want.has("same_as") ? c.get("modes").get(want.get("same_as").asText())
          : want;
      if (want.has("path")) {
        Path p = Einsum.einsumPath(subs, opts, ops);
        List<int[]> got = p.positions();
        JsonNode wp = want.get("path");
        assertEquals(wp.size(), got.size(), "path " + p.numpyPath() + " vs NumPy " + wp);
        for (int s = 0; s < got.size(); s++) {
          assertArrayEquals(ints(wp.get(s)), got.get(s), "path " + p.numpyPath() + " vs NumPy "
              + wp);
        }
      }
      NDArray res = Einsum.einsum(subs, opts, ops);
      if (opts.out() != null) {
        assertSame(opts.out(), res, "einsum with out= returns out");
      } else {
        owned.add(res);
      }
      assertEquals(want.get("dtype").asText(), res.dtype().numpyName(), "dtype");
      assertArrayEquals(longs(want.get("shape")), res.shape(), "shape");
      boolean shares = false;
      for (NDArray op : ops) {
        shares |= res.mayShareMemory(op) && res.size() > 0;
      }
      if (want.get("view").asBoolean()) {
        assertTrue(shares, "NumPy returns a view of the operand; Tessera must too");
      } else if (opts.out() == null) {
        assertFalse(shares, "NumPy returns new memory; Tessera must not alias an operand");
      }
      int nop = ops.length;
      compare(res, data.get("data").asText(), want, nop, Einsum.lastTrace().toString());
    } finally {
      for (int i = owned.size() - 1; i >= 0; i--) {
        owned.get(i).close();
      }
    }
  }

  private static void compare(NDArray res, String hex, JsonNode want, int nop, String trace) {
    DType t = res.dtype();
    int isz = t.itemsize();
    long n = res.size();
    byte[] bytes = new byte[hex.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    assertEquals(n * isz, bytes.length, "result bytes");
    try (NDArray c = res.copy()) {
      long addr = c.dataAddress();
      if (t.kind() != 'f') {
        for (long i = 0; i < n; i++) {
          long got = Raw.getBits(addr + i * isz, isz);
          long exp = bits(bytes, (int) (i * isz), isz);
          if (got != exp) {
            fail("element " + i + ": " + got + " != NumPy's " + exp + "  [" + trace + "]");
          }
        }
        return;
      }
      double eps = t == DType.FLOAT64 ? 0x1p-52 : t == DType.FLOAT32 ? 0x1p-23 : 0x1p-10;
      long k = want.get("k").asLong();
      String bhex = want.get("bound").asText();
      for (long i = 0; i < n; i++) {
        long b = bits(bytes, (int) (i * isz), isz);
        double exp = t == DType.FLOAT64 ? Double.longBitsToDouble(b)
            : t == DType.FLOAT32 ? Float.intBitsToFloat((int) b) : Float16.toDouble((short) b);
        double got = EinsumLoop.readDouble(t, addr + i * isz);
        int bi = (int) (i * 4);
        long bb = Long.parseLong(bhex.substring(2 * bi, 2 * bi + 8), 16);
        int fb = Integer.reverseBytes((int) bb);
        double bound = Float.intBitsToFloat(fb);
        double tol = (k + nop + 1) * eps * bound;
        if (t == DType.FLOAT16) {
          tol += Math.ulp((float) Math.abs(exp)) * 0x1p13; // one half-precision ulp
        }
        boolean ok = got == exp || Math.abs(got - exp) <= tol
            || Double.isNaN(got) && Double.isNaN(exp);
        if (!ok) {
          fail("element " + i + ": " + got + " vs NumPy's " + exp + " differ by "
              + Math.abs(got - exp) + " > " + tol + " (k=" + k + ", bound=" + bound + ")  ["
              + trace + "]");
        }
      }
    }
  }

  private static long bits(byte[] b, int off, int n) {
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }

  // ------------------------------------------------------------------ errors

  private DynamicContainer errors(JsonNode root) {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode e : root.get("errors")) {
      tests.add(DynamicTest.dynamicTest(e.get("name").asText(), () -> {
        List<NDArray> owned = new ArrayList<>();
        try {
          NDArray[] ops = operands(e, owned);
          EinsumOptions opts = options(e.get("options"), e.get("mode").asText(), owned);
          String subs = e.get("subscripts").asText();
          String type = e.get("type").asText();
          String msg = e.get("message").asText();
          RuntimeException thrown = null;
          try {
            Einsum.einsum(subs, opts, ops).close();
          } catch (RuntimeException ex) {
            thrown = ex;
          }
          if (thrown == null) {
            fail("expected NumPy's " + type + ": " + msg);
          }
          if (type.equals("TypeError")) {
            assertTrue(thrown instanceof CastingException, thrown.toString());
            assertEquals(msg, thrown.getMessage());
          } else {
            assertTrue(thrown instanceof EinsumException, thrown.toString());
            EinsumException ee = (EinsumException) thrown;
            assertEquals(msg.strip(), ee.numpyMessage().strip());
            assertTrue(ee.getMessage().contains("'" + subs + "'"), ee.getMessage());
            assertTrue(ee.getMessage().contains(EinsumLoop.shapeString(ops[0].shape())),
                ee.getMessage());
          }
          if (opts.out() != null) {
            try (NDArray z = np.zeros(opts.out().dtype(), opts.out().shape())) {
              assertArrayEquals(z.toDoubleArray(), opts.out().toDoubleArray(),
                  "out untouched");
            }
          }
        } finally {
          for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
          }
        }
      }));
    }
    return DynamicContainer.dynamicContainer("errors", tests);
  }

  private static long[] longs(JsonNode a) {
    long[] r = new long[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = a.get(i).asLong();
    }
    return r;
  }

  private static int[] ints(JsonNode a) {
    int[] r = new int[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = a.get(i).asInt();
    }
    return r;
  }
}
