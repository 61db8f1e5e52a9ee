package io.tessera.errors;

/**
 * A weak scalar (a Java {@code long} or {@code BigInteger} standing for a Python int, see
 * {@code io.tessera.dtype.Promotion}) does not fit the integer dtype an operation runs in: NumPy's
 * {@code OverflowError}, e.g. "Python integer 300 out of bounds for uint8", "Python int too large
 * to convert to C long".
 */
public class ScalarOverflowException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public ScalarOverflowException(String op, String message) {
    super(op, message);
  }
}
