package io.tessera.ndarray;

/** NumPy's memory-order argument. */
public enum Order {
  /** Row-major: the last index varies fastest. */
  C,
  /** Column-major (Fortran): the first index varies fastest. */
  F,
  /** F if the source is Fortran-contiguous and not C-contiguous, else C. */
  A,
  /** Keep the source's memory order as closely as possible. */
  K;

  public static Order of(String s) {
    switch (s.trim().toUpperCase(java.util.Locale.ROOT)) {
      case "C": return C;
      case "F": return F;
      case "A": return A;
      case "K": return K;
      default:
        throw new IllegalArgumentException("order must be one of 'C', 'F', 'A', or 'K' (got '" + s + "')");
    }
  }
}
