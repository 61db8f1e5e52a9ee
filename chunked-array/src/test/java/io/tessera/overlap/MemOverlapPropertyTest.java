package io.tessera.overlap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.shape.Layout;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * solve() against brute force: the byte sets of small random strided layouts (1-D to 3-D, positive,
 * negative and zero strides, strides that are not multiples of the item size) are enumerated and
 * intersected.
 */
class MemOverlapPropertyTest {

  @Provide
  Arbitrary<Layout> layouts() {
    return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.of(1, 2, 4, 8),
        Arbitraries.of(true, false)).flatAs((ndim, itemsize, aligned) -> {
          Arbitrary<Long> stride = aligned
              ? Arbitraries.longs().between(-4, 4).map(s -> s * itemsize)
              : Arbitraries.longs().between(-20, 20);
          return Combinators.combine(
              Arbitraries.longs().between(0, 5).list().ofSize(ndim),
              stride.list().ofSize(ndim),
              Arbitraries.longs().between(0, 48))
              .as((shape, strides, start) -> build(shape, strides, start, itemsize));
        });
  }

  private static Layout build(List<Long> shapeList, List<Long> strideList, long start,
      int itemsize) {
    long[] shape = shapeList.stream().mapToLong(Long::longValue).toArray();
    long[] strides = strideList.stream().mapToLong(Long::longValue).toArray();
    long lo = 0;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] > 0 && strides[i] < 0) {
        lo += strides[i] * (shape[i] - 1);
      }
    }
    return new Layout(shape, strides, start - lo, itemsize);
  }

  /** Byte offsets of every element start, in index order (with repetitions). */
  static long[] elementOffsets(Layout l) {
    long n = l.size();
    long[] out = new long[(int) n];
    long[] idx = new long[l.ndim()];
    for (int k = 0; k < n; k++) {
      long off = l.offset();
      for (int d = 0; d < idx.length; d++) {
        off += idx[d] * l.strides()[d];
      }
      out[k] = off;
      for (int d = idx.length - 1; d >= 0; d--) {
        if (++idx[d] < l.shape()[d]) {
          break;
        }
        idx[d] = 0;
      }
    }
    return out;
  }

  static boolean bruteShares(Layout a, Layout b) {
    long[] oa = elementOffsets(a);
    long[] ob = elementOffsets(b);
    for (long x : oa) {
      for (long y : ob) {
        if (x < y + b.itemsize() && y < x + a.itemsize()) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean bruteInternal(Layout a) {
    long[] o = elementOffsets(a);
    Arrays.sort(o);
    for (int i = 1; i < o.length; i++) {
      if (o[i] - o[i - 1] < a.itemsize()) {
        return true;
      }
    }
    return false;
  }

  static boolean extentsIntersect(Layout a, Layout b) {
    if (a.size() == 0 || b.size() == 0) {
      return false;
    }
    long[] ea = a.extent();
    long[] eb = b.extent();
    return ea[0] < eb[1] && eb[0] < ea[1];
  }

  private static void checkPair(Layout a, Layout b) {
    boolean want = bruteShares(a, b);
    String ctx = a + " vs " + b;
    assertEquals(want ? Overlap.YES : Overlap.NO, MemOverlap.solve(a, b, -1), ctx);
    assertEquals(want, MemOverlap.sharesMemory(a, b), ctx);
    assertEquals(extentsIntersect(a, b), MemOverlap.mayShareMemory(a, b), ctx);
    // A bounded search is never wrong, only possibly undecided.
    for (long k : new long[] {0, 1, 2, 4}) {
      Overlap r = MemOverlap.solve(a, b, k);
      assertTrue(r == Overlap.TOO_HARD || r == (want ? Overlap.YES : Overlap.NO),
          "max_work=" + k + " gave " + r + " for " + ctx);
      assertEquals(r != Overlap.NO, MemOverlap.mayShareMemory(a, b, k), ctx);
    }
  }

  @Property(tries = 3000)
  void solveMatchesBruteForce(@ForAll("layouts") Layout a, @ForAll("layouts") Layout b) {
    checkPair(a, b);
  }

  /** The same layout moved by a few bytes: interleavings and partial overlaps. */
  @Property(tries = 2000)
  void shiftedCopiesMatchBruteForce(@ForAll("layouts") Layout a,
      @ForAll @IntRange(min = -40, max = 40) int shift) {
    Layout b = new Layout(a.shape(), a.strides(), a.offset() + shift, a.itemsize());
    checkPair(a, b);
    checkPair(a, a);
  }

  @Property(tries = 3000)
  void internalOverlapMatchesBruteForce(@ForAll("layouts") Layout a) {
    boolean want = bruteInternal(a);
    assertEquals(want, MemOverlap.isInternallyOverlapping(a), a.toString());
    assertEquals(want ? Overlap.YES : Overlap.NO, MemOverlap.solveInternalOverlap(a, -1));
    Overlap bounded = MemOverlap.solveInternalOverlap(a, 1);
    assertTrue(bounded == Overlap.TOO_HARD || bounded == (want ? Overlap.YES : Overlap.NO));
  }

  /** The solver itself against enumeration of all candidate vectors. */
  @Property(tries = 3000)
  void diophantineMatchesEnumeration(
      @ForAll @IntRange(min = 0, max = 4) int n,
      @ForAll("coefficients") List<Long> coefs,
      @ForAll("bounds") List<Long> bounds,
      @ForAll @IntRange(min = 0, max = 200) int b,
      @ForAll boolean simplify) {
    long[] a = new long[n];
    long[] ub = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = coefs.get(i);
      ub[i] = bounds.get(i);
    }
    boolean want = enumerate(a, ub, 0, b);
    Diophantine.Terms t = new Diophantine.Terms(a, ub);
    if (simplify) {
      assertTrue(Diophantine.simplify(t, b));
    } else {
      t.sortDescending();
    }
    long[] x = new long[Math.max(n, 1)];
    Diophantine.Outcome r = Diophantine.solve(t, b, -1, false, x);
    assertEquals(want ? Diophantine.Outcome.YES : Diophantine.Outcome.NO, r,
        Arrays.toString(a) + " " + Arrays.toString(ub) + " b=" + b);
    if (r == Diophantine.Outcome.YES) {
      long sum = 0;
      for (int i = 0; i < t.n; i++) {
        assertTrue(x[i] >= 0 && x[i] <= t.ub[i]);
        sum += t.a[i] * x[i];
      }
      assertEquals(b, sum, "solution does not satisfy the equation");
    }
  }

  @Provide
  Arbitrary<List<Long>> coefficients() {
    return Arbitraries.longs().between(1, 40).list().ofSize(4);
  }

  @Provide
  Arbitrary<List<Long>> bounds() {
    return Arbitraries.longs().between(0, 6).list().ofSize(4);
  }

  private static boolean enumerate(long[] a, long[] ub, int i, long rest) {
    if (i == a.length) {
      return rest == 0;
    }
    for (long v = 0; v <= ub[i] && a[i] * v <= rest; v++) {
      if (enumerate(a, ub, i + 1, rest - a[i] * v)) {
        return true;
      }
    }
    return false;
  }
}
