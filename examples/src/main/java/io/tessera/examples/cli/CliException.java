package io.tessera.examples.cli;

/**
 * A failure the user can fix (a missing file, an unknown format, a bad combination of options):
 * the command ends with its message as one line on standard error and exit code {@link #exitCode}.
 */
public class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  /** A failure with exit code 1. */
  public CliException(String message) {
    this(message, 1, null);
  }

  public CliException(String message, Throwable cause) {
    this(message, 1, cause);
  }

  public CliException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The process exit code for this failure. */
  public int exitCode() {
    return exitCode;
  }
}
