package io.tessera.spark.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.ExecutorMemory;

/**
 * Kryo serializer of {@link NDArray}: a small header, then the raw bytes in C order.
 *
 * <p>Format (version 1): byte 1 (version); byte dtype char code (NumPy's, e.g. {@code 'd'}
 * float64, {@code '?'} bool); varint ndim; varlong per dimension; then {@code size * itemsize}
 * bytes, little-endian, C order (NumPy's {@code tobytes()}). C-contiguous arrays are copied in
 * bulk from their Arrow buffer into Kryo's buffer; F-ordered, strided, broadcast or reversed views
 * are written as C order through slab copies ({@link RawIO#cOrderBytes}). Only the logical
 * elements travel, never the rest of a view's buffer.
 *
 * <p>Reading allocates a new C-contiguous, writeable array from {@link ExecutorMemory#tessera()}
 * (the running task's allocator on an executor, which {@linkplain ExecutorMemory#adopt adopts} it;
 * the JVM's root allocator outside tasks, where the caller owns and closes it).
 */
public final class NDArraySerializer extends Serializer<NDArray> {
  static final int VERSION = 1;
  private static final DType[] BY_CODE = new DType[128];

  static {
    for (DType t : DType.values()) {
      BY_CODE[t.charCode()] = t;
    }
  }

  public NDArraySerializer() {
    super(false, false);
  }

  @Override
  public void write(Kryo kryo, Output out, NDArray a) {
    writeHeader(out, a.dtype(), a.shape());
    RawIO.writeArray(out, a);
  }

  @Override
  public NDArray read(Kryo kryo, Input in, Class<NDArray> type) {
    int version = in.readByte();
    if (version != VERSION) {
      throw new KryoException("NDArray: unknown format version " + version);
    }
    DType dtype = readDType(in);
    long[] shape = readShape(in);
    NDArray a = ExecutorMemory.tessera().empty(dtype, shape);
    try {
      RawIO.read(in, a.dataAddress(), a.nbytes());
    } catch (RuntimeException e) {
      a.close();
      throw e;
    }
    return ExecutorMemory.adopt(a);
  }

  static void writeHeader(Output out, DType dtype, long[] shape) {
    out.writeByte(VERSION);
    writeDType(out, dtype);
    writeShape(out, shape);
  }

  public static void writeDType(Output out, DType dtype) {
    out.writeByte((byte) dtype.charCode());
  }

  public static DType readDType(Input in) {
    int c = in.readByte() & 0x7F;
    DType t = BY_CODE[c];
    if (t == null) {
      throw new KryoException("unknown dtype code '" + (char) c + "'");
    }
    return t;
  }

  public static void writeShape(Output out, long[] shape) {
    out.writeVarInt(shape.length, true);
    for (long d : shape) {
      out.writeVarLong(d, true);
    }
  }

  public static long[] readShape(Input in) {
    int ndim = in.readVarInt(true);
    if (ndim < 0 || ndim > 64) {
      throw new KryoException("bad number of dimensions " + ndim);
    }
    long[] shape = new long[ndim];
    long size = 1;
    for (int i = 0; i < ndim; i++) {
      shape[i] = in.readVarLong(true);
      if (shape[i] < 0) {
        throw new KryoException("negative dimension " + shape[i]);
      }
      if (shape[i] != 0 && size > Long.MAX_VALUE / 8 / shape[i]) {
        throw new KryoException("shape too large");
      }
      size *= shape[i];
    }
    return shape;
  }

  public static void writeLongs(Output out, long[] v) {
    out.writeVarInt(v.length, true);
    for (long x : v) {
      out.writeVarLong(x, true);
    }
  }

  public static long[] readLongs(Input in) {
    int n = in.readVarInt(true);
    if (n < 0 || n > 64) {
      throw new KryoException("bad length " + n);
    }
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = in.readVarLong(true);
    }
    return v;
  }
}
