package io.tessera.io.npy;

import io.tessera.errors.TesseraException;

/**
 * A {@code .npy}, {@code .npz} or mapped file that Tessera cannot read: it names the file (or
 * stream) and the fault. Readers raise it before allocating anything for the data, so a failed
 * read leaves nothing allocated and nothing open.
 */
public class NpyFormatException extends TesseraException {
  private static final long serialVersionUID = 1L;

  /** What is wrong with the input. */
  public enum Fault {
    /** The file does not start with {@code \x93NUMPY}. */
    BAD_MAGIC("not a .npy file (bad magic string)"),
    /** A format version other than 1.0, 2.0 or 3.0. */
    BAD_VERSION("unsupported .npy format version"),
    /** The file or stream ends before the header or the data do. */
    TRUNCATED("truncated"),
    /** The header is not the dictionary NumPy writes (syntax, keys or value types). */
    BAD_HEADER("malformed header"),
    /** A dtype Tessera does not hold: object, strings, structured, complex, datetime ... */
    UNSUPPORTED_DTYPE("unsupported dtype"),
    /** A negative dimension, or more dimensions than NumPy allows. */
    BAD_SHAPE("invalid shape"),
    /** A size that overflows a long, or a header larger than any .npy header can be. */
    TOO_LARGE("too large"),
    /** A broken or unsupported zip container ({@code .npz}). */
    BAD_ZIP("bad .npz archive"),
    /** A memory-mapping request the file cannot satisfy (mode, size, byte order). */
    NOT_MAPPABLE("cannot be memory-mapped");

    private final String description;

    Fault(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  private final String source;
  private final Fault fault;

  public NpyFormatException(String op, String source, Fault fault, String detail) {
    super(op, source + ": " + fault.description() + ": " + detail);
    this.source = source;
    this.fault = fault;
  }

  public NpyFormatException(String op, String source, Fault fault, String detail, Throwable cause) {
    super(op, source + ": " + fault.description() + ": " + detail, cause);
    this.source = source;
    this.fault = fault;
  }

  /** The file name (or a description of the stream) that was being read. */
  public String source() {
    return source;
  }

  /** The kind of fault. */
  public Fault fault() {
    return fault;
  }
}
