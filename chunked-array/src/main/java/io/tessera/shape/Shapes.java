package io.tessera.shape;

import io.tessera.errors.ShapeException;

/** Small helpers on shapes: NumPy-style formatting, sizes with overflow checks, axis normalization. */
public final class Shapes {
  private Shapes() {}

  /** Formats like a Python tuple: {@code (3, 4)}, {@code (5,)}, {@code ()}. */
  public static String format(long[] shape) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(shape[i]);
    }
    if (shape.length == 1) {
      sb.append(',');
    }
    return sb.append(')').toString();
  }

  /** Formats like NumPy's broadcast error: {@code (3,4)} without spaces. */
  public static String formatCompact(long[] shape) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(shape[i]);
    }
    if (shape.length == 1) {
      sb.append(',');
    }
    return sb.append(')').toString();
  }

  /**
   * Number of elements, checking that no dimension is negative and that the byte size
   * {@code size * itemsize} fits in a long.
   */
  public static long checkedSize(String op, long[] shape, int itemsize) {
    // NumPy's rule: the product of the non-zero dimensions times the item size must fit, even
    // when another dimension is zero
    long bytes = itemsize;
    boolean empty = false;
    for (long d : shape) {
      if (d < 0) {
        throw new ShapeException(op, op + ": negative dimensions are not allowed: " + format(shape));
      }
    }
    for (long d : shape) {
      if (d == 0) {
        empty = true;
        continue;
      }
      try {
        bytes = Math.multiplyExact(bytes, d);
      } catch (ArithmeticException e) {
        throw new ShapeException(op, "array is too big; `arr.size * arr.dtype.itemsize` is larger "
            + "than the maximum possible size (" + op + " of shape " + format(shape) + ", "
            + itemsize + "-byte items)");
      }
    }
    return empty ? 0 : bytes / itemsize;
  }

  /** Product of the dimensions (no checks). */
  public static long size(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** Normalizes a possibly negative axis against {@code ndim}, NumPy's AxisError wording. */
  public static int normalizeAxis(String op, long axis, int ndim) {
    if (axis < -ndim || axis >= ndim) {
      throw new ShapeException(op, op + ": axis " + axis + " is out of bounds for array of dimension "
          + ndim);
    }
    return (int) (axis < 0 ? axis + ndim : axis);
  }
}
