package io.tessera.shape;

import io.tessera.errors.CopyRequiredException;
import io.tessera.errors.ShapeException;
import java.util.Arrays;

/**
 * NumPy's reshape on layouts: resolving the unknown dimension, and the view a reshape gives when no
 * copy is needed, with exactly NumPy's strides (numpy/_core/src/multiarray/shape.c:
 * {@code _fix_unknown_dimension}, {@code _reshape_with_copy_arg}, {@code _attempt_nocopy_reshape}).
 */
public final class Reshape {
  private static final String OP = "reshape";

  private Reshape() {}

  /**
   * The new shape with its unknown dimension filled in. As in NumPy any negative entry is the
   * unknown one (usually -1), and there may be only one.
   *
   * @param size the number of elements of the array being reshaped
   * @throws ShapeException "can only specify one unknown dimension", or "cannot reshape array of
   *     size 24 into shape (5,5)" (NumPy's rendering of the requested shape: no spaces, the unknown
   *     dimension left out when leading and shown as {@code newaxis} elsewhere)
   */
  public static long[] resolveShape(long size, long[] newShape) {
    long[] dims = newShape.clone();
    long known = 1;
    int unknown = -1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0) {
        if (unknown != -1) {
          throw new ShapeException(OP, "can only specify one unknown dimension");
        }
        unknown = i;
      } else {
        try {
          known = Math.multiplyExact(known, dims[i]);
        } catch (ArithmeticException e) {
          throw sizeMismatch(size, newShape);
        }
      }
    }
    if (unknown >= 0) {
      if (known == 0 || size % known != 0) {
        throw sizeMismatch(size, newShape);
      }
      dims[unknown] = size / known;
    } else if (size != known) {
      throw sizeMismatch(size, newShape);
    }
    return dims;
  }

  /**
   * The layout of {@code in.reshape(newShape, order)} when NumPy returns a view, or null when NumPy
   * would copy. {@code newShape} may still hold the unknown dimension (it is resolved here, with
   * {@link #resolveShape}'s errors). The order is how elements are read and placed ({@code
   * fortranOrder} for order='F'), not how they are stored. As NumPy:
   *
   * <ul>
   *   <li>a shape identical to the current one returns {@code in} unchanged;
   *   <li>an array contiguous in the requested order (every empty array is) gets the contiguous
   *       strides of the new shape;
   *   <li>otherwise axes are matched in groups of equal element count, each group of source axes
   *       must be contiguous in the requested order, and new axes of length 1 get the stride of the
   *       next-fastest axis.
   * </ul>
   *
   * <p>The offset never changes.
   */
  public static Layout attemptNoCopy(Layout in, long[] newShape, boolean fortranOrder) {
    if (Arrays.equals(newShape, in.shape())) {
      return in;
    }
    long[] dims = resolveShape(in.size(), newShape);
    if (fortranOrder ? in.isFContiguous() : in.isCContiguous()) {
      long[] strides = fortranOrder ? Layout.fStrides(dims, in.itemsize())
          : Layout.cStrides(dims, in.itemsize());
      return new Layout(dims, strides, in.offset(), in.itemsize());
    }
    long[] strides = noCopyStrides(in, dims, fortranOrder);
    return strides == null ? null : new Layout(dims, strides, in.offset(), in.itemsize());
  }

  /**
   * Like {@link #attemptNoCopy} but never null: NumPy's {@code reshape(..., copy=False)}.
   *
   * @throws CopyRequiredException "Unable to avoid creating a copy while reshaping."
   */
  public static Layout reshapeView(Layout in, long[] newShape, boolean fortranOrder) {
    Layout out = attemptNoCopy(in, newShape, fortranOrder);
    if (out == null) {
      throw new CopyRequiredException(OP, "Unable to avoid creating a copy while reshaping.");
    }
    return out;
  }

  /**
   * NumPy's {@code _attempt_nocopy_reshape}: strides that place the elements of {@code in} at the
   * positions of shape {@code dims} in C (or F) order, or null. {@code in} must not be empty and
   * {@code dims} must have its size.
   */
  static long[] noCopyStrides(Layout in, long[] dims, boolean fortranOrder) {
    // axes of length 1 play no part; drop them from the source
    int oldNd = 0;
    long[] oldDims = new long[in.ndim()];
    long[] oldStrides = new long[in.ndim()];
    for (int i = 0; i < in.ndim(); i++) {
      if (in.shape()[i] != 1) {
        oldDims[oldNd] = in.shape()[i];
        oldStrides[oldNd] = in.strides()[i];
        oldNd++;
      }
    }
    int newNd = dims.length;
    long[] newStrides = new long[newNd];
    int oi = 0;
    int oj = 1;
    int ni = 0;
    int nj = 1;
    while (ni < newNd && oi < oldNd) {
      // grow the two groups [oi, oj) and [ni, nj) until they hold the same number of elements
      long np = dims[ni];
      long op = oldDims[oi];
      while (np != op) {
        if (np < op) {
          np *= dims[nj++];
        } else {
          op *= oldDims[oj++];
        }
      }
      // the source axes of the group must be contiguous with each other in the requested order
      for (int ok = oi; ok < oj - 1; ok++) {
        if (fortranOrder) {
          if (oldStrides[ok + 1] != oldDims[ok] * oldStrides[ok]) {
            return null;
          }
        } else if (oldStrides[ok] != oldDims[ok + 1] * oldStrides[ok + 1]) {
          return null;
        }
      }
      // strides of the new axes of the group
      if (fortranOrder) {
        newStrides[ni] = oldStrides[oi];
        for (int nk = ni + 1; nk < nj; nk++) {
          newStrides[nk] = newStrides[nk - 1] * dims[nk - 1];
        }
      } else {
        newStrides[nj - 1] = oldStrides[oj - 1];
        for (int nk = nj - 1; nk > ni; nk--) {
          newStrides[nk - 1] = newStrides[nk] * dims[nk];
        }
      }
      ni = nj++;
      oi = oj++;
    }
    // trailing new axes of length 1
    long lastStride = ni >= 1 ? newStrides[ni - 1] : in.itemsize();
    if (fortranOrder && ni >= 1) {
      lastStride *= dims[ni - 1];
    }
    for (int nk = ni; nk < newNd; nk++) {
      newStrides[nk] = lastStride;
    }
    return newStrides;
  }

  private static ShapeException sizeMismatch(long size, long[] newShape) {
    return new ShapeException(OP, "cannot reshape array of size " + size + " into shape "
        + numpyShapeString(newShape));
  }

  /**
   * NumPy's {@code convert_shape_to_string}: {@code (5,5)}, {@code (5,)}, {@code ()}; negative
   * entries are skipped while leading and written {@code newaxis} afterwards; the one-element form
   * {@code (5,)} is used only when the shape has a single, non-negative entry.
   */
  static String numpyShapeString(long[] shape) {
    int i = 0;
    while (i < shape.length && shape[i] < 0) {
      i++;
    }
    if (i == shape.length) {
      return "()";
    }
    StringBuilder sb = new StringBuilder().append(shape[i++]);
    for (; i < shape.length; i++) {
      sb.append(',');
      if (shape[i] < 0) {
        sb.append("newaxis");
      } else {
        sb.append(shape[i]);
      }
    }
    return i == 1 ? "(" + sb + ",)" : "(" + sb + ")";
  }
}
