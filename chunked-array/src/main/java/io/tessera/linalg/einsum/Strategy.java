package io.tessera.linalg.einsum;

import io.tessera.errors.EinsumException;

/**
 * How {@link EinsumPath#plan} orders the pairwise contractions, as NumPy's {@code optimize=}.
 */
public enum Strategy {
  /**
   * No optimization ({@code optimize=False}): one contraction of all operands, path
   * {@code (0, 1, ..., n-1)}.
   */
  NONE("False"),
  /**
   * NumPy's {@code _greedy_path} ({@code optimize='greedy'} and {@code optimize=True}): at each
   * step the pair that removes the most elements, then the cheapest; outer products only when
   * nothing else fits. Same candidates, same cost model, same tie-breaking, so the same path.
   */
  GREEDY("greedy"),
  /**
   * NumPy's {@code _optimal_path} ({@code optimize='optimal'}): every order of pairwise
   * contractions whose intermediates fit the memory limit, the cheapest (first found on ties).
   * Factorial in the number of operands, as in NumPy.
   */
  OPTIMAL("optimal");

  private final String numpyName;

  Strategy(String numpyName) {
    this.numpyName = numpyName;
  }

  /** The value of NumPy's {@code optimize=} for this strategy. */
  public String numpyName() {
    return numpyName;
  }

  /** NumPy's boolean {@code optimize=}: true means greedy, false means none. */
  public static Strategy of(boolean optimize) {
    return optimize ? GREEDY : NONE;
  }

  /**
   * NumPy's named optimizers, "greedy" or "optimal".
   *
   * @throws EinsumException (kind UNKNOWN_STRATEGY) with NumPy's KeyError text otherwise
   */
  public static Strategy named(String name) {
    if ("greedy".equals(name)) {
      return GREEDY;
    }
    if ("optimal".equals(name)) {
      return OPTIMAL;
    }
    String repr = name == null ? "None" : "'" + name.replace("\\", "\\\\").replace("'", "\\'")
        + "'";
    throw new EinsumException("einsum_path", EinsumException.Kind.UNKNOWN_STRATEGY,
        "('Path name %s not found', " + repr + ")", null, null,
        "known optimizers are 'greedy' and 'optimal'");
  }
}
