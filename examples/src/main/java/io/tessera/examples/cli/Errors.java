package io.tessera.examples.cli;

import io.tessera.errors.TesseraException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on standard error: {@code tessera <command>: <message>}, and
 * an exit code (2: usage, 1: the command failed). The stack trace is printed only when the
 * environment variable {@code TESSERA_DEBUG} is set (to anything but 0 or empty).
 */
final class Errors implements IExecutionExceptionHandler, IParameterExceptionHandler {
  /** Exit code for a command that failed. */
  static final int FAILED = 1;
  /** Exit code for bad arguments (picocli's usage-error convention). */
  static final int USAGE = 2;

  private final boolean debug;

  Errors(boolean debug) {
    this.debug = debug;
  }

  static boolean debugFromEnvironment() {
    String v = System.getenv("TESSERA_DEBUG");
    return v != null && !v.isEmpty() && !v.equals("0");
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    String hint = " (see '" + qualifiedName(cmd) + " --help')";
    err.println(qualifiedName(cmd) + ": " + oneLine(ex.getMessage()) + hint);
    if (debug) {
      ex.printStackTrace(err);
    }
    err.flush();
    return USAGE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    err.println(qualifiedName(cmd) + ": " + message(ex));
    if (debug) {
      ex.printStackTrace(err);
    }
    err.flush();
    if (ex instanceof CliException c) {
      return c.exitCode();
    }
    return ex instanceof CommandLine.ParameterException ? USAGE : FAILED;
  }

  /** "tessera convert" for a subcommand, "tessera" for the top level. */
  static String qualifiedName(CommandLine cmd) {
    return cmd.getCommandSpec().qualifiedName();
  }

  /** The one-line description of a failure. */
  static String message(Throwable ex) {
    Throwable t = unwrap(ex);
    if (t instanceof CliException || t instanceof TesseraException) {
      return oneLine(t.getMessage());
    }
    if (t instanceof NoSuchFileException e) {
      return "no such file: " + e.getFile();
    }
    if (t instanceof AccessDeniedException e) {
      return "permission denied: " + e.getFile();
    }
    if (t instanceof FileAlreadyExistsException e) {
      return "already exists: " + e.getFile();
    }
    if (t instanceof NotDirectoryException e) {
      return "not a directory: " + e.getFile();
    }
    if (t instanceof IOException) {
      return "I/O error: " + oneLine(String.valueOf(t.getMessage()));
    }
    if (t.getClass().getName().startsWith("org.apache.spark.")) {
      return "Spark: " + oneLine(String.valueOf(t.getMessage()));
    }
    if (t instanceof OutOfMemoryError) {
      return "out of memory (" + oneLine(String.valueOf(t.getMessage())) + "); raise -Xmx or "
          + "lower --chunk-bytes";
    }
    String m = t.getMessage();
    return "internal error: " + t.getClass().getName() + (m == null ? "" : ": " + oneLine(m))
        + " (set TESSERA_DEBUG=1 for the stack trace)";
  }

  /** The cause that says what went wrong: through UncheckedIOException and Spark's wrappers. */
  static Throwable unwrap(Throwable ex) {
    Throwable t = ex;
    for (int i = 0; i < 10 && t.getCause() != null; i++) {
      if (t instanceof CliException || t instanceof TesseraException) {
        return t;
      }
      if (t instanceof UncheckedIOException || t instanceof java.util.concurrent.ExecutionException
          || t.getClass().getName().startsWith("org.apache.spark.")
          || t instanceof java.lang.reflect.InvocationTargetException) {
        t = t.getCause();
      } else {
        break;
      }
    }
    return t;
  }

  /** The first line of a message, without a trailing period-free newline tail. */
  static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl).strip();
  }
}
