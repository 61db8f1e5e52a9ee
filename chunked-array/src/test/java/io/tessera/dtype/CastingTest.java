package io.tessera.dtype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.errors.CastingException;
import io.tessera.errors.TesseraException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Casting#canCast} and {@link Casting#promoteTypes} against NumPy for every pair. */
class CastingTest {
  private static final JsonNode GOLDEN = DTypeGoldens.json("casting.json");

  private static List<DType> goldenDTypes() {
    List<DType> out = new ArrayList<>();
    GOLDEN.get("dtypes").forEach(n -> out.add(DType.of(n.asText())));
    assertEquals(DType.values().length, out.size(), "golden covers every dtype");
    return out;
  }

  @Test
  void canCastMatchesNumpyForAllPairsAndModes() {
    List<DType> types = goldenDTypes();
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (JsonNode modeName : GOLDEN.get("modes")) {
      Casting mode = Casting.of(modeName.asText());
      JsonNode table = GOLDEN.get("can_cast").get(modeName.asText());
      for (int i = 0; i < types.size(); i++) {
        for (int j = 0; j < types.size(); j++) {
          boolean expected = table.get(i).get(j).asInt() == 1;
          if (Casting.canCast(types.get(i), types.get(j), mode) != expected) {
            wrong.add(types.get(i) + "->" + types.get(j) + " " + mode + " numpy " + expected);
          }
          checked++;
        }
      }
    }
    assertEquals(12 * 12 * 5, checked);
    assertEquals(List.of(), wrong);
  }

  @Test
  void promoteTypesMatchesNumpyForAllPairs() {
    List<DType> types = goldenDTypes();
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < types.size(); i++) {
      for (int j = 0; j < types.size(); j++) {
        DType expected = DType.of(GOLDEN.get("promote_types").get(i).get(j).asText());
        DType actual = Casting.promoteTypes(types.get(i), types.get(j));
        if (actual != expected) {
          wrong.add(types.get(i) + "+" + types.get(j) + ": numpy " + expected + ", ours " + actual);
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void namedPromotions() {
    assertEquals(DType.FLOAT64, Casting.promoteTypes(DType.INT64, DType.UINT64));
    assertEquals(DType.INT16, Casting.promoteTypes(DType.INT8, DType.UINT8));
    assertEquals(DType.FLOAT32, Casting.promoteTypes(DType.FLOAT16, DType.INT16));
    assertEquals(DType.INT8, Casting.promoteTypes(DType.BOOL, DType.INT8));
  }

  @Test
  void parsesNumpyNames() {
    for (Casting c : Casting.values()) {
      assertEquals(c, Casting.of(c.numpyName()));
      assertEquals(c.numpyName(), c.toString());
    }
    TesseraException e = assertThrows(TesseraException.class, () -> Casting.of("bogus"));
    assertTrue(e.getMessage().contains("'bogus'"), e.getMessage());
  }

  @Test
  void checkCastUsesNumpyWording() {
    Casting.checkCast("astype", DType.INT32, DType.INT64, Casting.SAFE);
    CastingException e = assertThrows(CastingException.class,
        () -> Casting.checkCast("astype", DType.FLOAT64, DType.INT64, Casting.SAFE));
    assertEquals("Cannot cast array data from dtype('float64') to dtype('int64') according to the"
        + " rule 'safe'", e.getMessage());
    assertEquals("astype", e.op());
    assertFalse(Casting.canCast(DType.INT8, DType.UINT64, Casting.SAME_KIND));
  }
}
