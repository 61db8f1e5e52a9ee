package io.tessera.shape;

import io.tessera.errors.ShapeException;

/**
 * Views that rearrange, drop or add axes: transpose, swapaxes, moveaxis, squeeze, expand_dims.
 * Pure metadata with NumPy's semantics and error texts. NumPy's AxisError is a {@link
 * ShapeException} whose message is NumPy's, e.g. "axis 2 is out of bounds for array of dimension 2"
 * or, when NumPy names the argument, "axis1: axis 3 is out of bounds for array of dimension 2".
 */
public final class Axes {
  private Axes() {}

  // ------------------------------------------------------------------------ axis normalization

  /**
   * NumPy's {@code normalize_axis_index}: {@code axis} in [-ndim, ndim) made non-negative.
   *
   * @param msgPrefix NumPy's {@code msg_prefix} (the argument name), or null
   * @throws ShapeException "axis 5 is out of bounds for array of dimension 3", prefixed with
   *     {@code msgPrefix + ": "} when given
   */
  public static int normalizeAxisIndex(String op, long axis, int ndim, String msgPrefix) {
    if (axis < -ndim || axis >= ndim) {
      throw new ShapeException(op, (msgPrefix == null ? "" : msgPrefix + ": ") + "axis " + axis
          + " is out of bounds for array of dimension " + ndim);
    }
    return (int) (axis < 0 ? axis + ndim : axis);
  }

