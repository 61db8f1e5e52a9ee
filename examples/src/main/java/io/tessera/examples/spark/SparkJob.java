package io.tessera.examples.spark;

import io.tessera.Tessera;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.expr.Expr;
import io.tessera.io.npy.NpyWriter;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.DistributedArray;
import io.tessera.spark.DistributedOuter;
import io.tessera.spark.Scalar;
import io.tessera.spark.TesseraSpark;
import io.tessera.ufunc.Ufunc;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A batch job on Spark, written for NumPy to read:
 *
 * <ol>
 *   <li>generate {@code x}: n float64 uniform on [0, 1) in blocks, on the executors (counter-based
 *       random numbers: the values depend on the seed and position only);
 *   <li>elementwise: {@code b = 2x - 1}, {@code c = b * b} (blocks zipped, no shuffle);
 *   <li>reductions: {@code sum(c)}, {@code mean(c)}, {@code min(b)}, {@code max(b)} in a fixed
 *       block tree (the same bits for any partition count);
 *   <li>a chunked outer reduction: {@code nearest[i] = min_j |x[i] - y[j]|} for a local grid
 *       {@code y} of m points ({@link DistributedOuter#outerReduce}): y is sent once as a
 *       broadcast variable and each task streams its x blocks through the local engine's fused
 *       outer reduction, tile by tile, never holding an n x m matrix;
 *   <li>results written as {@code .npy}: {@code x.npy}, {@code y.npy}, {@code nearest.npy} and
 *       {@code stats.npy} ({@code [sum(c), mean(c), min(b), max(b)]}) and {@code blocks.npy}
 *       (the number of blocks, for the summation error bound), which
 *       {@code examples/python/read_results.py} loads with NumPy and checks.
 * </ol>
 *
 * <p>Run: {@code java -cp examples/target/tessera.jar io.tessera.examples.spark.SparkJob OUT_DIR
 * [--master URL] [--n N] [--m M] [--chunk C] [--seed S]} (default local[*]).
 */
public final class SparkJob {
  private SparkJob() {}

  /** What the job computed, and where it wrote it. */
  public record Result(long n, int m, double sumSquares, double meanSquares, double min,
      double max, double nearestSum, Path dir) {}

  /** Parameters: sizes, block length, seed. */
  public record Params(long n, int m, long chunk, long seed) {
    public Params {
      if (n < 1 || m < 1 || chunk < 1) {
        throw new IllegalArgumentException("n, m and chunk must be positive: n=" + n + " m=" + m
            + " chunk=" + chunk);
      }
    }

    /** 2 million points against a grid of 1000, in blocks of 250 000 (8 blocks). */
    public static Params defaults() {
      return new Params(2_000_000, 1000, 250_000, 42);
    }
  }

  /** The Spark configuration: Tessera's Kryo setup, the given master, a quiet UI. */
  public static SparkConf conf(String master) {
    return TesseraSpark.configure(new SparkConf()
        .setMaster(master)
        .setAppName("tessera-spark-job")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1"));
  }

  /** Runs the job on {@code sc}, writing into {@code dir} (created if needed). */
  public static Result run(JavaSparkContext sc, Path dir, Params p, PrintStream out)
      throws IOException {
    Files.createDirectories(dir);
    Chunks chunks = Chunks.regular(new long[] {p.n()}, p.chunk());
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (DistributedArray x = DistributedArray.uniform(sc, p.seed(), chunks, 0.0, 1.0);
          DistributedArray twice = x.multiply(2.0);
          DistributedArray b = twice.subtract(1.0);
          DistributedArray c = b.multiply(b)) {
        out.println("x = uniform(seed=" + p.seed() + ", n=" + p.n() + ") in " + x.blockCount()
            + " blocks over " + x.numPartitions() + " partitions; c = (2x - 1)**2");
        out.println(c.explainString());
        Scalar sum = c.sum();
        Scalar mean = c.mean();
        Scalar min = b.min();
        Scalar max = b.max();
        out.println(String.format(Locale.ROOT, "sum(c) = %.17g, mean(c) = %.17g, min(b) = %.17g, "
            + "max(b) = %.17g", sum.doubleValue(), mean.doubleValue(), min.doubleValue(),
            max.doubleValue()));

        double[] grid = new double[p.m()];
        for (int j = 0; j < p.m(); j++) {
          grid[j] = p.m() == 1 ? 0.0 : (double) j / (p.m() - 1);
        }
        double[] nearest;
        try (NDArray y = np.array(grid);
            DistributedArray d = DistributedOuter.outerReduce(
                Expr.arg(0).sub(Expr.arg(1)).abs(), Ufunc.MINIMUM, x, y);
            NDArray local = d.toLocal(np)) {
          out.println(d.explainString());
          nearest = local.toDoubleArray();
        }
        double nearestSum = 0;
        for (double v : nearest) {
          nearestSum += v;
        }
        out.println(String.format(Locale.ROOT, "nearest[i] = min_j |x[i] - y[j]| over m = %d grid "
            + "points: mean %.6g, max %.6g (half the grid step: %.6g)", p.m(),
            nearestSum / p.n(), max(nearest), 0.5 / Math.max(1, p.m() - 1)));

        try (NDArray xs = x.toLocal(np);
            NDArray ys = np.array(grid);
            NDArray ns = np.array(nearest);
            NDArray stats = np.array(new double[] {sum.doubleValue(), mean.doubleValue(),
                min.doubleValue(), max.doubleValue()});
            NDArray blockCount = np.array(new long[] {x.blockCount()})) {
          NpyWriter.write(dir.resolve("x.npy"), xs);
          NpyWriter.write(dir.resolve("y.npy"), ys);
          NpyWriter.write(dir.resolve("nearest.npy"), ns);
          NpyWriter.write(dir.resolve("stats.npy"), stats);
          NpyWriter.write(dir.resolve("blocks.npy"), blockCount);
        }
        out.println("wrote x.npy, y.npy, nearest.npy, stats.npy, blocks.npy to " + dir);
        return new Result(p.n(), p.m(), sum.doubleValue(), mean.doubleValue(),
            min.doubleValue(), max.doubleValue(), nearestSum, dir);
      }
    }
  }

  private static double max(double[] v) {
    double m = Double.NEGATIVE_INFINITY;
    for (double d : v) {
      m = Math.max(m, d);
    }
    return m;
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 0 || args[0].startsWith("-")) {
      System.err.println("usage: SparkJob OUT_DIR [--master URL] [--n N] [--m M] [--chunk C] "
          + "[--seed S]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    String master = "local[*]";
    Params d = Params.defaults();
    long n = d.n();
    int m = d.m();
    long chunk = d.chunk();
    long seed = d.seed();
    for (int i = 1; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        System.err.println("SparkJob: " + args[i] + " needs a value");
        System.exit(2);
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--master" -> master = v;
        case "--n" -> n = Long.parseLong(v);
        case "--m" -> m = Integer.parseInt(v);
        case "--chunk" -> chunk = Long.parseLong(v);
        case "--seed" -> seed = Long.parseLong(v);
        default -> {
          System.err.println("SparkJob: unknown option " + args[i]);
          System.exit(2);
        }
      }
    }
    try (JavaSparkContext sc = new JavaSparkContext(conf(master))) {
      sc.setLogLevel("WARN");
      run(sc, dir, new Params(n, m, chunk, seed), System.out);
    }
  }
}
