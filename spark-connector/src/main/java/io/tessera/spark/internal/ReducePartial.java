package io.tessera.spark.internal;

import java.io.Serializable;

/**
 * Internal: the partial result of a reduction for the {@code m} output elements one input block
 * contributes to (C order of the block's kept axes), on the Java heap so it can be shuffled,
 * returned from tasks and merged on the driver. Which fields are set depends on the reduction
 * ({@link ReduceSpec}): {@code values} holds raw bits (integer sums and products, float products,
 * minima and maxima, the extreme value of arg reductions, booleans as 0/1), {@code index} the
 * positions of arg reductions, {@code s1} exact sums and {@code s2} exact sums of squares.
 * Immutable.
 */
public final class ReducePartial implements Serializable {
  private static final long serialVersionUID = 1L;

  final int m;
  final long[] values;
  final long[] index;
  final ExactVector s1;
  final ExactVector s2;

  ReducePartial(int m, long[] values, long[] index, ExactVector s1, ExactVector s2) {
    this.m = m;
    this.values = values;
    this.index = index;
    this.s1 = s1;
    this.s2 = s2;
  }

  /** For the Kryo serializer: rebuilt from its parts, checked. */
  public static ReducePartial of(int m, long[] values, long[] index, ExactVector s1,
      ExactVector s2) {
    if (m < 0 || (values != null && values.length != m) || (index != null && index.length != m)
        || (s1 != null && s1.size() != m) || (s2 != null && s2.size() != m)) {
      throw new IllegalArgumentException("inconsistent reduction partial of " + m + " elements");
    }
    return new ReducePartial(m, values, index, s1, s2);
  }

  public int size() {
    return m;
  }

  public long[] values() {
    return values;
  }

  public long[] index() {
    return index;
  }

  public ExactVector s1() {
    return s1;
  }

  public ExactVector s2() {
    return s2;
  }
}
