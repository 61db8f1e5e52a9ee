package io.tessera.ndarray;

import io.tessera.dtype.DType;
import io.tessera.shape.Shapes;

/**
 * NumPy's {@code repr} of an array, character for character as NumPy 2.4 with the default print
 * options (precision 8, threshold 1000, edgeitems 3, linewidth 75, floatmode 'maxprec', sign '-',
 * legacy off): {@code array([[0, 1], [2, 3]])}.
 *
 * <p>Three steps, as in NumPy's {@code arrayprint}:
 *
 * <ol>
 *   <li>collect the elements that will be shown: all of them, or, above 1000 elements, the first
 *       and last 3 along every axis longer than 6 (only these are ever read, so a huge array costs
 *       no more than a small one);
 *   <li>build one element formatter from those elements for the dtype's kind: booleans
 *       ({@code " True"}/{@code "False"}), integers (right aligned to the widest), floats
 *       ({@link FormatFloat});
 *   <li>lay the texts out: brackets, {@code ", "} separators, rows wrapped before column 75 with a
 *       hanging indent, one blank line more per level between blocks of 3-D and higher,
 *       {@code ...} where elements were left out.
 * </ol>
 *
 * <p>The dtype is appended unless it is float64, int64 or bool (or the array is empty); the shape
 * is appended for summarized arrays and for empty arrays that are not 1-D, as NumPy 2.2+ does;
 * these go on a new line when they would pass column 75.
 */
final class ArrayFormat {
  private ArrayFormat() {}

  private static final int THRESHOLD = 1000;
  private static final int EDGE = 3;
  private static final int LINE_WIDTH = 75;
  private static final String PREFIX = "array(";

  /** Text of one shown element, from its raw value as {@link #collect} stores it. */
  interface ElementFormat {
    String format(long raw);
  }

  static String repr(NDArray a) {
    long[] shape = a.shape();
    DType t = a.dtype();
    boolean summarize = a.size() > THRESHOLD;
    String body;
    if (a.size() == 0) {
      body = "[]";
    } else {
      Shown shown = collect(a, summarize);
      ElementFormat f = formatter(t, shown.raw, shape.length == 0);
      // NumPy wraps at linewidth minus the closing ")" of the repr
      body = new Layout(shown, f).block(0, 0, " ".repeat(PREFIX.length() + 1),
          LINE_WIDTH - 1);
    }

    StringBuilder extras = new StringBuilder();
    if ((a.size() == 0 && shape.length != 1) || summarize) {
      extras.append("shape=").append(Shapes.format(shape));
    }
    boolean implied = t == DType.FLOAT64 || t == DType.INT64 || t == DType.BOOL;
    if (!implied || a.size() == 0) {
      extras.append(extras.length() > 0 ? ", " : "").append("dtype=").append(t.numpyName());
    }
    if (extras.length() == 0) {
      return PREFIX + body + ")";
    }
    String head = PREFIX + body + ",";
    String tail = extras + ")";
    int lastLine = head.length() - (head.lastIndexOf('\n') + 1);
    String spacer = lastLine + tail.length() + 1 > LINE_WIDTH
        ? "\n" + " ".repeat(PREFIX.length()) : " ";
    return head + spacer + tail;
  }

  // ------------------------------------------------------------------ 1. collect

  /**
   * The shown elements in C order over the shown grid, whose extent per axis is {@code dims};
   * {@code cut[d]} tells that axis d shows only its first and last {@code EDGE} indices.
   */
  private static final class Shown {
    final int[] dims;
    final boolean[] cut;
    final long[] raw;

    Shown(int[] dims, boolean[] cut, long[] raw) {
      this.dims = dims;
      this.cut = cut;
      this.raw = raw;
    }
  }

  /**
   * Reads the shown elements: booleans as 0/1, integers as their value (uint64 as its bits),
   * floats as their raw bits in their own width.
   */
  private static Shown collect(NDArray a, boolean summarize) {
    long[] shape = a.shape();
    int nd = shape.length;
    long[][] index = new long[nd][];
    int[] dims = new int[nd];
    boolean[] cut = new boolean[nd];
    int count = 1;
    for (int d = 0; d < nd; d++) {
      cut[d] = summarize && shape[d] > 2 * EDGE;
      index[d] = shownIndices(shape[d], cut[d]);
      dims[d] = index[d].length;
      count = Math.multiplyExact(count, dims[d]);
    }
    DType t = a.dtype();
    long[] raw = new long[count];
    int[] pos = new int[nd];
    long[] at = new long[nd];
    for (int k = 0; k < count; k++) {
      for (int d = 0; d < nd; d++) {
        at[d] = index[d][pos[d]];
      }
      if (t.isFloat()) {
        raw[k] = FormatDragon4.bitsOf(a.getDouble(at), t);
      } else if (t.isBool()) {
        raw[k] = a.getBoolean(at) ? 1 : 0;
      } else {
        raw[k] = a.getLong(at);
      }
      for (int d = nd - 1; d >= 0 && ++pos[d] == dims[d]; d--) {
        pos[d] = 0;
      }
    }
    return new Shown(dims, cut, raw);
  }

