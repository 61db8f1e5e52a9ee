package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.expr.Expr;
import io.tessera.linalg.Blas;
import io.tessera.ndarray.NDArray;
import io.tessera.parallel.Threads;
import java.io.PrintStream;
import java.util.concurrent.atomic.DoubleAdder;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 3.6 and 3.7. Numba's {@code @jit} and Cython compile a hot Python loop to machine code;
 * on the JVM every hot loop is compiled by the JIT (C1, then C2) with no annotation: the first
 * call runs interpreted, later calls run compiled. Threads: {@link Threads#limit} is the
 * scoped thread cap that threadpoolctl gives NumPy's BLAS, for Tessera's ufuncs, reductions and
 * Java BLAS panels (results never depend on the count); {@link Threads#forEachPart} is the
 * joblib-style "process chunks in parallel" primitive.
 */
public final class JitAndThreads {
  private JitAndThreads() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    run(out, 1_000_000);
  }

  /** The guide's {@code fast_function}: a plain loop, compiled by the JIT once it is hot. */
  static double fastFunction(double[] x) {
    double total = 0;
    for (int i = 0; i < x.length; i++) {
      total += x[i] * x[i];
    }
    return total;
  }

  public static void run(PrintStream out, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i % 1000;
    }
    long t0 = System.nanoTime();
    double first = fastFunction(x);
    long firstCall = System.nanoTime() - t0;
    for (int k = 0; k < 20; k++) {
      fastFunction(x);
    }
    double[] later = new double[1];
    long laterCall = Measure.bestOf(5, () -> later[0] = fastFunction(x));
    out.println("fastFunction(x), n = " + n + ": first call " + Print.ms(firstCall)
        + " (interpreted, then compiled on the fly), after warm-up " + Print.ms(laterCall)
        + Print.fmt(" (%.1fx faster)", (double) firstCall / Math.max(1, laterCall)));
    out.println("same value both times: " + (first == later[0]));

    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray a = np.arange(0, n, 1, DType.FLOAT64);
          NDArray sq = Expr.of(a).square().sum()) {
        out.println("no loop to write at all: Expr.of(a).square().sum() = " + sq.getDouble());
        out.println("Threads.defaultCount() = " + Threads.defaultCount()
            + " (-Dtessera.threads), Threads.current() = " + Threads.current());
        long one = Measure.bestOf(3, () -> Threads.limit(1, () -> a.sum().close()));
        long all = Measure.bestOf(3, () -> a.sum().close());
        try (NDArray s1 = Threads.limit(1, () -> a.sum());
            NDArray sAll = a.sum()) {
          out.println("a.sum() under Threads.limit(1, ...): " + Print.ms(one) + "; with "
              + Threads.current() + " threads: " + Print.ms(all) + "; same bits: "
              + (Double.doubleToLongBits(s1.getDouble())
                  == Double.doubleToLongBits(sAll.getDouble())));
        }
        int parts = 8;
        long len = n / parts;
        DoubleAdder total = new DoubleAdder();
        Threads.forEachPart(parts, p -> {
          String range = (p * len) + ":" + (p == parts - 1 ? n : (p + 1) * len);
          try (NDArray chunk = a.get(range);
              NDArray s = chunk.sum()) {
            total.add(s.getDouble());
          }
        });
        out.println("joblib-style Threads.forEachPart(" + parts + " chunks, sum): " + total.sum());
      }
    }
    out.println("BLAS: " + Blas.describe());
    out.println("(native OpenBLAS threads are set by OPENBLAS_NUM_THREADS at start-up; "
        + "Threads.limit caps the Java fallback's panels)");
  }
}
