package io.tessera.ndarray;

/** NumPy 2's {@code copy=} argument: {@code True}, {@code None} and {@code False}. */
public enum CopyMode {
  /** Always copy ({@code copy=True}). */
  ALWAYS,
  /** Return a view when possible, else copy ({@code copy=None}, the default). */
  IF_NEEDED,
  /** Never copy: fail with {@link io.tessera.errors.CopyRequiredException} ({@code copy=False}). */
  NEVER
}
