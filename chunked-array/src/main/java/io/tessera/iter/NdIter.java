package io.tessera.iter;

/**
 * A multi-operand iterator in the manner of NumPy's nditer: operands of one (broadcast) shape,
 * each with its own byte strides (0 for broadcast axes), are walked together as long 1-D runs.
 *
 * <p>At construction it drops axes of length 1, flips axes on which every operand's stride is
 * negative or zero, orders the axes so that the operands' largest strides are outermost (C, F,
 * transposed and reversed operands are all walked in memory order), and coalesces axes whose
 * strides chain for every operand. What is left is an iteration space of {@link #size()} elements
 * in which the innermost axis is as long and as contiguous as the operands allow; {@link
 * #forRange} visits any linear range of it, so threads can split the work in fixed blocks.
 *
 * <p>The iterator trusts its caller: every address derived from the bases and strides must lie in
 * the operands' buffers.
 */
public final class NdIter {
  private final int nop;
  private final long[] shape;
  private final long[][] strides;
  private final long[] bases;
  private final long size;

  /** Receives one run: operand addresses {@code ptrs} (in operand order) and its length. */
  @FunctionalInterface
  public interface RunVisitor {
    void run(long[] ptrs, long count);
  }

  private NdIter(long[] shape, long[][] strides, long[] bases, long size) {
    this.nop = bases.length;
    this.shape = shape;
    this.strides = strides;
    this.bases = bases;
    this.size = size;
  }

  /**
   * Plans the iteration of {@code shape} for operands whose element (0, ..., 0) is at
   * {@code bases[op]} and whose byte strides are {@code strides[op]} (same length as shape).
   */
  public static NdIter of(long[] shape, long[] bases, long[][] strides) {
    int nop = bases.length;
    int nd = shape.length;
    long total = 1;
    for (long d : shape) {
      total *= d;
    }
    long[] b = bases.clone();
    // keep axes longer than one, flipping those that every operand walks backwards
    int[] axes = new int[nd];
    int m = 0;
    boolean[] flip = new boolean[nd];
    for (int ax = 0; ax < nd; ax++) {
      if (shape[ax] == 1 || total == 0) {
        continue;
      }
      boolean anyNeg = false;
      boolean anyPos = false;
      for (int op = 0; op < nop; op++) {
        anyNeg |= strides[op][ax] < 0;
        anyPos |= strides[op][ax] > 0;
      }
      if (anyNeg && !anyPos) {
        flip[ax] = true;
        for (int op = 0; op < nop; op++) {
          b[op] += (shape[ax] - 1) * strides[op][ax];
        }
      }
      axes[m++] = ax;
    }
    // insertion sort: an axis moves outward past another when the operands' strides vote so
    for (int i = 1; i < m; i++) {
      int ax = axes[i];
      int j = i - 1;
      while (j >= 0 && outerVote(strides, ax, axes[j], nop) > 0) {
        axes[j + 1] = axes[j];
        j--;
      }
      axes[j + 1] = ax;
    }
    long[] sh = new long[Math.max(m, 1)];
    long[][] st = new long[nop][Math.max(m, 1)];
    for (int k = 0; k < m; k++) {
      int ax = axes[k];
      sh[k] = shape[ax];
      for (int op = 0; op < nop; op++) {
        st[op][k] = flip[ax] ? -strides[op][ax] : strides[op][ax];
      }
    }
    if (m == 0) {
      sh[0] = total == 0 ? 0 : 1;
      return new NdIter(sh, st, b, total);
    }
    // coalesce from the inside out
    int r = 0;
    for (int k = 1; k < m; k++) {
      boolean ok = true;
      for (int op = 0; op < nop && ok; op++) {
        ok = st[op][r] == sh[k] * st[op][k];
      }
      if (ok) {
        sh[r] *= sh[k];
        for (int op = 0; op < nop; op++) {
          st[op][r] = st[op][k];
        }
      } else {
        r++;
        sh[r] = sh[k];
        for (int op = 0; op < nop; op++) {
          st[op][r] = st[op][k];
        }
      }
    }
    int n = r + 1;
    long[] fsh = java.util.Arrays.copyOf(sh, n);
    long[][] fst = new long[nop][];
    for (int op = 0; op < nop; op++) {
      fst[op] = java.util.Arrays.copyOf(st[op], n);
    }
    return new NdIter(fsh, fst, b, total);
  }

  /** Positive when axis {@code a} should be outside axis {@code b}. */
  private static int outerVote(long[][] strides, int a, int b, int nop) {
    int vote = 0;
    for (int op = 0; op < nop; op++) {
      long sa = Math.abs(strides[op][a]);
      long sb = Math.abs(strides[op][b]);
      if (sa == 0 || sb == 0) {
        continue;
      }
      vote += Long.compare(sa, sb);
    }
    return vote;
  }

  /** Elements in the iteration space. */
  public long size() {
    return size;
  }

  public int operands() {
    return nop;
  }

  /** Dimensions left after dropping, reordering and coalescing (at least 1). */
  public int ndim() {
    return shape.length;
  }

  /** Length of the innermost axis: the longest run the kernels see. */
  public long innerSize() {
    return shape[shape.length - 1];
  }

  /** Byte stride of operand {@code op} along the innermost axis. */
  public long innerStride(int op) {
    return strides[op][shape.length - 1];
  }

  /**
   * Visits elements {@code [start, end)} of the iteration space as runs along the innermost axis.
   * {@code ptrs} is caller-owned scratch of length {@link #operands()}.
   */
  public void forRange(long start, long end, long[] ptrs, RunVisitor visitor) {
    if (start >= end) {
      return;
    }
    int nd = shape.length;
    int inner = nd - 1;
    long[] idx = new long[nd];
    long rem = start;
    for (int k = inner; k >= 0; k--) {
      idx[k] = rem % shape[k];
      rem /= shape[k];
    }
    for (int op = 0; op < nop; op++) {
      long p = bases[op];
      for (int k = 0; k < nd; k++) {
        p += idx[k] * strides[op][k];
      }
      ptrs[op] = p;
    }
    long pos = start;
    long innerLen = shape[inner];
    while (pos < end) {
      long count = Math.min(innerLen - idx[inner], end - pos);
      visitor.run(ptrs, count);
      pos += count;
      if (pos >= end) {
        return;
      }
      idx[inner] += count;
      for (int op = 0; op < nop; op++) {
        ptrs[op] += count * strides[op][inner];
      }
      // carry
      int k = inner;
      while (idx[k] == shape[k] && k > 0) {
        for (int op = 0; op < nop; op++) {
          ptrs[op] -= shape[k] * strides[op][k];
        }
        idx[k] = 0;
        k--;
        idx[k]++;
        for (int op = 0; op < nop; op++) {
          ptrs[op] += strides[op][k];
        }
      }
    }
  }
}
