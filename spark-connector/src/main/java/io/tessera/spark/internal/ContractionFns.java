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
   * Broadcast plan with the left operand distributed and the summed label its last axis (matmul
   * {@code ij,jk->ik} and its batched form): the operand's blocks arrive row by row with k
   * increasing, so a row's run of blocks that starts at k = 0 is multiplied and summed left to
   * right on the map side, one result block at a time, and only that prefix sum crosses the
   * shuffle (the order of the sum is unchanged: ((P0 + P1) + P2) + ...). A run that starts later
   * (a row cut by a partition boundary) sends its products one by one. Holds one row's run of
   * blocks, one accumulator, one product and one box of the broadcast operand at a time.
   */
  public static final class FoldedBroadcastMultiply implements
      PairFlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray>>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;
    private final BlockContraction c;
    private final Broadcast<HeapArray> other;
    private transient Map<Long, List<long[]>> bySharedIndex;

    public FoldedBroadcastMultiply(BlockContraction c, Broadcast<HeapArray> other) {
      this.c = c;
      this.other = other;
    }

    private Map<Long, List<long[]>> index() {
      if (bySharedIndex == null) {
        Map<Long, List<long[]>> m = new HashMap<>();
        Chunks vs = c.virtualChunks(1);
        for (long l = 0; l < vs.blockCount(); l++) {
          long[] vc = vs.blockIndex(l);
          m.computeIfAbsent(c.sharedIndex(1, vc), x -> new ArrayList<>()).add(vc);
        }
        bySharedIndex = m;
      }
      return bySharedIndex;
    }

    /** The row of a real block: its coordinates without the k axis. */
    private static long[] row(long[] coords, int kAxis) {
      long[] r = coords.clone();
      r[kAxis] = -1;
      return r;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      Map<Long, List<long[]>> idx = index();
      Chunks vs = c.virtualChunks(1);
      int ka = c.kAxis(0);
      int kb = c.kAxis(1);
      return new Iterator<>() {
        private Tuple2<BlockIndex, NDArray> look;
        /** The current row's virtual blocks by row key (virtual coords without k), k ascending. */
        private final List<List<NDArray>> runs = new ArrayList<>();
        private final List<List<long[]>> runCoords = new ArrayList<>();
        private final List<long[]> work = new ArrayList<>(); // {run, partner index, out}
        private int next;

        @Override
        public boolean hasNext() {
          while (next >= work.size()) {
            release();
            if (!loadRow()) {
              return false;
            }
          }
          return true;
        }

        private void release() {
          for (List<NDArray> r : runs) {
            r.forEach(NDArray::close);
          }
          runs.clear();
          runCoords.clear();
          work.clear();
          next = 0;
        }

        /** Reads the next row's real blocks; false at the end of the input. */
        private boolean loadRow() {
          if (look == null) {
            if (!it.hasNext()) {
              return false;
            }
            look = it.next();
          }
          long[] row = row(look._1().coords(), ka);
          Map<String, Integer> byKey = new HashMap<>();
          while (look != null && java.util.Arrays.equals(row(look._1().coords(), ka), row)) {
            try (NDArray block = look._2()) {
              for (long[][] vb : c.virtualBlocks(0, look._1().coords())) {
                long[] key = vb[0].clone();
                key[ka] = -1;
                String k = java.util.Arrays.toString(key);
                Integer r = byKey.get(k);
                if (r == null) {
                  r = runs.size();
                  byKey.put(k, r);
                  runs.add(new ArrayList<>());
                  runCoords.add(new ArrayList<>());
                }
                NDArray v = ExecutorMemory.adopt(c.view(0, block, vb[0], vb[1]));
                if (!v.isCContiguous()) {
                  try (NDArray w = v) {
                    v = ExecutorMemory.adopt(w.copy());
                  }
                }
                runs.get(r).add(v);
                runCoords.get(r).add(vb[0]);
              }
            }
            look = it.hasNext() ? it.next() : null;
          }
          for (int r = 0; r < runs.size(); r++) {
            long[] first = runCoords.get(r).get(0);
            List<long[]> partners = idx.getOrDefault(c.sharedIndex(0, first), List.of());
            for (int p = 0; p < partners.size(); p++) {
              work.add(new long[] {r, p});
            }
          }
          return true;
        }

        @Override
        public Tuple2<BlockIndex, NDArray> next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          long[] w = work.get(next);
          List<NDArray> xs = runs.get((int) w[0]);
          List<long[]> xc = runCoords.get((int) w[0]);
          long[] p0 = idx.get(c.sharedIndex(0, xc.get(0))).get((int) w[1]);
          long k0 = c.kIndex(xc.get(0), p0);
          long o = c.outIndex(xc.get(0), p0);
          int m = xs.size();
          if (k0 != 0) {
            // not a prefix: one product at a time (w[2] counts the products done)
            int at = (int) (w.length > 2 ? w[2] : 0);
            Tuple2<BlockIndex, NDArray> t = product(xs.get(at), xc.get(at), p0, kb, o);
            if (at + 1 < m) {
              work.set(next, new long[] {w[0], w[1], at + 1});
            } else {
              next++;
            }
            return t;
          }
          next++;
          NDArray acc = null;
          try {
            for (int j = 0; j < m; j++) {
              Tuple2<BlockIndex, NDArray> t = product(xs.get(j), xc.get(j), p0, kb, o);
              if (acc == null) {
                acc = t._2();
              } else {
                try (NDArray pj = t._2()) {
                  acc.addi(pj);
                }
              }
            }
          } catch (RuntimeException e) {
            if (acc != null) {
              acc.close();
            }
            throw e;
          }
          return new Tuple2<>(c.foldedKey(o, 0, c.kIndex(xc.get(m - 1), p0)), acc);
        }

        /** The product of one virtual block of the row with its partner at that block's k. */
        private Tuple2<BlockIndex, NDArray> product(NDArray x, long[] cx, long[] p0, int kAxisB,
            long o) {
          long[] cs = p0.clone();
          cs[kAxisB] = cx[ka];
          NDArray prod;
          try (NDArray s = other.value().region(ExecutorMemory.tessera(), vs.blockOffsets(cs),
              vs.blockShape(cs))) {
            prod = c.multiply(x, s);
          }
          return new Tuple2<>(c.partialKey(o, c.kIndex(cx, cs)), prod);
        }
      };
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
            expect = check(first, o, expect);
            while (it.hasNext()) {
              Tuple2<BlockIndex, NDArray> t = it.next();
              if (t._1().coord(0) != o) {
                pending = t;
                break;
              }
              try (NDArray p = t._2()) {
                expect = check(t, o, expect);
                acc.addi(p);
              }
            }
            if (expect != kb) {
              throw new TesseraException("contraction", "contraction: result block " + o
                  + " received partial products up to " + expect + " of " + kb);
            }
          } catch (RuntimeException e) {
            acc.close();
            throw e;
          }
          BlockIndex idx = BlockIndex.of(out, o);
          return new Tuple2<>(idx, Fns.checked("contraction", acc, idx, out, c.dtype()));
        }

        /** Checks that t continues the sum at k; returns the k after it. */
        private long check(Tuple2<BlockIndex, NDArray> t, long o, long k) {
          if (t._1().coord(1) != k) {
            throw new TesseraException("contraction", "contraction: result block " + o
                + " got partial " + t._1().coord(1) + " where " + k + " was due (partials must "
                + "arrive sorted by k)");
          }
          return t._1().coord(2) + 1;
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
