package io.tessera.examples.cli;

import io.tessera.io.zarr.LocalZarrStore;
import io.tessera.io.zarr.Zarr;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;

/** Zarr v2 arrays ({@link io.tessera.io.zarr}) for the commands: info, source and sink. */
final class ZarrSupport {
  private ZarrSupport() {}

  static SlabSource source(Path path, BufferAllocator allocator) throws IOException {
    return new ZarrSource(path, allocator);
  }

  static SlabSink sink(Path path, SlabSource src, long chunkBytes, BufferAllocator allocator)
      throws IOException {
    return new ZarrSink(path, src.dtype(), src.shape(), src.fortran(), chunkBytes, allocator);
  }

  /** The metadata report (nothing but {@code .zarray}, {@code .zattrs} and the key list read). */
  static String info(Path path, BufferAllocator allocator) throws IOException {
    try (LocalZarrStore store = LocalZarrStore.of(path)) {
      Report r = new Report();
      r.title(path + ": " + Zarr.describe(store).strip());
      io.tessera.io.zarr.ZarrMetadata m = Zarr.readMetadata(store);
      r.title("as NumPy would hold it in memory (np.asarray(zarr_array)):");
      r.arrayFromMetadata(1, m.dtype(), m.shape(), m.order() == io.tessera.ndarray.Order.F);
      return r.toString();
    }
  }
}
