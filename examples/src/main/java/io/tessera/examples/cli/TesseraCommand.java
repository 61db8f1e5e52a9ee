package io.tessera.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code tessera} command: prints its usage; the work is in the subcommands. */
@Command(name = "tessera", mixinStandardHelpOptions = true,
    versionProvider = TesseraCommand.Version.class,
    description = "NumPy's memory model on the JVM: chunked N-dimensional arrays over Arrow "
        + "memory, with .npy/.npz/Arrow IPC interchange and Spark.",
    subcommands = {TourCommand.class, InfoCommand.class, ConvertCommand.class, RunCommand.class,
        BenchCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Examples:",
        "  tessera tour                        the guide's practices, example by example",
        "  tessera info data.npy               header, strides, flags; nothing loaded",
        "  tessera convert a.npy a.arrow       .npy -> Arrow IPC, streamed",
        "  tessera run                         a demo job on Spark local[*]",
        "  tessera bench --quick               a few side-by-side rows against NumPy",
        "", "Set TESSERA_DEBUG=1 to see stack traces of failures."})
public final class TesseraCommand implements Runnable {
  /** The version printed by {@code --version}. */
  public static final String VERSION = "0.1.0-SNAPSHOT";

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code tessera --version}: ours, then the Java and Spark the jar runs with. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"tessera " + VERSION,
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name")
              + ")",
          "Spark " + sparkVersion() + ", Scala " + scala.util.Properties.versionNumberString()};
    }

    private static String sparkVersion() {
      try {
        return org.apache.spark.package$.MODULE$.SPARK_VERSION();
      } catch (RuntimeException | LinkageError e) {
        return "unknown";
      }
    }
  }
}
