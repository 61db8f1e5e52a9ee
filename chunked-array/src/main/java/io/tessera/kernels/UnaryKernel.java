package io.tessera.kernels;

/**
 * A 1-D inner loop with one input and one output: {@code n} elements at absolute addresses
 * {@code in} and {@code out}, advancing by byte strides {@code is} and {@code os} (a stride of 0
 * repeats one element). Kernels check nothing: the iterator hands them only valid addresses.
 */
@FunctionalInterface
public interface UnaryKernel {
  void run(long in, long is, long out, long os, long n);
}
