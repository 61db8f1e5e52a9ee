package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.ChunkedReductions;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.memory.MemoryBudget;
import io.tessera.memory.MemoryReport;
import io.tessera.ndarray.NDArray;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 2.7: instead of a list of every processed piece ({@code [process(arr[i]) for i in ...]}),
 * a {@link ChunkedArray} produced lazily by a generator and consumed block by block: a streaming
 * reduction holds one block per thread, not the whole array.
 */
public final class LazyChunks {
  private LazyChunks() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    run(out, 1000, 8192);
  }

  /** A {@code rows x cols} float64 array in 50 blocks of rows. */
  public static void run(PrintStream out, int rows, int cols) {
    long[] shape = {rows, cols};
    long blockRows = Math.max(1, rows / 50);
    Chunks chunks = Chunks.regular(shape, blockRows, cols);
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      double[] listTotal = new double[1];
      MemoryReport list = MemoryReport.isolated(alloc, child -> {
        Tessera t = Tessera.using(child);
        List<NDArray> processed = new ArrayList<>();
        try {
          for (long i = 0; i < rows; i += blockRows) {
            processed.add(process(t, i, Math.min(blockRows, rows - i), cols));
          }
          for (NDArray p : processed) {
            try (NDArray s = p.sum()) {
              listTotal[0] += s.getDouble();
            }
          }
        } finally {
          processed.forEach(NDArray::close);
        }
      });
      out.println(Print.fmt("data: %d x %d float64 = %s in %d blocks of %s", rows, cols,
          MemoryBudget.formatBytes(8L * rows * cols), chunks.blockCount(),
          Print.tuple(chunks.chunkSize())));
      out.println("list of processed blocks, then summed: total " + listTotal[0] + ", peak "
          + MemoryBudget.formatBytes(list.peakBytes()));

      double[] lazyTotal = new double[1];
      MemoryReport lazy = MemoryReport.isolated(alloc, child -> {
        Tessera t = Tessera.using(child);
        try (ChunkedArray data = ChunkedArray.generate(shape, DType.FLOAT64, chunks,
                (idx, offsets, bshape, bnp) -> process(bnp, offsets[0], bshape[0], cols));
            NDArray total = ChunkedReductions.sum(t, data)) {
          lazyTotal[0] = total.getDouble();
        }
      });
      out.println("ChunkedArray.generate + ChunkedReductions.sum: total " + lazyTotal[0]
          + ", peak " + MemoryBudget.formatBytes(lazy.peakBytes()) + " (one block per thread)");
      out.println("same total: " + (listTotal[0] == lazyTotal[0]) + "; peak ratio list/lazy: "
          + Print.fmt("%.1f", (double) list.peakBytes() / Math.max(1, lazy.peakBytes())));
      try (ChunkedArray data = ChunkedArray.generate(shape, DType.FLOAT64, chunks,
          (idx, offsets, bshape, bnp) -> process(bnp, offsets[0], bshape[0], cols))) {
        double max = data.reduceBlocks(np, b -> {
          try (NDArray m = b.max()) {
            return m.getDouble();
          }
        }, Math::max);
        out.println("a custom streaming reduction, reduceBlocks(max): " + max);
      }
    }
  }

  /** The per-piece work: rows [r0, r0 + n) of the array i * cols + j, scaled by 0.5. */
  static NDArray process(Tessera np, long r0, long n, long cols) {
    try (NDArray flat = np.arange(r0 * cols, (r0 + n) * cols, 1, DType.FLOAT64);
        NDArray block = flat.reshape(n, cols)) {
      return block.mul(0.5);
    }
  }
}
