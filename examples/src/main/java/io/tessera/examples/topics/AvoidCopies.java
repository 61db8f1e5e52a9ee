package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.memory.MemoryReport;
import io.tessera.ndarray.NDArray;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 2.3 and 2.4: a defensive {@code copy()} before an operation that makes a new array anyway
 * doubles the memory; a slice is a view, {@code slice.copy()} is only needed to detach from the
 * base. The allocator's high-water mark counts each choice.
 */
public final class AvoidCopies {
  private AvoidCopies() {}

  public static void main(String[] args) {
    run(System.out);
  }

  /** Inefficient: copies, then multiplies into another new array. */
  static NDArray processWithCopy(NDArray arr) {
    try (NDArray copy = arr.copy()) {
      return copy.mul(2.0);
    }
  }

  /** Efficient: the multiply makes the result array. */
  static NDArray process(NDArray arr) {
    return arr.mul(2.0);
  }

  /** When the caller wants the input modified: in place, no allocation. */
  static NDArray processInPlace(NDArray arr) {
    return arr.muli(2.0);
  }

  public static void run(PrintStream out) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      out.println("arr: 1e6 float64 = " + Print.mb(8_000_000));
      MemoryReport a = Measure.onFresh(t -> t.ones(DType.FLOAT64, 1_000_000),
          arr -> processWithCopy(arr).close());
      MemoryReport b = Measure.onFresh(t -> t.ones(DType.FLOAT64, 1_000_000),
          arr -> process(arr).close());
      MemoryReport c = Measure.onFresh(t -> t.ones(DType.FLOAT64, 1_000_000),
          arr -> processInPlace(arr));
      out.println("2.3 copy() then * 2: peak +" + Print.mb(a.peakIncrease())
          + "; * 2 alone: peak +" + Print.mb(b.peakIncrease()) + "; *= 2 in place: peak +"
          + Print.mb(c.peakIncrease()));
      try (NDArray arr = np.ones(DType.FLOAT64, 1_000_000)) {
        MemoryReport sliceCopy = Measure.onFresh(t -> t.ones(DType.FLOAT64, 1_000_000), x -> {
          try (NDArray v = x.get("100:200");
              NDArray s = v.copy()) {
            s.getDouble(0);
          }
        });
        try (NDArray view = arr.get("100:200")) {
          out.println("2.4 arr[100:200].copy(): peak +" + sliceCopy.peakIncrease() + " bytes; "
              + "arr[100:200]: a view, shares memory " + view.sharesMemory(arr) + ", OWNDATA "
              + view.flags().ownData() + ", allocated 0 bytes");
          view.setDouble(-1.0, 0);
          out.println("writing through the view changes arr: arr[100] = " + arr.getDouble(100));
        }
      }
    }
  }
}
