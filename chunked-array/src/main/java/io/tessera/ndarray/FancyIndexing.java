package io.tessera.ndarray;

import io.tessera.dtype.DType;
import io.tessera.errors.IndexOutOfRangeException;
import io.tessera.errors.IndexSyntaxException;
import io.tessera.index.BasicIndexing;
import io.tessera.index.Index;
import io.tessera.memory.Raw;
import io.tessera.shape.Broadcast;
import io.tessera.shape.Layout;
import io.tessera.shape.Shapes;
import java.util.ArrayList;
import java.util.List;

/**
 * Advanced ("fancy") indexing with integer and boolean arrays, NumPy's rules: boolean arrays
 * become their nonzero() integer arrays; when any array index is present, integer scalars count as
 * advanced indices too; the index arrays broadcast together to a shape B; if the advanced indices
 * are adjacent, B replaces them in place, otherwise B comes first. The result is always a new
 * C-contiguous array (a copy).
 */
final class FancyIndexing {
  private FancyIndexing() {}

  /** One advanced index: its values (normalized, checked), shape, and the axis of the view it indexes. */
  private record Adv(long[] values, long[] shape, int viewAxis) {}

  static NDArray take(NDArray a, List<Index> index) {
    int ndim = a.ndim();
    int consumed = 0;
    int ellipses = 0;
    for (Index ix : index) {
      if (ix instanceof Index.ArrayIndex ai && ai.array().dtype() == DType.BOOL) {
        consumed += Math.max(ai.array().ndim(), 0);
      } else if (ix instanceof Index.Ellipsis) {
        ellipses++;
      } else if (!(ix instanceof Index.NewAxis)) {
        consumed++;
      }
    }
    if (ellipses > 1) {
      throw new IndexSyntaxException("index", "an index can only have a single ellipsis ('...')");
    }
    if (consumed > ndim) {
      throw new IndexOutOfRangeException("index", "too many indices for array: array is "
          + ndim + "-dimensional, but " + consumed + " were indexed");
    }
    List<Index> basic = new ArrayList<>();
    List<long[]> advValues = new ArrayList<>();
    List<long[]> advShapes = new ArrayList<>();
    List<Integer> advViewAxes = new ArrayList<>();
    List<Integer> advSourceAxes = new ArrayList<>();
    int viewAx = 0;
    int srcAx = 0;
    for (Index ix : index) {
      if (ix instanceof Index.Ellipsis) {
        for (int k = 0; k < ndim - consumed; k++) {
          basic.add(Index.all());
        }
        viewAx += ndim - consumed;
        srcAx += ndim - consumed;
      } else if (ix instanceof Index.NewAxis) {
        basic.add(ix);
        viewAx++;
      } else if (ix instanceof Index.Slice) {
        basic.add(ix);
        viewAx++;
        srcAx++;
      } else if (ix instanceof Index.At at) {
        basic.add(Index.all());
        advValues.add(new long[] {at.index()});
        advShapes.add(new long[0]);
        advViewAxes.add(viewAx++);
        advSourceAxes.add(srcAx++);
      } else {
        NDArray arr = ((Index.ArrayIndex) ix).array();
        if (arr.dtype() == DType.BOOL) {
          long[] mshape = arr.layout().shape();
          for (int k = 0; k < mshape.length; k++) {
            long have = a.layout().shape()[srcAx + k];
            if (mshape[k] != have) {
              throw new IndexOutOfRangeException("index", "boolean index did not match indexed array"
                  + " along axis " + (srcAx + k) + "; size of axis is " + have
                  + " but size of corresponding boolean axis is " + mshape[k]);
            }
          }
          long[][] nz = nonzero(arr);
          for (int k = 0; k < mshape.length; k++) {
            basic.add(Index.all());
            advValues.add(nz[k]);
            advShapes.add(new long[] {nz[k].length});
            advViewAxes.add(viewAx++);
            advSourceAxes.add(srcAx++);
          }
          if (mshape.length == 0) { // a 0-d boolean: adds an axis of length 1 or 0
            basic.add(Index.newAxis());
            advValues.add(nz[0]);
            advShapes.add(new long[] {nz[0].length});
            advViewAxes.add(viewAx++);
          }
        } else if (arr.dtype().isInteger()) {
          basic.add(Index.all());
          advValues.add(arr.toLongArray());
          advShapes.add(arr.shape());
          advViewAxes.add(viewAx++);
          advSourceAxes.add(srcAx++);
        } else {
          throw new IndexSyntaxException("index", "arrays used as indices must be of integer (or "
              + "boolean) type, got " + arr.dtype());
        }
      }
    }
    try (NDArray v = a.get(basic.toArray(new Index[0]))) {
      Layout vl = v.layout();
      List<Adv> advs = new ArrayList<>();
      for (int k = 0; k < advValues.size(); k++) {
        int vax = advViewAxes.get(k);
        long dim = vl.shape()[vax];
        long[] vals = advValues.get(k);
        int srcAxis = k < advSourceAxes.size() ? advSourceAxes.get(k) : vax;
        for (int i = 0; i < vals.length; i++) {
          long x = vals[i];
          if (x < -dim || x >= dim) {
            throw new IndexOutOfRangeException("index", "index " + x + " is out of bounds for axis "
                + srcAxis + " with size " + dim);
          }
          if (x < 0) {
            vals[i] = x + dim;
          }
        }
        advs.add(new Adv(vals, advShapes.get(k), vax));
      }
      return gather(a, v, advs);
    }
  }

