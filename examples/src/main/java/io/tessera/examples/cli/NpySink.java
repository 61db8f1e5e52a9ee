package io.tessera.examples.cli;

import io.tessera.dtype.DType;
import io.tessera.index.Index;
import io.tessera.io.npy.MemoryMap;
import io.tessera.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Writes a {@code .npy} file through a memory map created for the whole array ({@code
 * np.lib.format.open_memmap(mode='w+')}): each slab is assigned into its rows, so any memory
 * order (C or Fortran) is written without holding more than a slab.
 */
final class NpySink implements SlabSink {
  private final Path path;
  private final MemoryMap map;
  private boolean finished;

  NpySink(Path path, DType dtype, long[] shape, boolean fortran, BufferAllocator allocator)
      throws IOException {
    this.path = path;
    this.map = MemoryMap.create(path, dtype, shape, fortran, allocator);
  }

  @Override
  public void write(NDArray slab, long row0) {
    NDArray out = map.array();
    if (out.ndim() == 0) {
      out.assign(slab);
      return;
    }
    try (NDArray rows = out.get(Index.slice(row0, row0 + slab.shape(0)))) {
      rows.assign(slab);
    }
  }

  @Override
  public void finish(NDArray whole) throws IOException {
    map.flush();
    finished = true;
  }

  @Override
  public void close() throws IOException {
    map.close();
    if (!finished) {
      Files.deleteIfExists(path);
    }
  }
}
