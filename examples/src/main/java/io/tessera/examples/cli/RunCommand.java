package io.tessera.examples.cli;

import io.tessera.spark.TesseraSpark;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tessera run}: the demo batch job on Spark. */
@Command(name = "run", mixinStandardHelpOptions = true,
    header = "Run the demo batch job on Spark (local[*] by default).",
    description = {"Run a batch analytics job on Spark (local[*] unless --master): generate (or "
        + "load from a .npy or Zarr) an (n, d) array of points, reduce it (sum, min, max, "
        + "mean), then "
        + "for every point the distance to its nearest of m reference points: a chunked outer "
        + "reduction min_j |x_i - y_j| streamed block by block, never holding the n x m matrix. "
        + "The results are written as .npy files for NumPy (nearest.npy, refs.npy, and x.npy "
        + "with --save-input) with a summary.json; Spark's console progress bar shows the "
        + "stages."})
final class RunCommand implements Callable<Integer> {
  /**
   * The default --generate: 300k points in 3-D against 1000 references (3e8 pairs): the whole
   * command takes about 30 s on 2 busy cores, start-up included.
   */
  static final String DEFAULT_GENERATE = "300000,3";

  @Spec
  CommandSpec spec;

  @Option(names = "--master", paramLabel = "URL", defaultValue = "local[*]",
      description = "Spark master: local[*], local[N], spark://host:port, ... "
          + "Default: ${DEFAULT-VALUE}.")
  String master;

  @Option(names = "--generate", paramLabel = "N,D",
      description = "Generate N points of D coordinates (uniform [0, 1), float64) on the "
          + "executors. Default: " + DEFAULT_GENERATE + " unless --input is given.")
  String generate;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
      description = "Seed of the generated points and of the references. Default: "
          + "${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--input", paramLabel = "FILE",
      description = "Load the points from a .npy file (memory-mapped) or a Zarr array "
          + "(read chunk by chunk) of shape (n,) or (n, d) instead.")
  Path input;

  @Option(names = "--refs", paramLabel = "M", defaultValue = "1000",
      description = "Number of reference points y (uniform over [min(x), max(x))). Default: "
          + "${DEFAULT-VALUE}.")
  long refs;

  @Option(names = "--block-rows", paramLabel = "R", defaultValue = "0",
      description = "Rows per block (default: about 8 MiB per block, at least two blocks per "
          + "core).")
  long blockRows;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "tessera-run",
      description = "Where the results go (created). Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--save-input", description = "Also write the generated points as x.npy.")
  boolean saveInput;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "Extra Spark configuration (repeatable), e.g. --conf spark.default.parallelism=8.")
  Map<String, String> conf;

  @Option(names = "--ui", description = "Start Spark's web UI (off by default).")
  boolean ui;

  @Option(names = "--no-progress", negatable = false,
      description = "Hide Spark's console progress bar.")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    DemoJob.Spec job = spec();
    PrintWriter o = spec.commandLine().getOut();
    SparkConf sc = sparkConf();
    o.println("tessera run on " + master + ": " + (input != null ? "points from " + input
        : "generating " + job.n() + " x " + job.d() + " points (seed " + seed + ")") + ", "
        + refs + " references, results in " + out);
    o.flush();
    DemoJob.Summary s;
    try (JavaSparkContext jsc = new JavaSparkContext(sc)) {
      jsc.setLogLevel("WARN");
      s = new DemoJob(jsc, o).run(job);
    }
    o.println("summary:");
    for (Map.Entry<String, Object> e : s.values().entrySet()) {
      o.printf(Locale.ROOT, "  %-24s %s%n", e.getKey(), e.getValue());
    }
    o.println("wrote:");
    for (Path p : s.files()) {
      o.println("  " + p);
    }
    o.println("read them with NumPy: np.load('" + out.resolve("nearest.npy") + "')");
    o.flush();
    return 0;
  }

  /** Checks the arguments before Spark starts. */
  DemoJob.Spec spec() throws java.io.IOException {
    if (input != null && generate != null) {
      throw new CliException("give --input or --generate, not both", Errors.USAGE, null);
    }
    if (input != null && saveInput) {
      throw new CliException("--save-input is for generated points (the input is " + input
          + " already)", Errors.USAGE, null);
    }
    if (refs < 1) {
      throw new CliException("--refs must be positive, got " + refs, Errors.USAGE, null);
    }
    if (blockRows < 0) {
      throw new CliException("--block-rows must be positive, got " + blockRows, Errors.USAGE,
          null);
    }
    long n = 0;
    int d = 0;
    if (input != null) {
      ArrayFormat f = ArrayFormat.detect(input);
      if (f != ArrayFormat.NPY && f != ArrayFormat.ZARR) {
        throw new CliException(input + ": the job reads .npy or Zarr input (this is " + f.id()
            + "); convert it first: tessera convert " + input + " points.npy");
      }
    } else {
      String[] parts = (generate == null ? DEFAULT_GENERATE : generate).split(",");
      try {
        if (parts.length != 2) {
          throw new NumberFormatException();
        }
        n = Long.parseLong(parts[0].trim());
        d = Integer.parseInt(parts[1].trim());
      } catch (NumberFormatException e) {
        throw new CliException("--generate takes N,D (two positive integers, e.g. 1000000,3), "
            + "got '" + generate + "'", Errors.USAGE, null);
      }
      if (n < 1 || d < 1) {
        throw new CliException("--generate takes N,D with N, D >= 1, got '" + generate + "'",
            Errors.USAGE, null);
      }
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new CliException("--out " + out + " is a file, not a directory", Errors.USAGE, null);
    }
    return new DemoJob.Spec(n, d, seed, input, refs, blockRows, out, saveInput);
  }

  SparkConf sparkConf() {
    SparkConf c = new SparkConf()
        .setAppName("tessera run")
        .setMaster(master)
        .set("spark.ui.enabled", Boolean.toString(ui))
        .set("spark.ui.showConsoleProgress", Boolean.toString(!noProgress));
    if (master.startsWith("local")) {
      c.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
    }
    String jar = ownJar();
    if (jar != null && !master.startsWith("local")) {
      c.setJars(new String[] {jar}); // the executors run our classes from the fat jar
    }
    if (conf != null) {
      conf.forEach(c::set);
    }
    return TesseraSpark.configure(c);
  }

  /** The path of the jar this class was loaded from, or null (running from class directories). */
  static String ownJar() {
    try {
      java.security.CodeSource cs = RunCommand.class.getProtectionDomain().getCodeSource();
      if (cs == null) {
        return null;
      }
      Path p = Path.of(cs.getLocation().toURI());
      return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? p.toString() : null;
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return null;
    }
  }
}
