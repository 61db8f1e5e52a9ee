package io.tessera.examples.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tessera bench}: the side-by-side comparison with NumPy. Runs the benchmarks module's
 * harness ({@code io.tessera.bench.sbs.SideBySide}: the same workloads in Tessera and in a NumPy
 * process, interleaved) in a child JVM started like {@code benchmarks/run-side-by-side.sh} (its JVM
 * flags, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for both sides), then draws its table as
 * PNG bar charts.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    header = "Compare Tessera with NumPy side by side (table + PNG charts).",
    description = {"Time the same workloads in Tessera and NumPy on this machine, interleaved in "
        + "one run (the side-by-side harness of benchmarks/run-side-by-side.sh), and write the "
        + "Markdown table (side-by-side.md) and PNG bar charts (ratios.png: Tessera time / "
        + "NumPy time; times.png) to --out. Needs python3 with NumPy. A full run takes tens of "
        + "minutes; --quick measures a few rows in well under a minute."})
final class BenchCommand implements Callable<Integer> {
  /** The rows --quick measures: cheap, and one of each kind (per-call, streaming, reduction). */
  static final String QUICK_ROWS = "^a \\+ b on 10 float64|^float64 a \\+ b \\(10M\\) into out="
      + "|^sum of float64 \\(10M\\)|^transposed copy";
  static final String HARNESS = "io.tessera.bench.sbs.SideBySide";

  @Spec
  CommandSpec spec;

  @Option(names = "--quick", description = "A few cheap rows, one round: a smoke run.")
  boolean quick;

  @Option(names = "--only", paramLabel = "REGEX",
      description = "Only the workloads whose name matches (Java regex, searched).")
  String only;

  @Option(names = "--rounds", paramLabel = "R", description = "Rounds of interleaved timing "
      + "(default 5; 1 with --quick).")
  Integer rounds;

  @Option(names = "--reps", paramLabel = "N", description = "Timed runs per side per round "
      + "(default 5; 3 with --quick).")
  Integer reps;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "tessera-bench",
      description = "Where the table and charts go (created). Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--heap", paramLabel = "SIZE", defaultValue = "8g",
      description = "The measuring JVM's -Xmx (the 1 GiB .npy rows need room). Default: "
          + "${DEFAULT-VALUE}.")
  String heap;

  @Override
  public Integer call() throws Exception {
    int r = rounds != null ? rounds : quick ? 1 : 5;
    int n = reps != null ? reps : quick ? 3 : 5;
    if (r < 1 || n < 1) {
      throw new CliException("--rounds and --reps must be positive", Errors.USAGE, null);
    }
    String filter = only != null ? only : quick ? QUICK_ROWS : null;
    if (filter != null) {
      try {
        java.util.regex.Pattern.compile(filter);
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new CliException("--only: not a regular expression: " + Errors.oneLine(
            e.getMessage()), Errors.USAGE, null);
      }
    }
    checkNumpy();
    Files.createDirectories(out);
    Path table = out.resolve("side-by-side.md");
    Files.deleteIfExists(table);
    PrintWriter err = spec.commandLine().getErr();
    runHarness(r, n, filter, table, err);
    if (!Files.exists(table)) {
      throw new CliException("the side-by-side run ended without writing " + table);
    }
    BenchTable t = BenchTable.parse(Files.readString(table, StandardCharsets.UTF_8));
    Path ratios = out.resolve("ratios.png");
    Path times = out.resolve("times.png");
    String title = "Tessera vs NumPy, side by side (" + t.rows().size() + " workloads)";
    BarChart.ratios(t.rows(), title, ratios);
    BarChart.times(t.rows(), title, times);
    PrintWriter o = spec.commandLine().getOut();
    o.print(Files.readString(table, StandardCharsets.UTF_8));
    o.println();
    o.println("wrote " + table + ", " + ratios + ", " + times);
    o.flush();
    return 0;
  }

  /** Fails with one line unless {@code python3 -c 'import numpy'} works. */
  static void checkNumpy() {
    String why;
    try {
      Process p = new ProcessBuilder("python3", "-c", "import numpy; print(numpy.__version__)")
          .redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        why = "python3 did not answer";
      } else if (p.exitValue() == 0) {
        return;
      } else {
        why = "python3 cannot import numpy (" + Errors.oneLine(text.lines()
            .reduce((a, b) -> b).orElse("")) + ")";
      }
    } catch (IOException e) {
      why = "no python3 on the PATH";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why = "interrupted";
    }
    throw new CliException("bench needs python3 with NumPy for the NumPy side: " + why);
  }

  private void runHarness(int r, int n, String filter, Path table, PrintWriter err)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.addAll(JvmFlags.FOR_ARROW);
    cmd.add("-cp");
    String jar = RunCommand.ownJar();
    cmd.add(jar != null ? jar : System.getProperty("java.class.path"));
    cmd.add(HARNESS);
    cmd.add("--rounds");
    cmd.add(Integer.toString(r));
    cmd.add("--reps");
    cmd.add(Integer.toString(n));
    if (filter != null) {
      cmd.add("--only");
      cmd.add(filter);
    }
    cmd.add("--out");
    cmd.add(table.toAbsolutePath().toString());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    // these slow OpenBLAS (and NumPy) on this machine by about 40%: unset for both sides, as
    // benchmarks/run-side-by-side.sh does
    pb.environment().remove("OPENBLAS_CORETYPE");
    pb.environment().remove("OPENBLAS_L2_SIZE");
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
    Process p = pb.start();
    List<String> tail = new ArrayList<>();
    boolean inTable = false;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        // the harness prints "measuring <row> ..." (our progress) and then the table (ours to
        // print from the file)
        if (line.startsWith("Measured ")) {
          inTable = true;
        }
        if (!inTable) {
          err.println("bench: " + line);
          err.flush();
        }
        tail.add(line);
        if (tail.size() > 20) {
          tail.remove(0);
        }
      }
    }
    int code = p.waitFor();
    if (code != 0) {
      String last = tail.stream().filter(l -> !l.isBlank() && !l.startsWith("\tat "))
          .reduce((a, b) -> b).orElse("no output");
      throw new CliException("the side-by-side harness failed (exit " + code + "): "
          + Errors.oneLine(last));
    }
  }
}
