package io.tessera.chunk;

import io.tessera.Tessera;
import io.tessera.errors.TesseraException;
import io.tessera.ndarray.NDArray;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Deterministic tree reduction of per-block partials: partials are combined in one fixed shape
 * that depends only on their number, pairwise by block index, whatever order or thread produced
 * them. With partials p0..p6 the result is {@code ((p0+p1)+(p2+p3)) + ((p4+p5)+p6)}: level by level,
 * neighbours {@code (2i, 2i+1)} are combined and an odd last one is carried up (this is the same
 * tree as pairwise summation's, and as the binary-counter stack of {@link Accumulator} builds).
 *
 * <p>So a chunked sum gives bit-identical results sequentially, in parallel, or partition by
 * partition on Spark, provided the per-block function is deterministic. It still depends on the
 * chunking: another grid gives other partials.
 *
 * <p>Partials that hold memory (NDArrays) can be released as they are consumed by passing a
 * {@code discard} action; it is called on every partial that a combine consumed, unless the
 * combine returned that same object.
 */
public final class TreeReduce {
  private TreeReduce() {}

  /**
   * Accepts partials by index, in any order, and folds them into the fixed tree as soon as they
   * are contiguous from index 0. Holds the out-of-order partials plus one partial per tree level.
   * Not thread-safe: synchronize {@link #add} when feeding it from several threads.
   */
  public static final class Accumulator<P> {
    private final BinaryOperator<P> combine;
    private final Consumer<? super P> discard;
    private final Deque<P> stack = new ArrayDeque<>();
    private final Deque<Integer> levels = new ArrayDeque<>();
    private final TreeMap<Long, P> pending = new TreeMap<>();
    private long next;

    public Accumulator(BinaryOperator<P> combine) {
      this(combine, p -> { });
    }

    public Accumulator(BinaryOperator<P> combine, Consumer<? super P> discard) {
      this.combine = combine;
      this.discard = discard;
    }

    /** Adds the partial of block {@code index} (C-order linear); each index exactly once. */
    public void add(long index, P partial) {
      if (index < next || pending.containsKey(index)) {
        throw new TesseraException("tree_reduce", "tree_reduce: partial " + index
            + " was added twice");
      }
      pending.put(index, partial);
      while (!pending.isEmpty() && pending.firstKey() == next) {
        push(pending.pollFirstEntry().getValue());
        next++;
      }
    }

    private void push(P p) {
      P cur = p;
      int level = 0;
      while (!levels.isEmpty() && levels.peek() == level) {
        levels.pop();
        cur = combineAndDiscard(stack.pop(), cur);
        level++;
      }
      stack.push(cur);
      levels.push(level);
    }

    private P combineAndDiscard(P left, P right) {
      P r = combine.apply(left, right);
      if (r != left) {
        discard.accept(left);
      }
      if (r != right) {
        discard.accept(right);
      }
      return r;
    }

    /** Number of partials folded in so far (contiguous from 0). */
    public long count() {
      return next;
    }

    /**
     * The reduction of partials {@code 0 .. count()-1}: the stacked subtrees combined from the
     * right. Throws if partials are missing (gaps) or none were added.
     */
    public P result() {
      if (!pending.isEmpty()) {
        throw new TesseraException("tree_reduce", "tree_reduce: partial " + next
            + " is missing (have up to " + pending.lastKey() + ")");
      }
      if (stack.isEmpty()) {
        throw new TesseraException("tree_reduce", "tree_reduce: no partials to reduce");
      }
      Iterator<P> it = stack.iterator(); // top (rightmost) first
      P acc = it.next();
      while (it.hasNext()) {
        acc = combineAndDiscard(it.next(), acc);
      }
      stack.clear();
      levels.clear();
      stack.push(acc);
      levels.push(Integer.MAX_VALUE);
      return acc;
    }
  }

  /** Reduces partials given in index order. */
  public static <P> P reduce(Iterator<P> partialsInOrder, BinaryOperator<P> combine) {
    Accumulator<P> acc = new Accumulator<>(combine);
    long i = 0;
    while (partialsInOrder.hasNext()) {
      acc.add(i++, partialsInOrder.next());
    }
    return acc.result();
  }

  /** Reduces a list of partials in index order. */
  public static <P> P reduce(List<P> partials, BinaryOperator<P> combine) {
    return reduce(partials.iterator(), combine);
  }

  /** Reduces partials keyed by block index (e.g. collected from Spark partitions). */
  public static <P> P reduce(Map<Long, P> partialsByIndex, BinaryOperator<P> combine) {
    Accumulator<P> acc = new Accumulator<>(combine);
    new TreeMap<>(partialsByIndex).forEach(acc::add);
    return acc.result();
  }

  /**
   * {@code perBlock} on every block of {@code array} (sequentially, each block closed after it),
   * partials combined in the fixed tree.
   */
  public static <P> P reduce(ChunkedArray array, Tessera np, Function<NDArray, P> perBlock,
      BinaryOperator<P> combine) {
    return reduce(array, np, perBlock, combine, p -> { }, false);
  }

  /**
   * As {@link #reduce(ChunkedArray, Tessera, Function, BinaryOperator)}, optionally with blocks
   * produced and reduced by the common fork-join pool; the result is the same either way.
   *
   * @param discard releases partials consumed by a combine (e.g. {@code NDArray::close})
   */
  public static <P> P reduce(ChunkedArray array, Tessera np, Function<NDArray, P> perBlock,
      BinaryOperator<P> combine, Consumer<? super P> discard, boolean parallel) {
    Accumulator<P> acc = new Accumulator<>(combine, discard);
    var stream = array.blocks(np);
    if (parallel) {
      stream = stream.parallel();
    }
    stream.forEach(b -> {
      P p;
      try (Block blk = b) {
        p = perBlock.apply(blk.array());
      }
      synchronized (acc) {
        acc.add(b.linearIndex(), p);
      }
    });
    return acc.result();
  }
}
