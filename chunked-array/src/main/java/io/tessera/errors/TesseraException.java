package io.tessera.errors;

/**
 * Base of every error Tessera raises. Unchecked, and always names the operation that failed; the
 * message carries the shapes and dtypes involved in NumPy's wording where NumPy has one.
 */
public class TesseraException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String op;

  public TesseraException(String op, String message) {
    super(message);
    this.op = op;
  }

  public TesseraException(String op, String message, Throwable cause) {
    super(message, cause);
    this.op = op;
  }

  /** The operation that raised this, e.g. {@code "reshape"}, {@code "as_strided"}. */
  public String op() {
    return op;
  }
}
