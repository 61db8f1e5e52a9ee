package io.tessera.spark.io;

import io.tessera.Tessera;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.spark.BlockIndex;
import io.tessera.spark.ExecutorMemory;
import io.tessera.spark.internal.BlockGrid;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import scala.Tuple2;

/**
 * Executors' side of reading a {@code .npy} file: each task opens the file once and reads only
 * the byte ranges of its blocks with positioned reads ({@code readFully(position, ...)}), merging
 * runs separated by small gaps into one read (at most {@value #MAX_READ} bytes each). A C-order
 * file's block is a set of runs along its trailing axes; a Fortran-order file is read as the
 * C-order file of the reversed shape and transposed. Big-endian data are swapped in place.
 */
public final class NpyBlockReader
    implements PairFlatMapFunction<Iterator<Long>, BlockIndex, NDArray> {
  private static final long serialVersionUID = 1L;
  /** Largest single read. */
  public static final int MAX_READ = 8 << 20;
  /** Runs closer than this are read together (the gap is read and dropped). */
  static final int MAX_GAP = 256 << 10;

  private final String path;
  private final HadoopConf conf;
  private final BlockGrid grid;
  private final DType dtype;
  private final long dataOffset;
  private final boolean fortran;
  private final boolean swap;

  public NpyBlockReader(String path, HadoopConf conf, Chunks chunks, DType dtype, long dataOffset,
      boolean fortran, boolean swap) {
    this.path = path;
    this.conf = conf;
    this.grid = new BlockGrid(chunks);
    this.dtype = dtype;
    this.dataOffset = dataOffset;
    this.fortran = fortran;
    this.swap = swap;
  }

  @Override
  public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Long> ids) throws IOException {
    Path p = new Path(path);
    FSDataInputStream in = conf.fileSystem(p).open(p);
    TaskContext tc = TaskContext.get();
    if (tc != null) {
      tc.addTaskCompletionListener(c -> {
        try {
          in.close();
        } catch (IOException e) {
          // nothing was written; the read results are already checked
        }
      });
    }
    Chunks c = grid.chunks();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        boolean h = ids.hasNext();
        if (!h && tc == null) {
          try {
            in.close();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        return h;
      }

      @Override
      public Tuple2<BlockIndex, NDArray> next() {
        BlockIndex idx = BlockIndex.of(c, ids.next());
        long[] coords = idx.coords();
        try {
          return new Tuple2<>(idx, ExecutorMemory.adopt(read(in, c.shape(),
              c.blockOffsets(coords), c.blockShape(coords), ExecutorMemory.tessera())));
        } catch (IOException e) {
          throw new UncheckedIOException("readNpy: " + path + ": reading " + idx, e);
        }
      }
    };
  }

  private static long[] reversed(long[] a) {
    long[] r = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[a.length - 1 - i];
    }
    return r;
  }

  /** The box {@code [off, off + box)} of the file's array, as a new C-order array. */
  NDArray read(FSDataInputStream in, long[] shape, long[] off, long[] box, Tessera np)
      throws IOException {
    if (!fortran) {
      return readC(in, shape, off, box, np);
    }
    try (NDArray t = readC(in, reversed(shape), reversed(off), reversed(box), np);
        NDArray v = t.transpose()) {
      return v.copy(Order.C);
    }
  }

  private NDArray readC(FSDataInputStream in, long[] shape, long[] off, long[] box, Tessera np)
      throws IOException {
    NDArray out = np.empty(dtype, box);
    try {
      if (out.size() > 0) {
        fill(in, shape, off, box, out.dataAddress());
        if (swap) {
          Raw.reverseBytes(out.dataAddress(), out.size(), dtype.itemsize());
        }
      }
      return out;
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /** Reads the runs of a C-order box into {@code dst}, in order. */
  private void fill(FSDataInputStream in, long[] shape, long[] off, long[] box, long dst)
      throws IOException {
    int nd = shape.length;
    int w = dtype.itemsize();
    // the box is contiguous over axes k.. when it spans the axes after k whole
    int k = nd - 1;
    while (k > 0 && box[k] == shape[k]) {
      k--;
    }
    long inner = 1;
    for (int a = k + 1; a < nd; a++) {
      inner *= shape[a];
    }
    long runBytes = nd == 0 ? w : box[k] * inner * w;
    long[] stride = new long[nd]; // element strides of the file's C layout
    long s = 1;
    for (int a = nd - 1; a >= 0; a--) {
      stride[a] = s;
      s *= shape[a];
    }
    long runs = 1;
    for (int a = 0; a < k; a++) {
      runs *= box[a];
    }
    long[] pos = new long[Math.max(k, 0)];
    Group g = new Group(runBytes);
    for (long r = 0; r < runs; r++) {
      long e = 0;
      for (int a = 0; a < nd; a++) {
        e += (off[a] + (a < k ? pos[a] : 0)) * stride[a];
      }
      long start = dataOffset + e * w;
      if (!g.accepts(start)) {
        dst = g.flush(in, dst);
      }
      g.add(start);
      for (int a = k - 1; a >= 0; a--) {
        if (++pos[a] < box[a]) {
          break;
        }
        pos[a] = 0;
      }
    }
    g.flush(in, dst);
  }

  /** Runs read together: one positioned read covering them, then a copy per run. */
  private static final class Group {
    private final long runBytes;
    private long[] starts = new long[16];
    private int n;
    private byte[] buf;

    Group(long runBytes) {
      this.runBytes = runBytes;
    }

    boolean accepts(long start) {
      return n == 0 || (start - (starts[n - 1] + runBytes) <= MAX_GAP
          && start + runBytes - starts[0] <= MAX_READ);
    }

    void add(long start) {
      if (n == starts.length) {
        starts = java.util.Arrays.copyOf(starts, 2 * n);
      }
      starts[n++] = start;
    }

    /** Reads the group into {@code dst}; returns the address after it. */
    long flush(FSDataInputStream in, long dst) throws IOException {
      if (n == 0) {
        return dst;
      }
      long first = starts[0];
      long span = starts[n - 1] + runBytes - first;
      int cap = (int) Math.min(span, MAX_READ);
      if (buf == null || buf.length < cap) {
        buf = new byte[cap];
      }
      if (span > MAX_READ) { // one run larger than a read: stream it straight to dst
        long done = 0;
        while (done < span) {
          int m = (int) Math.min(buf.length, span - done);
          in.readFully(first + done, buf, 0, m);
          Raw.copyFromHeap(buf, 0, dst + done, m);
          done += m;
        }
        n = 0;
        return dst + span;
      }
      in.readFully(first, buf, 0, (int) span);
      for (int i = 0; i < n; i++) {
        Raw.copyFromHeap(buf, starts[i] - first, dst, runBytes);
        dst += runBytes;
      }
      n = 0;
      return dst;
    }
  }
}
