package io.tessera.io.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without Tessera's JVM flags (no --add-opens at all; on Java 23+ only the
 * --sun-misc-unsafe-memory-access=allow that Arrow's allocator itself needs) .npy, .npz and maps
 * up to 2 GiB still work:
 * channel I/O goes through a staging buffer and mapping addresses come from Unsafe. Beyond 2 GiB,
 * Java 17-21 need --add-opens=java.base/sun.nio.ch, and the refusal says so; Java 22+ maps
 * through java.lang.foreign.
 */
class NpyNoFlagsTest {
  @TempDir
  Path dir;

  @Test
  void worksWithoutAnyFlag() throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator
        + "java";
    List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Xmx256m"));
    if (Runtime.version().feature() >= 23) {
      cmd.add("--sun-misc-unsafe-memory-access=allow"); // Arrow's own allocator needs it there
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        NpyNoFlagsProbe.class.getName(), dir.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("ok views=false"), out);
    boolean java22 = Runtime.version().feature() >= 22;
    assertTrue(out.contains(java22 ? "large=mapped" : "large=refused"), out);
  }
}
