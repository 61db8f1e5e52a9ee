package io.tessera.iter;

import java.util.Arrays;

/**
 * Axis orderings by stride: how NumPy's {@code order='K'} keeps a source's memory order, and how
 * an iterator walks operands in the order their bytes lie in memory.
 */
public final class MemoryOrder {
  private MemoryOrder() {}

  /**
   * Axes sorted by descending absolute stride (outermost first); ties keep C order. This is the
   * permutation NumPy's {@code order='K'} uses to lay out a new array like an existing one.
   */
  public static int[] sortedStridePerm(long[] strides) {
    Integer[] axes = new Integer[strides.length];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i;
    }
    Arrays.sort(axes, (a, b) -> Long.compare(Math.abs(strides[b]), Math.abs(strides[a])));
    int[] perm = new int[axes.length];
    for (int i = 0; i < perm.length; i++) {
      perm[i] = axes[i];
    }
    return perm;
  }

  /**
   * Contiguous strides for {@code shape} laid out so that axis {@code perm[0]} is outermost and
   * {@code perm[n-1]} innermost.
   */
  public static long[] stridesForPerm(long[] shape, int[] perm, int itemsize) {
    long[] strides = new long[shape.length];
    long acc = itemsize;
    for (int k = perm.length - 1; k >= 0; k--) {
      int ax = perm[k];
      strides[ax] = acc;
      acc *= Math.max(shape[ax], 1);
    }
    return strides;
  }
}
