package io.tessera.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the command line through picocli with captured output. */
record CliRun(int code, String out, String err) {
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Asserts success and returns this. */
  CliRun ok() {
    assertEquals(0, code, () -> "exit " + code + "\nout:\n" + out + "\nerr:\n" + err);
    return this;
  }

  /**
   * Asserts a failure with exit code {@code exit} and exactly one line on stderr, naming the
   * command, containing {@code fragment}, with no stack trace; nothing on stdout.
   */
  CliRun failsWith(int exit, String command, String fragment) {
    assertEquals(exit, code, () -> "exit " + code + "\nout:\n" + out + "\nerr:\n" + err);
    String e = err.strip();
    assertFalse(e.contains("\n"), () -> "more than one line on stderr:\n" + err);
    assertFalse(e.contains("Exception:") && e.contains("\tat "), err);
    assertTrue(e.startsWith(command + ": "), () -> "expected '" + command + ": ...', got " + e);
    assertTrue(e.contains(fragment), () -> "expected '" + fragment + "' in: " + e);
    assertEquals("", out, "nothing on stdout");
    return this;
  }
}
