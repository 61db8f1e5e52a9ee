package io.tessera.bench.sbs;

import io.tessera.Tessera;
import io.tessera.parallel.Threads;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Times the same workloads in Tessera and in NumPy on this machine, interleaved in one run (Java
 * reps, then NumPy reps, round after round), and prints a Markdown table of medians and ratios
 * (Tessera time / NumPy time: below 1 is faster). Streaming rows also show their share of the
 * machine's memory bandwidth, measured by a STREAM-style triad in the same run.
 *
 * <p>Usage: {@code SideBySide [--rounds R] [--reps N] [--only REGEX] [--out FILE]}. Run it with
 * OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (benchmarks/run-side-by-side.sh does).
 */
public final class SideBySide {
  private SideBySide() {}

  /** One measured row. */
  record Result(Workload w, double javaMs, double numpyMs) {
    double ratio() {
      return javaMs / numpyMs;
    }
  }

  public static void main(String[] args) throws Exception {
    int rounds = 5;
    int reps = 5;
    Pattern only = null;
    Path outFile = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds": rounds = Integer.parseInt(args[++i]); break;
        case "--reps": reps = Integer.parseInt(args[++i]); break;
        case "--only": only = Pattern.compile(args[++i]); break;
        case "--out": outFile = Path.of(args[++i]); break;
        default: throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    List<Workload> all = new ArrayList<>(Workloads.all());
    if (only != null) {
      Pattern p = only;
      all.removeIf(w -> !p.matcher(w.name()).find());
    }
    Tessera np = Tessera.global();
    double triad = triadGBs();
    List<Result> results = new ArrayList<>();
    String info;
    try (NumpySide py = new NumpySide()) {
      info = py.info();
      for (Workload w : all) {
        System.err.printf(Locale.ROOT, "measuring %s ...%n", w.name());
        results.add(measure(np, py, w, rounds, reps));
      }
    }
    String table = table(results, triad, info);
    System.out.println(table);
    if (outFile != null) {
      Files.writeString(outFile, table, StandardCharsets.UTF_8);
    }
  }

  static Result measure(Tessera np, NumpySide py, Workload w, int rounds, int reps)
      throws Exception {
    String id = w.name();
    py.setup(id, w.numpySetup());
    List<Double> jt = new ArrayList<>();
    List<Double> pt = new ArrayList<>();
    try (Workload.Timed t = w.java().open(np)) {
      for (int i = 0; i < reps; i++) { // warm-up: JIT and first-touch
        t.run();
      }
      py.time(id, w.numpyStmt(), 2);
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < reps; i++) {
          long t0 = System.nanoTime();
          t.run();
          jt.add((System.nanoTime() - t0) / 1e6);
        }
        for (double s : py.time(id, w.numpyStmt(), reps)) {
          pt.add(s * 1e3);
        }
      }
    } finally {
      py.drop(id);
    }
    return new Result(w, median(jt), median(pt));
  }

  static double median(List<Double> xs) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  /** STREAM triad a = b + 3c over 20M doubles on the heap, best of 5: GB/s of reads + writes. */
  static double triadGBs() {
    int n = 20_000_000;
    double[] a = new double[n];
    double[] b = new double[n];
    double[] c = new double[n];
    Arrays.fill(b, 1.0);
    Arrays.fill(c, 2.0);
    double best = Double.MAX_VALUE;
    for (int r = 0; r < 8; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        a[i] = b[i] + 3.0 * c[i];
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    if (a[n - 1] != 7.0) {
      throw new AssertionError();
    }
    return 24.0 * n / best / 1e9;
  }

  static String table(List<Result> rs, double triad, String info) {
    StringBuilder sb = new StringBuilder();
    sb.append("Measured ").append(LocalDate.now()).append(" on ").append(Machine.describe())
        .append(", Tessera threads ").append(Threads.defaultCount()).append(", NumPy side ")
        .append(info).append(".\n");
    sb.append(String.format(Locale.ROOT, "STREAM-style triad on this machine in the same run: "
        + "%.1f GB/s.%n%n", triad));
    sb.append("| workload | allocates output | Tessera ms | NumPy ms | ratio | target | met | "
        + "bandwidth (Tessera / NumPy) |\n");
    sb.append("|---|---|---:|---:|---:|---:|---|---|\n");
    for (Result r : rs) {
      Workload w = r.w();
      String bw = w.bytesMoved() == 0 ? "" : String.format(Locale.ROOT, "%.0f%% / %.0f%% of triad",
          100 * w.bytesMoved() / (r.javaMs() / 1e3) / 1e9 / triad,
          100 * w.bytesMoved() / (r.numpyMs() / 1e3) / 1e9 / triad);
      sb.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.2f | %s | %s | %s |%n",
          w.name(), w.allocatesOutput() ? "yes" : "no", r.javaMs(), r.numpyMs(), r.ratio(),
          w.target() > 0 ? String.format(Locale.ROOT, "≤ %.2f", w.target()) : "",
          w.target() > 0 ? (r.ratio() <= w.target() ? "yes" : "**no**") : "", bw));
    }
    return sb.toString();
  }

  /** Prints the table to a stream (for the CLI). */
  static void print(PrintStream out, List<Result> rs, double triad, String info) {
    out.print(table(rs, triad, info));
  }


}
