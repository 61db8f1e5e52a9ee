package io.tessera.bench.spark;

import io.tessera.chunk.Chunks;
import io.tessera.memory.MemoryBudget;
import io.tessera.spark.BlockIndex;
import io.tessera.spark.DistributedArray;
import io.tessera.spark.ExecutorMemory;
import io.tessera.spark.Scalar;
import io.tessera.spark.TesseraSpark;
import io.tessera.ndarray.NDArray;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.VoidFunction;
import scala.Tuple2;

/**
 * The scale rows for the spark-connector: reductions ({@code sum}, {@code mean}, {@code
 * min}, {@code max}) and an elementwise op ({@code (2x - 1)}, then its {@code max} to bring a
 * value back) over a generated distributed float64 array of {@code --gib} GiB (default 32),
 * {@code uniform(seed, [0, 1))} made block by block on the executors and never held whole, each
 * timed as one Spark job, reported as seconds and seconds per GiB. The generation itself (a job
 * that makes every block and drops it) is timed too, since every row includes it.
 *
 * <p>Run in three clusters one after the other: {@code local[2]} (one JVM, 2 task threads),
 * {@code local-cluster[1,2,M]} (one executor JVM with 2 cores) and {@code local-cluster[2,1,M]}
 * (two executor JVMs with 1 core each), so the last two compare 1 and 2 executor JVMs at the same
 * core count. The local-cluster modes need {@code SPARK_HOME} (a folder; an empty {@code jars/}
 * is made in it) and {@code SPARK_LOCAL_IP=127.0.0.1} in this JVM's environment:
 * {@code benchmarks/run-scale-rows.sh} sets both. Executors get this JVM's class path and its
 * {@code --add-opens}/{@code --add-modules} flags.
 *
 * <p>Arguments: {@code --gib G} (default 32), {@code --block-mib B} (default 64), {@code
 * --modes local,cluster1,cluster2}, {@code --executor-memory 2g}, {@code --jobs
 * generate,sum,mean,min,max,ew} (ew: the elementwise op). Never run by the build.
 */
public final class ScaleRows {
  private static final long SEED = 20261127L;
  private static final int COLS = 4096;

  private ScaleRows() {}

