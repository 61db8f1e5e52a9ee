package io.tessera.io.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Behaviour that needs a fresh JVM: type registration on class load, running without flags. */
class ArrowIpcForkedJvmTest {
  @TempDir
  Path dir;

  private static String java() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }

  private static String run(List<String> cmd, int expectExit) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + out);
    assertEquals(expectExit, p.exitValue(), out);
    return out;
  }

  /** Loading any of our IPC readers or the writer registers arrow.fixed_shape_tensor with Arrow. */
  @ParameterizedTest
  @ValueSource(strings = {"io.tessera.io.ipc.ArrowIpcFile", "io.tessera.io.ipc.ArrowIpcStreamReader",
      "io.tessera.io.ipc.IpcBatch", "io.tessera.io.ipc.ArrowIpcWriter"})
  void loadingTheClassRegistersTheType(String className) throws Exception {
    run(List.of(java(), "-cp", System.getProperty("java.class.path"),
        RegistrationProbe.class.getName(), className), 0);
  }

  /** Without --add-opens java.nio, I/O goes through a staging buffer and mapping still works. */
  @Test
  void worksWithoutAddOpens() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), NoFlagsProbe.class.getName(), dir.toString()));
    String out = run(cmd, 0);
    assertTrue(out.contains("ok views=false"), out);
  }
}
