package io.tessera.ndarray;

import java.util.function.LongConsumer;

/** Element-by-element walks over an array's addresses, for scalar-level code (not kernels). */
final class Iteration {
  private Iteration() {}

  /** Calls {@code f} with the address of every element, in C (row-major) index order. */
  static void forEachC(NDArray a, LongConsumer f) {
    long[] shape = a.layout().shape();
    long[] strides = a.layout().strides();
    int n = shape.length;
    long size = a.size();
    if (size == 0) {
      return;
    }
    long addr = a.dataAddress();
    if (n == 0) {
      f.accept(addr);
      return;
    }
    long[] idx = new long[n];
    int inner = n - 1;
    long innerStride = strides[inner];
    long innerLen = shape[inner];
    while (true) {
      long p = addr;
      for (long i = 0; i < innerLen; i++, p += innerStride) {
        f.accept(p);
      }
      int k = inner - 1;
      while (k >= 0) {
        idx[k]++;
        addr += strides[k];
        if (idx[k] < shape[k]) {
          break;
        }
        addr -= strides[k] * shape[k];
        idx[k] = 0;
        k--;
      }
      if (k < 0) {
        return;
      }
    }
  }
}
