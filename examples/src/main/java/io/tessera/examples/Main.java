package io.tessera.examples;

import io.tessera.examples.cli.Cli;
import java.io.PrintWriter;

/**
 * The {@code tessera} command, the main class of {@code examples/target/tessera.jar}. The commands
 * themselves live in {@link io.tessera.examples.cli}.
 */
public final class Main {
  private Main() {}

  /** Runs the command line with {@code out} and {@code err} and returns its exit code (for tests). */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return Cli.execute(out, err, args);
  }

  public static void main(String[] args) {
    System.exit(Cli.main(args));
  }
}
