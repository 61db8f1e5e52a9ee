package io.tessera.spark.io;

import io.tessera.errors.TesseraException;

/**
 * A distributed read or write that cannot be done: a missing or unreadable file, a directory
 * where a file was expected, a target that exists, a DataFrame column of the wrong type or with
 * ragged rows. Names the operation and the path (or column); thrown on the driver before any job
 * whenever the fault can be known there.
 */
public class SparkIOException extends TesseraException {
  private static final long serialVersionUID = 1L;
  private final String path;

  public SparkIOException(String op, String path, String detail) {
    super(op, op + ": " + path + ": " + detail);
    this.path = path;
  }

  public SparkIOException(String op, String path, String detail, Throwable cause) {
    super(op, op + ": " + path + ": " + detail, cause);
    this.path = path;
  }

  /** The file, directory or column involved. */
  public String path() {
    return path;
  }
}
