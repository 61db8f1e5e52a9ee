package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.errors.TesseraException;
import io.tessera.ndarray.NDArray;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 1.2.3: strides are bytes to skip per axis; {@code as_strided} builds a sliding-window
 * view with no copy. Unlike NumPy, Tessera checks that every window lies inside the buffer.
 */
public final class Strides {
  private Strides() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray a = np.arange(10);
          NDArray windows = a.asStrided(new long[] {8, 3}, new long[] {8, 8});
          NDArray means = windows.mean(1)) {
        out.println("a = np.arange(10); windows = a.asStrided({8, 3}, {8, 8})   // as_strided");
        out.println(windows);
        out.println("windows: shape " + Print.tuple(windows.shape()) + ", strides "
            + Print.tuple(windows.strides()) + ", shares memory with a: " + windows.sharesMemory(a)
            + ", owns data: " + windows.flags().ownData());
        out.println("moving average windows.mean(1) = " + means);
        try (NDArray bad = a.asStrided(new long[] {9, 3}, new long[] {8, 8})) {
          out.println("unexpected: " + bad);
        } catch (TesseraException e) {
          out.println("a.asStrided({9, 3}, {8, 8}) -> " + e.getClass().getSimpleName() + ": "
              + e.getMessage());
        }
      }
      try (NDArray a = np.arange(10);
          NDArray w = a.slidingWindowView(new long[] {3})) {
        out.println("the safe spelling, sliding_window_view: a.slidingWindowView({3}) shape "
            + Print.tuple(w.shape()) + ", strides " + Print.tuple(w.strides()) + ", writeable "
            + w.isWriteable());
      }
    }
  }
}
