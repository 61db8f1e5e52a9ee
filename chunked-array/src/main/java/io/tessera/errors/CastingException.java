package io.tessera.errors;

/** A dtype conversion that the casting mode forbids, in NumPy's words. */
public class CastingException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public CastingException(String op, String message) {
    super(op, message);
  }
}
