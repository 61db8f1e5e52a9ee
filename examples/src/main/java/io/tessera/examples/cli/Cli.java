package io.tessera.examples.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Builds and runs the {@code tessera} command line. */
public final class Cli {
  private Cli() {}

  /** The configured command line writing to {@code out} and {@code err}. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new TesseraCommand());
    Errors errors = new Errors(Errors.debugFromEnvironment());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler(errors);
    cl.setExecutionExceptionHandler(errors);
    cl.setExitCodeExceptionMapper(t -> t instanceof CliException c ? c.exitCode() : Errors.FAILED);
    cl.setUsageHelpAutoWidth(true);
    return cl;
  }

  /** Runs {@code args} and returns the exit code; everything printed goes to out or err. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    try {
      return commandLine(out, err).execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Runs {@code args} on the process's standard streams (the jar's entry point). */
  public static int main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    if (System.getProperty("io.netty.tryReflectionSetAccessible") == null) {
      System.setProperty("io.netty.tryReflectionSetAccessible", "true");
    }
    return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }
}
