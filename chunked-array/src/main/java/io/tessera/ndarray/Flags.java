package io.tessera.ndarray;

/**
 * NumPy's {@code ndarray.flags}: C_CONTIGUOUS, F_CONTIGUOUS, ALIGNED, WRITEABLE and OWNDATA.
 * Contiguity follows NumPy's rule (axes of length 1 do not count; empty arrays are both).
 */
public record Flags(boolean cContiguous, boolean fContiguous, boolean aligned, boolean writeable,
    boolean ownData) {

  @Override
  public String toString() {
    return "  C_CONTIGUOUS : " + py(cContiguous) + "\n"
        + "  F_CONTIGUOUS : " + py(fContiguous) + "\n"
        + "  OWNDATA : " + py(ownData) + "\n"
        + "  WRITEABLE : " + py(writeable) + "\n"
        + "  ALIGNED : " + py(aligned) + "\n";
  }

  private static String py(boolean b) {
    return b ? "True" : "False";
  }
}
