package io.tessera.linalg.einsum;

import static io.tessera.linalg.einsum.EinsumPathGoldenTest.ints;
import static io.tessera.linalg.einsum.EinsumPathGoldenTest.load;
import static io.tessera.linalg.einsum.EinsumPathGoldenTest.shapes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.errors.EinsumException;
import io.tessera.errors.TesseraException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every malformed einsum in errors.json raises EinsumException whose numpyMessage() is exactly
 * what np.einsum raised (and whose message contains it, plus the subscripts and shapes).
 */
class EinsumErrorGoldenTest {

  @Test
  void enoughErrorCases() throws IOException {
    JsonNode root = load("errors.json");
    assertTrue(root.get("errors").size() >= 15);
    assertTrue(root.get("bad_paths").size() >= 1);
  }

  @TestFactory
  Stream<DynamicTest> everyErrorIsNumpys() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode e : load("errors.json").get("errors")) {
      String subs = e.get("subscripts").asText();
      long[][] shapes = shapes(e.get("shapes"));
      String want = e.get("message").asText();
      String name = subs.replace("\0", "\\0") + " " + e.get("shapes") + " -> " + want;
      tests.add(DynamicTest.dynamicTest(name.length() > 160 ? name.substring(0, 160) : name,
          () -> {
            EinsumException ex = assertThrows(EinsumException.class,
                () -> EinsumSpec.parse(subs, shapes));
            assertEquals(want, ex.numpyMessage());
            assertTrue(ex.getMessage().contains(want), ex.getMessage());
            assertTrue(ex.getMessage().contains("'" + subs + "'"), ex.getMessage());
            assertEquals("einsum", ex.op());
            assertTrue(ex instanceof TesseraException);
            assertEquals(e.get("type").asText().equals("UnicodeEncodeError"),
                ex.kind() == EinsumException.Kind.NOT_ASCII, ex.kind().toString());
          }));
    }
    return tests.stream();
  }

  @Test
  void invalidExplicitPathsAreNumpys() throws IOException {
    for (JsonNode b : load("errors.json").get("bad_paths")) {
      EinsumSpec spec = EinsumSpec.parse(b.get("subscripts").asText(), shapes(b.get("shapes")));
      List<int[]> steps = new ArrayList<>();
      b.get("path").forEach(s -> steps.add(ints(s)));
      EinsumException ex = assertThrows(EinsumException.class,
          () -> EinsumPath.explicit(spec, steps));
      assertEquals(b.get("message").asText(), ex.numpyMessage());
      assertEquals(EinsumException.Kind.INVALID_PATH, ex.kind());
    }
  }

  @Test
  void explicitPathReproducesAGoldenPlan() throws IOException {
    // Feeding NumPy's own path back, as optimize=['einsum_path', ...], gives the same report.
    int checked = 0;
    for (JsonNode c : load("paths.json").get("cases")) {
      EinsumSpec spec = EinsumSpec.parseWithEllipsisLabels(c.get("subscripts").asText(),
          c.get("ellipsis_labels").asText(), shapes(c.get("shapes")));
      for (JsonNode r : c.get("runs")) {
        if (!r.get("optimize").asText().equals("optimal")) {
          continue;
        }
        List<int[]> steps = new ArrayList<>();
        r.get("path").forEach(s -> steps.add(ints(s)));
        Path p = EinsumPath.explicit(spec, steps);
        assertEquals(r.get("report").asText(), p.report());
        assertEquals(null, p.strategy());
        for (int i = 0; i < steps.size(); i++) {
          assertArrayEquals(steps.get(i), p.positions().get(i));
        }
        checked++;
      }
    }
    assertTrue(checked > 60);
  }
}
