package io.tessera.spark.internal;

import io.tessera.chunk.Chunks;
import io.tessera.spark.BlockIndex;
import java.io.Serializable;
import java.math.BigInteger;

/**
 * Internal: a chunk grid that travels in Spark closures (Java serialization) and in Kryo data,
 * and the layout of its blocks over partitions: partition {@code p} of {@code n} holds the blocks
 * with linear index in {@code [floor(p*L/n), floor((p+1)*L/n))} for L blocks, in increasing order,
 * exactly how {@code SparkContext.parallelize} slices a sequence of L elements. Two arrays on one
 * grid with one partition count therefore hold the same blocks in the same partitions, which is
 * what lets elementwise operations zip them without a shuffle.
 */
public final class BlockGrid implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long[][] sizes;
  private transient volatile Chunks chunks;

  public BlockGrid(Chunks chunks) {
    this.sizes = chunks.toArray();
    this.chunks = chunks;
  }

  public Chunks chunks() {
    Chunks c = chunks;
    if (c == null) {
      c = Chunks.of(sizes);
      chunks = c;
    }
    return c;
  }

  public long blockCount() {
    return chunks().blockCount();
  }

  public BlockIndex index(long linear) {
    return BlockIndex.of(chunks(), linear);
  }

  /** First linear block index of partition {@code p} of {@code n}. */
  public static long partitionStart(long blocks, int n, int p) {
    return mulDiv(p, blocks, n);
  }

  /** The partition of {@code n} holding block {@code linear} of {@code blocks}. */
  public static int partitionOf(long blocks, int n, long linear) {
    // largest p with floor(p * L / n) <= linear, i.e. p = floor(((linear + 1) * n - 1) / L)
    if (blocks == 0) {
      return 0;
    }
    BigInteger v = BigInteger.valueOf(linear + 1).multiply(BigInteger.valueOf(n))
        .subtract(BigInteger.ONE).divide(BigInteger.valueOf(blocks));
    return v.intValueExact();
  }

  private static long mulDiv(long a, long b, long c) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if (hi == 0 && lo >= 0) {
      return lo / c;
    }
    return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c))
        .longValueExact();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlockGrid g && g.chunks().equals(chunks());
  }

  @Override
  public int hashCode() {
    return chunks().hashCode();
  }

  @Override
  public String toString() {
    return chunks().toString();
  }
}
