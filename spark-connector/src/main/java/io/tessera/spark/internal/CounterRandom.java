package io.tessera.spark.internal;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.DistributedGenerator;

/**
 * Internal: counter-based random numbers. Element {@code i} (its C-order position in the whole
 * array) of a generated array is a pure function of {@code (seed, i)}: SplitMix64's output
 * function applied to {@code mix(seed) + (2i + 1 + stream) * golden}, the value SplittableRandom
 * would give at that position of its sequence. So a block's data depend on which elements it
 * holds and nothing else: not on the partitioning, not on which executor or in which order blocks
 * are made, and not even on the chunk grid (rechunking keeps the data). {@code StrictMath} keeps
 * normal deviates identical on every JVM.
 */
public final class CounterRandom implements DistributedGenerator {
  private static final long serialVersionUID = 1L;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  /** The distributions. */
  public enum Kind { UNIFORM, NORMAL, INTEGERS }

  private final Kind kind;
  private final long key;
  private final long[] fullShape;
  private final double a;
  private final double b;
  private final long lo;
  private final long range;

  private CounterRandom(Kind kind, long seed, long[] fullShape, double a, double b, long lo,
      long range) {
    this.kind = kind;
    this.key = mix64(seed ^ 0x6A09E667F3BCC909L);
    this.fullShape = fullShape.clone();
    this.a = a;
    this.b = b;
    this.lo = lo;
    this.range = range;
  }

  /** float64 uniform on {@code [low, high)}. */
  public static CounterRandom uniform(long seed, long[] shape, double low, double high) {
    return new CounterRandom(Kind.UNIFORM, seed, shape, low, high, 0, 0);
  }

  /** float64 normal with mean {@code mean} and standard deviation {@code std} (Box-Muller). */
  public static CounterRandom normal(long seed, long[] shape, double mean, double std) {
    return new CounterRandom(Kind.NORMAL, seed, shape, mean, std, 0, 0);
  }

  /** int64 uniform on {@code [low, high)} ({@code high > low}). */
  public static CounterRandom integers(long seed, long[] shape, long low, long high) {
    return new CounterRandom(Kind.INTEGERS, seed, shape, 0, 0, low, high - low);
  }

  public DType dtype() {
    return kind == Kind.INTEGERS ? DType.INT64 : DType.FLOAT64;
  }

  public Kind kind() {
    return kind;
  }

  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private long bits(long i, int stream) {
    return mix64(key + (2 * i + 1 + stream) * GOLDEN);
  }

  private static double unit(long bits) {
    return (bits >>> 11) * 0x1.0p-53;
  }

  /** The value of element {@code i} as raw 64 bits of the dtype. */
  long valueBits(long i) {
    switch (kind) {
      case UNIFORM: {
        double u = unit(bits(i, 0));
        return Double.doubleToRawLongBits(a + (b - a) * u);
      }
      case NORMAL: {
        double u1 = 1.0 - unit(bits(i, 0)); // (0, 1]
        double u2 = unit(bits(i, 1));
        double z = StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
        return Double.doubleToRawLongBits(a + b * z);
      }
      default: {
        long x = bits(i, 0);
        long hi = Math.multiplyHigh(x, range) + ((x >> 63) & range) + ((range >> 63) & x);
        return lo + hi;
      }
    }
  }

  @Override
  public NDArray generate(long[] blockIndex, long[] offsets, long[] shape, Tessera np) {
    NDArray out = np.empty(dtype(), shape);
    int nd = shape.length;
    for (long d : shape) {
      if (d == 0) {
        return out;
      }
    }
    long addr = out.dataAddress();
    if (nd == 0) {
      Raw.putLong(addr, valueBits(0));
      return out;
    }
    long[] stride = new long[nd];
    long s = 1;
    for (int ax = nd - 1; ax >= 0; ax--) {
      stride[ax] = s;
      s *= fullShape[ax];
    }
    long[] idx = new long[nd - 1];
    long row = shape[nd - 1];
    while (true) {
      long flat = offsets[nd - 1];
      for (int ax = 0; ax < nd - 1; ax++) {
        flat += (offsets[ax] + idx[ax]) * stride[ax];
      }
      for (long j = 0; j < row; j++) {
        Raw.putLong(addr, valueBits(flat + j));
        addr += 8;
      }
      int ax = nd - 2;
      while (ax >= 0 && ++idx[ax] == shape[ax]) {
        idx[ax] = 0;
        ax--;
      }
      if (ax < 0) {
        return out;
      }
    }
  }

  @Override
  public String toString() {
    switch (kind) {
      case UNIFORM: return "uniform(" + a + ", " + b + ")";
      case NORMAL: return "normal(" + a + ", " + b + ")";
      default: return "integers(" + lo + ", " + (lo + range) + ")";
    }
  }
}
