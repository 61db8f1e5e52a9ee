package io.tessera.kernels;

/**
 * A 1-D inner loop with two inputs and one output (NumPy's {@code (char **args, npy_intp *dimensions,
 * npy_intp *steps)} for nin=2, nout=1): {@code n} elements at absolute addresses, advancing by byte
 * strides; a stride of 0 repeats one element (a broadcast scalar). Kernels check nothing.
 */
@FunctionalInterface
public interface BinaryKernel {
  void run(long a, long as, long b, long bs, long out, long os, long n);
}
