package io.tessera.linalg.einsum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * NumPy goldens written by integration-tests/src/test/python/gen_einsum_path_goldens.py: for every
 * case the parse (expanded terms, sizes, output shape) and, for every optimize= setting, the path,
 * the exact FLOP counts, scalings and largest intermediate, the report text character for
 * character, every step's einsum string and remaining terms, and (where NumPy ran the steps) each
 * step's operand and result shapes and NumPy's batched-matmul plan.
 */
class EinsumPathGoldenTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode load(String name) throws IOException {
    try (InputStream in = EinsumPathGoldenTest.class.getResourceAsStream(
        "/golden/einsum/" + name)) {
      assertNotNull(in, "missing golden resource " + name
          + " (run integration-tests/src/test/python/gen_einsum_path_goldens.py)");
      return JSON.readTree(in);
    }
  }

  static long[] longs(JsonNode arr) {
    long[] out = new long[arr.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = arr.get(i).asLong();
    }
    return out;
  }

  static int[] ints(JsonNode arr) {
    int[] out = new int[arr.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = arr.get(i).asInt();
    }
    return out;
  }

  static long[][] shapes(JsonNode arr) {
    long[][] out = new long[arr.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = longs(arr.get(i));
    }
    return out;
  }

  static List<String> strings(JsonNode arr) {
    List<String> out = new ArrayList<>();
    arr.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The path for one golden run's optimize= value. */
  static Path plan(EinsumSpec spec, JsonNode optimize) {
    if (optimize.isBoolean()) {
      // True goes through the boolean overload: NumPy's True means 'greedy'
      return EinsumPath.plan(spec, optimize.asBoolean());
    }
    if (optimize.isTextual()) {
      return EinsumPath.plan(spec, Strategy.named(optimize.asText()));
    }
    return EinsumPath.plan(spec, Strategy.named(optimize.get(0).asText()),
        optimize.get(1).asLong());
  }

  @Test
  void goldenSetCoversTheIssue() throws IOException {
    JsonNode root = load("paths.json");
    JsonNode cases = root.get("cases");
    assertTrue(cases.size() >= 60, "only " + cases.size() + " cases");
    int[] byOperands = new int[8];
    int differ = 0;
    int limited = 0;
    boolean issueCase = false;
    for (JsonNode c : cases) {
      byOperands[Math.min(7, c.get("shapes").size())]++;
      String greedy = null;
      String optimal = null;
      for (JsonNode r : c.get("runs")) {
        JsonNode o = r.get("optimize");
        if (o.isArray()) {
          limited++;
        } else if (o.asText().equals("greedy")) {
          greedy = r.get("optimized_flops").asText();
        } else if (o.asText().equals("optimal")) {
          optimal = r.get("optimized_flops").asText();
        }
      }
      if (!greedy.equals(optimal)) {
        differ++;
      }
      if (c.get("subscripts").asText().equals("ij,jk,kl->il")
          && c.get("shapes").get(0).get(0).asInt() == 1000) {
        issueCase = true;
      }
    }
    for (int n = 1; n <= 6; n++) {
      assertTrue(byOperands[n] > 0, "no case with " + n + " operands");
    }
    assertTrue(differ >= 5, "optimal cheaper than greedy in only " + differ + " cases");
    assertTrue(limited >= 20, "only " + limited + " memory-limited runs");
    assertTrue(issueCase, "the issue's ij,jk,kl->il (1000,50),(50,1000),(1000,50) case");
  }

  @TestFactory
  Stream<DynamicTest> everyCaseMatchesNumpy() throws IOException {
    JsonNode cases = load("paths.json").get("cases");
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : cases) {
      String subs = c.get("subscripts").asText();
      long[][] shapes = shapes(c.get("shapes"));
      String name = subs + " " + c.get("shapes");
      tests.add(DynamicTest.dynamicTest(name, () -> checkCase(c, subs, shapes)));
    }
    return tests.stream();
  }

  private static void checkCase(JsonNode c, String subs, long[][] shapes) {
    EinsumSpec spec = EinsumSpec.parseWithEllipsisLabels(subs,
        c.get("ellipsis_labels").asText(), shapes);
    assertEquals(strings(c.get("inputs")), spec.inputs(), "expanded inputs");
    assertEquals(c.get("output").asText(), spec.output(), "expanded output");
    assertArrayEquals(longs(c.get("output_shape")), spec.outputShape(), "output shape");
    Map<Character, Long> sizes = spec.sizes();
    assertEquals(c.get("sizes").size(), sizes.size(), "labels " + sizes);
    for (Iterator<Map.Entry<String, JsonNode>> it = c.get("sizes").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      assertEquals(e.getValue().asLong(), spec.size(e.getKey().charAt(0)), "size of " + e.getKey());
    }
    // Tessera's own ellipsis labels give the same structure, paths and numbers.
    EinsumSpec own = EinsumSpec.parse(subs, shapes);
    assertArrayEquals(spec.outputShape(), own.outputShape());
    assertEquals(spec.ellipsisLabels().length(), own.ellipsisLabels().length());
    if (spec.ellipsisLabels().isEmpty()) {
      assertEquals(spec.inputs(), own.inputs());
      assertEquals(spec.output(), own.output());
    }

    for (JsonNode r : c.get("runs")) {
      String where = subs + " optimize=" + r.get("optimize");
      Path p = plan(spec, r.get("optimize"));
      List<int[]> positions = p.positions();
      JsonNode want = r.get("path");
      assertEquals(want.size(), positions.size(), where + " path " + p.numpyPath());
      for (int i = 0; i < positions.size(); i++) {
        assertArrayEquals(ints(want.get(i)), positions.get(i), where + " path " + p.numpyPath());
      }
      assertEquals(r.get("naive_flops").asText(), p.naiveFlopCount().toString(), where);
      assertEquals(r.get("optimized_flops").asText(), p.optimizedFlopCount().toString(), where);
      assertEquals(r.get("largest_intermediate").asText(), p.largestIntermediate().toString(),
          where);
      assertEquals(r.get("naive_scaling").asInt(), p.naiveScaling(), where);
      assertEquals(r.get("optimized_scaling").asInt(), p.optimizedScaling(), where);
      assertEquals(r.get("speedup").asText(), Path.fixed3(p.theoreticalSpeedup()), where);
      assertEquals(r.get("report").asText(), p.report(), where + " report");

      List<Contraction> steps = p.steps();
      JsonNode cons = r.get("contractions");
      assertEquals(cons.size(), steps.size(), where);
      for (int i = 0; i < steps.size(); i++) {
        Contraction s = steps.get(i);
        JsonNode g = cons.get(i);
        String at = where + " step " + i;
        assertArrayEquals(ints(g.get("operands")), s.operands(), at);
        assertEquals(g.get("einsum").asText(), s.einsumString(), at);
        assertEquals(strings(g.get("remaining")), s.remaining(), at);
        assertEquals(r.get("step_flops").get(i).asText(), s.flopCount().toString(), at);
        assertEquals(r.get("step_sizes").get(i).asText(), s.resultSize().toString(), at);
      }
      JsonNode executed = r.get("steps");
      if (executed != null && !executed.isNull()) {
        for (int i = 0; i < steps.size(); i++) {
          checkExecutedStep(where + " step " + i, executed.get(i), steps.get(i));
        }
      }

      // The path and the numbers do not depend on which labels the ellipsis got.
      Path mine = plan(own, r.get("optimize"));
      assertEquals(p.numpyPath(), mine.numpyPath(), where + " (own ellipsis labels)");
      assertEquals(p.optimizedFlopCount(), mine.optimizedFlopCount(), where);
      assertEquals(p.largestIntermediate(), mine.largestIntermediate(), where);
    }
  }

  private static void checkExecutedStep(String at, JsonNode g, Contraction s) {
    long[][] shapes = s.operandShapes();
    JsonNode want = g.get("operand_shapes");
    assertEquals(want.size(), shapes.length, at);
    for (int k = 0; k < shapes.length; k++) {
      assertArrayEquals(longs(want.get(k)), shapes[k], at + " operand " + k);
    }
    assertArrayEquals(longs(g.get("result_shape")), s.resultShape(), at + " result shape");
    JsonNode bmm = g.get("bmm");
    BatchMatmul b = s.batchMatmul();
    if (bmm == null || bmm.isNull()) {
      assertNull(b, at);
      return;
    }
    assertNotNull(b, at);
    assertEquals(text(bmm.get("eq_a")), b.eqA(), at + " eq_a");
    assertEquals(text(bmm.get("eq_b")), b.eqB(), at + " eq_b");
    assertArrayEquals(nullableLongs(bmm.get("new_shape_a")), b.newShapeA(), at + " new_shape_a");
    assertArrayEquals(nullableLongs(bmm.get("new_shape_b")), b.newShapeB(), at + " new_shape_b");
    assertArrayEquals(nullableLongs(bmm.get("new_shape_ab")), b.newShapeAb(),
        at + " new_shape_ab");
    JsonNode perm = bmm.get("perm_ab");
    assertArrayEquals(perm.isNull() ? null : ints(perm), b.permAb(), at + " perm_ab");
    assertEquals(bmm.get("pure_multiplication").asBoolean(), b.pureMultiplication(), at);
  }

  private static String text(JsonNode n) {
    return n.isNull() ? null : n.asText();
  }

  private static long[] nullableLongs(JsonNode n) {
    return n.isNull() ? null : longs(n);
  }

  @Test
  void flopCountsOfTheOptimalPathMatchNumpyUpToSevenOperands() throws IOException {
    int checked = 0;
    for (JsonNode c : load("paths.json").get("cases")) {
      EinsumSpec spec = EinsumSpec.parseWithEllipsisLabels(c.get("subscripts").asText(),
          c.get("ellipsis_labels").asText(), shapes(c.get("shapes")));
      for (JsonNode r : c.get("runs")) {
        if (r.get("optimize").asText().equals("optimal")) {
          assertEquals(new BigInteger(r.get("optimized_flops").asText()),
              EinsumPath.plan(spec, Strategy.OPTIMAL).optimizedFlopCount(), c.toString());
          checked++;
        }
      }
    }
    assertTrue(checked >= 60, "checked " + checked);
  }
}
