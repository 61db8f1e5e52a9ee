package io.tessera.examples.cli;

import io.tessera.dtype.DType;
import io.tessera.shape.Layout;
import io.tessera.shape.Shapes;
import java.util.Locale;

/** Lines of an {@code info} report: "  key: value", indented, with NumPy's spelling of values. */
final class Report {
  private final StringBuilder sb = new StringBuilder();

  Report title(String s) {
    sb.append(s).append('\n');
    return this;
  }

  Report line(String key, Object value) {
    return line(1, key, value);
  }

  Report line(int indent, String key, Object value) {
    String v = String.valueOf(value);
    sb.append("  ".repeat(indent)).append(key).append(v.isEmpty() ? ":" : ": ").append(v)
        .append('\n');
    return this;
  }

  Report text(String block) {
    sb.append(block);
    if (!block.endsWith("\n")) {
      sb.append('\n');
    }
    return this;
  }

  /** shape, dtype, order, strides, size and nbytes of a C or Fortran array from metadata only. */
  Report arrayFromMetadata(int indent, DType dtype, long[] shape, boolean fortran) {
    long[] strides = fortran ? Layout.fStrides(shape, dtype.itemsize())
        : Layout.cStrides(shape, dtype.itemsize());
    line(indent, "shape", Shapes.format(shape));
    line(indent, "dtype", dtype + " (itemsize " + dtype.itemsize() + ")");
    line(indent, "order", fortran ? "F (fortran_order)" : "C");
    line(indent, "strides", Shapes.format(strides));
    long size = Shapes.size(shape);
    line(indent, "size", size + " elements");
    return line(indent, "nbytes", bytes(size * dtype.itemsize()));
  }

  static String bytes(long n) {
    return n < 1024 ? n + " bytes" : String.format(Locale.ROOT, "%d bytes (%s)", n,
        Sizes.format(n));
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
