package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.ndarray.NDArray;
import io.tessera.ufunc.Ufunc;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 1.3: views share their base's buffer, copies own a new one; tell them apart with
 * {@code base()}, {@code flags().ownData()}, {@code sharesMemory} (exact) and
 * {@code mayShareMemory} (bounds only).
 */
public final class ViewsAndCopies {
  private ViewsAndCopies() {}

  public static void main(String[] args) {
    run(System.out);
  }

  /** NumPy's recipe from 1.3.3: {@code other.base is arr or other.base is arr.base}. */
  static boolean isView(NDArray arr, NDArray other) {
    return other.base() == arr || (other.base() != null && other.base() == arr.base());
  }

  public static void run(PrintStream out) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      out.println("-- 1.3.1 views share memory");
      try (NDArray arr = np.array(new long[] {1, 2, 3, 4, 5});
          NDArray view = arr.get("1:4")) {
        view.setLong(99, 0);
        out.println("view = arr.get(\"1:4\"); view[0] = 99  ->  arr = " + arr);
        out.println("sharesMemory(arr, view) = " + arr.sharesMemory(view)
            + ", mayShareMemory = " + arr.mayShareMemory(view)
            + ", view.base() == arr: " + (view.base() == arr));
      }
      try (NDArray a = np.arange(12);
          NDArray m = a.reshape(3, 4);
          NDArray t = m.T();
          NDArray r = m.ravel();
          NDArray v = m.view()) {
        out.println("views: reshape " + isView(a, m) + ", T " + isView(m, t) + " (shares "
            + t.sharesMemory(a) + "), ravel of a C array " + r.sharesMemory(a) + ", view() "
            + v.sharesMemory(a));
      }
      out.println("-- 1.3.2 copies own new memory");
      try (NDArray arr = np.array(new long[] {1, 2, 3, 4, 5});
          NDArray copy = arr.copy()) {
        copy.setLong(99, 0);
        out.println("copy = arr.copy(); copy[0] = 99  ->  arr = " + arr + ", sharesMemory "
            + arr.sharesMemory(copy) + ", copy OWNDATA " + copy.flags().ownData());
      }
      try (NDArray a = np.arange(6);
          NDArray idx = np.array(new long[] {1, 2, 3});
          NDArray fancy = a.take(idx, 0);
          NDArray cond = Ufunc.GREATER.apply(a, 2L);
          NDArray masked = a.mask(cond);
          NDArray m = a.reshape(2, 3);
          NDArray flat = m.flatten();
          NDArray plus = a.add(0L)) {
        out.println("copies: a[[1, 2, 3]] " + !fancy.sharesMemory(a) + ", a[a > 2] = " + masked
            + " " + !masked.sharesMemory(a) + ", flatten() " + !flat.sharesMemory(a) + ", a + 0 "
            + !plus.sharesMemory(a) + "; base of each: " + fancy.base() + " " + masked.base() + " "
            + flat.base() + " " + plus.base());
      }
      out.println("-- 1.3.3 telling them apart");
      try (NDArray a = np.arange(10);
          NDArray even = a.get("::2");
          NDArray odd = a.get("1::2");
          NDArray head = a.get(":5")) {
        out.println("a[::2] vs a[1::2]: isView(recipe) " + isView(even, odd)
            + " (same base), mayShareMemory " + even.mayShareMemory(odd) + " (bounds overlap), "
            + "sharesMemory " + even.sharesMemory(odd) + " (exact: no common element)");
        out.println("a[::2] vs a[:5]: sharesMemory " + even.sharesMemory(head));
      }
    }
  }
}
