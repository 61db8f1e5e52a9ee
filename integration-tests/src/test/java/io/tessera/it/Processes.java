package io.tessera.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Child processes for the interop tests (python3, node, npm): stderr goes to the test's stderr. */
final class Processes {
  private Processes() {
  }

  /**
   * Runs {@code cmd} in {@code cwd} (null: the test's directory) and returns its stdout, or null
   * if it could not start, did not finish within {@code timeoutSeconds} (then it is killed), or
   * exited with a non-zero status. Callers turn null into a loud skip or a failed assertion.
   */
  static String stdout(List<String> cmd, Path cwd, int timeoutSeconds) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
      if (cwd != null) {
        pb.directory(cwd.toFile());
      }
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
