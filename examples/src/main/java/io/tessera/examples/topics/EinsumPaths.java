package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.linalg.Einsum;
import io.tessera.linalg.EinsumOptions;
import io.tessera.linalg.Linalg;
import io.tessera.linalg.einsum.Path;
import io.tessera.linalg.einsum.Strategy;
import io.tessera.ndarray.NDArray;
import io.tessera.ufunc.Ufunc;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 3.8: {@code np.einsum(..., optimize=True)} and {@code np.einsum_path}. Matrix and batched
 * matrix products through einsum run the same GEMM as {@code matmul}; for a chain of three
 * matrices the path optimizer contracts the cheap pair first, and {@code einsumPath} prints the
 * same report as NumPy's {@code einsum_path}.
 */
public final class EinsumPaths {
  private EinsumPaths() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray ar = np.arange(12);
          NDArray a = ar.reshape(3, 4);
          NDArray br = np.arange(20);
          NDArray b = br.reshape(4, 5);
          NDArray dot = Linalg.dot(a, b);
          NDArray e = Einsum.einsum("ij,jk->ik", EinsumOptions.optimized(), a, b);
          NDArray eq = Ufunc.EQUAL.apply(dot, e);
          NDArray same = eq.all()) {
        out.println("np.dot(A, B) == einsum(\"ij,jk->ik\", optimize=True): " + same.getBoolean());
        out.println(e);
      }
      try (NDArray ar = np.arange(24);
          NDArray a = ar.reshape(2, 3, 4);
          NDArray br = np.arange(40);
          NDArray b = br.reshape(2, 4, 5);
          NDArray mm = Linalg.matmul(a, b);
          NDArray e = Einsum.einsum("bij,bjk->bik", EinsumOptions.optimized(), a, b);
          NDArray eq = Ufunc.EQUAL.apply(mm, e);
          NDArray same = eq.all()) {
        out.println("batched einsum(\"bij,bjk->bik\") shape " + Print.tuple(e.shape())
            + " equals matmul: " + same.getBoolean());
      }
      try (NDArray a = np.ones(io.tessera.dtype.DType.FLOAT64, 10, 100);
          NDArray b = np.ones(io.tessera.dtype.DType.FLOAT64, 100, 100);
          NDArray c = np.ones(io.tessera.dtype.DType.FLOAT64, 100, 5)) {
        Path path = Einsum.einsumPath("ij,jk,kl->il", Strategy.OPTIMAL, a, b, c);
        out.println("einsum_path(\"ij,jk,kl->il\", A(10,100), B(100,100), C(100,5), "
            + "optimize='optimal'):");
        out.println(path.numpyPath());
        out.println(path.report());
        try (NDArray r = Einsum.einsum("ij,jk,kl->il", EinsumOptions.optimized(), a, b, c)) {
          out.println("result[0, 0] = " + r.getDouble(0, 0) + " (100 * 100 ones)");
        }
      }
    }
  }
}
