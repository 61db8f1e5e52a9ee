package io.tessera.overlap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.errors.TesseraException;
import io.tessera.errors.TooHardException;
import io.tessera.shape.Layout;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class MemOverlapTest {

  private static Layout lay(long[] shape, long[] strides, long offset, int itemsize) {
    return new Layout(shape, strides, offset, itemsize);
  }

  private static long[] l(long... v) {
    return v;
  }

  /** x = np.arange(n, dtype=int64); x[start::step][:count]. */
  private static Layout slice1d(long start, long step, long count) {
    return lay(l(count), l(8 * step), 8 * start, 8);
  }

  @Test
  void interleavedSlicesDoNotShare() {
    Layout even = slice1d(0, 2, 10);
    Layout odd = slice1d(1, 2, 10);
    assertTrue(MemOverlap.mayShareMemory(even, odd));
    assertFalse(MemOverlap.sharesMemory(even, odd));
    assertEquals(Overlap.NO, MemOverlap.solve(even, odd, 1));
    assertEquals(Overlap.TOO_HARD, MemOverlap.solve(even, odd, 0));
    assertTrue(MemOverlap.sharesMemory(even, slice1d(0, 3, 7)));
  }

  @Test
  void identicalAndReversedViewsShare() {
    Layout x = slice1d(0, 1, 12);
    Layout rev = lay(l(12), l(-8), 88, 8);
    assertTrue(MemOverlap.sharesMemory(x, x));
    assertTrue(MemOverlap.sharesMemory(x, rev));
    assertEquals(Overlap.YES, MemOverlap.solve(x, rev, 1));
  }

  @Test
  void emptyViewsNeverShare() {
    Layout x = slice1d(0, 1, 12);
    Layout empty = lay(l(0), l(8), 16, 8);
    Layout empty2d = lay(l(3, 0), l(0, 8), 0, 8);
    for (Layout e : new Layout[] {empty, empty2d}) {
      assertFalse(MemOverlap.mayShareMemory(x, e));
      assertFalse(MemOverlap.mayShareMemory(e, e));
      assertFalse(MemOverlap.sharesMemory(x, e, 0));
      assertEquals(Overlap.NO, MemOverlap.solve(e, x, 0));
      assertFalse(MemOverlap.isInternallyOverlapping(e));
    }
  }

  @Test
  void disjointHalvesAndTouchingExtents() {
    assertFalse(MemOverlap.mayShareMemory(slice1d(0, 1, 6), slice1d(6, 1, 6)));
    assertTrue(MemOverlap.mayShareMemory(slice1d(0, 1, 7), slice1d(6, 1, 6)));
    assertFalse(MemOverlap.sharesMemory(slice1d(0, 1, 6), slice1d(6, 1, 6), 0));
  }

  @Test
  void maxWorkZeroIsBoundsOnly() {
    Layout a = slice1d(0, 1, 12);
    Layout b = slice1d(0, 2, 6);
    assertEquals(Overlap.TOO_HARD, MemOverlap.solve(a, b, 0));
    assertTrue(MemOverlap.mayShareMemory(a, b, 0));
    TooHardException e = assertThrows(TooHardException.class,
        () -> MemOverlap.sharesMemory(a, b, 0));
    assertEquals("shares_memory", e.op());
    assertTrue(e.getMessage().startsWith("shares_memory: Exceeded max_work"), e.getMessage());
    assertTrue(e instanceof TesseraException);
  }

  /** NumPy's test_shares_memory_api: x = zeros((4,5,6), int8); x[:, ::2, ::3] vs x[:, ::3, ::2]. */
  @Test
  void numpyApiExampleNeedsMoreThanOneCandidate() {
    Layout a = lay(l(4, 3, 2), l(30, 12, 3), 0, 1);
    Layout b = lay(l(4, 2, 3), l(30, 18, 2), 0, 1);
    assertTrue(MemOverlap.sharesMemory(a, b));
    assertThrows(TooHardException.class, () -> MemOverlap.sharesMemory(a, b, 1));
    assertThrows(TooHardException.class, () -> MemOverlap.sharesMemory(a, b, 2));
    assertTrue(MemOverlap.sharesMemory(a, b, 3)); // as NumPy 2.4
  }

  /**
   * NumPy's documented pathological instance: with max_work=1000 the search gives up (NumPy
   * raises TooHardError); unbounded it takes about a minute in NumPy, so it is not run here.
   */
  @Test
  @Timeout(10)
  void pathologicalCaseIsTooHardWithSmallMaxWork() {
    Layout x1 = lay(l(1049, 1049, 1049), l(36674, 61119, 85569), 0, 1);
    Layout x2 = lay(l(1049, 1049, 1), l(12223, 12224, 1), 64023025, 1);
    assertTrue(MemOverlap.mayShareMemory(x1, x2));
    for (long k : new long[] {1, 10, 1000, 20000}) {
      assertEquals(Overlap.TOO_HARD, MemOverlap.solve(x1, x2, k), "max_work=" + k);
      TooHardException e = assertThrows(TooHardException.class,
          () -> MemOverlap.sharesMemory(x1, x2, k));
      assertTrue(e.getMessage().contains("Exceeded max_work"), e.getMessage());
      assertTrue(MemOverlap.mayShareMemory(x1, x2, k));
    }
  }

  @Test
  void dtypeViewsAtOddOffsets() {
    // int16 elements at bytes 1-2, 5-6, 9-10 ... against 3-4, 7-8, ...: interleaved.
    Layout a = lay(l(10), l(4), 1, 2);
    Layout b = lay(l(10), l(4), 3, 2);
    assertTrue(MemOverlap.mayShareMemory(a, b));
    assertFalse(MemOverlap.sharesMemory(a, b));
    // One byte shift more and the second byte of each element collides.
    assertTrue(MemOverlap.sharesMemory(a, lay(l(10), l(4), 2, 2)));
    // int64 at odd offsets against an int8 column that falls in the gaps.
    Layout wide = lay(l(8), l(16), 5, 8);
    assertFalse(MemOverlap.sharesMemory(wide, lay(l(8), l(16), 13, 1)));
    assertTrue(MemOverlap.sharesMemory(wide, lay(l(8), l(16), 12, 1)));
  }

  @Test
  void zeroStrideViews() {
    Layout bcast = lay(l(4, 5), l(0, 8), 24, 8); // as_strided(x[3:], (4,5), (0,8))
    assertTrue(MemOverlap.sharesMemory(bcast, slice1d(7, 1, 1)));
    assertFalse(MemOverlap.sharesMemory(bcast, slice1d(8, 1, 10)));
    assertTrue(MemOverlap.isInternallyOverlapping(bcast));
    assertFalse(MemOverlap.isInternallyOverlapping(lay(l(1, 5), l(0, 8), 0, 8)));
  }

  @Test
  void internalOverlap() {
    assertFalse(MemOverlap.isInternallyOverlapping(lay(l(3, 4), l(32, 8), 0, 8)));
    assertFalse(MemOverlap.isInternallyOverlapping(lay(l(3, 4), l(8, 24), 0, 8)));
    assertFalse(MemOverlap.isInternallyOverlapping(lay(l(3), l(16), 0, 8)));
    assertTrue(MemOverlap.isInternallyOverlapping(lay(l(3), l(4), 0, 8)));
    assertTrue(MemOverlap.isInternallyOverlapping(lay(l(3, 4), l(16, 8), 0, 8)));
    assertTrue(MemOverlap.isInternallyOverlapping(lay(l(3), l(1), 0, 2)));
    // int8 strides (7, 6): 7 i + 6 j collides only when i spans 6 and j spans 7 steps.
    assertTrue(MemOverlap.isInternallyOverlapping(lay(l(7, 8), l(7, 6), 0, 1)));
    assertFalse(MemOverlap.isInternallyOverlapping(lay(l(6, 8), l(7, 6), 0, 1)));
    assertFalse(MemOverlap.isInternallyOverlapping(lay(l(5, 5), l(7, 5), 0, 1)));
    assertEquals(Overlap.NO, MemOverlap.solveInternalOverlap(lay(l(4, 4), l(32, 8), 0, 8), 0));
    assertEquals(Overlap.TOO_HARD,
        MemOverlap.solveInternalOverlap(lay(l(3, 4, 5), l(7, 3, 2), 0, 1), 0));
  }

  @Test
  void hugeStridesAreExact() {
    long big = 1L << 61;
    Layout a = lay(l(2), l(big), 0, 8);
    Layout b = lay(l(3), l(big / 2), 8, 8);
    assertFalse(MemOverlap.sharesMemory(a, b));
    assertTrue(MemOverlap.sharesMemory(a, lay(l(3), l(big / 2), 4, 8)));
    Layout c = lay(l(2, 2), l(big, 3), 0, 1);
    Layout d = lay(l(2, 2), l(big, 5), 1, 1);
    assertFalse(MemOverlap.sharesMemory(c, d));
    assertTrue(MemOverlap.sharesMemory(c, lay(l(2, 2), l(big, 5), 3, 1)));
  }

  @Test
  void overflowIsTooHardNeverAGuess() {
    Layout a = lay(l(2), l(Long.MIN_VALUE), Long.MAX_VALUE, 8);
    Layout b = lay(l(4), l(8), 0, 8);
    assertEquals(Overlap.TOO_HARD, MemOverlap.solve(a, b, -1));
    assertTrue(MemOverlap.mayShareMemory(a, b));
    TooHardException e = assertThrows(TooHardException.class,
        () -> MemOverlap.sharesMemory(a, b));
    assertTrue(e.getMessage().contains("overflow"), e.getMessage());
    Layout c = lay(l(3), l(Long.MAX_VALUE / 2 + 1), 0, 1);
    assertEquals(Overlap.TOO_HARD, MemOverlap.solve(c, b, -1));
    assertTrue(MemOverlap.isInternallyOverlapping(c)); // conservative on overflow
    assertEquals(Overlap.TOO_HARD, MemOverlap.solveInternalOverlap(c, -1));
  }

  /** Exercises the 128-bit (BigInteger) branch of the two-variable parametrisation. */
  @Test
  void diophantineWideArithmetic() {
    long a0 = 3_000_000_021L; // 3 * 1_000_000_007
    long a1 = 998_244_353L;
    long x0 = 998_244_000L;   // < a1: the only candidate for x0 given b
    long x1 = 3_000_000_000L;
    long b = a0 * x0 + a1 * x1; // about 6e18: gamma * b needs more than 64 bits
    assertTrue(b > 0);
    Diophantine.Terms yes = new Diophantine.Terms(l(a0, a1), l(a1 - 1, x1 + 5));
    long[] x = new long[2];
    assertEquals(Diophantine.Outcome.YES, Diophantine.solve(yes, b, -1, false, x));
    assertEquals(b, a0 * x[0] + a1 * x[1], Arrays.toString(x));
    Diophantine.Terms no = new Diophantine.Terms(l(a0, a1), l(a1 - 1, x1 - 1));
    assertEquals(Diophantine.Outcome.NO, Diophantine.solve(no, b, -1, false, x));
    // Unreachable remainder: a multiple of gcd is required.
    Diophantine.Terms even = new Diophantine.Terms(l(1L << 40, 6), l(1L << 20, 1L << 40));
    assertEquals(Diophantine.Outcome.NO, Diophantine.solve(even, (1L << 60) + 3, -1, false, x));
  }
}
