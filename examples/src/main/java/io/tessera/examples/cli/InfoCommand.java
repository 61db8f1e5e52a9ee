package io.tessera.examples.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tessera info FILE}: the debug report of an array file without loading its data. */
@Command(name = "info", mixinStandardHelpOptions = true,
    header = "Describe an array file without loading it.",
    description = {"Print the debug report of a .npy, .npz, Arrow IPC file or stream, or Zarr "
        + "array without loading its data: format and header, shape, dtype, order, strides, "
        + "nbytes, the Arrow schema with its arrow.fixed_shape_tensor metadata, the Zarr chunk "
        + "grid, and the flags of the array as a memory map (a view of the file)."})
final class InfoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "A .npy, .npz, Arrow IPC file "
      + "or Zarr array directory (the format is read from the first bytes).")
  Path file;

  @Option(names = "--member", paramLabel = "NAME",
      description = "Only this .npz member, or this Arrow IPC field.")
  String member;

  @Override
  public Integer call() throws Exception {
    ArrayFormat f = ArrayFormat.detect(file);
    if (member != null && (f == ArrayFormat.NPY || f == ArrayFormat.ZARR)) {
      throw new CliException("--member applies to .npz archives and Arrow IPC fields; " + file
          + " holds one array", Errors.USAGE, null);
    }
    String report;
    try (BufferAllocator allocator = Allocators.root()) {
      switch (f) {
        case NPY: report = NpyInfo.npy(file, allocator); break;
        case NPZ: report = NpyInfo.npz(file, member, allocator); break;
        case ARROW: report = IpcInfo.report(file, false, member, allocator); break;
        case ARROWS: report = IpcInfo.report(file, true, member, allocator); break;
        case ZARR: report = ZarrSupport.info(file, allocator); break;
        default: throw new AssertionError(f);
      }
    }
    spec.commandLine().getOut().print(report);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
