package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 4.3: {@code pytest-benchmark} and {@code timeit}. A {@code timeit}-style average over
 * {@code number} calls is shown here; real measurements use JMH (forks, warm-up iterations,
 * dead-code elimination guarded by a Blackhole) in the {@code benchmarks} module, and the
 * side-by-side harness runs the same workloads in Tessera and NumPy interleaved in one run
 * ({@code docs/performance.md}).
 */
public final class Benchmarks {
  private Benchmarks() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    run(out, 10_000, 1000);
  }

  /** timeit('np.sum(arr)', setup='arr = np.random.rand(size)', number=number). */
  public static void run(PrintStream out, int size, int number) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray arr = np.linspace(0, 1, size, true, DType.FLOAT64)) {
        double sink = 0;
        for (int i = 0; i < number; i++) {
          try (NDArray s = arr.sum()) {
            sink += s.getDouble();
          }
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < number; i++) {
          try (NDArray s = arr.sum()) {
            sink += s.getDouble();
          }
        }
        long total = System.nanoTime() - t0;
        out.println(Print.fmt("timeit: arr.sum() over %d float64, number=%d: average %.6f s "
            + "(%.2f us)", size, number, total / 1e9 / number, total / 1e3 / number));
        out.println(Print.fmt("(checksum %.1f: the result is used, so the JIT cannot drop "
            + "the call)", sink / (2.0 * number)));
      }
    }
    out.println("JMH benchmarks (never run by the build):");
    out.println("  mvn -B -q -DskipTests -pl benchmarks -am package");
    out.println("  java -jar benchmarks/target/benchmarks.jar MatmulBench -f 1 -wi 3 -i 5 "
        + "-jvmArgsAppend --add-opens=java.base/java.nio=ALL-UNNAMED");
    out.println("NumPy side by side, interleaved in one run (writes the table of "
        + "docs/performance.md):");
    out.println("  benchmarks/run-side-by-side.sh --only sum");
  }
}
