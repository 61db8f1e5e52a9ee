package io.tessera.linalg.einsum;

import io.tessera.errors.EinsumException;
import io.tessera.errors.EinsumException.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A parsed einsum: NumPy's whole subscript grammar checked against the operand shapes, exactly as
 * {@code np.einsum} (its C parser) accepts or rejects it, with NumPy's error texts.
 *
 * <p>Grammar: terms separated by ',', one per operand, then optionally "->" and the output term.
 * Labels are ASCII letters (case matters); spaces are ignored; one "..." per term stands for the
 * operand's dimensions that no label names (broadcast right-aligned across operands, size-1
 * dimensions stretch, like NumPy broadcasting). A label repeated within a term takes the
 * diagonal ("ii" is the trace, "ii->i" the diagonal). A label in several terms must have
 * broadcast-compatible sizes (equal, or 1). Without "->" the output is the broadcast ("...")
 * dimensions followed by every label that appears exactly once, in ASCII order (uppercase before
 * lowercase). With "->" the output is as written; its labels must appear in an input and only
 * once; "..." is required there iff the inputs have ellipsis dimensions.
 *
 * <p>One C-parser limit is not applied: np.einsum without optimize= refuses ("iterator is too
 * large") an einsum whose combined index space exceeds 2**63 elements, which the pairwise path
 * (and np.einsum with optimize=) handles; such specs parse here.
 *
 * <p>The parsed form is NumPy's {@code einsum_path} form: the ellipsis is replaced in every term by
 * generated labels (one per broadcast dimension, right-aligned), so each term has exactly one label
 * per operand dimension. NumPy draws those labels from a hash-ordered set, so its choice varies
 * from one Python process to the next; by default Tessera takes the unused letters in the order
 * {@code A..Za..z} and uses the last ones ("...ij,...jk" with 3-d operands becomes "zij,zjk->zik").
 * {@link #parseWithEllipsisLabels} reproduces a given NumPy run's choice.
 *
 * <p>Deliberate difference: NumPy's single-operand view path accepts "ii->i" on a (0, 3) operand
 * (an uninitialised-size check) and returns a length-3 view of an empty array; Tessera rejects it
 * with NumPy's own "collapsing index" message.
 */
public final class EinsumSpec {
  /** NumPy's limit on operands (einsum refuses 64 or more). */
  static final int MAXARGS = 64;
  /** NumPy's limit on dimensions. */
  static final int MAXDIMS = 64;
  /** NumPy's einsum_symbols, in its order. */
  static final String SYMBOLS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private final String subscripts;
  private final long[][] shapes;
  private final List<String> inputs;
  private final String output;
  private final String ellipsisLabels;
  private final boolean explicitOutput;
  private final TreeMap<Character, Long> sizes;
  private final long[] outputShape;

  private EinsumSpec(String subscripts, long[][] shapes, List<String> inputs, String output,
      String ellipsisLabels, boolean explicitOutput, TreeMap<Character, Long> sizes,
      long[] outputShape) {
    this.subscripts = subscripts;
    this.shapes = shapes;
    this.inputs = Collections.unmodifiableList(inputs);
    this.output = output;
    this.ellipsisLabels = ellipsisLabels;
    this.explicitOutput = explicitOutput;
    this.sizes = sizes;
    this.outputShape = outputShape;
  }

  /**
   * Parses {@code subscripts} for operands of the given shapes.
   *
   * @throws EinsumException with NumPy's message for any malformed subscripts or mismatched shapes
   */
  public static EinsumSpec parse(String subscripts, long[]... operandShapes) {
    return new Parser(subscripts, null, operandShapes).run();
  }

  /**
   * As {@link #parse}, but the ellipsis dimensions get the given labels (left to right, one per
   * broadcast dimension of the result; an operand with fewer ellipsis dimensions takes the last
   * ones). This reproduces a particular NumPy process's choice, which matters only for the order
   * of equal-sized indices in intermediate terms. The labels must be distinct ASCII letters that
   * the subscripts do not use, exactly as many as there are broadcast dimensions.
   *
   * @throws IllegalArgumentException if {@code ellipsisLabels} does not fit
   */
  public static EinsumSpec parseWithEllipsisLabels(String subscripts, String ellipsisLabels,
      long[]... operandShapes) {
    return new Parser(subscripts, Objects.requireNonNull(ellipsisLabels, "ellipsisLabels"),
        operandShapes).run();
  }

  /** The subscripts string as given. */
  public String subscripts() {
    return subscripts;
  }

  public int numOperands() {
    return shapes.length;
  }

  /** A copy of operand {@code i}'s shape. */
  public long[] operandShape(int i) {
    return shapes[i].clone();
  }

  /** Copies of all operand shapes. */
  public long[][] operandShapes() {
    long[][] out = new long[shapes.length][];
    for (int i = 0; i < shapes.length; i++) {
      out[i] = shapes[i].clone();
    }
    return out;
  }

  /**
   * Operand {@code i}'s term after ellipsis expansion: one label per dimension of the operand
   * (repeated labels kept, e.g. "ii").
   */
  public String input(int i) {
    return inputs.get(i);
  }

  /** Every operand's term after ellipsis expansion. */
  public List<String> inputs() {
    return inputs;
  }

  /** The output term after ellipsis expansion (implicit output computed as NumPy does). */
  public String output() {
    return output;
  }

  /** Whether the subscripts had "->". */
  public boolean explicitOutput() {
    return explicitOutput;
  }

  /** The labels standing for the broadcast dimensions, left to right ("" without ellipsis). */
  public String ellipsisLabels() {
    return ellipsisLabels;
  }

  /** Every label (letters and generated ellipsis labels), in char order. */
  public String labels() {
    StringBuilder sb = new StringBuilder();
    for (char c : sizes.keySet()) {
      sb.append(c);
    }
    return sb.toString();
  }

  /** The (broadcast) size of a label. */
  public long size(char label) {
    Long s = sizes.get(label);
    if (s == null) {
      throw new IllegalArgumentException("label '" + label + "' is not in " + expression());
    }
    return s;
  }

  /** Label to broadcast size, in char order. */
  public Map<Character, Long> sizes() {
    return Collections.unmodifiableMap(sizes);
  }

  /** The result's shape. */
  public long[] outputShape() {
    return outputShape.clone();
  }

  /** "in0,in1,...->out" after expansion: NumPy einsum_path's "Complete contraction". */
  public String expression() {
    return String.join(",", inputs) + "->" + output;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("EinsumSpec[").append(expression()).append(" shapes ");
    for (int i = 0; i < shapes.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(EinsumException.tuple(shapes[i]));
    }
    return sb.append(']').toString();
  }

  /** One parse, following numpy/_core/src/multiarray/einsum.c.src step by step. */
  private static final class Parser {
    private final String subscripts;
    private final String wantedEllipsis;
    private final long[][] shapes;
    private char[] s;
    private final int[] counts = new int[128];
    private int minLabel = 127;
    private int maxLabel = 0;

    Parser(String subscripts, String wantedEllipsis, long[][] operandShapes) {
      this.subscripts = Objects.requireNonNull(subscripts, "subscripts");
      this.wantedEllipsis = wantedEllipsis;
      long[][] sh = operandShapes == null ? new long[0][] : operandShapes;
      this.shapes = new long[sh.length][];
      for (int i = 0; i < sh.length; i++) {
        this.shapes[i] = Objects.requireNonNull(sh[i], "operand shape " + i).clone();
      }
    }

    private EinsumException err(Kind kind, String numpy) {
      return err(kind, numpy, null);
    }

    private EinsumException err(Kind kind, String numpy, String detail) {
      return new EinsumException("einsum", kind, numpy, subscripts, shapes, detail);
    }

    private char at(int i) {
      return i < s.length ? s[i] : '\0';
    }

    EinsumSpec run() {
      for (long[] shape : shapes) {
        if (shape.length > MAXDIMS) {
          throw err(Kind.TOO_MANY_DIMENSIONS, "maximum supported dimension for an ndarray is "
              + "currently " + MAXDIMS + ", found " + shape.length);
        }
        for (long d : shape) {
          if (d < 0) {
            throw err(Kind.INVALID_SHAPE, "negative dimensions are not allowed");
          }
        }
      }
      int nop = shapes.length;
      if (nop == 0) {
        throw err(Kind.OPERAND_COUNT, "must specify the einstein sum subscripts string and at "
            + "least one operand");
      }
      if (nop >= MAXARGS) {
        throw err(Kind.OPERAND_COUNT, "too many operands");
      }
      checkAscii();
      int nul = subscripts.indexOf('\0');
      s = (nul < 0 ? subscripts : subscripts.substring(0, nul)).toCharArray();

      // The operand terms.
      int[][] opLabels = new int[nop][];
      int p = 0;
      for (int iop = 0; iop < nop; iop++) {
        int length = 0;
        while (p + length < s.length && s[p + length] != ',' && s[p + length] != '-') {
          length++;
        }
        char term = at(p + length);
        if (iop == nop - 1 && term == ',') {
          throw err(Kind.SUBSCRIPT_COUNT, "more operands provided to einstein sum function than "
              + "specified in the subscripts string", termCountDetail(nop));
        } else if (iop < nop - 1 && term != ',') {
          throw err(Kind.SUBSCRIPT_COUNT, "fewer operands provided to einstein sum function than "
              + "specified in the subscripts string", termCountDetail(nop));
        }
        opLabels[iop] = parseOperand(p, length, shapes[iop].length, iop);
        p += length;
        if (iop < nop - 1) {
          p++;
        }
      }

      int ndimBroadcast = 0;
      for (int[] labels : opLabels) {
        int zeros = 0;
        for (int l : labels) {
          if (l == 0) {
            zeros++;
          }
        }
        ndimBroadcast = Math.max(ndimBroadcast, zeros);
      }

      // The output term.
      int[] outLabels;
      boolean explicit;
      if (p >= s.length) {
        explicit = false;
        int[] tmp = new int[MAXDIMS];
        int n = 0;
        while (n < ndimBroadcast) {
          tmp[n++] = 0;
        }
        for (int label = minLabel; label <= maxLabel; label++) {
          if (counts[label] == 1) {
            if (n < MAXDIMS) {
              tmp[n++] = label;
            } else {
              throw err(Kind.TOO_MANY_DIMENSIONS,
                  "einstein sum subscript string has too many distinct labels");
            }
          }
        }
        outLabels = Arrays.copyOf(tmp, n);
      } else {
        if (at(p) != '-' || at(p + 1) != '>') {
          throw err(Kind.BAD_ARROW, "einstein sum subscript string does not contain proper '->' "
              + "output specified");
        }
        explicit = true;
        p += 2;
        outLabels = parseOutput(p, s.length - p, ndimBroadcast);
      }
      int ndimOut = outLabels.length;

      long[] iterShape;
      int[] iterLabels;
      long[] view = nop == 1 ? singleOperandView(opLabels[0], outLabels) : null;
      if (view != null) {
        iterShape = view;
        iterLabels = outLabels;
      } else {
        // Collapse repeated labels into diagonals, operand by operand.
        long[][] dims = new long[nop][];
        int[][] labs = new int[nop][];
        for (int iop = 0; iop < nop; iop++) {
          combine(iop, opLabels[iop], dims, labs);
        }
        int[] tmp = Arrays.copyOf(outLabels, MAXDIMS);
        int ndimIter = ndimOut;
        for (int label = minLabel; label <= maxLabel; label++) {
          if (counts[label] > 0 && indexOf(outLabels, ndimOut, label) < 0) {
            if (ndimIter >= MAXDIMS) {
              throw err(Kind.TOO_MANY_DIMENSIONS, "too many subscripts in einsum");
            }
            tmp[ndimIter++] = label;
          }
        }
        iterLabels = Arrays.copyOf(tmp, ndimIter);
        int[][] axes = new int[nop][];
        for (int iop = 0; iop < nop; iop++) {
          axes[iop] = opAxes(labs[iop], iterLabels);
        }
        iterShape = broadcast(dims, axes, iterLabels);
      }

      // NumPy einsum_path's expanded form.
      String ell = ellipsisLabels(ndimBroadcast);
      TreeMap<Character, Long> sizes = new TreeMap<>();
      int b = 0;
      for (int i = 0; i < iterLabels.length; i++) {
        if (iterLabels[i] == 0) {
          sizes.put(ell.charAt(b++), iterShape[i]);
        } else {
          sizes.put((char) iterLabels[i], iterShape[i]);
        }
      }
      List<String> inputs = new ArrayList<>(nop);
      for (int[] labels : opLabels) {
        inputs.add(expand(labels, ell));
      }
      String output = expand(outLabels, ell);
      return new EinsumSpec(subscripts, shapes, inputs, output, ell, explicit, sizes,
          Arrays.copyOf(iterShape, ndimOut));
    }

    private String termCountDetail(int nop) {
      int arrow = subscripts.indexOf("->");
      String in = arrow < 0 ? subscripts : subscripts.substring(0, arrow);
      int terms = 1;
      for (int i = 0; i < in.length(); i++) {
        if (in.charAt(i) == ',') {
          terms++;
        }
      }
      return "the subscripts have " + terms + (terms == 1 ? " term" : " terms") + " for " + nop
          + (nop == 1 ? " operand" : " operands");
    }

    /** Python's str.encode('ascii') failure, which np.einsum raises first. */
    private void checkAscii() {
      int[] cps = subscripts.codePoints().toArray();
      for (int i = 0; i < cps.length; i++) {
        if (cps[i] > 127) {
          int j = i;
          while (j + 1 < cps.length && cps[j + 1] > 127) {
            j++;
          }
          String what = j == i
              ? "character " + pyRepr(cps[i]) + " in position " + i
              : "characters in position " + i + "-" + j;
          throw err(Kind.NOT_ASCII, "'ascii' codec can't encode " + what
              + ": ordinal not in range(128)");
        }
      }
    }

    private static String pyRepr(int cp) {
      if (cp < 0x100) {
        return String.format("'\\x%02x'", cp);
      } else if (cp < 0x10000) {
        return String.format("'\\u%04x'", cp);
      }
      return String.format("'\\U%08x'", cp);
    }

    private static boolean isLetter(int c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    /**
     * One operand's labels: the letter for a first occurrence, the (negative) offset to the first
     * occurrence for a repeat, 0 for a broadcast dimension.
     */
    private int[] parseOperand(int start, int length, int ndim, int iop) {
      int[] labels = new int[ndim];
      int idim = 0;
      int ellipsis = -1;
      for (int i = 0; i < length; i++) {
        char label = s[start + i];
        if (isLetter(label)) {
          if (idim >= ndim) {
            throw err(Kind.TOO_MANY_SUBSCRIPTS, "einstein sum subscripts string contains too "
                + "many subscripts for operand " + iop,
                "operand " + iop + " has " + ndim + (ndim == 1 ? " dimension" : " dimensions"));
          }
          labels[idim++] = label;
          minLabel = Math.min(minLabel, label);
          maxLabel = Math.max(maxLabel, label);
          counts[label]++;
        } else if (label == '.') {
          if (ellipsis != -1 || i + 2 >= length || s[start + ++i] != '.'
              || s[start + ++i] != '.') {
            throw err(Kind.BAD_ELLIPSIS, "einstein sum subscripts string contains a '.' that is "
                + "not part of an ellipsis ('...') in operand " + iop);
          }
          ellipsis = idim;
        } else if (label != ' ') {
          throw err(Kind.INVALID_SUBSCRIPT, "invalid subscript '" + label + "' in einstein sum "
              + "subscripts string, subscripts must be letters");
        }
      }
      if (ellipsis == -1) {
        if (idim != ndim) {
          throw err(Kind.MISSING_ELLIPSIS, "operand has more dimensions than subscripts given in "
              + "einstein sum, but no '...' ellipsis provided to broadcast the extra dimensions.",
              "operand " + iop + " has " + ndim + " dimensions and " + idim
                  + (idim == 1 ? " label" : " labels"));
        }
      } else if (idim < ndim) {
        for (int i = 0; i < idim - ellipsis; i++) {
          labels[ndim - i - 1] = labels[idim - i - 1];
        }
        for (int i = 0; i < ndim - idim; i++) {
          labels[ellipsis + i] = 0;
        }
      }
      for (int d = 0; d < ndim - 1; d++) {
        int label = labels[d];
        if (label > 0) {
          for (int e = d + 1; e < ndim; e++) {
            if (labels[e] == label) {
              labels[e] = d - e;
            }
          }
        }
      }
      return labels;
    }

    private int[] parseOutput(int start, int length, int ndimBroadcast) {
      int[] out = new int[MAXDIMS + ndimBroadcast];
      int ndim = 0;
      boolean ellipsis = false;
      for (int i = 0; i < length; i++) {
        char label = s[start + i];
        if (isLetter(label)) {
          for (int j = i + 1; j < length; j++) {
            if (s[start + j] == label) {
              throw err(Kind.OUTPUT_REPEATED, "einstein sum subscripts string includes output "
                  + "subscript '" + label + "' multiple times");
            }
          }
          if (counts[label] == 0) {
            throw err(Kind.OUTPUT_NOT_IN_INPUT, "einstein sum subscripts string included output "
                + "subscript '" + label + "' which never appeared in an input");
          }
          if (ndim >= MAXDIMS) {
            throw err(Kind.TOO_MANY_DIMENSIONS,
                "einstein sum subscripts string contains too many subscripts in the output");
          }
          out[ndim++] = label;
        } else if (label == '.') {
          if (ellipsis || i + 2 >= length || s[start + ++i] != '.' || s[start + ++i] != '.') {
            throw err(Kind.BAD_ELLIPSIS, "einstein sum subscripts string contains a '.' that is "
                + "not part of an ellipsis ('...') in the output");
          }
          if (ndim + ndimBroadcast > MAXDIMS) {
            throw err(Kind.TOO_MANY_DIMENSIONS,
                "einstein sum subscripts string contains too many subscripts in the output");
          }
          ellipsis = true;
          for (int b = 0; b < ndimBroadcast; b++) {
            out[ndim++] = 0;
          }
        } else if (label != ' ') {
          throw err(Kind.INVALID_SUBSCRIPT, "invalid subscript '" + label + "' in einstein sum "
              + "subscripts string, subscripts must be letters");
        }
      }
      if (!ellipsis && ndimBroadcast > 0) {
        throw err(Kind.MISSING_ELLIPSIS, "output has more dimensions than subscripts given in "
            + "einstein sum, but no '...' ellipsis provided to broadcast the extra dimensions.",
            "the inputs have " + ndimBroadcast + " ellipsis "
                + (ndimBroadcast == 1 ? "dimension" : "dimensions"));
      }
      return Arrays.copyOf(out, ndim);
    }

    /**
     * NumPy's get_single_op_view: with one operand and every label kept, the result is a view and
     * this returns its shape; null if some label is summed (then the general path runs).
     */
    private long[] singleOperandView(int[] labels, int[] outLabels) {
      long[] shape = shapes[0];
      long[] newDims = new long[outLabels.length];
      boolean[] seen = new boolean[outLabels.length];
      int ibroadcast = 0;
      int idim;
      for (idim = 0; idim < shape.length; idim++) {
        int label = labels[idim];
        if (label < 0) {
          label = labels[idim + label];
        }
        if (label == 0) {
          while (ibroadcast < outLabels.length && outLabels[ibroadcast] != 0) {
            ibroadcast++;
          }
          if (ibroadcast == outLabels.length) {
            throw err(Kind.MISSING_ELLIPSIS, "output had too few broadcast dimensions");
          }
          newDims[ibroadcast++] = shape[idim];
        } else {
          int i = indexOf(outLabels, outLabels.length, label);
          if (i < 0) {
            break;
          }
          if (seen[i] && newDims[i] != shape[idim]) {
            throw err(Kind.COLLAPSE_MISMATCH, "dimensions in single operand for collapsing index '"
                + (char) label + "' don't match (" + (int) newDims[i] + " != " + (int) shape[idim]
                + ")");
          }
          newDims[i] = shape[idim];
          seen[i] = true;
        }
      }
      return idim == shape.length ? newDims : null;
    }

    /** NumPy's get_combined_dims_view: the operand with repeated labels merged. */
    private void combine(int iop, int[] labels, long[][] dimsOut, int[][] labsOut) {
      long[] shape = shapes[iop];
      int ndim = shape.length;
      int[] map = new int[ndim];
      long[] dims = new long[ndim];
      int[] labs = new int[ndim];
      int n = 0;
      for (int idim = 0; idim < ndim; idim++) {
        int label = labels[idim];
        if (label >= 0) {
          map[idim] = n;
          dims[n] = shape[idim];
          labs[n] = label;
          n++;
        } else {
          int i = map[idim + label];
          map[idim] = -1;
          if (dims[i] != shape[idim]) {
            char orig = (char) labels[idim + label];
            throw err(Kind.COLLAPSE_MISMATCH, "dimensions in operand " + iop + " for collapsing "
                + "index '" + orig + "' don't match (" + (int) dims[i] + " != " + (int) shape[idim]
                + ")");
          }
        }
      }
      dimsOut[iop] = Arrays.copyOf(dims, n);
      labsOut[iop] = Arrays.copyOf(labs, n);
    }

    /** NumPy's prepare_op_axes: iterator axis to operand axis, -1 for newaxis. */
    private static int[] opAxes(int[] labels, int[] iterLabels) {
      int[] axes = new int[iterLabels.length];
      int ibroadcast = labels.length - 1;
      for (int i = iterLabels.length - 1; i >= 0; i--) {
        int label = iterLabels[i];
        if (label == 0) {
          while (ibroadcast >= 0 && labels[ibroadcast] != 0) {
            ibroadcast--;
          }
          axes[i] = ibroadcast < 0 ? -1 : ibroadcast--;
        } else {
          axes[i] = indexOf(labels, labels.length, label);
        }
      }
      return axes;
    }

    /** The iterator's broadcast, with nditer's "remapped shapes" message on failure. */
    private long[] broadcast(long[][] dims, int[][] axes, int[] iterLabels) {
      long[] shape = new long[iterLabels.length];
      Arrays.fill(shape, 1);
      int[] from = new int[iterLabels.length];
      Arrays.fill(from, -1);
      for (int iop = 0; iop < dims.length; iop++) {
        for (int idim = 0; idim < iterLabels.length; idim++) {
          int ax = axes[iop][idim];
          if (ax < 0) {
            continue;
          }
          long d = dims[iop][ax];
          if (shape[idim] == 1) {
            shape[idim] = d;
            from[idim] = iop;
          } else if (shape[idim] != d && d != 1) {
            throw err(Kind.SIZE_MISMATCH, remappedMessage(dims, axes, iterLabels.length),
                mismatchDetail(iterLabels, idim, iop, d, shape[idim]));
          }
        }
      }
      return shape;
    }

    private static String mismatchDetail(int[] iterLabels, int idim, int iop, long d, long prev) {
      String what;
      if (iterLabels[idim] == 0) {
        int k = 0;
        for (int i = 0; i < idim; i++) {
          if (iterLabels[i] == 0) {
            k++;
          }
        }
        what = "ellipsis dimension " + k;
      } else {
        what = "label '" + (char) iterLabels[idim] + "'";
      }
      return "size of " + what + " for operand " + iop + " (" + d
          + ") does not match previous terms (" + prev + ")";
    }

    private static String remappedMessage(long[][] dims, int[][] axes, int ndimIter) {
      StringBuilder sb = new StringBuilder("operands could not be broadcast together with "
          + "remapped shapes [original->remapped]: ");
      for (int iop = 0; iop < dims.length; iop++) {
        sb.append(shapeString(dims[iop])).append("->");
        long[] rem = new long[ndimIter];
        for (int i = 0; i < ndimIter; i++) {
          int ax = axes[iop][i];
          rem[i] = ax >= 0 && ax < dims[iop].length ? dims[iop][ax] : -1;
        }
        sb.append(shapeString(rem)).append(' ');
      }
      return sb.toString();
    }

    /** NumPy's convert_shape_to_string: leading newaxes dropped, "(n,)" only for one entry. */
    static String shapeString(long[] vals) {
      int i = 0;
      while (i < vals.length && vals[i] < 0) {
        i++;
      }
      if (i == vals.length) {
        return "()";
      }
      StringBuilder sb = new StringBuilder().append(vals[i++]);
      for (; i < vals.length; i++) {
        sb.append(',').append(vals[i] < 0 ? "newaxis" : Long.toString(vals[i]));
      }
      return i == 1 ? "(" + sb + ",)" : "(" + sb + ")";
    }

    private static int indexOf(int[] labels, int n, int label) {
      for (int i = 0; i < n; i++) {
        if (labels[i] == label) {
          return i;
        }
      }
      return -1;
    }

    private String ellipsisLabels(int count) {
      boolean[] used = new boolean[128];
      for (char c : s) {
        if (isLetter(c)) {
          used[c] = true;
        }
      }
      if (wantedEllipsis != null) {
        if (wantedEllipsis.length() != count) {
          throw new IllegalArgumentException("need " + count + " ellipsis labels for '"
              + subscripts + "', got '" + wantedEllipsis + "'");
        }
        for (int i = 0; i < count; i++) {
          char c = wantedEllipsis.charAt(i);
          if (!isLetter(c) || used[c] || wantedEllipsis.indexOf(c) != i) {
            throw new IllegalArgumentException("ellipsis label '" + c + "' in '" + wantedEllipsis
                + "' must be a letter used nowhere else in '" + subscripts + "'");
          }
        }
        return wantedEllipsis;
      }
      StringBuilder unused = new StringBuilder();
      for (int i = 0; i < SYMBOLS.length(); i++) {
        if (!used[SYMBOLS.charAt(i)]) {
          unused.append(SYMBOLS.charAt(i));
        }
      }
      // Beyond 52 labels NumPy's Python parser runs out; Tessera continues with letters from
      // Latin-1 (U+00C0 on) placed before the ASCII ones.
      StringBuilder extra = new StringBuilder();
      for (char c = '\u00C0'; unused.length() + extra.length() < count; c++) {
        extra.append(c);
      }
      String all = extra.toString() + unused;
      return all.substring(all.length() - count);
    }

    private static String expand(int[] labels, String ell) {
      int zeros = 0;
      for (int l : labels) {
        if (l == 0) {
          zeros++;
        }
      }
      StringBuilder sb = new StringBuilder(labels.length);
      int b = ell.length() - zeros;
      for (int i = 0; i < labels.length; i++) {
        int l = labels[i];
        if (l < 0) {
          l = labels[i + l];
        }
        sb.append(l == 0 ? ell.charAt(b++) : (char) l);
      }
      return sb.toString();
    }
  }
}
