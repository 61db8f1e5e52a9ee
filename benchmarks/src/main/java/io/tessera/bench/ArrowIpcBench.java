package io.tessera.bench;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.io.ipc.ArrowIpcFile;
import io.tessera.io.ipc.ArrowIpcStreamReader;
import io.tessera.io.ipc.ArrowIpcWriter;
import io.tessera.io.ipc.IpcBatch;
import io.tessera.io.ipc.IpcFormat;
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
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Arrow IPC throughput on 1 GiB of tensors: {@code (1024, 512, 512)} float32, one record batch.
 *
 * <ul>
 *   <li>{@code writeFile}, {@code writeStream}: ndarray to file (page cache), straight from the
 *       array's buffer;
 *   <li>{@code readStream}: a stream file read into allocator memory (one copy, the read itself);
 *   <li>{@code mapOpenView}: zero-copy: map the file, parse footer and batch metadata, make the
 *       ndarray view; no data byte is read, so the time does not depend on the size;
 *   <li>{@code mapScan}: the view plus a pass over every byte (page-cache bandwidth through the
 *       mapping).
 * </ul>
 *
 * GB/s = 1.074 / (seconds per op) for the 1 GiB operations. Run: {@code java -jar
 * benchmarks/target/benchmarks.jar ArrowIpcBench}; files go to {@code -Dtessera.bench.dir}
 * (default: the temp directory), about 2 GiB.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.nio=ALL-UNNAMED",
    "-XX:MaxDirectMemorySize=6g", "-Xmx2g"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class ArrowIpcBench {
  static final long[] SHAPE = {1024, 512, 512};

  private BufferAllocator allocator;
  private NDArray data;
  private Path dir;
  private Path file;
  private Path stream;
  private Path out;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    allocator = new RootAllocator();
    data = Tessera.using(allocator).empty(DType.FLOAT32, SHAPE);
    // cheap non-constant fill: a long pattern over the whole buffer
    long n = data.nbytes() / 8;
    for (long i = 0; i < n; i++) {
      Raw.putLong(data.dataAddress() + 8 * i, i * 0x9E3779B97F4A7C15L);
    }
    dir = Files.createTempDirectory(Path.of(System.getProperty("tessera.bench.dir",
        System.getProperty("java.io.tmpdir"))), "arrow-ipc-bench");
    file = dir.resolve("in.arrow");
    stream = dir.resolve("in.arrows");
    out = dir.resolve("out.arrow");
    try (ArrowIpcWriter w = ArrowIpcWriter.create(file, IpcFormat.FILE)) {
      w.writeTensors("t", data);
    }
    try (ArrowIpcWriter w = ArrowIpcWriter.create(stream, IpcFormat.STREAM)) {
      w.writeTensors("t", data);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    data.close();
    allocator.close();
    Files.deleteIfExists(file);
    Files.deleteIfExists(stream);
    Files.deleteIfExists(out);
    Files.deleteIfExists(dir);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public long writeFile() {
    try (ArrowIpcWriter w = ArrowIpcWriter.create(out, IpcFormat.FILE)) {
      w.writeTensors("t", data);
      return w.bytesWritten();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public long writeStream() {
    try (ArrowIpcWriter w = ArrowIpcWriter.create(out, IpcFormat.STREAM)) {
      w.writeTensors("t", data);
      return w.bytesWritten();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public double readStream() {
    try (ArrowIpcStreamReader r = ArrowIpcStreamReader.open(stream, allocator);
         NDArray t = r.readTensor("t")) {
      return t.getDouble(1023, 511, 511);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public double mapOpenView() {
    try (ArrowIpcFile f = ArrowIpcFile.map(file, allocator);
         IpcBatch b = f.batch(0);
         NDArray t = b.tensor("t")) {
      return t.getDouble(1023, 511, 511);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public long mapScan() {
    try (ArrowIpcFile f = ArrowIpcFile.map(file, allocator);
         IpcBatch b = f.batch(0);
         NDArray t = b.tensor("t")) {
      long address = t.dataAddress();
      long words = t.nbytes() / 8;
      long acc = 0;
      for (long i = 0; i < words; i++) {
        acc += Raw.getLong(address + 8 * i);
      }
      return acc;
    }
  }
}
