package io.tessera.io.tensor;

import io.tessera.errors.TesseraException;

/**
 * Arrow data with null values (a validity bitmap with nulls) cannot become an ndarray, which has no
 * notion of a missing element. Nothing is copied or filled in silently.
 */
public class NullValuesException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public NullValuesException(String op, String message) {
    super(op, message);
  }
}
