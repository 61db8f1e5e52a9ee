package io.tessera.errors;

/** An index outside an axis, as NumPy's "index 5 is out of bounds for axis 0 with size 3". */
public class IndexOutOfRangeException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public IndexOutOfRangeException(String op, String message) {
    super(op, message);
  }
}
