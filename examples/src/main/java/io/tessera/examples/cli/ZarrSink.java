package io.tessera.examples.cli;

import io.tessera.Tessera;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.index.Index;
import io.tessera.io.zarr.LocalZarrStore;
import io.tessera.io.zarr.Zarr;
import io.tessera.io.zarr.ZarrMetadata;
import io.tessera.io.zarr.ZarrWriteOptions;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Writes a Zarr v2 array (uncompressed, fill 0) chunked along axis 0 only: each chunk holds as
 * many whole rows as fit in the chunk size. Incoming slabs, whatever their row boundaries, are
 * copied into a one-chunk band buffer that is written when full, so memory holds one chunk.
 * Fortran-ordered input gives order "F" chunks. A failed conversion removes the directory if
 * this sink created it.
 */
final class ZarrSink implements SlabSink {
  private final Path path;
  private final boolean created;
  private final LocalZarrStore store;
  private final ZarrMetadata meta;
  private final Tessera np;
  private final long chunkRows;
  private final long[] shape;
  private NDArray band;
  private long bandIndex = -1;
  private long bandFilled;
  private boolean finished;

  ZarrSink(Path path, DType dtype, long[] shape, boolean fortran, long chunkBytes,
      BufferAllocator allocator) throws IOException {
    this.path = path;
    this.shape = shape.clone();
    this.created = !Files.exists(path);
    this.np = Tessera.using(allocator);
    long[] chunk = shape.clone();
    if (shape.length > 0) {
      chunk[0] = Math.max(1, Math.min(Math.max(1, shape[0]),
          SlabSource.rowsPerSlab(shape, dtype, chunkBytes)));
      for (int i = 1; i < chunk.length; i++) {
        chunk[i] = Math.max(1, chunk[i]);
      }
    }
    this.chunkRows = shape.length == 0 ? 1 : chunk[0];
    Files.createDirectories(path);
    this.store = LocalZarrStore.of(path);
    ZarrWriteOptions o = ZarrWriteOptions.defaults().withOverwrite(true)
        .withOrder(fortran ? Order.F : Order.C);
    this.meta = Zarr.metadataFor(Chunks.regular(shape, chunk), dtype, o, store.location());
    Zarr.create(store, meta, null, true);
  }

  @Override
  public void write(NDArray slab, long row0) {
    if (shape.length == 0) {
      Zarr.writeChunk(store, meta, new long[0], slab, np);
      return;
    }
    long n = slab.shape(0);
    long done = 0;
    while (done < n) {
      long row = row0 + done;
      long b = row / chunkRows;
      if (b != bandIndex) {
        flush();
        bandIndex = b;
        long rows = Math.min(chunkRows, shape[0] - b * chunkRows);
        long[] s = shape.clone();
        s[0] = rows;
        band = np.empty(meta.dtype(), s);
        bandFilled = 0;
      }
      long at = row - bandIndex * chunkRows;
      long take = Math.min(n - done, band.shape(0) - at);
      try (NDArray dst = band.get(Index.slice(at, at + take));
           NDArray src = slab.get(Index.slice(done, done + take))) {
        dst.assign(src);
      }
      bandFilled += take;
      done += take;
      if (bandFilled == band.shape(0)) {
        flush();
      }
    }
  }

  private void flush() {
    if (band == null) {
      return;
    }
    try {
      if (band.size() > 0) {
        long[] idx = new long[shape.length];
        idx[0] = bandIndex;
        Zarr.writeChunk(store, meta, idx, band, np);
      }
    } finally {
      band.close();
      band = null;
      bandIndex = -1;
    }
  }

  @Override
  public void finish(NDArray whole) {
    flush();
    finished = true;
  }

  @Override
  public void close() throws IOException {
    try {
      if (band != null) {
        band.close();
        band = null;
      }
      store.close();
    } finally {
      if (!finished && created) {
        try (Stream<Path> s = Files.walk(path)) {
          for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }
}
