package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.errors.TesseraException;
import io.tessera.memory.MemoryReport;
import io.tessera.ndarray.NDArray;
import io.tessera.ufunc.Ufunc;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 2.2: {@code arr = arr + 1; arr = arr * 2} allocates a new array per step; {@code addi} /
 * {@code muli} ({@code +=}, {@code *=}) and ufuncs with {@code out=} write into existing memory.
 * The allocator's high-water mark shows the difference.
 */
public final class InPlace {
  private InPlace() {}

  public static void main(String[] args) {
    run(System.out, 1_000_000);
  }

  public static void run(PrintStream out) {
    run(out, 1_000_000);
  }

  /** With {@code n} float64 elements. */
  public static void run(PrintStream out, int n) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      out.println("arr = np.arange(0, " + n + ", 1, FLOAT64): " + Print.mb(8L * n));
      MemoryReport copies = Measure.onFresh(t -> t.arange(0, n, 1, DType.FLOAT64), arr -> {
        try (NDArray t1 = arr.add(1.0);
            NDArray t2 = t1.mul(2.0)) {
          arr.assign(t2);
        }
      });
      out.println("arr = arr + 1; arr = arr * 2  -> peak +" + Print.mb(copies.peakIncrease())
          + " (two new arrays)");
      MemoryReport inPlace = Measure.onFresh(t -> t.arange(0, n, 1, DType.FLOAT64), arr -> {
        arr.addi(1.0);
        arr.muli(2.0);
        out.println("arr.addi(1); arr.muli(2): arr[1] = " + arr.getDouble(1));
      });
      out.println("arr.addi(1); arr.muli(2)      -> peak +" + Print.mb(inPlace.peakIncrease()));
      MemoryReport withOut = Measure.onFresh(t -> t.arange(0, n, 1, DType.FLOAT64), arr -> {
        Ufunc.ADD.apply(arr, 1.0, arr);
        Ufunc.MULTIPLY.apply(arr, 2.0, arr).close();
      });
      out.println("Ufunc.ADD.apply(arr, 1, arr)  -> peak +" + Print.mb(withOut.peakIncrease())
          + " (out=arr)");
      try (NDArray ints = np.arange(5)) {
        try {
          ints.addi(1.5);
          out.println("unexpected: " + ints);
        } catch (TesseraException e) {
          out.println("int64 array addi(1.5) -> " + e.getClass().getSimpleName() + ": "
              + e.getMessage());
        }
      }
    }
  }
}
