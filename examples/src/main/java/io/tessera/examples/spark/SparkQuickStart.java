package io.tessera.examples.spark;

import io.tessera.Tessera;
import io.tessera.chunk.Chunks;
import io.tessera.expr.Expr;
import io.tessera.io.npy.NpyWriter;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.DistributedArray;
import io.tessera.spark.DistributedOuter;
import io.tessera.spark.TesseraSpark;
import io.tessera.ufunc.Ufunc;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** The README's Spark quick start, kept compiling and tested ({@code SparkJobTest}). */
public final class SparkQuickStart {
  private SparkQuickStart() {}

  public static void main(String[] args) throws IOException {
    SparkConf conf = TesseraSpark.configure(new SparkConf().setMaster("local[*]")
        .setAppName("quick-start").set("spark.ui.enabled", "false"));
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      run(sc, Path.of(args.length > 0 ? args[0] : "nearest.npy"), 2_000_000, System.out);
    }
  }

  /** The body of the quick start: {@code n} points, nearest of 1000 grid points, one .npy. */
  public static void run(JavaSparkContext sc, Path file, long n, PrintStream out)
      throws IOException {
    try (BufferAllocator alloc = new RootAllocator();
         NDArray y = Tessera.using(alloc).linspace(0, 1, 1000);             // local, broadcast once
         DistributedArray x = DistributedArray.uniform(sc, 42,               // made on the executors
             Chunks.regular(new long[] {n}, n / 8), 0.0, 1.0);
         DistributedArray d = DistributedOuter.outerReduce(                  // min_j |x_i - y_j|,
             Expr.arg(0).sub(Expr.arg(1)).abs(), Ufunc.MINIMUM, x, y);      // never an n x m matrix
         NDArray nearest = d.toLocal(Tessera.using(alloc))) {
      out.println("mean(x) = " + x.mean() + ", max distance = " + d.max());
      NpyWriter.write(file, nearest);                                       // np.load(file)
    }
  }
}
