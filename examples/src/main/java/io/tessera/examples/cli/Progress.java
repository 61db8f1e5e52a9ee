package io.tessera.examples.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress line for long local work, on standard error. On a terminal the line is rewritten in
 * place ({@code \r}) at most five times a second; otherwise (a pipe, a file, a test) whole lines are
 * printed, at most one every {@link #PLAIN_INTERVAL_NANOS} and at each tenth of the work. Work
 * shorter than {@link #QUIET_NANOS} prints nothing until it ends (and then one line only when it
 * was not silent).
 */
final class Progress implements AutoCloseable {
  /** How the line is shown. */
  enum Mode {
    /** Rewritten in place with carriage returns. */
    TERMINAL,
    /** One line per update. */
    PLAIN,
    /** Nothing. */
    OFF
  }

  /** Starts progress lines for one piece of work (the commands get one from their options). */
  @FunctionalInterface
  interface Factory {
    Progress start(String label, long total, String unit);

    /** Progress on {@code err} in {@code mode}. */
    static Factory of(PrintWriter err, Mode mode) {
      return (label, total, unit) -> new Progress(err, mode, label, total, unit);
    }
  }

  static final long QUIET_NANOS = 1_000_000_000L;
  static final long TERMINAL_INTERVAL_NANOS = 200_000_000L;
  static final long PLAIN_INTERVAL_NANOS = 5_000_000_000L;

  private final PrintWriter err;
  private final Mode mode;
  private final String label;
  private final long total;
  private final String unit;
  private final long start = System.nanoTime();
  private long lastPrint;
  private int lastTenth = -1;
  private boolean printed;
  private int width;

  /**
   * @param total the amount of work (bytes, rows...), or 0 if unknown
   * @param unit "bytes" to print sizes, anything else is printed after the counts
   */
  Progress(PrintWriter err, Mode mode, String label, long total, String unit) {
    this.err = err;
    this.mode = mode;
    this.label = label;
    this.total = total;
    this.unit = unit;
  }

  /** The mode for the process's standard error: a terminal when there is a console. */
  static Mode detect() {
    String v = System.getenv("TESSERA_PROGRESS");
    if (v != null) {
      switch (v.toLowerCase(Locale.ROOT)) {
        case "terminal": return Mode.TERMINAL;
        case "plain": return Mode.PLAIN;
        case "off": case "0": return Mode.OFF;
        default: break;
      }
    }
    return System.console() != null ? Mode.TERMINAL : Mode.PLAIN;
  }

  /** Reports {@code done} units of work done. */
  void update(long done) {
    if (mode == Mode.OFF) {
      return;
    }
    long now = System.nanoTime();
    if (now - start < QUIET_NANOS || (total > 0 && done >= total && !printed)) {
      return; // short work, or finished before anything was shown: stay silent
    }
    if (mode == Mode.TERMINAL) {
      if (now - lastPrint >= TERMINAL_INTERVAL_NANOS) {
        String line = line(done, now);
        err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
        width = line.length();
        err.flush();
        lastPrint = now;
        printed = true;
      }
    } else {
      int tenth = total > 0 ? (int) Math.min(10, done * 10 / total) : -1;
      if (now - lastPrint >= PLAIN_INTERVAL_NANOS || (tenth > lastTenth && tenth < 10)) {
        err.println(line(done, now));
        err.flush();
        lastPrint = now;
        lastTenth = tenth;
        printed = true;
      }
    }
  }

  /** Ends the line: a final line with the total time, if anything was printed. */
  void done(long done) {
    if (mode == Mode.OFF || !printed) {
      return;
    }
    String line = line(done, System.nanoTime()) + " done";
    if (mode == Mode.TERMINAL) {
      err.println("\r" + line + " ".repeat(Math.max(0, width - line.length())));
    } else {
      err.println(line);
    }
    err.flush();
    printed = false;
  }

  @Override
  public void close() {
    if (printed && mode == Mode.TERMINAL) {
      err.println();
      err.flush();
    }
  }

  String line(long done, long now) {
    double secs = (now - start) / 1e9;
    StringBuilder sb = new StringBuilder(label).append(": ");
    if (total > 0) {
      sb.append(String.format(Locale.ROOT, "%3d%% ", Math.min(100, done * 100 / total)));
      sb.append(amount(done)).append(" of ").append(amount(total));
    } else {
      sb.append(amount(done));
    }
    sb.append(String.format(Locale.ROOT, ", %.1f s", secs));
    if ("bytes".equals(unit) && secs > 0) {
      sb.append(String.format(Locale.ROOT, ", %.0f MB/s", done / secs / 1e6));
    }
    return sb.toString();
  }

  private String amount(long n) {
    if ("bytes".equals(unit)) {
      return Sizes.format(n);
    }
    return n + " " + unit;
  }
}
