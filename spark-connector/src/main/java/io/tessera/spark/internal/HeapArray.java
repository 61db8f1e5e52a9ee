package io.tessera.spark.internal;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.errors.TesseraException;
import io.tessera.memory.MemoryBudget;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Shapes;
import io.tessera.spark.kryo.RawIO;
import java.io.Serializable;

/**
 * Internal: an array's elements in C order on the Java heap, with dtype and shape: what a local
 * operand is broadcast as. Heap memory is the right home for a broadcast value, which Spark keeps
 * in each executor's block manager for as long as the broadcast lives and drops without telling
 * anyone: an Arrow buffer there would never be closed. Executors copy the box each block needs
 * into a fresh off-heap array ({@link #region}).
 */
public final class HeapArray implements Serializable {
  private static final long serialVersionUID = 1L;

  private final DType dtype;
  private final long[] shape;
  private final byte[] data;

  public HeapArray(DType dtype, long[] shape, byte[] data) {
    this.dtype = dtype;
    this.shape = shape.clone();
    this.data = data;
    if (data.length != MemoryBudget.bytesOf(shape, dtype)) {
      throw new TesseraException("broadcast", "broadcast: " + data.length + " bytes for "
          + dtype + Shapes.format(shape));
    }
  }

  /** A copy of {@code a} (at most 2 GiB). */
  public static HeapArray copyOf(NDArray a) {
    return new HeapArray(a.dtype(), a.shape(), RawIO.toBytes(a));
  }

  public DType dtype() {
    return dtype;
  }

  public long[] shape() {
    return shape.clone();
  }

  /** The bytes (shared, do not modify). */
  public byte[] data() {
    return data;
  }

  public long nbytes() {
    return data.length;
  }

  /** A new C-ordered array from {@code np} holding the box {@code [offsets, offsets + box)}. */
  public NDArray region(Tessera np, long[] offsets, long[] box) {
    NDArray out = np.empty(dtype, box);
    Regions.gather(data, 0, shape, offsets, box, dtype.itemsize(), null, out.dataAddress());
    return out;
  }
}
