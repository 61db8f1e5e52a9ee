package io.tessera.examples.cli;

import io.tessera.dtype.DType;
import io.tessera.io.npy.MapMode;
import io.tessera.io.npy.MemoryMap;
import io.tessera.io.npy.NpyHeader;
import io.tessera.io.npy.NpyReader;
import io.tessera.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A {@code .npy} file as slabs: a read-only memory map (nothing is read until a slab is touched),
 * or for big-endian files, which cannot be mapped as native arrays, the array read and byte-swapped
 * into memory.
 */
final class NpySource implements SlabSource {
  private final Path path;
  private final NpyHeader header;
  private final MemoryMap map;
  private final NDArray array;
  private final String arrayName;

  NpySource(Path path, BufferAllocator allocator, String arrayName) throws IOException {
    this.path = path;
    this.arrayName = arrayName;
    this.header = NpyReader.readHeader(path);
    if (header.needsSwap()) {
      this.map = null;
      this.array = NpyReader.read(path, allocator);
    } else {
      this.map = MemoryMap.open(path, MapMode.R, allocator);
      this.array = map.array();
    }
  }

  NpyHeader header() {
    return header;
  }

  /** Whether the data are a memory map (false: read into memory). */
  boolean mapped() {
    return map != null;
  }

  @Override
  public String name() {
    return path.toString();
  }

  @Override
  public DType dtype() {
    return header.dtype();
  }

  @Override
  public long[] shape() {
    return header.shape();
  }

  @Override
  public boolean fortran() {
    return header.fortranOrder();
  }

  @Override
  public String arrayName() {
    return arrayName;
  }

  @Override
  public NDArray whole() {
    return array;
  }

  @Override
  public void forEachSlab(long maxBytes, SlabConsumer consumer) throws IOException {
    SlabSource.slabsOf(array, 0, maxBytes, consumer);
  }

  @Override
  public void close() {
    if (map != null) {
      map.close();
    } else {
      array.close();
    }
  }
}
