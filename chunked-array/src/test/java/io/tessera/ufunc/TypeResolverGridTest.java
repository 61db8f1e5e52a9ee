package io.tessera.ufunc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.errors.CastingException;
import io.tessera.errors.ScalarOverflowException;
import io.tessera.errors.TesseraException;
import io.tessera.errors.UfuncTypeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Every ufunc on arrays of every combination of input dtypes, under every casting mode, with
 * {@code dtype=} and {@code out=} dtypes: the loop, or the error (class and message), equal to
 * NumPy 2.4.6's (golden {@code ufunc_types/grid.json.gz}).
 */
class TypeResolverGridTest {

  @Test
  void everyUfuncDtypeCombinationCastingDtypeAndOutMatchesNumpy() {
    JsonNode g = Goldens.json("grid.json.gz");
    List<DType> dtypes = Goldens.dtypes(g);
    Goldens.Checker check = new Goldens.Checker(g.get("errors"));
    int groups = 0;
    for (JsonNode group : g.get("groups")) {
      UfuncSpec u = UfuncSpecs.get(group.get("ufunc").asText());
      Casting casting = Casting.of(group.get("casting").asText());
      DType dtype = Goldens.dtypeOrNull(group.get("dtype"));
      DType out = Goldens.dtypeOrNull(group.get("out"));
      String[] expected = group.get("results").asText().split(" ");
      List<DType[]> combos = Goldens.combinations(dtypes, u.nin());
      assertEquals(combos.size(), expected.length, u.name());
      for (int c = 0; c < expected.length; c++) {
        DType[] in = combos.get(c);
        check.compare(() -> u.name() + java.util.Arrays.toString(in) + " casting=" + casting
            + " dtype=" + dtype + " out=" + out, expected[c], () -> TypeResolver.resolve(u, in, null, null, dtype,
            out == null ? null : new DType[] {out}, casting).code());
      }
      groups++;
    }
    for (JsonNode row : g.get("sample")) {
      UfuncSpec u = UfuncSpecs.get(row.get(0).asText());
      Casting casting = Casting.of(row.get(1).asText());
      DType dtype = Goldens.dtypeOrNull(row.get(2));
      DType out = Goldens.dtypeOrNull(row.get(3));
      DType[] in = new DType[u.nin()];
      for (int i = 0; i < in.length; i++) {
        in[i] = DType.of(row.get(4).get(i).asText());
      }
      String what = "sample " + row;
      check.compare(what, row.get(5).asText(), () -> TypeResolver.resolve(u, in, null, null,
          dtype, new DType[] {out}, casting).code());
    }
    assertEquals(UfuncSpecs.allNames().size() - 1, g.get("groups").size() / 185,
        "every ufunc but where has 185 groups");
    assertTrue(groups > 0);
    System.out.println("TypeResolverGridTest: " + check.count + " comparisons with NumPy ("
        + groups + " groups + " + g.get("sample").size() + " mixed dtype=/out= samples)");
    check.assertNoMismatch();
  }

  /** Loading and comparing the {@code ufunc_types/} goldens (shared by the ufunc tests). */
  static final class Goldens {
    static final String DIR = "/golden/ufunc_types/";

    private Goldens() {}

    static JsonNode json(String name) {
      try (InputStream raw = Goldens.class.getResourceAsStream(DIR + name)) {
        if (raw == null) {
          fail("missing golden " + DIR + name + ": run python3 "
              + "integration-tests/src/test/python/gen_ufunc_type_goldens.py from the repository "
              + "root");
        }
        InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        return new ObjectMapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static List<DType> dtypes(JsonNode g) {
      List<DType> out = new ArrayList<>();
      g.get("dtypes").forEach(n -> out.add(DType.of(n.asText())));
      assertEquals(12, out.size());
      return out;
    }

    static DType dtypeOrNull(JsonNode n) {
      return n == null || n.isNull() ? null : DType.of(n.asText());
    }

    /** itertools.product(dtypes, repeat=n), in Python's order. */
    static List<DType[]> combinations(List<DType> dtypes, int n) {
      List<DType[]> out = new ArrayList<>();
      int total = (int) Math.pow(dtypes.size(), n);
      for (int k = 0; k < total; k++) {
        DType[] c = new DType[n];
        int rest = k;
        for (int i = n - 1; i >= 0; i--) {
          c[i] = dtypes.get(rest % dtypes.size());
          rest /= dtypes.size();
        }
        out.add(c);
      }
      return out;
    }

    /** An operand as the generator encodes it. */
    record Arg(DType type, boolean weak, Number value) {
      static Arg parse(String s) {
        if (s.startsWith("i:")) {
          BigInteger n = new BigInteger(s.substring(2));
          Number v = n.bitLength() < 64 ? (Number) n.longValue() : n;
          return new Arg(DType.INT64, true, v);
        }
        if (s.startsWith("f:")) {
          return new Arg(DType.FLOAT64, true, parseFloat(s.substring(2)));
        }
        if (s.startsWith("b:")) {
          return new Arg(DType.BOOL, true, Long.parseLong(s.substring(2)));
        }
        return new Arg(DType.of(s), false, null);
      }

      /** The Java scalar for np.where / np.clip helpers: Boolean, Long/BigInteger or Double. */
      Object scalar() {
        return type == DType.BOOL ? (Object) (value.longValue() != 0) : value;
      }
    }

    static double parseFloat(String repr) {
      switch (repr) {
        case "nan":
          return Double.NaN;
        case "inf":
          return Double.POSITIVE_INFINITY;
        case "-inf":
          return Double.NEGATIVE_INFINITY;
        default:
          return Double.parseDouble(repr);
      }
    }

    /** Compares outcomes with golden tokens, collecting mismatches. */
    static final class Checker {
      private final JsonNode errors;
      final List<String> wrong = new ArrayList<>();
      int count;

      Checker(JsonNode errors) {
        this.errors = errors;
      }

      interface Outcome {
        String get();
      }

      void compare(String what, String expected, Outcome outcome) {
        compare(() -> what, expected, outcome);
      }

      /** As above, building the description only for a mismatch. */
      void compare(java.util.function.Supplier<String> what, String expected, Outcome outcome) {
        count++;
        String actual;
        try {
          actual = outcome.get();
        } catch (TesseraException e) {
          actual = "!" + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        String want = expected.startsWith("!") ? expectedError(expected) : expected;
        if (!want.equals(actual) && wrong.size() < 10_000) {
          wrong.add(what.get() + "\n    numpy: " + want + "\n    ours:  " + actual);
        }
      }

      String expectedError(String token) {
        JsonNode e = errors.get(Integer.parseInt(token.substring(1)));
        return "!" + javaClass(e.get(0).asText(), e.get(1).asText()).getSimpleName() + ": "
            + e.get(1).asText();
      }

      void assertNoMismatch() {
        if (!wrong.isEmpty()) {
          fail(wrong.size() + " of " + count + " differ from NumPy; first ones:\n"
              + String.join("\n", wrong.subList(0, Math.min(40, wrong.size()))));
        }
      }
    }

    /** The Tessera exception class standing for a NumPy exception. */
    static Class<? extends TesseraException> javaClass(String numpyClass, String message) {
      switch (numpyClass) {
        case "OverflowError":
          return ScalarOverflowException.class;
        case "UFuncTypeError":
        case "TypeError":
          return message.startsWith("Cannot cast ufunc") || message.startsWith("cannot cast ")
              ? CastingException.class : UfuncTypeException.class;
        default:
          throw new AssertionError("unexpected NumPy exception " + numpyClass + ": " + message);
      }
    }
  }
}
