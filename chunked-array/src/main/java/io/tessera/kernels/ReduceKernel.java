package io.tessera.kernels;

/**
 * One reduce run of a binary ufunc loop: {@code acc = acc op in[0] op in[1] ... op in[n-1]}, the
 * accumulator a single element of the loop dtype at address {@code acc}, the inputs {@code n}
 * elements of the same dtype at {@code in}, {@code in + is}, ... (NumPy's inner loop called with
 * {@code args = {acc, in, acc}} and output stride 0). Float add sums the run by NumPy's pairwise
 * summation and adds the result to the accumulator; float16 add, subtract, multiply and divide
 * accumulate in float and round once per run, as NumPy's loops do; every other loop applies the
 * operation in order. Kernels check nothing.
 */
@FunctionalInterface
public interface ReduceKernel {
  void run(long acc, long in, long is, long n);

  /**
   * NumPy's pairwise summation of {@code n} elements cast to a float loop dtype: the sum in that
   * dtype's pairwise type (float for float16 and float32, double for float64), widened exactly to
   * double.
   */
  @FunctionalInterface
  interface Pairwise {
    double sum(long in, long is, long n);
  }

  /**
   * Pairwise summation of {@code (x - mean)**2} over {@code n} elements, each step rounded as
   * NumPy's subtract and multiply loops in np.var's working dtype round it ({@code mean} must be
   * a value of that dtype).
   */
  @FunctionalInterface
  interface SquaredDeviations {
    double sum(long in, long is, long n, double mean);
  }
}
