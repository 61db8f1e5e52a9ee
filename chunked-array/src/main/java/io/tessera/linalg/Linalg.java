package io.tessera.linalg;

import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.errors.CastingException;
import io.tessera.errors.CopyRequiredException;
import io.tessera.errors.IndexOutOfRangeException;
import io.tessera.errors.ReadOnlyArrayException;
import io.tessera.errors.ShapeException;
import io.tessera.index.Index;
import io.tessera.ndarray.CopyMode;
import io.tessera.ndarray.Creation;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.shape.Axes;
import io.tessera.shape.Shapes;
import io.tessera.ufunc.Ufunc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * NumPy's products and diagonals: {@code matmul}, {@code dot}, {@code vdot}, {@code inner},
 * {@code outer}, {@code tensordot}, {@code trace}, {@code diagonal}, with NumPy's shapes, dtypes
 * and error messages.
 *
 * <p><b>How products run.</b> Every product is reduced to matrix products {@code C(M×K·K×N)}:
 * operands are transposed and reshaped to 2-D as views ({@link CopyMode#NEVER}); only when that
 * reshape would need a copy is the operand gathered element by element — straight into the
 * staging array of the product, never into an intermediate array. {@code dot} and {@code
 * tensordot} are one product; {@code matmul} is one per batch element, or one in total when the
 * right operand has no batch dimensions and the left one's batch and row axes merge. float64 and
 * float32 run on BLAS DGEMM/SGEMM ({@link Blas}) with transpose flags for F-order and transposed
 * operands; float16 is computed in float32 and rounded, bit-identical to NumPy; integers and bool
 * in their result type with wrap-around, exactly as NumPy (see {@link Contraction}).
 *
 * <p>Mixed dtypes are promoted first ({@link Casting#promoteTypes}), as NumPy's type resolution
 * does for these functions. New arrays come from the first operand's allocator, in C order, and
 * must be closed by the caller.
 *
 * <p><b>Floating-point results</b> agree with NumPy's to within the usual error bound of a dot
 * product, not bit for bit, since BLAS implementations sum in different orders: each element
 * differs by at most {@code (K + 1)·eps·(|A|·|B|)ij}, where eps is the machine epsilon of the
 * computation dtype (2^-52 for float64, 2^-23 for float32). float16, integer and bool results are
 * exact. NaN and infinity propagate as the active BLAS propagates them.
 */
public final class Linalg {
  private Linalg() {}

  private static final String SIG = "(n?,k),(k,m?)->(n?,m?)";

  // ------------------------------------------------------------------ matmul

  /** {@code np.matmul(a, b)} ({@code a @ b}) into a new array. */
  public static NDArray matmul(NDArray a, NDArray b) {
    return matmul(a, b, null);
  }

  /**
   * {@code np.matmul(a, b, out=out)}: 1-D operands are promoted to a row (left) or column (right)
   * matrix and the added axis removed from the result; batch dimensions broadcast (and broadcast
   * against {@code out}'s). Everything is checked before {@code out} is written: the result dtype
   * must cast to out's with casting 'same_kind', and out's shape must be the result's. When out
   * overlaps an operand, the product is computed into a temporary first.
   *
   * @return {@code out} when given (the caller's array, not a new reference), else a new array
   */
  public static NDArray matmul(NDArray a, NDArray b, NDArray out) {
    final String op = "matmul";
    DType ct = Casting.promoteTypes(a.dtype(), b.dtype());
    if (out != null) {
      if (!Casting.canCast(ct, out.dtype(), Casting.SAME_KIND)) {
        throw new CastingException(op, "Cannot cast ufunc 'matmul' output from "
            + repr(ct) + " to " + repr(out.dtype()) + " with casting rule 'same_kind'");
      }
      if (!out.isWriteable()) {
        throw new ReadOnlyArrayException(op, "output array is read-only");
      }
    }
    for (int i = 0; i < 2; i++) {
      if ((i == 0 ? a : b).ndim() == 0) {
        throw new ShapeException(op, "matmul: Input operand " + i + " does not have enough "
            + "dimensions (has 0, gufunc core with signature " + SIG + " requires 1)");
      }
    }
    boolean a1 = a.ndim() == 1;
    boolean b1 = b.ndim() == 1;
    long[] as = a.shape();
    long[] bs = b.shape();
    long n = a1 ? 1 : as[as.length - 2];
    long k = as[as.length - 1];
    long kb = b1 ? bs[0] : bs[bs.length - 2];
    long m = b1 ? 1 : bs[bs.length - 1];
    if (k != kb) {
      throw new ShapeException(op, "matmul: Input operand 1 has a mismatch in its core dimension 0,"
          + " with gufunc signature " + SIG + " (size " + kb + " is different from " + k + ")");
    }
    List<Long> coreList = new ArrayList<>();
    if (!a1) {
      coreList.add(n);
    }
    if (!b1) {
      coreList.add(m);
    }
    long[] core = coreList.stream().mapToLong(Long::longValue).toArray();
    long[] batchA = Arrays.copyOf(as, a1 ? 0 : as.length - 2);
    long[] batchB = Arrays.copyOf(bs, b1 ? 0 : bs.length - 2);
    long[] batchOut = null;
    if (out != null) {
      long[] os = out.shape();
      if (os.length < core.length) {
        throw new ShapeException(op, "output operand requires a reduction along dimension -1, but "
            + "the reduction is not enabled. The dimension size of 1 does not match the expected "
            + "output shape.");
      }
      for (int i = 0; i < core.length; i++) {
        long have = os[os.length - core.length + i];
        if (have != core[i]) {
          throw new ShapeException(op, "matmul: Output operand 0 has a mismatch in its core "
              + "dimension " + i + ", with gufunc signature " + SIG + " (size " + have
              + " is different from " + core[i] + ")");
        }
      }
      batchOut = Arrays.copyOf(os, os.length - core.length);
    }
    long[] batch = broadcastBatch(a, batchA, b, batchB, out, batchOut, core);
    long[] resultShape = concat(batch, core);
    if (out != null && !Arrays.equals(batch, batchOut)) {
      long[] os = out.shape();
      long[] rev = new long[os.length];
      for (int i = 0; i < os.length; i++) {
        rev[i] = os[os.length - 1 - i];
      }
      throw new ShapeException(op, "non-broadcastable output operand with shape "
          + Shapes.formatCompact(os) + " [remapped to " + Shapes.formatCompact(rev)
          + "] doesn't match the broadcast shape " + Shapes.formatCompact(resultShape));
    }

    Contraction.begin();
    boolean direct = out != null && out.dtype() == ct && !out.mayShareMemory(a)
        && !out.mayShareMemory(b);
    NDArray target = direct ? out
        : Creation.empty(a.allocator(), ct, resultShape, Order.C, Creation.DEFAULT_ALIGNMENT);
    try {
      if (target.size() > 0) {
        matmulInto(a, a1, b, b1, target, batch, n, k, m, ct);
      }
      if (out == null) {
        return target;
      }
      if (!direct) {
        out.assign(target);
      }
      return out;
    } catch (RuntimeException e) {
      if (target != out) {
        target.close();
      }
      throw e;
    } finally {
      if (out != null && target != out) {
        target.close();
      }
    }
  }

  /** The batch shape of matmul, with NumPy's "remapped shapes" message on failure. */
  private static long[] broadcastBatch(NDArray a, long[] batchA, NDArray b, long[] batchB,
      NDArray out, long[] batchOut, long[] core) {
    long[][] shapes = out == null ? new long[][] {batchA, batchB}
        : new long[][] {batchA, batchB, batchOut};
    int nd = 0;
    for (long[] s : shapes) {
      nd = Math.max(nd, s.length);
    }
    long[] res = new long[nd];
    Arrays.fill(res, 1);
    for (long[] s : shapes) {
      for (int i = 0; i < s.length; i++) {
        int j = nd - s.length + i;
        if (res[j] == 1) {
          res[j] = s[i];
        } else if (s[i] != 1 && s[i] != res[j]) {
          StringBuilder msg = new StringBuilder("operands could not be broadcast together with "
              + "remapped shapes [original->remapped]: ");
          NDArray[] ops = out == null ? new NDArray[] {a, b} : new NDArray[] {a, b, out};
          long[][] batches = {batchA, batchB};
          for (int o = 0; o < ops.length; o++) {
            msg.append(Shapes.formatCompact(ops[o].shape())).append("->");
            if (o == 2) {
              msg.append(Shapes.formatCompact(ops[o].shape()));
            } else if (batches[o].length == 0) {
              msg.append("()");
            } else {
              StringBuilder r = new StringBuilder("(");
              for (int q = 0; q < batches[o].length; q++) {
                r.append(q > 0 ? "," : "").append(batches[o][q]);
              }
              for (int q = 0; q < core.length; q++) {
                r.append(",newaxis");
              }
              msg.append(r).append(')');
            }
            msg.append(' ');
          }
          StringBuilder req = new StringBuilder("(");
          for (int q = 0; q < core.length; q++) {
            req.append(q > 0 ? "," : "").append(core[q]);
          }
          msg.append(" and requested shape ").append(req).append(')');
          throw new ShapeException("matmul", msg.toString());
        }
      }
    }
    return res;
  }

  private static void matmulInto(NDArray a, boolean a1, NDArray b, boolean b1, NDArray target,
      long[] batch, long n, long k, long m, DType ct) {
    long[] ast = a.strides();
    long[] bst = b.strides();
    long[] tst = target.strides();
    int tnd = tst.length;
    long aRs = a1 ? 0 : ast[ast.length - 2];
    long aCs = ast[ast.length - 1];
    long bRs = b1 ? bst[0] : bst[bst.length - 2];
    long bCs = b1 ? 0 : bst[bst.length - 1];
    long tRs = a1 ? 0 : tst[tnd - (b1 ? 1 : 2)];
    long tCs = b1 ? 0 : tst[tnd - 1];
    long products = Contraction.product(batch);

    // one product for a stacked left operand times a single right matrix (or vector)
    int aBatchNd = a1 ? 0 : a.ndim() - 2;
    boolean bUnbatched = b1 || Contraction.product(Arrays.copyOf(b.shape(), b.ndim() - 2)) == 1;
    if (products > 1 && bUnbatched && !a1 && aBatchNd == batch.length
        && Arrays.equals(Arrays.copyOf(a.shape(), aBatchNd), batch)) {
      long rows = products * n;
      long[] targetRows = b1 ? new long[] {rows} : new long[] {rows, m};
      try (NDArray av = a.reshape(new long[] {rows, k}, Order.C, CopyMode.NEVER);
           NDArray tv = target.reshape(targetRows, Order.C, CopyMode.NEVER)) {
        long[] avs = av.strides();
        long[] tvs = tv.strides();
        Contraction.Operand ao = new Contraction.Operand(a.dtype(), av.dataAddress(),
            new long[] {rows}, new long[] {avs[0]}, new long[] {k}, new long[] {avs[1]});
        Contraction.Operand bo = new Contraction.Operand(b.dtype(), b.dataAddress(),
            new long[] {k}, new long[] {bRs}, new long[] {m}, new long[] {bCs});
        Contraction.Target to = new Contraction.Target(ct, tv.dataAddress(), rows, m, tvs[0],
            b1 ? 0 : tvs[1]);
        Contraction.multiply(ao, bo, ct, to);
        return;
      } catch (CopyRequiredException e) {
        // batch axes do not merge: one product per batch element below
      }
    }

    Contraction.Operand ao = new Contraction.Operand(a.dtype(), a.dataAddress(),
        new long[] {n}, new long[] {aRs}, new long[] {k}, new long[] {aCs});
    Contraction.Operand bo = new Contraction.Operand(b.dtype(), b.dataAddress(),
        new long[] {k}, new long[] {bRs}, new long[] {m}, new long[] {bCs});
    Contraction.Target to = new Contraction.Target(ct, target.dataAddress(), n, m, tRs, tCs);
    if (batch.length == 0) {
      Contraction.multiply(ao, bo, ct, to);
      return;
    }
    long[] aBs = batchStrides(a.shape(), ast, aBatchNd, batch.length);
    long[] bBs = batchStrides(b.shape(), bst, b1 ? 0 : b.ndim() - 2, batch.length);
    long[] tBs = Arrays.copyOf(tst, batch.length);
    long[] idx = new long[batch.length];
    long aOff = 0;
    long bOff = 0;
    long tOff = 0;
    for (long p = 0; p < products; p++) {
      Contraction.multiply(ao.at(a.dataAddress() + aOff), bo.at(b.dataAddress() + bOff), ct,
          to.at(target.dataAddress() + tOff));
      for (int d = batch.length - 1; d >= 0; d--) {
        if (++idx[d] < batch[d]) {
          aOff += aBs[d];
          bOff += bBs[d];
          tOff += tBs[d];
          break;
        }
        aOff -= (batch[d] - 1) * aBs[d];
        bOff -= (batch[d] - 1) * bBs[d];
        tOff -= (batch[d] - 1) * tBs[d];
        idx[d] = 0;
      }
    }
  }

  /** Strides of an operand's batch axes aligned right to a batch of {@code nd} axes (0 = broadcast). */
  private static long[] batchStrides(long[] shape, long[] strides, int opBatchNd, int nd) {
    long[] out = new long[nd];
    for (int i = 0; i < opBatchNd; i++) {
      int j = nd - opBatchNd + i;
      out[j] = shape[i] == 1 ? 0 : strides[i];
    }
    return out;
  }

  // ------------------------------------------------------------------ dot family

  /**
   * {@code np.dot(a, b)}: for 0-d operands the elementwise product; 1-D·1-D the inner product
   * (0-d result); otherwise the sum over the last axis of {@code a} and the second-to-last of
   * {@code b} (its only axis when 1-D): shape {@code a.shape[:-1] + b.shape[:-2] + b.shape[-1:]}.
   * One matrix product.
   */
  public static NDArray dot(NDArray a, NDArray b) {
    return dot("dot", a, b);
  }

  private static NDArray dot(String op, NDArray a, NDArray b) {
    if (a.ndim() == 0 || b.ndim() == 0) {
      return Ufunc.MULTIPLY.apply(a, b);
    }
    int la = a.ndim() - 1;
    int lb = b.ndim() == 1 ? 0 : b.ndim() - 2;
    if (a.shape(la) != b.shape(lb)) {
      throw new ShapeException(op, "shapes " + Shapes.formatCompact(a.shape()) + " and "
          + Shapes.formatCompact(b.shape()) + " not aligned: " + a.shape(la) + " (dim " + la
          + ") != " + b.shape(lb) + " (dim " + lb + ")");
    }
    int[] aFree = range(0, la);
    int[] bFree = new int[b.ndim() - 1];
    for (int i = 0, j = 0; i < b.ndim(); i++) {
      if (i != lb) {
        bFree[j++] = i;
      }
    }
    return contract(a, aFree, new int[] {la}, b, new int[] {lb}, bFree);
  }

  /**
   * {@code np.inner(a, b)}: the sum over the last axes of both; shape {@code a.shape[:-1] +
   * b.shape[:-1]}. As NumPy, this is {@code dot(a, b.swapaxes(-1, -2))} (and its error message
   * shows that transposed shape).
   */
  public static NDArray inner(NDArray a, NDArray b) {
    if (a.ndim() == 0 || b.ndim() == 0) {
      return Ufunc.MULTIPLY.apply(a, b);
    }
    if (b.ndim() == 1) {
      return dot("inner", a, b);
    }
    try (NDArray bt = b.swapaxes(-1, -2)) {
      return dot("inner", a, bt);
    }
  }

  /**
   * {@code np.vdot(a, b)}: both flattened in C order, the inner product, a 0-d array (real
   * dtypes: no conjugation).
   */
  public static NDArray vdot(NDArray a, NDArray b) {
    if (a.size() != b.size()) {
      throw new ShapeException("vdot", "cannot reshape array of size " + b.size()
          + " into shape (" + a.size() + ",)");
    }
    return contract(a, new int[0], range(0, a.ndim()), b, range(0, b.ndim()), new int[0]);
  }

  /**
   * {@code np.outer(a, b)}: {@code multiply(a.ravel()[:, None], b.ravel()[None, :])}, shape
   * (a.size, b.size), dtype as multiply's.
   */
  public static NDArray outer(NDArray a, NDArray b) {
    try (NDArray ar = a.ravel();
         NDArray br = b.ravel();
         NDArray a2 = ar.reshape(ar.size(), 1);
         NDArray b2 = br.reshape(1, br.size())) {
      return Ufunc.MULTIPLY.apply(a2, b2);
    }
  }

  /** {@code np.tensordot(a, b)}: axes=2. */
  public static NDArray tensordot(NDArray a, NDArray b) {
    return tensordot(a, b, 2);
  }

  /**
   * {@code np.tensordot(a, b, axes=N)}: sum over the last N axes of {@code a} and the first N of
   * {@code b} (N ≤ 0: no axes, the outer product).
   */
  public static NDArray tensordot(NDArray a, NDArray b, int axes) {
    int[] axA = new int[Math.max(axes, 0)];
    int[] axB = new int[Math.max(axes, 0)];
    for (int i = 0; i < axes; i++) {
      axA[i] = -axes + i;
      axB[i] = i;
    }
    return tensordot(a, b, axA, axB);
  }

  /**
   * {@code np.tensordot(a, b, axes=(axesA, axesB))}: sum over {@code a}'s axes {@code axesA[i]}
   * paired with {@code b}'s {@code axesB[i]}; the result has a's remaining axes then b's. Each
   * operand is transposed and reshaped to 2-D as a view when its strides permit, else gathered;
   * then one matrix product.
   */
  public static NDArray tensordot(NDArray a, NDArray b, int[] axesA, int[] axesB) {
    final String op = "tensordot";
    if (Arrays.stream(axesA).distinct().count() != axesA.length
        || Arrays.stream(axesB).distinct().count() != axesB.length) {
      throw new ShapeException(op, "duplicate axes are not allowed in tensordot");
    }
    int[] axA = axesA.clone();
    int[] axB = axesB.clone();
    int nda = a.ndim();
    int ndb = b.ndim();
    boolean equal = axA.length == axB.length;
    if (equal) {
      for (int i = 0; i < axA.length; i++) {
        long da = pyIndex(a.shape(), axA[i]);
        long db = pyIndex(b.shape(), axB[i]);
        if (da != db) {
          equal = false;
          break;
        }
        if (axA[i] < 0) {
          axA[i] += nda;
        }
        if (axB[i] < 0) {
          axB[i] += ndb;
        }
      }
    }
    if (!equal) {
      throw new ShapeException(op, "shape-mismatch for sum");
    }
    int[] freeA = notIn(nda, axA);
    int[] freeB = notIn(ndb, axB);
    // repeated axes after normalization fail in the transposes, as NumPy's do
    return contract(a, freeA, axA, b, axB, freeB);
  }

  private static long pyIndex(long[] shape, int i) {
    if (i < -shape.length || i >= shape.length) {
      throw new IndexOutOfRangeException("tensordot", "tuple index out of range");
    }
    return shape[i < 0 ? i + shape.length : i];
  }

  private static int[] notIn(int nd, int[] axes) {
    int[] out = new int[nd];
    int j = 0;
    outer:
    for (int i = 0; i < nd; i++) {
      for (int x : axes) {
        if (x == i) {
          continue outer;
        }
      }
      out[j++] = i;
    }
    return Arrays.copyOf(out, j);
  }

  /**
   * The product over {@code a}'s axes {@code sumA} paired with {@code b}'s {@code sumB}: result
   * shape a.shape[freeA] + b.shape[freeB], C order, dtype promote_types(a, b).
   */
  private static NDArray contract(NDArray a, int[] freeA, int[] sumA, NDArray b, int[] sumB,
      int[] freeB) {
    DType ct = Casting.promoteTypes(a.dtype(), b.dtype());
    long[] as = a.shape();
    long[] bs = b.shape();
    long m = 1;
    long k = 1;
    long n = 1;
    long[] shape = new long[freeA.length + freeB.length];
    for (int i = 0; i < freeA.length; i++) {
      shape[i] = as[freeA[i]];
      m *= as[freeA[i]];
    }
    for (int ax : sumA) {
      k *= as[ax];
    }
    for (int i = 0; i < freeB.length; i++) {
      shape[freeA.length + i] = bs[freeB[i]];
      n *= bs[freeB[i]];
    }
    Contraction.begin();
    NDArray result = Creation.empty(a.allocator(), ct, shape, Order.C,
        Creation.DEFAULT_ALIGNMENT);
    try {
      if (result.size() > 0) {
        Contraction.Operand ao = asMatrix(a, freeA, sumA, m, k);
        Contraction.Operand bo = asMatrix(b, sumB, freeB, k, n);
        int isz = ct.itemsize();
        Contraction.multiply(ao, bo, ct,
            new Contraction.Target(ct, result.dataAddress(), m, n, n * isz, isz));
      }
      return result;
    } catch (RuntimeException e) {
      result.close();
      throw e;
    }
  }

  /**
   * {@code x.transpose(rows + cols).reshape(r, c)} as a 2-D view when the strides permit
   * ({@link CopyMode#NEVER}); else the multi-axis matrix, which the product gathers (a copy).
   */
  private static Contraction.Operand asMatrix(NDArray x, int[] rowAxes, int[] colAxes, long r,
      long c) {
    try (NDArray t = x.transpose(concat(rowAxes, colAxes));
         NDArray v = t.reshape(new long[] {r, c}, Order.C, CopyMode.NEVER)) {
      return Contraction.Operand.of2d(v);
    } catch (CopyRequiredException e) {
      return Contraction.Operand.ofAxes(x, rowAxes, colAxes);
    }
  }

  // ------------------------------------------------------------------ diagonal and trace

  /** {@code np.diagonal(a)}: offset 0, axes 0 and 1. */
  public static NDArray diagonal(NDArray a) {
    return diagonal(a, 0, 0, 1);
  }

  /**
   * {@code np.diagonal(a, offset, axis1, axis2)}: a read-only VIEW sharing {@code a}'s memory (as
   * NumPy ≥ 1.9): the two axes are removed and the diagonal appended as the last axis, with stride
   * {@code strides[axis1] + strides[axis2]}; {@code offset > 0} is above the main diagonal (along
   * axis2), {@code offset < 0} below. Its WRITEABLE flag cannot be set.
   */
  public static NDArray diagonal(NDArray a, long offset, int axis1, int axis2) {
    final String op = "diagonal";
    int nd = a.ndim();
    if (nd < 2) {
      throw new ShapeException(op, "diag requires an array of at least two dimensions");
    }
    int ax1 = Axes.normalizeAxisIndex(op, axis1, nd, "axis1");
    int ax2 = Axes.normalizeAxisIndex(op, axis2, nd, "axis2");
    if (ax1 == ax2) {
      throw new ShapeException(op, "axis1 and axis2 cannot be the same");
    }
    long[] shape = a.shape();
    long[] strides = a.strides();
    long dim1 = shape[ax1];
    long dim2 = shape[ax2];
    long start1 = 0;
    long start2 = 0;
    if (offset >= 0) {
      dim2 -= offset;
      start2 = offset;
    } else {
      dim1 += offset;
      start1 = -offset;
    }
    long size = Math.min(dim1, dim2);
    boolean shift = size >= 0;
    size = Math.max(size, 0);
    long[] vShape = new long[nd - 1];
    long[] vStrides = new long[nd - 1];
    for (int i = 0, j = 0; i < nd; i++) {
      if (i != ax1 && i != ax2) {
        vShape[j] = shape[i];
        vStrides[j++] = strides[i];
      }
    }
    vShape[nd - 2] = size;
    vStrides[nd - 2] = strides[ax1] + strides[ax2];
    if (!shift || (start1 == 0 && start2 == 0)) {
      return a.asStrided(vShape, vStrides, false);
    }
    Index[] ix = new Index[nd];
    Arrays.fill(ix, Index.all());
    ix[ax1] = Index.slice(start1, null, 1);
    ix[ax2] = Index.slice(start2, null, 1);
    try (NDArray shifted = a.get(ix)) {
      return shifted.asStrided(vShape, vStrides, false);
    }
  }

  /** {@code np.trace(a)}: offset 0, axes 0 and 1. */
  public static NDArray trace(NDArray a) {
    return trace(a, 0, 0, 1, null);
  }

  /** {@code np.trace(a, offset, axis1, axis2)}. */
  public static NDArray trace(NDArray a, long offset, int axis1, int axis2) {
    return trace(a, offset, axis1, axis2, null);
  }

  /**
   * {@code np.trace(a, offset, axis1, axis2, dtype)}: the sums along {@link #diagonal}s, shape of
   * the diagonal without its last axis (0-d for a matrix). dtype null means NumPy's default for
   * {@code sum}: bool and signed integers narrower than 64 bits → int64, unsigned → uint64, others
   * unchanged. Floats are summed with NumPy's pairwise summation, integers with wrap-around.
   */
  public static NDArray trace(NDArray a, long offset, int axis1, int axis2, DType dtype) {
    try (NDArray d = diagonal(a, offset, axis1, axis2)) {
      return Sums.sumLastAxis(d, dtype != null ? dtype : Sums.sumType(a.dtype()));
    }
  }

  // ------------------------------------------------------------------ helpers

  private static String repr(DType t) {
    return "dtype('" + t.numpyName() + "')";
  }

  private static int[] range(int from, int to) {
    int[] r = new int[Math.max(0, to - from)];
    for (int i = 0; i < r.length; i++) {
      r[i] = from + i;
    }
    return r;
  }

  private static int[] concat(int[] x, int[] y) {
    int[] r = Arrays.copyOf(x, x.length + y.length);
    System.arraycopy(y, 0, r, x.length, y.length);
    return r;
  }

  private static long[] concat(long[] x, long[] y) {
    long[] r = Arrays.copyOf(x, x.length + y.length);
    System.arraycopy(y, 0, r, x.length, y.length);
    return r;
  }
}
