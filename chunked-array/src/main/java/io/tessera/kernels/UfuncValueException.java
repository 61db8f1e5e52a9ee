package io.tessera.kernels;

import io.tessera.errors.TesseraException;

/**
 * An input value NumPy's inner loop rejects (NumPy raises {@code ValueError} from the loop), e.g.
 * an integer raised to a negative integer power. {@link Kernels#validate} throws it before any
 * output element is written.
 */
public class UfuncValueException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public UfuncValueException(String ufunc, String message) {
    super(ufunc, message);
  }
}
