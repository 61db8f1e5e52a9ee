package io.tessera.linalg;

import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reusable heap arrays for staging GEMM operands: netlib's BLAS takes Java arrays only, so an
 * off-heap operand is copied into one of these, the product is computed on the heap and copied
 * back. Allocating a fresh 32 MB {@code double[]} per call would cost its zeroing and garbage
 * collector work every time; the pool keeps a few arrays per element type behind soft references
 * (the collector may reclaim them under memory pressure), shared by all threads.
 *
 * <p>Staging memory is Java heap, not Arrow memory: it is not counted by the arrays' allocator.
 */
final class Scratch {
  private Scratch() {}

  /** Arrays kept per element type. */
  private static final int KEEP = 6;

  private static final List<SoftReference<double[]>> DOUBLES = new ArrayList<>();
  private static final List<SoftReference<float[]>> FLOATS = new ArrayList<>();
  private static final List<SoftReference<int[]>> INTS = new ArrayList<>();
  private static final List<SoftReference<long[]>> LONGS = new ArrayList<>();

  /** A {@code double[]} of at least {@code n} elements (contents undefined). */
  static double[] doubles(int n) {
    double[] a = take(DOUBLES, n, x -> x.length);
    return a != null ? a : new double[Math.max(n, 1)];
  }

  static float[] floats(int n) {
    float[] a = take(FLOATS, n, x -> x.length);
    return a != null ? a : new float[Math.max(n, 1)];
  }

  static int[] ints(int n) {
    int[] a = take(INTS, n, x -> x.length);
    return a != null ? a : new int[Math.max(n, 1)];
  }

  static long[] longs(int n) {
    long[] a = take(LONGS, n, x -> x.length);
    return a != null ? a : new long[Math.max(n, 1)];
  }

  /** Returns an array taken from {@link #doubles} (or any array of that type) to the pool. */
  static void give(Object array) {
    if (array instanceof double[] d) {
      put(DOUBLES, d, x -> x.length);
    } else if (array instanceof float[] f) {
      put(FLOATS, f, x -> x.length);
    } else if (array instanceof int[] i) {
      put(INTS, i, x -> x.length);
    } else if (array instanceof long[] l) {
      put(LONGS, l, x -> x.length);
    }
  }

  private interface Len<T> {
    int of(T t);
  }

  /** The smallest pooled array of at least n elements, removed from the pool; null if none. */
  private static <T> T take(List<SoftReference<T>> pool, int n, Len<T> len) {
    synchronized (pool) {
      T best = null;
      SoftReference<T> bestRef = null;
      for (Iterator<SoftReference<T>> it = pool.iterator(); it.hasNext(); ) {
        SoftReference<T> ref = it.next();
        T a = ref.get();
        if (a == null) {
          it.remove();
        } else if (len.of(a) >= n && (best == null || len.of(a) < len.of(best))) {
          best = a;
          bestRef = ref;
        }
      }
      if (bestRef != null) {
        pool.remove(bestRef);
      }
      return best;
    }
  }

  private static <T> void put(List<SoftReference<T>> pool, T array, Len<T> len) {
    synchronized (pool) {
      pool.add(new SoftReference<>(array));
      while (pool.size() > KEEP) {
        // drop the smallest (or an already cleared one)
        int victim = 0;
        for (int i = 0; i < pool.size(); i++) {
          T a = pool.get(i).get();
          if (a == null) {
            victim = i;
            break;
          }
          T v = pool.get(victim).get();
          if (v != null && len.of(a) < len.of(v)) {
            victim = i;
          }
        }
        pool.remove(victim);
      }
    }
  }
}
