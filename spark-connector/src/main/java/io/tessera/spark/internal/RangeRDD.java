package io.tessera.spark.internal;

import io.tessera.ndarray.NDArray;
import io.tessera.spark.BlockIndex;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Dependency;
import org.apache.spark.NarrowDependency;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Internal: blocks computed from a contiguous range of a parent's partitions, without a shuffle
 * (a narrow dependency, like Spark's {@code PartitionPruningRDD} and {@code CoalescedRDD}).
 * Partition {@code p} reads parent partitions {@code from[p] .. to[p]} (none when {@code to[p] <
 * from[p]}) in order and hands their blocks to {@link Fn#apply}, which keeps the blocks it needs
 * and closes the others. Parent partitions no child reads are never computed: that is how
 * slicing prunes blocks. A parent partition that two children read is computed twice (or read
 * twice from the shuffle output it comes from).
 */
public final class RangeRDD extends RDD<Tuple2<BlockIndex, NDArray>> {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final ClassTag<Tuple2<BlockIndex, NDArray>> TAG =
      (ClassTag) ClassTag$.MODULE$.apply(Tuple2.class);

  /** What a child partition makes of its parents' blocks. */
  public interface Fn extends Serializable {
    /**
     * The child partition's blocks, in C order of its grid, from its parents' blocks (in their
     * order); must close every input block it does not pass on.
     */
    Iterator<Tuple2<BlockIndex, NDArray>> apply(int partition,
        Iterator<Tuple2<BlockIndex, NDArray>> parents);
  }

  private final RDD<Tuple2<BlockIndex, NDArray>> parent;
  private final int[] from;
  private final int[] to;
  private final Fn fn;

  public RangeRDD(RDD<Tuple2<BlockIndex, NDArray>> parent, int[] from, int[] to, Fn fn) {
    super(parent.context(), seq(new RangeDependency(parent, from, to)), TAG);
    this.parent = parent;
    this.from = from.clone();
    this.to = to.clone();
    this.fn = fn;
  }

  private static scala.collection.immutable.Seq<Dependency<?>> seq(Dependency<?> d) {
    List<Dependency<?>> l = new ArrayList<>();
    l.add(d);
    return CollectionConverters.asScala(l).toList();
  }

  @Override
  public Partition[] getPartitions() {
    Partition[] parents = parent.partitions();
    Partition[] p = new Partition[from.length];
    for (int i = 0; i < p.length; i++) {
      Partition[] mine = new Partition[Math.max(0, to[i] - from[i] + 1)];
      for (int k = 0; k < mine.length; k++) {
        mine[k] = parents[from[i] + k];
      }
      p[i] = new Part(i, mine);
    }
    return p;
  }

  @Override
  public scala.collection.Iterator<Tuple2<BlockIndex, NDArray>> compute(Partition split,
      TaskContext context) {
    Part part = (Part) split;
    // the parents' partitions travel inside ours: an RDD's own partition list is not available
    // on executors (its dependencies are transient)
    Iterator<Tuple2<BlockIndex, NDArray>> in = Iterators.flatten(
        java.util.Arrays.asList(part.parents).iterator(),
        q -> CollectionConverters.asJava(parent.iterator(q, context)));
    return CollectionConverters.asScala(fn.apply(part.index, in));
  }

  /** A child partition. */
  private static final class Part implements Partition {
    private static final long serialVersionUID = 1L;
    private final int index;
    private final Partition[] parents;

    Part(int index, Partition[] parents) {
      this.index = index;
      this.parents = parents;
    }

    @Override
    public int index() {
      return index;
    }

    @Override
    public int hashCode() {
      return index;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Part q && q.index == index;
    }
  }

  /** Child partition p depends on parent partitions from[p] .. to[p]. */
  private static final class RangeDependency
      extends NarrowDependency<Tuple2<BlockIndex, NDArray>> {
    private static final long serialVersionUID = 1L;
    private final int[] from;
    private final int[] to;

    RangeDependency(RDD<Tuple2<BlockIndex, NDArray>> parent, int[] from, int[] to) {
      super(parent);
      this.from = from.clone();
      this.to = to.clone();
    }

    @Override
    public scala.collection.immutable.Seq<Object> getParents(int partitionId) {
      List<Object> l = new ArrayList<>();
      for (int k = from[partitionId]; k <= to[partitionId]; k++) {
        l.add(k);
      }
      return CollectionConverters.asScala(l.isEmpty() ? Collections.emptyList() : l).toList();
    }
  }
}
