package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.memory.MemoryBudget;
import io.tessera.memory.MemoryReport;
import io.tessera.ndarray.NDArray;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 2.6: {@code del large_arr; gc.collect()} becomes {@code close()}: arrays live off the Java
 * heap in an accounted Arrow allocator, released when the last array over a buffer is closed (a
 * view keeps its base's buffer alive). Allocators can carry a limit; closing an allocator with
 * memory still allocated fails, which is how tests find leaks; {@link MemoryReport} measures a
 * piece of code.
 */
public final class ReleasingMemory {
  private ReleasingMemory() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      NDArray large = np.zeros(DType.FLOAT64, 1000, 1000);
      out.println("large = np.zeros((1000, 1000)): allocator holds "
          + Print.mb(alloc.getAllocatedMemory()));
      NDArray view = large.get("::2, ::2");
      large.close();
      out.println("large.close() with a view open: still " + Print.mb(alloc.getAllocatedMemory())
          + " (the view keeps the buffer), view[0, 0] = " + view.getDouble(0, 0));
      view.close();
      out.println("view.close(): " + Print.mb(alloc.getAllocatedMemory()) + " (peak "
          + Print.mb(alloc.getPeakMemoryAllocation()) + "); no garbage collector involved");

      try (BufferAllocator limited = alloc.newChildAllocator("limited", 0, 4 << 20)) {
        Tessera small = Tessera.using(limited);
        try (NDArray ok = small.zeros(DType.FLOAT64, 1000)) {
          out.println("child allocator limited to 4 MB: zeros(1000) fits (" + ok.nbytes()
              + " bytes)");
        }
        try (NDArray tooBig = small.zeros(DType.FLOAT64, 1000, 1000)) {
          out.println("unexpected: " + tooBig.nbytes());
        } catch (OutOfMemoryException e) {
          out.println("zeros((1000, 1000)) in it -> OutOfMemoryException (8 MB > 4 MB limit)");
        }
      }

      out.println("closing an allocator while an array is still open throws "
          + "IllegalStateException (\"Memory was leaked\"): every test closes its allocator, so a "
          + "leak fails the test");
      MemoryReport r = MemoryReport.isolated(alloc, child -> {
        Tessera t = Tessera.using(child);
        try (NDArray a = t.ones(DType.FLOAT64, 500_000);
            NDArray b = a.mul(3.0);
            NDArray s = b.sum()) {
          s.getDouble();
        }
      });
      out.println("MemoryReport.isolated(a = ones(5e5); b = a * 3; b.sum()): peak "
          + MemoryBudget.formatBytes(r.peakBytes()) + ", end " + r.endBytes() + " bytes ("
          + r.method() + ")");
      out.println("at the end: allocator holds " + alloc.getAllocatedMemory() + " bytes");
    }
  }
}
