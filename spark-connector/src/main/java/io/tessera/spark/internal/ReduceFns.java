package io.tessera.spark.internal;

import io.tessera.chunk.Chunks;
import io.tessera.chunk.TreeReduce;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.BlockIndex;
import io.tessera.spark.ExecutorMemory;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import scala.Tuple2;

/**
 * Internal: the functions Spark runs for reductions. A block becomes a heap {@link ReducePartial}
 * as soon as it is read and is closed at once, so a task holds one block at a time; partials
 * are merged in the fixed block tree ({@link PartialTree} for whole-array reductions through
 * {@code treeAggregate}, {@link TreeReduce.Accumulator} on the sorted partials of each output
 * block for reductions along axes).
 */
public final class ReduceFns {
  private ReduceFns() {}

  /** Which input blocks feed which output block: the grids of a reduction along axes. */
  public static final class Layout implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final BlockGrid in;
    private final BlockGrid out;
    private final boolean[] reduced;
    private final boolean keepdims;

    public Layout(Chunks in, Chunks out, boolean[] reduced, boolean keepdims) {
      this.in = new BlockGrid(in);
      this.out = new BlockGrid(out);
      this.reduced = reduced.clone();
      this.keepdims = keepdims;
    }

    public Chunks inChunks() {
      return in.chunks();
    }

    public Chunks outChunks() {
      return out.chunks();
    }

    /** The key of input block {@code coords}: its output block and its rank along the reduced axes. */
    public PartialKey key(long[] coords) {
      Chunks ic = in.chunks();
      int kept = 0;
      for (boolean r : reduced) {
        kept += r ? 0 : 1;
      }
      long[] oc = new long[keepdims ? coords.length : kept];
      long red = 0;
      for (int a = 0, j = 0; a < coords.length; a++) {
        if (reduced[a]) {
          red = red * ic.numBlocks(a) + coords[a];
          if (keepdims) {
            oc[j++] = 0;
          }
        } else {
          oc[j++] = coords[a];
        }
      }
      return new PartialKey(out.chunks().linearIndex(oc), red);
    }
  }

  /** Blocks to keyed partials (closes each block). */
  public static final class ToPartials implements PairFlatMapFunction<
      Iterator<Tuple2<BlockIndex, NDArray>>, PartialKey, ReducePartial> {
    private static final long serialVersionUID = 1L;
    private final ReduceSpec spec;
    private final Layout layout;

    public ToPartials(ReduceSpec spec, Layout layout) {
      this.spec = spec;
      this.layout = layout;
    }

    @Override
    public Iterator<Tuple2<PartialKey, ReducePartial>> call(
        Iterator<Tuple2<BlockIndex, NDArray>> it) {
      Chunks c = layout.inChunks();
      return Fns.map(it, t -> {
        long[] coords = t._1().coords();
        try (NDArray b = t._2()) {
          return new Tuple2<>(layout.key(coords), spec.partial(b, c.blockOffsets(coords)));
        }
      });
    }
  }

  /**
   * The reduce side: partials sorted by (output block, rank) merged output block by output block
   * in the fixed tree, each finished into a new output block (adopted by the task).
   */
  public static final class MergeSorted implements PairFlatMapFunction<
      Iterator<Tuple2<PartialKey, ReducePartial>>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;
    private final ReduceSpec spec;
    private final BlockGrid out;

    public MergeSorted(ReduceSpec spec, Chunks out) {
      this.spec = spec;
      this.out = new BlockGrid(out);
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(
        Iterator<Tuple2<PartialKey, ReducePartial>> it) {
      Chunks oc = out.chunks();
      return new Iterator<>() {
        private Tuple2<PartialKey, ReducePartial> peeked;

        @Override
        public boolean hasNext() {
          return peeked != null || it.hasNext();
        }

        @Override
        public Tuple2<BlockIndex, NDArray> next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Tuple2<PartialKey, ReducePartial> first = peeked != null ? peeked : it.next();
          peeked = null;
          long block = first._1().out();
          TreeReduce.Accumulator<ReducePartial> acc = new TreeReduce.Accumulator<>(spec);
          acc.add(first._1().red(), first._2());
          while (it.hasNext()) {
            Tuple2<PartialKey, ReducePartial> t = it.next();
            if (t._1().out() != block) {
              peeked = t;
              break;
            }
            acc.add(t._1().red(), t._2());
          }
          ReducePartial total = acc.result();
          BlockIndex idx = BlockIndex.of(oc, block);
          NDArray b = ExecutorMemory.adopt(ExecutorMemory.tessera().empty(spec.resultType(),
              oc.blockShape(idx.coords())));
          if (b.size() > 0) {
            spec.finish(total, b.dataAddress());
          }
          return new Tuple2<>(idx, b);
        }
      };
    }
  }

  /** treeAggregate's sequential op for whole-array reductions (closes the block). */
  public static final class Seq
      implements Function2<PartialTree<ReducePartial>, Tuple2<BlockIndex, NDArray>,
      PartialTree<ReducePartial>> {
    private static final long serialVersionUID = 1L;
    private final ReduceSpec spec;
    private final BlockGrid grid;

    public Seq(ReduceSpec spec, Chunks chunks) {
      this.spec = spec;
      this.grid = new BlockGrid(chunks);
    }

    @Override
    public PartialTree<ReducePartial> call(PartialTree<ReducePartial> p,
        Tuple2<BlockIndex, NDArray> t) {
      ReducePartial v;
      try (NDArray a = t._2()) {
        v = spec.partial(a, grid.chunks().blockOffsets(t._1().coords()));
      }
      return p.add(t._1().linear(), v, spec);
    }
  }

  /** treeAggregate's combine: union of partial trees. */
  public static final class Merge implements Function2<PartialTree<ReducePartial>,
      PartialTree<ReducePartial>, PartialTree<ReducePartial>> {
    private static final long serialVersionUID = 1L;
    private final ReduceSpec spec;

    public Merge(ReduceSpec spec) {
      this.spec = spec;
    }

    @Override
    public PartialTree<ReducePartial> call(PartialTree<ReducePartial> a,
        PartialTree<ReducePartial> b) {
      return a.merge(b, spec);
    }
  }
}
