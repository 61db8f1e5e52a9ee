package io.tessera.errors;

/** A write to an array whose WRITEABLE flag is off (broadcast views, read-only mappings). */
public class ReadOnlyArrayException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public ReadOnlyArrayException(String op, String message) {
    super(op, message);
  }
}
