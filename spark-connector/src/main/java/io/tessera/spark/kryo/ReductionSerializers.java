package io.tessera.spark.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.tessera.spark.internal.ExactVector;
import io.tessera.spark.internal.PartialKey;
import io.tessera.spark.internal.PartialTree;
import io.tessera.spark.internal.ReducePartial;

/**
 * Kryo serializers of the reduction partials ({@link ReducePartial} with its {@link ExactVector}s,
 * {@link PartialTree}, {@link PartialKey}): counts, then the arrays in bulk. Registered by {@link
 * TesseraKryoRegistrator}.
 */
public final class ReductionSerializers {
  private ReductionSerializers() {}

  private static final int MAX = Integer.MAX_VALUE - 8;

  /** Registers the reduction classes on {@code kryo}. */
  public static void register(Kryo kryo) {
    kryo.register(PartialKey.class, new KeySerializer());
    kryo.register(ReducePartial.class, new PartialSerializer());
    kryo.register(PartialTree.class, new TreeSerializer());
  }

  private static int length(Input in) {
    int n = in.readVarInt(true);
    if (n < 0 || n > MAX) {
      throw new KryoException("bad array length " + n);
    }
    return n;
  }

  static void writeLongs(Output out, long[] a) {
    out.writeVarInt(a == null ? 0 : a.length + 1, true);
    if (a != null) {
      out.writeLongs(a);
    }
  }

  static long[] readLongs(Input in) {
    int n = length(in);
    return n == 0 ? null : in.readLongs(n - 1);
  }

  static void writeInts(Output out, int[] a) {
    out.writeVarInt(a.length, true);
    out.writeInts(a);
  }

  static int[] readInts(Input in) {
    return in.readInts(length(in));
  }

  static void writeExact(Output out, ExactVector v) {
    out.writeBoolean(v != null);
    if (v == null) {
      return;
    }
    writeInts(out, v.atArray());
    writeInts(out, v.startArray());
    out.writeVarInt(v.wordArray().length, true);
    out.writeLongs(v.wordArray());
    out.writeVarInt(v.flagArray().length, true);
    out.writeBytes(v.flagArray());
  }

  static ExactVector readExact(Input in) {
    if (!in.readBoolean()) {
      return null;
    }
    int[] at = readInts(in);
    int[] start = readInts(in);
    long[] words = in.readLongs(length(in));
    byte[] flags = in.readBytes(length(in));
    try {
      return ExactVector.of(at, start, words, flags);
    } catch (IllegalArgumentException e) {
      throw new KryoException(e);
    }
  }

  /** Two varlongs. */
  public static final class KeySerializer extends Serializer<PartialKey> {
    public KeySerializer() {
      super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output out, PartialKey k) {
      out.writeVarLong(k.out(), true);
      out.writeVarLong(k.red(), true);
    }

    @Override
    public PartialKey read(Kryo kryo, Input in, Class<PartialKey> type) {
      long o = in.readVarLong(true);
      return new PartialKey(o, in.readVarLong(true));
    }
  }

  /** Element count, then each optional array. */
  public static final class PartialSerializer extends Serializer<ReducePartial> {
    public PartialSerializer() {
      super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output out, ReducePartial p) {
      write(out, p);
    }

    static void write(Output out, ReducePartial p) {
      out.writeVarInt(p.size(), true);
      writeLongs(out, p.values());
      writeLongs(out, p.index());
      writeExact(out, p.s1());
      writeExact(out, p.s2());
    }

    @Override
    public ReducePartial read(Kryo kryo, Input in, Class<ReducePartial> type) {
      return read(in);
    }

    static ReducePartial read(Input in) {
      int m = length(in);
      long[] v = readLongs(in);
      long[] ix = readLongs(in);
      ExactVector s1 = readExact(in);
      ExactVector s2 = readExact(in);
      try {
        return ReducePartial.of(m, v, ix, s1, s2);
      } catch (IllegalArgumentException e) {
        throw new KryoException(e);
      }
    }
  }

  /** Node count, then (start, level, partial) per node. */
  @SuppressWarnings("rawtypes")
  public static final class TreeSerializer extends Serializer<PartialTree> {
    public TreeSerializer() {
      super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output out, PartialTree t) {
      out.writeVarInt(t.size(), true);
      for (int i = 0; i < t.size(); i++) {
        out.writeVarLong(t.start(i), true);
        out.writeByte(t.level(i));
        PartialSerializer.write(out, (ReducePartial) t.value(i));
      }
    }

    @Override
    public PartialTree read(Kryo kryo, Input in, Class<PartialTree> type) {
      int n = in.readVarInt(true);
      if (n < 0 || n > 1 << 24) {
        throw new KryoException("bad partial tree size " + n);
      }
      long[] s = new long[n];
      byte[] l = new byte[n];
      ReducePartial[] v = new ReducePartial[n];
      for (int i = 0; i < n; i++) {
        s[i] = in.readVarLong(true);
        l[i] = in.readByte();
        v[i] = PartialSerializer.read(in);
      }
      return new PartialTree<ReducePartial>(s, l, v);
    }
  }
}
