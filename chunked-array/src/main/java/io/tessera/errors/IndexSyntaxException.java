package io.tessera.errors;

/** A NumPy-style index string that cannot be parsed, e.g. "1:2:0" or "1:a". */
public class IndexSyntaxException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public IndexSyntaxException(String op, String message) {
    super(op, message);
  }
}
