package io.tessera.spark.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.BlockIndex;
import io.tessera.spark.Scalar;
import io.tessera.spark.internal.BlockGrid;
import io.tessera.spark.internal.BlockPayload;
import io.tessera.spark.internal.HeapArray;
import io.tessera.spark.internal.PairKey;
import java.io.IOException;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers every class Tessera's Spark connector ships through Kryo, each with a compact
 * serializer, so that Spark runs with {@code spark.kryo.registrationRequired=true}:
 *
 * <ul>
 *   <li>{@link NDArray}: {@link NDArraySerializer} (header, then raw C-order bytes in bulk);
 *   <li>{@link BlockIndex}, {@link Chunks}, {@link DType}, {@link Scalar};
 *   <li>internal records: block payloads (blocks shipped in tasks and task results), broadcast
 *       local operands, reduction partials, grids;
 *   <li>the Scala collection classes Spark uses for a {@code parallelize}d Java list.
 * </ul>
 *
 * <p>Use it with {@code spark.serializer=org.apache.spark.serializer.KryoSerializer} and {@code
 * spark.kryo.registrator=io.tessera.spark.kryo.TesseraKryoRegistrator}, or {@link
 * io.tessera.spark.TesseraSpark#configure}.
 */
public final class TesseraKryoRegistrator implements KryoRegistrator {

  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(NDArray.class, new NDArraySerializer());
    kryo.register(DType.class, new DTypeSerializer());
    kryo.register(BlockIndex.class, new BlockIndexSerializer());
    kryo.register(BlockIndex[].class);
    kryo.register(Chunks.class, new ChunksSerializer());
    kryo.register(BlockGrid.class, new BlockGridSerializer());
    kryo.register(Scalar.class, new ScalarSerializer());
    kryo.register(BlockPayload.class, new BlockPayloadSerializer());
    kryo.register(BlockPayload[].class);
    kryo.register(HeapArray.class, new HeapArraySerializer());
    ReductionSerializers.register(kryo);
    kryo.register(PairKey.class, new PairKey.KryoSerializer());
    kryo.register(long[].class);
    kryo.register(long[][].class);
    kryo.register(byte[].class);
    kryo.register(Object[].class);
    // what SparkContext.parallelize(java.util.List) slices a collection into (Scala 2.13)
    registerIfPresent(kryo, "scala.collection.immutable.ArraySeq$ofRef");
    registerIfPresent(kryo, "scala.collection.mutable.ArraySeq$ofRef");
    registerIfPresent(kryo, "scala.collection.immutable.Nil$");
    registerIfPresent(kryo, "scala.collection.immutable.$colon$colon");
  }

  private static void registerIfPresent(Kryo kryo, String name) {
    try {
      kryo.register(Class.forName(name, false, TesseraKryoRegistrator.class.getClassLoader()));
    } catch (ClassNotFoundException e) {
      // another Scala version: nothing to register
    }
  }

  /** DType by NumPy char code (stable across Tessera versions, unlike ordinals). */
  public static final class DTypeSerializer extends Serializer<DType> {
    public DTypeSerializer() {
      super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output out, DType t) {
      NDArraySerializer.writeDType(out, t);
    }

    @Override
    public DType read(Kryo kryo, Input in, Class<DType> type) {
      return NDArraySerializer.readDType(in);
    }
  }

  public static final class BlockIndexSerializer extends Serializer<BlockIndex> {
    public BlockIndexSerializer() {
      super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output out, BlockIndex b) {
      out.writeVarLong(b.linear(), true);
      NDArraySerializer.writeLongs(out, b.coords());
    }

    @Override
    public BlockIndex read(Kryo kryo, Input in, Class<BlockIndex> type) {
      long linear = in.readVarLong(true);
      return new BlockIndex(linear, NDArraySerializer.readLongs(in));
    }
  }

  public static final class ChunksSerializer extends Serializer<Chunks> {
    public ChunksSerializer() {
      super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output out, Chunks c) {
      writeChunks(out, c);
    }

    @Override
    public Chunks read(Kryo kryo, Input in, Class<Chunks> type) {
      return readChunks(in);
    }

    static void writeChunks(Output out, Chunks c) {
      out.writeVarInt(c.ndim(), true);
      for (int a = 0; a < c.ndim(); a++) {
        long[] s = c.chunks(a);
        out.writeVarInt(s.length, true);
        for (long x : s) {
          out.writeVarLong(x, true);
        }
      }
    }

    static Chunks readChunks(Input in) {
      int nd = in.readVarInt(true);
      if (nd < 0 || nd > 64) {
        throw new KryoException("bad number of dimensions " + nd);
      }
      long[][] per = new long[nd][];
      for (int a = 0; a < nd; a++) {
        int n = in.readVarInt(true);
        if (n < 0) {
          throw new KryoException("bad chunk count " + n);
        }
        per[a] = new long[n];
        for (int i = 0; i < n; i++) {
          per[a][i] = in.readVarLong(true);
        }
      }
      return Chunks.of(per);
    }
  }

  public static final class BlockGridSerializer extends Serializer<BlockGrid> {
    public BlockGridSerializer() {
      super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output out, BlockGrid g) {
      ChunksSerializer.writeChunks(out, g.chunks());
    }

    @Override
    public BlockGrid read(Kryo kryo, Input in, Class<BlockGrid> type) {
      return new BlockGrid(ChunksSerializer.readChunks(in));
    }
  }

  public static final class ScalarSerializer extends Serializer<Scalar> {
    public ScalarSerializer() {
      super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output out, Scalar s) {
      NDArraySerializer.writeDType(out, s.dtype());
      out.writeLong(s.bits());
    }

    @Override
    public Scalar read(Kryo kryo, Input in, Class<Scalar> type) {
      DType t = NDArraySerializer.readDType(in);
      return new Scalar(t, in.readLong());
    }
  }

  /** Block index, dtype, shape, then the raw bytes (produced now if the payload is deferred). */
  public static final class BlockPayloadSerializer extends Serializer<BlockPayload> {
    public BlockPayloadSerializer() {
      super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output out, BlockPayload p) {
      out.writeVarLong(p.index().linear(), true);
      NDArraySerializer.writeLongs(out, p.index().coords());
      NDArraySerializer.writeDType(out, p.dtype());
      NDArraySerializer.writeShape(out, p.shape());
      byte[] data = p.bytes();
      if (data != null) {
        out.writeBytes(data);
      } else {
        try {
          p.forEachSourcePiece((addr, k) -> RawIO.write(out, addr, k));
        } catch (IOException e) {
          throw new KryoException(e);
        }
      }
    }

    @Override
    public BlockPayload read(Kryo kryo, Input in, Class<BlockPayload> type) {
      long linear = in.readVarLong(true);
      BlockIndex idx = new BlockIndex(linear, NDArraySerializer.readLongs(in));
      DType t = NDArraySerializer.readDType(in);
      long[] shape = NDArraySerializer.readShape(in);
      long n = t.itemsize();
      for (long d : shape) {
        n *= d;
      }
      if (n > Integer.MAX_VALUE - 8) {
        throw new KryoException("block " + idx + " of " + n + " bytes");
      }
      return BlockPayload.ofBytes(idx, t, shape, in.readBytes((int) n));
    }
  }

  public static final class HeapArraySerializer extends Serializer<HeapArray> {
    public HeapArraySerializer() {
      super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output out, HeapArray h) {
      NDArraySerializer.writeDType(out, h.dtype());
      NDArraySerializer.writeShape(out, h.shape());
      out.writeBytes(h.data());
    }

    @Override
    public HeapArray read(Kryo kryo, Input in, Class<HeapArray> type) {
      DType t = NDArraySerializer.readDType(in);
      long[] shape = NDArraySerializer.readShape(in);
      long n = t.itemsize();
      for (long d : shape) {
        n *= d;
      }
      if (n > Integer.MAX_VALUE - 8) {
        throw new KryoException("broadcast array of " + n + " bytes");
      }
      return new HeapArray(t, shape, in.readBytes((int) n));
    }
  }
}
