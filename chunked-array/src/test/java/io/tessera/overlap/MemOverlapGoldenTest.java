package io.tessera.overlap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.errors.TooHardException;
import io.tessera.shape.Layout;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * NumPy goldens written by integration-tests/src/test/python/gen_overlap_goldens.py: every pair
 * must get NumPy's shares_memory / may_share_memory answers, including the TooHardError outcome for
 * each small max_work probed (the work accounting is NumPy's).
 */
class MemOverlapGoldenTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode load(String name) throws IOException {
    try (InputStream in = MemOverlapGoldenTest.class.getResourceAsStream(
        "/golden/overlap/" + name)) {
      assertNotNull(in, "missing golden resource " + name
          + " (run integration-tests/src/test/python/gen_overlap_goldens.py)");
      return JSON.readTree(in);
    }
  }

  static Layout layout(JsonNode n) {
    long[] shape = longs(n.get("shape"));
    long[] strides = longs(n.get("strides"));
    return new Layout(shape, strides, n.get("offset").asLong(), n.get("itemsize").asInt());
  }

  private static long[] longs(JsonNode arr) {
    long[] out = new long[arr.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = arr.get(i).asLong();
    }
    return out;
  }

  /** true, false, or null for "TOO_HARD". */
  private static Boolean expected(JsonNode v) {
    return v.isBoolean() ? v.asBoolean() : null;
  }

  private static Overlap asOverlap(Boolean b) {
    return b == null ? Overlap.TOO_HARD : b ? Overlap.YES : Overlap.NO;
  }

  @Test
  void goldenSetIsLargeEnough() throws IOException {
    JsonNode pairs = load("pairs.json").get("pairs");
    assertTrue(pairs.size() >= 300, "only " + pairs.size() + " golden pairs");
    long interleaved = 0;
    long tooHard = 0;
    for (JsonNode p : pairs) {
      if (p.get("may_share").asBoolean() && p.get("shares").isBoolean()
          && !p.get("shares").asBoolean()) {
        interleaved++;
      }
      for (JsonNode probe : p.get("probes")) {
        if (!probe.get(1).isBoolean()) {
          tooHard++;
          break;
        }
      }
    }
    assertTrue(interleaved >= 20, "few extent-overlapping but disjoint pairs: " + interleaved);
    assertTrue(tooHard >= 10, "few pairs with a TooHardError probe: " + tooHard);
  }

  @TestFactory
  Stream<DynamicTest> pairs() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode p : load("pairs.json").get("pairs")) {
      String name = "#" + p.get("id").asInt() + " " + p.get("desc").asText();
      tests.add(DynamicTest.dynamicTest(name, () -> checkPair(p)));
    }
    return tests.stream();
  }

  private static void checkPair(JsonNode p) {
    Layout a = layout(p.get("a"));
    Layout b = layout(p.get("b"));
    String ctx = a + " vs " + b;
    assertEquals(p.get("may_share").asBoolean(), MemOverlap.mayShareMemory(a, b),
        "may_share_memory " + ctx);
    assertEquals(p.get("may_share").asBoolean(), MemOverlap.mayShareMemory(b, a),
        "may_share_memory (swapped) " + ctx);
    if (p.get("shares").isBoolean()) {
      boolean shares = p.get("shares").asBoolean();
      assertEquals(shares, MemOverlap.sharesMemory(a, b), "shares_memory " + ctx);
      assertEquals(shares, MemOverlap.sharesMemory(b, a), "shares_memory (swapped) " + ctx);
      assertEquals(shares ? Overlap.YES : Overlap.NO, MemOverlap.solve(a, b, -1), ctx);
    }
    for (JsonNode probe : p.get("probes")) {
      long k = probe.get(0).asLong();
      Boolean want = expected(probe.get(1));
      String pctx = "max_work=" + k + " " + ctx;
      assertEquals(asOverlap(want), MemOverlap.solve(a, b, k), "solve " + pctx);
      if (want == null) {
        TooHardException e = assertThrows(TooHardException.class,
            () -> MemOverlap.sharesMemory(a, b, k), pctx);
        assertTrue(e.getMessage().startsWith("shares_memory: Exceeded max_work"), e.getMessage());
        assertEquals("shares_memory", e.op());
      } else {
        assertEquals(want, MemOverlap.sharesMemory(a, b, k), "shares_memory " + pctx);
      }
      assertEquals(probe.get(2).asBoolean(), MemOverlap.mayShareMemory(a, b, k),
          "may_share_memory " + pctx);
    }
  }

  @TestFactory
  Stream<DynamicTest> internalOverlap() throws IOException {
    JsonNode views = load("internal.json").get("views");
    assertTrue(views.size() >= 100);
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode v : views) {
      String name = "#" + v.get("id").asInt() + " " + v.get("desc").asText();
      tests.add(DynamicTest.dynamicTest(name, () -> {
        Layout l = layout(v.get("view"));
        boolean want = v.get("internal").asBoolean();
        assertEquals(want, MemOverlap.isInternallyOverlapping(l), l.toString());
        assertEquals(want ? Overlap.YES : Overlap.NO, MemOverlap.solveInternalOverlap(l, -1));
        for (JsonNode probe : v.get("probes")) {
          long k = probe.get(0).asLong();
          assertEquals(asOverlap(expected(probe.get(1))), MemOverlap.solveInternalOverlap(l, k),
              "max_work=" + k + " " + l);
        }
      }));
    }
    return tests.stream();
  }
}
