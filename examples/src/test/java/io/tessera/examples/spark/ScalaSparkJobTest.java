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
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Scala job (compiled by scala-maven-plugin) on local[2]: same inputs as the Java job, so the
 * same files, bit for bit.
 */
class ScalaSparkJobTest {

  @Test
  void scalaJobWritesTheSameFilesAsTheJavaJob(@TempDir Path scalaDir, @TempDir Path javaDir)
      throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (JavaSparkContext sc = new JavaSparkContext(SparkJob.conf("local[2]")
            .set(ExecutorMemory.LIMIT_CONF, "256m"));
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      sc.setLogLevel("WARN");
      ScalaSparkJob.Stats stats = ScalaSparkJob.run(sc, scalaDir, 10_000, 20, 2_500, 3, out);
      SparkJob.Result java = SparkJob.run(sc, javaDir, new SparkJob.Params(10_000, 20, 2_500, 3),
          out);
      assertEquals(java.sumSquares(), stats.sum());
      assertEquals(java.meanSquares(), stats.mean());
      assertEquals(java.min(), stats.min());
      assertEquals(java.max(), stats.max());
    }
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("scala: x = uniform(seed=3, n=10000) in 4 blocks"), printed);
    assertTrue(printed.contains("scala: wrote x.npy, y.npy, nearest.npy, stats.npy, blocks.npy"),
        printed);
    try (BufferAllocator alloc = new RootAllocator()) {
      for (String f : new String[] {"x.npy", "y.npy", "nearest.npy", "stats.npy", "blocks.npy"}) {
        try (NDArray s = NpyReader.read(scalaDir.resolve(f), alloc);
            NDArray j = NpyReader.read(javaDir.resolve(f), alloc)) {
          assertEquals(j.dtype(), s.dtype(), f);
          assertArrayEquals(j.shape(), s.shape(), f);
          assertArrayEquals(j.toLongArray(), s.toLongArray(), f);
          if (j.dtype().isFloat()) {
            assertArrayEquals(j.toDoubleArray(), s.toDoubleArray(), f);
          }
        }
      }
    }
  }
}
