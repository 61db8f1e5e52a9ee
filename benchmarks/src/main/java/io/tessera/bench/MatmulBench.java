package io.tessera.bench;

import dev.ludovic.netlib.blas.BLAS;
import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.linalg.Blas;
import io.tessera.linalg.Linalg;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Matrix product of two n×n (default 2048) arrays, float64 (DGEMM) and float32 (SGEMM).
 *
 * <ul>
 *   <li>{@code matmul}: {@link Linalg#matmul(NDArray, NDArray, NDArray)} on off-heap C-order
 *       arrays into a preallocated out: the operands are staged into heap arrays, one GEMM, the
 *       product copied back;
 *   <li>{@code heapGemm}: the same GEMM on heap arrays straight through netlib — the difference
 *       to {@code matmul} is the cost of staging.
 * </ul>
 *
 * {@code impl=active} is {@link Blas#instance()} (native OpenBLAS when libopenblas0-pthread is
 * installed, see {@link Blas#describe()}); {@code impl=java} is netlib's pure-Java BLAS.
 * GFLOP/s = 2n³ / time: for n = 2048, 17 180 / (ms/op). Native OpenBLAS threads follow
 * OPENBLAS_NUM_THREADS; to compare with NumPy, run both with the same environment (unset
 * OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for both if this machine sets them). Run: {@code java -jar
 * benchmarks/target/benchmarks.jar MatmulBench} (the Java fallback takes seconds per op: {@code
 * -p impl=active} to skip it).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-modules=jdk.incubator.vector", "-Xmx3g"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MatmulBench {
  @Param({"2048"})
  public int n;

  @Param({"float64", "float32"})
  public String dtype;

  @Param({"active", "java"})
  public String impl;

  private BufferAllocator allocator;
  private NDArray a;
  private NDArray b;
  private NDArray c;
  private BLAS blas;
  private double[] ha;
  private double[] hb;
  private double[] hc;
  private float[] fa;
  private float[] fb;
  private float[] fc;

  @Setup(Level.Trial)
  public void setUp() {
    allocator = new RootAllocator();
    Tessera np = Tessera.using(allocator);
    DType t = DType.of(dtype);
    a = np.empty(t, n, n);
    b = np.empty(t, n, n);
    c = np.empty(t, n, n);
    long count = (long) n * n;
    for (long i = 0; i < count; i++) {
      double va = ((i * 2654435761L) & 0xFFFF) / 65536.0 - 0.5;
      double vb = ((i * 40503L + 7) & 0xFFFF) / 65536.0 - 0.5;
      if (t == DType.FLOAT64) {
        Raw.putDouble(a.dataAddress() + 8 * i, va);
        Raw.putDouble(b.dataAddress() + 8 * i, vb);
      } else {
        Raw.putFloat(a.dataAddress() + 4 * i, (float) va);
        Raw.putFloat(b.dataAddress() + 4 * i, (float) vb);
      }
    }
    blas = impl.equals("java") ? Blas.javaInstance() : Blas.instance();
    int len = n * n;
    if (t == DType.FLOAT64) {
      ha = new double[len];
      hb = new double[len];
      hc = new double[len];
      Raw.copyToHeap(a.dataAddress(), ha, 0, 8L * len);
      Raw.copyToHeap(b.dataAddress(), hb, 0, 8L * len);
    } else {
      fa = new float[len];
      fb = new float[len];
      fc = new float[len];
      Raw.copyToHeap(a.dataAddress(), fa, 0, 4L * len);
      Raw.copyToHeap(b.dataAddress(), fb, 0, 4L * len);
    }
    System.out.println("\n" + Blas.describe());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    a.close();
    b.close();
    c.close();
    allocator.close();
  }

  @Benchmark
  public NDArray matmul() {
    return Blas.using(blas, () -> Linalg.matmul(a, b, c));
  }

  @Benchmark
  public Object heapGemm() {
    // row-major C = A·B is column-major C^T = B^T·A^T: pass B first, both 'N'
    if (ha != null) {
      Blas.using(blas, () -> {
        Blas.dgemm('N', 'N', n, n, n, 1.0, hb, 0, n, ha, 0, n, 0.0, hc, 0, n);
        return null;
      });
      return hc;
    }
    Blas.using(blas, () -> {
      Blas.sgemm('N', 'N', n, n, n, 1.0f, fb, 0, n, fa, 0, n, 0.0f, fc, 0, n);
      return null;
    });
    return fc;
  }
}
