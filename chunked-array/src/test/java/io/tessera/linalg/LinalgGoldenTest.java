package io.tessera.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.errors.CastingException;
import io.tessera.errors.IndexOutOfRangeException;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
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
 * Every case of {@code gen_linalg_goldens.py} (matmul, dot, vdot, inner, outer, tensordot, trace,
 * diagonal over all dtypes, mixed dtypes, layouts, batch broadcasting, out=, errors) replayed
 * through the public API, three ways: every product staged and run on the active BLAS ({@link
 * Blas#instance()}, native when libopenblas0 is installed); on netlib's pure-Java BLAS with small
 * products computed in place (the default); and with staging arrays limited to 64 elements so
 * that every product is split into blocks (K split and accumulated).
 *
 * <p>Result dtype and shape must equal NumPy's. Values: integer, bool and float16 products,
 * outer products and diagonals bit for bit; other float results to within
 * {@code |tessera - numpy| <= (k + 1)·eps·(|A|·|B|)} per element, where k is the length of the
 * sums and eps the result dtype's machine epsilon ({@code 2^-52}, {@code 2^-23}, {@code 2^-10})
 * — both results are within {@code k·eps/2·(|A|·|B|)} of the exact one whatever the summation
 * order (BLAS blocks and vectorizes; NumPy's trace sums pairwise). Errors: NumPy's message and the
 * matching exception class.
 */
class LinalgGoldenTest extends ArrayTestBase {

  @TestFactory
  List<DynamicNode> goldens() throws IOException {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("/golden/linalg/linalg_cases.json.gz")) {
      if (in == null) {
        fail("missing golden file golden/linalg/linalg_cases.json.gz");
      }
      root = new ObjectMapper().readTree(new GZIPInputStream(in));
    }
    List<DynamicNode> out = new ArrayList<>();
    out.add(container("active BLAS", root, () -> null, Integer.MAX_VALUE, 0));
    out.add(container("Java BLAS, small products in place", root, Blas::javaInstance,
        Integer.MAX_VALUE, Contraction.smallLimit));
    out.add(container("blocked (64-element staging)", root, () -> null, 64, 0));
    return out;
  }

  private DynamicContainer container(String label, JsonNode root,
      Supplier<dev.ludovic.netlib.blas.BLAS> impl, int stageLimit, long smallLimit) {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : root.get("cases")) {
      tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
        int oldLimit = Contraction.stageLimit;
        long oldSmall = Contraction.smallLimit;
        Contraction.stageLimit = Math.min(oldLimit, stageLimit);
        Contraction.smallLimit = smallLimit;
        try {
          dev.ludovic.netlib.blas.BLAS b = impl.get();
          if (b == null) {
            runCase(c);
          } else {
            Blas.using(b, () -> {
              runCase(c);
              return null;
            });
          }
        } finally {
          Contraction.stageLimit = oldLimit;
          Contraction.smallLimit = oldSmall;
        }
      }));
    }
    return DynamicContainer.dynamicContainer(label, tests);
  }

  // ------------------------------------------------------------------ operands

  /** The base array of an operand spec, filled from its hex data or regenerated (gen=hash). */
  private NDArray base(JsonNode spec) {
    DType t = DType.of(spec.get("dtype").asText());
    long[] shape = longs(spec.get("base"));
    NDArray a = np.empty(t, shape);
    long n = a.size();
    long addr = a.dataAddress();
    if (spec.has("gen")) {
      for (long i = 0; i < n; i++) {
        long h = (i * 2654435761L) & 0xFFFF_FFFFL;
        long at = addr + i * t.itemsize();
        switch (t) {
          case FLOAT64: Raw.putDouble(at, h / 0x1p32 - 0.5); break;
          case FLOAT32: Raw.putFloat(at, (float) (h / 0x1p32 - 0.5)); break;
          case FLOAT16: Raw.putShort(at, Float16.fromDouble(h / 0x1p32 - 0.5)); break;
          case BOOL: Raw.putByte(at, (byte) (h & 1)); break;
          default: Raw.putBits(at, t.itemsize(), h * 40503L);
        }
      }
    } else {
      String hex = spec.get("data").asText();
      for (int i = 0; i < hex.length() / 2; i++) {
        Raw.putByte(addr + i, (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16));
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

  private NDArray operand(JsonNode spec, List<NDArray> owned) {
    NDArray b = base(spec);
    owned.add(b);
    NDArray v = steps(b, spec.get("steps"), owned);
    assertArrayEquals(longs(spec.get("shape")), v.shape(), "operand shape");
    return v;
  }

  private NDArray out(JsonNode spec, List<NDArray> owned) {
    DType t = DType.of(spec.get("dtype").asText());
    long[] shape = longs(spec.get("shape"));
    List<String> st = new ArrayList<>();
    spec.get("steps").forEach(s -> st.add(s.asText()));
    long[] baseShape = shape.clone();
    if (st.contains("T")) {
      for (int i = 0; i < shape.length; i++) {
        baseShape[i] = shape[shape.length - 1 - i];
      }
    }
    if (st.stream().anyMatch(s -> s.startsWith("S:"))) {
      baseShape = Arrays.stream(shape).map(d -> 2 * d).toArray();
    }
    NDArray b = np.zeros(t, baseShape);
    owned.add(b);
    return steps(b, spec.get("steps"), owned);
  }

  // ------------------------------------------------------------------ one case

  private void runCase(JsonNode c) {
    String op = c.get("op").asText();
    JsonNode params = c.get("params");
    List<NDArray> owned = new ArrayList<>();
    try {
      List<NDArray> args = new ArrayList<>();
      for (JsonNode a : c.get("args")) {
        args.add(operand(a, owned));
      }
      NDArray out = c.has("out") ? out(c.get("out"), owned) : null;
      if (c.has("error")) {
        JsonNode e = c.get("error");
        TesseraException ex = assertThrows(expectedClass(e.get("type").asText()),
            () -> owned.add(call(op, args, params, out)));
        assertEquals(e.get("message").asText(), ex.getMessage());
        return;
      }
      NDArray r = call(op, args, params, out);
      if (out != null) {
        assertSame(out, r, "matmul(out=) returns out");
      } else {
        owned.add(r);
      }
      check(c, op, args, r);
    } finally {
      for (int i = owned.size() - 1; i >= 0; i--) {
        owned.get(i).close();
      }
    }
  }

  private static Class<? extends TesseraException> expectedClass(String numpyType) {
    switch (numpyType) {
      case "UFuncTypeError": return CastingException.class;
      case "IndexError": return IndexOutOfRangeException.class;
      case "ValueError":
      case "AxisError": return ShapeException.class;
      default: throw new AssertionError(numpyType);
    }
  }

  private static NDArray call(String op, List<NDArray> a, JsonNode p, NDArray out) {
    switch (op) {
      case "matmul": return Linalg.matmul(a.get(0), a.get(1), out);
      case "dot": return Linalg.dot(a.get(0), a.get(1));
      case "vdot": return Linalg.vdot(a.get(0), a.get(1));
      case "inner": return Linalg.inner(a.get(0), a.get(1));
      case "outer": return Linalg.outer(a.get(0), a.get(1));
      case "tensordot": {
        JsonNode axes = p.get("axes");
        if (axes.isInt()) {
          return Linalg.tensordot(a.get(0), a.get(1), axes.asInt());
        }
        return Linalg.tensordot(a.get(0), a.get(1), ints(axes.get(0)), ints(axes.get(1)));
      }
      case "trace":
        return Linalg.trace(a.get(0), p.get("offset").asLong(), p.get("axis1").asInt(),
            p.get("axis2").asInt(), p.has("dtype") ? DType.of(p.get("dtype").asText()) : null);
      case "diagonal":
        return Linalg.diagonal(a.get(0), p.get("offset").asLong(), p.get("axis1").asInt(),
            p.get("axis2").asInt());
      default:
        throw new AssertionError(op);
    }
  }

  private void check(JsonNode c, String op, List<NDArray> args, NDArray r) {
    JsonNode res = c.get("result");
    String name = c.get("name").asText();
    DType t = DType.of(res.get("dtype").asText());
    assertEquals(t, r.dtype(), name + ": dtype");
    assertArrayEquals(longs(res.get("shape")), r.shape(), name + ": shape");
    byte[] want = hex(res.get("data").asText());
    byte[] got = cOrderBytes(r);
    assertEquals(want.length, got.length, name + ": byte length");
    boolean exact = !t.isFloat() || op.equals("outer") || op.equals("diagonal")
        || (t == DType.FLOAT16 && !op.equals("trace"));
    if (op.equals("diagonal")) {
      assertArrayEquals(longs(res.get("strides")), r.strides(), name + ": diagonal strides");
      assertFalse(r.isWriteable(), "diagonal is read-only");
      if (r.size() > 0) {
        assertTrue(r.sharesMemory(args.get(0)), "diagonal is a view of its operand");
      }
    }
    if (exact) {
      assertArrayEquals(want, got, name + ": bits");
      return;
    }
    byte[] bound = hex(res.get("bound").asText());
    long k = res.get("k").asLong();
    double eps = t == DType.FLOAT64 ? 0x1p-52 : t == DType.FLOAT32 ? 0x1p-23 : 0x1p-10;
    int isz = t.itemsize();
    long n = r.size();
    for (int i = 0; i < n; i++) {
      double w = value(t, want, i * isz);
      double g = value(t, got, i * isz);
      float bd = Float.intBitsToFloat(littleInt(bound, i * 4));
      double tol = (k + 1) * eps * bd;
      if (!(Math.abs(g - w) <= tol)) {
        fail(name + ": element " + i + " is " + g + ", NumPy " + w + ", |diff| "
            + Math.abs(g - w) + " > bound " + tol);
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  static byte[] cOrderBytes(NDArray r) {
    try (NDArray c = r.copy()) {
      byte[] b = new byte[(int) c.nbytes()];
      if (b.length > 0) {
        Raw.copyToHeap(c.dataAddress(), b, 0, b.length);
      }
      return b;
    }
  }

  private static double value(DType t, byte[] b, int off) {
    switch (t) {
      case FLOAT64: return Double.longBitsToDouble(littleLong(b, off));
      case FLOAT32: return Float.intBitsToFloat(littleInt(b, off));
      case FLOAT16: return Float16.toDouble((short) ((b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8));
      default: throw new AssertionError(t);
    }
  }

  private static int littleInt(byte[] b, int off) {
    return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16
        | (b[off + 3] & 0xFF) << 24;
  }

  private static long littleLong(byte[] b, int off) {
    return (littleInt(b, off) & 0xFFFF_FFFFL) | ((long) littleInt(b, off + 4)) << 32;
  }

  private static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
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
