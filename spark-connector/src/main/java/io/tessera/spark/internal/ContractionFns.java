package io.tessera.spark.internal;

import io.tessera.Tessera;
import io.tessera.chunk.Chunks;
import io.tessera.errors.TesseraException;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.BlockIndex;
import io.tessera.spark.ExecutorMemory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Internal: the executor side of a distributed contraction ({@link BlockContraction}): cutting
 * operand blocks into the virtual blocks a join needs, multiplying block pairs, and summing each
 * result block's partial products in their fixed order.
 *
 * <p>Ownership as in {@link Fns}: every function closes its input blocks once consumed and hands
 * new arrays to the task; the streams that feed a shuffle pass through {@link
 * Fns.CloseOnAdvance}, so each record is closed once the shuffle writer has serialized it.
 */
public final class ContractionFns {
  private ContractionFns() {}

  /** A record of a virtual block on its way to the join: key (join partition; side, block). */
  static BlockIndex joinKey(long partition, int side, long virtualLinear) {
    return new BlockIndex(partition, new long[] {side, virtualLinear});
  }

  /**
   * Shuffle plan, map side: each real block of one operand becomes its virtual blocks (views),
   * each keyed by the join partition(s) that need it. A's blocks go to one partition: (shared
   * block, group of A-only blocks); B's blocks are replicated to every group of their shared block.
   */
  public static final class ToJoin implements
      PairFlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray>>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;
    private final BlockContraction c;
    private final int side;
    private final int groups;

