package io.tessera.spark.io;

import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.BlockIndex;
import io.tessera.spark.ExecutorMemory;
import io.tessera.spark.internal.BlockGrid;
import io.tessera.spark.internal.PartialKey;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.api.java.function.PairFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.Tuple2;

/**
 * Executors' side of DataFrame conversions. In: each row becomes its little-endian bytes in the
 * target dtype, keyed by (block of rows, row number), so a sorted shuffle brings every block's
 * rows together and in order; a task then fills one block at a time. Out: each block of rows
 * becomes Spark rows {@code (index, value)}, the block closed once its rows are emitted.
 */
public final class FrameRows {
  private FrameRows() {}

  /** Puts value {@code v} (a boxed Spark SQL value) as {@code t} (little-endian buffer). */
  static void put(DType t, java.nio.ByteBuffer bb, Object v) {
    switch (t) {
      case FLOAT64: bb.putDouble(((Number) v).doubleValue()); break;
      case FLOAT32: bb.putFloat(((Number) v).floatValue()); break;
      case INT64: bb.putLong(((Number) v).longValue()); break;
      case INT32: bb.putInt(((Number) v).intValue()); break;
      case INT16: bb.putShort(((Number) v).shortValue()); break;
      case INT8: bb.put(((Number) v).byteValue()); break;
      case BOOL: bb.put((byte) (((Boolean) v) ? 1 : 0)); break;
      default: throw new IllegalStateException(t.toString());
    }
  }

  /** A row (one column: an array or a number) to its key and bytes. */
  public static final class ToBytes
      implements PairFunction<Tuple2<Row, Long>, PartialKey, byte[]> {
    private static final long serialVersionUID = 1L;
    private final DType dtype;
    private final int width; // -1: a plain numeric column
    private final long rowsPerChunk;
    private final String column;

    public ToBytes(DType dtype, int width, long rowsPerChunk, String column) {
      this.dtype = dtype;
      this.width = width;
      this.rowsPerChunk = rowsPerChunk;
      this.column = column;
    }

    @Override
    public Tuple2<PartialKey, byte[]> call(Tuple2<Row, Long> t) {
      Row r = t._1();
      long i = t._2();
      int w = dtype.itemsize();
      if (r.isNullAt(0)) {
        throw new SparkIOException("fromDataFrame", column, "row " + i + " is null");
      }
      byte[] out = new byte[width < 0 ? w : w * width];
      java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(out).order(
          java.nio.ByteOrder.LITTLE_ENDIAN);
      if (width < 0) {
        put(dtype, bb, r.get(0));
      } else {
        List<Object> vals = r.getList(0);
        if (vals.size() != width) {
          throw new SparkIOException("fromDataFrame", column, "row " + i + " has "
              + vals.size() + " elements, the first row " + width + " (ragged rows)");
        }
        for (int j = 0; j < width; j++) {
          Object v = vals.get(j);
          if (v == null) {
            throw new SparkIOException("fromDataFrame", column, "row " + i + " has a null "
                + "element at " + j);
          }
          put(dtype, bb, v);
        }
      }
      return new Tuple2<>(new PartialKey(i / rowsPerChunk, i), out);
    }
  }

  /** Sorted (block, row) records to blocks of rows. */
  public static final class Assemble implements
      PairFlatMapFunction<Iterator<Tuple2<PartialKey, byte[]>>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;
    private final BlockGrid grid;
    private final DType dtype;

