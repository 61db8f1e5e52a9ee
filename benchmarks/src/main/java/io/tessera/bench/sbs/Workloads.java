package io.tessera.bench.sbs;

import static io.tessera.bench.sbs.Workload.timed;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.ufunc.Reductions;
import io.tessera.ufunc.Ufunc;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of the side-by-side table, each with the target ratio. Data on both sides are
 * {@code linspace(0, 1, n)} (cast where a dtype needs it), so both compute the same values.
 */
final class Workloads {
  private Workloads() {}

  static final int N = 10_000_000;

  static List<Workload> all() {
    List<Workload> w = new ArrayList<>();
    for (DType t : new DType[] {DType.FLOAT64, DType.FLOAT32, DType.INT32}) {
      w.addAll(elementwise(t));
    }
    w.add(transposedCopy());
    w.add(astype());
    w.add(mask());
    w.addAll(reductions());
    w.add(unary("exp", Ufunc.EXP, 0.6));
    w.add(unary("sin", Ufunc.SIN, 0.6));
    w.add(tiny());
    w.addAll(IoWorkloads.rows());
    w.addAll(LinalgWorkloads.rows());
    w.addAll(EinsumWorkloads.einsumRows());
    w.addAll(ChunkWorkloads.rows());
    return w;
  }

  private static String pyData(DType t, int n) {
    return "a = np.linspace(0, 1, " + n + ").astype('" + t + "'); "
        + "b = np.linspace(1, 2, " + n + ").astype('" + t + "'); o = np.empty_like(a)";
  }

  private static NDArray data(Tessera np, DType t, int n, double lo) {
    try (NDArray d = np.linspace(lo, lo + 1, n)) {
      return d.astype(t);
    }
  }

  static List<Workload> elementwise(DType t) {
    long bytes = 3L * t.itemsize() * N;
    List<Workload> w = new ArrayList<>();
    w.add(new Workload(t + " a + b (10M) into a new array", true, 0.6, bytes, np -> {
      NDArray a = data(np, t, N, 0);
      NDArray b = data(np, t, N, 1);
      return timed(() -> Ufunc.ADD.apply(a, b).close(), a, b);
    }, pyData(t, N), "c = a + b; del c"));
    w.add(new Workload(t + " a + b (10M) into out=", false, 0.7, bytes, np -> {
      NDArray a = data(np, t, N, 0);
      NDArray b = data(np, t, N, 1);
      NDArray o = np.empty(t, N);
      return timed(() -> Ufunc.ADD.apply(a, b, o), a, b, o);
    }, pyData(t, N), "np.add(a, b, out=o)"));
    w.add(new Workload(t + " a += b (10M)", false, 0.8, bytes, np -> {
      NDArray a = data(np, t, N, 0);
      NDArray b = data(np, t, N, 1);
      return timed(() -> a.addi(b), a, b);
    }, pyData(t, N), "a += b"));
    return w;
  }

  static Workload transposedCopy() {
    int n = 4000;
    return new Workload("transposed copy a.T.copy() of 4000x4000 float64", true, 0.5,
        2L * 8 * n * n, np -> {
          NDArray base = np.linspace(0, 1, (long) n * n);
          NDArray a = base.reshape(n, n);
          NDArray t = a.T();
          return timed(() -> t.copy().close(), t, a, base);
        }, "a = np.linspace(0, 1, " + n * n + ").reshape(" + n + ", " + n + ")", "c = a.T.copy(); del c");
  }

  static Workload astype() {
    return new Workload("astype float64 -> float32 (10M)", true, 0.6, 12L * N, np -> {
      NDArray a = np.linspace(0, 1, N);
      return timed(() -> a.astype(DType.FLOAT32).close(), a);
    }, "a = np.linspace(0, 1, " + N + ")", "c = a.astype(np.float32); del c");
  }

  static Workload mask() {
    return new Workload("boolean mask a[a > 0.5] (10M float64)", true, 0.5, 0, np -> {
      NDArray a = np.linspace(0, 1, N);
      return timed(() -> {
        try (NDArray m = Ufunc.GREATER.apply(a, 0.5)) {
          a.mask(m).close();
        }
      }, a);
    }, "a = np.linspace(0, 1, " + N + ")", "c = a[a > 0.5]; del c");
  }

  static Workload unary(String name, Ufunc u, double target) {
    return new Workload(name + "(a) float64 (10M) into a new array", true, target, 16L * N, np -> {
      NDArray a = np.linspace(0, 1, N);
      return timed(() -> u.apply(a).close(), a);
    }, "a = np.linspace(0, 1, " + N + ")", "c = np." + name + "(a); del c");
  }

  static List<Workload> reductions() {
    List<Workload> w = new ArrayList<>();
    w.add(new Workload("sum of float64 (10M)", false, 0.7, 8L * N, np -> {
      NDArray a = np.linspace(0, 1, N);
      return timed(() -> Reductions.sum(a).close(), a);
    }, "a = np.linspace(0, 1, " + N + ")", "s = a.sum()"));
    int n = 4000;
    String py = "a = np.linspace(0, 1, " + n * n + ").reshape(" + n + ", " + n + "); t = a.T";
    for (int axis = 0; axis < 2; axis++) {
      int ax = axis;
      w.add(new Workload("sum axis " + ax + " of 4000x4000 C float64", false, 0.8, 8L * n * n,
          np -> {
            NDArray base = np.linspace(0, 1, (long) n * n);
            NDArray a = base.reshape(n, n);
            return timed(() -> Reductions.sum(a, Reductions.axis(ax)).close(), a, base);
          }, py, "s = a.sum(axis=" + ax + ")"));
      w.add(new Workload("sum axis " + ax + " of its transpose", false, 0.8, 8L * n * n,
          np -> {
            NDArray base = np.linspace(0, 1, (long) n * n);
            NDArray a = base.reshape(n, n);
            NDArray t = a.T();
            return timed(() -> Reductions.sum(t, Reductions.axis(ax)).close(), t, a, base);
          }, py, "s = t.sum(axis=" + ax + ")"));
    }
    w.add(new Workload("var of float64 (10M)", false, 0.5, 8L * N, np -> {
      NDArray a = np.linspace(0, 1, N);
      return timed(() -> Reductions.var(a).close(), a);
    }, "a = np.linspace(0, 1, " + N + ")", "s = a.var()"));
    w.add(new Workload("std of float64 (10M)", false, 0.5, 8L * N, np -> {
      NDArray a = np.linspace(0, 1, N);
      return timed(() -> Reductions.std(a).close(), a);
    }, "a = np.linspace(0, 1, " + N + ")", "s = a.std()"));
    return w;
  }

  static Workload tiny() {
    return new Workload("a + b on 10 float64 (per-call overhead)", true, 1.5, 0, np -> {
      NDArray a = np.linspace(0, 1, 10);
      NDArray b = np.linspace(1, 2, 10);
      return timed(() -> {
        for (int i = 0; i < 1000; i++) {
          Ufunc.ADD.apply(a, b).close();
        }
      }, a, b);
    }, "a = np.linspace(0, 1, 10); b = np.linspace(1, 2, 10)",
        "for _ in range(1000):\n    c = a + b");
  }
}
