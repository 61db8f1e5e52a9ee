package io.tessera.examples.cli;

import java.util.Locale;
import picocli.CommandLine;

/** Byte sizes on the command line: {@code 64m}, {@code 1g}, {@code 4096}; and in reports. */
final class Sizes {
  private Sizes() {}

  /** Parses {@code 123}, {@code 64k}, {@code 64m}, {@code 2g} (binary units, case-insensitive). */
  static long parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.endsWith("ib")) {
      s = s.substring(0, s.length() - 2);
    } else if (s.endsWith("b")) {
      s = s.substring(0, s.length() - 1);
    }
    long mult = 1;
    if (!s.isEmpty()) {
      switch (s.charAt(s.length() - 1)) {
        case 'k': mult = 1L << 10; break;
        case 'm': mult = 1L << 20; break;
        case 'g': mult = 1L << 30; break;
        case 't': mult = 1L << 40; break;
        default: break;
      }
    }
    if (mult != 1) {
      s = s.substring(0, s.length() - 1);
    }
    try {
      long v = Long.parseLong(s.trim());
      if (v <= 0) {
        throw new IllegalArgumentException();
      }
      return Math.multiplyExact(v, mult);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is not a positive byte size (e.g. 4096, "
          + "64k, 64m, 1g)");
    }
  }

  /** 1536 -> "1.5 KiB". */
  static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
  }

  /** picocli converter for byte-size options. */
  static final class Converter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
