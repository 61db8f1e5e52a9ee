package io.tessera.iter;

/**
 * Walks two layouts of the same shape together in the memory order of the first ("destination")
 * operand, handing 1-D runs to an inner loop: axes of length 1 are dropped, negative destination
 * strides are flipped, axes are sorted by destination stride and merged when both operands allow,
 * so a C, F, transposed or reversed pair is visited as few long runs as possible.
 *
 * <p>The walk trusts its caller: every address it produces must already be known to be inside
 * the operands' buffers.
 */
public final class PairWalk {
  private PairWalk() {}

  /** An inner loop over {@code count} elements at the given addresses and byte strides. */
  @FunctionalInterface
  public interface InnerLoop {
    void run(long dst, long dstStride, long src, long srcStride, long count);
  }

  /**
   * Calls {@code loop} for every run. {@code dstBase} and {@code srcBase} are the absolute
   * addresses of element (0, ..., 0).
   */
  public static void walk(long[] shape, long dstBase, long[] dstStrides, long srcBase,
      long[] srcStrides, InnerLoop loop) {
    int n = shape.length;
    long[] sh = new long[n];
    long[] ds = new long[n];
    long[] ss = new long[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (shape[i] == 0) {
        return;
      }
      if (shape[i] == 1) {
        continue;
      }
      long d = dstStrides[i];
      long s = srcStrides[i];
      if (d < 0) {
        dstBase += (shape[i] - 1) * d;
        srcBase += (shape[i] - 1) * s;
        d = -d;
        s = -s;
      }
      sh[m] = shape[i];
      ds[m] = d;
      ss[m] = s;
      m++;
    }
    // insertion sort by destination stride, descending (stable)
    for (int i = 1; i < m; i++) {
      long a = sh[i];
      long b = ds[i];
      long c = ss[i];
      int j = i - 1;
      while (j >= 0 && ds[j] < b) {
        sh[j + 1] = sh[j];
        ds[j + 1] = ds[j];
        ss[j + 1] = ss[j];
        j--;
      }
      sh[j + 1] = a;
      ds[j + 1] = b;
      ss[j + 1] = c;
    }
    // coalesce: axis k (outer) and k+1 (inner) merge when both strides chain
    int r = 0;
    for (int k = 1; k < m; k++) {
      if (ds[r] == sh[k] * ds[k] && ss[r] == sh[k] * ss[k]) {
        sh[r] *= sh[k];
        ds[r] = ds[k];
        ss[r] = ss[k];
      } else {
        r++;
        sh[r] = sh[k];
        ds[r] = ds[k];
        ss[r] = ss[k];
      }
    }
    m = m == 0 ? 0 : r + 1;
    if (m == 0) {
      loop.run(dstBase, 0, srcBase, 0, 1);
      return;
    }
    int inner = m - 1;
    long count = sh[inner];
    if (m == 1) {
      loop.run(dstBase, ds[0], srcBase, ss[0], count);
      return;
    }
    long[] idx = new long[inner];
    long d = dstBase;
    long s = srcBase;
    while (true) {
      loop.run(d, ds[inner], s, ss[inner], count);
      int k = inner - 1;
      while (k >= 0) {
        idx[k]++;
        d += ds[k];
        s += ss[k];
        if (idx[k] < sh[k]) {
          break;
        }
        d -= ds[k] * sh[k];
        s -= ss[k] * sh[k];
        idx[k] = 0;
        k--;
      }
      if (k < 0) {
        return;
      }
    }
  }
}
