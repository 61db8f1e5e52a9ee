package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Requirement;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 1.4: new arrays are aligned (Tessera: 64 bytes, a cache line); a view at an odd byte
 * offset is not; {@code require(ALIGNED)} returns a view when the array already qualifies and an
 * aligned copy when it does not.
 */
public final class Alignment {
  private Alignment() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray a = np.zeros(DType.FLOAT64, 100);
          NDArray same = a.require(Requirement.ALIGNED);
          NDArray bytes = a.view(DType.UINT8);
          NDArray shifted = bytes.get("1:793");
          NDArray mis = shifted.view(DType.FLOAT64);
          NDArray fixed = mis.require(Requirement.ALIGNED)) {
        out.println("a = np.zeros(FLOAT64, 100): ALIGNED " + a.flags().aligned()
            + ", data % alignment(" + a.dtype().alignment() + ") = "
            + a.dataAddress() % a.dtype().alignment() + ", data % 64 = " + a.dataAddress() % 64
            + ", np.alignment() = " + np.alignment());
        out.println("require(ALIGNED) on an aligned array is a view: " + same.sharesMemory(a));
        out.println("a.view(UINT8)[1:793].view(FLOAT64): ALIGNED " + mis.flags().aligned()
            + ", data % 8 = " + mis.dataAddress() % 8);
        out.println("require(ALIGNED) copies it: ALIGNED " + fixed.flags().aligned()
            + ", OWNDATA " + fixed.flags().ownData() + ", shares memory " + fixed.sharesMemory(a));
      }
      Tessera page = np.aligned(4096);
      try (NDArray p = page.zeros(DType.FLOAT32, 1000)) {
        out.println("np.aligned(4096).zeros(FLOAT32, 1000): data % 4096 = "
            + p.dataAddress() % 4096);
      }
    }
  }
}
