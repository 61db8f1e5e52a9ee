package io.tessera.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tessera.dtype.DType;
import io.tessera.errors.TesseraException;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.testing.ArrayTestBase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChunkTreeReduceTest extends ArrayTestBase {

  private static String tree(int n) {
    List<String> leaves = IntStream.range(0, n).mapToObj(Integer::toString)
        .collect(Collectors.toList());
    return TreeReduce.reduce(leaves, (a, b) -> "(" + a + "+" + b + ")");
  }

  @Test
  void theTreeIsPairwiseByIndex() {
    assertEquals("0", tree(1));
    assertEquals("(0+1)", tree(2));
    assertEquals("((0+1)+2)", tree(3));
    assertEquals("((0+1)+(2+3))", tree(4));
    assertEquals("(((0+1)+(2+3))+((4+5)+6))", tree(7));
    assertEquals("((((0+1)+(2+3))+((4+5)+(6+7)))+(8+9))", tree(10));
    assertThrows(TesseraException.class, () -> tree(0));
  }

  @Test
  void arrivalOrderDoesNotChangeTheTree() {
    Random rnd = new Random(7);
    for (int n = 1; n < 40; n++) {
      List<Integer> order = IntStream.range(0, n).boxed().collect(Collectors.toList());
      Collections.shuffle(order, rnd);
      TreeReduce.Accumulator<String> acc = new TreeReduce.Accumulator<>(
          (a, b) -> "(" + a + "+" + b + ")");
      for (int i : order) {
        acc.add(i, Integer.toString(i));
      }
      assertEquals(tree(n), acc.result(), "n=" + n + " order " + order);
    }
    TreeReduce.Accumulator<String> gap = new TreeReduce.Accumulator<>(String::concat);
    gap.add(0, "a");
    gap.add(2, "c");
    assertThrows(TesseraException.class, gap::result);
    assertThrows(TesseraException.class, () -> gap.add(0, "again"));
  }

  /** Sum of a block's doubles, in order (the block is contiguous). */
  private static double sum(NDArray b) {
    double s = 0;
    long addr = b.dataAddress();
    for (long i = 0; i < b.size(); i++) {
      s += Raw.getDouble(addr + 8 * i);
    }
    return s;
  }

  @Test
  void floatingSumsAreBitIdenticalSequentialAndParallel() {
    long n = 1 << 16;
    Chunks k = Chunks.regular(new long[] {n}, 1000);
    try (ChunkedArray g = ChunkedArray.generate(new long[] {n}, DType.FLOAT64, k,
        (idx, off, shape, t) -> {
          NDArray out = t.empty(DType.FLOAT64, shape);
          Random r = new Random(idx[0]);
          for (long i = 0; i < shape[0]; i++) {
            Raw.putDouble(out.dataAddress() + 8 * i, r.nextDouble() * Math.pow(10, r.nextInt(12)));
          }
          return out;
        })) {
      double seq = g.reduceBlocks(np, ChunkTreeReduceTest::sum, Double::sum);
      for (int rep = 0; rep < 5; rep++) {
        double par = TreeReduce.reduce(g, np, ChunkTreeReduceTest::sum, Double::sum, p -> { },
            true);
        assertEquals(Double.doubleToRawLongBits(seq), Double.doubleToRawLongBits(par));
      }
      // the same partials combined left to right usually differ in the last bits: the fixed
      // tree is what makes the result reproducible, not luck
      List<Double> partials = new ArrayList<>();
      g.forEachBlock(np, b -> partials.add(sum(b.array())));
      assertEquals(seq, TreeReduce.reduce(partials, Double::sum));
    }
  }

  @Test
  void arrayPartialsAreReleasedAsTheyAreCombined() {
    try (ChunkedArray g = ChunkedArray.generate(new long[] {10, 3}, DType.FLOAT64,
        Chunks.regular(new long[] {10, 3}, 1, 3), (idx, off, shape, t) -> t.full(DType.FLOAT64,
            off[0], shape))) {
      NDArray total = TreeReduce.reduce(g, np, b -> b.copy(), (a, b) -> {
        NDArray out = a.copy();
        for (long j = 0; j < 3; j++) {
          out.setDouble(a.getDouble(0, j) + b.getDouble(0, j), 0, j);
        }
        return out;
      }, NDArray::close, false);
      try (total) {
        assertEquals(45, total.getDouble(0, 2));
      }
    }
  }
}
