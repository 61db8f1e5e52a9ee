package io.tessera.examples.cli;

import io.tessera.dtype.DType;
import io.tessera.io.npy.MapMode;
import io.tessera.io.npy.MemoryMap;
import io.tessera.io.npy.Npz;
import io.tessera.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Writes a one-member {@code .npz} archive ({@code np.savez}, or {@code np.savez_compressed} when
 * compressing). The archive is written from one array: the input's own view when it has one (a
 * memory-mapped {@code .npy}), else the slabs are first assembled in a temporary memory-mapped
 * {@code .npy} next to the output, deleted afterwards.
 */
final class NpzSink implements SlabSink {
  private final Path path;
  private final String member;
  private final boolean compressed;
  private final BufferAllocator allocator;
  private final DType dtype;
  private final long[] shape;
  private final boolean fortran;
  private Path temp;
  private NpySink staging;
  private boolean finished;

  NpzSink(Path path, String member, boolean compressed, DType dtype, long[] shape,
      boolean fortran, BufferAllocator allocator) {
    this.path = path;
    this.member = member;
    this.compressed = compressed;
    this.allocator = allocator;
    this.dtype = dtype;
    this.shape = shape;
    this.fortran = fortran;
  }

  @Override
  public boolean prefersWhole() {
    return true;
  }

  @Override
  public void write(NDArray slab, long row0) throws IOException {
    if (staging == null) {
      Path dir = path.toAbsolutePath().getParent();
      temp = Files.createTempFile(dir, "." + path.getFileName() + "-", ".npy");
      staging = new NpySink(temp, dtype, shape, fortran, allocator);
    }
    staging.write(slab, row0);
  }

  @Override
  public void finish(NDArray whole) throws IOException {
    if (whole != null && staging == null) {
      save(whole);
    } else {
      if (staging == null) { // no slabs: an empty array
        write(emptySlab(), 0);
      }
      staging.finish(null);
      staging.close();
      staging = null;
      try (MemoryMap m = MemoryMap.open(temp, MapMode.R, allocator)) {
        save(m.array());
      }
    }
    finished = true;
  }

  private NDArray emptySlab() {
    return io.tessera.Tessera.using(allocator).empty(dtype, shape);
  }

  private void save(NDArray a) throws IOException {
    if (compressed) {
      Npz.saveCompressed(path, Map.of(member, a));
    } else {
      Npz.save(path, Map.of(member, a));
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (staging != null) {
        staging.close();
      }
    } finally {
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
      if (!finished) {
        Files.deleteIfExists(path);
      }
    }
  }
}
