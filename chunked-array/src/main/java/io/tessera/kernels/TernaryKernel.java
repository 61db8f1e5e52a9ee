package io.tessera.kernels;

/** A 1-D inner loop with three inputs and one output ({@code where(c, x, y)}, {@code clip}). */
@FunctionalInterface
public interface TernaryKernel {
  void run(long a, long as, long b, long bs, long c, long cs, long out, long os, long n);
}
