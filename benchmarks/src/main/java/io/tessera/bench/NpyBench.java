package io.tessera.bench;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.io.npy.MapMode;
import io.tessera.io.npy.MemoryMap;
import io.tessera.io.npy.NpyReader;
import io.tessera.io.npy.NpyWriter;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
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
 * {@code .npy} throughput on 1 GiB: a {@code (16384, 8192)} float64 array.
 *
 * <ul>
 *   <li>{@code write}: {@code np.save}: header, then the buffer straight to the file channel;
 *   <li>{@code writeStrided}: a non-contiguous view ({@code [:, ::2]}, 512 MiB) gathered in C order
 *       through the 1 MiB scratch buffer;
 *   <li>{@code read}: {@code np.load}: the file channel reads straight into fresh Arrow memory;
 *   <li>{@code mmapOpen}: {@code np.load(mmap_mode='r')}: header, map, wrap; no data byte is read,
 *       so the time does not depend on the size;
 *   <li>{@code mmapScan}: the map plus a pass over every element (page-cache bandwidth).
 * </ul>
 *
 * The NumPy equivalents for comparison: {@code np.save(f, a)}, {@code np.load(f)}, {@code
 * np.load(f, mmap_mode='r')}. GB/s = 1.074 / (seconds per op) for the 1 GiB operations. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar NpyBench}; files go to {@code
 * -Dtessera.bench.dir} (default: the temp directory), about 2.5 GiB.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-XX:MaxDirectMemorySize=6g", "-Xmx2g"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class NpyBench {
  static final long[] SHAPE = {16384, 8192};

  private BufferAllocator allocator;
  private NDArray data;
  private NDArray strided;
  private Path dir;
  private Path file;
  private Path out;

  @Setup
  public void setUp() throws IOException {
    allocator = new RootAllocator();
    data = Tessera.using(allocator).empty(DType.FLOAT64, SHAPE);
    long n = data.size();
    long a = data.dataAddress();
    for (long i = 0; i < n; i++) {
      Raw.putDouble(a + 8 * i, i * 0.5);
    }
    strided = data.get(":, ::2");
    String base = System.getProperty("tessera.bench.dir", System.getProperty("java.io.tmpdir"));
    dir = Files.createTempDirectory(Path.of(base), "npybench");
    file = dir.resolve("data.npy");
    out = dir.resolve("out.npy");
    NpyWriter.write(file, data);
  }

  @TearDown
  public void tearDown() throws IOException {
    strided.close();
    data.close();
    allocator.close();
    Files.deleteIfExists(file);
    Files.deleteIfExists(out);
    Files.deleteIfExists(dir);
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public void write() throws IOException {
    NpyWriter.write(out, data);
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public void writeStrided() throws IOException {
    NpyWriter.write(out, strided);
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public long read() throws IOException {
    try (NDArray a = NpyReader.read(file, allocator)) {
      return a.size();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public long mmapOpen() throws IOException {
    try (MemoryMap m = MemoryMap.open(file, MapMode.R, allocator)) {
      return m.array().dataAddress();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public double mmapScan() throws IOException {
    try (MemoryMap m = MemoryMap.open(file, MapMode.R, allocator)) {
      long a = m.array().dataAddress();
      long n = m.array().size();
      double s = 0;
      for (long i = 0; i < n; i++) {
        s += Raw.getDouble(a + 8 * i);
      }
      return s;
    }
  }
}
