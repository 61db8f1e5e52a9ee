package io.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tessera.chunk.TreeReduce;
import io.tessera.errors.TesseraException;
import io.tessera.spark.internal.BlockGrid;
import io.tessera.spark.internal.PartialTree;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The distributed reduction tree: partials over any split of the blocks, merged in any order,
 * give exactly TreeReduce's result (checked with a combine that is neither associative nor
 * commutative, so any difference in tree shape or operand order shows).
 */
class PartialTreeTest {
  private static final BinaryOperator<Long> SKEW = (a, b) -> 31 * a + b + (a ^ (b << 1));

  @Test
  void anySplitAndMergeOrderGivesTreeReduceResult() {
    Random rnd = new Random(7);
    for (int n = 1; n <= 70; n++) {
      List<Long> values = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        values.add(rnd.nextLong());
      }
      long expect = TreeReduce.reduce(values, SKEW);
      for (int trial = 0; trial < 20; trial++) {
        // contiguous ranges (how partitions hold blocks), then merged in random order
        int parts = 1 + rnd.nextInt(Math.min(n, 9));
        List<PartialTree<Long>> ps = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
          long from = BlockGrid.partitionStart(n, parts, p);
          long to = BlockGrid.partitionStart(n, parts, p + 1);
          PartialTree<Long> t = PartialTree.empty();
          for (long i = from; i < to; i++) {
            t = t.add(i, values.get((int) i), SKEW);
          }
          ps.add(t);
        }
        Collections.shuffle(ps, rnd);
        while (ps.size() > 1) {
          int i = rnd.nextInt(ps.size());
          PartialTree<Long> a = ps.remove(i);
          int j = rnd.nextInt(ps.size());
          PartialTree<Long> b = ps.remove(j);
          ps.add(rnd.nextBoolean() ? a.merge(b, SKEW) : b.merge(a, SKEW));
        }
        assertEquals(expect, (long) ps.get(0).result(n, SKEW), "n=" + n + " parts=" + parts);
        // a contiguous range keeps O(log n) nodes
        PartialTree<Long> whole = PartialTree.empty();
        for (int i = 0; i < n; i++) {
          whole = whole.add(i, values.get(i), SKEW);
        }
        assertEquals(Long.bitCount(n), whole.size());
      }
      // blocks added one by one in random order (e.g. after a shuffle)
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        order.add(i);
      }
      Collections.shuffle(order, rnd);
      PartialTree<Long> t = PartialTree.empty();
      for (int i : order) {
        t = t.add(i, values.get(i), SKEW);
      }
      assertEquals(expect, (long) t.result(n, SKEW));
    }
  }

  @Test
  void missingOrDuplicateBlocksAreErrors() {
    PartialTree<Long> t = PartialTree.<Long>empty().add(0, 1L, SKEW).add(2, 3L, SKEW);
    assertThrows(TesseraException.class, () -> t.result(3, SKEW));
    assertThrows(TesseraException.class, () -> t.add(2, 5L, SKEW));
    assertThrows(TesseraException.class, () -> PartialTree.<Long>empty().result(1, SKEW));
  }

  @Test
  void partitionOfInvertsPartitionStart() {
    for (long blocks = 1; blocks < 40; blocks++) {
      for (int n = 1; n <= blocks; n++) {
        for (int p = 0; p < n; p++) {
          for (long i = BlockGrid.partitionStart(blocks, n, p);
              i < BlockGrid.partitionStart(blocks, n, p + 1); i++) {
            assertEquals(p, BlockGrid.partitionOf(blocks, n, i));
          }
        }
      }
    }
  }
}
