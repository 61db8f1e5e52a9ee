package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 3.1: a loop over boxed values (the JVM's twin of a Python list loop) against one
 * vectorized call, {@code a.add(b)}, whose inner loop is chosen once and runs over raw memory.
 * On the JVM a loop over a primitive {@code long[]} is JIT-compiled too, so it is shown as well:
 * vectorized calls win by avoiding boxing and per-element dispatch, not by escaping an
 * interpreter. Timings are best of a few runs and depend on the machine.
 */
public final class Vectorization {
  private Vectorization() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    run(out, 1_000_000);
  }

  public static void run(PrintStream out, int n) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      List<Long> a = new ArrayList<>(n);
      List<Long> b = new ArrayList<>(n);
      for (long i = 0; i < n; i++) {
        a.add(i);
        b.add(i);
      }
      List<Long> c = new ArrayList<>(n);
      long boxed = Measure.bestOf(3, () -> {
        c.clear();
        for (int i = 0; i < n; i++) {
          c.add(a.get(i) + b.get(i));
        }
      });
      long[] pa = new long[n];
      long[] pb = new long[n];
      long[] pc = new long[n];
      for (int i = 0; i < n; i++) {
        pa[i] = i;
        pb[i] = i;
      }
      long primitive = Measure.bestOf(3, () -> {
        for (int i = 0; i < n; i++) {
          pc[i] = pa[i] + pb[i];
        }
      });
      try (NDArray x = np.arange(n);
          NDArray y = np.arange(n);
          NDArray z = np.empty(DType.INT64, n)) {
        long vectorized = Measure.bestOf(3, () -> x.add(y).close());
        long into = Measure.bestOf(3, () -> io.tessera.ufunc.Ufunc.ADD.apply(x, y, z));
        out.println("n = " + n);
        out.println("boxed List<Long> loop:          " + Print.ms(boxed));
        out.println("primitive long[] loop (JIT):    " + Print.ms(primitive));
        out.println("vectorized x.add(y):            " + Print.ms(vectorized) + "  (allocates "
            + "the result)");
        out.println("vectorized Ufunc.ADD(x, y, z):  " + Print.ms(into) + "  (into existing z)");
        out.println(Print.fmt("boxed loop / vectorized: %.1fx", (double) boxed / vectorized));
        out.println("same result: " + (c.get(n - 1) == z.getLong(n - 1)
            && pc[n - 1] == z.getLong(n - 1)) + " (last element " + z.getLong(n - 1) + ")");
      }
    }
  }
}
