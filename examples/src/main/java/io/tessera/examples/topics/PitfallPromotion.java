package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.dtype.Promotion;
import io.tessera.ndarray.NDArray;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 5.2: {@code int32 + float64} promotes to float64, twice the bytes of the int32 input.
 * Cast the operands to the dtype you want first (the guide's fix), or rely on NEP 50: a Java
 * {@code double} is a weak scalar and does not widen a float32 array.
 */
public final class PitfallPromotion {
  private PitfallPromotion() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    run(out, 1_000_000);
  }

  public static void run(PrintStream out, int n) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray arrInt = np.arange(0, n, 1, DType.INT32);
          NDArray arrFloat = np.linspace(0, 1, n);
          NDArray result = arrInt.add(arrFloat)) {
        out.println("arr_int (int32, " + Print.mb(arrInt.nbytes()) + ") + arr_float (float64, "
            + Print.mb(arrFloat.nbytes()) + ") -> " + result.dtype() + ", "
            + Print.mb(result.nbytes()));
        out.println("result_type(int32, float64) = "
            + Promotion.resultType(DType.INT32, DType.FLOAT64) + "; result_type(int16, float16) = "
            + Promotion.resultType(DType.INT16, DType.FLOAT16) + "; result_type(int64, uint64) = "
            + Promotion.resultType(DType.INT64, DType.UINT64));
        try (NDArray i32 = arrInt.astype(DType.FLOAT32);
            NDArray f32 = arrFloat.astype(DType.FLOAT32);
            NDArray small = i32.add(f32)) {
          out.println("arr_int.astype(FLOAT32) + arr_float.astype(FLOAT32) -> " + small.dtype()
              + ", " + Print.mb(small.nbytes()));
        }
        try (NDArray f32 = arrFloat.astype(DType.FLOAT32);
            NDArray weak = f32.mul(2.0)) {
          out.println("float32 array * 2.0 (a weak Java double, NEP 50) -> " + weak.dtype());
        }
      }
    }
  }
}
