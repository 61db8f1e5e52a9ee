package io.tessera.spark.internal;

import io.tessera.errors.TesseraException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.function.BinaryOperator;

/**
 * Internal: a partial result of {@link io.tessera.chunk.TreeReduce}'s fixed pairwise tree over
 * per-block values, as a set of finished subtrees. The tree over L blocks is fixed by L alone:
 * neighbours {@code (2i, 2i+1)} are combined level by level, and the subtrees left over (one per
 * set bit of L) are combined from the right. Every node of that tree is an aligned range {@code
 * [s, s + 2^k)} with {@code s} a multiple of {@code 2^k}; a partial holds such nodes, each with
 * its value, and combines two siblings as soon as both are present.
 *
 * <p>Merging partials is a set union followed by the same sibling combines, so it is associative
 * and commutative whatever the values' combine is: Spark may merge the partials of its tasks in
 * any order and tree shape ({@code treeAggregate}), and the final {@link #result} performs exactly
 * the combines {@code TreeReduce} would, in the same order, on the same values. The result's bits
 * therefore depend on the chunk grid only, never on the number of partitions or on scheduling.
 * A partition holding a contiguous range of blocks keeps at most about {@code 2 log2 L} nodes.
 *
 * <p>Immutable.
 *
 * @param <P> the per-block value (a {@link ReducePartial} in the reductions)
 */
public final class PartialTree<P> implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final PartialTree<?> EMPTY = new PartialTree<>(new long[0], new byte[0],
      new Object[0]);

  private final long[] starts;
  private final byte[] levels;
  private final Object[] values;

  public PartialTree(long[] starts, byte[] levels, Object[] values) {
    if (starts.length != levels.length || starts.length != values.length) {
      throw new IllegalArgumentException("node arrays of different lengths");
    }
    this.starts = starts;
    this.levels = levels;
    this.values = values;
  }

  @SuppressWarnings("unchecked")
  public static <P> PartialTree<P> empty() {
    return (PartialTree<P>) EMPTY;
  }

  /** Node count. */
  public int size() {
    return starts.length;
  }

  public long start(int i) {
    return starts[i];
  }

  public int level(int i) {
    return levels[i];
  }

  @SuppressWarnings("unchecked")
  public P value(int i) {
    return (P) values[i];
  }

  /** This partial with the value of block {@code index} added. */
  public PartialTree<P> add(long index, P value, BinaryOperator<P> combine) {
    return merge(new PartialTree<>(new long[] {index}, new byte[] {0}, new Object[] {value}),
        combine);
  }

  /** The union of two partials (the blocks they cover must be disjoint). */
  @SuppressWarnings("unchecked")
  public PartialTree<P> merge(PartialTree<P> o, BinaryOperator<P> combine) {
    int n = starts.length + o.starts.length;
    long[] s = new long[n];
    byte[] l = new byte[n];
    Object[] v = new Object[n];
    int k = 0;
    int i = 0;
    int j = 0;
    while (i < starts.length || j < o.starts.length) {
      boolean mine = j >= o.starts.length || (i < starts.length && starts[i] <= o.starts[j]);
      long ns = mine ? starts[i] : o.starts[j];
      byte nl = mine ? levels[i] : o.levels[j];
      Object nv = mine ? values[i++] : o.values[j++];
      // push, then combine siblings at the top of the stack
      if (k > 0 && ns < s[k - 1] + (1L << l[k - 1])) {
        throw new TesseraException("tree_reduce", "tree_reduce: block " + ns
            + " was counted twice");
      }
      s[k] = ns;
      l[k] = nl;
      v[k] = nv;
      k++;
      while (k >= 2 && l[k - 2] == l[k - 1] && (s[k - 2] & ((2L << l[k - 2]) - 1)) == 0
          && s[k - 1] == s[k - 2] + (1L << l[k - 2])) {
        v[k - 2] = combine.apply((P) v[k - 2], (P) v[k - 1]);
        l[k - 2]++;
        k--;
      }
    }
    return new PartialTree<>(Arrays.copyOf(s, k), Arrays.copyOf(l, k), Arrays.copyOf(v, k));
  }

  /**
   * The reduction over blocks {@code 0 .. blockCount-1}: the finished subtrees combined from the
   * right, as {@code TreeReduce.Accumulator.result()} does.
   *
   * @throws TesseraException if a block is missing
   */
  @SuppressWarnings("unchecked")
  public P result(long blockCount, BinaryOperator<P> combine) {
    long expect = 0;
    for (int i = 0; i < starts.length; i++) {
      if (starts[i] != expect) {
        throw new TesseraException("tree_reduce", "tree_reduce: the value of block " + expect
            + " is missing");
      }
      expect += 1L << levels[i];
    }
    if (expect != blockCount || starts.length == 0) {
      throw new TesseraException("tree_reduce", "tree_reduce: have the values of " + expect
          + " blocks, expected " + blockCount);
    }
    P acc = (P) values[values.length - 1];
    for (int i = values.length - 2; i >= 0; i--) {
      acc = combine.apply((P) values[i], acc);
    }
    return acc;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("PartialTree[");
    for (int i = 0; i < starts.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(starts[i]).append('+').append(1L << levels[i]);
    }
    return sb.append(']').toString();
  }
}
