package io.tessera.spark.internal;

import io.tessera.Tessera;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Shapes;
import io.tessera.spark.BlockIndex;
import io.tessera.spark.DistributedGenerator;
import io.tessera.spark.ExecutorMemory;
import io.tessera.ufunc.Ufunc;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.apache.spark.Partitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Internal: the functions Spark runs on executors, as named serializable classes that capture only
 * what they declare (grids, dtypes, ufunc names, scalars, broadcast handles).
 *
 * <p><b>Ownership.</b> Each function consumes its input arrays: it closes every input block as
 * soon as the output block is computed, and hands its output to the task ({@link
 * ExecutorMemory#adopt}). Iterators are lazy, so a task holds one block per operand plus one
 * output at a time; whatever is still open when the task ends is closed by the task's scope.
 */
public final class Fns {
  private Fns() {}

  /** A lazy map over an iterator. */
  static <A, B> Iterator<B> map(Iterator<A> in, Function<A, B> f) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return in.hasNext();
      }

      @Override
      public B next() {
        return f.apply(in.next());
      }
    };
  }

  /** Checks a produced block against the grid and dtype; closes it and throws if it is wrong. */
  static NDArray checked(String op, NDArray b, BlockIndex idx, Chunks chunks, DType dtype) {
    long[] expect = chunks.blockShape(idx.coords());
    if (b.dtype() != dtype || !Arrays.equals(b.shape(), expect)) {
      String got = b.dtype() + Shapes.format(b.shape());
      b.close();
      throw new ShapeException(op, op + ": " + idx + " came out as " + got + ", expected "
          + dtype + Shapes.format(expect));
    }
    return b;
  }

  // ================================================================ sources

  /** Block payloads (bytes shipped in the task) to arrays. */
  public static final class FromPayloads
      implements PairFlatMapFunction<Iterator<BlockPayload>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<BlockPayload> it) {
      return map(it, p -> new Tuple2<>(p.index(),
          ExecutorMemory.adopt(p.toArray(ExecutorMemory.tessera()))));
    }
  }

  /** Block indices to generated blocks. */
  public static final class Generate
      implements PairFlatMapFunction<Iterator<Long>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;
    private final BlockGrid grid;
    private final DType dtype;
    private final DistributedGenerator generator;

    public Generate(BlockGrid grid, DType dtype, DistributedGenerator generator) {
      this.grid = grid;
      this.dtype = dtype;
      this.generator = generator;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Long> it) {
      Chunks c = grid.chunks();
      return map(it, linear -> {
        BlockIndex idx = BlockIndex.of(c, linear);
        long[] coords = idx.coords();
        Tessera np = ExecutorMemory.tessera();
        NDArray b = generator.generate(coords, c.blockOffsets(coords), c.blockShape(coords), np);
        return new Tuple2<>(idx, checked("generate", ExecutorMemory.adopt(b), idx, c, dtype));
      });
    }
  }

  // ================================================================ blockwise

  /** One operand's block into a bundle of operand blocks. */
  public static final class ToBundle implements
      PairFlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray>>, BlockIndex, NDArray[]> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray[]>> call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      return map(it, t -> new Tuple2<>(t._1(), new NDArray[] {t._2()}));
    }
  }

  /**
   * Zips a bundle with one more operand, partition by partition (both on one grid with one
   * partition count, so both hold the same blocks in the same order; checked).
   */
  public static final class ZipBundle implements FlatMapFunction2<
      Iterator<Tuple2<BlockIndex, NDArray[]>>, Iterator<Tuple2<BlockIndex, NDArray>>,
      Tuple2<BlockIndex, NDArray[]>> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray[]>> call(Iterator<Tuple2<BlockIndex, NDArray[]>> a,
        Iterator<Tuple2<BlockIndex, NDArray>> b) {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          boolean ha = a.hasNext();
          if (ha != b.hasNext()) {
            throw new TesseraException("zip", "zip: the operands' partitions hold different "
                + "numbers of blocks");
          }
          return ha;
        }

        @Override
        public Tuple2<BlockIndex, NDArray[]> next() {
          Tuple2<BlockIndex, NDArray[]> x = a.next();
          Tuple2<BlockIndex, NDArray> y = b.next();
          if (!x._1().equals(y._1())) {
            for (NDArray arr : x._2()) {
              arr.close();
            }
            y._2().close();
            throw new TesseraException("zip", "zip: block " + x._1() + " met block " + y._1()
                + " (the operands' partitions are laid out differently)");
          }
          NDArray[] all = Arrays.copyOf(x._2(), x._2().length + 1);
          all[all.length - 1] = y._2();
          return new Tuple2<>(x._1(), all);
        }
      };
    }
  }

  /** How one ufunc input is supplied. */
  public record Slot(char kind, int ref, Object scalar, long[] localShape) implements Serializable {
    /** The {@code ref}-th distributed operand's block. */
    public static Slot distributed(int ref) {
      return new Slot('d', ref, null, null);
    }

    /** The box of the {@code ref}-th broadcast local operand that lines up with the block. */
    public static Slot local(int ref, long[] shape) {
      return new Slot('l', ref, null, shape.clone());
    }

    /** A Java scalar (a weak Python scalar for type resolution). */
    public static Slot scalar(Object value) {
      return new Slot('s', -1, value, null);
    }
  }

  /** A ufunc on bundles of operand blocks, with broadcast local operands and scalars. */
  public static final class Elementwise implements
      PairFlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray[]>>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;
    private final String ufunc;
    private final Slot[] slots;
    private final List<Broadcast<HeapArray>> locals;
    private final BlockGrid grid;
    private final DType outType;
    private transient Ufunc fn;

    public Elementwise(String ufunc, Slot[] slots, List<Broadcast<HeapArray>> locals,
        BlockGrid grid, DType outType) {
      this.ufunc = ufunc;
      this.slots = slots.clone();
      this.locals = new ArrayList<>(locals);
      this.grid = grid;
      this.outType = outType;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Tuple2<BlockIndex, NDArray[]>> it) {
      if (fn == null) {
        fn = Ufunc.of(ufunc);
      }
      Chunks c = grid.chunks();
      return map(it, t -> new Tuple2<>(t._1(), apply(t._1(), t._2(), c)));
    }

    private NDArray apply(BlockIndex idx, NDArray[] blocks, Chunks c) {
      long[] coords = idx.coords();
      long[] off = c.blockOffsets(coords);
      long[] shape = c.blockShape(coords);
      Tessera np = ExecutorMemory.tessera();
      List<NDArray> temps = new ArrayList<>();
      try {
        Object[] in = new Object[slots.length];
        for (int i = 0; i < slots.length; i++) {
          Slot s = slots[i];
          switch (s.kind()) {
            case 'd':
              in[i] = blocks[s.ref()];
              break;
            case 'l': {
              long[] ls = s.localShape();
              int shift = shape.length - ls.length;
              long[] o = new long[ls.length];
              long[] b = new long[ls.length];
              for (int ax = 0; ax < ls.length; ax++) {
                boolean stretched = ls[ax] == 1 && shape[ax + shift] != 1;
                o[ax] = stretched ? 0 : off[ax + shift];
                b[ax] = stretched ? 1 : shape[ax + shift];
              }
              NDArray piece = locals.get(s.ref()).value().region(np, o, b);
              temps.add(piece);
              in[i] = piece;
              break;
            }
            default:
              in[i] = s.scalar();
              break;
          }
        }
        NDArray out = ExecutorMemory.adopt(fn.with().apply(in));
        return checked(ufunc, out, idx, c, outType);
      } finally {
        for (NDArray b : blocks) {
          b.close();
        }
        for (NDArray p : temps) {
          p.close();
        }
      }
    }
  }

  /** {@code astype} per block. */
  public static final class AsType implements
      PairFlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray>>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;
    private final DType to;

    public AsType(DType to) {
      this.to = to;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      return map(it, t -> {
        try (NDArray a = t._2()) {
          return new Tuple2<>(t._1(), ExecutorMemory.adopt(a.astype(to)));
        }
      });
    }
  }

  // ================================================================ shuffle

  /**
   * Feeds a shuffle: closes each block when the writer asks for the next one. Spark's shuffle
   * writers for a Kryo serializer without map-side aggregation (bypass-merge-sort and the
   * serialized "unsafe" writer) serialize every record as they receive it, so a map task holds one
   * block at a time instead of its whole partition. (A writer that buffered objects would find
   * them closed and fail loudly in the NDArray serializer, never silently.)
   */
  public static final class CloseOnAdvance implements
      PairFlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray>>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      return new Iterator<>() {
        private NDArray previous;

        private void release() {
          if (previous != null) {
            previous.close();
            previous = null;
          }
        }

        @Override
        public boolean hasNext() {
          boolean h = it.hasNext();
          if (!h) {
            release();
          }
          return h;
        }

        @Override
        public Tuple2<BlockIndex, NDArray> next() {
          release();
          if (!it.hasNext()) {
            throw new NoSuchElementException();
          }
          Tuple2<BlockIndex, NDArray> t = it.next();
          previous = t._2();
          return t;
        }
      };
    }
  }

  /** Sends block {@code i} to the partition {@link BlockGrid} lays it out in. */
  public static final class BlockPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final long blocks;
    private final int partitions;

    public BlockPartitioner(long blocks, int partitions) {
      this.blocks = blocks;
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return BlockGrid.partitionOf(blocks, partitions, ((BlockIndex) key).linear());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BlockPartitioner p && p.blocks == blocks && p.partitions == partitions;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(blocks) * 31 + partitions;
    }
  }

  /** Block order (C order of the grid). */
  public static final class BlockOrder implements Comparator<BlockIndex>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(BlockIndex a, BlockIndex b) {
      return a.compareTo(b);
    }
  }

  // ================================================================ to the driver

  /** Copies a partition's blocks to heap payloads (closing the blocks): a task result. */
  public static final class CollectPartition extends AbstractFunction2<TaskContext,
      scala.collection.Iterator<Tuple2<BlockIndex, NDArray>>, BlockPayload[]>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public BlockPayload[] apply(TaskContext tc,
        scala.collection.Iterator<Tuple2<BlockIndex, NDArray>> it) {
      List<BlockPayload> out = new ArrayList<>();
      while (it.hasNext()) {
        Tuple2<BlockIndex, NDArray> t = it.next();
        try (NDArray a = t._2()) {
          out.add(BlockPayload.copyOf(t._1(), a));
        }
      }
      return out.toArray(new BlockPayload[0]);
    }
  }

  /** Driver side: writes each arriving partition's blocks into the result array. */
  public static final class AssembleInto
      extends AbstractFunction2<Object, BlockPayload[], BoxedUnit> {
    private final NDArray out;
    private final Chunks chunks;
    private long blocks;

    public AssembleInto(NDArray out, Chunks chunks) {
      this.out = out;
      this.chunks = chunks;
    }

    @Override
    public BoxedUnit apply(Object partition, BlockPayload[] payloads) {
      synchronized (this) {
        long[] full = out.shape();
        for (BlockPayload p : payloads) {
          long[] coords = p.index().coords();
          Regions.scatter(p.bytes(), 0, full, chunks.blockOffsets(coords), p.shape(),
              out.itemsize(), null, out.size() == 0 ? 0 : out.dataAddress());
          blocks++;
        }
      }
      return BoxedUnit.UNIT;
    }

    public synchronized long blocks() {
      return blocks;
    }
  }
}
