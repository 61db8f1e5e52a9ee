package io.tessera.io.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Loading any of our IPC reader or writer classes registers arrow.fixed_shape_tensor with Arrow. */
class ArrowIpcRegistrationTest {

  @ParameterizedTest
  @ValueSource(strings = {"io.tessera.io.ipc.ArrowIpcFile", "io.tessera.io.ipc.ArrowIpcStreamReader",
      "io.tessera.io.ipc.IpcBatch", "io.tessera.io.ipc.ArrowIpcWriter"})
  void loadingTheClassRegistersTheType(String className) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator
        + "java";
    Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        RegistrationProbe.class.getName(), className)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), out);
  }
}
