package io.tessera.bench.sbs;

import static io.tessera.bench.sbs.Workload.timed;

import io.tessera.dtype.DType;
import io.tessera.linalg.Blas;
import io.tessera.linalg.Linalg;
import io.tessera.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * matmul rows: 2048² float64 and float32 on the BLAS in use (native OpenBLAS when
 * libopenblas0-pthread is installed), and the pure-Java fallback at 1024² beside them (its
 * GFLOP/s follow from the time: 2·n³ / t).
 */
final class LinalgWorkloads {
  private LinalgWorkloads() {}

  static List<Workload> rows() {
    List<Workload> w = new ArrayList<>();
    int n = 2048;
    for (DType t : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
      w.add(new Workload("matmul " + n + "x" + n + " " + t + " (" + Blas.kind() + " BLAS)", true,
          1.1, 0, np -> {
            NDArray a = square(np, n, t, 0);
            NDArray b = square(np, n, t, 1);
            return timed(() -> Linalg.matmul(a, b).close(), a, b);
          }, py(n, t), "c = a @ b; del c"));
    }
    int m = 1024;
    w.add(new Workload("matmul " + m + "x" + m + " float64, pure-Java BLAS fallback", true, 0, 0,
        np -> {
          NDArray a = square(np, m, DType.FLOAT64, 0);
          NDArray b = square(np, m, DType.FLOAT64, 1);
          return timed(() -> Blas.using(Blas.javaInstance(), () -> Linalg.matmul(a, b)).close(),
              a, b);
        }, py(m, DType.FLOAT64), "c = a @ b; del c"));
    return w;
  }

  private static String py(int n, DType t) {
    return "a = np.linspace(0, 1, " + n * n + ").reshape(" + n + ", " + n + ").astype('" + t
        + "'); b = np.linspace(1, 2, " + n * n + ").reshape(" + n + ", " + n + ").astype('" + t
        + "')";
  }

  private static NDArray square(io.tessera.Tessera np, int n, DType t, double lo) {
    try (NDArray lin = np.linspace(lo, lo + 1, (long) n * n); NDArray sq = lin.reshape(n, n)) {
      return sq.astype(t);
    }
  }
}
