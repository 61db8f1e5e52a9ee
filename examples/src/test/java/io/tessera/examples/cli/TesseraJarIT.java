package io.tessera.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real fat jar, as a user runs it: {@code java -jar target/tessera.jar ...} with no JVM
 * flags (the manifest's Add-Opens must suffice), including Spark local[*] from the jar (merged
 * META-INF/services and Spark's resources). Run by failsafe after {@code package}.
 */
class TesseraJarIT {
  static Path jar;

  @TempDir
  Path dir;

  @BeforeAll
  static void findJar() {
    jar = Path.of("target", "tessera.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      System.err.println("SKIPPED: TesseraJarIT: no " + jar + " (run mvn package first)");
    }
    Assumptions.assumeTrue(Files.isRegularFile(jar), "no " + jar);
  }

  record Result(int code, String out, String err) {}

  Result java(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(List.of(args));
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    Process p = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timed out: " + cmd);
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void versionAndBadArguments() throws Exception {
    Result v = java("--version");
    assertEquals(0, v.code(), v.err());
    assertTrue(v.out().startsWith("tessera "), v.out());
    Result bad = java("info", dir.resolve("missing.npy").toString());
    assertEquals(1, bad.code());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
    assertTrue(bad.err().startsWith("tessera info: no such file: "), bad.err());
  }

  @Test
  void tourRuns() throws Exception {
    Result r = java("tour", "--only", "memory-model");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("strides"), r.out());
  }

  @Test
  void convertAndInfo() throws Exception {
    Path npy = dir.resolve("a.npy");
    // a tiny .npy written by hand: float64 (2, 2) = [[0, 1], [2, 3]]
    String header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
    StringBuilder h = new StringBuilder(header);
    while ((10 + h.length() + 1) % 64 != 0) {
      h.append(' ');
    }
    h.append('\n');
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    b.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length(), 0});
    b.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    java.nio.ByteBuffer d = java.nio.ByteBuffer.allocate(32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 4; i++) {
      d.putDouble(i);
    }
    b.write(d.array());
    Files.write(npy, b.toByteArray());
    Result c = java("convert", npy.toString(), dir.resolve("a.arrow").toString());
    assertEquals(0, c.code(), c.err());
    Result back = java("convert", dir.resolve("a.arrow").toString(),
        dir.resolve("b.npy").toString());
    assertEquals(0, back.code(), back.err());
    assertEquals(java.util.Arrays.toString(Files.readAllBytes(npy)),
        java.util.Arrays.toString(Files.readAllBytes(dir.resolve("b.npy"))));
    Result info = java("info", dir.resolve("a.arrow").toString());
    assertEquals(0, info.code(), info.err());
    assertTrue(info.out().contains("arrow.fixed_shape_tensor"), info.out());
  }

  @Test
  void sparkRunsFromTheJar() throws Exception {
    Result r = java("run", "--generate", "20000,2", "--refs", "20", "--no-progress",
        "--out", "job");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("tessera run on local[*]"), r.out());
    assertTrue(Files.size(dir.resolve("job").resolve("nearest.npy")) == 128 + 20000 * 8L);
    assertFalse(r.err().contains("Exception"), r.err());
  }
}
