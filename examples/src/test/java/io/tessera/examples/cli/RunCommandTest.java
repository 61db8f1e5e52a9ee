package io.tessera.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.io.npy.NpyReader;
import io.tessera.io.npy.NpyWriter;
import io.tessera.ndarray.NDArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tessera run} on Spark local[2] with small arrays, compared with the local engine (and
 * with NumPy when python3 has it): the distributed nearest distances are bit-identical.
 */
class RunCommandTest {
  @TempDir
  Path dir;

  BufferAllocator alloc;

  @BeforeEach
  void open() {
    alloc = new RootAllocator();
  }

  @AfterEach
  void close() {
    alloc.close();
  }

  @Test
  void generatedPointsMatchTheLocalEngineAndNumpy() throws Exception {
    Path out = dir.resolve("job");
    CliRun r = CliRun.of("run", "--master", "local[2]", "--generate", "3001,3", "--seed", "7",
        "--refs", "57", "--block-rows", "500", "--save-input", "--no-progress",
        "--out", out.toString()).ok();
    assertTrue(r.out().contains("7 blocks of (500, 3) in 2 partitions"), r.out());
    assertTrue(r.out().contains("nearest.mean"), r.out());
    try (NDArray x = NpyReader.read(out.resolve("x.npy"), alloc);
         NDArray y = NpyReader.read(out.resolve("refs.npy"), alloc);
         NDArray got = NpyReader.read(out.resolve("nearest.npy"), alloc);
         NDArray want = NearestDistance.compute(x, y);
         NDArray min = x.min(); NDArray max = x.max(); NDArray mean = x.mean()) {
      assertArrayEquals(new long[] {3001, 3}, x.shape());
      assertArrayEquals(new long[] {57, 3}, y.shape());
      assertEquals(DType.FLOAT64, got.dtype());
      assertArrayEquals(ConvertCommandTest.cBytes(want), ConvertCommandTest.cBytes(got));
      String json = Files.readString(out.resolve("summary.json"), StandardCharsets.UTF_8);
      assertEquals(min.getDouble(), number(json, "x.min"), 0.0);
      assertEquals(max.getDouble(), number(json, "x.max"), 0.0);
      assertEquals(mean.getDouble(), number(json, "x.mean"), 1e-13);
      // the references span [min(x), max(x))
      try (NDArray ymin = y.min(); NDArray ymax = y.max()) {
        assertTrue(ymin.getDouble() >= min.getDouble() && ymax.getDouble() < max.getDouble());
      }
    }
    numpyAgrees(out, out.resolve("x.npy"));
  }

  @Test
  void pointsFromANpyFile() throws Exception {
    Path in = dir.resolve("points.npy");
    try (NDArray u = io.tessera.Tessera.using(alloc).linspace(-1, 1, 1000, false,
        DType.FLOAT32)) {
      NpyWriter.write(in, u);
    }
    Path out = dir.resolve("job");
    CliRun r = CliRun.of("run", "--master", "local[2]", "--input", in.toString(), "--refs", "10",
        "--block-rows", "128", "--no-progress", "--out", out.toString()).ok();
    assertTrue(r.out().contains("shape (1000,) float32"), r.out());
    try (NDArray x = NpyReader.read(in, alloc);
         NDArray y = NpyReader.read(out.resolve("refs.npy"), alloc);
         NDArray got = NpyReader.read(out.resolve("nearest.npy"), alloc);
         NDArray want = NearestDistance.compute(x, y)) {
      assertEquals(want.dtype(), DType.FLOAT64);
      assertArrayEquals(ConvertCommandTest.cBytes(want), ConvertCommandTest.cBytes(got));
    }
    numpyAgrees(out, in);
  }

