package io.tessera.errors;

/** An operation asked never to copy that cannot be done as a view (reshape with copy=NEVER). */
public class CopyRequiredException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public CopyRequiredException(String op, String message) {
    super(op, message);
  }
}
