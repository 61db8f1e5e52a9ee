package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.errors.TesseraException;
import io.tessera.ndarray.NDArray;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 2.1: the default dtypes (int64, float64) are often larger than the data needs; pick the
 * smallest dtype whose range holds the values, and see {@code nbytes} shrink. Casting rules
 * guard against silent overflow; float16 and float32 trade precision for memory.
 */
public final class ChoosingDTypes {
  private ChoosingDTypes() {}

  public static void main(String[] args) {
    run(System.out);
  }

  /** The smallest signed integer dtype holding every value in [lo, hi] (the guide's table). */
  static DType smallestSigned(long lo, long hi) {
    for (DType t : new DType[] {DType.INT8, DType.INT16, DType.INT32}) {
      long max = (1L << (t.bits() - 1)) - 1;
      if (lo >= -max - 1 && hi <= max) {
        return t;
      }
    }
    return DType.INT64;
  }

  public static void run(PrintStream out) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray def = np.array(new long[] {1, 2, 3});
          NDArray opt = np.array(new long[] {1, 2, 3}, DType.INT8)) {
        out.println("np.array(new long[] {1, 2, 3}) -> " + def.dtype() + ", nbytes " + def.nbytes());
        out.println("np.array(new long[] {1, 2, 3}, INT8) -> " + opt.dtype() + ", nbytes "
            + opt.nbytes());
      }
      out.println("range [-128, 127] -> " + smallestSigned(-128, 127) + "; [-32768, 32767] -> "
          + smallestSigned(-32768, 32767) + "; [0, 100000] -> " + smallestSigned(0, 100_000)
          + "; [0, 2^40] -> " + smallestSigned(0, 1L << 40));
      long n = 1_000_000;
      for (DType t : new DType[] {DType.FLOAT64, DType.FLOAT32, DType.FLOAT16}) {
        try (NDArray a = np.zeros(t, n)) {
          out.println(Print.fmt("zeros(%s, 1e6): nbytes %,d (%s)", t, a.nbytes(), Print.mb(a.nbytes())));
        }
      }
      try (NDArray x = np.array(new double[] {0.1, 1000.1, 65504.0, 70000.0});
          NDArray f32 = x.astype(DType.FLOAT32);
          NDArray f16 = x.astype(DType.FLOAT16)) {
        out.println("precision: float64 " + x + " -> float32 " + f32 + " -> float16 " + f16);
      }
      out.println("can_cast(int64 -> int8): safe " + Casting.canCast(DType.INT64, DType.INT8,
          Casting.SAFE) + ", same_kind " + Casting.canCast(DType.INT64, DType.INT8,
          Casting.SAME_KIND));
      try (NDArray big = np.array(new long[] {100, 200, 300});
          NDArray wrapped = big.astype(DType.INT8)) {
        out.println("astype(INT8) is unsafe by default and wraps: " + big + " -> " + wrapped);
        try (NDArray refused = big.astype(DType.INT8, Casting.SAFE, true)) {
          out.println("unexpected: " + refused);
        } catch (TesseraException e) {
          out.println("astype(INT8, SAFE) -> " + e.getClass().getSimpleName() + ": "
              + e.getMessage());
        }
      }
    }
  }
}
