package io.tessera.dtype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Promotion#resultType} against {@code np.result_type} (NumPy 2.4.6) for all pairs of
 * dtypes, and all pairs and triples of dtypes and weak Python int / float scalars (golden {@code
 * ufunc_types/result_type.json}).
 */
class PromotionResultTypeTest {
  private static final JsonNode GOLDEN = load("/golden/ufunc_types/result_type.json");

  private static JsonNode load(String path) {
    try (InputStream in = PromotionResultTypeTest.class.getResourceAsStream(path)) {
      if (in == null) {
        fail("missing golden " + path + ": run python3 "
            + "integration-tests/src/test/python/gen_ufunc_type_goldens.py");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A golden kind: a dtype name, "i" (weak Python int) or "f" (weak Python float). */
  private record Kind(DType type, boolean weak) {
    static Kind of(String s) {
      switch (s) {
        case "i":
          return new Kind(DType.INT64, true);
        case "f":
          return new Kind(DType.FLOAT64, true);
        default:
          return new Kind(DType.of(s), false);
      }
    }
  }

  private static DType resultType(List<Kind> ks) {
    DType[] t = new DType[ks.size()];
    boolean[] w = new boolean[ks.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = ks.get(i).type();
      w[i] = ks.get(i).weak();
    }
    return Promotion.resultType(t, w);
  }

  @Test
  void allDtypePairsMatchNumpy() {
    List<DType> dtypes = new ArrayList<>();
    GOLDEN.get("dtypes").forEach(n -> dtypes.add(DType.of(n.asText())));
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      for (int j = 0; j < 12; j++) {
        DType expected = DType.of(GOLDEN.get("pairs").get(i).get(j).asText());
        DType a = dtypes.get(i);
        DType b = dtypes.get(j);
        if (Promotion.resultType(a, b) != expected) {
          wrong.add(a + "," + b + ": numpy " + expected + ", ours " + Promotion.resultType(a, b));
        }
        if (Casting.promoteTypes(a, b) != expected) {
          wrong.add("promoteTypes " + a + "," + b);
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void weakPairsAndTriplesMatchNumpy() {
    List<Kind> kinds = new ArrayList<>();
    GOLDEN.get("kinds").forEach(n -> kinds.add(Kind.of(n.asText())));
    assertEquals(14, kinds.size());
    List<String> wrong = new ArrayList<>();
    int n = 0;
    for (int i = 0; i < 14; i++) {
      for (int j = 0; j < 14; j++) {
        String expected = GOLDEN.get("weak_pairs").get(i).get(j).asText();
        List<Kind> ks = List.of(kinds.get(i), kinds.get(j));
        String actual = resultType(ks).numpyName();
        if (!expected.equals(actual)) {
          wrong.add(ks + ": numpy " + expected + ", ours " + actual);
        }
        n++;
      }
    }
    int t = 0;
    for (int i = 0; i < 14; i++) {
      for (int j = 0; j < 14; j++) {
        for (int k = 0; k < 14; k++) {
          String expected = GOLDEN.get("weak_triples").get(t++).asText();
          List<Kind> ks = List.of(kinds.get(i), kinds.get(j), kinds.get(k));
          String actual = resultType(ks).numpyName();
          if (!expected.equals(actual)) {
            wrong.add(ks + ": numpy " + expected + ", ours " + actual);
          }
          n++;
        }
      }
    }
    assertEquals(14 * 14 + 14 * 14 * 14, n);
    assertEquals(List.of(), wrong.subList(0, Math.min(50, wrong.size())), wrong.size() + " wrong");
  }

  @Test
  void nep50Examples() {
    DType[] t = {DType.INT8, DType.INT64};
    boolean[] w = {false, true};
    assertEquals(DType.INT8, Promotion.resultType(t, w)); // int8 + 1
    assertEquals(DType.FLOAT64,
        Promotion.resultType(new DType[] {DType.INT8, DType.FLOAT64}, w)); // int8 + 1.5
    assertEquals(DType.FLOAT32,
        Promotion.resultType(new DType[] {DType.FLOAT32, DType.FLOAT64}, w)); // float32 + 1.5
    assertEquals(DType.FLOAT16,
        Promotion.resultType(new DType[] {DType.FLOAT16, DType.INT64}, w)); // float16 + 1
    assertEquals(DType.INT64,
        Promotion.resultType(new DType[] {DType.BOOL, DType.INT64}, w)); // bool + 1
    assertEquals(DType.FLOAT64,
        Promotion.resultType(new DType[] {DType.BOOL, DType.FLOAT64}, w)); // bool + 1.5
    assertEquals(DType.UINT64,
        Promotion.resultType(new DType[] {DType.UINT64, DType.INT64}, w)); // uint64 + (-1) type
    // not a left fold: float16 promotes uint16 and int16 separately
    assertEquals(DType.FLOAT32, Promotion.resultType(DType.UINT16, DType.INT16, DType.FLOAT16));
    assertThrows(IllegalArgumentException.class,
        () -> Promotion.resultType(new DType[] {DType.INT8}, new boolean[] {true}));
    assertThrows(IllegalArgumentException.class, () -> Promotion.resultType());
  }
}
