package io.tessera.errors;

/**
 * A ufunc has no loop for the given operand dtypes (NumPy's {@code TypeError} /
 * {@code UFuncTypeError}: "ufunc 'invert' not supported for the input types, ...", "ufunc
 * 'positive' did not contain a loop with signature matching types ...", "No loop matching the
 * specified signature and casting was found for ufunc less", the boolean subtract and negative
 * errors). Casting-rule violations are {@link CastingException}s instead.
 */
public class UfuncTypeException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public UfuncTypeException(String op, String message) {
    super(op, message);
  }
}
