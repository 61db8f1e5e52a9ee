package io.tessera.ufunc;

import io.tessera.dtype.DType;

/**
 * The dtypes of one ufunc inner loop, as NumPy's {@code ufunc.types} entries ({@code "dd->d"},
 * {@code "ff->?"}). Inputs are cast to {@code in} (in buffered blocks) and the loop's outputs
 * {@code out} are cast to the output arrays' dtypes.
 */
public record LoopSignature(DType[] in, DType[] out) {

  /** NumPy's type-character form, e.g. {@code "dd->d"}. */
  public String code() {
    StringBuilder sb = new StringBuilder();
    for (DType t : in) {
      sb.append(t.charCode());
    }
    sb.append("->");
    for (DType t : out) {
      sb.append(t.charCode());
    }
    return sb.toString();
  }

  /** Parses {@code "dd->d"} (NumPy's type characters; 'l'/'L' are int64/uint64 as on Linux). */
  public static LoopSignature parse(String code) {
    int arrow = code.indexOf("->");
    return new LoopSignature(types(code.substring(0, arrow)), types(code.substring(arrow + 2)));
  }

  private static DType[] types(String chars) {
    DType[] r = new DType[chars.length()];
    for (int i = 0; i < r.length; i++) {
      char c = chars.charAt(i);
      r[i] = c == 'l' ? DType.INT64 : c == 'L' ? DType.UINT64 : DType.of(String.valueOf(c));
    }
    return r;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LoopSignature s && java.util.Arrays.equals(in, s.in)
        && java.util.Arrays.equals(out, s.out);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Arrays.hashCode(in) + java.util.Arrays.hashCode(out);
  }

  @Override
  public String toString() {
    return code();
  }
}
