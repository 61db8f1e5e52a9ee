package io.tessera.io.chunked;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.Tessera;
import io.tessera.chunk.ChunkedArray;
import io.tessera.dtype.DType;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.shape.Shapes;
import java.util.Random;

/** Helpers shared by the chunked-format tests: random arrays and bit-exact comparison. */
public final class ChunkedTestSupport {
  private ChunkedTestSupport() {}

  /** The twelve dtypes. */
  public static final DType[] ALL = DType.values();

  /** The elements' bytes in C order (native little-endian). */
  public static byte[] cBytes(NDArray a) {
    try (NDArray c = a.copy(Order.C)) {
      byte[] b = new byte[Math.toIntExact(c.nbytes())];
      if (b.length > 0) {
        Raw.copyToHeap(c.dataAddress(), b, 0, b.length);
      }
      return b;
    }
  }

  /** A new C-ordered array of random element bytes (0/1 for bool, NaN payloads kept). */
  public static NDArray random(Tessera np, Random rnd, DType dtype, long... shape) {
    NDArray a = np.empty(dtype, shape);
    byte[] b = new byte[Math.toIntExact(a.nbytes())];
    rnd.nextBytes(b);
    if (dtype == DType.BOOL) {
      for (int i = 0; i < b.length; i++) {
        b[i] &= 1;
      }
    }
    if (b.length > 0) {
      Raw.copyFromHeap(b, 0, a.dataAddress(), b.length);
    }
    return a;
  }

  /** A new float64 block of {@code shape} holding {@code value} everywhere (a fast fill). */
  public static NDArray constant(Tessera np, long[] shape, double value) {
    NDArray b = np.empty(DType.FLOAT64, shape);
    NativeBytes.fillBits(b.dataAddress(), b.size(), 8, Double.doubleToRawLongBits(value));
    return b;
  }

  /** Same shape, dtype and element bits. */
  public static void assertSameBits(NDArray expected, NDArray actual) {
    assertEquals(expected.dtype(), actual.dtype(), "dtype");
    assertArrayEquals(expected.shape(), actual.shape(), () -> "shape "
        + Shapes.format(actual.shape()) + " vs " + Shapes.format(expected.shape()));
    assertArrayEquals(cBytes(expected), cBytes(actual), "element bits");
  }

  /** Assembles {@code c} and compares it bit for bit with {@code expected}. */
  public static void assertSameBits(NDArray expected, ChunkedArray c, Tessera np) {
    try (NDArray all = c.toArray(np)) {
      assertSameBits(expected, all);
    }
  }
}
