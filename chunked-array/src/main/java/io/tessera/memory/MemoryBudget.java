package io.tessera.memory;

import io.tessera.dtype.DType;
import io.tessera.errors.BudgetExceededException;
import io.tessera.errors.TesseraException;
import io.tessera.shape.Shapes;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many bytes one operation may allocate: a check made <em>before</em> anything is allocated,
 * so that {@code x[:, None] + y[None, :]} on two 100 000-element vectors fails at once with a
 * message instead of after 74.5 GiB of page faults.
 *
 * <p>The budget in force ({@link #current()}) is, in order: the innermost {@link #with(long,
 * Supplier)} scope on this thread; the default set by {@link #setDefault(long)}; the system
 * property {@value #PROPERTY} (bytes, or with a suffix: {@code 8g}, {@code 512m}, {@code 1.5GiB},
 * see {@link #parseBytes}); else the machine's physical memory (an allocation larger than that is
 * always a mistake). Scopes are thread-local and restored when the body returns or throws.
 *
 * <p>Operations that can state their peak before running implement {@link Estimate}; {@link
 * #check(String, Estimate, String)} refuses them with a {@link BudgetExceededException}.
 */
public final class MemoryBudget {
  /** System property holding the default budget. */
  public static final String PROPERTY = "tessera.memory.budget";

  private static final ThreadLocal<Long> SCOPED = new ThreadLocal<>();
  private static volatile long explicitDefault = -1;

  private MemoryBudget() {}

  /**
   * What an operation will need at most, stated before it runs: chunked pipelines, {@code
   * toArray}, rechunk plans and (later) ufunc calls implement it.
   */
  public interface Estimate {
    /** Peak bytes the operation allocates while running (an upper bound). */
    long peakBytes();

    /** One line saying what runs and what its peak is made of. */
    String describe();
  }

  // ------------------------------------------------------------------ the budget in force

  /** The budget in force on this thread, in bytes. */
  public static long current() {
    Long scoped = SCOPED.get();
    return scoped != null ? scoped : defaultBytes();
  }

  /**
   * The process-wide default: {@link #setDefault(long)} if called, else the property {@value
   * #PROPERTY} (read at each call), else the physical memory size (or {@code Long.MAX_VALUE} if
   * the JVM cannot tell).
   */
  public static long defaultBytes() {
    long d = explicitDefault;
    if (d >= 0) {
      return d;
    }
    String p = System.getProperty(PROPERTY);
    if (p != null && !p.isBlank()) {
      return parseBytes(p);
    }
    return PhysicalMemory.BYTES;
  }

  /** The machine's memory, asked once (the platform bean reads /proc on every call). */
  private static final class PhysicalMemory {
    static final long BYTES = physicalMemory();
  }

  /** Sets the process-wide default (bytes, at least 0). */
  public static void setDefault(long bytes) {
    if (bytes < 0) {
      throw new TesseraException("memory_budget", "memory_budget: a budget cannot be negative, got "
          + bytes);
    }
    explicitDefault = bytes;
  }

  /** Forgets {@link #setDefault(long)}: the property or the physical memory apply again. */
  public static void resetDefault() {
    explicitDefault = -1;
  }

  /** Runs {@code body} with {@code bytes} as this thread's budget, restoring the previous one after. */
  public static <T> T with(long bytes, Supplier<T> body) {
    if (bytes < 0) {
      throw new TesseraException("memory_budget", "memory_budget: a budget cannot be negative, got "
          + bytes);
    }
    Long previous = SCOPED.get();
    SCOPED.set(bytes);
    try {
      return body.get();
    } finally {
      if (previous == null) {
        SCOPED.remove();
      } else {
        SCOPED.set(previous);
      }
    }
  }

  /** As {@link #with(long, Supplier)} for a body without result. */
  public static void with(long bytes, Runnable body) {
    with(bytes, () -> {
      body.run();
      return null;
    });
  }

  // ------------------------------------------------------------------ checks

  /**
   * Refuses an allocation of {@code bytes} above the budget in force, before it happens. The
   * operand names in the message are the identifiers of {@code expression} in order of first
   * appearance (names followed by "(" or preceded by "." and {@code None/True/False/np} are
   * skipped) when there are as many as {@code shapes}; else the shapes are listed alone.
   *
   * <p>Example message: {@code x[:, None] + y[None, :] with x (100000,) y (100000,) would allocate
   * 74.5 GiB float64 > budget 8 GiB; use outerReduce or a chunked result}.
   *
   * @param op operation name for {@link TesseraException#op()}
   * @param expression what the user wrote, NumPy style
   * @param shapes operand shapes, in the order of the expression's operands
   * @param dtype the result's dtype (named in the message; may be null)
   * @param bytes peak bytes the operation would allocate
   * @param suggestion what to do instead (may be null)
   * @throws BudgetExceededException if {@code bytes > current()}
   */
  public static void check(String op, String expression, long[][] shapes, DType dtype, long bytes,
      String suggestion) {
    check(op, expression, null, shapes, dtype, bytes, suggestion);
  }

  /** As {@link #check(String, String, long[][], DType, long, String)} with explicit operand names. */
  public static void check(String op, String expression, String[] names, long[][] shapes,
      DType dtype, long bytes, String suggestion) {
    long budget = current();
    if (bytes <= budget) {
      return;
    }
    StringBuilder sb = new StringBuilder(expression);
    long[][] s = shapes == null ? new long[0][] : shapes;
    if (s.length > 0) {
      List<String> n = names != null && names.length == s.length ? List.of(names)
          : operandNames(expression);
      sb.append(" with");
      for (int i = 0; i < s.length; i++) {
        if (n.size() == s.length) {
          sb.append(' ').append(n.get(i));
        }
        sb.append(' ').append(Shapes.format(s[i]));
      }
    }
    sb.append(" would allocate ").append(formatBytes(bytes));
    if (dtype != null) {
      sb.append(' ').append(dtype.numpyName());
    }
    sb.append(" > budget ").append(formatBytes(budget));
    if (suggestion != null && !suggestion.isEmpty()) {
      sb.append("; ").append(suggestion);
    }
    throw new BudgetExceededException(op, sb.toString(), bytes, budget);
  }

  /**
   * Refuses a planned operation whose {@link Estimate#peakBytes()} exceeds the budget in force:
   * "{describe} needs {peak} > budget {budget}; {suggestion}".
   */
  public static void check(String op, Estimate estimate, String suggestion) {
    long budget = current();
    long peak = estimate.peakBytes();
    if (peak <= budget) {
      return;
    }
    String msg = estimate.describe() + " needs " + formatBytes(peak) + " > budget "
        + formatBytes(budget) + (suggestion == null || suggestion.isEmpty() ? "" : "; " + suggestion);
    throw new BudgetExceededException(op, msg, peak, budget);
  }

  private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Set<String> NOT_OPERANDS = Set.of("None", "True", "False", "np", "numpy");

  /** Identifiers of a NumPy-style expression that name operands, in order of first appearance. */
  static List<String> operandNames(String expression) {
    Set<String> out = new LinkedHashSet<>();
    Matcher m = IDENT.matcher(expression);
    while (m.find()) {
      String id = m.group();
      int before = m.start() - 1;
      while (before >= 0 && expression.charAt(before) == ' ') {
        before--;
      }
      int after = m.end();
      while (after < expression.length() && expression.charAt(after) == ' ') {
        after++;
      }
      boolean attribute = before >= 0 && expression.charAt(before) == '.';
      boolean call = after < expression.length() && expression.charAt(after) == '(';
      boolean numberPart = m.start() > 0 && Character.isDigit(expression.charAt(m.start() - 1));
      if (!attribute && !call && !numberPart && !NOT_OPERANDS.contains(id)) {
        out.add(id);
      }
    }
    return new ArrayList<>(out);
  }

  // ------------------------------------------------------------------ units

  private static final Pattern SIZE = Pattern.compile(
      "\\s*([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)\\s*([A-Za-z]*)\\s*");

  /**
   * Parses a byte count: plain digits, or a number with a unit. {@code k m g t p} (any case, as in
   * {@code -Xmx8g}) and {@code KiB MiB GiB TiB PiB} are powers of 1024; {@code kB MB GB TB PB} are
   * powers of 1000; {@code B} is bytes. Fractions are allowed ({@code 1.5g}) and truncated to whole
   * bytes.
   */
  public static long parseBytes(String text) {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      throw new TesseraException("parse_bytes", "parse_bytes: cannot read a byte count from '"
          + text + "' (expected e.g. 8589934592, 8g, 512m, 1.5GiB, 128MB)");
    }
    double number = Double.parseDouble(m.group(1));
    double unit = unitBytes(m.group(2), text);
    double bytes = number * unit;
    if (bytes >= 0x1p63) {
      throw new TesseraException("parse_bytes", "parse_bytes: '" + text + "' is too large");
    }
    return (long) bytes;
  }

  private static double unitBytes(String unit, String text) {
    String u = unit.toLowerCase(Locale.ROOT);
    switch (u) {
      case "": case "b": return 1;
      case "k": case "kib": return 0x1p10;
      case "m": case "mib": return 0x1p20;
      case "g": case "gib": return 0x1p30;
      case "t": case "tib": return 0x1p40;
      case "p": case "pib": return 0x1p50;
      case "kb": return 1e3;
      case "mb": return 1e6;
      case "gb": return 1e9;
      case "tb": return 1e12;
      case "pb": return 1e15;
      default:
        throw new TesseraException("parse_bytes", "parse_bytes: unknown unit '" + unit + "' in '"
            + text + "' (use k, m, g, t, KiB, MiB, GiB, TiB, kB, MB, GB, TB or B)");
    }
  }

  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  /**
   * Human units with one decimal, powers of 1024, the decimal dropped when it is 0: {@code 512
   * B}, {@code 1.5 KiB}, {@code 74.5 GiB}, {@code 8 GiB}.
   */
  public static String formatBytes(long bytes) {
    if (bytes < 0) {
      return "-" + formatBytes(-bytes);
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    int u = 0;
    double v = bytes;
    while (v >= 1024 && u < UNITS.length - 1) {
      v /= 1024;
      u++;
    }
    double tenths = Math.round(v * 10) / 10.0;
    if (tenths >= 1024 && u < UNITS.length - 1) {
      tenths = Math.round(tenths / 1024 * 10) / 10.0;
      u++;
    }
    String num = tenths == Math.rint(tenths) ? Long.toString((long) tenths)
        : String.format(Locale.ROOT, "%.1f", tenths);
    return num + " " + UNITS[u];
  }

  /** {@code prod(shape) * itemsize}, saturating at {@code Long.MAX_VALUE} instead of overflowing. */
  public static long bytesOf(long[] shape, DType dtype) {
    long n = dtype.itemsize();
    for (long d : shape) {
      if (d == 0) {
        return 0;
      }
    }
    for (long d : shape) {
      if (n > Long.MAX_VALUE / d) {
        return Long.MAX_VALUE;
      }
      n *= d;
    }
    return n;
  }

  private static long physicalMemory() {
    try {
      java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
      if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
        long total = sun.getTotalMemorySize();
        if (total > 0) {
          return total;
        }
      }
    } catch (RuntimeException | LinkageError e) {
      // fall through: no platform bean
    }
    return Long.MAX_VALUE;
  }
}
