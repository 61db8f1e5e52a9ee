package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.memory.MemoryBudget;
import io.tessera.memory.MemoryReport;
import io.tessera.ndarray.NDArray;
import java.io.PrintStream;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 4.1 and 4.2: {@code time.perf_counter()} is {@link System#nanoTime()}; {@code %timeit}
 * is best-of-N after a warm-up (the JIT needs one); {@code arr.nbytes} is {@link NDArray#nbytes()}
 * and {@code memory_profiler}'s per-function peak is {@link MemoryReport}: the allocator's exact
 * high-water mark for the off-heap arrays, plus the JVM heap seen before and after.
 */
public final class TimingAndMemory {
  private TimingAndMemory() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    run(out, 1000);
  }

  public static void run(PrintStream out, int n) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray arr = np.zeros(DType.FLOAT64, n, n)) {
        out.println(Print.fmt("arr = zeros((%d, %d)): Memory: %.2f MB (nbytes %d)", n, n,
            arr.nbytes() / 1024.0 / 1024.0, arr.nbytes()));
        long t0 = System.nanoTime();
        try (NDArray s = arr.add(1.0)) {
          s.getDouble(0, 0);
        }
        long once = System.nanoTime() - t0;
        out.println("one call, System.nanoTime(): arr + 1 took " + Print.ms(once));
        long[] runs = new long[7];
        for (int i = 0; i < runs.length; i++) {
          long s0 = System.nanoTime();
          arr.add(1.0).close();
          runs[i] = System.nanoTime() - s0;
        }
        Arrays.sort(runs);
        out.println("%timeit-style, 7 runs after the first: best " + Print.ms(runs[0])
            + ", median " + Print.ms(runs[3]) + ", worst " + Print.ms(runs[6]));
        MemoryReport r = MemoryReport.measure(alloc, null, () -> {
          try (NDArray a = arr.add(1.0);
              NDArray b = a.mul(a);
              NDArray c = b.sum(0)) {
            c.getDouble(0);
          }
        });
        out.println("MemoryReport.measure(b = (arr + 1) ** 2; b.sum(0)): peak +"
            + MemoryBudget.formatBytes(r.peakIncrease()) + " (" + r.method() + "), delta "
            + r.delta() + " bytes, elapsed " + Print.ms(r.elapsed().toNanos()));
        out.println("full report: " + r);
      }
    }
  }
}
