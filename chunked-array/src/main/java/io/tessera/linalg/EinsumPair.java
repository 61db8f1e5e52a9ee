package io.tessera.linalg;

import io.tessera.dtype.DType;
import io.tessera.ndarray.Creation;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One two-operand step of an optimized einsum ({@code a,b->r}), as NumPy 2.3+'s {@code bmm_einsum}
 * plans it, executed without the copies NumPy's reshapes may make:
 *
 * <ol>
 *   <li>Each side's size-1 dimensions are dropped and its repeated labels merged into diagonals:
 *       a strided VIEW ({@code ii} walks with stride {@code s0 + s1}).
 *   <li>Labels only that side has and the result does not are summed away first, in that side's
 *       dtype (NumPy's {@code c_einsum(eq_a, a)}), by {@link EinsumLoop}: the only new array
 *       before the product, and it is a reduction, not a copy.
 *   <li>No label contracted on both sides: the step is a broadcasting multiply, written straight
 *       into the result by {@link EinsumLoop} (NumPy's {@code multiply}).
 *   <li>Otherwise a batched matrix product: labels on both sides and in the result are the batch,
 *       left-only labels the rows, right-only labels the columns, shared summed labels the inner
 *       dimension. The orders within each group are chosen so that the axes merge: rows in the
 *       left operand's stride order, columns in the right one's, the inner labels in the order
 *       that lets both operands' axes merge (the left's, if not both can). Each operand then is,
 *       per batch element, a strided 2-D view handed to the GEMM ({@link Contraction}) with a
 *       transpose flag, no copy; only an operand whose axes do not merge, or with no unit stride
 *       on either dimension, is gathered element by element (counted in {@link Einsum#COPIES}),
 *       unless the product is small enough for {@link Contraction} to read it in place.
 *       The product is written straight into the result — {@code out}, or a new C-order array
 *       — when the row labels and the column labels each merge into one strided axis there (one
 *       GEMM per batch element, C or its transpose as the layout asks); otherwise into a fresh
 *       C-order array laid out (batch, rows, columns), and the step returns a transposed VIEW of
 *       it in the result term's order (size-1 labels put back with stride 0), as NumPy's
 *       {@code ab.transpose}.
 *       Tiny products (m·n·k below {@link #MIN_GEMM}) over many batch elements run in
 *       {@link EinsumLoop} instead, where a GEMM call per element would cost more than it saves.
 * </ol>
 */
final class EinsumPair {
  private EinsumPair() {}

  /** Per-batch-element m·n·k below which a batched step runs as one loop instead of GEMMs. */
  static final long MIN_GEMM = 4096;

  /** A side after step 1: a view with distinct labels, all of size > 1. */
  private record Side(NDArray view, String term) {}

  /**
   * {@code einsum(ta + "," + tb + "->" + tr, a, b)} in dtype {@code ct}.
   *
   * @param dest null, or the array to write the result into (dtype ct, the result's shape, not
   *     overlapping a or b)
   * @return dest, or a new array (possibly a transposed view of one) the caller owns
   */
  static NDArray contract(NDArray a, String ta, NDArray b, String tb, String tr, DType ct,
      NDArray dest) {
    if (a.size() == 0 || b.size() == 0) {
      return Einsum.loop(new NDArray[] {a, b}, new String[] {ta, tb}, tr, ct, dest);
    }
    List<NDArray> owned = new ArrayList<>();
    try {
      Side sa = prepare(a, ta, owned);
      Side sb = prepare(b, tb, owned);
      sa = sumAway(sa, sb.term, tr, owned);
      sb = sumAway(sb, sa.term, tr, owned);
      String la = sa.term;
      String lb = sb.term;
      StringBuilder bat = new StringBuilder();
      StringBuilder con = new StringBuilder();
      StringBuilder ak = new StringBuilder();
      StringBuilder bk = new StringBuilder();
      for (char c : la.toCharArray()) {
        if (lb.indexOf(c) >= 0) {
          (tr.indexOf(c) >= 0 ? bat : con).append(c);
        } else {
          ak.append(c);
        }
      }
      for (char c : lb.toCharArray()) {
        if (la.indexOf(c) < 0) {
          bk.append(c);
        }
      }
      if (con.length() == 0) {
        Einsum.trace("multiply ", la, ",", lb, "->", tr);
        return Einsum.loop(new NDArray[] {sa.view, sb.view}, new String[] {la, lb}, tr, ct, dest);
      }
      long m = sizes(sa, ak);
      long n = sizes(sb, bk);
      long k = sizes(sa, con);
      long batch = sizes(sa, bat);
      if (batch > 1 && m * n * k < MIN_GEMM) {
        Einsum.trace("loop ", la, ",", lb, "->", tr);
        return Einsum.loop(new NDArray[] {sa.view, sb.view}, new String[] {la, lb}, tr, ct, dest);
      }
      NDArray va = Einsum.exact(sa.view, ct, owned);
      NDArray vb = Einsum.exact(sb.view, ct, owned);
      String batO = byStrides(va, la, bat.toString());
      String akO = byStrides(va, la, ak.toString());
      String bkO = byStrides(vb, lb, bk.toString());
      String conA = byStrides(va, la, con.toString());
      String conB = byStrides(vb, lb, con.toString());
      String conO = conA;
      if (!conA.equals(conB)) {
        int scoreA = (merges(va, la, conA) ? 1 : 0) + (merges(vb, lb, conA) ? 1 : 0);
        int scoreB = (merges(va, la, conB) ? 1 : 0) + (merges(vb, lb, conB) ? 1 : 0);
        if (scoreB > scoreA) {
          conO = conB;
        }
      }
      // the product, laid out (batch, rows, columns)
      String prodTerm = batO + akO + bkO;
      long[] prodShape = new long[prodTerm.length()];
      for (int i = 0; i < prodTerm.length(); i++) {
        char c = prodTerm.charAt(i);
        prodShape[i] = la.indexOf(c) >= 0 ? size(va, la, c) : size(vb, lb, c);
      }
      NDArray prod = null;
      boolean direct = false;
      if (dest != null) {
        prod = destAsProduct(dest, tr, prodTerm, akO, bkO);
        direct = prod != null;
        if (direct) {
          owned.add(prod);
        }
      }
      if (prod == null) {
        // a C-order result, when the rows and the columns each merge in it; else the product
        // (batch, rows, columns) and a transposed view of it
        long[] shape = new long[tr.length()];
        for (int i = 0; i < shape.length; i++) {
          int p = prodTerm.indexOf(tr.charAt(i));
          shape[i] = p >= 0 ? prodShape[p] : 1;
        }
        NDArray fresh = Creation.empty(a.allocator(), ct, shape, Order.C,
            Creation.DEFAULT_ALIGNMENT);
        try {
          prod = destAsProduct(fresh, tr, prodTerm, akO, bkO);
        } catch (RuntimeException e) {
          fresh.close();
          throw e;
        }
        if (prod != null) {
          try (NDArray v = prod) {
            gemm(va, la, vb, lb, v, prodTerm, batO, akO, bkO, conO, ct);
          } catch (RuntimeException e) {
            fresh.close();
            throw e;
          }
          return fresh;
        }
        fresh.close();
        prod = Creation.empty(a.allocator(), ct, prodShape, Order.C, Creation.DEFAULT_ALIGNMENT);
      }
      try {
        gemm(va, la, vb, lb, prod, prodTerm, batO, akO, bkO, conO, ct);
        if (direct) {
          return dest;
        }
        NDArray view = resultView(prod, prodTerm, tr);
        if (dest == null) {
          return view;
        }
        try (view) {
          dest.assign(view);
        }
        return dest;
      } finally {
        if (!direct) {
          prod.close();
        }
      }
    } finally {
      for (NDArray x : owned) {
        x.close();
      }
    }
  }

  /** Drops size-1 dimensions and merges repeated labels into diagonals: a view. */
  private static Side prepare(NDArray x, String term, List<NDArray> owned) {
    long[] sh = x.shape();
    long[] st = x.strides();
    StringBuilder t = new StringBuilder();
    long[] nsh = new long[sh.length];
    long[] nst = new long[sh.length];
    int n = 0;
    for (int d = 0; d < sh.length; d++) {
      if (sh[d] == 1) {
        continue;
      }
      int i = t.indexOf(String.valueOf(term.charAt(d)));
      if (i >= 0) {
        nst[i] += st[d];
      } else {
        t.append(term.charAt(d));
        nsh[n] = sh[d];
        nst[n] = st[d];
        n++;
      }
    }
    if (n == sh.length && t.toString().equals(term)) {
      return new Side(x, term);
    }
    NDArray v = x.asStrided(Arrays.copyOf(nsh, n), Arrays.copyOf(nst, n), false);
    owned.add(v);
    return new Side(v, t.toString());
  }

  /** Sums away the labels neither the other side nor the result has (NumPy's eq_a), in x's dtype. */
  private static Side sumAway(Side s, String other, String tr, List<NDArray> owned) {
    StringBuilder keep = new StringBuilder();
    for (char c : s.term.toCharArray()) {
      if (other.indexOf(c) >= 0 || tr.indexOf(c) >= 0) {
        keep.append(c);
      }
    }
    if (keep.length() == s.term.length()) {
      return s;
    }
    String kt = keep.toString();
    long[] shape = new long[kt.length()];
    for (int i = 0; i < kt.length(); i++) {
      shape[i] = size(s.view, s.term, kt.charAt(i));
    }
    Einsum.trace("sum ", s.term, "->", kt);
    NDArray r = Creation.empty(s.view.allocator(), s.view.dtype(), shape, Order.C,
        Creation.DEFAULT_ALIGNMENT);
    owned.add(r);
    EinsumLoop.run(new NDArray[] {s.view}, new String[] {s.term}, kt, r);
    return new Side(r, kt);
  }

  private static long size(NDArray x, String term, char c) {
    return x.shape(term.indexOf(c));
  }

  private static long sizes(Side s, CharSequence labels) {
    long p = 1;
    for (int i = 0; i < labels.length(); i++) {
      p *= size(s.view, s.term, labels.charAt(i));
    }
    return p;
  }

  /** The labels in x's stride order, largest stride first (ties keep the given order). */
  private static String byStrides(NDArray x, String term, String labels) {
    int n = labels.length();
    if (n <= 1) {
      return labels;
    }
    char[] cs = labels.toCharArray();
    long[] key = new long[n];
    long[] st = x.strides();
    for (int i = 0; i < n; i++) {
      key[i] = Math.abs(st[term.indexOf(cs[i])]);
    }
    for (int i = 1; i < n; i++) { // stable insertion sort, descending
      char c = cs[i];
      long k = key[i];
      int j = i - 1;
      while (j >= 0 && key[j] < k) {
        cs[j + 1] = cs[j];
        key[j + 1] = key[j];
        j--;
      }
      cs[j + 1] = c;
      key[j + 1] = k;
    }
    return new String(cs);
  }

  /** Whether x's axes for {@code labels}, in that order, collapse into one strided axis. */
  private static boolean merges(NDArray x, String term, String labels) {
    return group(x, term, labels)[0].length <= 1;
  }

  /**
   * x's axes for {@code labels} in that order, adjacent axes merged where their strides chain:
   * {shape, strides}.
   */
  private static long[][] group(NDArray x, String term, String labels) {
    long[] sh = x.shape();
    long[] st = x.strides();
    long[] gs = new long[labels.length()];
    long[] gt = new long[labels.length()];
    int n = 0;
    for (int i = 0; i < labels.length(); i++) {
      int d = term.indexOf(labels.charAt(i));
      if (n > 0 && gt[n - 1] == sh[d] * st[d]) {
        gs[n - 1] *= sh[d];
        gt[n - 1] = st[d];
      } else {
        gs[n] = sh[d];
        gt[n] = st[d];
        n++;
      }
    }
    return new long[][] {Arrays.copyOf(gs, n), Arrays.copyOf(gt, n)};
  }

  /** True when the operand reaches the GEMM as a strided 2-D view (no element-wise gather). */
  static boolean isView(long[][] rows, long[][] cols, int itemsize) {
    if (rows[0].length > 1 || cols[0].length > 1) {
      return false;
    }
    boolean rowsUnit = rows[0].length == 0 || rows[1][0] == itemsize;
    boolean colsUnit = cols[0].length == 0 || cols[1][0] == itemsize;
    return rowsUnit || colsUnit;
  }

  private static Contraction.Operand operand(NDArray x, long[][] rows, long[][] cols) {
    return new Contraction.Operand(x.dtype(), x.dataAddress(), rows[0], rows[1], cols[0],
        cols[1]);
  }

  /** prod[batch, rows, cols] = sum over con of a[...] * b[...], one GEMM per batch element. */
  private static void gemm(NDArray a, String la, NDArray b, String lb, NDArray prod,
      String prodTerm, String bat, String ak, String bk, String con, DType ct) {
    long[][] ar = group(a, la, ak);
    long[][] ac = group(a, la, con);
    long[][] br = group(b, lb, con);
    long[][] bc = group(b, lb, bk);
    Contraction.Operand ao = operand(a, ar, ac);
    Contraction.Operand bo = operand(b, br, bc);
    // small products are read in place by Contraction whatever the layout; larger ones gather
    // an operand that is not a strided 2-D view
    boolean small = ao.rows * bo.cols * ao.cols <= Contraction.smallLimit;
    boolean viewA = small || isView(ar, ac, a.itemsize());
    boolean viewB = small || isView(br, bc, b.itemsize());
    if (!viewA) {
      Einsum.COPIES.incrementAndGet();
    }
    if (!viewB) {
      Einsum.COPIES.incrementAndGet();
    }
    long[][] pr = group(prod, prodTerm, ak);
    long[][] pc = group(prod, prodTerm, bk);
    long m = ao.rows;
    long n = bo.cols;
    long rs = pr[0].length == 0 ? 0 : pr[1][0];
    long cs = pc[0].length == 0 ? 0 : pc[1][0];
    Contraction.Target to = new Contraction.Target(ct, prod.dataAddress(), m, n, rs, cs);
    Einsum.trace("gemm ", la, ",", lb, "->", prodTerm, " batch=", sizesOf(a, la, bat), " m=", m,
        " n=", n, " k=", ao.cols, viewA && viewB ? " views" : " gathered");
    int nb = bat.length();
    if (nb == 0) {
      Contraction.begin();
      Contraction.multiply(ao, bo, ct, to);
      return;
    }
    long[] bsz = new long[nb];
    long[] bsa = new long[nb];
    long[] bsb = new long[nb];
    long[] bsp = new long[nb];
    for (int i = 0; i < nb; i++) {
      char c = bat.charAt(i);
      bsz[i] = size(a, la, c);
      bsa[i] = a.strides()[la.indexOf(c)];
      bsb[i] = b.strides()[lb.indexOf(c)];
      bsp[i] = prod.strides()[prodTerm.indexOf(c)];
    }
    long total = 1;
    for (long d : bsz) {
      total *= d;
    }
    long[] idx = new long[nb];
    long oa = 0;
    long ob = 0;
    long op = 0;
    long baseA = a.dataAddress();
    long baseB = b.dataAddress();
    long baseP = prod.dataAddress();
    for (long e = 0; e < total; e++) {
      if ((e & 1023) == 0) {
        Contraction.begin(); // keeps the per-thread plan record bounded
      }
      Contraction.multiply(ao.at(baseA + oa), bo.at(baseB + ob), ct, to.at(baseP + op));
      for (int d = nb - 1; d >= 0; d--) {
        if (++idx[d] < bsz[d]) {
          oa += bsa[d];
          ob += bsb[d];
          op += bsp[d];
          break;
        }
        oa -= (bsz[d] - 1) * bsa[d];
        ob -= (bsz[d] - 1) * bsb[d];
        op -= (bsz[d] - 1) * bsp[d];
        idx[d] = 0;
      }
    }
  }

  private static long sizesOf(NDArray x, String term, String labels) {
    long p = 1;
    for (int i = 0; i < labels.length(); i++) {
      p *= size(x, term, labels.charAt(i));
    }
    return p;
  }

  /**
   * dest seen as the product (batch, rows, columns) — a view, when its row labels and its
   * column labels each merge into one strided axis; else null.
   */
  private static NDArray destAsProduct(NDArray dest, String tr, String prodTerm, String ak,
      String bk) {
    long[] sh = dest.shape();
    long[] st = dest.strides();
    long[] psh = new long[prodTerm.length()];
    long[] pst = new long[prodTerm.length()];
    for (int i = 0; i < prodTerm.length(); i++) {
      int d = tr.indexOf(prodTerm.charAt(i));
      psh[i] = sh[d];
      pst[i] = st[d];
    }
    NDArray v = dest.asStrided(psh, pst, true);
    if (group(v, prodTerm, ak)[0].length > 1 || group(v, prodTerm, bk)[0].length > 1) {
      v.close();
      return null;
    }
    return v;
  }

  /** The product in the result term's order, size-1 labels put back: a view. */
  private static NDArray resultView(NDArray prod, String prodTerm, String tr) {
    long[] sh = new long[tr.length()];
    long[] st = new long[tr.length()];
    long[] psh = prod.shape();
    long[] pst = prod.strides();
    for (int i = 0; i < tr.length(); i++) {
      int d = prodTerm.indexOf(tr.charAt(i));
      sh[i] = d >= 0 ? psh[d] : 1;
      st[i] = d >= 0 ? pst[d] : 0;
    }
    return prod.asStrided(sh, st, true);
  }
}
