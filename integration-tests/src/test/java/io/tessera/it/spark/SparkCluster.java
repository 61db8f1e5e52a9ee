package io.tessera.it.spark;

import io.tessera.spark.DistributedOuter;
import io.tessera.spark.ExecutorMemory;
import io.tessera.spark.TesseraSpark;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real multi-JVM Spark cluster for all the cluster test classes of a test run: Spark's {@code
 * local-cluster[2,1,1024]} master (a standalone Master and two Workers inside the test JVM, each
 * Worker launching one executor JVM with 1 core and 512 MiB), built from the Maven-resolved Spark
 * jars (no Spark download). Started by the first class that needs it ({@link Extension}), stopped
 * when the test run ends; start-up takes 10-20 s.
 *
 * <p><b>What it needs.</b> The Workers launch executors through Spark's launcher, which reads
 * {@code SPARK_HOME} and {@code SPARK_LOCAL_IP} from the environment of this JVM: the module's
 * surefire configuration sets {@code SPARK_HOME} to {@code target/fake-spark-home} (this class
 * makes its empty {@code jars/}; executor logs go to its {@code work/}) and {@code SPARK_LOCAL_IP}
 * to 127.0.0.1 (so the Master, Workers and UIs bind to the loopback interface only). Executors
 * get the test JVM's class path ({@code spark.executor.extraClassPath}) and Tessera's Java 17
 * flags (system property {@value #FLAGS_PROPERTY}, the parent pom's {@code tessera.jvm.flags}).
 *
 * <p><b>One SparkContext per JVM.</b> Spark allows one active context per JVM and this one lives
 * until the end of the test run, so every Spark test of this module uses it ({@link #get()});
 * a test that built its own {@code local[2]} context here would fail while the cluster is up.
 *
 * <p><b>Skipping.</b> Never in CI (environment {@code CI=true}): there a cluster that cannot start
 * fails the tests. Elsewhere, {@code -D}{@value #SKIP_PROPERTY}{@code =true} skips them loudly.
 */
final class SparkCluster implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  /** System property that skips the cluster tests outside CI. */
  static final String SKIP_PROPERTY = "tessera.it.cluster.skip";
  /** System property holding the JVM flags executors need (set by the module's pom). */
  static final String FLAGS_PROPERTY = "tessera.jvm.flags";
  /** Executor JVMs in the cluster. */
  static final int EXECUTORS = 2;

  private static final long START_TIMEOUT_MS = 120_000;

  private final JavaSparkContext sc;
  private final Path sparkHome;
  private final ConsoleTail console;

  private SparkCluster(JavaSparkContext sc, Path sparkHome, ConsoleTail console) {
    this.sc = sc;
    this.sparkHome = sparkHome;
    this.console = console;
  }

  JavaSparkContext context() {
    return sc;
  }

  /** What the driver's Spark printed to standard error (its console progress bar). */
  ConsoleTail console() {
    return console;
  }

  /** Where the Workers keep the executors' stdout/stderr ({@code app-*}/{@code N}/). */
  Path workDir() {
    return sparkHome.resolve("work");
  }

  /** Starts the cluster unless it is to be skipped; waits until both executors registered. */
  private static SparkCluster start() {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    if (!ci && Boolean.getBoolean(SKIP_PROPERTY)) {
      String why = "Spark cluster tests SKIPPED: -D" + SKIP_PROPERTY + "=true (outside CI)";
      System.err.println("WARNING: " + why);
      Assumptions.abort(why);
    }
    String home = System.getenv("SPARK_HOME");
    String localIp = System.getenv("SPARK_LOCAL_IP");
    String flags = System.getProperty(FLAGS_PROPERTY);
    if (home == null || localIp == null || flags == null) {
      throw new IllegalStateException("the Spark cluster tests need SPARK_HOME and SPARK_LOCAL_IP "
          + "in this JVM's environment and the system property " + FLAGS_PROPERTY + " (the "
          + "integration-tests surefire configuration sets all three; run them through Maven, or "
          + "set SPARK_HOME=<a folder>, SPARK_LOCAL_IP=127.0.0.1 and -D" + FLAGS_PROPERTY
          + "=<the parent pom's flags>); have SPARK_HOME=" + home + ", SPARK_LOCAL_IP=" + localIp
          + ", flags " + (flags == null ? "missing" : "set") + "; -D" + SKIP_PROPERTY
          + "=true skips these tests outside CI");
    }
    Path sparkHome = Path.of(home).toAbsolutePath();
    try {
      Files.createDirectories(sparkHome.resolve("jars"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + sparkHome.resolve("jars"), e);
    }
    String executorFlags = Arrays.stream(flags.trim().split("\\s+"))
        .collect(Collectors.joining(" "));
    SparkConf conf = TesseraSpark.configure(new SparkConf()
        .setMaster("local-cluster[" + EXECUTORS + ",1,1024]")
        .setAppName("tessera-cluster-tests")
        .set("spark.driver.host", localIp)
        .set("spark.driver.bindAddress", localIp)
        .set("spark.executor.memory", "512m")
        .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .set("spark.executor.extraJavaOptions", executorFlags)
        .set("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
        .set("spark.kryo.registrationRequired", "true")
        .set("spark.kryoserializer.buffer", "4k")
        .set("spark.ui.enabled", "true")
        .set("spark.ui.port", "0")
        .set("spark.ui.showConsoleProgress", "true")
        .set("spark.ui.consoleProgress.update.interval", "100")
        .set(ExecutorMemory.LIMIT_CONF, "256m")
        // small, so that a few KiB of distributed y take the outer's block-pair plan
        .set(DistributedOuter.BROADCAST_CONF, "2k"));
    long t0 = System.nanoTime();
    PrintStream err = System.err;
    ConsoleTail console = new ConsoleTail(err);
    JavaSparkContext sc;
    System.setErr(console.printStream()); // the progress bar keeps the stream of this moment
    try {
      sc = new JavaSparkContext(conf);
    } finally {
      System.setErr(err);
    }
    SparkCluster cluster = new SparkCluster(sc, sparkHome, console);
    try {
      cluster.awaitExecutors(EXECUTORS, START_TIMEOUT_MS);
    } catch (RuntimeException | Error e) {
      sc.stop();
      throw e;
    }
    System.err.printf("Spark local-cluster with %d executor JVMs started in %.1f s (UI %s, "
        + "executor logs in %s)%n", EXECUTORS, (System.nanoTime() - t0) / 1e9,
        sc.sc().uiWebUrl().getOrElse(() -> "off"), cluster.workDir());
    return cluster;
  }

  /** The executors now registered (host:port), the driver excluded. */
  List<String> executors() {
    List<String> out = new ArrayList<>();
    String driverHost = sc.sc().env().blockManager().blockManagerId().hostPort();
    for (SparkExecutorInfo e : sc.sc().statusTracker().getExecutorInfos()) {
      String hp = e.host() + ":" + e.port();
      if (!hp.equals(driverHost)) {
        out.add(hp);
      }
    }
    return out;
  }

  /** Waits until at least {@code n} executors are registered. */
  void awaitExecutors(int n, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (executors().size() < n) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("only " + executors().size() + " of " + n + " Spark "
            + "executors registered after " + timeoutMs / 1000 + " s; executor logs are in "
            + workDir());
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for executors", e);
      }
    }
  }

  @Override
  public void close() {
    sc.stop();
  }

  /**
   * Gives a test class the shared cluster: {@code @ExtendWith(SparkCluster.Extension.class)}, then
   * {@link #get()} from {@code @BeforeAll} on.
   */
  static final class Extension implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NS =
        ExtensionContext.Namespace.create(SparkCluster.class);
    private static volatile SparkCluster current;

    @Override
    public void beforeAll(ExtensionContext context) {
      current = context.getRoot().getStore(NS)
          .getOrComputeIfAbsent(SparkCluster.class, k -> start(), SparkCluster.class);
    }
  }

  /** The shared cluster (after {@link Extension} ran for the calling class). */
  static SparkCluster get() {
    SparkCluster c = Extension.current;
    if (c == null) {
      throw new IllegalStateException("no cluster: annotate the class with "
          + "@ExtendWith(SparkCluster.Extension.class)");
    }
    return c;
  }
}
