package io.tessera.examples.cli;

import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;

/** Zarr v2 arrays (io.tessera.io.zarr) as slab sources and sinks. */
final class ZarrSupport {
  private ZarrSupport() {}

  static SlabSource source(Path path, BufferAllocator allocator) {
    throw new CliException(path + ": Zarr arrays are not supported by this build yet");
  }

  static SlabSink sink(Path path, SlabSource src, long chunkBytes, BufferAllocator allocator) {
    throw new CliException(path + ": Zarr arrays are not supported by this build yet");
  }

  static String info(Path path, BufferAllocator allocator) {
    throw new CliException(path + ": Zarr arrays are not supported by this build yet");
  }
}
