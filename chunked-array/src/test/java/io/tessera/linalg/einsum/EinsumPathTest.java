package io.tessera.linalg.einsum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.errors.EinsumException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The planner's API; NumPy's paths and numbers are checked by EinsumPathGoldenTest. */
class EinsumPathTest {

  private static long[] s(long... dims) {
    return dims;
  }

  private static final EinsumSpec ISSUE =
      EinsumSpec.parse("ij,jk,kl->il", s(1000, 50), s(50, 1000), s(1000, 50));

  @Test
  void theIssuesChain() {
    Path greedy = EinsumPath.plan(ISSUE, Strategy.GREEDY);
    assertEquals("['einsum_path', (1, 2), (0, 1)]", greedy.numpyPath());
    assertEquals(Strategy.GREEDY, greedy.strategy());
    // NumPy's default memory limit: the largest input or output
    assertEquals(BigInteger.valueOf(50_000), greedy.memoryLimit());
    assertEquals(4, greedy.naiveScaling());
    assertEquals(3, greedy.optimizedScaling());
    assertEquals(new BigInteger("7500000000"), greedy.naiveFlopCount());
    assertEquals(BigInteger.valueOf(10_000_001), greedy.optimizedFlopCount());
    // the final output counts: NumPy's "largest intermediate" is over every step's result
    assertEquals(BigInteger.valueOf(50_000), greedy.largestIntermediate());
    assertEquals("750.000", Path.fixed3(greedy.theoreticalSpeedup()));
    assertTrue(greedy.report().contains("   Theoretical speedup:  750.000\n"), greedy.report());

    Contraction first = greedy.steps().get(0);
    assertArrayEquals(new int[] {1, 2}, first.positions());
    assertArrayEquals(new int[] {2, 1}, first.operands());
    assertEquals(List.of("kl", "jk"), first.inputs());
    assertEquals("kl,jk->jl", first.einsumString());
    assertEquals("k", first.contracted());
    assertEquals("jkl", first.indices());
    assertEquals(List.of("ij", "jl"), first.remaining());
    assertEquals("ij,jl->il", first.remainingString());
    assertEquals(2, first.arity());
    assertTrue(first.blas());
    assertArrayEquals(s(50, 50), first.resultShape());
    BatchMatmul b = first.batchMatmul();
    assertEquals("kl->lk", b.eqA());
    assertEquals("jk->kj", b.eqB());
    assertNull(b.newShapeA());
    assertNull(b.newShapeAb());
    assertArrayEquals(new int[] {1, 0}, b.permAb());
    assertFalse(b.pureMultiplication());
    assertEquals("k", b.contracted());

    Path none = EinsumPath.plan(ISSUE, Strategy.NONE);
    assertEquals("['einsum_path', (0, 1, 2)]", none.numpyPath());
    assertEquals(3, none.steps().get(0).arity());
    assertNull(none.steps().get(0).batchMatmul());
    assertFalse(none.steps().get(0).blas());
    assertEquals(none.naiveFlopCount().add(BigInteger.ONE), none.optimizedFlopCount());

    assertEquals(greedy.numpyPath(), EinsumPath.plan(ISSUE, true).numpyPath());
    assertEquals(none.numpyPath(), EinsumPath.plan(ISSUE, false).numpyPath());
    assertEquals(greedy.report(), EinsumPath.plan(ISSUE, Strategy.OPTIMAL).report());
  }

  @Test
  void memoryLimit() {
    // nothing fits: one contraction of everything, as NumPy does
    assertEquals("['einsum_path', (0, 1, 2)]",
        EinsumPath.plan(ISSUE, Strategy.GREEDY, 0).numpyPath());
    assertEquals("['einsum_path', (0, 1, 2)]",
        EinsumPath.plan(ISSUE, Strategy.OPTIMAL, 2_499).numpyPath());
    assertEquals("['einsum_path', (1, 2), (0, 1)]",
        EinsumPath.plan(ISSUE, Strategy.OPTIMAL, 2_500).numpyPath());
    assertEquals(EinsumPath.plan(ISSUE, Strategy.GREEDY).report(),
        EinsumPath.plan(ISSUE, Strategy.GREEDY, EinsumPath.DEFAULT_MEMORY_LIMIT).report());
  }

