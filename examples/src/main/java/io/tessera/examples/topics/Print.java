package io.tessera.examples.topics;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;

/** Small printing helpers shared by the topics. */
final class Print {
  private Print() {}

  static void header(PrintStream out, String title) {
    out.println();
    out.println("== " + title + " " + "=".repeat(Math.max(0, 72 - title.length())));
  }

  /** A shape or strides tuple the NumPy way: {@code (2, 3)}, {@code (5,)}. */
  static String tuple(long[] values) {
    if (values.length == 1) {
      return "(" + values[0] + ",)";
    }
    String s = Arrays.toString(values);
    return "(" + s.substring(1, s.length() - 1) + ")";
  }

  static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.2f MB", bytes / (1024.0 * 1024.0));
  }

  static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }

  static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
