package io.tessera.errors;

/** Use of an array, or of a view of a buffer, after it was closed. */
public class ClosedArrayException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public ClosedArrayException(String op, String message) {
    super(op, message);
  }
}
