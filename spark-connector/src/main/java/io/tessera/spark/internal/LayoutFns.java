package io.tessera.spark.internal;

import io.tessera.chunk.ChunkGrid;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.index.Index;
import io.tessera.linalg.Linalg;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.BlockIndex;
import io.tessera.spark.ExecutorMemory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import scala.Tuple2;

/**
 * Internal: executor functions that move blocks between grids without arithmetic: transpose
 * (permute block keys, transpose each block as a view), basic slicing and the diagonal (keep the
 * blocks a range of parent partitions holds, as views), and rechunk (cut blocks into the pieces
 * the target grid needs, then assemble target blocks from their sorted pieces).
 */
public final class LayoutFns {
  private LayoutFns() {}

  /** Transposes every block (a view) and renames it in the permuted grid. */
  public static final class Transpose implements
      PairFlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray>>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;
    private final int[] axes;
    private final BlockGrid target;

    public Transpose(int[] axes, BlockGrid target) {
      this.axes = axes.clone();
      this.target = target;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      Chunks t = target.chunks();
      return Fns.map(it, x -> {
        long[] c = x._1().coords();
        long[] p = new long[c.length];
        for (int i = 0; i < p.length; i++) {
          p[i] = c[axes[i]];
        }
        try (NDArray b = x._2()) {
          return new Tuple2<>(BlockIndex.at(t, p), ExecutorMemory.adopt(b.transpose(axes)));
        }
      });
    }
  }

  /**
   * Basic slicing: for each child block (in order), the parent block it lies in and the box to
   * keep; parent blocks no child needs are closed unread. {@code axisKept[a]} false drops axis a
   * (an integer index).
   */
  public static final class Slice implements RangeRDD.Fn {
    private static final long serialVersionUID = 1L;
    private final BlockGrid source;
    private final BlockGrid result;
    private final long[] start;
    private final long[] stop;
    private final boolean[] kept;
    private final int partitions;

    public Slice(BlockGrid source, BlockGrid result, long[] start, long[] stop, boolean[] kept,
        int partitions) {
      this.source = source;
      this.result = result;
      this.start = start.clone();
      this.stop = stop.clone();
      this.kept = kept.clone();
      this.partitions = partitions;
    }

    /** The source block of result block {@code linear}. */
    public static long[] sourceOf(Chunks src, long[] start, boolean[] kept, Chunks res,
        long[] resCoords) {
      int nd = src.ndim();
      long[] s = new long[nd];
      for (int a = 0, r = 0; a < nd; a++) {
        if (!kept[a]) {
          s[a] = src.locate(a, start[a]);
          continue;
        }
        long pos = start[a] + res.start(r, (int) resCoords[r]);
        s[a] = src.locate(a, pos);
        r++;
      }
      return s;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> apply(int partition,
        Iterator<Tuple2<BlockIndex, NDArray>> parents) {
      Chunks src = source.chunks();
      Chunks res = result.chunks();
      long total = res.blockCount();
      long first = BlockGrid.partitionStart(total, partitions, partition);
      long end = BlockGrid.partitionStart(total, partitions, partition + 1);
      return new Iterator<>() {
        private long next = first;

        @Override
        public boolean hasNext() {
          if (next >= end) {
            // close whatever the parents still hold (blocks after the last one we need)
            while (parents.hasNext()) {
              parents.next()._2().close();
            }
            return false;
          }
          return true;
        }

        @Override
        public Tuple2<BlockIndex, NDArray> next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          long[] rc = res.blockIndex(next);
          long want = src.linearIndex(sourceOf(src, start, kept, res, rc));
          while (true) {
            Tuple2<BlockIndex, NDArray> t = parents.next();
            if (t._1().linear() != want) {
              t._2().close();
              continue;
            }
            long[] off = src.blockOffsets(t._1().coords());
            long[] shape = src.blockShape(t._1().coords());
            Index[] ix = new Index[off.length];
            long[] rs = res.blockOffsets(rc);
            long[] rshape = res.blockShape(rc);
            for (int a = 0, r = 0; a < ix.length; a++) {
              if (!kept[a]) {
                ix[a] = Index.at(start[a] - off[a]);
                continue;
              }
              long lo = start[a] + rs[r] - off[a];
              ix[a] = Index.slice(lo, Math.min(lo + rshape[r], shape[a]));
              r++;
            }
            BlockIndex idx = BlockIndex.of(res, next++);
            NDArray view;
            try (NDArray b = t._2()) {
              view = ExecutorMemory.adopt(b.get(ix));
            }
            return new Tuple2<>(idx, Fns.checked("slice", view, idx, res, view.dtype()));
          }
        }
      };
    }
  }

  /**
   * The diagonal of a square-gridded 2-D array: result block b is the diagonal of source block
   * (b, b), copied (a strided view would pin the whole block).
   */
  public static final class Diagonal implements RangeRDD.Fn {
    private static final long serialVersionUID = 1L;
    private final BlockGrid result;
    private final long n;
    private final int partitions;

    public Diagonal(BlockGrid result, long n, int partitions) {
      this.result = result;
      this.n = n;
      this.partitions = partitions;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> apply(int partition,
        Iterator<Tuple2<BlockIndex, NDArray>> parents) {
      Chunks res = result.chunks();
      long total = res.blockCount();
      long first = BlockGrid.partitionStart(total, partitions, partition);
      long end = BlockGrid.partitionStart(total, partitions, partition + 1);
      return new Iterator<>() {
        private long next = first;

        @Override
        public boolean hasNext() {
          if (next >= end) {
            while (parents.hasNext()) {
              parents.next()._2().close();
            }
            return false;
          }
          return true;
        }

        @Override
        public Tuple2<BlockIndex, NDArray> next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          long want = next * n + next;
          while (true) {
            Tuple2<BlockIndex, NDArray> t = parents.next();
            if (t._1().linear() != want) {
              t._2().close();
              continue;
            }
            BlockIndex idx = BlockIndex.of(res, next++);
            try (NDArray b = t._2(); NDArray d = Linalg.diagonal(b)) {
              NDArray copy = ExecutorMemory.adopt(d.copy());
              return new Tuple2<>(idx, Fns.checked("diagonal", copy, idx, res, copy.dtype()));
            }
          }
        }
      };
    }
  }

  /** Passes blocks through unchanged (a new RDD over the same blocks). */
  public static final class Identity implements
      PairFlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray>>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      return it;
    }
  }

  // ------------------------------------------------------------------ rechunk

  /**
   * The key of a piece of target block {@code target}: ordered by target block, then by the
   * piece's offset inside it (C order), so a target block's pieces arrive together and in order.
   */
  static BlockIndex pieceKey(long target, long[] offsetInTarget) {
    return new BlockIndex(target, offsetInTarget);
  }

  /** Rechunk map side: each source block cut into the pieces (views) of the target blocks. */
  public static final class ToPieces implements
      PairFlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray>>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;
    private final BlockGrid source;
    private final BlockGrid target;

    public ToPieces(BlockGrid source, BlockGrid target) {
      this.source = source;
      this.target = target;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      Chunks src = source.chunks();
      Chunks tgt = target.chunks();
      int nd = src.ndim();
      return Iterators.flatten(it, t -> {
        List<Tuple2<BlockIndex, NDArray>> out = new ArrayList<>();
        try (NDArray block = t._2()) {
          long[] off = src.blockOffsets(t._1().coords());
          long[] shape = src.blockShape(t._1().coords());
          List<List<ChunkGrid.Piece>> per = new ArrayList<>();
          long count = 1;
          for (int a = 0; a < nd; a++) {
            List<ChunkGrid.Piece> ps = ChunkGrid.piecesAlong(tgt, a, off[a], shape[a]);
            per.add(ps);
            count *= ps.size();
          }
          for (long q = 0; q < count; q++) {
            long rem = q;
            long[] tc = new long[nd];
            long[] inT = new long[nd];
            Index[] ix = new Index[nd];
            for (int a = nd - 1; a >= 0; a--) {
              List<ChunkGrid.Piece> ps = per.get(a);
              ChunkGrid.Piece p = ps.get((int) (rem % ps.size()));
              rem /= ps.size();
              tc[a] = p.block();
              inT[a] = p.start();
              ix[a] = Index.slice(p.outStart(), p.outStart() + p.length());
            }
            out.add(new Tuple2<>(pieceKey(tgt.linearIndex(tc), inT),
                ExecutorMemory.adopt(nd == 0 ? block.view() : block.get(ix))));
          }
        }
        return out.iterator();
      });
    }
  }

  /** Rechunk reduce side: sorted pieces assembled into target blocks, one block at a time. */
  public static final class Assemble implements
      PairFlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray>>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;
    private final BlockGrid target;
    private final DType dtype;

    public Assemble(BlockGrid target, DType dtype) {
      this.target = target;
      this.dtype = dtype;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      Chunks tgt = target.chunks();
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
          long l = first._1().linear();
          BlockIndex idx = BlockIndex.of(tgt, l);
          long[] shape = tgt.blockShape(idx.coords());
          NDArray out = ExecutorMemory.adopt(ExecutorMemory.tessera().empty(dtype, shape));
          long filled = 0;
          try {
            Tuple2<BlockIndex, NDArray> t = first;
            while (true) {
              try (NDArray piece = t._2()) {
                long[] at = t._1().coords();
                if (shape.length == 0) {
                  out.assign(piece);
                } else {
                  Index[] ix = new Index[shape.length];
                  long[] ps = piece.shape();
                  for (int a = 0; a < ix.length; a++) {
                    ix[a] = Index.slice(at[a], at[a] + ps[a]);
                  }
                  try (NDArray dst = out.get(ix)) {
                    dst.assign(piece);
                  }
                }
                filled += piece.size();
              }
              if (!it.hasNext()) {
                break;
              }
              t = it.next();
              if (t._1().linear() != l) {
                pending = t;
                break;
              }
            }
            if (filled != out.size()) {
              throw new io.tessera.errors.TesseraException("rechunk", "rechunk: " + idx
                  + " received " + filled + " of " + out.size() + " elements");
            }
          } catch (RuntimeException e) {
            out.close();
            throw e;
          }
          return new Tuple2<>(idx, out);
        }
      };
    }
  }
}
