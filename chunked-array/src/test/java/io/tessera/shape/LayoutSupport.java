package io.tessera.shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test helpers: naive element addressing and random layouts. */
public final class LayoutSupport {
  private LayoutSupport() {}

  /** Byte offset of element {@code idx} of {@code l}, computed the obvious way. */
  public static long offsetOf(Layout l, long[] idx) {
    long off = l.offset();
    for (int i = 0; i < idx.length; i++) {
      off += idx[i] * l.strides()[i];
    }
    return off;
  }

  /** All multi-indices of {@code shape} in C order (last axis fastest), or F order. */
  public static List<long[]> indices(long[] shape, boolean fortran) {
    List<long[]> out = new ArrayList<>();
    for (long d : shape) {
      if (d == 0) {
        return out;
      }
    }
    long[] idx = new long[shape.length];
    while (true) {
      out.add(idx.clone());
      int k = fortran ? 0 : shape.length - 1;
      while (true) {
        if (k < 0 || k >= shape.length) {
          return out;
        }
        if (++idx[k] < shape[k]) {
          break;
        }
        idx[k] = 0;
        k += fortran ? 1 : -1;
      }
    }
  }

  /** Byte offsets of all elements of {@code l} in C (or F) order. */
  public static long[] offsets(Layout l, boolean fortran) {
    List<long[]> idx = indices(l.shape(), fortran);
    long[] out = new long[idx.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = offsetOf(l, idx.get(i));
    }
    return out;
  }

  /** Smallest and one-past-largest byte touched by any element, computed by enumeration. */
  public static long[] naiveExtent(Layout l) {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (long off : offsets(l, false)) {
      lo = Math.min(lo, off);
      hi = Math.max(hi, off + l.itemsize());
    }
    return lo > hi ? null : new long[] {lo, hi};
  }

  /**
   * A random strided layout of up to {@code maxNd} axes of length up to {@code maxDim}: strides of
   * a larger C-ordered block, permuted, some negated, some axes of length 1 with arbitrary strides,
   * occasionally a zero stride; the offset is chosen so that every element lies at a non-negative
   * byte position.
   */
  public static Layout randomLayout(Random r, int maxNd, int maxDim) {
    int itemsize = new int[] {1, 2, 4, 8}[r.nextInt(4)];
    int nd = r.nextInt(maxNd + 1);
    long[] shape = new long[nd];
    for (int i = 0; i < nd; i++) {
      shape[i] = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(maxDim);
    }
    long[] strides = new long[nd];
    int[] order = new int[nd];
    for (int i = 0; i < nd; i++) {
      order[i] = i;
    }
    if (r.nextInt(3) == 0) {
      for (int i = nd - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    long acc = itemsize;
    for (int k = nd - 1; k >= 0; k--) {
      int ax = order[k];
      strides[ax] = r.nextInt(4) == 0 ? -acc : acc;
      acc *= Math.max(shape[ax], 1) * (r.nextInt(4) == 0 ? 2 : 1);
    }
    for (int i = 0; i < nd; i++) {
      if (shape[i] == 1 && r.nextBoolean()) {
        strides[i] = (r.nextInt(21) - 10) * (long) itemsize;
      } else if (r.nextInt(15) == 0) {
        strides[i] = 0;
      }
    }
    long neg = 0;
    for (int i = 0; i < nd; i++) {
      if (strides[i] < 0 && shape[i] > 0) {
        neg += (shape[i] - 1) * -strides[i];
      }
    }
    long offset = neg + itemsize * (long) r.nextInt(4);
    return new Layout(shape, strides, offset, itemsize);
  }
}
