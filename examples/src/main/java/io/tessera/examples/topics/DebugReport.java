package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 6.3: the guide's {@code debug_array(arr, name)} is {@link NDArray#describe(String)}:
 * shape, dtype, strides, contiguity, alignment, writeability, memory, whether it is a view, and
 * the data address.
 */
public final class DebugReport {
  private DebugReport() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray a = np.zeros(DType.FLOAT32, Order.F, 1000, 1000);
          NDArray v = a.get("::2, 10:20");
          NDArray t = v.T()) {
        out.print(a.describe("my_array"));
        out.print(v.describe("my_array[::2, 10:20]"));
        out.print(t.describe("my_array[::2, 10:20].T"));
      }
    }
  }
}
