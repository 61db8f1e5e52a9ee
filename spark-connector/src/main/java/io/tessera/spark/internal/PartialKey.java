package io.tessera.spark.internal;

import java.io.Serializable;
import java.util.Comparator;
import org.apache.spark.Partitioner;

/**
 * Internal: the shuffle key of a reduction partial along axes: the output block it belongs to
 * ({@code out}, linear in the output grid) and the position of its input block among the blocks
 * reduced into that output block ({@code red}, linear in the grid of the reduced axes). Sorting
 * by {@code (out, red)} brings each output block's partials together and in block order, so a
 * reduce task merges them as a stream in the fixed tree, one output block at a time.
 */
public record PartialKey(long out, long red) implements Serializable, Comparable<PartialKey> {

  @Override
  public int compareTo(PartialKey o) {
    int c = Long.compare(out, o.out);
    return c != 0 ? c : Long.compare(red, o.red);
  }

  /** The order of {@link #compareTo}, serializable for Spark. */
  public static final class Order implements Comparator<PartialKey>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(PartialKey a, PartialKey b) {
      return a.compareTo(b);
    }
  }

  /** Output block {@code out} goes to the partition the distributed layout puts it in. */
  public static final class ByOutputBlock extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final long blocks;
    private final int partitions;

    public ByOutputBlock(long blocks, int partitions) {
      this.blocks = blocks;
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return BlockGrid.partitionOf(blocks, partitions, ((PartialKey) key).out());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ByOutputBlock p && p.blocks == blocks && p.partitions == partitions;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(blocks) * 31 + partitions;
    }
  }
}
