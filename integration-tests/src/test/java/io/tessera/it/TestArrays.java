package io.tessera.it;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.util.Random;

/** Arrays for the interop tests: random bit patterns in, C-order bytes out. */
final class TestArrays {
  private TestArrays() {
  }

  /** The array's elements in C order, as bytes (what NumPy's {@code tobytes()} returns). */
  static byte[] cBytes(NDArray a) {
    try (NDArray c = a.copy(Order.C)) {
      byte[] b = new byte[Math.toIntExact(c.nbytes())];
      if (b.length > 0) {
        Raw.copyToHeap(c.dataAddress(), b, 0, b.length);
      }
      return b;
    }
  }

  /** A new array of random bytes (bools 0 or 1), so every bit pattern, NaNs included, occurs. */
  static NDArray random(Tessera np, Random rnd, DType t, long... shape) {
    NDArray a = np.empty(t, shape);
    byte[] b = new byte[Math.toIntExact(a.nbytes())];
    rnd.nextBytes(b);
    if (t == DType.BOOL) {
      for (int i = 0; i < b.length; i++) {
        b[i] &= 1;
      }
    }
    if (b.length > 0) {
      Raw.copyFromHeap(b, 0, a.dataAddress(), b.length);
    }
    return a;
  }
}
