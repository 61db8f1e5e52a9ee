package io.tessera.examples;

import io.tessera.Tessera;
import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.errors.TesseraException;
import io.tessera.ndarray.CopyMode;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.ndarray.Requirement;
import java.io.PrintWriter;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The guide's section 1 (memory model) and the debug report of section 6.3, run live: each step
 * prints the Tessera call, then what it shows.
 */
public final class MemoryModelTour {
  private MemoryModelTour() {}

  public static void run(PrintWriter out) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      section(out, "1.1 An ndarray is metadata over a buffer");
      try (NDArray arr = np.array(new long[][] {{1, 2, 3}, {4, 5, 6}})) {
        out.println("arr = np.array(new long[][]{{1, 2, 3}, {4, 5, 6}})");
        out.println(arr);
        out.println("shape   " + Arrays.toString(arr.shape()));
        out.println("strides " + Arrays.toString(arr.strides()) + "   (bytes: a row is 3 x 8)");
        out.println("dtype   " + arr.dtype() + " (" + arr.dtype().str() + ")");
        out.println("flags\n" + arr.flags());
        out.println("__array_interface__ " + arr.arrayInterface());
      }

      section(out, "1.2 C order versus Fortran order");
      try (NDArray c = np.array(new long[][] {{1, 2, 3}, {4, 5, 6}}, DType.INT64, Order.C);
          NDArray f = np.array(new long[][] {{1, 2, 3}, {4, 5, 6}}, DType.INT64, Order.F);
          NDArray fMem = f.ravel(Order.K)) {
        out.println("C: strides " + Arrays.toString(c.strides()) + ", C_CONTIGUOUS "
            + c.isCContiguous() + ", F_CONTIGUOUS " + c.isFContiguous());
        out.println("F: strides " + Arrays.toString(f.strides()) + ", C_CONTIGUOUS "
            + f.isCContiguous() + ", F_CONTIGUOUS " + f.isFContiguous());
        out.println("F's bytes in memory order: " + Arrays.toString(fMem.toLongArray()));
      }

      section(out, "1.2.3 Strides: as_strided sliding windows, bounds-checked");
      try (NDArray a = np.arange(10);
          NDArray windows = a.asStrided(new long[] {8, 3}, new long[] {8, 8})) {
        out.println("np.arange(10).asStrided({8, 3}, {8, 8}) =");
        out.println(windows);
        out.println("shares memory with arange: " + windows.sharesMemory(a));
        try (NDArray bad = a.asStrided(new long[] {9, 3}, new long[] {8, 8})) {
          out.println("unexpected: " + bad);
        } catch (TesseraException e) {
          out.println("asStrided({9, 3}) -> " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
      }

      section(out, "1.3 Views versus copies");
      try (NDArray arr = np.array(new long[] {1, 2, 3, 4, 5});
          NDArray view = arr.get("1:4");
          NDArray copy = arr.copy()) {
        view.setLong(99, 0);
        out.println("view = arr.get(\"1:4\"); view[0] = 99  ->  arr = " + arr);
        out.println("view.base() == arr: " + (view.base() == arr)
            + ", sharesMemory: " + arr.sharesMemory(view) + ", OWNDATA: " + view.flags().ownData());
        copy.setLong(-1, 0);
        out.println("copy = arr.copy(); copy[0] = -1  ->  arr = " + arr + ", sharesMemory: "
            + arr.sharesMemory(copy));
      }
      try (NDArray a = np.arange(12);
          NDArray m = a.reshape(3, 4);
          NDArray t = m.T();
          NDArray r = t.reshape(new long[] {12}, Order.C, CopyMode.IF_NEEDED);
          NDArray even = a.get("::2");
          NDArray odd = a.get("1::2")) {
        out.println("arange(12).reshape(3, 4) is a view: " + m.sharesMemory(a));
        out.println(".T is a view with strides " + Arrays.toString(t.strides()) + ": "
            + t.sharesMemory(a));
        out.println(".T.reshape(12) must copy: shares memory " + r.sharesMemory(a));
        try (NDArray never = t.reshape(new long[] {12}, Order.C, CopyMode.NEVER)) {
          out.println("unexpected: " + never);
        } catch (TesseraException e) {
          out.println("reshape(copy=NEVER) -> " + e.getMessage());
        }
        out.println("a[::2] and a[1::2]: may share memory " + even.mayShareMemory(odd)
            + " (bounds overlap), share memory " + even.sharesMemory(odd) + " (exact)");
      }
      try (NDArray a = np.arange(6);
          NDArray idx = np.array(new long[] {1, 3});
          NDArray fancy = a.take(idx, 0)) {
        out.println("fancy indexing a[[1, 3]] = " + fancy + " is a copy: base "
            + fancy.base() + ", shares memory " + fancy.sharesMemory(a));
      }

      section(out, "1.4 Alignment and require()");
      try (NDArray a = np.zeros(DType.FLOAT64, 100);
          NDArray bytes = a.view(DType.UINT8);
          NDArray odd = bytes.get("1:793");
          NDArray mis = odd.view(DType.FLOAT64);
          NDArray fixed = mis.require(Requirement.ALIGNED)) {
        out.println("zeros(100) aligned: " + a.flags().aligned() + ", address % 64 = "
            + a.dataAddress() % 64);
        out.println("a byte-offset float64 view is aligned: " + mis.flags().aligned());
        out.println("require(ALIGNED) copies it: aligned " + fixed.flags().aligned()
            + ", owns data " + fixed.flags().ownData());
      }

      section(out, "2.1 dtypes and nbytes; casting");
      try (NDArray big = np.zeros(DType.INT64, 1000);
          NDArray small = big.astype(DType.INT8)) {
        out.println("int64 x 1000: " + big.nbytes() + " bytes; int8: " + small.nbytes() + " bytes");
        out.println("can_cast(int64, int8, safe) = "
            + Casting.canCast(DType.INT64, DType.INT8, Casting.SAFE)
            + ", same_kind: " + Casting.canCast(DType.INT64, DType.INT8, Casting.SAME_KIND)
            + ", unsafe: " + Casting.canCast(DType.INT64, DType.INT8, Casting.UNSAFE));
      }

      section(out, "2.6 Releasing memory: the allocator accounts for every byte");
      try (NDArray a = np.zeros(DType.FLOAT64, 1000, 1000)) {
        out.println("zeros((1000, 1000)): allocator holds " + mb(np.allocatedBytes()));
        try (NDArray v = a.get("::2, ::2")) {
          a.close();
          out.println("closed the base; its view keeps the buffer alive: " + mb(np.allocatedBytes()));
          out.println("view still readable: v[0, 0] = " + v.getDouble(0, 0));
        }
        out.println("closed the view too: " + mb(np.allocatedBytes()) + ", peak "
            + mb(np.peakBytes()));
      }

      section(out, "6.3 The debug report");
      try (NDArray a = np.zeros(DType.FLOAT32, Order.F, 1000, 1000);
          NDArray v = a.get("::2, 10:20")) {
        out.print(a.describe("a"));
        out.print(v.describe("a[::2, 10:20]"));
      }
    }
  }

  private static void section(PrintWriter out, String title) {
    out.println();
    out.println("== " + title + " " + "=".repeat(Math.max(0, 70 - title.length())));
  }

  private static String mb(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.2f MB", bytes / (1024.0 * 1024.0));
  }
}
