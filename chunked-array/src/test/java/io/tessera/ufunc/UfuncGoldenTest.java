package io.tessera.ufunc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.errors.TesseraException;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.testing.ArrayTestBase;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every ufunc on every input dtype combination, called through the public API exactly as the
 * golden generator called NumPy ({@code f(a[:, None], b[None, :])} over edge values): the result
 * dtype, shape and bits, or an error wherever NumPy raised. Integer, comparison and exactly
 * rounded float results must be bit-identical; the transcendental functions are held to
 * {@link #ULP_BOUND} units in the last place (NumPy's own SIMD implementations differ from
 * correctly rounded results by up to 3 ULP here).
 */
class UfuncGoldenTest extends ArrayTestBase {

  /** The transcendental ufuncs and the ULP bound they are held to. */
  static final Set<String> TRANSCENDENTAL = Set.of("exp", "exp2", "expm1", "log", "log2", "log10",
      "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "cbrt",
      "arctan2", "power", "hypot");
  static final long ULP_BOUND = 3; // the largest measured: float64 cbrt (see KernelGoldenTest)

  @TestFactory
  List<DynamicTest> everyUfuncOnEveryDtypeCombination() throws IOException {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("/golden/ufunc/ufunc_calls.json.gz")) {
      if (in == null) {
        fail("missing golden file golden/ufunc/ufunc_calls.json.gz");
      }
      root = new ObjectMapper().readTree(new GZIPInputStream(in));
    }
    JsonNode edges = root.get("edges");
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : root.get("cases")) {
      String name = c.get("ufunc").asText();
      List<String> types = new ArrayList<>();
      c.get("types").forEach(t -> types.add(t.asText()));
      tests.add(DynamicTest.dynamicTest(name + types, () -> runCase(name, types, c, edges)));
    }
    return tests;
  }

  private NDArray edgeArray(String type, JsonNode edges) {
    DType t = DType.of(type);
    JsonNode bits = edges.get(type);
    NDArray a = np.empty(t, bits.size());
    for (int i = 0; i < bits.size(); i++) {
      Raw.putBits(a.dataAddress() + (long) i * t.itemsize(), t.itemsize(),
          Long.parseUnsignedLong(bits.get(i).asText(), 16));
    }
    return a;
  }

  private void runCase(String name, List<String> types, JsonNode c, JsonNode edges) {
    Ufunc u = Ufunc.of(name);
    List<NDArray> owned = new ArrayList<>();
    try {
      NDArray result;
      try {
        if (types.size() == 2) {
          NDArray a = edgeArray(types.get(0), edges);
          owned.add(a);
          NDArray b = edgeArray(types.get(1), edges);
          owned.add(b);
          NDArray a2 = a.expandDims(1);
          owned.add(a2);
          NDArray b2 = b.expandDims(0);
          owned.add(b2);
          result = u.apply(a2, b2);
        } else {
          NDArray a = edgeArray(types.get(0), edges);
          owned.add(a);
          result = u.apply(a);
        }
      } catch (TesseraException e) {
        if (!c.has("error")) {
          throw new AssertionError("NumPy computed " + name + types + " but Tessera raised " + e, e);
        }
        return;
      }
      owned.add(result);
      if (c.has("error")) {
        fail("NumPy raised " + c.get("error").asText() + ": " + c.get("message").asText()
            + " but Tessera computed " + result.dtype());
      }
      DType want = DType.of(c.get("dtype").asText());
      assertEquals(want, result.dtype(), "result dtype");
      JsonNode bits = c.get("bits");
      assertEquals(bits.size(), result.size(), "size");
      long[] got = rawBitsC(result);
      boolean inexact = TRANSCENDENTAL.contains(name) && want.isFloat();
      for (int i = 0; i < got.length; i++) {
        long expected = Long.parseUnsignedLong(bits.get(i).asText(), 16);
        if (got[i] == expected) {
          continue;
        }
        if (want.isFloat() && bothNaN(want, got[i], expected)) {
          continue;
        }
        if (inexact && ulps(want, got[i], expected) <= ULP_BOUND) {
          continue;
        }
        fail(name + types + " element " + i + ": NumPy 0x" + Long.toHexString(expected)
            + " (" + asDouble(want, expected) + "), Tessera 0x" + Long.toHexString(got[i]) + " ("
            + asDouble(want, got[i]) + ")");
      }
    } finally {
      for (int i = owned.size() - 1; i >= 0; i--) {
        owned.get(i).close();
      }
    }
  }

  static long[] rawBitsC(NDArray r) {
    try (NDArray c = r.copy()) {
      long[] out = new long[(int) c.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = Raw.getBits(c.dataAddress() + (long) i * c.itemsize(), c.itemsize());
      }
      return out;
    }
  }

  static double asDouble(DType t, long bits) {
    switch (t) {
      case FLOAT16: return Float16.toDouble((short) bits);
      case FLOAT32: return Float.intBitsToFloat((int) bits);
      default: return Double.longBitsToDouble(bits);
    }
  }

  static boolean bothNaN(DType t, long a, long b) {
    return Double.isNaN(asDouble(t, a)) && Double.isNaN(asDouble(t, b));
  }

  /** Distance in units in the last place, on the ordered integer line of the format. */
  static long ulps(DType t, long a, long b) {
    return Math.abs(ordered(t, a) - ordered(t, b));
  }

  private static long ordered(DType t, long bits) {
    long sign;
    long mag;
    switch (t) {
      case FLOAT16: sign = bits & 0x8000; mag = bits & 0x7fff; break;
      case FLOAT32: sign = bits & 0x8000_0000L; mag = bits & 0x7fff_ffffL; break;
      default: sign = bits & Long.MIN_VALUE; mag = bits & Long.MAX_VALUE; break;
    }
    return sign != 0 ? -mag : mag;
  }

}
