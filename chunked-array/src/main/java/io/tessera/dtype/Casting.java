package io.tessera.dtype;

import io.tessera.errors.CastingException;
import io.tessera.errors.TesseraException;

/**
 * NumPy's casting modes, with {@code np.can_cast} and {@code np.promote_types} for Tessera's twelve
 * dtypes (NumPy 2 rules; checked against NumPy 2.4.6 for every pair).
 *
 * <p>All Tessera dtypes are native little-endian, so {@link #EQUIV} allows exactly what {@link #NO}
 * allows: identical types only. NumPy 2.4's {@code 'same_value'} mode is not supported.
 */
public enum Casting {
  /** Only identical types. */
  NO("no"),
  /** Identical types up to byte order; for Tessera the same as {@link #NO}. */
  EQUIV("equiv"),
  /** Only casts that preserve every value. */
  SAFE("safe"),
  /** Safe casts, or casts within a kind or towards a "higher" kind (bool, uint, int, float). */
  SAME_KIND("same_kind"),
  /** Any cast. */
  UNSAFE("unsafe");

  private final String numpyName;

  Casting(String numpyName) {
    this.numpyName = numpyName;
  }

  /** NumPy's spelling: {@code "no"}, {@code "equiv"}, {@code "safe"}, ... */
  public String numpyName() {
    return numpyName;
  }

  @Override
  public String toString() {
    return numpyName;
  }

  /**
   * Parses NumPy's spelling of a casting mode.
   *
   * @throws TesseraException for anything else, with NumPy's ValueError wording
   */
  public static Casting of(String name) {
    for (Casting c : values()) {
      if (c.numpyName.equals(name)) {
        return c;
      }
    }
    throw new TesseraException("casting", "casting must be one of 'no', 'equiv', 'safe', "
        + "'same_kind', 'unsafe' (got '" + name + "')");
  }

  /** {@code np.can_cast(from, to, casting)}. */
  public static boolean canCast(DType from, DType to, Casting casting) {
    switch (casting) {
      case NO:
      case EQUIV:
        return from == to;
      case SAFE:
        return isSafe(from, to);
      case SAME_KIND:
        return isSafe(from, to) || kindRank(from) <= kindRank(to);
      case UNSAFE:
        return true;
      default:
        throw new AssertionError(casting);
    }
  }

  /**
   * Throws unless {@code from} may be cast to {@code to} under {@code casting}.
   *
   * @throws CastingException with NumPy's TypeError wording, naming {@code op}
   */
  public static void checkCast(String op, DType from, DType to, Casting casting) {
    if (!canCast(from, to, casting)) {
      throw new CastingException(op, "Cannot cast array data from dtype('" + from.numpyName()
          + "') to dtype('" + to.numpyName() + "') according to the rule '" + casting.numpyName
          + "'");
    }
  }

  /**
   * {@code np.promote_types(a, b)}: the smallest dtype both cast to safely. Mixing a signed and an
   * unsigned 64-bit integer, or a 32/64-bit integer and a float, gives float64.
   */
  public static DType promoteTypes(DType a, DType b) {
    for (DType candidate : PROMOTION_ORDER) {
      if (isSafe(a, candidate) && isSafe(b, candidate)) {
        return candidate;
      }
    }
    throw new AssertionError("float64 holds everything: " + a + ", " + b);
  }

  /** Candidates for {@link #promoteTypes}, smallest first. */
  private static final DType[] PROMOTION_ORDER = {
    DType.BOOL, DType.INT8, DType.UINT8, DType.INT16, DType.UINT16, DType.INT32, DType.UINT32,
    DType.INT64, DType.UINT64, DType.FLOAT16, DType.FLOAT32, DType.FLOAT64
  };

  /** NumPy's "safe" relation: every value of {@code from} is representable in {@code to}. */
  private static boolean isSafe(DType from, DType to) {
    if (from == to || from.isBool()) {
      return true;
    }
    if (to.isBool()) {
      return false;
    }
    if (from.isFloat()) {
      return to.isFloat() && to.itemsize() >= from.itemsize();
    }
    if (to.isFloat()) { // integer to float: NumPy counts int64/uint64 -> float64 as safe
      return to == DType.FLOAT64 || integerBits(from) <= mantissaBits(to);
    }
    if (from.isSigned()) {
      return to.isSigned() && to.itemsize() >= from.itemsize();
    }
    // unsigned source
    return to.isSigned() ? to.itemsize() > from.itemsize() : to.itemsize() >= from.itemsize();
  }

  /** Value bits of an integer type, sign excluded: int8 7, uint8 8, ... */
  private static int integerBits(DType t) {
    return t.bits() - (t.isSigned() ? 1 : 0);
  }

  /** Significand bits (implicit bit included) of a float type. */
  private static int mantissaBits(DType t) {
    return t == DType.FLOAT16 ? 11 : t == DType.FLOAT32 ? 24 : 53;
  }

  /** Kind order of "same_kind": bool, then unsigned, then signed, then float. */
  private static int kindRank(DType t) {
    switch (t.kind()) {
      case 'b': return 0;
      case 'u': return 1;
      case 'i': return 2;
      default: return 3;
    }
  }
}