  @Test
  void namedStrategies() {
    assertEquals(Strategy.GREEDY, Strategy.named("greedy"));
    assertEquals(Strategy.OPTIMAL, Strategy.named("optimal"));
    assertEquals(Strategy.GREEDY, Strategy.of(true));
    assertEquals(Strategy.NONE, Strategy.of(false));
    assertEquals("False", Strategy.NONE.numpyName());
    EinsumException e = assertThrows(EinsumException.class, () -> Strategy.named("dp"));
    assertEquals(EinsumException.Kind.UNKNOWN_STRATEGY, e.kind());
    assertEquals("('Path name %s not found', 'dp')", e.numpyMessage());
  }

  @Test
  void legacyCanDot() {
    // NumPy's _can_dot docstring and the cases its branches distinguish
    assertTrue(blas("ij,jk->ik", s(2, 3), s(3, 4)));
    assertFalse(blas("ijj,jk->ik", s(2, 3, 3), s(3, 4)));
    assertFalse(blas("ijk,ikj->", s(2, 3, 4), s(2, 4, 3)));
    assertTrue(blas("ijk,ijk->", s(2, 3, 4), s(2, 3, 4)));
    assertTrue(blas("ij,kj->ik", s(2, 3), s(4, 3)));
    assertTrue(blas("ji,jk->ik", s(3, 2), s(3, 4)));
    assertTrue(blas("ij,j->i", s(2, 3), s(3)));
    assertTrue(blas("ijk,jkl->il", s(2, 3, 4), s(3, 4, 5)));
    assertTrue(blas("ikj,jkl->il", s(2, 4, 3), s(3, 4, 5)));
    assertFalse(blas("ikj,jk->i", s(2, 4, 3), s(3, 4)));
    assertFalse(blas("ij,jk->ijk", s(2, 3), s(3, 4)));
    assertFalse(blas("ab,bc->c", s(2, 3), s(3, 4)));
    assertFalse(blas("ab,ab->a", s(2, 3), s(2, 3)));
  }

  private static boolean blas(String subs, long[]... shapes) {
    Path p = EinsumPath.plan(EinsumSpec.parse(subs, shapes), Strategy.GREEDY);
    assertEquals(1, p.steps().size());
    return p.steps().get(0).blas();
  }

  @Test
  void batchMatmulPlans() {
    BatchMatmul batched = BatchMatmul.plan("bij", s(8, 3, 4), "bjk", s(8, 4, 5), "bik");
    assertNull(batched.eqA());
    assertNull(batched.eqB());
    assertNull(batched.permAb());
    assertEquals("b", batched.batch());
    BatchMatmul outer = BatchMatmul.plan("ij", s(2, 3), "jk", s(3, 4), "ijk");
    assertTrue(outer.pureMultiplication());
    assertArrayEquals(s(2, 3, 1), outer.newShapeA());
    assertArrayEquals(s(1, 3, 4), outer.newShapeB());
    BatchMatmul single = BatchMatmul.plan("xij", s(1, 3, 4), "jk", s(4, 5), "kix");
    assertEquals("xij->ij", single.eqA());
    assertNull(single.eqB());
    assertArrayEquals(s(1, 3, 5), single.newShapeAb());
    assertArrayEquals(new int[] {2, 1, 0}, single.permAb());
    assertEquals("x", single.singletons());
  }

  @Test
  void explicitPaths() {
    Path p = EinsumPath.explicit(ISSUE, new int[] {0, 1}, new int[] {0, 1});
    assertEquals("['einsum_path', (0, 1), (0, 1)]", p.numpyPath());
    assertNull(p.strategy());
    assertNull(p.memoryLimit());
    assertEquals("jk,ij->ik", p.steps().get(0).einsumString());
    assertEquals(BigInteger.valueOf(200_000_001), p.optimizedFlopCount());
    assertEquals(1, EinsumPath.explicit(ISSUE, new int[] {2, 0, 1}).steps().size());

    EinsumException left = assertThrows(EinsumException.class,
        () -> EinsumPath.explicit(ISSUE, new int[] {0, 1}));
    assertEquals("Invalid einsum_path is specified: 1 more operands has to be contracted.",
        left.numpyMessage());
    for (int[][] bad : new int[][][] {{{0, 3}}, {{1, 1}, {0, 1}}, {{}}, {{0, 1}, {0, 2}}}) {
      EinsumException e = assertThrows(EinsumException.class,
          () -> EinsumPath.explicit(ISSUE, bad));
      assertEquals(EinsumException.Kind.INVALID_PATH, e.kind());
    }
  }

