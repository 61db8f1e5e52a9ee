package io.tessera.index;

import io.tessera.errors.IndexOutOfRangeException;
import io.tessera.errors.IndexSyntaxException;
import io.tessera.shape.Layout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * NumPy's basic indexing on layouts: integers, slices, {@code None} and {@code ...} select a view,
 * computed here as a new shape, strides and offset (no memory is touched). The semantics, the
 * order of the checks and the error texts are those of NumPy's {@code prepare_index} and {@code
 * get_view_from_index} (numpy/_core/src/multiarray/mapping.c).
 *
 * <p>{@link #split} does the metadata half of advanced indexing: it applies the basic entries and
 * says where the array entries act, leaving the gather to the caller.
 */
public final class BasicIndexing {
  private static final String OP = "index";

  /** NumPy's NPY_MAXDIMS: the most dimensions an indexing result may have. */
  public static final int MAX_DIMS = 64;

  /** NumPy unpacks at most 2 * NPY_MAXDIMS index entries. */
  private static final int MAX_ENTRIES = 2 * MAX_DIMS;

  private BasicIndexing() {}

  /**
   * The view {@code a[index]} of an array with layout {@code in}, for basic indices only. Entries
   * missing at the end mean full slices ({@code a[1]} is {@code a[1, ...]}).
   *
   * @throws IndexOutOfRangeException "too many indices for array: array is 2-dimensional, but 3
   *     were indexed", "index 5 is out of bounds for axis 0 with size 3", or a result with more than
   *     64 dimensions
   * @throws IndexSyntaxException for a second ellipsis
   * @throws IllegalArgumentException for an {@link Index.ArrayIndex} entry (use {@link #split})
   */
  public static Layout apply(Layout in, List<Index> index) {
    for (Index ix : index) {
      if (ix instanceof Index.ArrayIndex) {
        throw new IllegalArgumentException(
            "basic indexing cannot take array indices; use BasicIndexing.split");
      }
    }
    return split(in, index, ai -> {
      throw new AssertionError("unreachable");
    }).subspace();
  }

  /** True when {@code index} holds no {@link Index.ArrayIndex}, so that the result is a view. */
  public static boolean isBasic(List<Index> index) {
    for (Index ix : index) {
      if (ix instanceof Index.ArrayIndex) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------------ advanced split

  /**
   * What {@link #split} needs to know of an index array, supplied by the caller so that this class
   * does not depend on the array implementation.
   *
   * @param shape the index array's shape
   * @param isBoolean a boolean array of k dimensions acts on k axes; any other array on one
   * @param scalarValue for a 0-d integer array, its value (or null if not given): NumPy treats such
   *     an index as an integer, checked and applied with the basic entries
   */
  public record ArrayInfo(long[] shape, boolean isBoolean, Long scalarValue) {
    public ArrayInfo(long[] shape, boolean isBoolean) {
      this(shape, isBoolean, null);
    }

    /** A 0-d integer array whose value is known: NumPy's "array scalar" index. */
    boolean isScalarInteger() {
      return !isBoolean && shape.length == 0 && scalarValue != null;
    }
  }

  /**
   * One advanced entry of an index, in index order.
   *
   * @param position position of the entry in the index list
   * @param index the entry
   * @param info its shape and kind
   * @param axes axes of the <em>source</em> layout it indexes: one for an integer array, k for a
   *     k-dimensional boolean array, none for a 0-d boolean (which adds an axis of length 1 or 0)
   * @param axisLengths lengths of those source axes (for bounds checks: NumPy's "index 5 is out of
   *     bounds for axis 1 with size 4" names the source axis)
   * @param axisStrides byte strides of those source axes: the gather reads element {@code
   *     subspace.offset + sum(i_k * axisStrides[k]) + subspace position}
   */
  public record AdvancedEntry(int position, Index.ArrayIndex index, ArrayInfo info, int[] axes,
      long[] axisLengths, long[] axisStrides) {}

  /**
   * The split of a (possibly advanced) index.
   *
   * @param subspace the view after every basic entry (integers included) with the advanced axes
   *     removed; when there are no advanced entries this is the whole result
   * @param advanced the advanced entries, in index order
   * @param insertAt where the broadcast shape B of the index arrays goes in the result: {@code
   *     result.shape = subspace.shape[:insertAt] + B + subspace.shape[insertAt:]}. NumPy's rule:
   *     at the place of the first advanced entry when all advanced entries (integers count as
   *     advanced here) are adjacent in the index, else 0
   * @param requiresCopy true when the index holds any array entry: NumPy's result is then a copy,
   *     even when the only arrays were 0-d integer arrays applied as integers
   */
  public record Split(Layout subspace, List<AdvancedEntry> advanced, int insertAt,
      boolean requiresCopy) {

    /** True when there are array entries to gather with. */
    public boolean isAdvanced() {
      return !advanced.isEmpty();
    }

    /** The result shape, given the broadcast shape {@code b} of the index arrays. */
    public long[] resultShape(long[] b) {
      long[] s = subspace.shape();
      long[] out = new long[s.length + b.length];
      System.arraycopy(s, 0, out, 0, insertAt);
      System.arraycopy(b, 0, out, insertAt, b.length);
      System.arraycopy(s, insertAt, out, insertAt + b.length, s.length - insertAt);
      return out;
    }
  }

  /**
   * Splits a full index into its basic part, applied to {@code in}, and its array entries. Checks,
   * in NumPy's order: at most 128 entries ("too many indices for array"), a single ellipsis,
   * no more indexed axes than {@code in} has, at most 64 result dimensions, boolean array shapes
   * ("boolean index did not match indexed array along axis 0; size of axis is 3 but size of
   * corresponding boolean axis is 4"), then integer bounds. Array values are not looked at: their
   * bounds and the broadcasting of the index arrays are the gather's.
   *
   * <p>A 0-d integer array whose {@link ArrayInfo#scalarValue} is given is an integer, as in
   * NumPy; without its value it is reported as an advanced entry of shape {@code ()}, which gives
   * the same result but checks its bounds later than NumPy does.
   *
   * @param info shape and kind of each array entry
   */
  public static Split split(Layout in, List<Index> index, Function<Index.ArrayIndex, ArrayInfo> info) {
    int ndim = in.ndim();
    if (index.size() > MAX_ENTRIES) {
      throw new IndexOutOfRangeException(OP, "too many indices for array");
    }
    // 1. classify (prepare_index): axes used, new axes, fancy dimensions, the ellipsis
    int used = 0;
    int newDims = 0;
    int fancyDims = 0;
    int ellipsisAt = -1;
    boolean hasNewAxis = false;
    ArrayInfo[] infos = new ArrayInfo[index.size()];
    for (int i = 0; i < index.size(); i++) {
      Index ix = index.get(i);
      if (ix instanceof Index.Ellipsis) {
        if (ellipsisAt >= 0) {
          throw new IndexSyntaxException(OP, "an index can only have a single ellipsis ('...')");
        }
        ellipsisAt = i;
      } else if (ix instanceof Index.NewAxis) {
        newDims++;
        hasNewAxis = true;
      } else if (ix instanceof Index.Slice) {
        used++;
        newDims++;
      } else if (ix instanceof Index.At) {
        used++;
      } else if (ix instanceof Index.ArrayIndex ai) {
        ArrayInfo a = info.apply(ai);
        infos[i] = a;
        if (a.isScalarInteger()) {
          used++;
        } else if (a.isBoolean()) {
          used += a.shape().length;
          fancyDims = Math.max(fancyDims, 1);
        } else {
          used++;
          fancyDims = Math.max(fancyDims, a.shape().length);
        }
      } else {
        throw new IllegalArgumentException("unknown index entry " + ix);
      }
    }
    if (used > ndim) {
      throw new IndexOutOfRangeException(OP, "too many indices for array: array is " + ndim
          + "-dimensional, but " + used + " were indexed");
    }
    int ellipsisWidth = ndim - used; // an implicit trailing ellipsis when there is none
    newDims += ellipsisWidth;
    boolean hasFancy = false;
    boolean hasArray = false;
    for (ArrayInfo a : infos) {
      hasFancy |= a != null && !a.isScalarInteger();
      hasArray |= a != null;
    }
    if ((hasNewAxis || hasFancy) && newDims + fancyDims > MAX_DIMS) {
      throw new IndexOutOfRangeException(OP, "number of dimensions must be within [0, " + MAX_DIMS
          + "], indexing result would have " + (newDims + fancyDims));
    }
    checkBooleanShapes(in, index, infos, ellipsisWidth);

    // 2. the view of all basic entries (get_view_from_index) and 3. where B goes (mapiter_fill_info)
    long[] shape = new long[newDims];
    long[] strides = new long[newDims];
    long offset = in.offset();
    int outDim = 0;
    int srcDim = 0;
    List<AdvancedEntry> advanced = new ArrayList<>();
    int consecStatus = -1; // -1 none yet, 0 in a run of advanced entries, 1 run ended, 2 split
    int insertAt = 0;
    int resultDim = 0;
    for (int i = 0; i <= index.size(); i++) {
      // position index.size() is the implicit trailing ellipsis
      Index ix = i < index.size() ? index.get(i) : null;
      if (ix == null && ellipsisAt >= 0) {
        break;
      }
      Long scalar = ix instanceof Index.ArrayIndex && infos[i].isScalarInteger()
          ? infos[i].scalarValue() : ix instanceof Index.At at ? Long.valueOf(at.index()) : null;
      boolean advancedLike = ix instanceof Index.ArrayIndex || (hasFancy && scalar != null);
      if (advancedLike) {
        if (consecStatus == -1) {
          insertAt = resultDim;
          consecStatus = 0;
        } else if (consecStatus == 1) {
          consecStatus = 2;
          insertAt = 0;
        }
      } else if (consecStatus == 0) {
        consecStatus = 1;
      }
      if (ix == null || ix instanceof Index.Ellipsis) {
        for (int k = 0; k < ellipsisWidth; k++) {
          shape[outDim] = in.shape()[srcDim];
          strides[outDim] = in.strides()[srcDim];
          outDim++;
          srcDim++;
        }
        resultDim += ellipsisWidth;
      } else if (ix instanceof Index.NewAxis) {
        shape[outDim] = 1;
        strides[outDim] = 0;
        outDim++;
        resultDim++;
      } else if (scalar != null) {
        long length = in.shape()[srcDim];
        long k = normalizeIndex(scalar, length, srcDim);
        offset += k * in.strides()[srcDim];
        srcDim++;
        resultDim++;
      } else if (ix instanceof Index.Slice sl) {
        long length = in.shape()[srcDim];
        long[] ssn = sliceIndices(sl, length);
        long start = ssn[0];
        long step = ssn[1];
        long n = ssn[2];
        if (n <= 0) { // an empty slice points at the start, step 1 (as NumPy)
          n = 0;
          step = 1;
          start = 0;
        }
        offset += in.strides()[srcDim] * start;
        shape[outDim] = n;
        strides[outDim] = in.strides()[srcDim] * step;
        outDim++;
        srcDim++;
        resultDim++;
      } else {
        Index.ArrayIndex ai = (Index.ArrayIndex) ix;
        ArrayInfo a = infos[i];
        int k = a.isBoolean() ? a.shape().length : 1;
        int[] axes = new int[k];
        long[] lengths = new long[k];
        long[] axisStrides = new long[k];
        for (int j = 0; j < k; j++) {
          axes[j] = srcDim;
          lengths[j] = in.shape()[srcDim];
          axisStrides[j] = in.strides()[srcDim];
          srcDim++;
        }
        advanced.add(new AdvancedEntry(i, ai, a, axes, lengths, axisStrides));
      }
    }
    Layout subspace = new Layout(Arrays.copyOf(shape, outDim), Arrays.copyOf(strides, outDim),
        offset, in.itemsize());
    return new Split(subspace, Collections.unmodifiableList(advanced), hasFancy ? insertAt : 0,
        hasArray);
  }

  /**
   * Each boolean array must match the shape of the axes it covers, except that, as in NumPy, a
   * boolean axis of length 0 matches any axis.
   */
  private static void checkBooleanShapes(Layout in, List<Index> index, ArrayInfo[] infos,
      int ellipsisWidth) {
    int axis = 0;
    for (int i = 0; i < index.size(); i++) {
      Index ix = index.get(i);
      if (ix instanceof Index.Ellipsis) {
        axis += ellipsisWidth;
      } else if (ix instanceof Index.ArrayIndex && infos[i].isBoolean()) {
        for (long d : infos[i].shape()) {
          if (d > 0 && d != in.shape()[axis]) { // NumPy does not check boolean axes of length 0
            throw new IndexOutOfRangeException(OP, "boolean index did not match indexed array along"
                + " axis " + axis + "; size of axis is " + in.shape()[axis]
                + " but size of corresponding boolean axis is " + d);
          }
          axis++;
        }
      } else if (!(ix instanceof Index.NewAxis)) {
        axis++;
      }
    }
  }

  // ------------------------------------------------------------------------ integers and slices

  /**
   * A possibly negative index into an axis of {@code length}, made non-negative (NumPy's
   * check_and_adjust_index).
   *
   * @throws IndexOutOfRangeException "index 5 is out of bounds for axis 0 with size 3"
   */
  public static long normalizeIndex(long index, long length, int axis) {
    if (index < -length || index >= length) {
      throw new IndexOutOfRangeException(OP, "index " + index + " is out of bounds for axis " + axis
          + " with size " + length);
    }
    return index < 0 ? index + length : index;
  }

  /**
   * Python's {@code slice.indices(length)} with the element count: {@code {start, step, count}}
   * after PySlice_Unpack (defaults for missing bounds; a step below -Long.MAX_VALUE becomes
   * -Long.MAX_VALUE) and PySlice_AdjustIndices (negative bounds count from the end, then clip to
   * the axis, to -1/length-1 for negative steps). The count is 0 for an empty slice.
   */
  public static long[] sliceIndices(Index.Slice slice, long length) {
    long step = slice.step();
    if (step < -Long.MAX_VALUE) {
      step = -Long.MAX_VALUE;
    }
    long start = slice.start() != null ? slice.start() : (step < 0 ? Long.MAX_VALUE : 0);
    long stop = slice.stop() != null ? slice.stop() : (step < 0 ? Long.MIN_VALUE : Long.MAX_VALUE);
    start = adjustBound(start, length, step);
    stop = adjustBound(stop, length, step);
    long count = 0;
    if (step < 0) {
      if (stop < start) {
        count = (start - stop - 1) / (-step) + 1;
      }
    } else if (start < stop) {
      count = (stop - start - 1) / step + 1;
    }
    return new long[] {start, step, count};
  }

  private static long adjustBound(long bound, long length, long step) {
    if (bound < 0) {
      bound += length;
      if (bound < 0) {
        bound = step < 0 ? -1 : 0;
      }
    } else if (bound >= length) {
      bound = step < 0 ? length - 1 : length;
    }
    return bound;
  }
}
