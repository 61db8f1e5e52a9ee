package io.tessera.io.tensor;

import io.tessera.shape.Layout;
import java.util.Arrays;

/**
 * Shape algebra between an ndarray's strided layout and the fixed_shape_tensor encoding: a
 * row-major ("physical") buffer of shape {@code physicalShape} plus a {@code permutation}, where
 * logical axis {@code i} is physical axis {@code permutation[i]} (so the logical shape is {@code
 * physicalShape[permutation[i]]}, exactly NumPy's {@code physical.transpose(permutation)}).
 */
public final class TensorLayouts {
  private TensorLayouts() {}

  /**
   * The physical axis order of {@code layout}'s trailing {@code layout.ndim() - lead} axes when the
   * whole layout is contiguous with its first {@code lead} axes outermost, as in a row-major
   * buffer: returns {@code order} with {@code order[j]} = the logical tensor axis stored as
   * physical axis {@code j}; or {@code null} if no permutation of the axes is C-contiguous (sliced
   * with steps, negative or overlapping strides). The identity is preferred whenever it works.
   *
   * @param lead number of leading (row) axes that must stay outermost, in order (0 or 1)
   */
  public static int[] physicalOrder(Layout layout, int lead) {
    int nd = layout.ndim() - lead;
    int[] identity = identity(nd);
    if (layout.isCContiguous()) {
      return identity;
    }
    long[] strides = layout.strides();
    long[] shape = layout.shape();
    Integer[] idx = new Integer[nd];
    for (int i = 0; i < nd; i++) {
      idx[i] = i;
    }
    // Length-1 axes have meaningless strides: keep them after every larger stride, stably.
    Arrays.sort(idx, (a, b) -> {
      long sa = shape[lead + a] == 1 ? Long.MIN_VALUE : strides[lead + a];
      long sb = shape[lead + b] == 1 ? Long.MIN_VALUE : strides[lead + b];
      return Long.compare(sb, sa);
    });
    int[] order = new int[nd];
    for (int i = 0; i < nd; i++) {
      order[i] = idx[i];
    }
    Layout permuted = permuteTrailing(layout, lead, order);
    return permuted.isCContiguous() ? order : null;
  }

  /** The layout with its trailing axes reordered so that trailing axis j is old axis order[j]. */
  public static Layout permuteTrailing(Layout layout, int lead, int[] order) {
    long[] shape = layout.shape();
    long[] strides = layout.strides();
    long[] ns = shape.clone();
    long[] nt = strides.clone();
    for (int j = 0; j < order.length; j++) {
      ns[lead + j] = shape[lead + order[j]];
      nt[lead + j] = strides[lead + order[j]];
    }
    return new Layout(ns, nt, layout.offset(), layout.itemsize());
  }

  /** The inverse permutation: {@code inverse(p)[p[i]] = i}. */
  public static int[] inverse(int[] p) {
    int[] inv = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      inv[p[i]] = i;
    }
    return inv;
  }

  public static int[] identity(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    return p;
  }

  public static boolean isIdentity(int[] p) {
    for (int i = 0; i < p.length; i++) {
      if (p[i] != i) {
        return false;
      }
    }
    return true;
  }

  /**
   * The logical layout of {@code rows} tensors stored row-major one after another from byte
   * {@code offset}: shape {@code (rows, physicalShape[permutation[0]], ...)}, strides of the
   * physical C-order buffer permuted accordingly. No data is touched.
   */
  public static Layout logicalLayout(long rows, long[] physicalShape, int[] permutation,
      int itemsize, long offset) {
    long[] phys = new long[physicalShape.length + 1];
    phys[0] = rows;
    System.arraycopy(physicalShape, 0, phys, 1, physicalShape.length);
    long[] cs = Layout.cStrides(phys, itemsize);
    long[] shape = new long[phys.length];
    long[] strides = new long[phys.length];
    shape[0] = rows;
    strides[0] = cs[0];
    for (int i = 0; i < physicalShape.length; i++) {
      int p = permutation == null ? i : permutation[i];
      shape[i + 1] = physicalShape[p];
      strides[i + 1] = cs[p + 1];
    }
    return new Layout(shape, strides, offset, itemsize);
  }

  /** {@code physicalShape} permuted into the logical order. */
  public static long[] logicalShape(long[] physicalShape, int[] permutation) {
    long[] out = new long[physicalShape.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = physicalShape[permutation == null ? i : permutation[i]];
    }
    return out;
  }
}
