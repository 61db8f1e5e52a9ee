package io.tessera.shape;

import io.tessera.errors.ShapeException;
import io.tessera.errors.StridesOutOfBoundsException;

/**
 * {@code as_strided} and {@code sliding_window_view} on layouts. Unlike NumPy's {@code
 * as_strided}, which believes any shape and strides, {@link #asStrided} checks that the requested
 * view stays inside its buffer, so that no view can read or write outside memory it owns.
 */
public final class StrideTricks {
  private StrideTricks() {}

  /**
   * A view of the buffer of {@code base} with arbitrary shape and strides ({@code
   * np.lib.stride_tricks.as_strided}), validated: every byte of every element must lie in {@code
   * [0, bufferBytes)}. An empty view is accepted anywhere in {@code [0, bufferBytes]}.
   *
   * @param base the array viewed: gives the item size, and the shape/strides when those are null
   * @param bufferBytes size of the underlying buffer in bytes
   * @param shape the view's shape, or null for {@code base.shape()}
   * @param strides the view's strides in bytes (any sign, 0 allowed), or null for {@code
   *     base.strides()}
   * @param offset byte offset of the view's element (0,...,0) from the start of the buffer (pass
   *     {@code base.offset()} for NumPy's behaviour)
   * @throws ShapeException "mismatch in length of strides and shape", "negative dimensions are not
   *     allowed"
   * @throws StridesOutOfBoundsException naming shape, strides, offset, the byte extent and the
   *     buffer size, when the view reaches outside the buffer or its extent overflows a long
   */
  public static Layout asStrided(Layout base, long bufferBytes, long[] shape, long[] strides,
      long offset) {
    final String op = "as_strided";
    long[] sh = shape == null ? base.shape().clone() : shape.clone();
    long[] st = strides == null ? base.strides().clone() : strides.clone();
    if (sh.length != st.length) {
      throw new ShapeException(op, "mismatch in length of strides and shape");
    }
    for (long d : sh) {
      if (d < 0) {
        throw new ShapeException(op, "negative dimensions are not allowed");
      }
    }
    Layout view = new Layout(sh, st, offset, base.itemsize());
    long[] ext = checkedExtent(view);
    String where = "as_strided: a view with shape " + Shapes.format(sh) + ", strides "
        + Shapes.format(st) + " and offset " + offset;
    if (ext == null) {
      throw new StridesOutOfBoundsException(op, where + " spans more bytes than a long can count"
          + " (buffer of " + bufferBytes + " bytes)");
    }
    if (ext[0] < 0 || ext[1] > bufferBytes) {
      throw new StridesOutOfBoundsException(op, where + " covers bytes [" + ext[0] + ", " + ext[1]
          + "), outside the buffer of " + bufferBytes + " bytes [0, " + bufferBytes + ")");
    }
    return view;
  }

  /** {@link #asStrided} at the offset of {@code base}, as NumPy's {@code as_strided}. */
  public static Layout asStrided(Layout base, long bufferBytes, long[] shape, long[] strides) {
    return asStrided(base, bufferBytes, shape, strides, base.offset());
  }

  /**
   * The byte extent {@code [lo, hi)} of all elements of {@code l} ({@code [offset, offset)} when
   * empty), or null if computing it overflows a long.
   */
  public static long[] checkedExtent(Layout l) {
    for (long d : l.shape()) {
      if (d == 0) {
        return new long[] {l.offset(), l.offset()};
      }
    }
    try {
      long lo = l.offset();
      long hi = l.offset();
      for (int i = 0; i < l.ndim(); i++) {
        long span = Math.multiplyExact(l.shape()[i] - 1, l.strides()[i]);
        if (span < 0) {
          lo = Math.addExact(lo, span);
        } else {
          hi = Math.addExact(hi, span);
        }
      }
      return new long[] {lo, Math.addExact(hi, l.itemsize())};
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /**
   * {@code np.lib.stride_tricks.sliding_window_view(x, window_shape, axis)}: the result has the
   * shape of {@code in} with each windowed axis shortened by {@code window - 1}, followed by the
   * window dimensions, whose strides are those of the windowed axes. An axis may be windowed more
   * than once.
   *
   * @param axes the windowed axes (negative count from the end; repeats allowed), or null/empty
   *     for NumPy's {@code axis=None}: one window length per axis
   * @throws ShapeException with NumPy's texts: "`window_shape` cannot contain negative values",
   *     "Since axis is `None`, must provide window_shape for all dimensions of `x`; got 1
   *     window_shape elements and `x.ndim` is 2.", an AxisError text, "Must provide matching length
   *     window_shape and axis; got 1 window_shape elements and 2 axes elements.", "window shape
   *     cannot be larger than input array shape"
   */
  public static Layout slidingWindowView(Layout in, long[] windowShape, int[] axes) {
    final String op = "sliding_window_view";
    for (long w : windowShape) {
      if (w < 0) {
        throw new ShapeException(op, "`window_shape` cannot contain negative values");
      }
    }
    int nd = in.ndim();
    int[] ax;
    if (axes == null || axes.length == 0) {
      if (windowShape.length != nd) {
        throw new ShapeException(op, "Since axis is `None`, must provide window_shape for all"
            + " dimensions of `x`; got " + windowShape.length + " window_shape elements and"
            + " `x.ndim` is " + nd + ".");
      }
      ax = new int[nd];
      for (int i = 0; i < nd; i++) {
        ax[i] = i;
      }
    } else {
      ax = Axes.normalizeAxisTuple(op, axes, nd, null, true);
      if (windowShape.length != ax.length) {
        throw new ShapeException(op, "Must provide matching length window_shape and axis; got "
            + windowShape.length + " window_shape elements and " + ax.length + " axes elements.");
      }
    }
    long[] shape = new long[nd + ax.length];
    long[] strides = new long[nd + ax.length];
    System.arraycopy(in.shape(), 0, shape, 0, nd);
    System.arraycopy(in.strides(), 0, strides, 0, nd);
    for (int i = 0; i < ax.length; i++) {
      long w = windowShape[i];
      if (shape[ax[i]] < w) {
        throw new ShapeException(op, "window shape cannot be larger than input array shape");
      }
      shape[ax[i]] -= w - 1;
      shape[nd + i] = w;
      strides[nd + i] = in.strides()[ax[i]];
    }
    return new Layout(shape, strides, in.offset(), in.itemsize());
  }
}
