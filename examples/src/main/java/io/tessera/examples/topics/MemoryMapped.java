package io.tessera.examples.topics;

import io.tessera.dtype.DType;
import io.tessera.io.npy.MapMode;
import io.tessera.io.npy.MemoryMap;
import io.tessera.ndarray.NDArray;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 2.5: {@code np.memmap} / {@code np.lib.format.open_memmap}. {@link MemoryMap#create}
 * makes a {@code .npy} file and maps it (mode w+); the array's buffer is the mapping, so writes go
 * to the file and only the pages touched are read or written. Reopened in mode r it is read-only;
 * in mode c writes stay private. NumPy opens the same file with {@code np.load(path,
 * mmap_mode='r')}.
 */
public final class MemoryMapped {
  private MemoryMapped() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    try {
      Path dir = Files.createTempDirectory("tessera-memmap");
      try {
        run(out, dir.resolve("large_data.npy"), 1_000_000, 100);
      } finally {
        Files.deleteIfExists(dir.resolve("large_data.npy"));
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Maps a {@code rows x cols} float32 file at {@code file} (created, then reopened). */
  public static void run(PrintStream out, Path file, long rows, long cols) throws IOException {
    try (BufferAllocator alloc = new RootAllocator()) {
      try (MemoryMap fp = MemoryMap.create(file, DType.FLOAT32, new long[] {rows, cols}, false,
          alloc)) {
        NDArray a = fp.array();
        out.println("fp = MemoryMap.create(\"large_data.npy\", FLOAT32, (" + rows + ", " + cols
            + "), C order): " + Print.mb(a.nbytes()) + " mapped, mode " + fp.mode());
        out.println("the allocator counts the mapping: " + Print.mb(alloc.getAllocatedMemory())
            + "; file size on disk " + Print.mb(Files.size(file)) + " (sparse: "
            + "nothing written but the header yet)");
        try (NDArray row0 = a.get("0, :");
            NDArray last = a.get("-1, :5")) {
          row0.fill(1.0);
          last.fill(7.0);
        }
        fp.flush();
        out.println("fp[0, :] = 1.0; fp[-1, :5] = 7.0; fp.flush()");
      }
      out.println("after close: allocator holds " + alloc.getAllocatedMemory() + " bytes");
      try (MemoryMap r = MemoryMap.open(file, MapMode.R, alloc);
          NDArray row0 = r.array().get("0, :");
          NDArray s0 = row0.sum();
          NDArray last = r.array().get("-1, :5")) {
        out.println("reopened with mode r (np.load(mmap_mode='r')): shape "
            + Print.tuple(r.array().shape()) + ", writeable " + r.array().isWriteable()
            + ", sum(fp[0, :]) = " + s0.getDouble() + ", fp[-1, :5] = " + last);
      }
      try (MemoryMap c = MemoryMap.open(file, MapMode.C, alloc)) {
        c.array().setDouble(42.0, 0, 0);
        out.println("mode c (copy-on-write): wrote fp[0, 0] = "
            + c.array().getDouble(0, 0) + " in memory only");
      }
      try (MemoryMap r = MemoryMap.open(file, MapMode.R, alloc)) {
        out.println("the file still holds fp[0, 0] = " + r.array().getDouble(0, 0));
      }
      out.println("all maps closed (unmapped): allocator holds " + alloc.getAllocatedMemory()
          + " bytes");
    }
  }
}
