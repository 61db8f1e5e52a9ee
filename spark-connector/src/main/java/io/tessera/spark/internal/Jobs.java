package io.tessera.spark.internal;

import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Internal: names for the Spark UI. While {@code body} runs, the job description and the call
 * site (which Spark uses for stage names and for the creation site of RDDs made meanwhile) are
 * {@code name}; the previous values are restored afterwards.
 */
public final class Jobs {
  private static final String DESCRIPTION = "spark.job.description";
  private static final String SHORT = "callSite.short";
  private static final String LONG = "callSite.long";

  private Jobs() {}

  /** Runs an action under {@code name} (job description and call site). */
  public static <T> T action(JavaSparkContext sc, String name, Supplier<T> body) {
    return scoped(sc, name, true, body);
  }

  /** Builds RDDs under {@code name} (their creation site, i.e. their stages' names). */
  public static <T> T building(JavaSparkContext sc, String name, Supplier<T> body) {
    return scoped(sc, name, false, body);
  }

  private static <T> T scoped(JavaSparkContext sc, String name, boolean describe,
      Supplier<T> body) {
    String d = sc.getLocalProperty(DESCRIPTION);
    String s = sc.getLocalProperty(SHORT);
    String l = sc.getLocalProperty(LONG);
    if (describe) {
      sc.setJobDescription(name);
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
