package io.tessera.examples.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.io.npy.NpyReader;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.ExecutorMemory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link SparkJob} on local[2] with small sizes, checks the files it writes against a
 * brute-force computation in Java, then lets NumPy check them with
 * {@code examples/python/read_results.py} (skipped loudly without python3 and numpy).
 */
class SparkJobTest {
  private static JavaSparkContext sc;

  @TempDir
  static Path dir;

  private static SparkJob.Result result;
  private static String printed;

  @BeforeAll
  static void runTheJob() throws IOException {
    sc = new JavaSparkContext(SparkJob.conf("local[2]")
        .set("spark.kryo.registrationRequired", "false")
        .set(ExecutorMemory.LIMIT_CONF, "256m"));
    sc.setLogLevel("WARN");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      result = SparkJob.run(sc, dir, new SparkJob.Params(20_000, 50, 3_000, 7), out);
    }
    printed = buf.toString(StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    if (sc != null) {
      sc.close();
    }
  }

  @Test
  void writesWhatItComputedAndBruteForceAgrees() throws IOException {
    assertTrue(printed.contains("x = uniform(seed=7, n=20000) in 7 blocks over"), printed);
    assertTrue(printed.contains("zipped partition by partition, no shuffle"), printed);
    assertTrue(printed.contains("wrote x.npy, y.npy, nearest.npy, stats.npy, blocks.npy"),
        printed);
    try (BufferAllocator alloc = new RootAllocator();
        NDArray x = NpyReader.read(dir.resolve("x.npy"), alloc);
        NDArray y = NpyReader.read(dir.resolve("y.npy"), alloc);
        NDArray nearest = NpyReader.read(dir.resolve("nearest.npy"), alloc);
        NDArray stats = NpyReader.read(dir.resolve("stats.npy"), alloc);
        NDArray blocks = NpyReader.read(dir.resolve("blocks.npy"), alloc)) {
      double[] xs = x.toDoubleArray();
      double[] ys = y.toDoubleArray();
      assertEquals(20_000, xs.length);
      assertEquals(50, ys.length);
      assertEquals(0.0, ys[0]);
      assertEquals(1.0, ys[49]);
      double[] expected = new double[xs.length];
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      double sumSq = 0;
      for (int i = 0; i < xs.length; i++) {
        assertTrue(xs[i] >= 0 && xs[i] < 1, "x[" + i + "] = " + xs[i]);
        double best = Double.POSITIVE_INFINITY;
        for (double v : ys) {
          best = Math.min(best, Math.abs(xs[i] - v));
        }
        expected[i] = best;
        double b = xs[i] * 2.0 - 1.0;
        min = Math.min(min, b);
        max = Math.max(max, b);
        sumSq += b * b;
      }
      assertArrayEquals(expected, nearest.toDoubleArray(), "nearest must be exact (min of |x-y|)");
      assertArrayEquals(new double[] {result.sumSquares(), result.meanSquares(), result.min(),
          result.max()}, stats.toDoubleArray());
      assertEquals(min, result.min());
      assertEquals(max, result.max());
      assertEquals(sumSq, result.sumSquares(), 1e-9 * sumSq);
      assertEquals(result.sumSquares() / 20_000, result.meanSquares(), 1e-15);
      assertEquals(7L, blocks.getLong(0));
    }
  }

  @Test
  void theReadmeQuickStartRuns() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Path file = dir.resolve("quick").resolve("nearest.npy");
    Files.createDirectories(file.getParent());
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      SparkQuickStart.run(sc, file, 8_000, out);
    }
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertTrue(printed.matches("mean\\(x\\) = np\\.float64\\(0\\.[0-9]+\\), max distance = "
        + "np\\.float64\\([0-9.Ee-]+\\)\\s*"), printed);
    try (BufferAllocator alloc = new RootAllocator();
        NDArray nearest = NpyReader.read(file, alloc);
        NDArray max = nearest.max()) {
      assertEquals(8_000, nearest.size());
      assertTrue(max.getDouble() <= 0.5 / 999 + 1e-15, "max " + max.getDouble());
    }
  }

  @Test
  void numpyReadsTheResults() throws Exception {
    // surefire runs in the module directory; from the repository root it is examples/python
    Path script = Path.of("python", "read_results.py").toAbsolutePath();
    if (!Files.exists(script)) {
      script = Path.of("examples", "python", "read_results.py").toAbsolutePath();
    }
    assertTrue(Files.exists(script), script.toString());
    if (!numpyAvailable()) {
      System.err.println("SKIPPED SparkJobTest.numpyReadsTheResults: python3 with numpy not found;"
          + " the NumPy side of the Spark example is NOT checked");
      Assumptions.abort("python3 with numpy not found");
    }
    Process p = new ProcessBuilder("python3", script.toString(), dir.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "read_results.py timed out");
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("nearest: equal to NumPy's"), out);
    assertTrue(out.contains("OK: NumPy agrees with the Spark job"), out);
  }

  static boolean numpyAvailable() {
    try {
      Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true)
          .start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