  @Test
  void countsBeyondLongAreExact() {
    EinsumSpec huge = EinsumSpec.parse("ab,bc,cd,de->ae", s(1_000_000, 100_000),
        s(100_000, 1_000_000), s(1_000_000, 100_000), s(100_000, 1_000_000));
    Path none = EinsumPath.plan(huge, Strategy.NONE);
    assertEquals(new BigInteger("40000000000000000000000000000"), none.naiveFlopCount());
    assertTrue(none.report().contains("Naive FLOP count:  4.000e+28"), none.report());
  }

  @Test
  void numbersFormatLikePython() {
    // values from Python's format(int, '.3e') and format(a / b, '3.3f')
    String[][] sci = {{"0", "0.000e+00"}, {"1", "1.000e+00"}, {"1005", "1.005e+03"},
        {"10005", "1.000e+04"}, {"1000500", "1.000e+06"}, {"1001500", "1.002e+06"},
        {"9999500", "1.000e+07"}, {"99995", "1.000e+05"}, {"123456789", "1.235e+08"},
        {"1152921504606846977", "1.153e+18"}, {"1000000000000000000000000000000", "1.000e+30"},
        {"2503155504993241601315571986085849", "2.503e+33"}};
    for (String[] c : sci) {
      assertEquals(c[1], Path.sci(new BigInteger(c[0])), c[0]);
    }
    assertEquals("2.857", Path.fixed3(Path.divide(BigInteger.valueOf(160),
        BigInteger.valueOf(56))));
    assertEquals("33333333333333331968.000", Path.fixed3(Path.divide(
        BigInteger.TEN.pow(20), BigInteger.valueOf(3))));
    assertEquals("64.000", Path.fixed3(Path.divide(new BigInteger("1152921504606846977"),
        new BigInteger("18014398509481987"))));
    assertEquals("999.999", Path.fixed3(Path.divide(BigInteger.valueOf(800_000_000),
        BigInteger.valueOf(800_001))));
  }

  @Test
  void optimalSearchOfEightOperandsIsTractable() {
    EinsumSpec chain = EinsumSpec.parse("ab,bc,cd,de,ef,fg,gh,hi->ai", s(5, 40), s(40, 3),
        s(3, 60), s(60, 2), s(2, 70), s(70, 4), s(4, 9), s(9, 11));
    Path optimal = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> EinsumPath.plan(chain, Strategy.OPTIMAL));
    Path greedy = EinsumPath.plan(chain, Strategy.GREEDY);
    assertEquals("['einsum_path', (4, 5), (0, 1), (0, 1), (0, 1), (0, 3), (0, 1), (0, 1)]",
        greedy.numpyPath()); // NumPy 2.4.6's answer
    assertTrue(optimal.optimizedFlopCount().compareTo(greedy.optimizedFlopCount()) <= 0);
    assertEquals(7, optimal.steps().size());
    // Without a memory limit every one of the 1.6 million orders is feasible. NumPy 2.4.6's
    // answer (190 s in Python, too slow for the golden script):
    // np.einsum_path(..., optimize=('optimal', 10**18))
    Path unlimited = assertTimeoutPreemptively(Duration.ofSeconds(120),
        () -> EinsumPath.plan(chain, Strategy.OPTIMAL, Long.MAX_VALUE));
    assertEquals("['einsum_path', (0, 1), (0, 1), (0, 1), (0, 4), (0, 3), (0, 1), (0, 1)]",
        unlimited.numpyPath());
    assertEquals(BigInteger.valueOf(3861), unlimited.optimizedFlopCount());
  }

  @Test
  void manyOperandsGreedy() {
    long[][] shapes = new long[40][];
    StringBuilder subs = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      subs.append(i == 0 ? "" : ",").append('i');
      shapes[i] = s(3);
    }
    Path p = EinsumPath.plan(EinsumSpec.parse(subs.toString(), shapes), Strategy.GREEDY);
    assertEquals(39, p.steps().size());
    assertArrayEquals(s(), p.steps().get(38).resultShape());
  }
}