  public static void main(String[] args) throws Exception {
    double gib = 32;
    long blockMib = 64;
    String modes = "local,cluster1,cluster2";
    String executorMemory = "2g";
    String jobs = "generate,sum,mean,min,max,ew";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--gib": gib = Double.parseDouble(args[++i]); break;
        case "--block-mib": blockMib = Long.parseLong(args[++i]); break;
        case "--modes": modes = args[++i]; break;
        case "--executor-memory": executorMemory = args[++i]; break;
        case "--jobs": jobs = args[++i]; break;
        default: throw new IllegalArgumentException("unknown argument " + args[i]
            + "; use --gib G --block-mib B --modes local,cluster1,cluster2 --executor-memory 2g "
            + "--jobs generate,sum,mean,min,max,ew");
      }
    }
    long blockRows = Math.max(1, (blockMib << 20) / (8L * COLS));
    long rows = Math.max(blockRows, Math.round(gib * (1L << 30) / (8.0 * COLS) / blockRows)
        * blockRows);
    long[] shape = {rows, COLS};
    Chunks chunks = Chunks.regular(shape, blockRows, COLS);
    double realGib = rows * (double) COLS * 8 / (1L << 30);
    System.out.printf("# scale rows: float64%s = %.2f GiB in %d blocks of %s; machine: %d cores, "
        + "%s max heap; started %s%n", io.tessera.shape.Shapes.format(shape), realGib,
        chunks.blockCount(), MemoryBudget.formatBytes(blockRows * COLS * 8),
        Runtime.getRuntime().availableProcessors(),
        MemoryBudget.formatBytes(Runtime.getRuntime().maxMemory()), java.time.Instant.now());
    List<String[]> table = new ArrayList<>();
    for (String mode : modes.split(",")) {
      table.addAll(runMode(mode.trim(), chunks, realGib, executorMemory,
          java.util.Set.of(jobs.split(","))));
    }
    System.out.println();
    System.out.println("| cluster | job | GiB | seconds | s/GiB | GiB/s |");
    System.out.println("|---|---|---|---|---|---|");
    for (String[] r : table) {
      System.out.println("| " + String.join(" | ", r) + " |");
    }
  }

  private static String master(String mode, String executorMemory) {
    long mb = MemoryBudget.parseBytes(executorMemory) >> 20;
    long workerMb = mb + 512;
    switch (mode) {
      case "local": return "local[2]";
      case "cluster1": return "local-cluster[1,2," + workerMb + "]";
      case "cluster2": return "local-cluster[2,1," + workerMb + "]";
      default: throw new IllegalArgumentException("mode " + mode + ": local, cluster1 or cluster2");
    }
  }

  private static List<String[]> runMode(String mode, Chunks chunks, double gib,
      String executorMemory, java.util.Set<String> jobs) throws Exception {
    String master = master(mode, executorMemory);
    SparkConf conf = TesseraSpark.configure(new SparkConf()
        .setMaster(master)
        .setAppName("tessera-scale-rows " + mode)
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.ui.showConsoleProgress", "true")
        .set("spark.kryo.registrationRequired", "true")
        .set(ExecutorMemory.LIMIT_CONF, "1g"));
    if (master.startsWith("local-cluster")) {
      String home = System.getenv("SPARK_HOME");
      if (home == null || System.getenv("SPARK_LOCAL_IP") == null) {
        throw new IllegalStateException(mode + " needs SPARK_HOME and SPARK_LOCAL_IP=127.0.0.1 "
            + "in the environment (benchmarks/run-scale-rows.sh sets them)");
      }
      Files.createDirectories(Path.of(home, "jars"));
      String flags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
          .filter(a -> a.startsWith("--add-") || a.startsWith("--enable-native-access")
              || a.startsWith("-Dio.netty"))
          .collect(Collectors.joining(" "));
      conf.set("spark.executor.memory", executorMemory)
          .set("spark.executor.extraClassPath", absoluteClassPath())
          .set("spark.executor.extraJavaOptions", flags)
          .set("spark.executorEnv.SPARK_SCALA_VERSION", "2.13");
    }
    long t0 = System.nanoTime();
    JavaSparkContext sc = new JavaSparkContext(conf);
    List<String[]> rows = new ArrayList<>();
    try {
      int executors = master.startsWith("local-cluster[2") ? 2 : 1;
      awaitExecutors(sc, master.startsWith("local-cluster") ? executors : 0);
      System.out.printf("# %s (%s) up in %.1f s%n", mode, master, (System.nanoTime() - t0) / 1e9);
      int partitions = (int) Math.min(chunks.blockCount(), 4L * sc.defaultParallelism());
      // warm-up: the same jobs on a small array (JIT in every executor)
      Chunks small = Chunks.regular(new long[] {chunks.chunkSize()[0] * 4, COLS},
          chunks.chunkSize()[0] / 4, COLS);
      try (DistributedArray w = DistributedArray.uniform(sc, SEED, small, 0.0, 1.0, 4)) {
        w.sum();
        w.max();
        try (DistributedArray e = w.multiply(2.0).subtract(1.0)) {
          e.max();
        }
      }
      try (DistributedArray x = DistributedArray.uniform(sc, SEED, chunks, 0.0, 1.0,
          partitions)) {
        String label = mode + " (" + master + ")";
        if (jobs.contains("generate")) {
          rows.add(time(label, "generate only", gib, () -> {
            x.blocks().foreachPartition(new DropBlocks());
            return null;
          }));
        }
        if (jobs.contains("sum")) {
          rows.add(time(label, "sum", gib, x::sum));
        }
        if (jobs.contains("mean")) {
          rows.add(time(label, "mean", gib, x::mean));
        }
        if (jobs.contains("min")) {
          rows.add(time(label, "min", gib, x::min));
        }
        if (jobs.contains("max")) {
          rows.add(time(label, "max", gib, x::max));
        }
        if (jobs.contains("ew")) {
          try (DistributedArray e = x.multiply(2.0).subtract(1.0)) {
            rows.add(time(label, "2x - 1, then max", gib, e::max));
          }
        }
      }
      Map<String, Long> peaks = peakOffHeap(sc);
      System.out.println("# " + mode + ": peak Tessera off-heap per executor " + peaks.entrySet()
          .stream().map(en -> en.getKey() + " " + MemoryBudget.formatBytes(en.getValue()))
          .collect(Collectors.joining(", ")));
    } finally {
      sc.stop();
    }
    return rows;
  }

  /** This JVM's class path with absolute entries (executors run in the Worker's work dir). */
  private static String absoluteClassPath() {
    return java.util.Arrays.stream(System.getProperty("java.class.path")
            .split(java.io.File.pathSeparator))
        .map(e -> Path.of(e).toAbsolutePath().toString())
        .collect(Collectors.joining(java.io.File.pathSeparator));
  }

  private static String[] time(String mode, String job, double gib, Supplier<Object> body) {
    long t = System.nanoTime();
    Object r = body.get();
    double s = (System.nanoTime() - t) / 1e9;
    System.out.printf("# %s %s: %.2f s (%.3f s/GiB)%s%n", mode, job, s, s / gib,
        r instanceof Scalar sc ? " = " + sc : "");
    return new String[] {mode, job, String.format("%.2f", gib), String.format("%.2f", s),
        String.format("%.3f", s / gib), String.format("%.2f", gib / s)};
  }

  private static void awaitExecutors(JavaSparkContext sc, int n) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 180_000;
    // getExecutorInfos includes the driver
    while (sc.sc().statusTracker().getExecutorInfos().length < n + 1) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("executors did not register in 180 s");
      }
      Thread.sleep(100);
    }
  }

  /** The largest Tessera off-heap high-water mark seen in each executor JVM. */
  private static Map<String, Long> peakOffHeap(JavaSparkContext sc) {
    List<Integer> ids = IntStream.range(0, 16).boxed().collect(Collectors.toList());
    Map<String, Long> out = new TreeMap<>();
    for (String s : sc.parallelize(ids, 16).mapPartitions(new Peak()).collect()) {
      String[] p = s.split(" ");
      out.merge(p[0], Long.parseLong(p[1]), Math::max);
    }
    return out;
  }

  /** Makes every block of its partition and closes it at once: the cost of generation alone. */
  private static final class DropBlocks implements VoidFunction<Iterator<Tuple2<BlockIndex,
      NDArray>>> {
    private static final long serialVersionUID = 1L;

    @Override
    public void call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      while (it.hasNext()) {
        it.next()._2().close();
      }
    }
  }

  private static final class Peak implements FlatMapFunction<Iterator<Integer>, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<String> call(Iterator<Integer> it) throws Exception {
      Thread.sleep(50);
      return List.of("executor-" + SparkEnv.get().executorId() + "/pid-"
          + ProcessHandle.current().pid() + " " + ExecutorMemory.peakBytes()).iterator();
    }
  }
}
