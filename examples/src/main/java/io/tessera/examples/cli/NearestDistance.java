package io.tessera.examples.cli;

import io.tessera.chunk.Outer;
import io.tessera.expr.Expr;
import io.tessera.ndarray.NDArray;
import io.tessera.ufunc.Ufunc;

/**
 * The job's outer reduction on one block, with the local engine: for each row {@code x_i} of
 * {@code x}, the distance to the nearest row {@code y_j} of {@code y}, streamed tile by tile by
 * {@link Outer#outerReduce} (the n x m matrix is never held).
 *
 * <ul>
 *   <li>1-D x and y: {@code min_j |x_i - y_j|} (NumPy: {@code np.min(np.abs(x[:, None] -
 *       y[None, :]), axis=1)});
 *   <li>(n, d) and (m, d): {@code sqrt(min_j sum_k (x_ik - y_jk)**2)} (NumPy: {@code
 *       np.sqrt(np.min(((x[:, None, :] - y[None, :, :])**2).sum(-1), axis=1))}).
 * </ul>
 * Both are bit-identical to the NumPy expressions (Outer's pairwise values and sums follow NumPy's
 * loops; min is exact; sqrt is correctly rounded).
 */
final class NearestDistance {
  private NearestDistance() {}

  /** A new float64 array of x's row count. */
  static NDArray compute(NDArray x, NDArray y) {
    if (x.ndim() == 1) {
      return Outer.outerReduce(Expr.arg(0).sub(Expr.arg(1)).abs(), Ufunc.MINIMUM, x, y, 1);
    }
    try (NDArray d2 = Outer.outerReduce(Expr.arg(0).sub(Expr.arg(1)).square(), Ufunc.ADD,
        Ufunc.MINIMUM, x, y, 1)) {
      return Ufunc.SQRT.apply(d2);
    }
  }

  /** The NumPy expression computing the same values from x and y (for the summary). */
  static String numpy(int ndim) {
    return ndim == 1 ? "np.min(np.abs(x[:, None] - y[None, :]), axis=1)"
        : "np.sqrt(np.min(((x[:, None, :] - y[None, :, :])**2).sum(-1), axis=1))";
  }
}
