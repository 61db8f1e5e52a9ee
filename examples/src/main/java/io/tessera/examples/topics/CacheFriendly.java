package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.ndarray.FlatIterator;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 3.4 and 3.5: walking memory in order (row by row for a C array) uses every byte of each
 * cache line fetched; walking it column by column jumps a whole row per step. Shown with a timed
 * Java loop over a row-major {@code double[]}, then with Tessera, whose iterator orders the axes
 * by stride itself: a reduction is as fast over an F array as over a C array, and {@code
 * flatMemoryOrder()} walks any array in memory order.
 */
public final class CacheFriendly {
  private CacheFriendly() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    run(out, 2000);
  }

  public static void run(PrintStream out, int n) {
    double[] arr = new double[n * n];
    long columns = Measure.bestOf(3, () -> {
      for (int j = 0; j < n; j++) {
        for (int i = 0; i < n; i++) {
          arr[i * n + j] += 1;
        }
      }
    });
    long rows = Measure.bestOf(3, () -> {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          arr[i * n + j] += 1;
        }
      }
    });
    out.println(n + " x " + n + " row-major double[]: arr[i, j] += 1");
    out.println("column by column (stride " + 8L * n + " bytes): " + Print.ms(columns));
    out.println("row by row (stride 8 bytes):         " + Print.ms(rows));
    out.println(Print.fmt("column / row time: %.1fx", (double) columns / rows));
    out.println("every element incremented 8 times: " + (arr[n * n - 1] == 8.0));
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray c = np.ones(DType.FLOAT64, Order.C, n, n);
          NDArray f = c.asfortranarray();
          NDArray cc = f.ascontiguousarray()) {
        long cSum = Measure.bestOf(3, () -> c.sum(0).close());
        long fSum = Measure.bestOf(3, () -> f.sum(0).close());
        out.println("Tessera sum(axis=0): C array " + Print.ms(cSum) + ", F array "
            + Print.ms(fSum) + " (the iterator reorders axes by stride)");
        out.println("asfortranarray(c): F_CONTIGUOUS " + f.isFContiguous() + ", strides "
            + Print.tuple(f.strides()) + "; ascontiguousarray(f): C_CONTIGUOUS "
            + cc.isCContiguous());
      }
      try (NDArray m = np.arange(6);
          NDArray m2 = m.reshape(2, 3);
          NDArray t = m2.T()) {
        out.println("t = arange(6).reshape(2, 3).T; t.flat (C index order): " + walk(t.flat())
            + "; t.flatMemoryOrder(): " + walk(t.flatMemoryOrder()));
      }
    }
  }

  private static String walk(FlatIterator it) {
    StringBuilder sb = new StringBuilder("[");
    while (it.hasNext()) {
      sb.append(sb.length() > 1 ? ", " : "").append(it.nextLong());
    }
    return sb.append(']').toString();
  }
}
