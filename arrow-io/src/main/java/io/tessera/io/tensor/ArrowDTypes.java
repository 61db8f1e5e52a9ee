package io.tessera.io.tensor;

import io.tessera.dtype.DType;
import io.tessera.errors.UnsupportedDTypeException;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The correspondence between Tessera's dtypes and Arrow's primitive types. Every dtype has exactly
 * one Arrow type; {@link DType#BOOL} maps to Arrow's bit-packed {@code Bool}, so booleans are the one
 * dtype whose values must be packed on write and unpacked on read (a copy either way).
 */
public final class ArrowDTypes {
  private ArrowDTypes() {}

  /** The Arrow type of {@code dtype}'s elements. */
  public static ArrowType toArrow(DType dtype) {
    switch (dtype) {
      case BOOL: return ArrowType.Bool.INSTANCE;
      case INT8: return new ArrowType.Int(8, true);
      case INT16: return new ArrowType.Int(16, true);
      case INT32: return new ArrowType.Int(32, true);
      case INT64: return new ArrowType.Int(64, true);
      case UINT8: return new ArrowType.Int(8, false);
      case UINT16: return new ArrowType.Int(16, false);
      case UINT32: return new ArrowType.Int(32, false);
      case UINT64: return new ArrowType.Int(64, false);
      case FLOAT16: return new ArrowType.FloatingPoint(FloatingPointPrecision.HALF);
      case FLOAT32: return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case FLOAT64: return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      default: throw new AssertionError(dtype);
    }
  }

  /**
   * The dtype of an Arrow primitive type, or {@code null} if Tessera has none (decimals, dates,
   * strings, nested types ...).
   */
  public static DType fromArrowOrNull(ArrowType type) {
    if (type instanceof ArrowType.Bool) {
      return DType.BOOL;
    }
    if (type instanceof ArrowType.Int) {
      ArrowType.Int t = (ArrowType.Int) type;
      switch (t.getBitWidth()) {
        case 8: return t.getIsSigned() ? DType.INT8 : DType.UINT8;
        case 16: return t.getIsSigned() ? DType.INT16 : DType.UINT16;
        case 32: return t.getIsSigned() ? DType.INT32 : DType.UINT32;
        case 64: return t.getIsSigned() ? DType.INT64 : DType.UINT64;
        default: return null;
      }
    }
    if (type instanceof ArrowType.FloatingPoint) {
      FloatingPointPrecision p = ((ArrowType.FloatingPoint) type).getPrecision();
      if (p == null) {
        return null;
      }
      switch (p) {
        case HALF: return DType.FLOAT16;
        case SINGLE: return DType.FLOAT32;
        case DOUBLE: return DType.FLOAT64;
        default: return null;
      }
    }
    return null;
  }

  /** As {@link #fromArrowOrNull} but raising {@link UnsupportedDTypeException} for other types. */
  public static DType fromArrow(ArrowType type) {
    DType d = fromArrowOrNull(type);
    if (d == null) {
      throw new UnsupportedDTypeException("arrow", String.valueOf(type));
    }
    return d;
  }
}
