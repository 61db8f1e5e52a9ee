package io.tessera.dtype;

import io.tessera.errors.UnsupportedDTypeException;
import java.util.Locale;

/**
 * The twelve element types Tessera supports, with NumPy's names, sizes, alignments and kinds.
 *
 * <p>Kinds follow NumPy: {@code 'b'} boolean, {@code 'i'} signed integer, {@code 'u'} unsigned
 * integer, {@code 'f'} floating point. All multi-byte types are stored little-endian, as on every
 * platform Tessera runs on; {@link #str()} is NumPy's {@code dtype.str} ("&lt;f8", "|u1").
 */
public enum DType {
  BOOL("bool", 'b', '?', 1),
  INT8("int8", 'i', 'b', 1),
  INT16("int16", 'i', 'h', 2),
  INT32("int32", 'i', 'i', 4),
  INT64("int64", 'i', 'q', 8),
  UINT8("uint8", 'u', 'B', 1),
  UINT16("uint16", 'u', 'H', 2),
  UINT32("uint32", 'u', 'I', 4),
  UINT64("uint64", 'u', 'Q', 8),
  FLOAT16("float16", 'f', 'e', 2),
  FLOAT32("float32", 'f', 'f', 4),
  FLOAT64("float64", 'f', 'd', 8);

  private final String numpyName;
  private final char kind;
  private final char charCode;
  private final int itemsize;

  DType(String numpyName, char kind, char charCode, int itemsize) {
    this.numpyName = numpyName;
    this.kind = kind;
    this.charCode = charCode;
    this.itemsize = itemsize;
  }

  /** NumPy's name, e.g. {@code "int64"}, {@code "float16"}, {@code "bool"}. */
  public String numpyName() {
    return numpyName;
  }

  /** NumPy's kind character: {@code b}, {@code i}, {@code u} or {@code f}. */
  public char kind() {
    return kind;
  }

  /** NumPy's one-letter type code ({@code dtype.char}): {@code ?bhiqBHIQefd}. */
  public char charCode() {
    return charCode;
  }

  /** Bytes per element. */
  public int itemsize() {
    return itemsize;
  }

  /** Required alignment in bytes; as in NumPy on x86-64, equal to the item size. */
  public int alignment() {
    return itemsize;
  }

  /** NumPy's {@code dtype.str}: byte order, kind and size, e.g. {@code "<f8"}, {@code "|b1"}. */
  public String str() {
    return (itemsize == 1 ? "|" : "<") + kind + itemsize;
  }

  public boolean isBool() {
    return kind == 'b';
  }

  public boolean isInteger() {
    return kind == 'i' || kind == 'u';
  }

  public boolean isSigned() {
    return kind == 'i';
  }

  public boolean isUnsigned() {
    return kind == 'u';
  }

  public boolean isFloat() {
    return kind == 'f';
  }

  /** Bits per element. */
  public int bits() {
    return itemsize * 8;
  }

  /**
   * Parses a NumPy dtype name: {@code "float64"}, {@code "f8"}, {@code "<f8"}, {@code "d"},
   * {@code "bool"}, {@code "?"}, {@code "uint8"}, {@code "u1"}, {@code "|u1"}, {@code "half"},
   * {@code "double"}, {@code "float"} (float64, as in NumPy), {@code "int"} (int64).
   *
   * @throws UnsupportedDTypeException for any other name (object, complex, strings, big-endian ...)
   */
  public static DType of(String name) {
    if (name == null) {
      throw new UnsupportedDTypeException("dtype", "null");
    }
    String s = name.trim();
    String lower = s.toLowerCase(Locale.ROOT);
    switch (lower) {
      case "bool": case "bool_": case "?": case "b1": case "|b1": return BOOL;
      case "int8": case "byte": case "i1": case "|i1": return INT8;
      case "int16": case "short": case "i2": case "<i2": case "=i2": return INT16;
      case "int32": case "intc": case "i4": case "<i4": case "=i4": return INT32;
      case "int64": case "int": case "long": case "longlong": case "intp": case "i8": case "<i8":
      case "=i8": return INT64;
      case "uint8": case "ubyte": case "u1": case "|u1": return UINT8;
      case "uint16": case "ushort": case "u2": case "<u2": case "=u2": return UINT16;
      case "uint32": case "uintc": case "u4": case "<u4": case "=u4": return UINT32;
      case "uint64": case "uint": case "ulong": case "ulonglong": case "uintp": case "u8": case "<u8":
      case "=u8": return UINT64;
      case "float16": case "half": case "f2": case "<f2": case "=f2": return FLOAT16;
      case "float32": case "single": case "f4": case "<f4": case "=f4": return FLOAT32;
      case "float64": case "double": case "float": case "f8": case "<f8": case "=f8": return FLOAT64;
      default:
        break;
    }
    if (s.length() == 1) { // case-sensitive one-letter codes
      for (DType t : values()) {
        if (t.charCode == s.charAt(0)) {
          return t;
        }
      }
    }
    throw new UnsupportedDTypeException("dtype", s);
  }

  @Override
  public String toString() {
    return numpyName;
  }
}
