package io.tessera.errors;

/** Shapes that do not fit the operation: broadcasting, reshape, out= shape, axis out of range. */
public class ShapeException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public ShapeException(String op, String message) {
    super(op, message);
  }
}
