package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.memory.MemoryBudget;
import io.tessera.ndarray.NDArray;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 5.4: {@code arr = arr.astype(np.float32)} inside a loop copies the array on every pass
 * ({@code astype} copies by default even when the dtype already matches); cast once before the
 * loop, or pass {@code copy=false} so a matching dtype returns a view. The allocator counts the
 * bytes each way.
 */
public final class PitfallRepeatedCasts {
  private PitfallRepeatedCasts() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    run(out, 1_000_000, 10);
  }

  public static void run(PrintStream out, int n, int passes) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray arr = np.linspace(0, 1, n)) {
        long before = alloc.getAllocatedMemory();
        long[] allocatedRepeated = {0};
        long tRepeated = Measure.bestOf(1, () -> {
          allocatedRepeated[0] = 0;
          NDArray cur = arr.view();
          for (int i = 0; i < passes; i++) {
            NDArray next = cur.astype(DType.FLOAT32);
            allocatedRepeated[0] += next.nbytes();
            cur.close();
            cur = next;
            try (NDArray s = cur.sum()) {
              s.getDouble();
            }
          }
          cur.close();
        });
        long[] allocatedOnce = {0};
        long tOnce = Measure.bestOf(1, () -> {
          try (NDArray f32 = arr.astype(DType.FLOAT32)) {
            allocatedOnce[0] = f32.nbytes();
            for (int i = 0; i < passes; i++) {
              try (NDArray same = f32.astype(DType.FLOAT32, Casting.UNSAFE, false);
                  NDArray s = same.sum()) {
                s.getDouble();
              }
            }
          }
        });
        out.println(passes + " passes over " + n + " float64 values:");
        out.println("arr = arr.astype(FLOAT32) in the loop: " + MemoryBudget.formatBytes(
            allocatedRepeated[0]) + " copied, " + Print.ms(tRepeated));
        out.println("cast once before the loop:             " + MemoryBudget.formatBytes(
            allocatedOnce[0]) + " copied, " + Print.ms(tOnce));
        try (NDArray f32 = arr.astype(DType.FLOAT32);
            NDArray again = f32.astype(DType.FLOAT32);
            NDArray noCopy = f32.astype(DType.FLOAT32, Casting.UNSAFE, false)) {
          out.println("astype(FLOAT32) of a float32 array copies: shares memory "
              + again.sharesMemory(f32) + "; astype(FLOAT32, UNSAFE, copy=false) is a view: "
              + noCopy.sharesMemory(f32));
        }
        out.println("allocator back to the input alone: " + (alloc.getAllocatedMemory() == before));
      }
    }
  }
}
