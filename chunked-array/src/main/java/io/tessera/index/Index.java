package io.tessera.index;

import io.tessera.errors.IndexSyntaxException;
import io.tessera.ndarray.NDArray;

/**
 * One entry of a NumPy index expression {@code a[i, 1:4, ::-1, None, ..., idx]}.
 *
 * <p>Integers, slices, {@link #newAxis()} and {@link #ellipsis()} are basic indices: they always
 * produce a view. {@link #of(NDArray)} with an integer or boolean array is advanced ("fancy")
 * indexing, which always produces a copy, as in NumPy.
 */
public sealed interface Index {

  /** A single position; negative counts from the end. Removes the axis. */
  record At(long index) implements Index {
    @Override
    public String toString() {
      return Long.toString(index);
    }
  }

  /**
   * {@code start:stop:step}; a null start or stop means "from the beginning / to the end" in the
   * direction of the step. The step is never zero.
   */
  record Slice(Long start, Long stop, long step) implements Index {
    public Slice {
      if (step == 0) {
        throw new IndexSyntaxException("index", "slice step cannot be zero");
      }
    }

    @Override
    public String toString() {
      return (start == null ? "" : start) + ":" + (stop == null ? "" : stop)
          + (step == 1 ? "" : ":" + step);
    }
  }

  /** {@code None} / {@code np.newaxis}: inserts an axis of length 1. */
  record NewAxis() implements Index {
    @Override
    public String toString() {
      return "None";
    }
  }

  /** {@code ...}: as many full slices as needed. At most one per index expression. */
  record Ellipsis() implements Index {
    @Override
    public String toString() {
      return "...";
    }
  }

  /** An integer or boolean array index (advanced indexing; the result is a copy). */
  record ArrayIndex(NDArray array) implements Index {
    @Override
    public String toString() {
      return "array" + java.util.Arrays.toString(array.shape());
    }
  }

  static Index at(long i) {
    return new At(i);
  }

  static Index all() {
    return new Slice(null, null, 1);
  }

  static Index slice(long start, long stop) {
    return new Slice(start, stop, 1);
  }

  static Index slice(Long start, Long stop, long step) {
    return new Slice(start, stop, step);
  }

  static Index newAxis() {
    return new NewAxis();
  }

  static Index ellipsis() {
    return new Ellipsis();
  }

  static Index of(NDArray indexArray) {
    return new ArrayIndex(indexArray);
  }
}
