package io.tessera.examples.cli;

import io.tessera.Tessera;
import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.io.zarr.LocalZarrStore;
import io.tessera.io.zarr.Zarr;
import io.tessera.io.zarr.ZarrMetadata;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A Zarr v2 array as slabs: each band of chunks along axis 0 (further cut by the slab size) is
 * assembled from its chunks as they are decoded, so memory holds one slab and the chunks it
 * overlaps. Nothing but the metadata is read until the slabs are asked for.
 */
final class ZarrSource implements SlabSource {
  private final Path path;
  private final LocalZarrStore store;
  private final ZarrMetadata meta;
  private final ChunkedArray array;
  private final Tessera np;

  ZarrSource(Path path, BufferAllocator allocator) throws IOException {
    this.path = path;
    this.store = LocalZarrStore.of(path);
    try {
      this.meta = Zarr.readMetadata(store);
      this.array = Zarr.open(store, meta);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    this.np = Tessera.using(allocator);
  }

  @Override
  public String name() {
    return path.toString();
  }

  @Override
  public DType dtype() {
    return meta.dtype();
  }

  @Override
  public long[] shape() {
    return meta.shape();
  }

  @Override
  public boolean fortran() {
    return meta.order() == Order.F && meta.ndim() > 1;
  }

  @Override
  public String arrayName() {
    return null;
  }

  @Override
  public NDArray whole() {
    return null;
  }

  @Override
  public void forEachSlab(long maxBytes, SlabConsumer consumer) throws IOException {
    long[] shape = meta.shape();
    if (shape.length == 0) {
      try (NDArray a = array.toArray(np)) {
        consumer.accept(a, 0);
      }
      return;
    }
    Chunks grid = meta.grid();
    long[] bounds = grid.boundaries(0);
    long step = SlabSource.rowsPerSlab(shape, meta.dtype(), maxBytes);
    for (int band = 0; band + 1 < bounds.length; band++) {
      for (long r = bounds[band]; r < bounds[band + 1]; r += step) {
        long rows = Math.min(step, bounds[band + 1] - r);
        long[] offsets = new long[shape.length];
        long[] size = shape.clone();
        offsets[0] = r;
        size[0] = rows;
        try (NDArray slab = array.region(np, offsets, size)) {
          consumer.accept(slab, r);
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    try {
      array.close();
    } finally {
      store.close();
    }
  }
}
