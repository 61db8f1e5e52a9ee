package io.tessera.spark.internal;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.Serializable;
import java.util.Comparator;
import org.apache.spark.Partitioner;

/**
 * Internal: the shuffle key of one replica of a y block in a block-pair outer operation: the
 * partition it goes to (that of the x blocks it meets) and the y block's linear number. Ordered
 * by partition, then y block, so each reducer receives the y blocks in grid order.
 */
public final class PairKey implements Serializable, Comparable<PairKey> {
  private static final long serialVersionUID = 1L;

  private final int partition;
  private final long block;

  public PairKey(int partition, long block) {
    this.partition = partition;
    this.block = block;
  }

  public int partition() {
    return partition;
  }

  public long block() {
    return block;
  }

  @Override
  public int compareTo(PairKey o) {
    int c = Integer.compare(partition, o.partition);
    return c != 0 ? c : Long.compare(block, o.block);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PairKey k && k.partition == partition && k.block == block;
  }

  @Override
  public int hashCode() {
    return partition * 31 + Long.hashCode(block);
  }

  @Override
  public String toString() {
    return "PairKey(partition " + partition + ", y block " + block + ")";
  }

  /** Sends a key to its partition. */
  public static final class ByPartition extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    public ByPartition(int partitions) {
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return ((PairKey) key).partition;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ByPartition p && p.partitions == partitions;
    }

    @Override
    public int hashCode() {
      return partitions;
    }
  }

  /** Key order as a serializable comparator. */
  public static final class Order implements Comparator<PairKey>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(PairKey a, PairKey b) {
      return a.compareTo(b);
    }
  }

  /** Kryo form: two varints. */
  public static final class KryoSerializer extends Serializer<PairKey> {
    public KryoSerializer() {
      super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output out, PairKey k) {
      out.writeVarInt(k.partition, true);
      out.writeVarLong(k.block, true);
    }

    @Override
    public PairKey read(Kryo kryo, Input in, Class<PairKey> type) {
      return new PairKey(in.readVarInt(true), in.readVarLong(true));
    }
  }
}