  private static NDArray gather(NDArray a, NDArray v, List<Adv> advs) {
    Layout vl = v.layout();
    long[][] shapes = new long[advs.size()][];
    for (int k = 0; k < advs.size(); k++) {
      shapes[k] = advs.get(k).shape();
    }
    long[] b = Broadcast.broadcastShapes(shapes);
    long bsize = Shapes.size(b);
    // byte offset contributed by the advanced indices at each broadcast position
    long[] off = new long[Math.toIntExact(bsize)];
    for (Adv adv : advs) {
      long[] bstr = broadcastElementStrides(adv.shape(), b);
      long stride = vl.strides()[adv.viewAxis()];
      long[] idx = new long[b.length];
      long src = 0;
      for (int p = 0; p < off.length; p++) {
        off[p] += adv.values()[(int) src] * stride;
        for (int k = b.length - 1; k >= 0; k--) {
          idx[k]++;
          src += bstr[k];
          if (idx[k] < b[k]) {
            break;
          }
          src -= bstr[k] * b[k];
          idx[k] = 0;
        }
      }
    }
    boolean adjacent = true;
    for (int k = 1; k < advs.size(); k++) {
      adjacent &= advs.get(k).viewAxis() == advs.get(k - 1).viewAxis() + 1;
    }
    boolean[] isAdv = new boolean[vl.ndim()];
    for (Adv adv : advs) {
      isAdv[adv.viewAxis()] = true;
    }
    int first = advs.get(0).viewAxis();
    List<Integer> pre = new ArrayList<>();
    List<Integer> post = new ArrayList<>();
    for (int ax = 0; ax < vl.ndim(); ax++) {
      if (isAdv[ax]) {
        continue;
      }
      if (adjacent && ax < first) {
        pre.add(ax);
      } else {
        post.add(ax);
      }
    }
    long[] outShape = new long[pre.size() + b.length + post.size()];
    int o = 0;
    for (int ax : pre) {
      outShape[o++] = vl.shape()[ax];
    }
    for (long d : b) {
      outShape[o++] = d;
    }
    for (int ax : post) {
      outShape[o++] = vl.shape()[ax];
    }
    NDArray out = Creation.empty(a.allocator(), a.dtype(), outShape, Order.C,
        Creation.DEFAULT_ALIGNMENT);
    int item = a.dtype().itemsize();
    long[] preShape = pick(vl.shape(), pre);
    long[] preStr = pick(vl.strides(), pre);
    long[] postShape = pick(vl.shape(), post);
    long[] postStr = pick(vl.strides(), post);
    long preN = Shapes.size(preShape);
    long postN = Shapes.size(postShape);
    if (preN * bsize * postN == 0) {
      return out;
    }
    long dst = out.dataAddress();
    long base = v.dataAddress();
    Odometer preOdo = new Odometer(preShape, preStr);
    for (long i = 0; i < preN; i++) {
      long pBase = base + preOdo.offset;
      for (int p = 0; p < off.length; p++) {
        long q = pBase + off[p];
        Odometer postOdo = new Odometer(postShape, postStr);
        for (long j = 0; j < postN; j++) {
          Raw.putBits(dst, item, Raw.getBits(q + postOdo.offset, item));
          dst += item;
          postOdo.next();
        }
      }
      preOdo.next();
    }
    return out;
  }

  /** Element strides that broadcast an array of {@code shape} over {@code target} (C order). */
  private static long[] broadcastElementStrides(long[] shape, long[] target) {
    long[] s = new long[target.length];
    long acc = 1;
    for (int i = shape.length - 1, t = target.length - 1; i >= 0; i--, t--) {
      s[t] = shape[i] == 1 ? 0 : acc;
      acc *= shape[i];
    }
    return s;
  }

  private static long[] pick(long[] v, List<Integer> axes) {
    long[] r = new long[axes.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = v[axes.get(i)];
    }
    return r;
  }

  /** Row-major walk over byte offsets of a small sub-layout. */
  private static final class Odometer {
    private final long[] shape;
    private final long[] strides;
    private final long[] idx;
    long offset;

    Odometer(long[] shape, long[] strides) {
      this.shape = shape;
      this.strides = strides;
      this.idx = new long[shape.length];
    }

    void next() {
      for (int k = shape.length - 1; k >= 0; k--) {
        idx[k]++;
        offset += strides[k];
        if (idx[k] < shape[k]) {
          return;
        }
        offset -= strides[k] * shape[k];
        idx[k] = 0;
      }
    }
  }

  /** NumPy's nonzero: for each axis, the indices of the true elements in C order. */
  static long[][] nonzero(NDArray mask) {
    long[] shape = mask.layout().shape();
    int nd = Math.max(shape.length, 1);
    long count = 0;
    FlatIterator it = mask.flat();
    while (it.hasNext()) {
      if (it.nextLong() != 0) {
        count++;
      }
    }
    long[][] out = new long[nd][Math.toIntExact(count)];
    if (shape.length == 0) {
      return out;
    }
    long[] idx = new long[shape.length];
    int w = 0;
    it = mask.flat();
    while (it.hasNext()) {
      if (it.nextLong() != 0) {
        for (int k = 0; k < shape.length; k++) {
          out[k][w] = idx[k];
        }
        w++;
      }
      for (int k = shape.length - 1; k >= 0; k--) {
        if (++idx[k] < shape[k]) {
          break;
        }
        idx[k] = 0;
      }
    }
    return out;
  }
}
