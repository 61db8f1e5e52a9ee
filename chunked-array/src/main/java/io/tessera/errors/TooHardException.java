package io.tessera.errors;

/** shares_memory gave up: the exact overlap problem exceeded its work bound (NumPy's TooHardError). */
public class TooHardException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public TooHardException(String op, String message) {
    super(op, message);
  }
}
