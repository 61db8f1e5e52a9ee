package io.tessera.io.npy;

import io.tessera.dtype.DType;
import io.tessera.io.npy.NpyFormatException.Fault;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The header of a {@code .npy} file: dtype and its byte order, {@code fortran_order}, shape and
 * format version, and the exact bytes NumPy writes for them.
 *
 * <p>{@link #toBytes()} reproduces {@code numpy.lib.format.write_array}'s header byte for byte:
 * the magic {@code \x93NUMPY}, the version, the little-endian header length, then the dict
 * {@code {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }} followed by NumPy's
 * spare room for growing the first (C) or last (Fortran) axis ({@code 21 - len(repr(dim))}
 * spaces) and padding with spaces and a final {@code '\n'} so that the whole header is a multiple
 * of 64 bytes long.
 */
public final class NpyHeader {
  /** {@code \x93NUMPY}. */
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** NumPy's ARRAY_ALIGN. */
  static final int ARRAY_ALIGN = 64;
  /** NumPy's GROWTH_AXIS_MAX_DIGITS. */
  static final int GROWTH_AXIS_MAX_DIGITS = 21;
  /** NumPy's NPY_MAXDIMS (NumPy 2). */
  public static final int MAX_DIMS = 64;
  /**
   * The largest header text a reader accepts. A header of the supported dtypes is at most about
   * 1.5 KB (64 dimensions of 19 digits); NumPy itself refuses more than 10000 characters by
   * default. Anything larger is refused before it is read.
   */
  public static final int MAX_HEADER_TEXT = 1 << 20;

  private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

  private final DType dtype;
  private final ByteOrder byteOrder;
  private final boolean fortranOrder;
  private final long[] shape;
  private final NpyVersion version;
  private final long size;
  private final long dataBytes;
  private final long headerLength;

  private NpyHeader(DType dtype, ByteOrder byteOrder, boolean fortranOrder, long[] shape,
      NpyVersion version, long size, long headerLength) {
    this.dtype = dtype;
    this.byteOrder = byteOrder;
    this.fortranOrder = fortranOrder;
    this.shape = shape;
    this.version = version;
    this.size = size;
    this.dataBytes = size * dtype.itemsize();
    this.headerLength = headerLength;
  }

  /**
   * The header NumPy would write for these parameters.
   *
   * @param byteOrder byte order of the data in the file ({@link ByteOrder#BIG_ENDIAN} for
   *     {@code '>'}); ignored for one-byte types, which are always {@code '|'}
   * @param version the format version, or null for the lowest that fits (as NumPy)
   * @throws NpyFormatException if the shape is invalid or the header does not fit {@code version}
   */
  public static NpyHeader of(DType dtype, long[] shape, boolean fortranOrder, ByteOrder byteOrder,
      NpyVersion version) {
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(byteOrder, "byteOrder");
    long[] sh = shape.clone();
    long size = checkShape("npy.header", "<header>", sh, dtype.itemsize());
    NpyHeader h = new NpyHeader(dtype, dtype.itemsize() == 1 ? ByteOrder.LITTLE_ENDIAN : byteOrder,
        fortranOrder, sh, NpyVersion.V1_0, size, 0);
    String text = h.dictText();
    NpyVersion v = version;
    if (v == null) {
      v = fits(text.length(), NpyVersion.V1_0) ? NpyVersion.V1_0 : NpyVersion.V2_0;
    } else if (!fits(text.length(), v)) {
      throw new NpyFormatException("npy.header", "<header>", Fault.TOO_LARGE, "header length "
          + (text.length() + 1) + " too big for version=" + v);
    }
    return new NpyHeader(h.dtype, h.byteOrder, fortranOrder, sh, v, size,
        paddedLength(text.length(), v));
  }

  /** The header for {@code shape} in native (little-endian) order with the lowest fitting version. */
  public static NpyHeader of(DType dtype, long[] shape, boolean fortranOrder) {
    return of(dtype, shape, fortranOrder, ByteOrder.LITTLE_ENDIAN, null);
  }

  private static boolean fits(int textLength, NpyVersion v) {
    long hlen = textLength + 1L;
    long pad = ARRAY_ALIGN - ((v.prefixLength() + hlen) % ARRAY_ALIGN);
    return hlen + pad <= v.maxHeaderLength();
  }

  /** Total header bytes (prefix + text + padding + newline) for a text of {@code textLength} bytes. */
  private static long paddedLength(int textLength, NpyVersion v) {
    long hlen = textLength + 1L;
    long pad = ARRAY_ALIGN - ((v.prefixLength() + hlen) % ARRAY_ALIGN);
    return v.prefixLength() + hlen + pad;
  }

  // ------------------------------------------------------------------------------ accessors

  public DType dtype() {
    return dtype;
  }

  /** Byte order of the data in the file (little for one-byte types). */
  public ByteOrder byteOrder() {
    return byteOrder;
  }

  /** True if multi-byte elements in the file are big-endian and must be swapped. */
  public boolean needsSwap() {
    return byteOrder == ByteOrder.BIG_ENDIAN && dtype.itemsize() > 1;
  }

  public boolean fortranOrder() {
    return fortranOrder;
  }

  /** The shape (a copy). */
  public long[] shape() {
    return shape.clone();
  }

  public int ndim() {
    return shape.length;
  }

  public NpyVersion version() {
    return version;
  }

  /** Number of elements (1 for 0-d). */
  public long size() {
    return size;
  }

  /** Bytes of array data that follow the header. */
  public long dataBytes() {
    return dataBytes;
  }

  /** Total header length in bytes: the offset of the data in the file. */
  public long dataOffset() {
    return headerLength;
  }

  /** NumPy's {@code descr}: {@code '<f8'}, {@code '>i4'}, {@code '|u1'}, {@code '|b1'}. */
  public String descr() {
    char order = dtype.itemsize() == 1 ? '|' : byteOrder == ByteOrder.BIG_ENDIAN ? '>' : '<';
    return order + dtype.str().substring(1);
  }

  /**
   * The header dict as NumPy writes it, including the spare spaces for growing the shape but not
   * the alignment padding or the final newline.
   */
  public String dictText() {
    StringBuilder sb = new StringBuilder(96);
    sb.append("{'descr': '").append(descr()).append("', 'fortran_order': ")
        .append(fortranOrder ? "True" : "False").append(", 'shape': ").append(shapeRepr(shape))
        .append(", }");
    if (shape.length > 0) {
      int digits = Long.toString(shape[fortranOrder ? shape.length - 1 : 0]).length();
      for (int i = digits; i < GROWTH_AXIS_MAX_DIGITS; i++) {
        sb.append(' ');
      }
    }
    return sb.toString();
  }

  /** Python's {@code repr} of the shape tuple: {@code ()}, {@code (3,)}, {@code (3, 4)}. */
  static String shapeRepr(long[] shape) {
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(shape[i]);
    }
    return sb.append(')').toString();
  }

  /** The complete header: magic, version, length, dict, padding and newline. */
  public byte[] toBytes() {
    byte[] text = dictText().getBytes(version == NpyVersion.V3_0 ? StandardCharsets.UTF_8
        : StandardCharsets.ISO_8859_1);
    int total = Math.toIntExact(headerLength);
    int prefix = version.prefixLength();
    byte[] out = new byte[total];
    System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
    out[6] = (byte) version.major();
    out[7] = (byte) version.minor();
    long field = total - prefix;
    for (int i = 0; i < version.headerLengthBytes(); i++) {
      out[8 + i] = (byte) (field >>> (8 * i));
    }
    System.arraycopy(text, 0, out, prefix, text.length);
    Arrays.fill(out, prefix + text.length, total - 1, (byte) ' ');
    out[total - 1] = '\n';
    return out;
  }

  @Override
  public String toString() {
    return "NpyHeader[version=" + version + ", descr=" + descr() + ", fortran_order="
        + (fortranOrder ? "True" : "False") + ", shape=" + shapeRepr(shape) + ", dataOffset="
        + headerLength + "]";
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof NpyHeader)) {
      return false;
    }
    NpyHeader h = (NpyHeader) o;
    return dtype == h.dtype && byteOrder.equals(h.byteOrder) && fortranOrder == h.fortranOrder
        && Arrays.equals(shape, h.shape) && version == h.version && headerLength == h.headerLength;
  }

  @Override
  public int hashCode() {
    return Objects.hash(dtype, byteOrder, fortranOrder, Arrays.hashCode(shape), version,
        headerLength);
  }

  // ------------------------------------------------------------------------------ reading

  /**
   * Checks the 8-byte magic-and-version prefix and returns the version.
   *
   * @param n how many bytes of {@code first} are valid (fewer than 8 means a truncated file)
   */
  static NpyVersion readVersion(String op, String source, byte[] first, int n) {
    int m = Math.min(n, MAGIC.length);
    for (int i = 0; i < m; i++) {
      if (first[i] != MAGIC[i]) {
        throw new NpyFormatException(op, source, Fault.BAD_MAGIC, "expected \\x93NUMPY, found "
            + hex(first, 0, Math.min(n, 8)));
      }
    }
    if (n < 8) {
      throw new NpyFormatException(op, source, Fault.TRUNCATED, "file ends after " + n
          + " bytes, inside the magic string and version");
    }
    NpyVersion v = NpyVersion.of(first[6] & 0xFF, first[7] & 0xFF);
    if (v == null) {
      throw new NpyFormatException(op, source, Fault.BAD_VERSION, "version " + (first[6] & 0xFF)
          + "." + (first[7] & 0xFF) + " (supported: 1.0, 2.0, 3.0)");
    }
    return v;
  }

  /** Reads the little-endian header length field that follows the prefix. */
  static long readLengthField(byte[] b, NpyVersion v) {
    long len = 0;
    for (int i = 0; i < v.headerLengthBytes(); i++) {
      len |= (b[8 + i] & 0xFFL) << (8 * i);
    }
    return len;
  }

  /** Refuses a header-length field that cannot be a header Tessera reads. */
  static void checkLengthField(String op, String source, long len) {
    if (len > MAX_HEADER_TEXT) {
      throw new NpyFormatException(op, source, Fault.TOO_LARGE, "header length " + len
          + " exceeds the limit of " + MAX_HEADER_TEXT + " bytes");
    }
  }

  /**
   * Parses the header text (the {@code len} bytes after the length field) strictly.
   *
   * @param prefixAndText the whole header, prefix included; the text starts at
   *     {@code v.prefixLength()}
   */
  static NpyHeader parse(String op, String source, NpyVersion v, byte[] prefixAndText) {
    int prefix = v.prefixLength();
    String text;
    if (v == NpyVersion.V3_0) {
      CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
      try {
        CharBuffer cb = dec.decode(ByteBuffer.wrap(prefixAndText, prefix,
            prefixAndText.length - prefix));
        text = cb.toString();
      } catch (CharacterCodingException e) {
        throw new NpyFormatException(op, source, Fault.BAD_HEADER,
            "header is not valid UTF-8 (required by version 3.0)", e);
      }
    } else {
      text = new String(prefixAndText, prefix, prefixAndText.length - prefix,
          StandardCharsets.ISO_8859_1);
    }
    Object lit;
    try {
      lit = PyLiteral.parse(text, v != NpyVersion.V3_0);
    } catch (PyLiteral.SyntaxError e) {
      throw new NpyFormatException(op, source, Fault.BAD_HEADER, "cannot parse header dict: "
          + e.getMessage() + " (header " + excerpt(text) + ")");
    }
    if (!(lit instanceof Map)) {
      throw new NpyFormatException(op, source, Fault.BAD_HEADER, "header is not a dictionary: "
          + excerpt(text));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> d = (Map<String, Object>) lit;
    if (!d.keySet().equals(KEYS)) {
      throw new NpyFormatException(op, source, Fault.BAD_HEADER, "header does not contain the "
          + "keys 'descr', 'fortran_order' and 'shape' (exactly): found " + new java.util.TreeSet<>(
              d.keySet()).toString().replace("\n", "\\n"));
    }
    Object fo = d.get("fortran_order");
    if (!(fo instanceof Boolean)) {
      throw new NpyFormatException(op, source, Fault.BAD_HEADER, "fortran_order is not a valid "
          + "bool: " + excerpt(String.valueOf(fo)));
    }
    Object descr = d.get("descr");
    DType dtype;
    ByteOrder order;
    if (descr instanceof List) {
      throw new NpyFormatException(op, source, Fault.UNSUPPORTED_DTYPE, "structured dtype "
          + "(descr is a list of fields); supported: bool, int8..int64, uint8..uint64, float16, "
          + "float32, float64");
    } else if (descr instanceof String) {
      String s = (String) descr;
      Object[] parsed = parseDescr(op, source, s);
      dtype = (DType) parsed[0];
      order = (ByteOrder) parsed[1];
    } else {
      throw new NpyFormatException(op, source, Fault.BAD_HEADER, "descr is not a valid dtype "
          + "descriptor: " + excerpt(String.valueOf(descr)));
    }
    Object sh = d.get("shape");
    if (!(sh instanceof PyLiteral.Tuple)) {
      throw new NpyFormatException(op, source, Fault.BAD_HEADER, "shape is not a tuple of ints");
    }
    List<Object> items = ((PyLiteral.Tuple) sh).items();
    if (items.size() > MAX_DIMS) {
      throw new NpyFormatException(op, source, Fault.BAD_SHAPE, items.size()
          + " dimensions; at most " + MAX_DIMS + " are allowed");
    }
    long[] shape = new long[items.size()];
    for (int i = 0; i < shape.length; i++) {
      Object x = items.get(i);
      if (!(x instanceof BigInteger)) {
        throw new NpyFormatException(op, source, Fault.BAD_HEADER, "shape is not a tuple of ints");
      }
      BigInteger b = (BigInteger) x;
      if (b.signum() < 0) {
        throw new NpyFormatException(op, source, Fault.BAD_SHAPE, "negative dimension " + b
            + " in shape");
      }
      if (b.bitLength() > 63) {
        throw new NpyFormatException(op, source, Fault.TOO_LARGE, "dimension " + b
            + " does not fit in a long");
      }
      shape[i] = b.longValue();
    }
    long size = checkShape(op, source, shape, dtype.itemsize());
    return new NpyHeader(dtype, order, (Boolean) fo, shape, v, size, prefixAndText.length);
  }

  /** Returns {dtype, byte order} for a simple descr such as {@code '<f8'}, or throws. */
  private static Object[] parseDescr(String op, String source, String s) {
    int i = 0;
    char oc = '=';
    if (!s.isEmpty() && "<>|=".indexOf(s.charAt(0)) >= 0) {
      oc = s.charAt(0);
      i = 1;
    }
    if (s.length() - i >= 2) {
      char kind = s.charAt(i);
      String digits = s.substring(i + 1);
      if ("biuf".indexOf(kind) >= 0 && digits.matches("[1248]")) {
        int size = digits.charAt(0) - '0';
        DType t = null;
        for (DType c : DType.values()) {
          if (c.kind() == kind && c.itemsize() == size) {
            t = c;
          }
        }
        if (t != null) {
          return new Object[] {t, oc == '>' && size > 1 ? ByteOrder.BIG_ENDIAN
              : ByteOrder.LITTLE_ENDIAN};
        }
      }
    }
    String what;
    char k = s.length() > i ? s.charAt(i) : '?';
    switch (k) {
      case 'O': what = "object dtype (pickled Python objects)"; break;
      case 'U': what = "unicode string dtype"; break;
      case 'S': case 'a': what = "byte string dtype"; break;
      case 'V': what = "void (raw bytes) dtype"; break;
      case 'c': what = "complex dtype"; break;
      case 'M': case 'm': what = "datetime dtype"; break;
      default: what = "dtype"; break;
    }
    throw new NpyFormatException(op, source, Fault.UNSUPPORTED_DTYPE, what + " '" + excerpt(s)
        + "'; supported: bool, int8..int64, uint8..uint64, float16, float32, float64");
  }

  /**
   * Number of elements, refusing negative dimensions and sizes whose byte count overflows a long.
   */
  static long checkShape(String op, String source, long[] shape, int itemsize) {
    if (shape.length > MAX_DIMS) {
      throw new NpyFormatException(op, source, Fault.BAD_SHAPE, shape.length
          + " dimensions; at most " + MAX_DIMS + " are allowed");
    }
    for (long d : shape) {
      if (d < 0) {
        throw new NpyFormatException(op, source, Fault.BAD_SHAPE, "negative dimension " + d
            + " in shape " + shapeRepr(shape));
      }
    }
    for (long d : shape) {
      if (d == 0) {
        return 0;
      }
    }
    long n = 1;
    try {
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
      Math.multiplyExact(n, (long) itemsize);
    } catch (ArithmeticException e) {
      throw new NpyFormatException(op, source, Fault.TOO_LARGE, "shape " + shapeRepr(shape)
          + " of " + itemsize + "-byte items overflows a long byte count");
    }
    return n;
  }

  static String hex(byte[] b, int off, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(Character.forDigit((b[off + i] >> 4) & 0xF, 16))
          .append(Character.forDigit(b[off + i] & 0xF, 16));
    }
    return sb.length() == 0 ? "(nothing)" : sb.toString();
  }

  private static String excerpt(String t) {
    StringBuilder sb = new StringBuilder("'");
    int n = Math.min(t.length(), 120);
    for (int i = 0; i < n; i++) {
      sb.append(PyLiteral.printable(t.charAt(i)));
    }
    return sb.append(t.length() > n ? "...'" : "'").toString();
  }
}
