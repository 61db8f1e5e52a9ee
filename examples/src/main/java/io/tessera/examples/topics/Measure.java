package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.memory.MemoryReport;
import io.tessera.ndarray.NDArray;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/** Measuring helpers for the topics. */
final class Measure {
  private Measure() {}

  /**
   * Makes an input array on a fresh allocator, then measures {@code body} on it: the report's
   * {@link MemoryReport#peakIncrease()} is exactly what the body allocated at its peak beyond the
   * input (a fresh allocator's high-water mark starts at the input's size).
   */
  static MemoryReport onFresh(Function<Tessera, NDArray> make, Consumer<NDArray> body) {
    try (BufferAllocator alloc = new RootAllocator();
        NDArray input = make.apply(Tessera.using(alloc))) {
      return MemoryReport.measure(alloc, null, () -> body.accept(input));
    }
  }

  /** Best-of-{@code reps} wall time of {@code body} in nanoseconds, after one warm-up run. */
  static long bestOf(int reps, Runnable body) {
    body.run();
    long best = Long.MAX_VALUE;
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      body.run();
      best = Math.min(best, System.nanoTime() - t0);
    }
    return best;
  }
}
