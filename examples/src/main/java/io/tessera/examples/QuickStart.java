package io.tessera.examples;

import io.tessera.Tessera;
import io.tessera.ndarray.NDArray;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/** The README's quick start, kept compiling and tested. */
public final class QuickStart {
  private QuickStart() {}

  public static void main(String[] args) {
    try (BufferAllocator alloc = new RootAllocator();
         NDArray r = Tessera.using(alloc).arange(12);
         NDArray a = r.reshape(3, 4);       // a view of arange's buffer
         NDArray t = a.T();                 // a view: strides (8, 32)
         NDArray s = t.add(1.0);            // a new float64 array, laid out like t (F order)
         NDArray total = s.sum()) {
      System.out.println(t.sharesMemory(a) + " " + s.flags().fContiguous());  // true true
      a.muli(2L);                           // in place, no temporary
      System.out.println(total.getDouble() + "\n" + a.describe("a"));
    } // every array closed: the allocator is back to zero bytes, or close() throws
  }
}
