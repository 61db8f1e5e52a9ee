package io.tessera.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import io.tessera.dtype.DType;
import io.tessera.errors.ReadOnlyArrayException;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.ndarray.NDArray;
import io.tessera.parallel.Threads;
import io.tessera.shape.Shapes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The BLAS that Tessera's float32/float64 products run on: dev.ludovic.netlib (as Spark MLlib uses
 * it), native OpenBLAS when the system has it, else a pure-Java implementation.
 *
 * <h2>Which implementation</h2>
 * netlib's {@code BLAS.getInstance()} loads its JNI wrapper around the system's
 * {@code libblas.so.3}; on Debian/Ubuntu {@code apt-get install libopenblas0-pthread} makes that
 * OpenBLAS. Without it netlib falls back to {@code VectorBLAS} (when the JVM has {@code
 * --add-modules jdk.incubator.vector}) or {@code Java11BLAS}. The system property {@code
 * tessera.blas} chooses: {@code auto} (default, netlib's choice), {@code java} (always the
 * pure-Java one) or {@code native} (fail if native is unavailable). {@link #describe()} says what
 * is active and what it is worth.
 *
 * <h2>Off-heap operands</h2>
 * netlib's API takes Java arrays only ({@code double[]} with offsets); it has no direct-buffer or
 * address entry point (its JNI layer pins the arrays with {@code GetPrimitiveArrayCritical}). So
 * {@link #gemm} copies each operand into a reusable heap array (one bulk copy when the matrix is
 * contiguous, one per row or column when it is a strided view with unit inner stride), calls
 * dgemm/sgemm once with the transpose flags that describe the operands' layouts (a transposed
 * C-order matrix is passed with 'T', never transposed in memory), and copies the product back.
 * That costs a copy of each operand and of the product, 3·n² elements against the 2·n³ flops of
 * the product: at 2048² float64, 96 MB of copying, 3–5% of the CPU time of the native DGEMM as
 * measured here (Tessera's {@code matmul} and NumPy's {@code a @ b} within noise of each other),
 * at most ~10% of a 2-thread OpenBLAS DGEMM on idle cores (memcpy ~8 GB/s against ~160 GFLOP/s).
 *
 * <h2>Threads</h2>
 * Native OpenBLAS runs on its own thread pool, sized once when the library loads by {@code
 * OPENBLAS_NUM_THREADS} (or {@code OMP_NUM_THREADS}, default: all cores); netlib exposes no
 * {@code openblas_set_num_threads}, so {@link Threads#current()} cannot lower it from Java: set
 * the environment variable for the process instead. The Java fallback does respect {@link
 * Threads#current()}: a large product is split into fixed column panels of C (the split does not
 * depend on the thread count, so neither do the results) run on Tessera's pool.
 *
 * <h2>The Java fallback's panels</h2>
 * netlib's Java GEMM has no cache blocking: one 2048² DGEMM call runs at 0.3–0.5 GFLOP/s per core
 * ('NN', 'NT', 'TT'; 3.4 for 'TN'). Called on 128-column panels of C it runs at ~11 GFLOP/s per
 * core for every transpose combination (measured here with VectorBLAS), so {@link #dgemm} and
 * {@link #sgemm} always split a large Java product that way, threads or not.
 */
public final class Blas {
  private Blas() {}

  /** Which kind of BLAS is active. */
  public enum Kind {
    /** netlib's JNIBLAS over the system's libblas.so.3 (OpenBLAS when libopenblas0 is installed). */
    NATIVE,
    /** netlib's VectorBLAS (Java, jdk.incubator.vector). */
    VECTOR,
    /** netlib's Java11BLAS / Java8BLAS / F2jBLAS (plain Java). */
    JAVA
  }

  /**
   * DGEMM 2048×2048 float64 throughput, for {@link #describe()}. Native: OpenBLAS
   * (libopenblas0-pthread) on this development machine's 2 idle cores, from
   * DEPENDENCIES.md (NumPy ~140 there); measured here under load, Tessera's {@code matmul} and
   * NumPy's {@code a @ b} ran at the same GFLOP per CPU-second (16–18). Java: netlib VectorBLAS in
   * 128-column panels, per core (11.3 GFLOP per CPU-second here, float32 17).
   */
  static final String MEASURED_NATIVE = "~160 GFLOP/s on 2 cores (NumPy ~140)";
  static final String MEASURED_JAVA = "~11 GFLOP/s per core";

  private static final String MODE = System.getProperty("tessera.blas", "auto");
  private static final BLAS DEFAULT;
  private static final RuntimeException DEFAULT_ERROR;

  static {
    BLAS b = null;
    RuntimeException err = null;
    try {
      b = choose(MODE);
    } catch (RuntimeException e) {
      err = e instanceof TesseraException ? e : new TesseraException("blas", "blas: "
          + "tessera.blas=" + MODE + " but no native BLAS could be loaded (install "
          + "libopenblas0-pthread): " + e.getMessage(), e);
    }
    DEFAULT = b;
    DEFAULT_ERROR = err;
  }

  private static final ThreadLocal<BLAS> OVERRIDE = new ThreadLocal<>();

  private static BLAS choose(String mode) {
    switch (mode.trim().toLowerCase(Locale.ROOT)) {
      case "java":
        return JavaBLAS.getInstance();
      case "native":
        return NativeBLAS.getInstance();
      case "auto":
      case "":
        return BLAS.getInstance();
      default:
        throw new TesseraException("blas", "blas: tessera.blas must be auto, java or native, got '"
            + mode + "'");
    }
  }

  /** The active implementation (netlib's). */
  public static BLAS instance() {
    BLAS o = OVERRIDE.get();
    if (o != null) {
      return o;
    }
    if (DEFAULT_ERROR != null) {
      throw DEFAULT_ERROR;
    }
    return DEFAULT;
  }

  /** The pure-Java implementation netlib falls back to. */
  public static BLAS javaInstance() {
    return JavaBLAS.getInstance();
  }

  /** Runs {@code body} on this thread with {@code impl} as the BLAS (tests, benchmarks). */
  public static <T> T using(BLAS impl, Supplier<T> body) {
    BLAS old = OVERRIDE.get();
    OVERRIDE.set(impl);
    try {
      return body.get();
    } finally {
      if (old == null) {
        OVERRIDE.remove();
      } else {
        OVERRIDE.set(old);
      }
    }
  }

  /** The kind of {@link #instance()}. */
  public static Kind kind() {
    return kindOf(instance());
  }

  static Kind kindOf(BLAS b) {
    if (b instanceof NativeBLAS) {
      return Kind.NATIVE;
    }
    return b.getClass().getSimpleName().startsWith("Vector") ? Kind.VECTOR : Kind.JAVA;
  }

  /** True when {@link #instance()} is native (JNI over the system BLAS). */
  public static boolean isNative() {
    return kind() == Kind.NATIVE;
  }

  /**
   * One line for the README and logs: what is active and what it is worth, e.g. "native OpenBLAS
   * via libopenblas0-pthread (netlib JNIBLAS over
   * /usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so): DGEMM 2048² ~160 GFLOP/s
   * on 2 cores (NumPy ~140); Java fallback (netlib VectorBLAS) ~11 GFLOP/s per core".
   */
  public static String describe() {
    BLAS b = instance();
    if (kindOf(b) == Kind.NATIVE) {
      String lib = nativeLibrary();
      boolean openblas = lib != null && lib.toLowerCase(Locale.ROOT).contains("openblas");
      String threads = System.getenv("OPENBLAS_NUM_THREADS");
      return (openblas ? "native OpenBLAS via libopenblas0-pthread" : "native BLAS")
          + " (netlib JNIBLAS over " + (lib != null ? lib : "libblas.so.3")
          + (threads != null ? ", OPENBLAS_NUM_THREADS=" + threads : "") + "): DGEMM 2048² "
          + (openblas ? "" : "with OpenBLAS ") + MEASURED_NATIVE + "; Java fallback (netlib "
          + JavaBLAS.getInstance().getClass().getSimpleName() + ") " + MEASURED_JAVA;
    }
    return "Java BLAS (netlib " + b.getClass().getSimpleName() + ", 128-column panels on up to "
        + Threads.current() + " threads): DGEMM 2048² " + MEASURED_JAVA + "; native OpenBLAS "
        + "(apt-get install libopenblas0-pthread) " + MEASURED_NATIVE;
  }

  /** The shared object that provides the native BLAS symbols, from /proc/self/maps (Linux). */
  static String nativeLibrary() {
    try {
      List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
      String fallback = null;
      for (String line : maps) {
        int slash = line.indexOf('/');
        if (slash < 0) {
          continue;
        }
        String path = line.substring(slash).trim();
        String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        if (name.contains("netlibblasjni")) {
          continue;
        }
        if (name.startsWith("libblas") || path.contains("openblas") && name.contains("blas")) {
          return path;
        } else if (name.contains("openblas") || name.contains("blis") || name.contains("mkl")) {
          fallback = path;
        }
      }
      return fallback;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  // ------------------------------------------------------------------ heap GEMM

  /** Minimum m·n·k for the Java fallback to split a product over threads. */
  static final long PARALLEL_MIN_WORK = 1L << 21;
  /** Columns of C per panel in the Java fallback's split (see the class comment). */
  static final int PANEL = 128;

  /**
   * Column-major {@code C = alpha·op(A)·op(B) + beta·C} on heap arrays, as BLAS's DGEMM ('N' or
   * 'T' for op). On the Java fallback, a large product is split into column panels of C over
   * {@link Threads#current()} threads.
   */
  public static void dgemm(char transA, char transB, int m, int n, int k, double alpha, double[] a,
      int offA, int lda, double[] b, int offB, int ldb, double beta, double[] c, int offC,
      int ldc) {
    BLAS impl = instance();
    String ta = String.valueOf(transA);
    String tb = String.valueOf(transB);
    int parts = panels(impl, m, n, k);
    if (parts <= 1) {
      impl.dgemm(ta, tb, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
      return;
    }
    boolean bt = transB == 'T' || transB == 't';
    Threads.forEachPart(parts, p -> {
      int j0 = p * PANEL;
      int nj = Math.min(PANEL, n - j0);
      impl.dgemm(ta, tb, m, nj, k, alpha, a, offA, lda, b, offB + (bt ? j0 : j0 * ldb), ldb, beta,
          c, offC + j0 * ldc, ldc);
    });
  }

  /** As {@link #dgemm} in float32 (SGEMM). */
  public static void sgemm(char transA, char transB, int m, int n, int k, float alpha, float[] a,
      int offA, int lda, float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc) {
    BLAS impl = instance();
    String ta = String.valueOf(transA);
    String tb = String.valueOf(transB);
    int parts = panels(impl, m, n, k);
    if (parts <= 1) {
      impl.sgemm(ta, tb, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
      return;
    }
    boolean bt = transB == 'T' || transB == 't';
    Threads.forEachPart(parts, p -> {
      int j0 = p * PANEL;
      int nj = Math.min(PANEL, n - j0);
      impl.sgemm(ta, tb, m, nj, k, alpha, a, offA, lda, b, offB + (bt ? j0 : j0 * ldb), ldb, beta,
          c, offC + j0 * ldc, ldc);
    });
  }

  /**
   * Number of column panels for the Java fallback; 1 means one call (native, or small). The split
   * depends only on the problem's size, never on the thread count, so neither do the results.
   */
  private static int panels(BLAS impl, int m, int n, int k) {
    if (kindOf(impl) == Kind.NATIVE || n <= PANEL || (long) m * n * k < PARALLEL_MIN_WORK) {
      return 1;
    }
    return (n + PANEL - 1) / PANEL;
  }

  // ------------------------------------------------------------------ off-heap GEMM

  /**
   * BLAS GEMM on Tessera arrays: {@code c = alpha·a·b + beta·c} for 2-D float64 or float32 arrays
   * of one dtype, any strides (C order, F order, transposed and sliced views are passed to BLAS
   * with transpose flags and leading dimensions; other layouts are gathered). {@code c} is written
   * in place; with {@code beta == 0} its old contents are not read (NaNs in it do not propagate).
   *
   * @throws ShapeException if the shapes do not chain or an operand is not 2-D
   * @throws TesseraException if the dtypes differ or are not float32/float64
   */
  public static void gemm(double alpha, NDArray a, NDArray b, double beta, NDArray c) {
    if (a.ndim() != 2 || b.ndim() != 2 || c.ndim() != 2) {
      throw new ShapeException("gemm", "gemm: operands must be 2-D, got " + Shapes.format(a.shape())
          + ", " + Shapes.format(b.shape()) + ", " + Shapes.format(c.shape()));
    }
    DType t = c.dtype();
    if (a.dtype() != t || b.dtype() != t || (t != DType.FLOAT64 && t != DType.FLOAT32)) {
      throw new TesseraException("gemm", "gemm: operands must all be float64 or all float32, got "
          + a.dtype() + ", " + b.dtype() + ", " + c.dtype());
    }
    if (a.shape(1) != b.shape(0) || c.shape(0) != a.shape(0) || c.shape(1) != b.shape(1)) {
      throw new ShapeException("gemm", "gemm: shapes " + Shapes.formatCompact(a.shape()) + " @ "
          + Shapes.formatCompact(b.shape()) + " -> " + Shapes.formatCompact(c.shape())
          + " do not chain");
    }
    if (!c.isWriteable()) {
      throw new ReadOnlyArrayException("gemm", "gemm: output array is read-only");
    }
    if (c.mayShareMemory(a) || c.mayShareMemory(b)) {
      try (NDArray tmp = c.copy()) {
        gemm(alpha, a, b, beta, tmp);
        c.assign(tmp);
      }
      return;
    }
    Contraction.gemm(Contraction.Operand.of2d(a), Contraction.Operand.of2d(b), t, alpha, beta,
        Contraction.Target.of2d(c));
  }
}
