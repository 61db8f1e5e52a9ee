package io.tessera.spark.internal;

import io.tessera.Tessera;
import io.tessera.chunk.BlockSource;
import io.tessera.dtype.DType;
import io.tessera.errors.TesseraException;
import io.tessera.memory.MemoryBudget;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.BlockIndex;
import io.tessera.spark.ExecutorMemory;
import io.tessera.spark.kryo.RawIO;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * Internal: one block's data in transit as plain bytes (C order), in the two places where an
 * off-heap array cannot be: the elements of a {@code parallelize}d collection (deserialized with
 * the task, before the task's scope exists) and task results (serialized after the task has
 * closed its arrays).
 *
 * <p>On the driver a payload may be <em>deferred</em>: it keeps a {@link BlockSource} and produces
 * the block only when Spark serializes it (when the task is launched), one block at a time; on
 * the receiving side it always holds bytes.
 */
public final class BlockPayload implements Serializable {
  private static final long serialVersionUID = 1L;

  private BlockIndex index;
  private DType dtype;
  private long[] shape;
  private transient byte[] data;
  private transient BlockSource source;

  private BlockPayload(BlockIndex index, DType dtype, long[] shape, byte[] data,
      BlockSource source) {
    this.index = index;
    this.dtype = dtype;
    this.shape = shape;
    this.data = data;
    this.source = source;
  }

  /** Holds the given bytes (C order, exactly the block's size). */
  public static BlockPayload ofBytes(BlockIndex index, DType dtype, long[] shape, byte[] data) {
    if (data.length != MemoryBudget.bytesOf(shape, dtype)) {
      throw new TesseraException("block", "block " + index + ": " + data.length + " bytes for "
          + dtype + io.tessera.shape.Shapes.format(shape));
    }
    return new BlockPayload(index, dtype, shape.clone(), data, null);
  }

  /** A copy of {@code a}'s elements (the caller still owns and closes {@code a}). */
  public static BlockPayload copyOf(BlockIndex index, NDArray a) {
    return new BlockPayload(index, a.dtype(), a.shape(), RawIO.toBytes(a), null);
  }

  /** Produces the block from {@code source} when serialized (driver side, not kept). */
  public static BlockPayload deferred(BlockIndex index, DType dtype, long[] shape,
      BlockSource source) {
    return new BlockPayload(index, dtype, shape.clone(), null, source);
  }

  public BlockIndex index() {
    return index;
  }

  public DType dtype() {
    return dtype;
  }

  public long[] shape() {
    return shape.clone();
  }

  public long nbytes() {
    return MemoryBudget.bytesOf(shape, dtype);
  }

  /** The bytes (null for a deferred payload that was not serialized). */
  public byte[] bytes() {
    return data;
  }

  /**
   * Runs {@code sink} on the C-ordered bytes of the block produced from the source of a deferred
   * payload (the block is closed afterwards). Held bytes are written directly by the serializers.
   */
  public void forEachSourcePiece(RawIO.Sink sink) throws IOException {
    if (source == null) {
      throw new TesseraException("block", "block " + index + ": no data");
    }
    try (NDArray b = source.block(index.coords(), Tessera.using(ExecutorMemory.root()))) {
      if (b.dtype() != dtype || !java.util.Arrays.equals(b.shape(), shape)) {
        throw new TesseraException("block", "block " + index + " came back as " + b.dtype()
            + io.tessera.shape.Shapes.format(b.shape()) + ", expected " + dtype
            + io.tessera.shape.Shapes.format(shape));
      }
      RawIO.cOrderBytes(b, sink);
    }
  }

  /**
   * A new array holding this payload's bytes, from {@code np} (the caller owns it; inside a task,
   * adopt it).
   */
  public NDArray toArray(Tessera np) {
    if (data == null) {
      throw new TesseraException("block", "block " + index + ": no data (deferred payload)");
    }
    NDArray a = np.empty(dtype, shape);
    if (data.length > 0) {
      Raw.copyFromHeap(data, 0, a.dataAddress(), data.length);
    }
    return a;
  }

  /** The payload with its bytes (the block is produced now if deferred). */
  public BlockPayload materialized() {
    if (data != null) {
      return this;
    }
    long n = nbytes();
    if (n > Integer.MAX_VALUE - 8) {
      throw new TesseraException("block", "block " + index + " of " + n + " bytes does not fit "
          + "one Java array (2 GiB); use smaller chunks");
    }
    byte[] out = new byte[(int) n];
    long[] pos = {0};
    try {
      forEachSourcePiece((addr, k) -> {
        Raw.copyToHeap(addr, out, pos[0], k);
        pos[0] += k;
      });
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return new BlockPayload(index, dtype, shape, out, null);
  }

  // Java serialization (used when Spark's serializer is the JavaSerializer; Kryo has its own).
  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    long n = nbytes();
    if (n > Integer.MAX_VALUE - 8) {
      throw new IOException("block " + index + " of " + n + " bytes is too large to serialize");
    }
    out.writeInt((int) n);
    if (data != null) {
      out.write(data);
    } else {
      forEachSourcePiece((addr, k) -> RawIO.write(out, addr, k));
    }
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    int n = in.readInt();
    data = new byte[n];
    in.readFully(data);
  }
}
