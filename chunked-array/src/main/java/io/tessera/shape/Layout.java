package io.tessera.shape;

import java.util.Arrays;

/**
 * The metadata that places an array's elements in its buffer: shape, strides in bytes (negative
 * and zero allowed), byte offset of element (0,...,0) from the start of the buffer, and item size.
 * Pure data, no buffer: the shape algebra (indexing, reshape, broadcasting, stride tricks) works on
 * layouts and never touches memory.
 */
public record Layout(long[] shape, long[] strides, long offset, int itemsize) {

  public Layout {
    if (shape.length != strides.length) {
      throw new IllegalArgumentException("shape and strides differ in length: "
          + Arrays.toString(shape) + " " + Arrays.toString(strides));
    }
  }

  public int ndim() {
    return shape.length;
  }

  /** Number of elements (1 for 0-d). */
  public long size() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /**
   * Byte extent [lo, hi) relative to the buffer start of all elements of this layout; for an empty
   * layout, lo == hi == offset.
   */
  public long[] extent() {
    long lo = offset;
    long hi = offset;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] == 0) {
        return new long[] {offset, offset};
      }
      long span = (shape[i] - 1) * strides[i];
      if (span < 0) {
        lo += span;
      } else {
        hi += span;
      }
    }
    return new long[] {lo, hi + itemsize};
  }

  /** C-order (row-major) strides for {@code shape} and {@code itemsize}. */
  public static long[] cStrides(long[] shape, int itemsize) {
    long[] s = new long[shape.length];
    long acc = itemsize;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= Math.max(shape[i], 1);
    }
    return s;
  }

  /** Fortran-order (column-major) strides for {@code shape} and {@code itemsize}. */
  public static long[] fStrides(long[] shape, int itemsize) {
    long[] s = new long[shape.length];
    long acc = itemsize;
    for (int i = 0; i < shape.length; i++) {
      s[i] = acc;
      acc *= Math.max(shape[i], 1);
    }
    return s;
  }

  /** NumPy's C_CONTIGUOUS rule: axes of length 1 are ignored; empty arrays are contiguous. */
  public boolean isCContiguous() {
    long expected = itemsize;
    for (int i = shape.length - 1; i >= 0; i--) {
      long dim = shape[i];
      if (dim == 0) {
        return true;
      }
      if (dim != 1) {
        if (strides[i] != expected) {
          return size() == 0;
        }
        expected *= dim;
      }
    }
    return true;
  }

  /** NumPy's F_CONTIGUOUS rule: axes of length 1 are ignored; empty arrays are contiguous. */
  public boolean isFContiguous() {
    long expected = itemsize;
    for (int i = 0; i < shape.length; i++) {
      long dim = shape[i];
      if (dim == 0) {
        return true;
      }
      if (dim != 1) {
        if (strides[i] != expected) {
          return size() == 0;
        }
        expected *= dim;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "Layout[shape=" + Shapes.format(shape) + ", strides=" + Shapes.format(strides)
        + ", offset=" + offset + ", itemsize=" + itemsize + "]";
  }
}
