package io.tessera.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed loops in {@code io.tessera.kernels.gen} are exactly what the generator
 * ({@code src/main/codegen/gen_kernels.py}) writes: reruns it into a temporary directory and
 * compares every file. Fix a failure by rerunning the generator, never by editing generated code.
 * Skipped, with a warning on stderr, where {@code python3} is not installed.
 */
class KernelsUpToDateTest {
  static final Path MODULE = findModule();
  static final Path SCRIPT = MODULE.resolve("src/main/codegen/gen_kernels.py");
  static final Path COMMITTED = MODULE.resolve("src/main/java/io/tessera/kernels/gen");

  private static Path findModule() {
    Path here = Paths.get("").toAbsolutePath();
    for (Path p : new Path[] {here, here.resolve("chunked-array")}) {
      if (Files.exists(p.resolve("src/main/codegen/gen_kernels.py"))) {
        return p;
      }
    }
    return here;
  }

  @Test
  void generatedSourcesMatchTheGenerator(@TempDir Path tmp) throws Exception {
    assertTrue(Files.exists(SCRIPT), "generator not found at " + SCRIPT);
    Process p;
    try {
      p = new ProcessBuilder("python3", SCRIPT.toString(), "--out", tmp.toString())
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      String msg = "python3 is not installed: CANNOT CHECK that the generated kernels in "
          + COMMITTED + " match " + SCRIPT + " (" + e.getMessage() + ")";
      System.err.println("WARNING: " + msg);
      Assumptions.abort(msg);
      return;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "generator timed out");
    assertEquals(0, p.exitValue(), "generator failed:\n" + out);
    TreeSet<String> want = names(tmp);
    TreeSet<String> have = names(COMMITTED);
    assertEquals(want, have, "generated file set differs: rerun python3 " + SCRIPT);
    List<String> stale = new ArrayList<>();
    for (String f : want) {
      if (!Files.readString(tmp.resolve(f)).equals(Files.readString(COMMITTED.resolve(f)))) {
        stale.add(f);
      }
    }
    assertTrue(stale.isEmpty(), "generated sources are stale (" + stale + "): rerun python3 "
        + SCRIPT + " and commit the result; never edit generated files by hand");
  }

  private static TreeSet<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(x -> x.getFileName().toString()).filter(x -> x.endsWith(".java"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
