package io.tessera.linalg.einsum;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How NumPy (2.3 and later) executes one two-operand contraction step ({@code bmm_einsum}, planned
 * by {@code _parse_eq_to_batch_matmul}): optionally a single-operand einsum on each side (take
 * diagonals, sum indices only that side has, drop size-1 axes, transpose), a reshape of each side
 * to (batch, rows, inner) / (batch, inner, cols) or 2-d without batch, one matmul, then a reshape
 * and transpose of the product into the step's result term. When no index is contracted the
 * matmul is replaced by a broadcasting multiply of the two reshaped sides
 * ({@link #pureMultiplication()}).
 *
 * <p>Size-1 dimensions are not classified: they are dropped and, if the result has them, put back
 * as leading size-1 axes before the final transpose ({@link #singletons()}).
 *
 * <p>Null fields mean "no such step" exactly where NumPy's tuple has None.
 */
public final class BatchMatmul {
  private final String left;
  private final String right;
  private final String result;
  private final String eqA;
  private final String eqB;
  private final long[] newShapeA;
  private final long[] newShapeB;
  private final long[] newShapeAb;
  private final int[] permAb;
  private final boolean pureMultiplication;
  private final String batch;
  private final String contracted;
  private final String keepA;
  private final String keepB;
  private final String singletons;

  private BatchMatmul(String left, String right, String result, String eqA, String eqB,
      long[] newShapeA, long[] newShapeB, long[] newShapeAb, int[] permAb, boolean pure,
      String batch, String contracted, String keepA, String keepB, String singletons) {
    this.left = left;
    this.right = right;
    this.result = result;
    this.eqA = eqA;
    this.eqB = eqB;
    this.newShapeA = newShapeA;
    this.newShapeB = newShapeB;
    this.newShapeAb = newShapeAb;
    this.permAb = permAb;
    this.pureMultiplication = pure;
    this.batch = batch;
    this.contracted = contracted;
    this.keepA = keepA;
    this.keepB = keepB;
    this.singletons = singletons;
  }

  /**
   * Plans {@code a,b->out} for operands of the given shapes, as NumPy's
   * {@code _parse_eq_to_batch_matmul("a,b->out", shapeA, shapeB)}.
   *
   * @throws IllegalArgumentException if a term does not match its shape or an index has two sizes
   *     other than 1
   */
  public static BatchMatmul plan(String a, long[] shapeA, String b, long[] shapeB, String out) {
    if (a.length() != shapeA.length || b.length() != shapeB.length) {
      throw new IllegalArgumentException("terms " + a + "," + b + " do not match shapes "
          + Arrays.toString(shapeA) + ", " + Arrays.toString(shapeB));
    }
    Map<Character, Long> sizes = new HashMap<>();
    Set<Character> single = new LinkedHashSet<>();
    Set<Character> leftSet = new LinkedHashSet<>();
    for (int i = 0; i < a.length(); i++) {
      char ix = a.charAt(i);
      if (shapeA[i] == 1) {
        single.add(ix);
        continue;
      }
      checkSize(sizes, ix, shapeA[i]);
      leftSet.add(ix);
    }
    Set<Character> rightSet = new LinkedHashSet<>();
    for (int i = 0; i < b.length(); i++) {
      char ix = b.charAt(i);
      if (shapeB[i] == 1) {
        if (!leftSet.contains(ix)) {
          single.add(ix);
        }
        continue;
      }
      single.remove(ix);
      checkSize(sizes, ix, shapeB[i]);
      rightSet.add(ix);
    }
    StringBuilder bat = new StringBuilder();
    StringBuilder con = new StringBuilder();
    StringBuilder ak = new StringBuilder();
    StringBuilder bk = new StringBuilder();
    for (char ix : leftSet) {
      if (rightSet.remove(ix)) {
        (out.indexOf(ix) >= 0 ? bat : con).append(ix);
      } else if (out.indexOf(ix) >= 0) {
        ak.append(ix);
      }
    }
    for (char ix : rightSet) {
      if (out.indexOf(ix) >= 0) {
        bk.append(ix);
      }
    }
    if (con.length() == 0) {
      return pure(a, shapeA, b, shapeB, out, bat, ak, bk, single);
    }
    StringBuilder singles = new StringBuilder();
    for (int i = 0; i < out.length(); i++) {
      if (single.contains(out.charAt(i))) {
        singles.append(out.charAt(i));
      }
    }
    String desiredA = "" + bat + ak + con;
    String desiredB = "" + bat + con + bk;
    String[] lgroups;
    String[] rgroups;
    String[] ogroups;
    if (bat.length() > 0) {
      lgroups = new String[] {bat.toString(), ak.toString(), con.toString()};
      rgroups = new String[] {bat.toString(), con.toString(), bk.toString()};
      ogroups = new String[] {bat.toString(), ak.toString(), bk.toString()};
    } else {
      lgroups = new String[] {ak.toString(), con.toString()};
      rgroups = new String[] {con.toString(), bk.toString()};
      ogroups = new String[] {ak.toString(), bk.toString()};
    }
    long[] nsa = anyNotSingle(lgroups) ? fused(lgroups, sizes) : null;
    long[] nsb = anyNotSingle(rgroups) ? fused(rgroups, sizes) : null;
    long[] nsab = null;
    if (anyNotSingle(ogroups) || singles.length() > 0) {
      List<Long> dims = new ArrayList<>();
      for (int i = 0; i < singles.length(); i++) {
        dims.add(1L);
      }
      for (String g : ogroups) {
        for (int i = 0; i < g.length(); i++) {
          dims.add(sizes.get(g.charAt(i)));
        }
      }
      nsab = dims.stream().mapToLong(Long::longValue).toArray();
    }
    String produced = "" + singles + bat + ak + bk;
    int[] perm = null;
    if (!produced.equals(out)) {
      perm = new int[out.length()];
      for (int i = 0; i < out.length(); i++) {
        perm[i] = produced.indexOf(out.charAt(i));
      }
    }
    return new BatchMatmul(a, b, out, a.equals(desiredA) ? null : a + "->" + desiredA,
        b.equals(desiredB) ? null : b + "->" + desiredB, nsa, nsb, nsab, perm, false,
        bat.toString(), con.toString(), ak.toString(), bk.toString(), singles.toString());
  }

  private static BatchMatmul pure(String a, long[] shapeA, String b, long[] shapeB, String out,
      CharSequence bat, CharSequence ak, CharSequence bk, Set<Character> single) {
    StringBuilder da = new StringBuilder();
    StringBuilder db = new StringBuilder();
    long[] nsa = new long[out.length()];
    long[] nsb = new long[out.length()];
    for (int i = 0; i < out.length(); i++) {
      char ix = out.charAt(i);
      int ia = a.indexOf(ix);
      if (ia >= 0) {
        da.append(ix);
        nsa[i] = shapeA[ia];
      } else {
        nsa[i] = 1;
      }
      int ib = b.indexOf(ix);
      if (ib >= 0) {
        db.append(ix);
        nsb[i] = shapeB[ib];
      } else {
        nsb[i] = 1;
      }
    }
    StringBuilder singles = new StringBuilder();
    for (int i = 0; i < out.length(); i++) {
      if (single.contains(out.charAt(i))) {
        singles.append(out.charAt(i));
      }
    }
    String sa = da.toString();
    String sb = db.toString();
    return new BatchMatmul(a, b, out, sa.equals(a) ? null : a + "->" + sa,
        sb.equals(b) ? null : b + "->" + sb, nsa, nsb, null, null, true, bat.toString(), "",
        ak.toString(), bk.toString(), singles.toString());
  }

  private static void checkSize(Map<Character, Long> sizes, char ix, long d) {
    Long prev = sizes.putIfAbsent(ix, d);
    if (prev != null && prev != d) {
      throw new IllegalArgumentException("Index " + ix + " has mismatched sizes " + prev + " and "
          + d + ".");
    }
  }

  private static boolean anyNotSingle(String[] groups) {
    for (String g : groups) {
      if (g.length() != 1) {
        return true;
      }
    }
    return false;
  }

  private static long[] fused(String[] groups, Map<Character, Long> sizes) {
    long[] out = new long[groups.length];
    for (int g = 0; g < groups.length; g++) {
      long p = 1;
      for (int i = 0; i < groups[g].length(); i++) {
        p = Math.multiplyExact(p, sizes.get(groups[g].charAt(i)));
      }
      out[g] = p;
    }
    return out;
  }

  /** The left operand's term (the first operand popped: the higher position). */
  public String left() {
    return left;
  }

  /** The right operand's term. */
  public String right() {
    return right;
  }

  /** The step's result term. */
  public String result() {
    return result;
  }

  /** Single-operand einsum to apply to the left operand first ("ijj->ij"), or null. */
  public String eqA() {
    return eqA;
  }

  /** Single-operand einsum to apply to the right operand first, or null. */
  public String eqB() {
    return eqB;
  }

  /** Shape to reshape the (prepared) left operand to, or null to leave it. */
  public long[] newShapeA() {
    return newShapeA == null ? null : newShapeA.clone();
  }

  /** Shape to reshape the (prepared) right operand to, or null to leave it. */
  public long[] newShapeB() {
    return newShapeB == null ? null : newShapeB.clone();
  }

  /** Shape to reshape the matmul's product to, or null (never set for pure multiplication). */
  public long[] newShapeAb() {
    return newShapeAb == null ? null : newShapeAb.clone();
  }

  /** Axes permutation taking the reshaped product to the result term, or null. */
  public int[] permAb() {
    return permAb == null ? null : permAb.clone();
  }

  /** No contracted index: the step is a broadcasting multiply, not a matmul. */
  public boolean pureMultiplication() {
    return pureMultiplication;
  }

  /** Indices (size other than 1) on both sides and in the result: the matmul's batch axes. */
  public String batch() {
    return batch;
  }

  /** Indices (size other than 1) on both sides, not in the result: the matmul's inner axis. */
  public String contracted() {
    return contracted;
  }

  /** Left-only indices kept in the result: the matmul's rows. */
  public String keepA() {
    return keepA;
  }

  /** Right-only indices kept in the result: the matmul's columns. */
  public String keepB() {
    return keepB;
  }

  /** Result indices of size 1 on every side they appear, re-inserted as leading axes. */
  public String singletons() {
    return singletons;
  }

  @Override
  public String toString() {
    return "BatchMatmul[" + left + "," + right + "->" + result + " eqA=" + eqA + " eqB=" + eqB
        + " newShapeA=" + Arrays.toString(newShapeA) + " newShapeB=" + Arrays.toString(newShapeB)
        + " newShapeAb=" + Arrays.toString(newShapeAb) + " permAb=" + Arrays.toString(permAb)
        + " pure=" + pureMultiplication + "]";
  }
}
