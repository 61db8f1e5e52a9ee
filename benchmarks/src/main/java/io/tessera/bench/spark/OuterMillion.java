package io.tessera.bench.spark;

import io.tessera.Tessera;
import io.tessera.chunk.Chunks;
import io.tessera.expr.Expr;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.DistributedArray;
import io.tessera.spark.DistributedOuter;
import io.tessera.spark.ExecutorMemory;
import io.tessera.spark.TesseraSpark;
import io.tessera.ufunc.Ufunc;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Benchmark (never run by tests): min over j of |x_i - y_j| for distributed uniform x (n,) and y
 * (m,) on Spark local[2], through {@link DistributedOuter#outerReduce}: y (8 MB at m = 10^6) is
 * under the broadcast threshold, so it is collected once and broadcast; each task reduces its x
 * blocks against all of y with the local fused loop. Prints the plan, time, pairs/s, the
 * executor allocator's peak (local[2]: the executor is this JVM) and the peak heap.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.tessera.bench.spark.OuterMillion
 * [n=1000000] [m=n] [xChunk=n/16]}. At n = m = 10^6 that is 10^12 pairs (7.3 TiB if
 * materialized). A warm-up at n = m = 20,000 runs first.
 */
public final class OuterMillion {
  private OuterMillion() {}

  public static void main(String[] args) {
    long n = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    long m = args.length > 1 ? Long.parseLong(args[1]) : n;
    long chunk = args.length > 2 ? Long.parseLong(args[2]) : Math.max(1, n / 16);
    SparkConf conf = TesseraSpark.configure(new SparkConf()
        .setMaster("local[2]")
        .setAppName("OuterMillion")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.kryo.registrationRequired", "true"));
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      sc.setLogLevel("WARN");
      run(sc, 20_000, 20_000, 1250, false);
      run(sc, n, m, chunk, true);
    }
  }

  static void run(JavaSparkContext sc, long n, long m, long chunk, boolean report) {
    Expr absdiff = Expr.arg(0).sub(Expr.arg(1)).abs();
    try (RootAllocator alloc = new RootAllocator();
         DistributedArray x = DistributedArray.uniform(sc, 1, Chunks.regular(new long[] {n},
             chunk), 0, 1);
         DistributedArray y = DistributedArray.uniform(sc, 2, Chunks.regular(new long[] {m},
             Math.max(1, m / 4)), 0, 1)) {
      long heapBefore = resetHeapPeaks();
      long offBefore = ExecutorMemory.allocatedBytes();
      long t0 = System.nanoTime();
      try (DistributedArray r = DistributedOuter.outerReduce(absdiff, Ufunc.MINIMUM, x, y)) {
        if (report) {
          System.out.println(r.explainString());
        }
        try (NDArray local = r.toLocal(Tessera.using(alloc))) {
          double s = (System.nanoTime() - t0) / 1e9;
          if (report) {
            double pairs = (double) n * m;
            System.out.printf(Locale.ROOT, "min_j |x_i - y_j|, n = %d, m = %d on local[2]: %.1f s, "
                + "%.3g pairs/s (incl. collecting and broadcasting y, and the 8n-byte result "
                + "to the driver)%n", n, m, s, pairs / s);
            System.out.printf(Locale.ROOT, "executor allocator peak: %.1f MiB (before: %.1f MiB "
                + "allocated); peak heap (all pools): %.1f MiB (%.1f MiB at start)%n",
                ExecutorMemory.peakBytes() / 1048576.0, offBefore / 1048576.0,
                peakHeap() / 1048576.0, heapBefore / 1048576.0);
            System.out.printf(Locale.ROOT, "check: result[0] = %s, result[n-1] = %s%n",
                local.getDouble(0), local.getDouble(n - 1));
          }
        }
      }
    }
  }

  static long resetHeapPeaks() {
    long used = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        used += p.getUsage().getUsed();
        p.resetPeakUsage();
      }
    }
    return used;
  }

  static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
