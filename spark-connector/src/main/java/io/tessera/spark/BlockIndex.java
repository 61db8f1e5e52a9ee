package io.tessera.spark;

import io.tessera.chunk.Chunks;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The key of one block of a {@link DistributedArray}: its C-order linear number in the chunk grid
 * and its index along each axis (Dask's block key without the array name).
 *
 * <p>Deterministic: equality, hash code and order depend only on the numbers, never on object
 * identity, so the same block has the same key (and lands in the same partition) in every JVM.
 * Ordered by linear index, i.e. C order of the grid.
 */
public final class BlockIndex implements Serializable, Comparable<BlockIndex> {
  private static final long serialVersionUID = 1L;

  private final long linear;
  private final long[] coords;

  /** A key from its linear number and per-axis index (copied); they must agree with one grid. */
  public BlockIndex(long linear, long[] coords) {
    if (linear < 0) {
      throw new IllegalArgumentException("negative block number " + linear);
    }
    this.linear = linear;
    this.coords = coords.clone();
  }

  /** The key of block {@code linear} (C order) of {@code chunks}. */
  public static BlockIndex of(Chunks chunks, long linear) {
    return new BlockIndex(linear, chunks.blockIndex(linear));
  }

  /** The key of the block at per-axis index {@code coords} of {@code chunks}. */
  public static BlockIndex at(Chunks chunks, long... coords) {
    return new BlockIndex(chunks.linearIndex(coords), coords);
  }

  /** C-order number of the block in its grid. */
  public long linear() {
    return linear;
  }

  /** Block index along each axis (a copy). */
  public long[] coords() {
    return coords.clone();
  }

  /** Block index along {@code axis}. */
  public long coord(int axis) {
    return coords[axis];
  }

  public int ndim() {
    return coords.length;
  }

  @Override
  public int compareTo(BlockIndex o) {
    int c = Long.compare(linear, o.linear);
    return c != 0 ? c : Arrays.compare(coords, o.coords);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlockIndex b && b.linear == linear && Arrays.equals(b.coords, coords);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(linear * 0x9E3779B97F4A7C15L);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("block(");
    for (int i = 0; i < coords.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(coords[i]);
    }
    if (coords.length == 1) {
      sb.append(',');
    }
    return sb.append(")#").append(linear).toString();
  }
}