    public Assemble(Chunks chunks, DType dtype) {
      this.grid = new BlockGrid(chunks);
      this.dtype = dtype;
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Tuple2<PartialKey, byte[]>> it) {
      Chunks c = grid.chunks();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Tuple2<BlockIndex, NDArray> next() {
          if (!it.hasNext()) {
            throw new NoSuchElementException();
          }
          Tuple2<PartialKey, byte[]> first = it.next();
          long block = first._1().out();
          BlockIndex idx = BlockIndex.of(c, block);
          long[] shape = c.blockShape(idx.coords());
          long rows = shape[0];
          long start = c.blockOffsets(idx.coords())[0];
          NDArray b = ExecutorMemory.adopt(ExecutorMemory.tessera().empty(dtype, shape));
          long rowBytes = b.nbytes() / Math.max(rows, 1);
          Tuple2<PartialKey, byte[]> t = first;
          for (long r = 0; r < rows; r++) {
            if (r > 0) {
              t = it.next();
            }
            if (t._1().out() != block || t._1().red() != start + r
                || t._2().length != rowBytes) {
              b.close();
              throw new IllegalStateException("fromDataFrame: row " + t._1().red()
                  + " arrived for row " + (start + r) + " of block " + block);
            }
            Raw.copyFromHeap(t._2(), 0, b.dataAddress() + r * rowBytes, rowBytes);
          }
          return new Tuple2<>(idx, b);
        }
      };
    }
  }

  /** Blocks of rows to Spark rows {@code (index, value)} (closing each block). */
  public static final class ToRows
      implements FlatMapFunction<Iterator<Tuple2<BlockIndex, NDArray>>, Row> {
    private static final long serialVersionUID = 1L;
    private final BlockGrid grid;

    public ToRows(Chunks chunks) {
      this.grid = new BlockGrid(chunks);
    }

    @Override
    public Iterator<Row> call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      Chunks c = grid.chunks();
      return new Iterator<>() {
        private NDArray block;
        private long start;
        private long rows;
        private long r;

        @Override
        public boolean hasNext() {
          while (block == null || r == rows) {
            if (block != null) {
              block.close();
              block = null;
            }
            if (!it.hasNext()) {
              return false;
            }
            Tuple2<BlockIndex, NDArray> t = it.next();
            block = t._2();
            start = c.blockOffsets(t._1().coords())[0];
            rows = block.shape(0);
            r = 0;
          }
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Object v = value(block, r);
          return RowFactory.create(start + r++, v);
        }
      };
    }

    private static Object value(NDArray b, long r) {
      DType t = b.dtype();
      int w = t.itemsize();
      if (b.ndim() == 1) {
        return get(t, b.dataAddress() + r * w);
      }
      int d = (int) b.shape(1);
      long base = b.dataAddress() + r * d * w;
      switch (t) {
        case FLOAT64: {
          double[] a = new double[d];
          for (int j = 0; j < d; j++) {
            a[j] = Raw.getDouble(base + 8L * j);
          }
          return a;
        }
        case FLOAT32: {
          float[] a = new float[d];
          for (int j = 0; j < d; j++) {
            a[j] = Raw.getFloat(base + 4L * j);
          }
          return a;
        }
        case INT64: {
          long[] a = new long[d];
          for (int j = 0; j < d; j++) {
            a[j] = Raw.getLong(base + 8L * j);
          }
          return a;
        }
        case INT32: {
          int[] a = new int[d];
          for (int j = 0; j < d; j++) {
            a[j] = Raw.getInt(base + 4L * j);
          }
          return a;
        }
        case INT16: {
          short[] a = new short[d];
          for (int j = 0; j < d; j++) {
            a[j] = Raw.getShort(base + 2L * j);
          }
          return a;
        }
        case INT8: {
          byte[] a = new byte[d];
          Raw.copyToHeap(base, a, 0, d);
          return a;
        }
        case BOOL: {
          boolean[] a = new boolean[d];
          for (int j = 0; j < d; j++) {
            a[j] = Raw.getByte(base + j) != 0;
          }
          return a;
        }
        default:
          throw new IllegalStateException(t.toString());
      }
    }

    private static Object get(DType t, long addr) {
      switch (t) {
        case FLOAT64: return Raw.getDouble(addr);
        case FLOAT32: return Raw.getFloat(addr);
        case INT64: return Raw.getLong(addr);
        case INT32: return Raw.getInt(addr);
        case INT16: return Raw.getShort(addr);
        case INT8: return Raw.getByte(addr);
        case BOOL: return Raw.getByte(addr) != 0;
        default: throw new IllegalStateException(t.toString());
      }
    }
  }
}