  private static long[] shownIndices(long n, boolean cut) {
    if (cut) {
      return new long[] {0, 1, 2, n - 3, n - 2, n - 1};
    }
    long[] r = new long[(int) n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  // ------------------------------------------------------------------ 2. element formatters

  private static ElementFormat formatter(DType t, long[] raw, boolean zeroD) {
    if (t.isFloat()) {
      return new FormatFloat(t, raw);
    }
    if (t.isBool()) {
      String trueText = zeroD ? "True" : " True"; // aligns with "False" except in 0-d arrays
      return v -> v != 0 ? trueText : "False";
    }
    boolean unsigned = t == DType.UINT64;
    int width = 0;
    for (long v : raw) {
      width = Math.max(width, text(v, unsigned).length());
    }
    int w = width;
    return v -> {
      String s = text(v, unsigned);
      return " ".repeat(w - s.length()) + s;
    };
  }

  private static String text(long v, boolean unsigned) {
    return unsigned ? Long.toUnsignedString(v) : Long.toString(v);
  }

  // ------------------------------------------------------------------ 3. layout

  /** NumPy's {@code _formatArray}: nested brackets, wrapping and summary markers. */
  private static final class Layout {
    private final int[] dims;
    private final boolean[] cut;
    private final long[] raw;
    private final int[] stride; // of the shown grid, in elements
    private final ElementFormat format;

    Layout(Shown shown, ElementFormat format) {
      this.dims = shown.dims;
      this.cut = shown.cut;
      this.raw = shown.raw;
      this.format = format;
      stride = new int[dims.length];
      int s = 1;
      for (int d = dims.length - 1; d >= 0; d--) {
        stride[d] = s;
        s *= dims[d];
      }
    }

    /**
     * The text of the sub-block at {@code axis} starting at flat position {@code base}. Its first
     * line continues a line already {@code hanging.length()} wide; lines must stay within
     * {@code width}.
     */
    String block(int axis, int base, String hanging, int width) {
      if (axis == dims.length) {
        return format.format(raw[base]);
      }
      int n = dims[axis];
      boolean gap = cut[axis];
      String inner = hanging + " ";
      StringBuilder s = new StringBuilder();
      if (axis == dims.length - 1) {
        int elemWidth = width - 1; // room for the "," or "]" that follows
        StringBuilder line = new StringBuilder(hanging);
        for (int i = 0; i < n; i++) {
          if (gap && i == EDGE) {
            extend(s, line, "...", elemWidth, hanging);
            line.append(", ");
          }
          extend(s, line, block(axis + 1, base + i * stride[axis], inner, width - 1), elemWidth,
              hanging);
          if (i < n - 1) {
            line.append(", ");
          }
        }
        s.append(line);
      } else {
        String separator = "," + "\n".repeat(dims.length - axis - 1);
        for (int i = 0; i < n; i++) {
          if (gap && i == EDGE) {
            s.append(hanging).append("...").append(separator);
          }
          s.append(hanging).append(block(axis + 1, base + i * stride[axis], inner, width - 1));
          if (i < n - 1) {
            s.append(separator);
          }
        }
      }
      return "[" + s.substring(hanging.length()) + "]";
    }

    /** Appends {@code word} to {@code line}, first moving the line to {@code s} if it is full. */
    private static void extend(StringBuilder s, StringBuilder line, String word, int width,
        String hanging) {
      if (line.length() + word.length() > width && line.length() > hanging.length()) {
        s.append(stripTrailing(line)).append('\n');
        line.setLength(0);
        line.append(hanging);
      }
      line.append(word);
    }

    private static String stripTrailing(CharSequence line) {
      int end = line.length();
      while (end > 0 && line.charAt(end - 1) == ' ') {
        end--;
      }
      return line.subSequence(0, end).toString();
    }
  }
}
