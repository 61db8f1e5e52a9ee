package io.tessera.iter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class NdIterTest {

  /** Every (operand-0 address -> operand-1 address) pair the iterator visits, any order. */
  private static Map<Long, Long> visited(NdIter it, long start, long end) {
    Map<Long, Long> seen = new HashMap<>();
    long s0 = it.innerStride(0);
    long s1 = it.innerStride(1);
    it.forRange(start, end, new long[2], (p, n) -> {
      for (long i = 0; i < n; i++) {
        Long prev = seen.put(p[0] + i * s0, p[1] + i * s1);
        assertEquals(null, prev, "visited twice");
      }
    });
    return seen;
  }

  private static Map<Long, Long> naive(long[] shape, long[] b, long[][] st) {
    Map<Long, Long> m = new HashMap<>();
    long size = 1;
    for (long d : shape) {
      size *= d;
    }
    long[] idx = new long[shape.length];
    for (long k = 0; k < size; k++) {
      long a0 = b[0];
      long a1 = b[1];
      for (int d = 0; d < shape.length; d++) {
        a0 += idx[d] * st[0][d];
        a1 += idx[d] * st[1][d];
      }
      m.put(a0, a1);
      for (int d = shape.length - 1; d >= 0; d--) {
        if (++idx[d] < shape[d]) {
          break;
        }
        idx[d] = 0;
      }
    }
    return m;
  }

  @Property(tries = 300, seed = "42")
  void visitsExactlyTheNaiveElementsInAnySplit(@ForAll @IntRange(min = 0, max = 4) int nd,
      @ForAll("seeds") long seed) {
    Random r = new Random(seed);
    long[] shape = new long[nd];
    long[][] st = new long[2][nd];
    long itemsize = 8;
    // operand 0: a permuted, possibly reversed C layout (distinct addresses); operand 1: any strides
    long acc = itemsize;
    List<Integer> perm = new ArrayList<>();
    for (int i = 0; i < nd; i++) {
      shape[i] = r.nextInt(5);
      perm.add(i);
    }
    java.util.Collections.shuffle(perm, r);
    for (int k = nd - 1; k >= 0; k--) {
      int ax = perm.get(k);
      st[0][ax] = (r.nextBoolean() ? 1 : -1) * acc * (1 + r.nextInt(2));
      acc *= Math.max(shape[ax], 1) * 2;
      st[1][ax] = (r.nextInt(5) - 2) * 8L;
    }
    long[] b = {1L << 40, 1L << 41};
    NdIter it = NdIter.of(shape, b, st);
    Map<Long, Long> expected = naive(shape, b, st);
    assertEquals(expected.size(), it.size());
    long cut = it.size() == 0 ? 0 : r.nextInt((int) it.size() + 1);
    Map<Long, Long> got = visited(it, 0, cut);
    got.putAll(visited(it, cut, it.size()));
    assertEquals(expected, got);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Long> seeds() {
    return net.jqwik.api.Arbitraries.longs();
  }

  @Test
  void transposedOperandsAreWalkedInMemoryOrderAsOneRun() {
    // a (3,4) C array and its F-ordered copy's transpose: both contiguous in the same order
    long[] shape = {4, 3};
    NdIter it = NdIter.of(shape, new long[] {0, 0}, new long[][] {{8, 32}, {8, 32}});
    assertEquals(1, it.ndim());
    assertEquals(12, it.innerSize());
    assertEquals(8, it.innerStride(0));
  }

  @Test
  void reversedAxesAreFlipped() {
    NdIter it = NdIter.of(new long[] {5}, new long[] {32, 64}, new long[][] {{-8}, {-8}});
    assertEquals(8, it.innerStride(0));
    long[] first = new long[2];
    it.forRange(0, 1, new long[2], (p, n) -> {
      first[0] = p[0];
      first[1] = p[1];
    });
    assertArrayEquals(new long[] {0, 32}, first);
  }

  @Test
  void columnOrderOfACArrayIsReorderedToRows() {
    // iterating the transpose of a C (1000, 1000) array: the inner run must be the contiguous axis
    NdIter it = NdIter.of(new long[] {1000, 1000}, new long[] {0}, new long[][] {{8, 8000}});
    assertTrue(it.innerSize() >= 1000);
    assertEquals(8, it.innerStride(0));
  }
}