    public ToJoin(BlockContraction c, int side, int groups) {
      this.c = c;
      this.side = side;
      this.groups = groups;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      Chunks v = c.virtualChunks(side);
      long only = c.onlyBlocks(0);
      return Iterators.flatten(it, t -> {
        List<Tuple2<BlockIndex, NDArray>> out = new ArrayList<>();
        try (NDArray block = t._2()) {
          for (long[][] vb : c.virtualBlocks(side, t._1().coords())) {
            long vl = v.linearIndex(vb[0]);
            long base = c.sharedIndex(side, vb[0]) * groups;
            if (side == 0) {
              long g = c.onlyIndex(0, vb[0]) * groups / Math.max(1, only);
              out.add(new Tuple2<>(joinKey(base + g, 0, vl),
                  ExecutorMemory.adopt(c.view(0, block, vb[0], vb[1]))));
            } else {
              for (int g = 0; g < groups; g++) {
                out.add(new Tuple2<>(joinKey(base + g, 1, vl),
                    ExecutorMemory.adopt(c.view(1, block, vb[0], vb[1]))));
              }
            }
          }
        }
        return out.iterator();
      });
    }
  }

  /**
   * Shuffle plan, reduce side of the join: a partition holds the virtual blocks of A and B that
   * share one block of the shared labels (and one group of A's); every pair is multiplied and
   * emitted as a partial product keyed by (result block, k). The operands are closed when the
   * last product has been taken.
   */
  public static final class JoinMultiply implements
      PairFlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray>>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;
    private final BlockContraction c;

    public JoinMultiply(BlockContraction c) {
      this.c = c;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      List<Tuple2<BlockIndex, NDArray>> as = new ArrayList<>();
      List<Tuple2<BlockIndex, NDArray>> bs = new ArrayList<>();
      while (it.hasNext()) {
        Tuple2<BlockIndex, NDArray> t = it.next();
        (t._1().coord(0) == 0 ? as : bs).add(t);
      }
      Comparator<Tuple2<BlockIndex, NDArray>> byBlock = Comparator.comparingLong(
          t -> t._1().coord(1));
      as.sort(byBlock);
      bs.sort(byBlock);
      Chunks va = c.virtualChunks(0);
      Chunks vb = c.virtualChunks(1);
      List<long[]> pairs = new ArrayList<>();
      for (int i = 0; i < as.size(); i++) {
        long[] ca = va.blockIndex(as.get(i)._1().coord(1));
        for (int j = 0; j < bs.size(); j++) {
          if (c.pairs(ca, vb.blockIndex(bs.get(j)._1().coord(1)))) {
            pairs.add(new long[] {i, j});
          }
        }
      }
      return new Iterator<>() {
        private int next;
        private boolean closed;

        @Override
        public boolean hasNext() {
          boolean h = next < pairs.size();
          if (!h && !closed) {
            closed = true;
            as.forEach(t -> t._2().close());
            bs.forEach(t -> t._2().close());
          }
          return h;
        }

        @Override
        public Tuple2<BlockIndex, NDArray> next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          long[] p = pairs.get(next++);
          Tuple2<BlockIndex, NDArray> a = as.get((int) p[0]);
          Tuple2<BlockIndex, NDArray> b = bs.get((int) p[1]);
          long[] ca = va.blockIndex(a._1().coord(1));
          long[] cb = vb.blockIndex(b._1().coord(1));
          NDArray prod = c.multiply(a._2(), b._2());
          return new Tuple2<>(c.partialKey(c.outIndex(ca, cb), c.kIndex(ca, cb)), prod);
        }
      };
    }
  }

  /**
   * Broadcast plan: the distributed operand's blocks (side {@code side}) are multiplied where
   * they are with the boxes of the broadcast operand they pair with. Emits partial products keyed
   * by (result block, k), or, when {@code direct} (one partial per result block and the result's
   * blocks in the operand's own order), the result blocks themselves.
   */
  public static final class BroadcastMultiply implements
      PairFlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray>>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;
    private final BlockContraction c;
    private final int side;
    private final Broadcast<HeapArray> other;
    private final boolean direct;
    private transient Map<Long, List<long[]>> bySharedIndex;

    public BroadcastMultiply(BlockContraction c, int side, Broadcast<HeapArray> other,
        boolean direct) {
      this.c = c;
      this.side = side;
      this.other = other;
      this.direct = direct;
    }

    /** The broadcast operand's virtual blocks, by their shared-label block. */
    private Map<Long, List<long[]>> index() {
      if (bySharedIndex == null) {
        Map<Long, List<long[]>> m = new HashMap<>();
        Chunks vs = c.virtualChunks(1 - side);
        for (long l = 0; l < vs.blockCount(); l++) {
          long[] vc = vs.blockIndex(l);
          m.computeIfAbsent(c.sharedIndex(1 - side, vc), x -> new ArrayList<>()).add(vc);
        }
        bySharedIndex = m;
      }
      return bySharedIndex;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      Map<Long, List<long[]>> idx = index();
      Chunks vs = c.virtualChunks(1 - side);
      Chunks out = c.outChunks();
      return Iterators.flatten(it, t -> {
        List<NDArray> xs = new ArrayList<>();
        List<long[]> xc = new ArrayList<>();
        try (NDArray block = t._2()) {
          for (long[][] vb : c.virtualBlocks(side, t._1().coords())) {
            NDArray v = ExecutorMemory.adopt(c.view(side, block, vb[0], vb[1]));
            if (!v.isCContiguous()) {
              try (NDArray w = v) {
                v = ExecutorMemory.adopt(w.copy());
              }
            }
            xs.add(v);
            xc.add(vb[0]);
          }
        }
        List<int[]> work = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) {
          List<long[]> partners = idx.getOrDefault(c.sharedIndex(side, xc.get(i)), List.of());
          for (int j = 0; j < partners.size(); j++) {
            work.add(new int[] {i, j});
          }
        }
        return new Iterator<Tuple2<BlockIndex, NDArray>>() {
          private int next;
          private boolean closed;

          @Override
          public boolean hasNext() {
            boolean h = next < work.size();
            if (!h && !closed) {
              closed = true;
              xs.forEach(NDArray::close);
            }
            return h;
          }

          @Override
          public Tuple2<BlockIndex, NDArray> next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            int[] w = work.get(next++);
            long[] cx = xc.get(w[0]);
            long[] cs = idx.get(c.sharedIndex(side, cx)).get(w[1]);
            Tessera np = ExecutorMemory.tessera();
            NDArray prod;
            try (NDArray s = other.value().region(np, vs.blockOffsets(cs), vs.blockShape(cs))) {
              prod = side == 0 ? c.multiply(xs.get(w[0]), s) : c.multiply(s, xs.get(w[0]));
            }
            long[] ca = side == 0 ? cx : cs;
            long[] cb = side == 0 ? cs : cx;
            long o = c.outIndex(ca, cb);
            BlockIndex key = direct ? BlockIndex.of(out, o) : c.partialKey(o, c.kIndex(ca, cb));
            return new Tuple2<>(key, prod);
          }
        };
      });
    }
  }

  /**
   * The second stage of both plans: partial products sorted by (result block, k) are summed per
   * result block left to right in k, {@code ((P0 + P1) + P2) + ...}, into the result block.
   */
  public static final class OrderedSum implements
      PairFlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray>>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;
    private final BlockContraction c;

    public OrderedSum(BlockContraction c) {
      this.c = c;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      Chunks out = c.outChunks();
      long kb = c.kBlocks();
      return new Iterator<>() {
        private Tuple2<BlockIndex, NDArray> pending;

        @Override
        public boolean hasNext() {
          return pending != null || it.hasNext();
        }

        @Override
        public Tuple2<BlockIndex, NDArray> next() {
          Tuple2<BlockIndex, NDArray> first = pending != null ? pending : it.next();
          pending = null;
          long o = first._1().coord(0);
          NDArray acc = first._2();
          long expect = 0;
          try {
            check(first, o, expect++);
            while (it.hasNext()) {
              Tuple2<BlockIndex, NDArray> t = it.next();
              if (t._1().coord(0) != o) {
                pending = t;
                break;
              }
              try (NDArray p = t._2()) {
                check(t, o, expect++);
                acc.addi(p);
              }
            }
            if (expect != kb) {
              throw new TesseraException("contraction", "contraction: result block " + o
                  + " received " + expect + " partial products of " + kb);
            }
          } catch (RuntimeException e) {
            acc.close();
            throw e;
          }
          BlockIndex idx = BlockIndex.of(out, o);
          return new Tuple2<>(idx, Fns.checked("contraction", acc, idx, out, c.dtype()));
        }

        private void check(Tuple2<BlockIndex, NDArray> t, long o, long k) {
          if (t._1().coord(1) != k) {
            throw new TesseraException("contraction", "contraction: result block " + o
                + " got partial " + t._1().coord(1) + " where " + k + " was due (partials must "
                + "arrive sorted by k)");
          }
        }
      };
    }
  }

  /** Sends a record to the partition its key's linear number names. */
  public static final class KeyPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    public KeyPartitioner(int partitions) {
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return (int) ((BlockIndex) key).linear();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof KeyPartitioner k && k.partitions == partitions;
    }

    @Override
    public int hashCode() {
      return partitions;
    }
  }

  /** Sends a partial product to the partition that holds its result block in the layout. */
  public static final class PartialPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final long blocks;
    private final int partitions;

    public PartialPartitioner(long blocks, int partitions) {
      this.blocks = blocks;
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return BlockGrid.partitionOf(blocks, partitions, ((BlockIndex) key).coord(0));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PartialPartitioner p && p.blocks == blocks
          && p.partitions == partitions;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(blocks) * 31 + partitions;
    }
  }
}
