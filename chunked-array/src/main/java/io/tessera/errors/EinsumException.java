package io.tessera.errors;

import java.util.Arrays;

/**
 * A malformed einsum: bad subscripts, operands that do not match them, sizes that do not agree, an
 * invalid explicit contraction path. {@link #numpyMessage()} is NumPy's own text for the same
 * mistake (the C {@code np.einsum} wording, which {@code np.einsum} raises by default); the
 * exception message is that text followed by the subscripts and the operand shapes, and for size
 * mismatches which label and operand disagreed.
 */
public class EinsumException extends TesseraException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, for callers that branch on it rather than on text. */
  public enum Kind {
    /** No operand, or as many operands as NumPy refuses (64 or more). */
    OPERAND_COUNT,
    /** The subscripts name more (or fewer) operands than were given. */
    SUBSCRIPT_COUNT,
    /** A character that is not a letter, '.', ',', ' ' or part of "->". */
    INVALID_SUBSCRIPT,
    /** A subscripts string that is not ASCII (NumPy's UnicodeEncodeError). */
    NOT_ASCII,
    /** A '.' that is not part of exactly one "..." in a term. */
    BAD_ELLIPSIS,
    /** A '-' or '>' that is not part of a single "->". */
    BAD_ARROW,
    /** More labels than the operand has dimensions. */
    TOO_MANY_SUBSCRIPTS,
    /** An operand (or the output) has dimensions no label or ellipsis accounts for. */
    MISSING_ELLIPSIS,
    /** An output label given twice. */
    OUTPUT_REPEATED,
    /** An output label that no input has. */
    OUTPUT_NOT_IN_INPUT,
    /** A label repeated within one operand over dimensions of different sizes. */
    COLLAPSE_MISMATCH,
    /** A label (or an ellipsis dimension) whose sizes across operands do not broadcast. */
    SIZE_MISMATCH,
    /** More dimensions than NumPy supports (64). */
    TOO_MANY_DIMENSIONS,
    /** A shape with a negative dimension. */
    INVALID_SHAPE,
    /** An explicit contraction path that is not a valid plan for the operands. */
    INVALID_PATH,
    /** An optimizer name NumPy does not know. */
    UNKNOWN_STRATEGY
  }

  private final Kind kind;
  private final String numpyMessage;
  private final String subscripts;
  private final long[][] shapes;

  /**
   * @param op the operation, e.g. {@code "einsum"} or {@code "einsum_path"}
   * @param kind the category
   * @param numpyMessage NumPy's text for this error, verbatim
   * @param subscripts the subscripts string as given (may be null)
   * @param shapes the operand shapes as given (may be null)
   * @param detail extra explanation appended to the message (may be null)
   */
  public EinsumException(String op, Kind kind, String numpyMessage, String subscripts,
      long[][] shapes, String detail) {
    super(op, compose(numpyMessage, subscripts, shapes, detail));
    this.kind = kind;
    this.numpyMessage = numpyMessage;
    this.subscripts = subscripts;
    this.shapes = copy(shapes);
  }

  public Kind kind() {
    return kind;
  }

  /** NumPy's message for the same error, without Tessera's additions. */
  public String numpyMessage() {
    return numpyMessage;
  }

  /** The subscripts string that was being parsed, or null. */
  public String subscripts() {
    return subscripts;
  }

  /** The operand shapes, or null. */
  public long[][] operandShapes() {
    return copy(shapes);
  }

  private static long[][] copy(long[][] s) {
    if (s == null) {
      return null;
    }
    long[][] out = new long[s.length][];
    for (int i = 0; i < s.length; i++) {
      out[i] = s[i] == null ? null : s[i].clone();
    }
    return out;
  }

  private static String compose(String numpy, String subscripts, long[][] shapes,
      String detail) {
    StringBuilder sb = new StringBuilder(numpy);
    if (!numpy.isEmpty() && !Character.isWhitespace(numpy.charAt(numpy.length() - 1))) {
      sb.append(' ');
    }
    sb.append("[einsum");
    if (subscripts != null) {
      sb.append(" '").append(subscripts).append('\'');
    }
    if (shapes != null) {
      sb.append(shapes.length == 1 ? " on operand shape " : " on operand shapes ");
      for (int i = 0; i < shapes.length; i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(tuple(shapes[i]));
      }
    }
    if (detail != null) {
      sb.append(": ").append(detail);
    }
    return sb.append(']').toString();
  }

  /** A shape as Python prints a tuple: {@code ()}, {@code (4,)}, {@code (2, 3)}. */
  public static String tuple(long[] shape) {
    if (shape == null) {
      return "None";
    }
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    String s = Arrays.toString(shape);
    return "(" + s.substring(1, s.length() - 1) + ")";
  }
}