  @Test
  void pointsFromAZarrArrayChunkedAlongBothAxes() throws Exception {
    Path z = dir.resolve("points.zarr");
    Path npy = dir.resolve("points.npy");
    try (NDArray base = io.tessera.Tessera.using(alloc).linspace(0, 7, 1200, false,
        DType.FLOAT64); NDArray x = base.reshape(400, 3);
         io.tessera.io.zarr.LocalZarrStore s = io.tessera.io.zarr.LocalZarrStore.of(z)) {
      io.tessera.io.zarr.Zarr.write(x, s, new long[] {64, 2},
          io.tessera.io.zarr.ZarrWriteOptions.defaults());
      NpyWriter.write(npy, x);
    }
    Path out = dir.resolve("job");
    CliRun.of("run", "--master", "local[2]", "--input", z.toString(), "--refs", "9",
        "--block-rows", "100", "--no-progress", "--out", out.toString()).ok();
    try (NDArray x = NpyReader.read(npy, alloc);
         NDArray y = NpyReader.read(out.resolve("refs.npy"), alloc);
         NDArray got = NpyReader.read(out.resolve("nearest.npy"), alloc);
         NDArray want = NearestDistance.compute(x, y)) {
      assertArrayEquals(ConvertCommandTest.cBytes(want), ConvertCommandTest.cBytes(got));
    }
  }

  @Test
  void badArgumentsFailBeforeSparkStarts() throws Exception {
    Path out = dir.resolve("o");
    CliRun.of("run", "--generate", "10,2", "--input", "x.npy")
        .failsWith(2, "tessera run", "give --input or --generate, not both");
    CliRun.of("run", "--generate", "ten,2").failsWith(2, "tessera run", "--generate takes N,D");
    CliRun.of("run", "--generate", "0,2").failsWith(2, "tessera run", "N, D >= 1");
    CliRun.of("run", "--input", "x.npy", "--save-input")
        .failsWith(2, "tessera run", "--save-input is for generated points");
    CliRun.of("run", "--refs", "0").failsWith(2, "tessera run", "--refs must be positive");
    CliRun.of("run", "--input", dir.resolve("missing.npy").toString(), "--out", out.toString())
        .failsWith(1, "tessera run", "no such file: ");
    Path arrow = dir.resolve("a.arrow");
    Files.write(arrow, "ARROW1".getBytes(StandardCharsets.US_ASCII));
    CliRun.of("run", "--input", arrow.toString()).failsWith(1, "tessera run",
        "the job reads .npy or Zarr input (this is arrow)");
    Path file = dir.resolve("file");
    Files.writeString(file, "x");
    CliRun.of("run", "--out", file.toString()).failsWith(2, "tessera run", "is a file");
    CliRun.of("run", "--seed", "x").failsWith(2, "tessera run", "'x'");
  }

  @Test
  void badMasterIsOneLine() {
    CliRun r = CliRun.of("run", "--master", "nonsense://x", "--generate", "10,1",
        "--out", dir.resolve("o").toString());
    assertTrue(r.out().startsWith("tessera run on nonsense://x"), r.out()); // the banner
    new CliRun(r.code(), "", r.err())
        .failsWith(1, "tessera run", "Spark: Could not parse Master URL");
  }

  static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": ([^,\\n]+)").matcher(json);
    assertTrue(m.find(), key + " in " + json);
    return Double.parseDouble(m.group(1));
  }

  /** NumPy computes the same distances from the files, bit for bit (skipped loudly without it). */
  static void numpyAgrees(Path out, Path x) throws IOException, InterruptedException {
    String script = String.join("\n",
        "import sys, numpy as np",
        "x = np.load(sys.argv[1]); y = np.load(sys.argv[2]); got = np.load(sys.argv[3])",
        "if x.ndim == 1:",
        "    want = np.min(np.abs(x[:, None] - y[None, :]), axis=1)",
        "else:",
        "    want = np.sqrt(np.min(((x[:, None, :] - y[None, :, :])**2).sum(-1), axis=1))",
        "assert want.dtype == got.dtype and want.shape == got.shape, (want.dtype, got.dtype)",
        "bad = np.flatnonzero(want.view(np.uint64) != got.view(np.uint64))",
        "assert bad.size == 0, (bad[:5], want[bad[:5]], got[bad[:5]])",
        "print('numpy agrees', got.shape)");
    Process p;
    try {
      p = new ProcessBuilder("python3", "-c", script, x.toString(),
          out.resolve("refs.npy").toString(), out.resolve("nearest.npy").toString())
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      System.err.println("SKIPPED: RunCommandTest NumPy check: no python3 (" + e + ")");
      Assumptions.abort("no python3");
      return;
    }
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    if (text.contains("No module named 'numpy'")) {
      System.err.println("SKIPPED: RunCommandTest NumPy check: python3 has no numpy");
      Assumptions.abort("no numpy");
    }
    assertEquals(0, p.exitValue(), text);
    assertTrue(text.contains("numpy agrees"), text);
  }
}
