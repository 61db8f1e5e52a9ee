package io.tessera.shape;

import io.tessera.errors.ShapeException;

/**
 * The layout of {@code a.view(newdtype)}: the same bytes read as items of another size. NumPy 2's
 * rules (numpy/_core/src/multiarray/getset.c, {@code array_descr_set}): only the last axis changes,
 * it must be contiguous (stride equal to the old item size) unless it has length 1 or the array is
 * empty, and its byte length must be a multiple of the new item size.
 */
public final class DTypeView {
  private static final String OP = "view";

  private DTypeView() {}

  /**
   * {@code in} re-read with items of {@code newItemsize} bytes. The same item size returns {@code
   * in}. Otherwise the last axis of length n becomes of length {@code n * itemsize / newItemsize}
   * with stride {@code newItemsize}; other axes and the offset are unchanged.
   *
   * @throws ShapeException with NumPy's texts: "Changing the dtype of a 0d array is only supported
   *     if the itemsize is unchanged", "To change to a dtype of a different size, the last axis
   *     must be contiguous", "When changing to a smaller dtype, its size must be a divisor of the
   *     size of original dtype", "When changing to a larger dtype, its size must be a divisor of the
   *     total size in bytes of the last axis of the array."
   */
  public static Layout viewAs(Layout in, int newItemsize) {
    if (newItemsize < 0) {
      throw new IllegalArgumentException("negative item size " + newItemsize);
    }
    int old = in.itemsize();
    if (newItemsize == old) {
      return in;
    }
    int nd = in.ndim();
    if (nd == 0) {
      throw new ShapeException(OP,
          "Changing the dtype of a 0d array is only supported if the itemsize is unchanged");
    }
    int axis = nd - 1;
    long length = in.shape()[axis];
    if (length != 1 && in.size() != 0 && in.strides()[axis] != old) {
      throw new ShapeException(OP,
          "To change to a dtype of a different size, the last axis must be contiguous");
    }
    long newLength;
    if (newItemsize < old) {
      if (newItemsize == 0 || old % newItemsize != 0) {
        throw new ShapeException(OP, "When changing to a smaller dtype, its size must be a divisor"
            + " of the size of original dtype");
      }
      newLength = Math.multiplyExact(length, (long) (old / newItemsize));
    } else {
      long bytes = Math.multiplyExact(length, (long) old);
      if (bytes % newItemsize != 0) {
        throw new ShapeException(OP, "When changing to a larger dtype, its size must be a divisor"
            + " of the total size in bytes of the last axis of the array.");
      }
      newLength = bytes / newItemsize;
    }
    long[] shape = in.shape().clone();
    long[] strides = in.strides().clone();
    shape[axis] = newLength;
    strides[axis] = newItemsize;
    return new Layout(shape, strides, in.offset(), newItemsize);
  }
}
