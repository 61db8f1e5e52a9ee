package io.tessera.errors;

/** as_strided (or a view built from raw strides) that would reach outside its buffer. */
public class StridesOutOfBoundsException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public StridesOutOfBoundsException(String op, String message) {
    super(op, message);
  }
}
