package io.tessera.dtype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.errors.ScalarOverflowException;
import io.tessera.errors.TesseraException;
import io.tessera.ufunc.TypeResolver;
import io.tessera.ufunc.UfuncSpec;
import io.tessera.ufunc.UfuncSpecs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * How weak Python scalars become values of a loop's dtype ({@link Promotion#weakScalarBits}, the
 * converted bits {@link TypeResolver#resolveFull} reports) and what comparisons with them give,
 * against NumPy 2.4.6 (golden {@code ufunc_types/values.json.gz}).
 */
class PromotionWeakScalarTest {
  private static final JsonNode G = load("/golden/ufunc_types/values.json.gz");

  private static JsonNode load(String path) {
    try (InputStream raw = PromotionWeakScalarTest.class.getResourceAsStream(path)) {
      if (raw == null) {
        fail("missing golden " + path + ": run python3 "
            + "integration-tests/src/test/python/gen_ufunc_type_goldens.py");
      }
      return new ObjectMapper().readTree(new GZIPInputStream(raw));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<DType> dtypes() {
    List<DType> out = new ArrayList<>();
    G.get("dtypes").forEach(n -> out.add(DType.of(n.asText())));
    return out;
  }

  /** "i:300" / "f:nan" / "b:1" as (kind dtype, Java value). */
  private record Weak(DType kind, Number value) {
    static Weak parse(String s) {
      String v = s.substring(2);
      switch (s.charAt(0)) {
        case 'i': {
          BigInteger n = new BigInteger(v);
          return new Weak(DType.INT64, n.bitLength() < 64 ? (Number) n.longValue() : n);
        }
        case 'f':
          return new Weak(DType.FLOAT64, v.equals("nan") ? Double.NaN
              : v.equals("inf") ? Double.POSITIVE_INFINITY
              : v.equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(v));
        default:
          return new Weak(DType.BOOL, Long.parseLong(v));
      }
    }
  }

  private String error(String token) {
    JsonNode e = G.get("errors").get(Integer.parseInt(token.substring(1)));
    return e.get(0).asText() + ": " + e.get(1).asText();
  }

  private static double toDouble(DType t, long bits) {
    switch (t) {
      case FLOAT16:
        return Float16.toDouble((short) bits);
      case FLOAT32:
        return Float.intBitsToFloat((int) bits);
      default:
        return Double.longBitsToDouble(bits);
    }
  }

  /** {@code 0 + x} in float dtype t (turns -0.0 into 0.0, as the golden's np.add does). */
  private static long plusZero(DType t, long bits) {
    if (!t.isFloat() || toDouble(t, bits) != 0.0) {
      return bits;
    }
    return 0;
  }

  @Test
  void ufuncConversionsOfWeakScalarsMatchNumpy() {
    List<DType> dtypes = dtypes();
    List<String> wrong = new ArrayList<>();
    int n = 0;
    for (JsonNode row : G.get("ufunc_conversions")) {
      Weak w = Weak.parse(row.get(0).asText());
      for (int d = 0; d < 12; d++) {
        DType t = dtypes.get(d);
        String expected = row.get(1).get(d).asText();
        expected = expected.startsWith("!") ? error(expected) : expected;
        String actual;
        try {
          // np.add(np.zeros(1, t), v, dtype=t, casting='unsafe')
          TypeResolver.Resolution r = TypeResolver.resolveFull(UfuncSpecs.ADD,
              new DType[] {t, w.kind()}, new boolean[] {false, true},
              new Number[] {null, w.value()}, t, null, Casting.UNSAFE);
          long bits = Convert.rawBitsConvert(r.operandTypes()[1], t, r.scalarBits()[1]);
          actual = Long.toHexString(plusZero(t, bits));
          if (w.kind() != DType.BOOL) {
            assertEquals(bits, Promotion.weakScalarBits("add", t, w.value()));
          }
        } catch (ScalarOverflowException e) {
          actual = "OverflowError: " + e.getMessage();
        }
        if (!expected.equals(actual)) {
          wrong.add(row.get(0).asText() + " -> " + t + ": numpy " + expected + ", ours " + actual);
        }
        n++;
      }
    }
    System.out.println("PromotionWeakScalarTest: " + n + " scalar conversions compared");
    assertEquals(List.of(), wrong);
  }

  @Test
  void pythonIntsConvertLikeNumpySetitem() {
    List<DType> dtypes = dtypes();
    List<String> wrong = new ArrayList<>();
    for (JsonNode row : G.get("conversions")) {
      Weak w = Weak.parse(row.get(0).asText());
      if (w.kind() != DType.INT64) {
        continue; // Python floats: ufuncs cast them (above), np.array uses int() for integers
      }
      for (int d = 0; d < 12; d++) {
        DType t = dtypes.get(d);
        if (t == DType.BOOL) {
          continue; // np.array(2**63, bool) is True, a ufunc raises (tested above)
        }
        String expected = row.get(1).get(d).asText();
        if (expected.startsWith("!")) {
          expected = error(expected);
          if (t == DType.INT64 && expected.contains("int too big to convert")) {
            continue; // np.array(.., 'q') wording; int64 arrays are 'l' in ufuncs
          }
        }
        String actual;
        try {
          actual = Long.toHexString(Promotion.weakScalarBits("array", t, w.value()));
        } catch (TesseraException e) {
          actual = "OverflowError: " + e.getMessage();
        }
        if (!expected.equals(actual)) {
          wrong.add(row.get(0).asText() + " -> " + t + ": numpy " + expected + ", ours " + actual);
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  /** The raw bits of a sample element written by NumPy as its Python repr. */
  private static long sampleBits(DType t, String repr) {
    if (t.isBool()) {
      return repr.equals("True") ? 1 : 0;
    }
    if (t.isFloat()) {
      double v = repr.equals("nan") ? Double.NaN : repr.equals("inf") ? Double.POSITIVE_INFINITY
          : repr.equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(repr);
      return Convert.rawBitsConvert(DType.FLOAT64, t, Double.doubleToRawLongBits(v));
    }
    long v = new BigInteger(repr).longValue();
    return t.itemsize() == 8 ? v : v & ((1L << t.bits()) - 1);
  }

  /** -1/0/1, or 2 when unordered (NaN), of a and b, both raw bits of dtype t. */
  private static int compare(DType t, long a, long b) {
    if (t.isFloat()) {
      double x = toDouble(t, a);
      double y = toDouble(t, b);
      return x < y ? -1 : x > y ? 1 : x == y ? 0 : 2;
    }
    if (t.isUnsigned() || t.isBool()) {
      return Long.compareUnsigned(a, b);
    }
    long x = t.itemsize() == 8 ? a : (a << (64 - t.bits())) >> (64 - t.bits());
    long y = t.itemsize() == 8 ? b : (b << (64 - t.bits())) >> (64 - t.bits());
    return Long.compare(x, y);
  }

  private static boolean holds(String ufunc, int c) {
    switch (ufunc) {
      case "equal": return c == 0;
      case "not_equal": return c != 0;
      case "less": return c == -1;
      case "less_equal": return c == -1 || c == 0;
      case "greater": return c == 1;
      case "greater_equal": return c == 1 || c == 0;
      default: throw new AssertionError(ufunc);
    }
  }

  @Test
  void comparisonsWithWeakScalarsGiveNumpysValues() {
    List<String> wrong = new ArrayList<>();
    int n = 0;
    for (JsonNode row : G.get("comparisons")) {
      UfuncSpec u = UfuncSpecs.get(row.get(0).asText());
      DType d = DType.of(row.get(1).asText());
      Weak w = Weak.parse(row.get(3).asText());
      boolean scalarFirst = row.get(4).asText().equals("right");
      String expected = row.get(5).asText();
      DType[] types = scalarFirst ? new DType[] {w.kind(), d} : new DType[] {d, w.kind()};
      boolean[] weak = scalarFirst ? new boolean[] {true, false} : new boolean[] {false, true};
      Number[] values = scalarFirst ? new Number[] {w.value(), null}
          : new Number[] {null, w.value()};
      StringBuilder actual = new StringBuilder();
      try {
        TypeResolver.Resolution r =
            TypeResolver.resolveFull(u, types, weak, values, null, null, null);
        int s = scalarFirst ? 0 : 1;
        DType loopType = r.loop().in()[s];
        long scalar = Convert.rawBitsConvert(r.operandTypes()[s], loopType, r.scalarBits()[s]);
        for (JsonNode e : row.get(2)) {
          if (r.fixedResult() != null) {
            actual.append(r.fixedResult() ? 'T' : 'F');
            continue;
          }
          long elem = Convert.rawBitsConvert(d, r.loop().in()[1 - s], sampleBits(d, e.asText()));
          int c = scalarFirst ? compare(loopType, scalar, elem) : compare(loopType, elem, scalar);
          actual.append(holds(u.name(), c) ? 'T' : 'F');
        }
      } catch (TesseraException e) {
        actual.append(e.getMessage());
      }
      String exp = expected.startsWith("!") ? error(expected).replaceFirst("^[A-Za-z]+: ", "")
          : expected;
      if (!exp.equals(actual.toString())) {
        wrong.add(row + ": ours " + actual);
      }
      n++;
    }
    System.out.println("PromotionWeakScalarTest: " + n + " comparisons with weak scalars");
    assertEquals(List.of(), wrong.subList(0, Math.min(30, wrong.size())), wrong.size() + " wrong");
  }

  @Test
  void briefExamples() {
    assertEquals(0x2cL, Promotion.weakScalarBits("add", DType.INT8, 300.7)); // C cast, wraps
    assertEquals(1L, Promotion.weakScalarBits("add", DType.BOOL, Double.NaN));
    assertEquals(0x7c00L, Promotion.weakScalarBits("add", DType.FLOAT16, 65520L)); // inf
    assertEquals(0xffffffffffffffffL,
        Promotion.weakScalarBits("add", DType.UINT64, new BigInteger("18446744073709551615")));
    ScalarOverflowException e = assertThrows(ScalarOverflowException.class,
        () -> Promotion.weakScalarBits("add", DType.UINT8, 300L));
    assertEquals("Python integer 300 out of bounds for uint8", e.getMessage());
    e = assertThrows(ScalarOverflowException.class,
        () -> Promotion.weakScalarBits("add", DType.UINT64, -1L));
    assertEquals("Python integer -1 out of bounds for uint64", e.getMessage());
    assertEquals(-1, Promotion.rangeSide(DType.UINT8, -1L));
    assertEquals(1, Promotion.rangeSide(DType.UINT8, 256L));
    assertEquals(0, Promotion.rangeSide(DType.INT8, -128L));
    // np.where converts with an unsafe cast: 300 wraps to 44 in uint8 (NumPy 2.4.6)
    assertEquals(44L, Promotion.whereScalarBits(DType.UINT8, 300L));
  }
}
