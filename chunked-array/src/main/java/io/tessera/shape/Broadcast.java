package io.tessera.shape;

import io.tessera.errors.ShapeException;

/**
 * NumPy broadcasting on shapes and layouts. Shapes are aligned at their last axis; along each axis
 * the lengths must be equal or 1, and a length-1 (or missing) axis is stretched with stride 0.
 *
 * <p>NumPy words the same failure differently depending on who detects it, and so does this class:
 * {@link #broadcastShapes} as a ufunc ({@code a + b}), {@link #npBroadcastShapes} as {@code
 * np.broadcast_shapes} / {@code np.broadcast_arrays}, {@link #broadcastTo} as {@code
 * np.broadcast_to}.
 */
public final class Broadcast {
  private Broadcast() {}

  /**
   * The broadcast shape of operands, as the iterator of a ufunc finds it.
   *
   * @throws ShapeException "operands could not be broadcast together with shapes (3,4) (5,) " (each
   *     operand's shape followed by a space, as NumPy prints it), or "negative dimensions are not
   *     allowed"
   */
  public static long[] broadcastShapes(long[]... shapes) {
    checkNonNegative("broadcast", shapes);
    long[] out = onesOfMaxRank(shapes);
    for (long[] s : shapes) {
      int lead = out.length - s.length;
      for (int i = 0; i < s.length; i++) {
        long b = out[lead + i];
        if (b == 1) {
          out[lead + i] = s[i];
        } else if (s[i] != b && s[i] != 1) {
          StringBuilder msg = new StringBuilder("operands could not be broadcast together with shapes ");
          for (long[] t : shapes) {
            msg.append(Shapes.formatCompact(t)).append(' ');
          }
          throw new ShapeException("broadcast", msg.toString());
        }
      }
    }
    return out;
  }

  /**
   * The broadcast shape as {@code np.broadcast_shapes} (and {@code np.broadcast}, {@code
   * np.broadcast_arrays}) find it.
   *
   * @throws ShapeException "shape mismatch: objects cannot be broadcast to a single shape.  Mismatch
   *     is between arg 0 with shape (3, 4) and arg 1 with shape (5,)." naming the argument that set
   *     the conflicting length and the first one to contradict it, or "negative dimensions are not
   *     allowed"
   */
  public static long[] npBroadcastShapes(long[]... shapes) {
    checkNonNegative("broadcast_shapes", shapes);
    long[] out = onesOfMaxRank(shapes);
    for (int axis = 0; axis < out.length; axis++) {
      int source = -1;
      for (int j = 0; j < shapes.length; j++) {
        int k = axis + shapes[j].length - out.length;
        if (k < 0 || shapes[j][k] == 1) {
          continue;
        }
        long d = shapes[j][k];
        if (out[axis] == 1) {
          out[axis] = d;
          source = j;
        } else if (out[axis] != d) {
          throw new ShapeException("broadcast_shapes", "shape mismatch: objects cannot be broadcast"
              + " to a single shape.  Mismatch is between arg " + source + " with shape "
              + Shapes.format(shapes[source]) + " and arg " + j + " with shape "
              + Shapes.format(shapes[j]) + ".");
        }
      }
    }
    return out;
  }

  /**
   * The read-only view {@code np.broadcast_to(a, shape)}: the layout stretched to {@code shape},
   * with stride 0 on every new or stretched axis and on every axis of length 1 (as NumPy's
   * iterator sets them); the offset is unchanged.
   *
   * @throws ShapeException with NumPy's texts: "cannot broadcast a non-scalar to a scalar array",
   *     "all elements of broadcast shape must be non-negative", "input operand has more dimensions
   *     than allowed by the axis remapping", "operands could not be broadcast together with
   *     remapped shapes [original->remapped]: (3,)  and requested shape (4,)" (two spaces: NumPy's)
   */
  public static Layout broadcastTo(Layout in, long[] shape) {
    final String op = "broadcast_to";
    if (shape.length == 0 && in.ndim() > 0) {
      throw new ShapeException(op, "cannot broadcast a non-scalar to a scalar array");
    }
    for (long d : shape) {
      if (d < 0) {
        throw new ShapeException(op, "all elements of broadcast shape must be non-negative");
      }
    }
    if (in.ndim() > shape.length) {
      throw new ShapeException(op,
          "input operand has more dimensions than allowed by the axis remapping");
    }
    int lead = shape.length - in.ndim();
    long[] strides = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      int k = i - lead;
      long d = k < 0 ? 1 : in.shape()[k];
      if (d != 1 && d != shape[i]) {
        throw new ShapeException(op, "operands could not be broadcast together with remapped shapes"
            + " [original->remapped]: " + Shapes.formatCompact(in.shape()) + "  and requested shape "
            + Shapes.formatCompact(shape));
      }
      strides[i] = (k < 0 || shape[i] == 1 || d == 1) ? 0 : in.strides()[k];
    }
    return new Layout(shape.clone(), strides, in.offset(), in.itemsize());
  }

  /** True when {@code from} broadcasts to {@code to} ({@link #broadcastTo} would not throw). */
  public static boolean canBroadcastTo(long[] from, long[] to) {
    if (from.length > to.length) {
      return false;
    }
    for (long d : to) {
      if (d < 0) {
        return false;
      }
    }
    int lead = to.length - from.length;
    for (int i = 0; i < from.length; i++) {
      if (from[i] != 1 && from[i] != to[lead + i]) {
        return false;
      }
    }
    return true;
  }

  private static long[] onesOfMaxRank(long[][] shapes) {
    int nd = 0;
    for (long[] s : shapes) {
      nd = Math.max(nd, s.length);
    }
    long[] out = new long[nd];
    java.util.Arrays.fill(out, 1);
    return out;
  }

  private static void checkNonNegative(String op, long[][] shapes) {
    for (long[] s : shapes) {
      for (long d : s) {
        if (d < 0) {
          throw new ShapeException(op, "negative dimensions are not allowed");
        }
      }
    }
  }
}
