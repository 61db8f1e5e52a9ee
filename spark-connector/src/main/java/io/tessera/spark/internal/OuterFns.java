package io.tessera.spark.internal;

import io.tessera.Tessera;
import io.tessera.chunk.Chunks;
import io.tessera.chunk.Outer;
import io.tessera.dtype.DType;
import io.tessera.expr.Expr;
import io.tessera.ndarray.NDArray;
import io.tessera.parallel.Threads;
import io.tessera.spark.BlockIndex;
import io.tessera.spark.ExecutorMemory;
import io.tessera.ufunc.Ufunc;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Internal: the executor side of {@code io.tessera.spark.DistributedOuter}. Every task runs the
 * local engine ({@link Outer}) on one x block against a y block or the whole broadcast y, on one
 * thread (Spark runs one task per core). Inputs are closed as soon as they are used up; outputs
 * are adopted by the task.
 */
public final class OuterFns {
  private OuterFns() {}

  /** What is computed for one pair of blocks: f, the optional combine over d, the reduction. */
  public static final class Op implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Expr f;
    private final String combine;
    private final String reduce;

    public Op(Expr f, String combine, String reduce) {
      this.f = f;
      this.combine = combine;
      this.reduce = reduce;
    }

    /** reduce over y's rows of f(x block row, y row): the local engine, one thread. */
    NDArray reduce(NDArray x, NDArray y) {
      Ufunc c = combine == null ? null : Ufunc.of(combine);
      Ufunc r = Ufunc.of(reduce);
      return Threads.limit(1, () -> Outer.reduction(f, c, r, x, y, 1).compute());
    }

    /** acc = reduce(acc, partial), in place, elementwise (partials combine in y-block order). */
    void combineInto(NDArray acc, NDArray partial) {
      Threads.limit(1, () -> Ufunc.of(reduce).apply(acc, partial, acc));
    }

