package io.tessera.spark.internal;

import io.tessera.memory.Raw;

/**
 * Internal: copies a box {@code [offsets, offsets + box)} between a C-ordered array of shape
 * {@code full} and a dense C-ordered buffer of shape {@code box}, heap ({@code byte[]}) or off-heap
 * (address), in runs as long as the box allows (trailing axes the box covers whole are merged into
 * one run). Nothing is checked: callers pass boxes inside {@code full} and buffers large enough.
 */
public final class Regions {
  private Regions() {}

  /** Gathers the box out of the full array into the dense buffer. */
  public static void gather(byte[] fullHeap, long fullAddr, long[] full, long[] offsets, long[] box,
      int itemsize, byte[] denseHeap, long denseAddr) {
    walk(fullHeap, fullAddr, full, offsets, box, itemsize, denseHeap, denseAddr, true);
  }

  /** Scatters the dense buffer into the box of the full array. */
  public static void scatter(byte[] denseHeap, long denseAddr, long[] full, long[] offsets,
      long[] box, int itemsize, byte[] fullHeap, long fullAddr) {
    walk(fullHeap, fullAddr, full, offsets, box, itemsize, denseHeap, denseAddr, false);
  }

  private static void walk(byte[] fullHeap, long fullAddr, long[] full, long[] offsets,
      long[] box, int itemsize, byte[] denseHeap, long denseAddr, boolean gather) {
    int nd = full.length;
    for (long d : box) {
      if (d == 0) {
        return;
      }
    }
    if (nd == 0) {
      copy(gather, fullHeap, fullAddr, denseHeap, denseAddr, itemsize);
      return;
    }
    long[] stride = new long[nd]; // element strides of the full array
    long s = 1;
    for (int a = nd - 1; a >= 0; a--) {
      stride[a] = s;
      s *= full[a];
    }
    // merge trailing axes the box covers whole into one run
    int j = nd - 1;
    long run = box[j];
    while (j > 0 && box[j] == full[j]) {
      j--;
      run *= box[j];
    }
    long runBytes = run * itemsize;
    long[] idx = new long[j]; // odometer over axes 0 .. j-1
    long dense = 0;
    while (true) {
      long off = offsets[j] * stride[j];
      for (int a = 0; a < j; a++) {
        off += (offsets[a] + idx[a]) * stride[a];
      }
      copy(gather, fullHeap, fullAddr + off * itemsize, denseHeap, denseAddr + dense, runBytes);
      dense += runBytes;
      int a = j - 1;
      while (a >= 0 && ++idx[a] == box[a]) {
        idx[a] = 0;
        a--;
      }
      if (a < 0) {
        return;
      }
    }
  }

  /** Copies between position {@code fullPos} of the full side and {@code densePos} of the dense side. */
  private static void copy(boolean gather, byte[] fullHeap, long fullPos, byte[] denseHeap,
      long densePos, long n) {
    if (gather) {
      move(fullHeap, fullPos, denseHeap, densePos, n);
    } else {
      move(denseHeap, densePos, fullHeap, fullPos, n);
    }
  }

  /** Copies {@code n} bytes; a null array means the position is an off-heap address. */
  public static void move(byte[] src, long srcPos, byte[] dst, long dstPos, long n) {
    if (src == null && dst == null) {
      Raw.copy(srcPos, dstPos, n);
    } else if (src == null) {
      Raw.copyToHeap(srcPos, dst, dstPos, n);
    } else if (dst == null) {
      Raw.copyFromHeap(src, srcPos, dstPos, n);
    } else {
      System.arraycopy(src, (int) srcPos, dst, (int) dstPos, (int) n);
    }
  }
}
