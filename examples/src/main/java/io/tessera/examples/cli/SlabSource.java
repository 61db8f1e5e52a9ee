package io.tessera.examples.cli;

import io.tessera.dtype.DType;
import io.tessera.index.Index;
import io.tessera.ndarray.NDArray;
import java.io.IOException;

/**
 * An array read slab by slab along axis 0, so that converting it never holds more than one slab
 * (plus what the operating system caches of a memory map).
 */
interface SlabSource extends AutoCloseable {
  /** The input, for messages. */
  String name();

  DType dtype();

  long[] shape();

  /** Whether the input is laid out in Fortran order (kept by .npy and .npz outputs). */
  boolean fortran();

  /** The name of the array in the input (an .npz member, an IPC field), or null. */
  String arrayName();

  /**
   * The whole array as a view when the input can give it without reading or copying (a memory
   * map, one record batch), else null. Owned by the source.
   */
  NDArray whole();

  /**
   * Calls {@code consumer} with consecutive slabs along axis 0 (views where the input allows),
   * each of at most {@code maxBytes} unless a single row is larger; a 0-d array is one slab. A
   * slab is valid during the call only.
   */
  void forEachSlab(long maxBytes, SlabConsumer consumer) throws IOException;

  @Override
  void close() throws IOException;

  /** Receives one slab: rows {@code [row0, row0 + slab.shape(0))} of the array. */
  @FunctionalInterface
  interface SlabConsumer {
    void accept(NDArray slab, long row0) throws IOException;
  }

  /** Bytes in one row (one index along axis 0) of an array of {@code shape}. */
  static long rowBytes(long[] shape, DType dtype) {
    long b = dtype.itemsize();
    for (int i = 1; i < shape.length; i++) {
      b *= shape[i];
    }
    return b;
  }

  /** Rows per slab of at most {@code maxBytes} (at least one). */
  static long rowsPerSlab(long[] shape, DType dtype, long maxBytes) {
    long rb = rowBytes(shape, dtype);
    return rb == 0 ? Math.max(1, shape.length == 0 ? 1 : shape[0]) : Math.max(1, maxBytes / rb);
  }

  /** Cuts {@code array} (rows {@code offset ..} of the whole) into views of bounded size. */
  static void slabsOf(NDArray array, long offset, long maxBytes, SlabConsumer consumer)
      throws IOException {
    if (array.ndim() == 0) {
      consumer.accept(array, 0);
      return;
    }
    long n = array.shape(0);
    long step = rowsPerSlab(array.shape(), array.dtype(), maxBytes);
    if (n <= step) {
      consumer.accept(array, offset);
      return;
    }
    for (long r = 0; r < n; r += step) {
      try (NDArray v = array.get(Index.slice(r, Math.min(n, r + step)))) {
        consumer.accept(v, offset + r);
      }
    }
  }
}
