package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.ufunc.Ufunc;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 3.2: {@code result[i, j] = arr1[i] + arr2[j]} by nested loops of element writes, against
 * broadcasting {@code arr1[:, None] + arr2[None, :]}: the (n, 1) and (1, n) operands are views
 * with stride 0 along the broadcast axis, so nothing is copied before the one output is written.
 */
public final class Broadcasting {
  private Broadcasting() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    run(out, 1000);
  }

  public static void run(PrintStream out, int n) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray arr1 = np.linspace(0, 1, n);
          NDArray arr2 = np.linspace(0, 2, n);
          NDArray result = np.zeros(DType.FLOAT64, n, n);
          NDArray col = arr1.expandDims(1);
          NDArray row = arr2.expandDims(0);
          NDArray wide = row.broadcastTo(n, n)) {
        long loops = Measure.bestOf(2, () -> {
          for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
              result.setDouble(arr1.getDouble(i) + arr2.getDouble(j), i, j);
            }
          }
        });
        out.println("arr1[:, None] = arr1.expandDims(1): shape " + Print.tuple(col.shape())
            + ", strides " + Print.tuple(col.strides()) + "; arr2[None, :] shape "
            + Print.tuple(row.shape()));
        out.println("broadcastTo((" + n + ", " + n + ")) is a view: strides "
            + Print.tuple(wide.strides()) + ", shares memory " + wide.sharesMemory(arr2));
        long broadcast = Measure.bestOf(3, () -> col.add(row).close());
        try (NDArray b = col.add(row);
            NDArray eq = Ufunc.EQUAL.apply(b, result);
            NDArray same = eq.all()) {
          out.println("nested loops (" + n + " x " + n + " element writes): " + Print.ms(loops));
          out.println("broadcast col.add(row):                   " + Print.ms(broadcast));
          out.println("identical results: " + same.getBoolean() + ", shape "
              + Print.tuple(b.shape()));
        }
      }
    }
  }
}
