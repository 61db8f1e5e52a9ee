package io.tessera.bench.mem;

import io.tessera.Tessera;
import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.ChunkedReductions;
import io.tessera.chunk.ChunkedUfuncs;
import io.tessera.chunk.Chunks;
import io.tessera.chunk.Outer;
import io.tessera.dtype.DType;
import io.tessera.expr.Expr;
import io.tessera.memory.MemoryReport;
import io.tessera.ndarray.NDArray;
import io.tessera.ufunc.Ufunc;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The memory rows of the chunked-array issue, too large for NumPy to run here: streaming outer
 * reductions at n = m = 100,000 (74.5 GiB if materialized) and a pipeline over a 16 GiB generated
 * chunked array (elementwise op, then a reduction). Prints time, pairs/s or GB/s, and the peak
 * allocator and JVM heap bytes. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.tessera.bench.mem.MemoryRows [n] [GiB]}.
 */
public final class MemoryRows {
  private MemoryRows() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    long gib = args.length > 1 ? Long.parseLong(args[1]) : 16;
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray x = np.linspace(0, 1, n); NDArray y = np.linspace(-0.5, 0.5, n)) {
        row(alloc, "outerReduce sum_j (x_i + y_j), n = m = " + n, (double) n * n, "pairs",
            () -> Outer.outerReduce(Ufunc.ADD, Ufunc.ADD, x, y, 1).close());
        Expr absDiff = Expr.arg(0).sub(Expr.arg(1)).abs();
        row(alloc, "outerReduce min_j |x_i - y_j|, n = m = " + n, (double) n * n, "pairs",
            () -> Outer.outerReduce(absDiff, Ufunc.MINIMUM, x, y, 1).close());
      }
      long rows = gib * (1L << 30) / 8 / 4096;
      long[] shape = {rows, 4096};
      Chunks chunks = Chunks.regular(shape, 4096, 4096); // 128 MiB blocks
      row(alloc, "pipeline over a " + gib + " GiB generated float64 chunked array: "
          + "sum(a * 2 + 1)", gib * (1L << 30), "bytes", () -> {
            try (ChunkedArray a = ChunkedArray.generate(shape, DType.FLOAT64, chunks,
                    (idx, off, shp, t) -> {
                      try (NDArray lin = t.linspace(off[0], off[0] + 1, shp[0] * shp[1])) {
                        return lin.reshape(shp);
                      }
                    });
                ChunkedArray b = ChunkedUfuncs.apply(Ufunc.MULTIPLY, a, 2.0);
                ChunkedArray c = ChunkedUfuncs.apply(Ufunc.ADD, b, 1.0);
                NDArray s = ChunkedReductions.sum(np, c)) {
              System.out.println("  sum = " + s.getDouble());
            }
          });
    }
  }

  private static void row(BufferAllocator alloc, String name, double units, String unit,
      Runnable body) {
    long heapBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long t0 = System.nanoTime();
    MemoryReport r = MemoryReport.measure(alloc, body);
    double s = (System.nanoTime() - t0) / 1e9;
    long heapAfter = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    System.out.printf(Locale.ROOT, "| %s | %.1f s | %.3g %s/s | peak off-heap +%.1f MiB%s | heap %d -> %d MiB |%n",
        name, s, units / s, unit, r.peakIncrease() / 1048576.0, r.peakExact() ? "" : " (sampled)",
        heapBefore >> 20, heapAfter >> 20);
  }
}
