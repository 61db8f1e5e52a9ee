package io.tessera.examples.cli;

import io.tessera.Tessera;
import io.tessera.io.ipc.IpcFormat;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Shapes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;

/** Opens inputs as {@link SlabSource}s and outputs as {@link SlabSink}s, and streams one into the other. */
final class Converter {
  private Converter() {}

  /** What the user asked for besides the two paths. */
  record Options(String member, String name, boolean compress, long chunkBytes, Path tempDir) {}

  /** What was converted. */
  record Result(ArrayFormat from, ArrayFormat to, String array, long bytes) {}

  /** Opens {@code path} (of format {@code format}) for reading slab by slab. */
  static SlabSource open(Path path, ArrayFormat format, String member, Path tempDir,
      BufferAllocator allocator) throws IOException {
    switch (format) {
      case NPY:
        if (member != null) {
          throw new CliException("--member applies to .npz archives and Arrow IPC fields, not to "
              + path + " (a .npy file holds one array)", Errors.USAGE, null);
        }
        return new NpySource(path, allocator, null);
      case NPZ:
        return new NpzSource(path, member, tempDir, allocator);
      case ARROW:
        return new IpcSource(path, false, member, allocator);
      case ARROWS:
        return new IpcSource(path, true, member, allocator);
      case ZARR:
        return ZarrSupport.source(path, allocator);
      default:
        throw new AssertionError(format);
    }
  }

  /** Creates the output {@code path} in {@code format} for an array like {@code src}. */
  static SlabSink create(Path path, ArrayFormat format, SlabSource src, Options o,
      BufferAllocator allocator) throws IOException {
    String name = o.name() != null ? o.name() : src.arrayName();
    switch (format) {
      case NPY:
        return new NpySink(path, src.dtype(), src.shape(), src.fortran(), allocator);
      case NPZ:
        return new NpzSink(path, name != null ? name : "arr_0", o.compress(), src.dtype(),
            src.shape(), src.fortran(), allocator);
      case ARROW:
        return new IpcSink(path, IpcFormat.FILE, name != null ? name : "data", src.shape());
      case ARROWS:
        return new IpcSink(path, IpcFormat.STREAM, name != null ? name : "data", src.shape());
      case ZARR:
        return ZarrSupport.sink(path, src, o.chunkBytes(), allocator);
      default:
        throw new AssertionError(format);
    }
  }

  /**
   * Converts {@code in} to {@code out} in format {@code to} (null: from the output's extension),
   * reporting bytes done to {@code progress}. A failed conversion leaves no output behind.
   */
  static Result convert(Path in, Path out, ArrayFormat to, Options o, Progress.Factory progress)
      throws IOException {
    ArrayFormat from = ArrayFormat.detect(in);
    ArrayFormat target = to != null ? to : ArrayFormat.fromExtension(out);
    if (target == null) {
      throw new CliException("cannot tell the output format from '" + out.getFileName()
          + "': use --to (" + ArrayFormat.ids() + ") or an extension (.npy, .npz, .arrow, "
          + ".arrows, .zarr)", Errors.USAGE, null);
    }
    if (Files.exists(out) && Files.isSameFile(in, out)) {
      throw new CliException("the output " + out + " is the input", Errors.USAGE, null);
    }
    if (Files.isDirectory(out) && target != ArrayFormat.ZARR) {
      throw new CliException("the output " + out + " is a directory");
    }
    if (o.name() != null && target == ArrayFormat.NPY) {
      throw new CliException("--name applies to .npz members and Arrow IPC fields, not to .npy "
          + "output", Errors.USAGE, null);
    }
    try (BufferAllocator allocator = Allocators.root();
         SlabSource src = open(in, from, o.member(), o.tempDir(), allocator)) {
      long total = io.tessera.memory.MemoryBudget.bytesOf(src.shape(), src.dtype());
      String array = Shapes.format(src.shape()) + " " + src.dtype();
      try (SlabSink sink = create(out, target, src, o, allocator);
           Progress p = progress.start("convert " + in.getFileName() + " -> "
               + out.getFileName(), total, "bytes")) {
        NDArray whole = src.whole();
        if (sink.prefersWhole() && whole != null) {
          sink.finish(whole);
        } else {
          long[] done = {0};
          long[] rowsSeen = {0};
          src.forEachSlab(o.chunkBytes(), (slab, row0) -> {
            sink.write(slab, row0);
            done[0] += slab.nbytes();
            rowsSeen[0] += slab.ndim() == 0 ? 1 : slab.shape(0);
            p.update(done[0]);
          });
          if (rowsSeen[0] == 0) { // an empty array: give the sink its shape once
            try (NDArray empty = Tessera.using(allocator).empty(src.dtype(), src.shape())) {
              sink.write(empty, 0);
            }
          }
          sink.finish(null);
          p.done(done[0]);
        }
      }
      return new Result(from, target, array, total);
    }
  }
}
