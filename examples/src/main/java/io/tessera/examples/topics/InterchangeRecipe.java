package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.io.ipc.ArrowIpc;
import io.tessera.io.ipc.IpcFormat;
import io.tessera.io.npy.MapMode;
import io.tessera.io.npy.NpyReader;
import io.tessera.io.npy.NpyWriter;
import io.tessera.io.npy.Npz;
import io.tessera.io.zarr.LocalZarrStore;
import io.tessera.io.zarr.Zarr;
import io.tessera.io.zarr.ZarrWriteOptions;
import io.tessera.ndarray.NDArray;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The README's Python interchange recipe (not a topic of the guide, so not in {@link Topics}):
 * {@link #write} saves one float32 (3, 4) array as {@code .npy}, {@code .npz}, Zarr v2 and Arrow
 * IPC for NumPy; {@code examples/python/interchange.py} loads them and writes {@code
 * from_numpy.npy}, which {@link #readBack} reads, once into memory and once memory-mapped.
 */
public final class InterchangeRecipe {
  private InterchangeRecipe() {}

  /** Writes {@code a.npy}, {@code pair.npz}, {@code a.zarr/} and {@code a.arrow} into {@code dir}. */
  public static void write(Path dir, BufferAllocator alloc, PrintStream out) throws IOException {
    Tessera np = Tessera.using(alloc);
    try (NDArray r = np.arange(0, 12, 1, DType.FLOAT32);
        NDArray a = r.reshape(3, 4)) {
      NpyWriter.write(dir.resolve("a.npy"), a);                          // np.save's bytes exactly
      try (NDArray t = a.T()) {                                           // an F-ordered view
        Npz.save(dir.resolve("pair.npz"), Map.of("a", a, "t", t));       // np.savez, written as is
      }
      Zarr.write(a, LocalZarrStore.of(dir.resolve("a.zarr")), new long[] {2, 4},
          ZarrWriteOptions.defaults());                          // zarr.open("a.zarr")
      ArrowIpc.writeTensors(dir.resolve("a.arrow"), "tensor", a, IpcFormat.FILE); // pyarrow
      out.println("wrote a.npy, pair.npz, a.zarr, a.arrow: " + a.dtype() + " "
          + Print.tuple(a.shape()));
    }
  }

  /** Reads {@code from_numpy.npy} (written by NumPy) into memory and as a read-only memory map. */
  public static void readBack(Path dir, BufferAllocator alloc, PrintStream out) throws IOException {
    Path p = dir.resolve("from_numpy.npy");
    try (NDArray b = NpyReader.read(p, alloc);                          // np.load(p)
         NDArray m = NpyReader.load(p, MapMode.R, alloc);               // np.load(p, mmap_mode="r")
        NDArray s = m.sum()) {
      out.println("from_numpy.npy: " + b.dtype() + " " + Print.tuple(b.shape()) + " F_CONTIGUOUS "
          + b.isFContiguous() + ", b[1, 2] = " + b.getDouble(1, 2) + "; mapped: writeable "
          + m.isWriteable() + ", sum " + s.getDouble());
    }
  }
}
