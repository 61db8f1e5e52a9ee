package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.ndarray.NDArray;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 1.1: an ndarray is metadata (shape, strides, dtype, flags, a data address) over a buffer.
 * NumPy: {@code arr.shape, arr.strides, arr.dtype, arr.flags, arr.__array_interface__['data']}.
 */
public final class MemoryModel {
  private MemoryModel() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray arr = np.array(new long[][] {{1, 2, 3}, {4, 5, 6}})) {
        out.println("arr = np.array(new long[][] {{1, 2, 3}, {4, 5, 6}})");
        out.println(arr);
        out.println("shape:    " + Print.tuple(arr.shape()));
        out.println("strides:  " + Print.tuple(arr.strides())
            + "   (one row = 3 x 8 bytes, one element = 8 bytes)");
        out.println("dtype:    " + arr.dtype() + " (typestr " + arr.dtype().str() + ", itemsize "
            + arr.itemsize() + ")");
        out.println("size:     " + arr.size() + " elements, nbytes " + arr.nbytes());
        out.println("flags:");
        out.print(arr.flags());
        out.println("data address: 0x" + Long.toHexString(arr.dataAddress())
            + " (off-heap Arrow memory, accounted by the allocator: "
            + alloc.getAllocatedMemory() + " bytes allocated)");
        out.println("__array_interface__: " + arr.arrayInterface());
        // arr[i, j] lives at data + i * strides[0] + j * strides[1]
        long i = 1;
        long j = 2;
        long offset = i * arr.strides()[0] + j * arr.strides()[1];
        out.println("arr[1, 2] is at data + 1*24 + 2*8 = data + " + offset + " bytes: "
            + arr.getLong(i, j));
      }
    }
  }
}
