package io.tessera;

import io.tessera.dtype.DType;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.memory.Allocators;
import io.tessera.memory.Raw;
import io.tessera.ndarray.Creation;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Creates arrays from one accountable {@link BufferAllocator}: Tessera's {@code np}.
 *
 * <pre>{@code
 * try (BufferAllocator alloc = new RootAllocator();
 *      NDArray a = Tessera.using(alloc).arange(12).reshape(3, 4)) {
 *   System.out.println(a.describe());
 * }
 * }</pre>
 *
 * <p>Every array created here is a new owner of fresh memory, aligned to {@link #alignment()}
 * bytes (64 unless {@link #aligned(int)} says otherwise), and must be closed. The allocator's
 * current and peak bytes ({@link #allocatedBytes()}, {@link #peakBytes()}) are the JVM's answer to
 * memory_profiler.
 */
public final class Tessera {
  private final BufferAllocator allocator;
  private final int alignment;

  private Tessera(BufferAllocator allocator, int alignment) {
    this.allocator = allocator;
    this.alignment = alignment;
  }

  /** A factory allocating from {@code allocator}. */
  public static Tessera using(BufferAllocator allocator) {
    return new Tessera(allocator, Creation.DEFAULT_ALIGNMENT);
  }

  /** A factory on the process-wide default allocator ({@link Allocators#global()}). */
  public static Tessera global() {
    return using(Allocators.global());
  }

  /** The same factory with another alignment (a power of two, at least each dtype's own). */
  public Tessera aligned(int bytes) {
    if (bytes <= 0 || Integer.bitCount(bytes) != 1) {
      throw new TesseraException("aligned", "aligned: alignment must be a power of two, got " + bytes);
    }
    return new Tessera(allocator, bytes);
  }

  public int alignment() {
    return alignment;
  }

  public BufferAllocator allocator() {
    return allocator;
  }

  /** Bytes currently allocated from this factory's allocator. */
  public long allocatedBytes() {
    return allocator.getAllocatedMemory();
  }

  /** The allocator's high-water mark in bytes. */
  public long peakBytes() {
    return allocator.getPeakMemoryAllocation();
  }

  // ------------------------------------------------------------- empty / zeros / ones / full

  /** Uninitialized, C order. */
  public NDArray empty(DType dtype, long... shape) {
    return empty(dtype, Order.C, shape);
  }

  /** Uninitialized, in C or F order. */
  public NDArray empty(DType dtype, Order order, long... shape) {
    if (order != Order.C && order != Order.F) {
      throw new TesseraException("empty", "empty: only 'C' or 'F' order is permitted, got " + order);
    }
    return Creation.empty(allocator, dtype, shape, order, Math.max(alignment, dtype.alignment()));
  }

  public NDArray zeros(DType dtype, long... shape) {
    return zeros(dtype, Order.C, shape);
  }

  public NDArray zeros(DType dtype, Order order, long... shape) {
    NDArray a = empty(dtype, order, shape);
    Raw.fill(a.dataAddress(), a.nbytes(), (byte) 0);
    return a;
  }

  public NDArray ones(DType dtype, long... shape) {
    return full(dtype, 1.0, shape);
  }

  public NDArray ones(DType dtype, Order order, long... shape) {
    return full(dtype, order, 1.0, shape);
  }

  /** Filled with {@code value} converted as NumPy's {@code np.full} does. */
  public NDArray full(DType dtype, double value, long... shape) {
    return full(dtype, Order.C, value, shape);
  }

  public NDArray full(DType dtype, Order order, double value, long... shape) {
    return filled(empty(dtype, order, shape), a -> a.fill(value));
  }

  /** Filled with the integer {@code value}, which must fit the dtype (NumPy 2's rule). */
  public NDArray full(DType dtype, Order order, long value, long... shape) {
    return filled(empty(dtype, order, shape), a -> a.fill(value));
  }

  /** Runs {@code fill} on a new array, closing it if the fill fails (nothing leaks). */
  private static NDArray filled(NDArray a, java.util.function.Consumer<NDArray> fill) {
    try {
      fill.accept(a);
      return a;
    } catch (RuntimeException e) {
      a.close();
      throw e;
    }
  }

  // ------------------------------------------------------------- ranges

  /** {@code np.arange(stop)}: int64 values 0 .. stop-1. */
  public NDArray arange(long stop) {
    return arange(0, stop, 1, DType.INT64);
  }

  /** {@code np.arange(start, stop, step, dtype)} with NumPy's length and fill rule. */
  public NDArray arange(double start, double stop, double step, DType dtype) {
    if (step == 0 || Double.isNaN(step)) {
      throw new TesseraException("arange", "arange: Maximum allowed size exceeded (step is "
          + step + ")");
    }
    double len = Math.ceil((stop - start) / step);
    if (Double.isNaN(len)) {
      throw new TesseraException("arange", "arange: cannot compute length");
    }
    long n = (long) Math.max(len, 0);
    NDArray a = empty(dtype, n);
    try {
      if (dtype.isFloat()) {
        // NumPy fills buffer[0] = start, buffer[1] = start + step, then start + i * delta
        double delta = (start + step) - start;
        for (long i = 0; i < n; i++) {
          a.setDouble(i == 0 ? start : start + i * delta, i);
        }
      } else if (dtype.isBool()) {
        if (n > 2) {
          throw new TesseraException("arange", "arange: no fill-function for data-type bool of "
              + "length " + n);
        }
        for (long i = 0; i < n; i++) {
          a.setDouble(start + i * step, i);
        }
      } else {
        long s = (long) start;
        long d = (long) (start + step) - s;
        for (long i = 0; i < n; i++) {
          a.setLong(s + i * d, i);
        }
      }
      return a;
    } catch (RuntimeException e) {
      a.close();
      throw e;
    }
  }

  /**
   * {@code np.linspace(start, stop, num, endpoint, dtype)}: {@code i * step + start} with the last
   * value exactly {@code stop} when {@code endpoint}; integer dtypes take the floor, as NumPy.
   */
  public NDArray linspace(double start, double stop, long num, boolean endpoint, DType dtype) {
    if (num < 0) {
      throw new TesseraException("linspace", "linspace: Number of samples, " + num
          + ", must be non-negative.");
    }
    long div = endpoint ? num - 1 : num;
    double delta = stop - start;
    double step = div > 0 ? delta / div : Double.NaN;
    NDArray a = empty(dtype, num);
    try {
      for (long i = 0; i < num; i++) {
        double y;
        if (div > 0) {
          y = step == 0 ? (i / (double) div) * delta + start : i * step + start;
        } else {
          y = i * delta + start;
        }
        if (endpoint && num > 1 && i == num - 1) {
          y = stop;
        }
        a.setDouble(dtype.isInteger() ? Math.floor(y) : y, i);
      }
      return a;
    } catch (RuntimeException e) {
      a.close();
      throw e;
    }
  }

  public NDArray linspace(double start, double stop, long num) {
    return linspace(start, stop, num, true, DType.FLOAT64);
  }

  // ------------------------------------------------------------- from Java arrays

  /**
   * An array from a Java array, 1-D or nested ({@code double[][]}, {@code long[][][]}, ...), with
   * the dtype of its leaves: double→float64, float→float32, long→int64, int→int32, short→int16,
   * byte→int8, boolean→bool. Ragged nesting is an error. Always a copy, C order.
   */
  public NDArray array(Object javaArray) {
    return array(javaArray, leafType(javaArray), Order.C);
  }

  /** As {@link #array(Object)}, converted to {@code dtype} (floats to ints truncate). */
  public NDArray array(Object javaArray, DType dtype) {
    return array(javaArray, dtype, Order.C);
  }

  /** As {@link #array(Object, DType)}, laid out in C or F order. */
  public NDArray array(Object javaArray, DType dtype, Order order) {
    List<Long> dims = new ArrayList<>();
    Object o = javaArray;
    while (o != null && o.getClass().isArray()) {
      int len = Array.getLength(o);
      dims.add((long) len);
      if (!o.getClass().getComponentType().isArray() || len == 0) {
        break;
      }
      o = Array.get(o, 0);
    }
    if (javaArray == null || !javaArray.getClass().isArray()) {
      throw new TesseraException("array", "array: expected a Java array, got "
          + (javaArray == null ? "null" : javaArray.getClass().getName()));
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    NDArray out = empty(dtype, order, shape);
    try {
      long[] index = new long[shape.length];
      fill(out, javaArray, 0, index, shape);
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  private static void fill(NDArray out, Object arr, int depth, long[] index, long[] shape) {
    int len = Array.getLength(arr);
    if (len != shape[depth]) {
      throw new ShapeException("array", "array: setting an array element with a sequence. The "
          + "requested array has an inhomogeneous shape after " + depth + " dimensions.");
    }
    boolean leaf = depth == shape.length - 1;
    for (int i = 0; i < len; i++) {
      index[depth] = i;
      if (!leaf) {
        Object child = Array.get(arr, i);
        if (child == null || !child.getClass().isArray()) {
          throw new ShapeException("array", "array: inhomogeneous nesting at depth " + depth);
        }
        fill(out, child, depth + 1, index, shape);
      } else if (arr instanceof double[] d) {
        out.setDouble(d[i], index);
      } else if (arr instanceof float[] f) {
        out.setDouble(f[i], index);
      } else if (arr instanceof long[] l) {
        out.setLong(l[i], index);
      } else if (arr instanceof int[] n) {
        out.setLong(n[i], index);
      } else if (arr instanceof short[] s) {
        out.setLong(s[i], index);
      } else if (arr instanceof byte[] b) {
        out.setLong(b[i], index);
      } else if (arr instanceof boolean[] z) {
        out.setLong(z[i] ? 1 : 0, index);
      } else {
        throw new ShapeException("array", "array: inhomogeneous nesting at depth " + depth);
      }
    }
  }

  private static DType leafType(Object arr) {
    Class<?> c = arr == null ? null : arr.getClass();
    while (c != null && c.isArray()) {
      c = c.getComponentType();
    }
    if (c == double.class) {
      return DType.FLOAT64;
    } else if (c == float.class) {
      return DType.FLOAT32;
    } else if (c == long.class) {
      return DType.INT64;
    } else if (c == int.class) {
      return DType.INT32;
    } else if (c == short.class) {
      return DType.INT16;
    } else if (c == byte.class) {
      return DType.INT8;
    } else if (c == boolean.class) {
      return DType.BOOL;
    }
    throw new TesseraException("array", "array: expected a Java array of primitives, got "
        + (arr == null ? "null" : arr.getClass().getName()));
  }
}
