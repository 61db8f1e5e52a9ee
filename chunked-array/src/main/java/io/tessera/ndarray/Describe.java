package io.tessera.ndarray;

import io.tessera.shape.Shapes;
import java.util.Locale;

/** The debug report of the guide's section 6.3 ({@code debug_array}). */
final class Describe {
  private Describe() {}

  static String report(NDArray a, String name) {
    Flags f = a.flags();
    StringBuilder sb = new StringBuilder();
    sb.append(name).append(":\n");
    sb.append("  shape: ").append(Shapes.format(a.layout().shape())).append('\n');
    sb.append("  dtype: ").append(a.dtype()).append('\n');
    sb.append("  strides: ").append(Shapes.format(a.layout().strides())).append('\n');
    sb.append("  C-contiguous: ").append(py(f.cContiguous())).append('\n');
    sb.append("  F-contiguous: ").append(py(f.fContiguous())).append('\n');
    sb.append("  aligned: ").append(py(f.aligned())).append('\n');
    sb.append("  writeable: ").append(py(f.writeable())).append('\n');
    sb.append("  memory: ")
        .append(String.format(Locale.ROOT, "%.2f MB", a.nbytes() / (1024.0 * 1024.0))).append('\n');
    sb.append("  base: ").append(py(a.base() != null))
        .append(a.base() != null ? " (a view; owns no data)" : " (owns its data)").append('\n');
    sb.append("  data: 0x").append(Long.toHexString(a.dataAddress())).append('\n');
    return sb.toString();
  }

  private static String py(boolean b) {
    return b ? "True" : "False";
  }
}
