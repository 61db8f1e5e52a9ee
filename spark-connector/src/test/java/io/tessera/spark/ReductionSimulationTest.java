package io.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.Chunks;
import io.tessera.chunk.TreeReduce;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.internal.PartialKey;
import io.tessera.spark.internal.ReduceFns;
import io.tessera.spark.internal.ReducePartial;
import io.tessera.spark.internal.ReduceSpec;
import io.tessera.testing.ArrayTestBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every golden case (NumPy 2.4.6 and the exact references) through the distributed reduction's
 * own pieces without Spark: per-block partials ({@link ReduceSpec#partial}), keys ({@link
 * ReduceFns.Layout}), partials fed to the block tree in a shuffled arrival order, finish. Two
 * grids per input (one block, irregular); exact reductions must give the same bits on both.
 * The Spark wiring is tested by {@link DistributedReductionsTest} on a subset.
 */
class ReductionSimulationTest extends ArrayTestBase {
  private static final ReductionGoldens G = new ReductionGoldens();

  private static List<Chunks> grids(long[] shape) {
    List<Chunks> out = new ArrayList<>();
    out.add(Chunks.regular(shape, -1));
    if (shape.length == 3) {
      out.add(Chunks.of(shape, new long[][] {{1, 7, 5}, {6, 5}, {2, 3, 1}}));
    } else if (shape[0] > 0) {
      out.add(Chunks.of(shape, new long[][] {{5, 1, 5}, {2, 5}}));
    }
    return out;
  }

  static ReduceSpec.Op op(String name) {
    return ReduceSpec.Op.valueOf(name.toUpperCase());
  }

  /** The result bits of one case on one grid, as the distributed engine computes them. */
  private long[] simulate(ReductionGoldens.Case c, NDArray a, Chunks chunks, Random rnd) {
    int nd = a.ndim();
    boolean[] reduced = new boolean[nd];
    if (c.axis() == null) {
      Arrays.fill(reduced, true);
    } else {
      for (int ax : c.axis()) {
        reduced[Math.floorMod(ax, nd)] = true;
      }
    }
    int argAxis = c.op().startsWith("arg") && c.axis() != null ? Math.floorMod(c.axis()[0], nd)
        : -1;
    ReduceSpec spec = new ReduceSpec(op(c.op()), a.dtype(), a.shape(), reduced, c.ddof(),
        argAxis);
    long[][] outSizes = new long[nd][];
    int k = 0;
    for (int ax = 0; ax < nd; ax++) {
      if (!reduced[ax]) {
        outSizes[k++] = chunks.chunks(ax);
      } else if (c.keepdims()) {
        outSizes[k++] = new long[] {1};
      }
    }
    Chunks out = Chunks.of(Arrays.copyOf(outSizes, k));
    ReduceFns.Layout layout = new ReduceFns.Layout(chunks, out, reduced, c.keepdims());
    List<Object[]> partials = new ArrayList<>();
    try (ChunkedArray ch = ChunkedArray.fromArray(a, chunks)) {
      for (long b = 0; b < chunks.blockCount(); b++) {
        long[] coords = chunks.blockIndex(b);
        try (NDArray block = ch.block(np, coords)) {
          partials.add(new Object[] {layout.key(coords),
              spec.partial(block, chunks.blockOffsets(coords))});
        }
      }
    }
    Collections.shuffle(partials, rnd);
    Map<Long, TreeReduce.Accumulator<ReducePartial>> byOut = new TreeMap<>();
    for (Object[] p : partials) {
      PartialKey key = (PartialKey) p[0];
      byOut.computeIfAbsent(key.out(), x -> new TreeReduce.Accumulator<>(spec))
          .add(key.red(), (ReducePartial) p[1]);
    }
    int size = spec.resultType().itemsize();
    long total = 1;
    for (long d : out.shape()) {
      total *= d;
    }
    long[] result = new long[(int) total];
    try (NDArray whole = np.empty(spec.resultType(), out.shape())) {
      for (Map.Entry<Long, TreeReduce.Accumulator<ReducePartial>> e : byOut.entrySet()) {
        long[] bc = out.blockIndex(e.getKey());
        try (NDArray blk = np.empty(spec.resultType(), out.blockShape(bc))) {
          if (blk.size() > 0) {
            spec.finish(e.getValue().result(), blk.dataAddress());
            io.tessera.index.Index[] idx = new io.tessera.index.Index[bc.length];
            long[] off = out.blockOffsets(bc);
            long[] bs = out.blockShape(bc);
            for (int ax = 0; ax < bc.length; ax++) {
              idx[ax] = io.tessera.index.Index.slice(off[ax], off[ax] + bs[ax]);
            }
            try (NDArray dst = whole.get(idx)) {
              dst.assign(blk);
            }
          }
        }
      }
      for (int i = 0; i < result.length; i++) {
        result[i] = Raw.getBits(whole.dataAddress() + (long) i * size, size);
      }
    }
    return result;
  }

  @Test
  void everyGoldenCaseOnTwoGrids() {
    Random rnd = new Random(11);
    int checked = 0;
    Map<String, Long> nanos = new TreeMap<>();
    for (ReductionGoldens.Case c : G.cases) {
      if (c.error() != null) {
        continue;
      }
      long t0 = System.nanoTime();
      try (NDArray a = G.input(np, c.input())) {
        long[] first = null;
        for (Chunks chunks : grids(a.shape())) {
          long[] got = simulate(c, a, chunks, rnd);
          G.check(c, c.dtype(), c.shape(), got);
          boolean gridFree = !(c.op().equals("prod") && c.dtype().isFloat());
          if (first != null && gridFree && !c.op().equals("min") && !c.op().equals("max")) {
            assertEquals(Arrays.toString(first), Arrays.toString(got), c + " on " + chunks);
          }
          first = got;
          checked++;
        }
      }
      nanos.merge(c.op(), System.nanoTime() - t0, Long::sum);
    }
    System.out.println("ms per op: " + nanos.entrySet().stream().map(e -> e.getKey() + "="
        + e.getValue() / 1_000_000).toList());
    System.out.println("ReductionSimulationTest: " + checked + " case-grids; worst |diff|/bound "
        + "vs NumPy: " + G.worst);
  }
}
