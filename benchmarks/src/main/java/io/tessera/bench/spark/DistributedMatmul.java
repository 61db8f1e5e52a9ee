package io.tessera.bench.spark;

import io.tessera.Tessera;
import io.tessera.chunk.Chunks;
import io.tessera.linalg.Blas;
import io.tessera.linalg.Linalg;
import io.tessera.memory.MemoryBudget;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.DistributedArray;
import io.tessera.spark.DistributedLinalg;
import io.tessera.spark.ExecutorMemory;
import io.tessera.spark.ProductOptions;
import io.tessera.spark.ProductStrategy;
import io.tessera.spark.Scalar;
import io.tessera.spark.TesseraSpark;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * Distributed matmul, n×n float64 (default 4096², chunks of 1024²) on local[2]: the broadcast plan
 * (right operand broadcast, left multiplied in place, partial products summed in k order through
 * one shuffle) and the shuffle plan (block join on k, then the same ordered sum), beside the local
 * engine's {@link Linalg#matmul} on BLAS, interleaved round by round in one run. Each distributed
 * run is forced by {@code sum()} of the product, so no result travels to the driver; the time of
 * a broadcast run includes collecting its right operand to the driver. The operands are
 * generated once and kept in Spark's cache (serialized), as the local operands are kept in
 * memory. Not run by any test.
 *
 * <p>Run (from the repository root, after {@code mvn -B -q -DskipTests -pl benchmarks -am
 * package}): {@code benchmarks/run-spark-bench.sh io.tessera.bench.spark.DistributedMatmul [n]
 * [chunk] [rounds]}.
 */
public final class DistributedMatmul {
  private DistributedMatmul() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
    int chunk = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    SparkConf conf = TesseraSpark.configure(new SparkConf()
        .setMaster("local[2]")
        .setAppName("DistributedMatmul")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.kryo.registrationRequired", "true")
        .set(DistributedLinalg.BROADCAST_THRESHOLD_CONF, "512m")
        .set(ExecutorMemory.LIMIT_CONF, "6g"));
    double flop = 2.0 * n * n * (double) n;
    Chunks grid = Chunks.regular(new long[] {n, n}, chunk);
    try (JavaSparkContext sc = new JavaSparkContext(conf);
        BufferAllocator alloc = new RootAllocator();
        DistributedArray a = cached(DistributedArray.uniform(sc, 1, grid, -1, 1));
        DistributedArray b = cached(DistributedArray.uniform(sc, 2, grid, -1, 1));
        NDArray la = a.toLocal(Tessera.using(alloc), Long.MAX_VALUE);
        NDArray lb = b.toLocal(Tessera.using(alloc), Long.MAX_VALUE)) {
      sc.setLogLevel("WARN");
      System.out.println("matmul " + n + "x" + n + " float64, chunks " + chunk + "x" + chunk
          + ", local[2], BLAS: " + Blas.describe());
      List<Double> local = new ArrayList<>();
      List<Double> bcast = new ArrayList<>();
      List<Double> shuffle = new ArrayList<>();
      long bitsB = 0;
      long bitsS = 0;
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        try (NDArray c = Linalg.matmul(la, lb)) {
          local.add((System.nanoTime() - t0) / 1e9);
        }
        t0 = System.nanoTime();
        try (DistributedArray c = DistributedLinalg.matmul(a, b, ProductOptions.defaults()
            .strategy(ProductStrategy.BROADCAST_RIGHT))) {
          Scalar s = c.sum();
          bcast.add((System.nanoTime() - t0) / 1e9);
          bitsB = s.bits();
          if (r == 0) {
            System.out.println(c.explainString());
          }
        }
        t0 = System.nanoTime();
        try (DistributedArray c = DistributedLinalg.matmul(a, b, ProductOptions.defaults()
            .strategy(ProductStrategy.SHUFFLE))) {
          Scalar s = c.sum();
          shuffle.add((System.nanoTime() - t0) / 1e9);
          bitsS = s.bits();
          if (r == 0) {
            System.out.println(c.explainString());
          }
        }
        System.out.printf("round %d: local BLAS %.2f s, broadcast %.2f s, shuffle %.2f s%n", r,
            local.get(r), bcast.get(r), shuffle.get(r));
      }
      double l = median(local);
      double bc = median(bcast);
      double sh = median(shuffle);
      System.out.printf("median of %d rounds: local BLAS %.2f s (%.1f GFLOP/s), broadcast plan "
          + "%.2f s (%.1f GFLOP/s, %.1fx local), shuffle plan %.2f s (%.1f GFLOP/s, %.1fx local)%n",
          rounds, l, flop / l / 1e9, bc, flop / bc / 1e9, bc / l, sh, flop / sh / 1e9, sh / l);
      System.out.println("sum of the product, bits: broadcast " + Long.toHexString(bitsB)
          + ", shuffle " + Long.toHexString(bitsS) + (bitsB == bitsS ? " (identical)"
          : " (DIFFERENT)"));
      System.out.println("peak Tessera off-heap in this JVM (driver and executor): "
          + MemoryBudget.formatBytes(ExecutorMemory.peakBytes()));
    }
  }

  /**
   * Keeps the operand's blocks in Spark's cache, serialized (the first job fills it), so the
   * timed runs multiply the same blocks instead of generating them again.
   */
  private static DistributedArray cached(DistributedArray d) {
    d.blocks().persist(StorageLevel.MEMORY_AND_DISK_SER());
    return d;
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }
}
