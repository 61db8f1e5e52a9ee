package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.ufunc.Ufunc;
import java.io.PrintStream;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 1.2.1 and 1.2.2: C order (row-major, the last index varies fastest) versus Fortran order
 * (column-major, the first index varies fastest), shown by the strides, the flags and the bytes
 * in memory order.
 */
public final class MemoryOrder {
  private MemoryOrder() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      long[][] rows = {{1, 2, 3}, {4, 5, 6}};
      try (NDArray c = np.array(rows, DType.INT64, Order.C);
          NDArray f = np.array(rows, DType.INT64, Order.F);
          NDArray cMem = c.ravel(Order.K);
          NDArray fMem = f.ravel(Order.K);
          NDArray eq = Ufunc.EQUAL.apply(c, f);
          NDArray same = eq.all()) {
        out.println("arr_c = np.array(rows, INT64, Order.C); arr_f = np.array(rows, INT64, Order.F)");
        out.println("arr_c: strides " + Print.tuple(c.strides()) + ", C_CONTIGUOUS "
            + c.isCContiguous() + ", F_CONTIGUOUS " + c.isFContiguous());
        out.println("arr_f: strides " + Print.tuple(f.strides()) + ", C_CONTIGUOUS "
            + f.isCContiguous() + ", F_CONTIGUOUS " + f.isFContiguous());
        out.println("arr_c in memory order: " + Arrays.toString(cMem.toLongArray()));
        out.println("arr_f in memory order: " + Arrays.toString(fMem.toLongArray()));
        out.println("same values: (arr_c == arr_f).all() = " + same.getBoolean());
      }
      try (NDArray c = np.arange(6);
          NDArray m = c.reshape(2, 3);
          NDArray t = m.T();
          NDArray tc = t.ascontiguousarray();
          NDArray mf = m.asfortranarray()) {
        out.println("the transpose of a C array is an F array, with no copy: .T strides "
            + Print.tuple(t.strides()) + ", F_CONTIGUOUS " + t.isFContiguous() + ", shares memory "
            + t.sharesMemory(m));
        out.println("ascontiguousarray(.T) copies into C order: strides " + Print.tuple(tc.strides())
            + ", shares memory " + tc.sharesMemory(m));
        out.println("asfortranarray(m) copies into F order: strides " + Print.tuple(mf.strides())
            + ", shares memory " + mf.sharesMemory(m));
      }
    }
  }
}
