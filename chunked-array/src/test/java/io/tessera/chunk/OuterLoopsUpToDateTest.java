package io.tessera.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed {@code OuterLoops} and {@code io.tessera.expr.FusedLoops} are exactly what their
 * generators ({@code src/main/codegen/gen_outer_loops.py}, {@code gen_fused_loops.py}) write:
 * reruns each into a temporary directory and compares. Fix a failure by rerunning the generator, never by editing the generated file.
 * Skipped, with a warning on stderr, where {@code python3} is not installed.
 */
class OuterLoopsUpToDateTest {
  static final Path MODULE = findModule();
  static final Path SCRIPT = MODULE.resolve("src/main/codegen/gen_outer_loops.py");
  static final Path COMMITTED = MODULE.resolve("src/main/java/io/tessera/chunk");

  private static Path findModule() {
    Path here = Paths.get("").toAbsolutePath();
    for (Path p : new Path[] {here, here.resolve("chunked-array")}) {
      if (Files.exists(p.resolve("src/main/codegen/gen_outer_loops.py"))) {
        return p;
      }
    }
    return here;
  }

  @Test
  void outerLoopsMatchTheirGenerator(@TempDir Path tmp) throws Exception {
    check(SCRIPT, COMMITTED.resolve("OuterLoops.java"), tmp);
  }

  @Test
  void fusedExpressionLoopsMatchTheirGenerator(@TempDir Path tmp) throws Exception {
    check(MODULE.resolve("src/main/codegen/gen_fused_loops.py"),
        MODULE.resolve("src/main/java/io/tessera/expr/FusedLoops.java"), tmp);
  }

  private static void check(Path script, Path committed, Path tmp) throws Exception {
    assertTrue(Files.exists(script), "generator not found at " + script);
    Process p;
    try {
      p = new ProcessBuilder("python3", script.toString(), "--out", tmp.toString())
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      String msg = "python3 is not installed: CANNOT CHECK that " + committed + " matches "
          + script + " (" + e.getMessage() + ")";
      System.err.println("WARNING: " + msg);
      Assumptions.abort(msg);
      return;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "generator timed out");
    assertEquals(0, p.exitValue(), "generator failed:\n" + out);
    Path name = committed.getFileName();
    assertEquals(Files.readString(committed), Files.readString(tmp.resolve(name)), name
        + " is stale: rerun python3 " + script + " and commit the result; never edit the "
        + "generated file by hand");
  }
}
