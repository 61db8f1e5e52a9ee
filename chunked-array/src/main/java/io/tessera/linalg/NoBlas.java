package io.tessera.linalg;

import io.tessera.parallel.Threads;

/**
 * The products BLAS does not do, on packed heap blocks (NumPy's {@code *_matmul_inner_noblas}
 * loops): integers and bool with wrap-around, and float16 in float32.
 *
 * <p>All kernels accumulate into C ({@code C += A·B}) so a product split along K continues where
 * the previous block stopped. Rows of C are split into fixed panels run on {@link Threads}; every
 * element is computed by one thread in one fixed order, so results never depend on the thread
 * count.
 */
final class NoBlas {
  private NoBlas() {}

  /** Rows of C per parallel task. */
  private static final int ROWS_PER_PART = 16;
  /** Minimum m·n·k to go parallel. */
  private static final long PARALLEL_MIN_WORK = 1L << 20;
  /** Cache blocking: columns of B/C per block, K per block (int, long). */
  private static final int NB = 512;
  private static final int KB32 = 128;
  private static final int KB64 = 64;

  private static int parts(int m, int n, int k) {
    if ((long) m * n * k < PARALLEL_MIN_WORK || m <= ROWS_PER_PART) {
      return 1;
    }
    return (m + ROWS_PER_PART - 1) / ROWS_PER_PART;
  }

  /**
   * C(m×n, row-major) += A(m×k, row-major) · B(k×n, row-major) in 32-bit wrap-around arithmetic:
   * exact modulo 2^32, hence modulo 2^bits for every result type of at most 32 bits; for bool
   * operands (0/1) the sum is nonzero exactly when some a·b is (k < 2^31).
   */
  static void int32(int m, int n, int k, int[] a, int[] b, int[] c) {
    int parts = parts(m, n, k);
    int rowsPer = parts == 1 ? m : ROWS_PER_PART;
    Threads.forEachPart(parts, p -> {
      int i0 = p * rowsPer;
      int i1 = Math.min(m, i0 + rowsPer);
      for (int jj = 0; jj < n; jj += NB) {
        int j1 = Math.min(n, jj + NB);
        for (int kk = 0; kk < k; kk += KB32) {
          int k1 = Math.min(k, kk + KB32);
          for (int i = i0; i < i1; i++) {
            int co = i * n;
            int ao = i * k;
            for (int q = kk; q < k1; q++) {
              int av = a[ao + q];
              if (av == 0) {
                continue;
              }
              int bo = q * n;
              for (int j = jj; j < j1; j++) {
                c[co + j] += av * b[bo + j];
              }
            }
          }
        }
      }
    });
  }

  /** As {@link #int32} in 64-bit wrap-around arithmetic (int64 and uint64 results). */
  static void int64(int m, int n, int k, long[] a, long[] b, long[] c) {
    int parts = parts(m, n, k);
    int rowsPer = parts == 1 ? m : ROWS_PER_PART;
    Threads.forEachPart(parts, p -> {
      int i0 = p * rowsPer;
      int i1 = Math.min(m, i0 + rowsPer);
      for (int jj = 0; jj < n; jj += NB) {
        int j1 = Math.min(n, jj + NB);
        for (int kk = 0; kk < k; kk += KB64) {
          int k1 = Math.min(k, kk + KB64);
          for (int i = i0; i < i1; i++) {
            int co = i * n;
            int ao = i * k;
            for (int q = kk; q < k1; q++) {
              long av = a[ao + q];
              if (av == 0) {
                continue;
              }
              int bo = q * n;
              for (int j = jj; j < j1; j++) {
                c[co + j] += av * b[bo + j];
              }
            }
          }
        }
      }
    });
  }

  /**
   * C(m×n, row-major) += A(m×k, row-major) · B(k×n, column-major) with every product rounded to
   * float32 and summed in order of k in float32: NumPy's float16 matmul and dot (which then round
   * the float32 sum to float16 once, done when C is written back).
   */
  static void float16(int m, int n, int k, float[] a, float[] b, float[] c) {
    int parts = parts(m, n, k);
    int rowsPer = parts == 1 ? m : ROWS_PER_PART;
    Threads.forEachPart(parts, p -> {
      int i0 = p * rowsPer;
      int i1 = Math.min(m, i0 + rowsPer);
      for (int i = i0; i < i1; i++) {
        int ao = i * k;
        for (int j = 0; j < n; j++) {
          int bo = j * k;
          float s = c[i * n + j];
          for (int q = 0; q < k; q++) {
            s += a[ao + q] * b[bo + q];
          }
          c[i * n + j] = s;
        }
      }
    });
  }
}
