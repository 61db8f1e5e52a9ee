package io.tessera.index;

import io.tessera.errors.IndexOutOfRangeException;
import io.tessera.errors.IndexSyntaxException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Parses the text of a NumPy basic index, as written between the brackets of {@code a[...]}, into
 * a list of {@link Index} entries.
 *
 * <p>Accepted, comma separated, whitespace anywhere between tokens:
 *
 * <ul>
 *   <li>integers {@code 3}, {@code -1}, {@code +2} (digits may be grouped with {@code _} as in
 *       Python): {@link Index.At};
 *   <li>slices {@code start:stop:step} with every part optional ({@code :}, {@code ::2}, {@code
 *       1:}, {@code ::-1}): {@link Index.Slice};
 *   <li>{@code None}, {@code newaxis}, {@code np.newaxis}, {@code numpy.newaxis}: {@link
 *       Index.NewAxis};
 *   <li>{@code ...} or {@code Ellipsis}: {@link Index.Ellipsis}, at most once.
 * </ul>
 *
 * <p>An empty (or blank) string is the empty index {@code a[()]}; one trailing comma is allowed,
 * as in Python ({@code "1,"} is {@code a[1,]}). Slice bounds beyond the range of a long are clamped
 * to it, which is what Python does before any slicing (PySlice_Unpack), so they keep their meaning.
 * An integer index beyond the range of a long is rejected with NumPy's IndexError text.
 */
public final class IndexParser {
  private static final String OP = "index";
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final String text;
  private int pos;

  private IndexParser(String text) {
    this.text = text;
  }

  /**
   * Parses {@code text} into index entries.
   *
   * @throws IndexSyntaxException for text that is not an index ("index: cannot parse '1:a' at
   *     position 2", positions counted from 0), a zero slice step ("slice step cannot be zero") or a
   *     second ellipsis ("an index can only have a single ellipsis ('...')")
   * @throws IndexOutOfRangeException for an integer index that does not fit in a long
   */
  public static List<Index> parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("index text is null");
    }
    return new IndexParser(text).parseAll();
  }

  private List<Index> parseAll() {
    List<Index> out = new ArrayList<>();
    skipSpace();
    if (atEnd()) {
      return Collections.unmodifiableList(out);
    }
    boolean sawEllipsis = false;
    while (true) {
      Index ix = parseItem();
      if (ix instanceof Index.Ellipsis) {
        if (sawEllipsis) {
          throw new IndexSyntaxException(OP, "an index can only have a single ellipsis ('...')");
        }
        sawEllipsis = true;
      }
      out.add(ix);
      skipSpace();
      if (atEnd()) {
        break;
      }
      expect(',');
      skipSpace();
      if (atEnd()) {
        break; // one trailing comma: a tuple
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** One entry: an ellipsis, a named constant, an integer or a slice. */
  private Index parseItem() {
    if (text.startsWith("...", pos)) {
      pos += 3;
      return Index.ellipsis();
    }
    if (pos < text.length() && isNameStart(text.charAt(pos))) {
      return parseName();
    }
    int itemStart = pos;
    BigInteger start = parseOptionalInteger();
    skipSpace();
    if (!atEnd() && text.charAt(pos) == ':') {
      pos++;
      skipSpace();
      BigInteger stop = parseOptionalInteger();
      skipSpace();
      BigInteger step = null;
      if (!atEnd() && text.charAt(pos) == ':') {
        pos++;
        skipSpace();
        step = parseOptionalInteger();
      }
      if (step != null && step.signum() == 0) {
        throw new IndexSyntaxException(OP, "slice step cannot be zero");
      }
      return Index.slice(clamp(start), clamp(stop), step == null ? 1 : clamp(step));
    }
    if (start == null) {
      throw error(itemStart);
    }
    if (start.bitLength() > 63) {
      throw new IndexOutOfRangeException(OP, "only integers, slices (`:`), ellipsis (`...`), "
          + "numpy.newaxis (`None`) and integer or boolean arrays are valid indices");
    }
    return Index.at(start.longValue());
  }

  /** {@code None}, {@code newaxis}, {@code np.newaxis}, {@code numpy.newaxis}, {@code Ellipsis}. */
  private Index parseName() {
    int start = pos;
    while (pos < text.length() && isNamePart(text.charAt(pos))) {
      pos++;
    }
    switch (text.substring(start, pos)) {
      case "None", "newaxis", "np.newaxis", "numpy.newaxis":
        return Index.newAxis();
      case "Ellipsis":
        return Index.ellipsis();
      default:
        throw error(start);
    }
  }

  /**
   * An optionally signed integer, or null when the next token does not start one. A sign must be
   * followed by digits.
   */
  private BigInteger parseOptionalInteger() {
    if (atEnd()) {
      return null;
    }
    char c = text.charAt(pos);
    boolean negative = false;
    if (c == '-' || c == '+') {
      negative = c == '-';
      pos++;
      skipSpace();
      if (atEnd() || !isDigit(text.charAt(pos))) {
        throw error(pos);
      }
    } else if (!isDigit(c)) {
      return null;
    }
    StringBuilder digits = new StringBuilder();
    while (pos < text.length()) {
      char d = text.charAt(pos);
      if (isDigit(d)) {
        digits.append(d);
        pos++;
      } else if (d == '_' && pos + 1 < text.length() && isDigit(text.charAt(pos + 1))) {
        pos++; // Python's digit grouping: 1_000
      } else {
        break;
      }
    }
    if (pos < text.length() && isNamePart(text.charAt(pos))) {
      throw error(pos); // "1a", "1_", "2.5"
    }
    BigInteger value = new BigInteger(digits.toString());
    return negative ? value.negate() : value;
  }

  /** Python clamps slice bounds and steps to the Py_ssize_t range; null stays null. */
  private static Long clamp(BigInteger v) {
    if (v == null) {
      return null;
    }
    return v.max(LONG_MIN).min(LONG_MAX).longValue();
  }

  private void expect(char c) {
    if (atEnd() || text.charAt(pos) != c) {
      throw error(pos);
    }
    pos++;
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private boolean atEnd() {
    return pos >= text.length();
  }

  private IndexSyntaxException error(int at) {
    return new IndexSyntaxException(OP, OP + ": cannot parse '" + text + "' at position " + at);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isNameStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static boolean isNamePart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '.';
  }
}
