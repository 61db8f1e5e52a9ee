package io.tessera.ndarray;

import io.tessera.dtype.DType;
import io.tessera.iter.MemoryOrder;
import io.tessera.memory.Storage;
import io.tessera.shape.Layout;
import io.tessera.shape.Shapes;
import org.apache.arrow.memory.BufferAllocator;

/** Allocation of new arrays: the one place where array memory is requested from an allocator. */
public final class Creation {
  private Creation() {}

  /** Default alignment of new arrays: a cache line, enough for any dtype and for AVX-512 loads. */
  public static final int DEFAULT_ALIGNMENT = 64;

  /** A new, uninitialized, writeable array owning its memory. */
  public static NDArray empty(BufferAllocator allocator, DType dtype, long[] shape, Order order,
      int alignment) {
    long n = Shapes.checkedSize("empty", shape, dtype.itemsize());
    if (alignment < dtype.alignment()) {
      throw new io.tessera.errors.TesseraException("empty", "empty: alignment " + alignment
          + " is below the " + dtype.alignment() + "-byte alignment of " + dtype);
    }
    long[] strides = order == Order.F ? Layout.fStrides(shape, dtype.itemsize())
        : Layout.cStrides(shape, dtype.itemsize());
    return allocate(allocator, dtype, shape.clone(), strides, n, alignment);
  }

  /** A new array with {@code src}'s shape, laid out in {@code order} (K keeps src's stride order). */
  public static NDArray emptyLike(NDArray src, DType dtype, Order order) {
    long[] shape = src.shape();
    Order o = src.resolveOrder(order);
    if (o == Order.K) {
      if (src.isCContiguous()) {
        o = Order.C;
      } else if (src.isFContiguous()) {
        o = Order.F;
      } else {
        int[] perm = MemoryOrder.sortedStridePerm(src.layout().strides());
        long[] strides = MemoryOrder.stridesForPerm(shape, perm, dtype.itemsize());
        return allocate(src.allocator(), dtype, shape, strides, src.size(), DEFAULT_ALIGNMENT);
      }
    }
    return empty(src.allocator(), dtype, shape, o, DEFAULT_ALIGNMENT);
  }

  private static NDArray allocate(BufferAllocator allocator, DType dtype, long[] shape,
      long[] strides, long n, int alignment) {
    if (n == 0) {
      strides = new long[shape.length]; // NumPy 2 gives new empty arrays all-zero strides
    }
    Storage s = Storage.allocate(allocator, n * dtype.itemsize(), alignment);
    return NDArray.owning(s, dtype, new Layout(shape, strides, 0, dtype.itemsize()), true);
  }

  /** A 0-d array holding {@code value} converted with scalar assignment rules. */
  static NDArray scalar(BufferAllocator allocator, DType dtype, double value) {
    NDArray a = empty(allocator, dtype, new long[0], Order.C, DEFAULT_ALIGNMENT);
    try {
      a.setDouble(value);
    } catch (RuntimeException e) {
      a.close();
      throw e;
    }
    return a;
  }

  /** A 0-d array holding the integer {@code value}, range-checked for the dtype. */
  static NDArray scalar(BufferAllocator allocator, DType dtype, long value) {
    NDArray a = empty(allocator, dtype, new long[0], Order.C, DEFAULT_ALIGNMENT);
    try {
      a.setLong(value);
    } catch (RuntimeException e) {
      a.close();
      throw e;
    }
    return a;
  }
}
