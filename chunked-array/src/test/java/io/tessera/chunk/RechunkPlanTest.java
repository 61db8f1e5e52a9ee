package io.tessera.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.dtype.DType;
import io.tessera.errors.BudgetExceededException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RechunkPlanTest {

  private static long[] rep(long v, int n) {
    long[] a = new long[n];
    Arrays.fill(a, v);
    return a;
  }

  @Test
  void plannerMatchesDaskPlanRechunk() {
    JsonNode g = DaskGoldens.load();
    int n = 0;
    for (JsonNode k : g.get("plans")) {
      Chunks old = DaskGoldens.chunks(k.get("old"));
      Chunks neu = DaskGoldens.chunks(k.get("new"));
      long limit = k.get("limit").asLong() / k.get("itemsize").asLong();
      List<Chunks> expected = new ArrayList<>();
      k.get("steps").forEach(s -> expected.add(DaskGoldens.chunks(s)));
      assertEquals(expected, RechunkPlan.daskPlan(old, neu, limit), k.get("limit").toString());
      n++;
    }
    assertEquals(7, n);
    // literal: rows of 1 -> columns of 1 on (100, 100) with a 1000-element limit goes through
    // ((10,)*10, (100,)) and ((33, 33, 34), (25,)*4), as Dask plans it
    List<Chunks> steps = RechunkPlan.daskPlan(Chunks.of(rep(1, 100), rep(100, 1)),
        Chunks.of(rep(100, 1), rep(1, 100)), 1000);
    assertEquals(3, steps.size());
    assertEquals(Chunks.of(rep(10, 10), rep(100, 1)), steps.get(0));
    assertEquals(Chunks.of(new long[] {33, 33, 34}, rep(25, 4)), steps.get(1));
  }

  @Test
  void everyStepAndTheWholePlanStayUnderTheBound() {
    Chunks rows = Chunks.of(rep(1, 1000), rep(1000, 1));
    Chunks cols = Chunks.of(rep(1000, 1), rep(1, 1000));
    long bound = 2L << 20;
    RechunkPlan p = RechunkPlan.plan(rows, cols, DType.FLOAT64, bound);
    assertTrue(p.steps().size() > 1, p.toString());
    for (RechunkPlan.Step s : p.steps()) {
      assertTrue(s.peakBytes() <= bound, s.toString());
    }
    assertTrue(p.peakBytes() <= bound, p.toString());
    assertEquals(cols, p.to());
    assertEquals(rows, p.steps().get(0).from());
    // the steps move far fewer pieces than the direct rechunk (1000 x 1000 pieces)
    RechunkPlan direct = RechunkPlan.direct(rows, cols, DType.FLOAT64);
    assertEquals(1_000_000, direct.pieces());
    assertTrue(p.pieces() < direct.pieces() / 10, p.pieces() + " pieces");
    assertTrue(p.describe().startsWith("rechunk float64 ((1, 1, 1"), p.describe());
    // a small bound leaves room for no intermediate: one direct step, still under the bound
    RechunkPlan tight = RechunkPlan.plan(rows, cols, DType.FLOAT64, 16_000);
    assertEquals(1, tight.steps().size());
    assertEquals(16_000, tight.peakBytes());
  }

  @Test
  void aBudgetBelowOneChunkIsRefused() {
    Chunks a = Chunks.regular(new long[] {100, 100}, 50);
    Chunks b = Chunks.regular(new long[] {100, 100}, 10, 100);
    BudgetExceededException e = assertThrows(BudgetExceededException.class,
        () -> RechunkPlan.plan(a, b, DType.FLOAT64, 20_000));
    assertEquals("rechunk ((50, 50), (50, 50)) -> ((10, 10, 10, 10, 10, 10, 10, 10, 10, 10), "
        + "(100,)) of float64 holds one source block (19.5 KiB) and one target block (7.8 KiB): "
        + "27.3 KiB > budget 19.5 KiB; the budget is below one chunk: use smaller chunks or raise "
        + "the budget", e.getMessage());
    assertEquals(28_000, e.requestedBytes());
    assertEquals(20_000, e.budgetBytes());
    assertThrows(ChunkSpecException.class, () -> RechunkPlan.plan(a,
        Chunks.regular(new long[] {100, 99}, 10), DType.FLOAT64, 1 << 20));
  }

  @Test
  void daskHelpers() {
    // divide_to_width((10,), 4) == (3, 3, 4)
    assertArrayEquals(new long[] {3, 3, 4}, RechunkPlan.divideToWidth(new long[] {10}, 4));
    // merge_to_number((2, 3, 1, 5), 2) == (6, 5); merge_to_number((4,) * 6, 4) == (8, 8, 4, 4)
    assertArrayEquals(new long[] {6, 5}, RechunkPlan.mergeToNumber(new long[] {2, 3, 1, 5}, 2));
    assertArrayEquals(new long[] {8, 8, 4, 4}, RechunkPlan.mergeToNumber(rep(4, 6), 4));
  }
}
