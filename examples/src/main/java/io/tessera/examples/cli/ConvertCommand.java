package io.tessera.examples.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tessera convert IN OUT}: between .npy, .npz, Arrow IPC and Zarr, streamed. */
@Command(name = "convert", mixinStandardHelpOptions = true,
    header = "Convert between .npy, .npz, Arrow IPC and Zarr, streamed.",
    description = {"Convert an array between .npy, .npz, Arrow IPC (file or stream) and Zarr v2, "
        + "slab by slab along axis 0, so memory stays bounded by --chunk-bytes (inputs are "
        + "memory-mapped where the format allows).",
        "",
        "Arrow IPC holds an N-d array (N >= 2) as an arrow.fixed_shape_tensor column, row i = "
        + "a[i], and a 1-D array as one primitive column; reading several primitive columns "
        + "gives a (rows, columns) matrix. The input format is read from the file's first "
        + "bytes; the output format from --to or OUT's extension: .npy, .npz, .arrow, "
        + ".arrows (IPC stream), .zarr."})
final class ConvertCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "IN", description = "The input array file (or Zarr "
      + "directory).")
  Path in;

  @Parameters(index = "1", paramLabel = "OUT", description = "The output (overwritten).")
  Path out;

  @Option(names = "--to", paramLabel = "FORMAT",
      description = "Output format: npy, npz, arrow (IPC file), arrows (IPC stream), zarr. "
          + "Default: from OUT's extension.")
  String to;

  @Option(names = "--member", paramLabel = "NAME",
      description = "The input array to convert: an .npz member or an Arrow IPC field "
          + "(required when there are several).")
  String member;

  @Option(names = "--name", paramLabel = "NAME",
      description = "The array's name in the output: .npz member (default: the input's name or "
          + "arr_0) or Arrow IPC field (default: the input's name or data).")
  String name;

  @Option(names = "--compress", description = "Deflate .npz members (np.savez_compressed).")
  boolean compress;

  @Option(names = "--chunk-bytes", paramLabel = "SIZE", converter = Sizes.Converter.class,
      defaultValue = "64m",
      description = "At most this much per slab (and per Arrow record batch / Zarr chunk): "
          + "e.g. 16m, 1g. Default: ${DEFAULT-VALUE}.")
  long chunkBytes;

  @Option(names = "--quiet", description = "No progress line.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    ArrayFormat target = to == null ? null : ArrayFormat.ofId(to);
    Progress.Factory progress = Progress.Factory.of(spec.commandLine().getErr(),
        quiet ? Progress.Mode.OFF : Progress.detect());
    Path temp = out.toAbsolutePath().getParent();
    Converter.Result r = Converter.convert(in, out, target,
        new Converter.Options(member, name, compress, chunkBytes, temp), progress);
    spec.commandLine().getOut().printf("%s (%s) -> %s (%s): %s, %s%n", in, r.from().id(), out,
        r.to().id(), r.array(), Sizes.format(r.bytes()));
    return 0;
  }
}
