package io.tessera.ndarray;

import io.tessera.iter.MemoryOrder;
import java.util.NoSuchElementException;

/**
 * Iterates over an array's elements one at a time: in C index order (NumPy's {@code a.flat}) or
 * in memory order (axes sorted by stride, negative strides walked backwards, as {@code
 * np.nditer(a, order='K')}), which is the fast order for any layout.
 */
public final class FlatIterator {
  private final NDArray array;
  private final long[] shape;
  private final long[] strides;
  private final long[] idx;
  private long address;
  private long remaining;

  FlatIterator(NDArray array, boolean memoryOrder) {
    this.array = array;
    long[] sh = array.layout().shape();
    long[] st = array.layout().strides();
    long addr = array.dataAddress();
    if (memoryOrder) {
      int[] perm = MemoryOrder.sortedStridePerm(st);
      long[] psh = new long[sh.length];
      long[] pst = new long[st.length];
      for (int i = 0; i < perm.length; i++) {
        psh[i] = sh[perm[i]];
        pst[i] = st[perm[i]];
        if (pst[i] < 0 && psh[i] > 0) {
          addr += (psh[i] - 1) * pst[i];
          pst[i] = -pst[i];
        }
      }
      sh = psh;
      st = pst;
    }
    this.shape = sh;
    this.strides = st;
    this.idx = new long[sh.length];
    this.address = addr;
    this.remaining = array.size();
  }

  public boolean hasNext() {
    return remaining > 0;
  }

  /** Address of the next element, advancing the iterator. */
  private long next() {
    if (remaining <= 0) {
      throw new NoSuchElementException();
    }
    array.checkOpen("flat");
    long current = address;
    remaining--;
    for (int k = shape.length - 1; k >= 0; k--) {
      idx[k]++;
      address += strides[k];
      if (idx[k] < shape[k]) {
        break;
      }
      address -= strides[k] * shape[k];
      idx[k] = 0;
    }
    return current;
  }

  public double nextDouble() {
    return Elements.getDouble(array.dtype(), next());
  }

  public long nextLong() {
    return Elements.getLong(array.dtype(), next());
  }
}
