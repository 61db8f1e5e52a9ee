package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.ndarray.NDArray;
import io.tessera.ufunc.Ufunc;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 5.1: {@code arr[[0, 1], :]} looks like a slice but is fancy indexing, which always
 * copies ({@code base is None}); writes to it never reach {@code arr}. A slice selecting the same
 * rows is a view.
 */
public final class PitfallFancyIndexing {
  private PitfallFancyIndexing() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray arr = np.array(new long[][] {{1, 2, 3}, {4, 5, 6}});
          NDArray rows = np.array(new long[] {0, 1});
          NDArray subset = arr.take(rows, 0);
          NDArray slice = arr.get("0:2, :")) {
        out.println("subset = arr[[0, 1], :]  (arr.take(np.array({0, 1}), 0))");
        out.println("subset.base() == null: " + (subset.base() == null) + " (a copy), OWNDATA "
            + subset.flags().ownData() + ", shares memory " + subset.sharesMemory(arr));
        out.println("slice = arr[0:2, :]: base " + (slice.base() == arr ? "arr" : slice.base())
            + " (a view), shares memory " + slice.sharesMemory(arr));
        subset.setLong(-1, 0, 0);
        out.println("subset[0, 0] = -1 leaves arr[0, 0] = " + arr.getLong(0, 0));
        slice.setLong(-1, 0, 0);
        out.println("slice[0, 0] = -1 sets arr[0, 0] = " + arr.getLong(0, 0));
      }
      try (NDArray a = np.arange(6);
          NDArray gt = Ufunc.GREATER.apply(a, 2L);
          NDArray masked = a.mask(gt)) {
        out.println("boolean indexing a[a > 2] = " + masked + " copies too: base "
            + masked.base() + ", shares memory " + masked.sharesMemory(a));
      }
    }
  }
}
