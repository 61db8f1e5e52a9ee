package io.tessera.bench.sbs;

import static io.tessera.bench.sbs.Workload.timed;

import io.tessera.io.npy.MapMode;
import io.tessera.io.npy.MemoryMap;
import io.tessera.io.npy.NpyReader;
import io.tessera.io.npy.NpyWriter;
import io.tessera.ndarray.NDArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * .npy rows: writing and reading 1 GiB (np.save / np.load), and opening a memory map
 * (np.load(mmap_mode='r')). Files live in the temp directory; both sides use their own file.
 */
final class IoWorkloads {
  private IoWorkloads() {}

  static final long N = 1L << 27; // 1 GiB of float64

  static List<Workload> rows() {
    List<Workload> w = new ArrayList<>();
    w.add(new Workload("np.save of 1 GiB float64", false, 1.0, 8L * N, np -> {
      Path f = Files.createTempFile("tessera-bench", ".npy");
      NDArray a = np.linspace(0, 1, N);
      return timed(() -> NpyWriter.write(f, a), a, () -> Files.deleteIfExists(f));
    }, "import tempfile, os; a = np.linspace(0, 1, " + N + "); "
        + "f = tempfile.mktemp(suffix='.npy')", "np.save(f, a)"));
    w.add(new Workload("np.load of 1 GiB float64", true, 1.0, 8L * N, np -> {
      Path f = Files.createTempFile("tessera-bench", ".npy");
      try (NDArray a = np.linspace(0, 1, N)) {
        NpyWriter.write(f, a);
      }
      return timed(() -> NpyReader.read(f, np.allocator()).close(), () -> Files.deleteIfExists(f));
    }, "import tempfile; f = tempfile.mktemp(suffix='.npy'); np.save(f, np.linspace(0, 1, " + N
        + "))", "b = np.load(f); del b"));
    w.add(new Workload("open a 1 GiB .npy as a read-only memory map", false, 0, 0, np -> {
      Path f = Files.createTempFile("tessera-bench", ".npy");
      try (NDArray a = np.linspace(0, 1, N)) {
        NpyWriter.write(f, a);
      }
      return timed(() -> MemoryMap.open(f, MapMode.R, np.allocator()).close(),
          () -> Files.deleteIfExists(f));
    }, "import tempfile; f = tempfile.mktemp(suffix='.npy'); np.save(f, np.linspace(0, 1, " + N
        + "))", "m = np.load(f, mmap_mode='r'); del m"));
    return w;
  }
}