  /**
   * NumPy's {@code normalize_axis_tuple}: every axis normalized (all bounds are checked before
   * duplicates), then, unless allowed, duplicates rejected with "repeated axis" or, with an
   * argument name, "repeated axis in `source` argument".
   */
  public static int[] normalizeAxisTuple(String op, int[] axes, int ndim, String argname,
      boolean allowDuplicate) {
    int[] out = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      out[i] = normalizeAxisIndex(op, axes[i], ndim, argname);
    }
    if (!allowDuplicate) {
      boolean[] seen = new boolean[ndim];
      for (int ax : out) {
        if (seen[ax]) {
          throw new ShapeException(op, argname == null ? "repeated axis"
              : "repeated axis in `" + argname + "` argument");
        }
        seen[ax] = true;
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------ permutations

  /** {@code a.T}: the axes reversed. */
  public static Layout transpose(Layout in) {
    int n = in.ndim();
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = n - 1 - i;
    }
    return permute(in, perm);
  }

  /**
   * {@code a.transpose(axes)}: axis i of the result is axis {@code axes[i]} of {@code in}; negative
   * axes count from the end.
   *
   * @throws ShapeException "axes don't match array" (wrong count), an AxisError text, or "repeated
   *     axis in transpose" (checked axis by axis, in order, as NumPy)
   */
  public static Layout transpose(Layout in, int[] axes) {
    final String op = "transpose";
    int n = in.ndim();
    if (axes.length != n) {
      throw new ShapeException(op, "axes don't match array");
    }
    int[] perm = new int[n];
    boolean[] seen = new boolean[n];
    for (int i = 0; i < n; i++) {
      int ax = normalizeAxisIndex(op, axes[i], n, null);
      if (seen[ax]) {
        throw new ShapeException(op, "repeated axis in transpose");
      }
      seen[ax] = true;
      perm[i] = ax;
    }
    return permute(in, perm);
  }

  /** {@code np.swapaxes(a, axis1, axis2)}; errors name {@code axis1} / {@code axis2} as NumPy. */
  public static Layout swapaxes(Layout in, int axis1, int axis2) {
    final String op = "swapaxes";
    int n = in.ndim();
    int a1 = normalizeAxisIndex(op, axis1, n, "axis1");
    int a2 = normalizeAxisIndex(op, axis2, n, "axis2");
    int[] perm = identity(n);
    perm[a1] = a2;
    perm[a2] = a1;
    return permute(in, perm);
  }

  /** {@code a.mT}: the last two axes swapped. */
  public static Layout matrixTranspose(Layout in) {
    int n = in.ndim();
    if (n < 2) {
      throw new ShapeException("matrix_transpose", "matrix transpose with ndim < 2 is undefined");
    }
    return swapaxes(in, n - 2, n - 1);
  }

  /** {@code np.moveaxis(a, source, destination)} for one axis. */
  public static Layout moveaxis(Layout in, int source, int destination) {
    return moveaxis(in, new int[] {source}, new int[] {destination});
  }

  /**
   * {@code np.moveaxis(a, source, destination)}: axes {@code source[i]} go to positions {@code
   * destination[i]}, the other axes keep their order.
   *
   * @throws ShapeException "source: axis 5 is out of bounds for array of dimension 3", "repeated
   *     axis in `source` argument" (likewise for destination), "`source` and `destination`
   *     arguments must have the same number of elements"
   */
  public static Layout moveaxis(Layout in, int[] source, int[] destination) {
    final String op = "moveaxis";
    int n = in.ndim();
    int[] src = normalizeAxisTuple(op, source, n, "source", false);
    int[] dst = normalizeAxisTuple(op, destination, n, "destination", false);
    if (src.length != dst.length) {
      throw new ShapeException(op,
          "`source` and `destination` arguments must have the same number of elements");
    }
    int[] perm = new int[n];
    java.util.Arrays.fill(perm, -1);
    boolean[] moved = new boolean[n];
    for (int i = 0; i < src.length; i++) {
      perm[dst[i]] = src[i];
      moved[src[i]] = true;
    }
    int next = 0;
    for (int i = 0; i < n; i++) {
      if (perm[i] == -1) {
        while (moved[next]) {
          next++;
        }
        perm[i] = next++;
      }
    }
    return permute(in, perm);
  }

  /** Axis i of the result is axis {@code perm[i]} of {@code in}; {@code perm} is valid. */
  static Layout permute(Layout in, int[] perm) {
    long[] shape = new long[perm.length];
    long[] strides = new long[perm.length];
    for (int i = 0; i < perm.length; i++) {
      shape[i] = in.shape()[perm[i]];
      strides[i] = in.strides()[perm[i]];
    }
    return new Layout(shape, strides, in.offset(), in.itemsize());
  }

  private static int[] identity(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    return p;
  }

  // ------------------------------------------------------------------------ removing, adding axes

  /** {@code np.squeeze(a)}: every axis of length 1 removed; other strides kept. */
  public static Layout squeeze(Layout in) {
    boolean[] drop = new boolean[in.ndim()];
    for (int i = 0; i < drop.length; i++) {
      drop[i] = in.shape()[i] == 1;
    }
    return remove(in, drop);
  }

  /**
   * {@code np.squeeze(a, axis)}: the given axes, which must have length 1, removed.
   *
   * @throws ShapeException an AxisError text or "duplicate value in 'axis'" (axis by axis, in
   *     order), then "cannot select an axis to squeeze out which has size not equal to one"
   */
  public static Layout squeeze(Layout in, int[] axes) {
    final String op = "squeeze";
    int n = in.ndim();
    boolean[] drop = new boolean[n];
    for (int a : axes) {
      int ax = normalizeAxisIndex(op, a, n, null);
      if (drop[ax]) {
        throw new ShapeException(op, "duplicate value in 'axis'");
      }
      drop[ax] = true;
    }
    for (int i = 0; i < n; i++) {
      if (drop[i] && in.shape()[i] != 1) {
        throw new ShapeException(op,
            "cannot select an axis to squeeze out which has size not equal to one");
      }
    }
    return remove(in, drop);
  }

  private static Layout remove(Layout in, boolean[] drop) {
    int kept = 0;
    for (boolean d : drop) {
      kept += d ? 0 : 1;
    }
    if (kept == in.ndim()) {
      return in;
    }
    long[] shape = new long[kept];
    long[] strides = new long[kept];
    int j = 0;
    for (int i = 0; i < drop.length; i++) {
      if (!drop[i]) {
        shape[j] = in.shape()[i];
        strides[j] = in.strides()[i];
        j++;
      }
    }
    return new Layout(shape, strides, in.offset(), in.itemsize());
  }

  /**
   * {@code np.expand_dims(a, axis)} (NumPy 2: one or more axes, positions in the result, negative
   * counting from the end of the result). NumPy implements it as a C-order reshape, and so is this:
   * the strides are NumPy's (contiguous strides for a C-contiguous array; otherwise the inserted
   * axes get the stride of the next-fastest axis).
   *
   * @throws ShapeException "axis 5 is out of bounds for array of dimension 4" (the result's ndim),
   *     "repeated axis"
   */
  public static Layout expandDims(Layout in, int... axes) {
    final String op = "expand_dims";
    int outNd = in.ndim() + axes.length;
    int[] ax = normalizeAxisTuple(op, axes, outNd, null, false);
    boolean[] isNew = new boolean[outNd];
    for (int a : ax) {
      isNew[a] = true;
    }
    long[] shape = new long[outNd];
    int k = 0;
    for (int i = 0; i < outNd; i++) {
      shape[i] = isNew[i] ? 1 : in.shape()[k++];
    }
    return Reshape.attemptNoCopy(in, shape, false); // never null: only axes of length 1 are added
  }
}
