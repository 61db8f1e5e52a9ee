package io.tessera.ndarray;

import io.tessera.dtype.DType;
import io.tessera.errors.CastingException;
import io.tessera.errors.IndexOutOfRangeException;
import io.tessera.errors.IndexSyntaxException;
import io.tessera.index.BasicIndexing;
import io.tessera.index.Index;
import io.tessera.iter.CopyLoops;
import io.tessera.iter.MemoryOrder;
import io.tessera.iter.PairWalk;
import io.tessera.memory.Raw;
import io.tessera.memory.Storage;
import io.tessera.shape.Layout;
import io.tessera.shape.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Advanced ("fancy") indexing with integer and boolean arrays, and {@code np.take}, with NumPy's
 * results: the same values, and also the same shape, strides, flags and {@code base}.
 *
 * <p><b>Which index is which</b> (NumPy's {@code prepare_index}). A boolean array of k dimensions
 * becomes the k integer arrays of its {@code nonzero()}; a 0-d boolean adds an axis of length 1
 * (true) or 0 (false) and indexes none; a 0-d integer array is an integer. When any array index is
 * present, integers count as advanced indices too. The index arrays broadcast together to a shape
 * B. The basic entries (slices, None, ..., integers) select the "subspace" view S.
 *
 * <p><b>Where B goes</b> ({@code mapiter_fill_info}). When all advanced entries (integers
 * included) are adjacent in the index, B replaces them in place; otherwise B comes first. A
 * {@code ...} between two index arrays separates them even when it stands for no axes. The
 * placement itself is {@link BasicIndexing#split}'s.
 *
 * <p><b>The result's memory</b> ({@code PyArray_MapIterNew}). NumPy always allocates the result
 * with B outermost and S inside: shape {@code B + S.shape}. The S axes are laid out in the memory
 * order of the source's subspace (axes sorted by decreasing absolute stride, ties in C order: the
 * "K" order of {@code PyArray_CreateSortedStridePerm}); the B axes are C-ordered outside them,
 * except when the subspace holds a single element (or there is none: every axis is indexed by an
 * array), where they follow the memory order of the index arrays as NumPy's iterator finds it
 * ({@code npyiter_find_best_axis_ordering}: an F-ordered index array gives F-ordered B axes). When
 * B does not stand first in the result, the result is a transposed <em>view</em> of that buffer
 * ({@code PyArray_MapIterSwapAxes}): OWNDATA is false and {@link NDArray#base()} is the (closed)
 * internal owner. Otherwise the buffer itself is returned. A new array with no elements has all-zero
 * strides, as in NumPy 2.
 *
 * <p><b>Special cases.</b> A single boolean array of exactly the array's shape (and nothing else
 * in the index) selects the true elements in C order into a new 1-D array ({@code
 * array_boolean_subscript}). An index whose only arrays are 0-d integer arrays gives an order-K
 * copy of the basic view. {@link #takeAlongAxis np.take} always allocates a C-ordered result.
 *
 * <p><b>Errors, in NumPy's order</b>: the checks of {@link BasicIndexing#split} (too many
 * indices, a second ellipsis, boolean shapes; a float index array: "arrays used as indices must be
 * of integer (or boolean) type" at its place among them), integer bounds, then "shape mismatch:
 * indexing arrays could not be broadcast together with shapes (2,) (3,) ", then the bounds of the
 * index arrays, array by array ("index 10 is out of bounds for axis 1 with size 5"); no bounds are
 * checked when B is empty.
 */
final class FancyIndexing {
  private FancyIndexing() {}

  private static final String OP = "index";

  /**
   * One advanced index array as the gather sees it (an integer array, one axis of a boolean
   * array's nonzero(), or a 0-d boolean's zeros(n)).
   */
  private static final class Fancy {
    /** Index values in C order over {@link #shape}; normalized to non-negative once checked. */
    final long[] values;
    /** Shape of the index operand (broadcast to B). */
    final long[] shape;
    /** Byte strides of the index operand, for NumPy's iteration-order choice. */
    final long[] opStrides;
    /** The user's index array (for the error scan order), or null for derived arrays. */
    final NDArray source;
    /** Source axis indexed (-1 for a 0-d boolean), its length and byte stride. */
    final int axis;
    final long length;
    final long byteStride;

    Fancy(long[] values, long[] shape, long[] opStrides, NDArray source, int axis, long length,
        long byteStride) {
      this.values = values;
      this.shape = shape;
      this.opStrides = opStrides;
      this.source = source;
      this.axis = axis;
      this.length = length;
      this.byteStride = byteStride;
    }
  }

  // ================================================================================ a[index]

  /** {@code a[index]} for an index holding at least one {@link Index.ArrayIndex}. */
  static NDArray take(NDArray a, List<Index> index) {
    a.checkOpen(OP);
    if (index.size() == 1 && index.get(0) instanceof Index.ArrayIndex only) {
      NDArray m = only.array();
      if (m.dtype() == DType.BOOL && Arrays.equals(m.layout().shape(), a.layout().shape())) {
        return booleanSubscript(a, m);
      }
    }
    BasicIndexing.Split sp = BasicIndexing.split(a.layout(), index, FancyIndexing::arrayInfo);
    Layout sub = sp.subspace();
    if (!sp.isAdvanced()) {
      // only 0-d integer arrays: NumPy copies the basic view in K order
      try (NDArray v = a.viewWith(a.dtype(), sub, true)) {
        return v.copy(Order.K);
      }
    }

    // the index arrays, in index order
    List<Fancy> fancies = new ArrayList<>();
    int advancedAxes = 0;
    for (BasicIndexing.AdvancedEntry e : sp.advanced()) {
      NDArray arr = e.index().array();
      if (!e.info().isBoolean()) {
        fancies.add(new Fancy(readIndex(arr), arr.layout().shape(), arr.layout().strides(), arr,
            e.axes()[0], e.axisLengths()[0], e.axisStrides()[0]));
        advancedAxes++;
      } else if (arr.ndim() == 0) {
        int n = Raw.getByte(arr.dataAddress()) != 0 ? 1 : 0;
        fancies.add(new Fancy(new long[n], new long[] {n}, new long[] {Long.BYTES}, null, -1, 1, 0));
      } else {
        long[][] nz = nonzero(arr);
        for (int k = 0; k < nz.length; k++) {
          fancies.add(new Fancy(nz[k], new long[] {nz[k].length}, new long[] {Long.BYTES}, null,
              e.axes()[k], e.axisLengths()[k], e.axisStrides()[k]));
          advancedAxes++;
        }
      }
    }

    long[] b = broadcastIndexShapes(fancies);
    long bsize = Shapes.size(b);

    // NumPy has a subspace view unless every entry is an index array and they index every axis
    boolean allArrays = true;
    for (Index ix : index) {
      allArrays &= ix instanceof Index.ArrayIndex ai && !isScalarInteger(ai.array());
    }
    boolean hasSubspace = !allArrays || advancedAxes < a.ndim();
    boolean usesSubspace = hasSubspace && sub.size() != 1;

    if (bsize > 0) {
      // a lone index array is checked during the gather (in its walk order) unless the result is
      // empty; several are checked array by array beforehand
      checkBounds(fancies, fancies.size() == 1 && sub.size() > 0, usesSubspace);
    }

    // the buffer NumPy allocates: B outermost, the subspace inside in its memory order
    int item = a.itemsize();
    int nb = b.length;
    int ns = sub.ndim();
    long[] ownerShape = new long[nb + ns];
    System.arraycopy(b, 0, ownerShape, 0, nb);
    System.arraycopy(sub.shape(), 0, ownerShape, nb, ns);
    long[] ownerStrides = new long[nb + ns];
    long subSize = sub.size();
    long stride = item;
    int[] sperm = MemoryOrder.sortedStridePerm(sub.strides());
    for (int k = ns - 1; k >= 0; k--) {
      ownerStrides[nb + sperm[k]] = stride;
      stride *= sub.shape()[sperm[k]];
    }
    stride = item * subSize;
    NDArray lone = fancies.size() == 1 ? fancies.get(0).source : null;
    if (a.ndim() == 1 && index.size() == 1 && lone != null && lone.dtype() == DType.INT64
        && lone.flags().aligned() && (lone.ndim() <= 1 || lone.isCContiguous()
        || lone.isFContiguous())) {
      // NumPy's shortcut for a 1-D array and one trivially iterable intp index: the result takes
      // the index's order, F only when it is F- and not C-contiguous
      boolean fortran = lone.isFContiguous() && !lone.isCContiguous();
      System.arraycopy(fortran ? Layout.fStrides(b, item) : Layout.cStrides(b, item), 0,
          ownerStrides, 0, nb);
    } else if (usesSubspace) {
      for (int k = nb - 1; k >= 0; k--) {
        ownerStrides[k] = stride;
        stride *= b[k];
      }
    } else {
      for (int ax : iteratorOrder(b, fancies)) {
        ownerStrides[ax] = stride;
        stride *= b[ax];
      }
    }
    NDArray owner = allocate(a, ownerShape, ownerStrides);
    try {
      if (bsize * subSize > 0) {
        gather(a, sub, fancies, b, owner, nb);
      }
      int insertAt = sp.insertAt();
      if (insertAt == 0) {
        return owner;
      }
      // PyArray_MapIterSwapAxes: (n1..n1+n2-1, 0..n1-1, n1+n2..n3-1), n1 = |B|, n2 = insertAt
      int n3 = nb + ns;
      int[] perm = new int[n3];
      int i = 0;
      for (int v = nb; v < nb + insertAt; v++) {
        perm[i++] = v;
      }
      for (int v = 0; v < nb; v++) {
        perm[i++] = v;
      }
      for (int v = nb + insertAt; v < n3; v++) {
        perm[i++] = v;
      }
      long[] allocated = owner.layout().strides(); // all zero when empty
      long[] shape = new long[n3];
      long[] strides = new long[n3];
      for (int k = 0; k < n3; k++) {
        shape[k] = ownerShape[perm[k]];
        strides[k] = allocated[perm[k]];
      }
      NDArray view = owner.viewWith(a.dtype(), new Layout(shape, strides, 0, item), true);
      owner.close(); // the view keeps the buffer; base() is this internal owner
      return view;
    } catch (RuntimeException e) {
      owner.close();
      throw e;
    }
  }

  private static boolean isScalarInteger(NDArray arr) {
    return arr.ndim() == 0 && arr.dtype().isInteger();
  }

  /** What {@link BasicIndexing#split} needs of an index array; refuses non-integer arrays. */
  private static BasicIndexing.ArrayInfo arrayInfo(Index.ArrayIndex ai) {
    NDArray arr = ai.array();
    arr.checkOpen(OP);
    DType dt = arr.dtype();
    if (dt == DType.BOOL) {
      return new BasicIndexing.ArrayInfo(arr.layout().shape(), true);
    }
    if (!dt.isInteger()) {
      throw new IndexSyntaxException(OP, "arrays used as indices must be of integer (or boolean) "
          + "type");
    }
    if (arr.ndim() == 0) {
      return new BasicIndexing.ArrayInfo(arr.layout().shape(), false,
          Elements.getLong(dt, arr.dataAddress()));
    }
    return new BasicIndexing.ArrayInfo(arr.layout().shape(), false);
  }

  /** Broadcasts the index shapes; NumPy's "shape mismatch" error lists all of them. */
  private static long[] broadcastIndexShapes(List<Fancy> fancies) {
    int nd = 0;
    for (Fancy f : fancies) {
      nd = Math.max(nd, f.shape.length);
    }
    long[] b = new long[nd];
    Arrays.fill(b, 1);
    for (Fancy f : fancies) {
      for (int i = f.shape.length - 1, t = nd - 1; i >= 0; i--, t--) {
        long d = f.shape[i];
        if (d != 1 && d != b[t]) {
          if (b[t] != 1) {
            StringBuilder msg = new StringBuilder(
                "shape mismatch: indexing arrays could not be broadcast together with shapes ");
            for (Fancy g : fancies) {
              msg.append(Shapes.formatCompact(g.shape)).append(' ');
            }
            throw new IndexOutOfRangeException(OP, msg.toString());
          }
          b[t] = d;
        }
      }
    }
    return b;
  }

  /**
   * Checks and normalizes every index value. When some value is out of bounds, reports the one
   * NumPy meets first: arrays in index order, each walked as NumPy's index check walks it (a 1-D
   * array in index order; a lone array in C order when a subspace is iterated, else in its
   * iterator's axis order; one of several arrays in memory order).
   */
  private static void checkBounds(List<Fancy> fancies, boolean inLoop, boolean usesSubspace) {
    for (Fancy f : fancies) {
      if (f.source == null) {
        continue; // derived from a boolean: in bounds by construction
      }
      long len = f.length;
      long[] v = f.values;
      boolean bad = false;
      for (int i = 0; i < v.length; i++) {
        long x = v[i];
        if (x < 0) {
          x += len;
          v[i] = x;
        }
        bad |= x < 0 | x >= len;
      }
      if (bad) {
        long x = firstOutOfBounds(f, inLoop, usesSubspace);
        throw new IndexOutOfRangeException(OP, "index " + x + " is out of bounds for axis " + f.axis
            + " with size " + len);
      }
    }
  }

  private static long firstOutOfBounds(Fancy f, boolean inLoop, boolean usesSubspace) {
    NDArray src = f.source;
    long len = f.length;
    if (src.ndim() > 1 && inLoop && !usesSubspace) {
      // checked while NumPy's iterator walks it: its axis order, strides never negated
      int[] inner = iteratorOrder(f.shape, List.of(f));
      int[] perm = new int[inner.length];
      for (int i = 0; i < perm.length; i++) {
        perm[i] = inner[perm.length - 1 - i];
      }
      try (NDArray t = src.transpose(perm)) {
        return firstOutOfBounds(t.flat(), len);
      }
    }
    boolean cOrder;
    if (src.ndim() == 1) {
      // a lone 1-D index (and any int64 one) is checked in index order; NumPy's buffered
      // iterator walks other 1-D arrays in memory order
      cOrder = inLoop || src.dtype() == DType.INT64 || src.layout().strides()[0] >= 0;
    } else {
      cOrder = inLoop; // a lone index with a subspace to iterate: C order
    }
    return firstOutOfBounds(cOrder ? src.flat() : src.flatMemoryOrder(), len);
  }

  private static long firstOutOfBounds(FlatIterator it, long len) {
    while (it.hasNext()) {
      long x = it.nextLong();
      if (x < -len || x >= len) {
        return x;
      }
    }
    throw new AssertionError("no out-of-bounds index found");
  }

  /**
   * NumPy's iterator axis order ({@code npyiter_find_best_axis_ordering}) over the index arrays
   * broadcast to {@code b}: the axes of {@code b}, innermost first. A stable insertion sort by
   * absolute stride where each operand votes and, on conflict, C order wins; length-1 and
   * broadcast axes do not vote.
   */
  private static int[] iteratorOrder(long[] b, List<Fancy> fancies) {
    int n = b.length;
    int nop = fancies.size();
    // iterator axis j is C axis n-1-j
    long[][] st = new long[nop][n];
    for (int op = 0; op < nop; op++) {
      Fancy f = fancies.get(op);
      int lead = n - f.shape.length;
      for (int j = 0; j < n; j++) {
        int c = n - 1 - j;
        int k = c - lead;
        st[op][j] = b[c] == 1 || k < 0 || f.shape[k] == 1 ? 0 : f.opStrides[k];
      }
    }
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int i0 = 1; i0 < n; i0++) {
      int ipos = i0;
      int j0 = perm[i0];
      for (int i1 = i0 - 1; i1 >= 0; i1--) {
        boolean ambiguous = true;
        boolean swap = false;
        int j1 = perm[i1];
        for (int op = 0; op < nop; op++) {
          long s0 = st[op][j0];
          long s1 = st[op][j1];
          if (s0 != 0 && s1 != 0) {
            if (Math.abs(s1) <= Math.abs(s0)) {
              swap = false;
            } else if (ambiguous) {
              swap = true;
            }
            ambiguous = false;
          }
        }
        if (!ambiguous) {
          if (swap) {
            ipos = i1;
          } else {
            break;
          }
        }
      }
      if (ipos != i0) {
        System.arraycopy(perm, ipos, perm, ipos + 1, i0 - ipos);
        perm[ipos] = j0;
      }
    }
    int[] axes = new int[n];
    for (int i = 0; i < n; i++) {
      axes[i] = n - 1 - perm[i];
    }
    return axes;
  }

  /** A new owner of {@code shape} with the given strides (all zero when it has no elements). */
  private static NDArray allocate(NDArray like, long[] shape, long[] strides) {
    int item = like.itemsize();
    long n = Shapes.checkedSize(OP, shape, item);
    if (n == 0) {
      strides = new long[shape.length];
    }
    Storage s = Storage.allocate(like.allocator(), n * item, Creation.DEFAULT_ALIGNMENT);
    try {
      return NDArray.owning(s, like.dtype(), new Layout(shape, strides, 0, item), true);
    } catch (RuntimeException e) {
      s.release();
      throw e;
    }
  }

  // -------------------------------------------------------------------------------- the gather

  /**
   * Fills the owner: for each position p of B (C order), the subspace block at source offset
   * {@code sum_k values_k[p] * byteStride_k} goes to the owner's block at p.
   */
  private static void gather(NDArray a, Layout sub, List<Fancy> fancies, long[] b, NDArray owner,
      int nb) {
    int item = a.itemsize();
    long[] ownerStrides = owner.layout().strides();
    long[] off = sourceOffsets(fancies, b);
    long srcBase = a.elementAddress(sub.offset());
    long dstBase = owner.dataAddress();
    long[] dstFancy = Arrays.copyOf(ownerStrides, nb);
    long[] dstSub = Arrays.copyOfRange(ownerStrides, nb, ownerStrides.length);
    long blockBytes = sub.size() * item;
    boolean sequential = isDense(b, dstFancy, blockBytes);
    Block block = new Block(sub.shape(), sub.strides(), dstSub, item);
    int n = off.length;
    if (sequential && block.single) {
      gatherElements(srcBase, off, dstBase, item);
      return;
    }
    if (sequential && block.contiguous) {
      for (int p = 0; p < n; p++) {
        Raw.copy(srcBase + off[p], dstBase + p * blockBytes, blockBytes);
      }
      return;
    }
    long[] idx = new long[nb];
    long dst = dstBase;
    for (int p = 0; p < n; p++) {
      block.copy(srcBase + off[p], dst);
      for (int k = nb - 1; k >= 0; k--) {
        dst += dstFancy[k];
        if (++idx[k] < b[k]) {
          break;
        }
        dst -= dstFancy[k] * b[k];
        idx[k] = 0;
      }
    }
  }

  /** True when B laid out with {@code strides} is C-contiguous blocks of {@code blockBytes}. */
  private static boolean isDense(long[] b, long[] strides, long blockBytes) {
    long expected = blockBytes;
    for (int k = b.length - 1; k >= 0; k--) {
      if (b[k] != 1 && strides[k] != expected) {
        return false;
      }
      expected *= b[k];
    }
    return true;
  }

  /** The tight loop of the common case: one element per position, written in order. */
  private static void gatherElements(long src, long[] off, long dst, int item) {
    int n = off.length;
    switch (item) {
      case 1:
        for (int p = 0; p < n; p++) {
          Raw.putByte(dst + p, Raw.getByte(src + off[p]));
        }
        break;
      case 2:
        for (int p = 0; p < n; p++) {
          Raw.putShort(dst + 2L * p, Raw.getShort(src + off[p]));
        }
        break;
      case 4:
        for (int p = 0; p < n; p++) {
          Raw.putInt(dst + 4L * p, Raw.getInt(src + off[p]));
        }
        break;
      case 8:
        for (int p = 0; p < n; p++) {
          Raw.putLong(dst + 8L * p, Raw.getLong(src + off[p]));
        }
        break;
      default:
        for (int p = 0; p < n; p++) {
          Raw.copy(src + off[p], dst + (long) item * p, item);
        }
    }
  }

  /**
   * Byte offset into the subspace for each position of B in C order. With a single index array
   * (whose shape is B) its values array is turned into the offsets in place.
   */
  private static long[] sourceOffsets(List<Fancy> fancies, long[] b) {
    if (fancies.size() == 1) {
      Fancy f = fancies.get(0);
      long[] v = f.values;
      long s = f.byteStride;
      for (int i = 0; i < v.length; i++) {
        v[i] *= s;
      }
      return v;
    }
    long[] off = new long[Math.toIntExact(Shapes.size(b))];
    long[] idx = new long[b.length];
    for (Fancy f : fancies) {
      if (f.byteStride == 0) {
        continue; // a 0-d boolean contributes no offset
      }
      long[] es = broadcastElementStrides(f.shape, b);
      long stride = f.byteStride;
      long[] v = f.values;
      Arrays.fill(idx, 0);
      long src = 0;
      for (int p = 0; p < off.length; p++) {
        off[p] += v[(int) src] * stride;
        for (int k = b.length - 1; k >= 0; k--) {
          src += es[k];
          if (++idx[k] < b[k]) {
            break;
          }
          src -= es[k] * b[k];
          idx[k] = 0;
        }
      }
    }
    return off;
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

  /**
   * Copies one subspace block between two layouts of the same shape: axes of length 1 dropped,
   * axes sorted by destination stride, neighbours merged where both sides allow, the innermost run
   * handed to a copy loop. Built once, used for every position; no allocation per copy.
   */
  private static final class Block {
    final boolean single;
    final boolean contiguous;
    private final int nd;
    private final long[] shape;
    private final long[] src;
    private final long[] dst;
    private final long[] idx;
    private final long innerN;
    private final long innerSrc;
    private final long innerDst;
    private final PairWalk.InnerLoop loop;

    Block(long[] shape0, long[] src0, long[] dst0, int item) {
      int n = 0;
      long[] sh = new long[shape0.length];
      long[] ss = new long[shape0.length];
      long[] ds = new long[shape0.length];
      for (int i = 0; i < shape0.length; i++) {
        if (shape0[i] == 1) {
          continue;
        }
        sh[n] = shape0[i];
        ss[n] = src0[i];
        ds[n] = dst0[i];
        n++;
      }
      // stable insertion sort by destination stride, descending (the destination is dense)
      for (int i = 1; i < n; i++) {
        long a = sh[i];
        long c = ss[i];
        long d = ds[i];
        int j = i - 1;
        while (j >= 0 && ds[j] < d) {
          sh[j + 1] = sh[j];
          ss[j + 1] = ss[j];
          ds[j + 1] = ds[j];
          j--;
        }
        sh[j + 1] = a;
        ss[j + 1] = c;
        ds[j + 1] = d;
      }
      // merge an axis into the one inside it where both strides chain
      int m = 0;
      for (int i = 0; i < n; i++) {
        if (m > 0 && ss[m - 1] == ss[i] * sh[i] && ds[m - 1] == ds[i] * sh[i]) {
          sh[m - 1] *= sh[i];
          ss[m - 1] = ss[i];
          ds[m - 1] = ds[i];
        } else {
          sh[m] = sh[i];
          ss[m] = ss[i];
          ds[m] = ds[i];
          m++;
        }
      }
      this.single = m == 0;
      if (m == 0) {
        innerN = 1;
        innerSrc = item;
        innerDst = item;
        nd = 0;
      } else {
        innerN = sh[m - 1];
        innerSrc = ss[m - 1];
        innerDst = ds[m - 1];
        nd = m - 1;
      }
      this.contiguous = m <= 1 && innerSrc == item && innerDst == item;
      this.shape = Arrays.copyOf(sh, nd);
      this.src = Arrays.copyOf(ss, nd);
      this.dst = Arrays.copyOf(ds, nd);
      this.idx = new long[nd];
      this.loop = CopyLoops.forItemsize(item);
    }

    void copy(long s, long d) {
      if (nd == 0) {
        loop.run(d, innerDst, s, innerSrc, innerN);
        return;
      }
      Arrays.fill(idx, 0);
      while (true) {
        loop.run(d, innerDst, s, innerSrc, innerN);
        int k = nd - 1;
        for (; k >= 0; k--) {
          s += src[k];
          d += dst[k];
          if (++idx[k] < shape[k]) {
            break;
          }
          s -= src[k] * shape[k];
          d -= dst[k] * shape[k];
          idx[k] = 0;
        }
        if (k < 0) {
          return;
        }
      }
    }
  }

  // ============================================================================= boolean masks

  /**
   * NumPy's {@code array_boolean_subscript}: a single mask of the array's own shape selects the
   * true elements in C order into a new 1-D array.
   */
  private static NDArray booleanSubscript(NDArray a, NDArray mask) {
    mask.checkOpen(OP);
    Layout al = a.layout();
    Layout ml = mask.layout();
    int item = a.itemsize();
    long count = countTrue(mask);
    NDArray out = allocate(a, new long[] {count}, new long[] {item});
    if (count == 0) {
      return out;
    }
    long dst = out.dataAddress();
    long src = a.dataAddress();
    long m = mask.dataAddress();
    if (al.isCContiguous() && ml.isCContiguous()) {
      selectContiguous(src, m, al.size(), dst, item);
      return out;
    }
    // general layouts: C order, innermost axis as a strided run
    long[] shape = al.shape();
    int nd = shape.length;
    if (nd == 0) {
      Raw.copy(src, dst, item);
      return out;
    }
    long[] as = al.strides();
    long[] ms = ml.strides();
    long[] idx = new long[nd];
    long innerN = shape[nd - 1];
    long innerA = as[nd - 1];
    long innerM = ms[nd - 1];
    while (true) {
      long s = src;
      long q = m;
      for (long i = 0; i < innerN; i++, s += innerA, q += innerM) {
        if (Raw.getByte(q) != 0) {
          Raw.copy(s, dst, item);
          dst += item;
        }
      }
      int k = nd - 2;
      for (; k >= 0; k--) {
        src += as[k];
        m += ms[k];
        if (++idx[k] < shape[k]) {
          break;
        }
        src -= as[k] * shape[k];
        m -= ms[k] * shape[k];
        idx[k] = 0;
      }
      if (k < 0) {
        return out;
      }
    }
  }

  /** The tight loop of a full mask over a C-contiguous array. */
  private static void selectContiguous(long src, long m, long n, long dst, int item) {
    switch (item) {
      case 1:
        for (long i = 0; i < n; i++) {
          if (Raw.getByte(m + i) != 0) {
            Raw.putByte(dst++, Raw.getByte(src + i));
          }
        }
        break;
      case 2:
        for (long i = 0; i < n; i++) {
          if (Raw.getByte(m + i) != 0) {
            Raw.putShort(dst, Raw.getShort(src + 2 * i));
            dst += 2;
          }
        }
        break;
      case 4:
        for (long i = 0; i < n; i++) {
          if (Raw.getByte(m + i) != 0) {
            Raw.putInt(dst, Raw.getInt(src + 4 * i));
            dst += 4;
          }
        }
        break;
      case 8:
        for (long i = 0; i < n; i++) {
          if (Raw.getByte(m + i) != 0) {
            Raw.putLong(dst, Raw.getLong(src + 8 * i));
            dst += 8;
          }
        }
        break;
      default:
        for (long i = 0; i < n; i++) {
          if (Raw.getByte(m + i) != 0) {
            Raw.copy(src + item * i, dst, item);
            dst += item;
          }
        }
    }
  }

  private static long countTrue(NDArray mask) {
    long count = 0;
    if (mask.layout().isCContiguous()) {
      long m = mask.dataAddress();
      long n = mask.size();
      for (long i = 0; i < n; i++) {
        if (Raw.getByte(m + i) != 0) {
          count++;
        }
      }
      return count;
    }
    FlatIterator it = mask.flatMemoryOrder();
    while (it.hasNext()) {
      if (it.nextLong() != 0) {
        count++;
      }
    }
    return count;
  }

  /** NumPy's nonzero of a boolean array of at least one dimension: per axis, the true positions. */
  static long[][] nonzero(NDArray mask) {
    mask.checkOpen(OP);
    long[] shape = mask.layout().shape();
    int nd = shape.length;
    int count = Math.toIntExact(countTrue(mask));
    long[][] out = new long[nd][count];
    if (count == 0) {
      return out;
    }
    long[] idx = new long[nd];
    int w = 0;
    boolean contiguous = mask.layout().isCContiguous();
    long m = mask.dataAddress();
    FlatIterator it = contiguous ? null : mask.flat();
    long size = mask.size();
    for (long i = 0; i < size; i++) {
      boolean t = contiguous ? Raw.getByte(m + i) != 0 : it.nextLong() != 0;
      if (t) {
        for (int k = 0; k < nd; k++) {
          out[k][w] = idx[k];
        }
        w++;
      }
      for (int k = nd - 1; k >= 0; k--) {
        if (++idx[k] < shape[k]) {
          break;
        }
        idx[k] = 0;
      }
    }
    return out;
  }

  // =================================================================================== np.take

  /**
   * NumPy's {@code np.take(a, indices, axis)} (mode 'raise'): {@code a[:, ..., indices, ...]} with
   * the indices at {@code axis}, but always a new C-ordered array (NumPy's {@code
   * PyArray_TakeFrom}), shape {@code a.shape[:axis] + indices.shape + a.shape[axis+1:]}. Boolean
   * indices are taken as the integers 0 and 1; float indices are refused as NumPy's same-kind cast
   * to intp refuses them. A 0-d array is taken as 1-D.
   *
   * @throws IndexOutOfRangeException "index 7 is out of bounds for axis 1 with size 5" (the first
   *     in C order; not checked when {@code a.shape[:axis]} is empty), or "cannot do a non-empty
   *     take from an empty axes."
   */
  static NDArray takeAlongAxis(NDArray a, NDArray indices, int axis) {
    a.checkOpen("take");
    indices.checkOpen("take");
    DType it = indices.dtype();
    if (!it.isInteger() && !it.isBool()) {
      throw new CastingException("take", "Cannot cast array data from dtype('" + it.numpyName()
          + "') to dtype('int64') according to the rule 'same_kind'");
    }
    Layout l = a.layout();
    int item = a.itemsize();
    if (l.ndim() == 0) {
      l = new Layout(new long[] {1}, new long[] {item}, l.offset(), item);
    }
    int ax = Shapes.normalizeAxis("take", axis, l.ndim());
    long[] ishape = indices.layout().shape();
    long[] ashape = l.shape();
    long[] shape = new long[ashape.length - 1 + ishape.length];
    System.arraycopy(ashape, 0, shape, 0, ax);
    System.arraycopy(ishape, 0, shape, ax, ishape.length);
    System.arraycopy(ashape, ax + 1, shape, ax + ishape.length, ashape.length - ax - 1);
    NDArray out = allocate(a, shape, Layout.cStrides(shape, item));
    try {
      long maxItem = ashape[ax];
      if (maxItem == 0 && out.size() != 0) {
        throw new IndexOutOfRangeException("take", "cannot do a non-empty take from an empty axes.");
      }
      long n = Shapes.size(Arrays.copyOf(ashape, ax));
      long[] v = readIndex(indices);
      if (n > 0) {
        for (int j = 0; j < v.length; j++) {
          long x = v[j];
          if (x < -maxItem || x >= maxItem) {
            throw new IndexOutOfRangeException("take", "index " + x + " is out of bounds for axis "
                + ax + " with size " + maxItem);
          }
          if (x < 0) {
            v[j] = x + maxItem;
          }
        }
      }
      if (out.size() == 0) {
        return out;
      }
      // outer axes (before axis) x indices x inner block (after axis)
      long[] outerShape = Arrays.copyOf(ashape, ax);
      long[] outerStrides = Arrays.copyOf(l.strides(), ax);
      long[] innerShape = Arrays.copyOfRange(ashape, ax + 1, ashape.length);
      long[] innerSrc = Arrays.copyOfRange(l.strides(), ax + 1, ashape.length);
      long[] innerDst = Layout.cStrides(innerShape, item);
      long axisStride = l.strides()[ax];
      long blockBytes = Shapes.size(innerShape) * item;
      Block block = new Block(innerShape, innerSrc, innerDst, item);
      long src = a.elementAddress(l.offset());
      long dst = out.dataAddress();
      long[] idx = new long[ax];
      for (long i = 0; i < n; i++) {
        for (long x : v) {
          long s = src + x * axisStride;
          if (block.contiguous) {
            Raw.copy(s, dst, blockBytes);
          } else {
            block.copy(s, dst);
          }
          dst += blockBytes;
        }
        for (int k = ax - 1; k >= 0; k--) {
          src += outerStrides[k];
          if (++idx[k] < outerShape[k]) {
            break;
          }
          src -= outerStrides[k] * outerShape[k];
          idx[k] = 0;
        }
      }
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  // ================================================================================= helpers

  /** The values of an integer (or boolean) array in C order, as longs (uint64 as its bits). */
  private static long[] readIndex(NDArray arr) {
    arr.checkOpen(OP);
    int n = Math.toIntExact(arr.size());
    long[] out = new long[n];
    if (n == 0) {
      return out;
    }
    DType dt = arr.dtype();
    Layout l = arr.layout();
    if (l.isCContiguous() || l.ndim() == 1) {
      long p = arr.dataAddress();
      long s = l.ndim() == 1 ? l.strides()[0] : dt.itemsize();
      switch (dt) {
        case INT64:
        case UINT64:
          for (int i = 0; i < n; i++, p += s) {
            out[i] = Raw.getLong(p);
          }
          return out;
        case INT32:
          for (int i = 0; i < n; i++, p += s) {
            out[i] = Raw.getInt(p);
          }
          return out;
        default:
          for (int i = 0; i < n; i++, p += s) {
            out[i] = Elements.getLong(dt, p);
          }
          return out;
      }
    }
    FlatIterator it = arr.flat();
    for (int i = 0; i < n; i++) {
      out[i] = it.nextLong();
    }
    return out;
  }
}