    /** The unfused f(x[:, None], y[None, :]) of two 1-D pieces, as a new C array. */
    NDArray outer(Tessera np, NDArray x, NDArray y, DType dt) {
      try (NDArray xs = x.get(":, None"); NDArray ys = y.get("None, :")) {
        NDArray out = np.empty(dt, x.shape(0), y.shape(0));
        try {
          Threads.limit(1, () -> f.bind(xs, ys).into(out));
          return out;
        } catch (RuntimeException e) {
          out.close();
          throw e;
        }
      }
    }
  }

  /** The result key of x block {@code x}: its number along axis 0 in the 1-D result grid. */
  static BlockIndex rowKey(BlockIndex x) {
    return new BlockIndex(x.linear(), new long[] {x.coord(0)});
  }

  /** The whole broadcast y, copied off-heap once per task. */
  static NDArray wholeY(Broadcast<HeapArray> y) {
    HeapArray h = y.value();
    long[] shape = h.shape();
    return ExecutorMemory.adopt(h.region(ExecutorMemory.tessera(), new long[shape.length],
        shape));
  }

  // ================================================================ y broadcast

  /** outerReduce with y broadcast: one local outer reduction per x block. */
  public static final class ReduceBroadcast implements
      PairFlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray>>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;
    private final Op op;
    private final Broadcast<HeapArray> y;

    public ReduceBroadcast(Op op, Broadcast<HeapArray> y) {
      this.op = op;
      this.y = y;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      return new Iterator<>() {
        private NDArray ys;

        @Override
        public boolean hasNext() {
          boolean h = it.hasNext();
          if (!h && ys != null) {
            ys.close();
            ys = null;
          }
          return h;
        }

        @Override
        public Tuple2<BlockIndex, NDArray> next() {
          Tuple2<BlockIndex, NDArray> t = it.next();
          if (ys == null) {
            ys = wholeY(y);
          }
          try (NDArray xb = t._2()) {
            return new Tuple2<>(rowKey(t._1()), ExecutorMemory.adopt(op.reduce(xb, ys)));
          }
        }
      };
    }
  }

  /** Unfused outer with y broadcast: the row of result blocks of each x block, in C order. */
  public static final class OuterBroadcast implements
      PairFlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray>>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;
    private final Op op;
    private final Broadcast<HeapArray> y;
    private final BlockGrid result;
    private final DType dtype;

    public OuterBroadcast(Op op, Broadcast<HeapArray> y, BlockGrid result, DType dtype) {
      this.op = op;
      this.y = y;
      this.result = result;
      this.dtype = dtype;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      Chunks c = result.chunks();
      long nbj = c.numBlocks()[1];
      return new Iterator<>() {
        private NDArray ys;
        private NDArray xb;
        private BlockIndex xi;
        private long bj = nbj;

        @Override
        public boolean hasNext() {
          if (bj < nbj) {
            return true;
          }
          if (xb != null) {
            xb.close();
            xb = null;
          }
          boolean h = it.hasNext();
          if (!h && ys != null) {
            ys.close();
            ys = null;
          }
          return h;
        }

        @Override
        public Tuple2<BlockIndex, NDArray> next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          if (bj >= nbj) {
            Tuple2<BlockIndex, NDArray> t = it.next();
            xi = t._1();
            xb = t._2();
            bj = 0;
            if (ys == null) {
              ys = wholeY(y);
            }
          }
          BlockIndex key = BlockIndex.at(c, xi.coord(0), bj);
          long j0 = c.blockOffsets(key.coords())[1];
          long j1 = j0 + c.blockShape(key.coords())[1];
          bj++;
          try (NDArray piece = ys.get(j0 + ":" + j1)) {
            NDArray out = op.outer(ExecutorMemory.tessera(), xb, piece, dtype);
            return new Tuple2<>(key, ExecutorMemory.adopt(out));
          }
        }
      };
    }
  }

  // ================================================================ block pairs

  /**
   * Sends every y block to each of {@code partitions} x partitions (keyed for the shuffle); a
   * block is closed when the writer asks for the record after its last replica.
   */
  public static final class ReplicateY implements
      PairFlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray>>, PairKey, NDArray> {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    public ReplicateY(int partitions) {
      this.partitions = partitions;
    }

    @Override
    public Iterator<Tuple2<PairKey, NDArray>> call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      return new Iterator<>() {
        private Tuple2<BlockIndex, NDArray> cur;
        private int p = partitions;

        @Override
        public boolean hasNext() {
          if (p < partitions) {
            return true;
          }
          if (cur != null) {
            cur._2().close();
            cur = null;
          }
          return it.hasNext();
        }

        @Override
        public Tuple2<PairKey, NDArray> next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          if (p >= partitions) {
            cur = it.next();
            p = 0;
          }
          return new Tuple2<>(new PairKey(p++, cur._1().linear()), cur._2());
        }
      };
    }
  }

  /**
   * outerReduce over block pairs: holds the partition's x blocks and one running result per x
   * block; each y block (arriving in grid order) is reduced against every x block and its partial
   * combined into the running result, so the combine order is y's block order whatever the
   * partitioning.
   */
  public static final class ReducePairs implements FlatMapFunction2<
      Iterator<Tuple2<BlockIndex, NDArray>>, Iterator<Tuple2<PairKey, NDArray>>,
      Tuple2<BlockIndex, NDArray>> {
    private static final long serialVersionUID = 1L;
    private final Op op;

    public ReducePairs(Op op) {
      this.op = op;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Tuple2<BlockIndex, NDArray>> xs,
        Iterator<Tuple2<PairKey, NDArray>> ys) {
      List<BlockIndex> keys = new ArrayList<>();
      List<NDArray> blocks = new ArrayList<>();
      while (xs.hasNext()) {
        Tuple2<BlockIndex, NDArray> t = xs.next();
        keys.add(t._1());
        blocks.add(t._2());
      }
      NDArray[] acc = new NDArray[blocks.size()];
      long last = -1;
      while (ys.hasNext()) {
        Tuple2<PairKey, NDArray> t = ys.next();
        if (t._1().block() <= last) {
          throw new IllegalStateException("outer: y blocks out of order: " + t._1() + " after "
              + last);
        }
        last = t._1().block();
        try (NDArray yb = ExecutorMemory.adopt(t._2())) {
          for (int i = 0; i < acc.length; i++) {
            NDArray part = ExecutorMemory.adopt(op.reduce(blocks.get(i), yb));
            if (acc[i] == null) {
              acc[i] = part;
            } else {
              try (part) {
                op.combineInto(acc[i], part);
              }
            }
          }
        }
      }
      List<Tuple2<BlockIndex, NDArray>> out = new ArrayList<>();
      for (int i = 0; i < acc.length; i++) {
        blocks.get(i).close();
        if (acc[i] == null) {
          throw new IllegalStateException("outer: no y block reached x " + keys.get(i));
        }
        out.add(new Tuple2<>(rowKey(keys.get(i)), acc[i]));
      }
      return out.iterator();
    }
  }

  /**
   * Unfused outer over block pairs: one x block per partition; each y block (in grid order)
   * gives the result block (x block, y block), so blocks come out in C order of the result grid.
   */
  public static final class OuterPairs implements FlatMapFunction2<
      Iterator<Tuple2<BlockIndex, NDArray>>, Iterator<Tuple2<PairKey, NDArray>>,
      Tuple2<BlockIndex, NDArray>> {
    private static final long serialVersionUID = 1L;
    private final Op op;
    private final BlockGrid result;
    private final DType dtype;

    public OuterPairs(Op op, BlockGrid result, DType dtype) {
      this.op = op;
      this.result = result;
      this.dtype = dtype;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Tuple2<BlockIndex, NDArray>> xs,
        Iterator<Tuple2<PairKey, NDArray>> ys) {
      Chunks c = result.chunks();
      if (!xs.hasNext()) {
        while (ys.hasNext()) {
          ys.next()._2().close();
        }
        return new ArrayList<Tuple2<BlockIndex, NDArray>>().iterator();
      }
      Tuple2<BlockIndex, NDArray> x = xs.next();
      if (xs.hasNext()) {
        throw new IllegalStateException("outer: more than one x block in a partition");
      }
      long bi = x._1().coord(0);
      NDArray xb = x._2();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          boolean h = ys.hasNext();
          if (!h) {
            xb.close();
          }
          return h;
        }

        @Override
        public Tuple2<BlockIndex, NDArray> next() {
          Tuple2<PairKey, NDArray> t = ys.next();
          try (NDArray yb = ExecutorMemory.adopt(t._2())) {
            BlockIndex key = BlockIndex.at(c, bi, t._1().block());
            return new Tuple2<>(key, ExecutorMemory.adopt(op.outer(ExecutorMemory.tessera(), xb,
                yb, dtype)));
          }
        }
      };
    }
  }
}
