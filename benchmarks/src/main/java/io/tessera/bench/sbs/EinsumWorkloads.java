package io.tessera.bench.sbs;

import static io.tessera.bench.sbs.Workload.timed;

import io.tessera.Tessera;
import io.tessera.linalg.Einsum;
import io.tessera.linalg.EinsumOptions;
import io.tessera.ndarray.NDArray;
import java.util.List;

/**
 * The einsum rows of the side-by-side table, with the targets: a three-matrix chain
 * (greedy path, two small GEMMs), a batched matrix product (64 GEMMs of 256³) and a three-way
 * outer product (a 64 MB result written once). Both sides use {@code optimize=True} and the same
 * {@code linspace(0, 1, n)} data, reshaped.
 */
public final class EinsumWorkloads {
  private EinsumWorkloads() {}

  private static final EinsumOptions OPT = EinsumOptions.optimized();

  /** The three einsum rows, for {@link Workloads#all()}. */
  static List<Workload> einsumRows() {
    return List.of(chain(), batchMatmul(), outer3());
  }

  private static NDArray data(Tessera np, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    try (NDArray flat = np.linspace(0, 1, n)) {
      return flat.reshape(shape); // a view: keeps the buffer after flat is closed
    }
  }

  private static String py(String name, long... shape) {
    long n = 1;
    StringBuilder s = new StringBuilder();
    for (long d : shape) {
      n *= d;
      s.append(s.length() == 0 ? "" : ", ").append(d);
    }
    return name + " = np.linspace(0, 1, " + n + ").reshape(" + s + ")";
  }

  static Workload chain() {
    return new Workload("einsum 'ij,jk,kl->il' (1000,50)(50,1000)(1000,50) optimize=True", true,
        1.2, 0, np -> {
          NDArray a = data(np, 1000, 50);
          NDArray b = data(np, 50, 1000);
          NDArray c = data(np, 1000, 50);
          return timed(() -> Einsum.einsum("ij,jk,kl->il", OPT, a, b, c).close(), c, b, a);
        }, py("a", 1000, 50) + "; " + py("b", 50, 1000) + "; " + py("c", 1000, 50),
        "r = np.einsum('ij,jk,kl->il', a, b, c, optimize=True); del r");
  }

  static Workload batchMatmul() {
    return new Workload("einsum 'bij,bjk->bik' (64,256,256) float64 optimize=True", true, 1.0,
        0, np -> {
          NDArray a = data(np, 64, 256, 256);
          NDArray b = data(np, 64, 256, 256);
          return timed(() -> Einsum.einsum("bij,bjk->bik", OPT, a, b).close(), b, a);
        }, py("a", 64, 256, 256) + "; " + py("b", 64, 256, 256),
        "r = np.einsum('bij,bjk->bik', a, b, optimize=True); del r");
  }

  static Workload outer3() {
    long n = 200;
    return new Workload("einsum 'i,j,k->ijk' 200 each (64 MB result) optimize=True", true, 0.5,
        8L * n * n * n, np -> {
          NDArray a = np.linspace(0, 1, n);
          NDArray b = np.linspace(1, 2, n);
          NDArray c = np.linspace(2, 3, n);
          return timed(() -> Einsum.einsum("i,j,k->ijk", OPT, a, b, c).close(), c, b, a);
        }, "a = np.linspace(0, 1, " + n + "); b = np.linspace(1, 2, " + n + "); c = "
            + "np.linspace(2, 3, " + n + ")",
        "r = np.einsum('i,j,k->ijk', a, b, c, optimize=True); del r");
  }
}
