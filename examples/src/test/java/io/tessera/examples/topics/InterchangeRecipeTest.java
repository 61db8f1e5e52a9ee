package io.tessera.examples.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Python interchange recipe, both directions (skipped loudly without NumPy). */
class InterchangeRecipeTest {

  @Test
  void javaWritesNumpyReadsAndBack(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (BufferAllocator alloc = new RootAllocator();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      InterchangeRecipe.write(dir, alloc, out);
      for (String f : new String[] {"a.npy", "pair.npz", "a.zarr/.zarray", "a.arrow"}) {
        assertTrue(Files.exists(dir.resolve(f)), f);
      }
      if (!pythonWithNumpy()) {
        System.err.println("SKIPPED InterchangeRecipeTest: python3 with numpy not found; the "
            + "README's Python recipe is NOT checked");
        Assumptions.abort("python3 with numpy not found");
      }
      Path script = Path.of("python", "interchange.py").toAbsolutePath();
      if (!Files.exists(script)) {
        script = Path.of("examples", "python", "interchange.py").toAbsolutePath();
      }
      Process p = new ProcessBuilder("python3", script.toString(), dir.toString())
          .redirectErrorStream(true).start();
      String py = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "interchange.py timed out");
      assertEquals(0, p.exitValue(), py);
      assertTrue(py.contains("numpy read a.npy, its memmap, pair.npz (t F-ordered), a.zarr"), py);
      InterchangeRecipe.readBack(dir, alloc, out);
    }
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("wrote a.npy, pair.npz, a.zarr, a.arrow: float32 (3, 4)"), printed);
    assertTrue(printed.contains("from_numpy.npy: float64 (2, 3) F_CONTIGUOUS true, b[1, 2] = 7.5; "
        + "mapped: writeable false, sum 22.5"), printed);
  }

  static boolean pythonWithNumpy() {
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
