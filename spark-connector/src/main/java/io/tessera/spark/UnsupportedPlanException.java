package io.tessera.spark;

import io.tessera.errors.TesseraException;

/**
 * A valid NumPy operation that the distributed engine does not run (for example an einsum with a
 * label repeated inside one distributed operand other than {@code "ii->i"}, or matmul batch
 * dimensions that broadcast). Raised on the driver before any job; the message says what is
 * supported and what to do instead (usually: compute it locally, or rechunk first).
 */
public class UnsupportedPlanException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public UnsupportedPlanException(String op, String message) {
    super(op, message);
  }
}
