package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.chunk.Outer;
import io.tessera.dtype.DType;
import io.tessera.errors.BudgetExceededException;
import io.tessera.memory.MemoryBudget;
import io.tessera.memory.MemoryReport;
import io.tessera.ndarray.NDArray;
import io.tessera.ufunc.Ufunc;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 5.3: {@code a (n, 1) + b (1, n)} materializes an n x n array (800 MB for n = 10 000).
 * Tessera checks every ufunc output against the {@link MemoryBudget} before allocating, so under
 * a budget the blow-up is refused at once with a message. The guide's fix, processing row chunks
 * {@code a[i:i+chunk] + b}, holds one chunk at a time; {@link Outer#outerReduce} does the same
 * tile by tile in one call, holding only the result and a few 4096-element tiles.
 */
public final class PitfallBroadcastExplosion {
  private PitfallBroadcastExplosion() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    run(out, 10_000);
  }

  /** With vectors of {@code n} elements and a budget of a quarter of the n x n result. */
  public static void run(PrintStream out, int n) {
    long full = 8L * n * n;
    long budget = full / 4;
    double[] chunked = new double[n];
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray x = np.linspace(0, 1, n);
          NDArray y = np.linspace(0, 2, n);
          NDArray a = x.reshape(n, 1);
          NDArray b = y.reshape(1, n)) {
        out.println("a: (" + n + ", 1), b: (1, " + n + "); a + b would be (" + n + ", " + n
            + ") float64 = " + MemoryBudget.formatBytes(full));
        try {
          MemoryBudget.with(budget, () -> a.add(b).close());
          out.println("unexpected: a + b fit in the budget");
        } catch (BudgetExceededException e) {
          out.println("MemoryBudget.with(" + MemoryBudget.formatBytes(budget)
              + ", a + b) -> BudgetExceededException before allocating (allocator holds "
              + MemoryBudget.formatBytes(alloc.getAllocatedMemory()) + "):");
          out.println("  " + e.getMessage().replace("\n", "\n  "));
        }

        int chunk = Math.max(1, n / 10);
        MemoryReport chunks = MemoryReport.measure(alloc, null, () -> {
          for (int i = 0; i < n; i += chunk) {
            int end = Math.min(n, i + chunk);
            try (NDArray ai = a.get(i + ":" + end);
                NDArray part = MemoryBudget.with(budget, () -> ai.add(b));
                NDArray rowSums = part.sum(1)) {
              for (int k = 0; k < end - i; k++) {
                chunked[i + k] = rowSums.getDouble(k);
              }
            }
          }
        });
        out.println("chunked: for i in 0.." + n + " step " + chunk + ": (a[i:i+" + chunk
            + "] + b).sum(1) -> peak +" + MemoryBudget.formatBytes(chunks.peakIncrease())
            + " (one chunk)");
      }
      // a fresh allocator, so that its high-water mark is this call's alone
      try (BufferAllocator fresh = new RootAllocator()) {
        Tessera f = Tessera.using(fresh);
        try (NDArray x = f.linspace(0, 1, n);
            NDArray y = f.linspace(0, 2, n)) {
          NDArray[] result = new NDArray[1];
          MemoryReport streamed = MemoryReport.measure(fresh, null, () -> result[0] =
              MemoryBudget.with(budget, () -> Outer.outerReduce(Ufunc.ADD, Ufunc.ADD, x, y, 1)));
          try (NDArray sums = result[0]) {
            out.println("Outer.outerReduce(ADD, ADD, x, y, axis=1): peak +"
                + MemoryBudget.formatBytes(streamed.peakIncrease()) + " (the result "
                + MemoryBudget.formatBytes(sums.nbytes()) + " + tiles), shape "
                + Print.tuple(sums.shape()));
            double maxRel = 0;
            for (int i = 0; i < n; i++) {
              maxRel = Math.max(maxRel, Math.abs(sums.getDouble(i) - chunked[i]) / chunked[i]);
            }
            out.println(Print.fmt("same row sums as the chunked loop within %.1e relative "
                + "(summation order only)", maxRel));
          }
          try (NDArray mins = Outer.outerReduce(Ufunc.SUBTRACT, Ufunc.MINIMUM, x, y, 1)) {
            out.println("min_j (x_i - y_j), streamed: first " + mins.getDouble(0) + ", last "
                + mins.getDouble(n - 1) + " (exact: -2.0 and -1.0)");
          }
        }
      }
    }
  }
}
