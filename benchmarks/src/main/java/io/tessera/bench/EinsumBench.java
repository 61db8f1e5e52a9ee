package io.tessera.bench;

import io.tessera.Tessera;
import io.tessera.linalg.Einsum;
import io.tessera.linalg.EinsumOptions;
import io.tessera.ndarray.NDArray;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import io.tessera.memory.BufferPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * einsum against the targets (Tessera time / NumPy time, NumPy 2.4 with OpenBLAS):
 *
 * <ul>
 *   <li>{@code chain}: {@code 'ij,jk,kl->il'} on (1000,50), (50,1000), (1000,50) float64 with
 *       optimize=True: the greedy path contracts jk,kl first (a 50×50 intermediate), then one
 *       1000×50×50 GEMM; NumPy 0.26 ms, target ≤ 1.2×;
 *   <li>{@code batchMatmul}: {@code 'bij,bjk->bik'} on two (64,256,256) float64: 64 DGEMMs of
 *       256³ on strided views, target ≤ 1.0×;
 *   <li>{@code outer3} / {@code outer3NoOptimize}: {@code 'i,j,k->ijk'}, 200 each: a 64 MB result
 *       written once by the one-pass loop on all threads (both settings run the same single step,
 *       as in NumPy), target ≤ 0.5×.
 * </ul>
 *
 * The NumPy statements: {@code np.einsum('ij,jk,kl->il', a, b, c, optimize=True)} and likewise;
 * the side-by-side table ({@code io.tessera.bench.sbs.EinsumWorkloads}) times both in one run.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar EinsumBench}.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-XX:MaxDirectMemorySize=2g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class EinsumBench {
  private static final EinsumOptions OPT = EinsumOptions.optimized();

  private BufferAllocator allocator;
  private NDArray a;
  private NDArray b;
  private NDArray c;
  private NDArray x;
  private NDArray y;
  private NDArray u;
  private NDArray v;
  private NDArray w;

  private static NDArray data(Tessera np, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    try (NDArray flat = np.linspace(0, 1, n)) {
      return flat.reshape(shape); // a view: keeps the buffer after flat is closed
    }
  }

  @Setup
  public void setUp() {
    // as the side-by-side table: large buffers recycled (no first-touch page faults per call)
    allocator = BufferPool.newRootAllocator(Long.MAX_VALUE, 1L << 30);
    Tessera np = Tessera.using(allocator);
    a = data(np, 1000, 50);
    b = data(np, 50, 1000);
    c = data(np, 1000, 50);
    x = data(np, 64, 256, 256);
    y = data(np, 64, 256, 256);
    u = np.linspace(0, 1, 200);
    v = np.linspace(1, 2, 200);
    w = np.linspace(2, 3, 200);
  }

  @TearDown
  public void tearDown() {
    for (NDArray arr : new NDArray[] {a, b, c, x, y, u, v, w}) {
      arr.close();
    }
    allocator.close();
  }

  @Benchmark
  public double chain() {
    try (NDArray r = Einsum.einsum("ij,jk,kl->il", OPT, a, b, c)) {
      return r.getDouble(0, 0);
    }
  }

  @Benchmark
  public double batchMatmul() {
    try (NDArray r = Einsum.einsum("bij,bjk->bik", OPT, x, y)) {
      return r.getDouble(0, 0, 0);
    }
  }

  @Benchmark
  public double outer3() {
    try (NDArray r = Einsum.einsum("i,j,k->ijk", OPT, u, v, w)) {
      return r.getDouble(0, 0, 0);
    }
  }

  @Benchmark
  public double outer3NoOptimize() {
    try (NDArray r = Einsum.einsum("i,j,k->ijk", u, v, w)) {
      return r.getDouble(0, 0, 0);
    }
  }
}
