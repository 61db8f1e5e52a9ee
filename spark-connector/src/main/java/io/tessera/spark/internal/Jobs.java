package io.tessera.spark.internal;

import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Internal: names for the Spark UI and logs. While {@code body} runs, the job description and the
 * call site are {@code name}. Spark shows the job description in the UI's job list, and names a
 * stage after the call site: a job's final stage after the call site of the action, a shuffle
 * map stage after the creation site of the RDD it writes (the call site when that RDD was made).
 * So an operator builds its RDDs under {@link #building} and runs its jobs under {@link #action},
 * and every job and stage of Tessera reads like {@code "tessera sum() of float64(4096, 4096) (256
 * blocks, 8 partitions)"} instead of {@code "treeAggregate at Jobs.java:34"}.
 *
 * <p>A description the caller set on the context (e.g. {@code sc.setJobDescription("nightly
 * stats")}) is kept in front: {@code "nightly stats: tessera sum() of ..."}; a Tessera action
 * running inside another Tessera action (an operator built from others) reads {@code "tessera
 * var() of ...: tessera mean() of ..."}. The context's previous description and call site are
 * restored afterwards, also when {@code body} throws. These are thread-local properties of the
 * context, so concurrent jobs from several threads keep their own names.
 */
public final class Jobs {
  /** The job description's local property (SparkContext.SPARK_JOB_DESCRIPTION). */
  public static final String DESCRIPTION = "spark.job.description";
  private static final String SHORT = "callSite.short";
  private static final String LONG = "callSite.long";
  private static final String SEPARATOR = ": ";

  private Jobs() {}

  /** Runs an action (jobs) under {@code name}: job description and call site. */
  public static <T> T action(JavaSparkContext sc, String name, Supplier<T> body) {
    return scoped(sc, name, true, body);
  }

  /** Builds RDDs under {@code name}: their creation site, i.e. their shuffle stages' names. */
  public static <T> T building(JavaSparkContext sc, String name, Supplier<T> body) {
    return scoped(sc, name, false, body);
  }

  /** The job description {@link #action} sets when the context's current one is {@code outer}. */
  public static String describe(String outer, String name) {
    return outer == null || outer.isBlank() ? name : outer + SEPARATOR + name;
  }

  private static <T> T scoped(JavaSparkContext sc, String name, boolean describe,
      Supplier<T> body) {
    String d = sc.getLocalProperty(DESCRIPTION);
    String s = sc.getLocalProperty(SHORT);
    String l = sc.getLocalProperty(LONG);
    if (describe) {
      sc.setLocalProperty(DESCRIPTION, describe(d, name));
    }
    sc.setLocalProperty(SHORT, name);
    sc.setLocalProperty(LONG, name);
    try {
      return body.get();
    } finally {
      if (describe) {
        sc.setLocalProperty(DESCRIPTION, d);
      }
      sc.setLocalProperty(SHORT, s);
      sc.setLocalProperty(LONG, l);
    }
  }
}
