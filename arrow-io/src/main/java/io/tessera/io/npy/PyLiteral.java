package io.tessera.io.npy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser for the subset of Python literals that NumPy writes in a {@code .npy} header
 * ({@code ast.literal_eval} of a dict of str, bool and tuples of ints). It accepts dicts, lists,
 * tuples, single- or double-quoted strings with the usual escapes, decimal integers (with an
 * optional sign, and the Python 2 {@code L} suffix when asked), {@code True}, {@code False} and
 * {@code None}; trailing commas and whitespace as Python allows. Anything else, including
 * duplicate keys, is a {@link SyntaxError}. Nesting is limited so that hostile input cannot
 * overflow the stack, and the parser is linear in the input.
 */
final class PyLiteral {
  /** Python's tuple, as distinct from a list. */
  record Tuple(List<Object> items) {}

  /** Python's None. */
  enum None { NONE }

  /** Thrown for anything that is not a literal of the accepted subset. */
  static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxError(String message, int pos) {
      super(message + " at offset " + pos);
    }
  }

  private static final int MAX_DEPTH = 16;

  private final String s;
  private final boolean allowLongSuffix;
  private int pos;

  private PyLiteral(String s, boolean allowLongSuffix) {
    this.s = s;
    this.allowLongSuffix = allowLongSuffix;
  }

  /**
   * Parses one literal filling all of {@code text} (leading and trailing whitespace allowed).
   *
   * @param allowLongSuffix accept {@code 3L} (headers written by NumPy on Python 2)
   */
  static Object parse(String text, boolean allowLongSuffix) throws SyntaxError {
    PyLiteral p = new PyLiteral(text, allowLongSuffix);
    p.skipSpace();
    Object v = p.value(0);
    p.skipSpace();
    if (p.pos != text.length()) {
      throw new SyntaxError("unexpected '" + printable(text.charAt(p.pos)) + "' after the literal",
          p.pos);
    }
    return v;
  }

  private Object value(int depth) throws SyntaxError {
    if (depth > MAX_DEPTH) {
      throw new SyntaxError("nesting deeper than " + MAX_DEPTH, pos);
    }
    if (pos >= s.length()) {
      throw new SyntaxError("unexpected end of header", pos);
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{':
        return dict(depth);
      case '(':
        return tuple(depth);
      case '[':
        return list(depth);
      case '\'':
      case '"':
        return string();
      default:
        break;
    }
    if (c == '-' || c == '+' || (c >= '0' && c <= '9')) {
      return integer();
    }
    if (Character.isLetter(c) || c == '_') {
      int start = pos;
      while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
        pos++;
      }
      String word = s.substring(start, pos);
      switch (word) {
        case "True": return Boolean.TRUE;
        case "False": return Boolean.FALSE;
        case "None": return None.NONE;
        default: throw new SyntaxError("unexpected name '" + abbreviate(word) + "'", start);
      }
    }
    throw new SyntaxError("unexpected '" + printable(c) + "'", pos);
  }

  private Map<String, Object> dict(int depth) throws SyntaxError {
    int open = pos;
    pos++; // '{'
    Map<String, Object> m = new LinkedHashMap<>();
    skipSpace();
    while (true) {
      if (pos >= s.length()) {
        throw new SyntaxError("unterminated dict (opened at offset " + open + ")", pos);
      }
      if (s.charAt(pos) == '}') {
        pos++;
        return m;
      }
      int keyPos = pos;
      Object key = value(depth + 1);
      if (!(key instanceof String)) {
        throw new SyntaxError("dict key is not a string", keyPos);
      }
      skipSpace();
      expect(':');
      skipSpace();
      Object v = value(depth + 1);
      if (m.containsKey(key)) {
        throw new SyntaxError("duplicate key '" + abbreviate((String) key) + "'", keyPos);
      }
      m.put((String) key, v);
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == ',') {
        pos++;
        skipSpace();
      } else if (pos < s.length() && s.charAt(pos) != '}') {
        throw new SyntaxError("expected ',' or '}' in dict", pos);
      }
    }
  }

  private Tuple tuple(int depth) throws SyntaxError {
    int open = pos;
    pos++; // '('
    List<Object> items = new ArrayList<>();
    skipSpace();
    boolean sawComma = false;
    while (true) {
      if (pos >= s.length()) {
        throw new SyntaxError("unterminated tuple (opened at offset " + open + ")", pos);
      }
      if (s.charAt(pos) == ')') {
        pos++;
        if (items.size() == 1 && !sawComma) {
          throw new SyntaxError("parenthesized expression is not a tuple (missing ',')", open);
        }
        return new Tuple(Collections.unmodifiableList(items));
      }
      items.add(value(depth + 1));
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == ',') {
        pos++;
        sawComma = true;
        skipSpace();
      } else if (pos < s.length() && s.charAt(pos) != ')') {
        throw new SyntaxError("expected ',' or ')' in tuple", pos);
      }
    }
  }

  private List<Object> list(int depth) throws SyntaxError {
    int open = pos;
    pos++; // '['
    List<Object> items = new ArrayList<>();
    skipSpace();
    while (true) {
      if (pos >= s.length()) {
        throw new SyntaxError("unterminated list (opened at offset " + open + ")", pos);
      }
      if (s.charAt(pos) == ']') {
        pos++;
        return Collections.unmodifiableList(items);
      }
      items.add(value(depth + 1));
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == ',') {
        pos++;
        skipSpace();
      } else if (pos < s.length() && s.charAt(pos) != ']') {
        throw new SyntaxError("expected ',' or ']' in list", pos);
      }
    }
  }

  private String string() throws SyntaxError {
    int open = pos;
    char q = s.charAt(pos++);
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw new SyntaxError("unterminated string (opened at offset " + open + ")", pos);
      }
      char c = s.charAt(pos++);
      if (c == q) {
        return sb.toString();
      }
      if (c == '\n' || c == '\r') {
        throw new SyntaxError("line break inside a string", pos - 1);
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (pos >= s.length()) {
        throw new SyntaxError("unterminated string (opened at offset " + open + ")", pos);
      }
      char e = s.charAt(pos++);
      switch (e) {
        case '\\': sb.append('\\'); break;
        case '\'': sb.append('\''); break;
        case '"': sb.append('"'); break;
        case 'n': sb.append('\n'); break;
        case 'r': sb.append('\r'); break;
        case 't': sb.append('\t'); break;
        case '0': sb.append('\0'); break;
        case 'x': sb.append((char) hex(2)); break;
        case 'u': sb.append((char) hex(4)); break;
        default: throw new SyntaxError("unsupported escape '\\" + printable(e) + "'", pos - 2);
      }
    }
  }

  private int hex(int digits) throws SyntaxError {
    if (pos + digits > s.length()) {
      throw new SyntaxError("truncated escape", pos);
    }
    int v = 0;
    for (int i = 0; i < digits; i++) {
      int d = Character.digit(s.charAt(pos + i), 16);
      if (d < 0) {
        throw new SyntaxError("bad hex digit in escape", pos + i);
      }
      v = v * 16 + d;
    }
    pos += digits;
    return v;
  }

  private BigInteger integer() throws SyntaxError {
    int start = pos;
    boolean negative = false;
    if (s.charAt(pos) == '-' || s.charAt(pos) == '+') {
      negative = s.charAt(pos) == '-';
      pos++;
      skipSpace();
    }
    int digits = pos;
    while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
      pos++;
    }
    if (pos == digits) {
      throw new SyntaxError("expected a digit", pos);
    }
    String d = s.substring(digits, pos);
    if (d.length() > 1 && d.charAt(0) == '0' && !d.chars().allMatch(ch -> ch == '0')) {
      throw new SyntaxError("leading zeros in a decimal integer", digits);
    }
    if (allowLongSuffix && pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
      pos++;
    }
    if (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_'
        || s.charAt(pos) == '.')) {
      throw new SyntaxError("not a decimal integer", start);
    }
    if (d.length() > 40) { // far beyond any long; keep BigInteger parsing bounded
      d = d.substring(0, 40);
    }
    BigInteger v = new BigInteger(d);
    return negative ? v.negate() : v;
  }

  private void expect(char c) throws SyntaxError {
    if (pos >= s.length()) {
      throw new SyntaxError("expected '" + c + "' but the header ended", pos);
    }
    if (s.charAt(pos) != c) {
      throw new SyntaxError("expected '" + c + "' but found '" + printable(s.charAt(pos)) + "'", pos);
    }
    pos++;
  }

  private void skipSpace() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        pos++;
      } else {
        return;
      }
    }
  }

  static String printable(char c) {
    if (c >= 0x20 && c < 0x7F) {
      return String.valueOf(c);
    }
    String h = Integer.toHexString(c);
    return c < 0x100 ? "\\x" + (h.length() < 2 ? "0" : "") + h
        : "\\u" + "0000".substring(h.length()) + h;
  }

  private static String abbreviate(String w) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(w.length(), 40); i++) {
      sb.append(printable(w.charAt(i)));
    }
    return w.length() > 40 ? sb + "..." : sb.toString();
  }
}
