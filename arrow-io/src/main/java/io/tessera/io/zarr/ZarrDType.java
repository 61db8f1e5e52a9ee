package io.tessera.io.zarr;

import io.tessera.dtype.DType;
import java.nio.ByteOrder;

/**
 * A Zarr v2 {@code dtype}: NumPy's type string ({@code dtype.str}) of one of Tessera's twelve
 * dtypes, with its byte order: {@code "<f8"}, {@code ">i4"}, {@code "|b1"}, {@code "|u1"},
 * {@code "<f2"}. One-byte types have no byte order ({@code '|'}; {@code '<'}, {@code '>'} and
 * {@code '='} are accepted on reading); {@code '='} means native, which is little-endian on every
 * platform Tessera runs on.
 *
 * @param dtype the element type
 * @param byteOrder the byte order of the stored chunks (little-endian for one-byte types)
 */
public record ZarrDType(DType dtype, ByteOrder byteOrder) {
  /** Little-endian {@code dtype}: what Tessera writes. */
  public static ZarrDType of(DType dtype) {
    return new ZarrDType(dtype, ByteOrder.LITTLE_ENDIAN);
  }

  /** The type string, as {@code numpy.dtype.str}. */
  public String typestr() {
    char o = dtype.itemsize() == 1 ? '|' : byteOrder == ByteOrder.BIG_ENDIAN ? '>' : '<';
    return o + dtype.str().substring(1);
  }

  /** True if stored elements must be byte-swapped to or from native (little-endian) order. */
  public boolean needsSwap() {
    return dtype.itemsize() > 1 && byteOrder == ByteOrder.BIG_ENDIAN;
  }

  /**
   * Parses a type string, or returns null if it is not one of the twelve supported dtypes (the
   * caller names what it is).
   */
  public static ZarrDType parse(String s) {
    if (s == null || s.length() < 3 || "<>|=".indexOf(s.charAt(0)) < 0) {
      return null;
    }
    char order = s.charAt(0);
    char kind = s.charAt(1);
    String digits = s.substring(2);
    if (!digits.matches("[1248]")) {
      return null;
    }
    int size = digits.charAt(0) - '0';
    for (DType t : DType.values()) {
      if (t.kind() == kind && t.itemsize() == size) {
        if (size > 1 && order == '|') {
          return null;
        }
        return new ZarrDType(t, size > 1 && order == '>' ? ByteOrder.BIG_ENDIAN
            : ByteOrder.LITTLE_ENDIAN);
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return typestr();
  }
}
