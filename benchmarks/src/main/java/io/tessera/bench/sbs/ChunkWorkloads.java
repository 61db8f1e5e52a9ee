package io.tessera.bench.sbs;

import static io.tessera.bench.sbs.Workload.timed;

import io.tessera.chunk.Outer;
import io.tessera.dtype.DType;
import io.tessera.expr.Expr;
import io.tessera.ndarray.NDArray;
import io.tessera.ufunc.Ufunc;
import java.util.ArrayList;
import java.util.List;

/**
 * Side-by-side rows for streaming outer reductions and fused expressions (register with
 * {@code w.addAll(ChunkWorkloads.rows())}). NumPy materializes the n×m matrix; Tessera streams it.
 */
public final class ChunkWorkloads {
  private ChunkWorkloads() {}

  static final int NM = 20_000;
  static final int N = 10_000_000;

  public static List<Workload> rows() {
    List<Workload> w = new ArrayList<>();
    String setup = "x = np.linspace(0, 1, " + NM + "); y = np.linspace(1, 2, " + NM + ")";
    w.add(new Workload("outerReduce sum_j (x_i + y_j), n = m = 20000", true, 0.2,
        16L * NM, np -> {
          NDArray x = np.linspace(0, 1, NM);
          NDArray y = np.linspace(1, 2, NM);
          return timed(() -> Outer.outerReduce(Ufunc.ADD, Ufunc.ADD, x, y, 1).close(), x, y);
        }, setup, "r = np.sum(x[:, None] + y[None, :], axis=1); del r"));
    w.add(new Workload("outerReduce min_j |x_i - y_j|, n = m = 20000", true, 0.2,
        16L * NM, np -> {
          NDArray x = np.linspace(0, 1, NM);
          NDArray y = np.linspace(1, 2, NM);
          Expr f = Expr.arg(0).sub(Expr.arg(1)).abs();
          return timed(() -> Outer.outerReduce(f, Ufunc.MINIMUM, x, y, 1).close(), x, y);
        }, setup, "r = np.min(np.abs(x[:, None] - y[None, :]), axis=1); del r"));
    w.add(new Workload("Expr (a+b)*(c+d) float64 (10M) into out", false, 0.4, 5L * 8 * N, np -> {
      NDArray a = np.linspace(0, 1, N);
      NDArray b = np.linspace(1, 2, N);
      NDArray c = np.linspace(2, 3, N);
      NDArray d = np.linspace(3, 4, N);
      NDArray o = np.empty(DType.FLOAT64, N);
      Expr e = Expr.of(a).add(b).mul(Expr.of(c).add(d));
      return timed(() -> e.into(o), a, b, c, d, o);
    }, "a = np.linspace(0, 1, " + N + "); b = np.linspace(1, 2, " + N + "); c = np.linspace(2, 3, "
        + N + "); d = np.linspace(3, 4, " + N + "); o = np.empty_like(a)",
        "np.multiply(a + b, c + d, out=o)"));
    return w;
  }
}
