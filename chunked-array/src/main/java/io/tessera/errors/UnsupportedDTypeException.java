package io.tessera.errors;

/** A dtype name or kind that Tessera does not support (object, complex, strings, structured ...). */
public class UnsupportedDTypeException extends TesseraException {
  private static final long serialVersionUID = 1L;
  private final String dtype;

  public UnsupportedDTypeException(String op, String dtype) {
    super(op, op + ": data type '" + dtype + "' not understood or not supported"
        + " (supported: bool, int8..int64, uint8..uint64, float16, float32, float64)");
    this.dtype = dtype;
  }

  public String dtype() {
    return dtype;
  }
}
