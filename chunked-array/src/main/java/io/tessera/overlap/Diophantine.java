package io.tessera.overlap;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Bounded linear Diophantine decision problems with positive coefficients, the engine behind
 * {@link MemOverlap}:
 *
 * <pre>
 *   sum(a[i] * x[i]) == b,   a[i] &gt; 0,   0 &lt;= x[i] &lt;= ub[i]   (integers)
 * </pre>
 *
 * <p>The method is the one NumPy uses in {@code mem_overlap.c} (after Ramachandran 2006): with the
 * coefficients sorted from largest to smallest, the first two variables are merged into one
 * variable with coefficient {@code gcd(a[0], a[1])}, that one with the third, and so on. A
 * depth-first search then enumerates the candidates of the last variable, each one fixing the
 * right-hand side of the previous merged equation, whose two-variable solutions come from the
 * extended Euclid algorithm as an arithmetic progression in an integer parameter {@code t}
 * clipped to the bounds. The search counts the candidates it rejects ("work"); with a
 * non-negative {@code maxWork} it gives up with {@link Outcome#TOO_HARD} once the count reaches
 * the bound, so the counts (and hence which problems are too hard for a given bound) agree with
 * NumPy's.
 *
 * <p>All arithmetic is exact: 64-bit with overflow checks, widened to {@link BigInteger} where the
 * parametrisation of the two-variable solutions needs 128 bits. Results that do not fit in 64 bits
 * give {@link Outcome#OVERFLOW}, never a wrong answer.
 *
 * <p>Package-private: callers use {@link MemOverlap}.
 */
final class Diophantine {

  /** Solver outcome; {@code OVERFLOW} is reported to users as too hard. */
  enum Outcome {
    NO, YES, TOO_HARD, OVERFLOW
  }

  /** Signals an intermediate value outside 64 bits; caught and turned into OVERFLOW. */
  private static final class Overflow extends Exception {
    private static final long serialVersionUID = 1L;

    Overflow() {
      super(null, null, false, false);
    }
  }

  /** The terms of a problem: parallel arrays of coefficients and upper bounds, first n in use. */
  static final class Terms {
    long[] a;
    long[] ub;
    int n;

    Terms(int capacity) {
      a = new long[capacity];
      ub = new long[capacity];
    }

    Terms(long[] a, long[] ub) {
      if (a.length != ub.length) {
        throw new IllegalArgumentException("coefficients and bounds differ in length");
      }
      this.a = a.clone();
      this.ub = ub.clone();
      this.n = a.length;
    }

    void add(long coef, long bound) {
      a[n] = coef;
      ub[n] = bound;
      n++;
    }

    /** Sorts the terms by coefficient, largest first. */
    void sortDescending() {
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparingLong((Integer i) -> a[i]).reversed());
      long[] na = new long[a.length];
      long[] nu = new long[ub.length];
      for (int i = 0; i < n; i++) {
        na[i] = a[order[i]];
        nu[i] = ub[order[i]];
      }
      a = na;
      ub = nu;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < n; i++) {
        sb.append(i == 0 ? "" : ", ").append(a[i]).append("*x").append(i).append(" (x<=")
            .append(ub[i]).append(')');
      }
      return sb.append(']').toString();
    }
  }

  private Diophantine() {}

  /**
   * Rewrites the terms into an equivalent (same feasibility) problem: sorted by decreasing
   * coefficient, equal coefficients merged (bounds added), every bound clipped to {@code b / a},
   * and variables whose bound becomes 0 dropped. Infeasible problems (a negative bound, or
   * {@code b < 0}) are left untouched: {@link #solve} rejects them.
   *
   * @return false if a merged bound overflows
   */
  static boolean simplify(Terms t, long b) {
    for (int j = 0; j < t.n; j++) {
      if (t.ub[j] < 0) {
        return true;
      }
    }
    if (b < 0) {
      return true;
    }
    t.sortDescending();
    int m = 0;
    boolean overflow = false;
    for (int j = 0; j < t.n; j++) {
      if (m > 0 && t.a[m - 1] == t.a[j]) {
        long sum = t.ub[m - 1] + t.ub[j];
        if (((t.ub[m - 1] ^ sum) & (t.ub[j] ^ sum)) < 0) {
          overflow = true;
        }
        t.ub[m - 1] = sum;
      } else {
        t.a[m] = t.a[j];
        t.ub[m] = t.ub[j];
        m++;
      }
    }
    int k = 0;
    for (int j = 0; j < m; j++) {
      long bound = Math.min(t.ub[j], b / t.a[j]);
      if (bound != 0) {
        t.a[k] = t.a[j];
        t.ub[k] = bound;
        k++;
      }
    }
    t.n = k;
    return !overflow;
  }

  /**
   * Decides {@code sum(a[i] x[i]) == b, 0 <= x[i] <= ub[i]}. The coefficients must be positive and
   * should be sorted largest first (the search is correct in any order, but the work it needs,
   * and NumPy's counts, assume that order).
   *
   * <p>With {@code requireNontrivial}, every bound must be even and {@code b} is ignored: the
   * problem is {@code b = sum(a[i] * ub[i] / 2)} and the solution {@code x[i] = ub[i] / 2} does
   * not count (the internal-overlap problem).
   *
   * @param maxWork bound on rejected candidates; negative means unbounded
   * @param x receives a solution when the outcome is YES (length at least n), may be null
   */
  static Outcome solve(Terms t, long b, long maxWork, boolean requireNontrivial, long[] x) {
    int n = t.n;
    for (int j = 0; j < n; j++) {
      if (t.a[j] <= 0) {
        throw new IllegalArgumentException("coefficients must be positive: " + t);
      }
      if (t.ub[j] < 0) {
        return Outcome.NO;
      }
    }
    if (requireNontrivial) {
      long sum = 0;
      for (int j = 0; j < n; j++) {
        if (t.ub[j] % 2 != 0) {
          throw new IllegalArgumentException("bounds must be even: " + t);
        }
        try {
          sum = Math.addExact(sum, Math.multiplyExact(t.a[j], t.ub[j] / 2));
        } catch (ArithmeticException e) {
          return Outcome.OVERFLOW;
        }
      }
      b = sum;
    }
    if (b < 0) {
      return Outcome.NO;
    }
    long[] sol = x != null && x.length >= n ? x : new long[Math.max(n, 1)];
    if (n == 0) {
      return !requireNontrivial && b == 0 ? Outcome.YES : Outcome.NO;
    }
    if (n == 1) {
      if (!requireNontrivial && b % t.a[0] == 0 && b / t.a[0] <= t.ub[0]) {
        sol[0] = b / t.a[0];
        return Outcome.YES;
      }
      return Outcome.NO;
    }
    Search s = new Search(t, maxWork, requireNontrivial, sol);
    try {
      s.precompute();
      return s.dfs(n - 1, b);
    } catch (Overflow e) {
      return Outcome.OVERFLOW;
    }
  }

  /** State of one depth-first search. */
  private static final class Search {
    private final long[] a;
    private final long[] ub;
    private final int n;
    private final long maxWork;
    private final boolean requireNontrivial;
    private final long[] x;
    private long count;

    /** g[k] = gcd(a[0..k+1]); gu[k] = bound of the merged variable (sum a[i] ub[i] / g[k]). */
    private final long[] g;
    private final long[] gu;
    /** Bezout coefficients: gamma[k] * g[k-1] + eps[k] * a[k+1] == g[k] (g[-1] = a[0]). */
    private final long[] gamma;
    private final long[] eps;

    /** Output of {@link #progression}: first solution pair and number of further steps. */
    private long first1;
    private long first2;
    private long steps;

    Search(Terms t, long maxWork, boolean requireNontrivial, long[] x) {
      this.a = t.a;
      this.ub = t.ub;
      this.n = t.n;
      this.maxWork = maxWork;
      this.requireNontrivial = requireNontrivial;
      this.x = x;
      this.g = new long[n];
      this.gu = new long[n];
      this.gamma = new long[n];
      this.eps = new long[n];
    }

    void precompute() throws Overflow {
      for (int k = 0; k + 1 < n; k++) {
        long prevA = k == 0 ? a[0] : g[k - 1];
        long prevU = k == 0 ? ub[0] : gu[k - 1];
        euclid(prevA, a[k + 1], k);
        if (k + 2 < n) {
          // Only merged variables that are merged again need a bound.
          gu[k] = addExact(multiplyExact(prevA / g[k], prevU), multiplyExact(a[k + 1] / g[k],
              ub[k + 1]));
        }
      }
    }

    /** Extended Euclid for p, q > 0: fills g[k], gamma[k], eps[k] with small coefficients. */
    private void euclid(long p, long q, int k) {
      long r0 = p;
      long r1 = q;
      long s0 = 1;
      long s1 = 0;
      long t0 = 0;
      long t1 = 1;
      while (r1 != 0) {
        long quot = r0 / r1;
        long r2 = r0 - quot * r1;
        r0 = r1;
        r1 = r2;
        long s2 = s0 - quot * s1;
        s0 = s1;
        s1 = s2;
        long t2 = t0 - quot * t1;
        t0 = t1;
        t1 = t2;
      }
      g[k] = r0;
      gamma[k] = s0;
      eps[k] = t0;
    }

    /**
     * Level v (1 <= v < n): the equation {@code A y + a[v] x[v] == b} where y is the merge of
     * x[0..v-1] (x[0] itself when v == 1).
     */
    Outcome dfs(int v, long b) throws Overflow {
      if (maxWork >= 0 && count >= maxWork) {
        return Outcome.TOO_HARD;
      }
      long coefY = v == 1 ? a[0] : g[v - 2];
      long boundY = v == 1 ? ub[0] : gu[v - 2];
      long coefX = a[v];
      long boundX = ub[v];
      long d = g[v - 1];
      if (b % d != 0) {
        count++;
        return Outcome.NO;
      }
      // Solutions: y = gamma*c + stepY*t, x[v] = eps*c - stepX*t for integer t.
      long c = b / d;
      long stepY = coefX / d;
      long stepX = coefY / d;
      if (!progression(gamma[v - 1], eps[v - 1], c, stepY, stepX, boundY, boundX)) {
        count++;
        return Outcome.NO;
      }
      long y0 = first1;
      long x0 = first2;
      long span = steps;
      if (v == 1) {
        x[0] = y0;
        x[1] = x0;
        if (requireNontrivial && isTrivial()) {
          // The trivial solution is the centre of a symmetric range, so it comes first only when
          // it is alone.
          count++;
          return Outcome.NO;
        }
        return Outcome.YES;
      }
      for (long t = 0; t <= span; t++) {
        x[v] = x0 - stepX * t;
        Outcome r = dfs(v - 1, subtractExact(b, multiplyExact(coefX, x[v])));
        if (r != Outcome.NO) {
          return r;
        }
      }
      count++;
      return Outcome.NO;
    }

    private boolean isTrivial() {
      for (int j = 0; j < n; j++) {
        if (x[j] != ub[j] / 2) {
          return false;
        }
      }
      return true;
    }

    /**
     * Clips {@code y = p*c + sy*t in [0, uy]}, {@code z = q*c - sz*t in [0, uz]} (sy, sz > 0) to
     * its range of t. Sets {@link #first1}, {@link #first2} (the solution at the smallest t) and
     * {@link #steps} (largest t minus smallest t).
     *
     * @return false if no t satisfies the bounds
     */
    private boolean progression(long p, long q, long c, long sy, long sz, long uy, long uz)
        throws Overflow {
      try {
        long y0 = Math.multiplyExact(p, c);
        long z0 = Math.multiplyExact(q, c);
        long lo = Math.max(ceilDiv(Math.negateExact(y0), sy),
            ceilDiv(Math.subtractExact(z0, uz), sz));
        long hi = Math.min(Math.floorDiv(Math.subtractExact(uy, y0), sy), Math.floorDiv(z0, sz));
        if (lo > hi) {
          return false;
        }
        first1 = Math.addExact(y0, Math.multiplyExact(sy, lo));
        first2 = Math.subtractExact(z0, Math.multiplyExact(sz, lo));
        steps = Math.subtractExact(hi, lo);
        return true;
      } catch (ArithmeticException e) {
        return progressionWide(p, q, c, sy, sz, uy, uz);
      }
    }

    /** {@link #progression} in arbitrary precision, for when the 64-bit version overflows. */
    private boolean progressionWide(long p, long q, long c, long sy, long sz, long uy, long uz)
        throws Overflow {
      BigInteger bc = BigInteger.valueOf(c);
      BigInteger y0 = BigInteger.valueOf(p).multiply(bc);
      BigInteger z0 = BigInteger.valueOf(q).multiply(bc);
      BigInteger bsy = BigInteger.valueOf(sy);
      BigInteger bsz = BigInteger.valueOf(sz);
      BigInteger lo = ceilDiv(y0.negate(), bsy).max(ceilDiv(z0.subtract(BigInteger.valueOf(uz)),
          bsz));
      BigInteger hi = floorDiv(BigInteger.valueOf(uy).subtract(y0), bsy).min(floorDiv(z0, bsz));
      if (lo.compareTo(hi) > 0) {
        return false;
      }
      first1 = toLong(y0.add(bsy.multiply(lo)));
      first2 = toLong(z0.subtract(bsz.multiply(lo)));
      steps = toLong(hi.subtract(lo));
      return true;
    }
  }

  /** Ceiling division for den > 0; throws ArithmeticException only for num == Long.MIN_VALUE. */
  private static long ceilDiv(long num, long den) {
    return -Math.floorDiv(Math.negateExact(num), den);
  }

  private static BigInteger floorDiv(BigInteger num, BigInteger den) {
    BigInteger[] qr = num.divideAndRemainder(den);
    return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
  }

  private static BigInteger ceilDiv(BigInteger num, BigInteger den) {
    return floorDiv(num.negate(), den).negate();
  }

  private static long toLong(BigInteger v) throws Overflow {
    if (v.bitLength() > 63) {
      throw new Overflow();
    }
    return v.longValue();
  }

  private static long addExact(long p, long q) throws Overflow {
    long r = p + q;
    if (((p ^ r) & (q ^ r)) < 0) {
      throw new Overflow();
    }
    return r;
  }

  private static long subtractExact(long p, long q) throws Overflow {
    long r = p - q;
    if (((p ^ q) & (p ^ r)) < 0) {
      throw new Overflow();
    }
    return r;
  }

  private static long multiplyExact(long p, long q) throws Overflow {
    long hi = Math.multiplyHigh(p, q);
    long lo = p * q;
    if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
      return lo;
    }
    throw new Overflow();
  }
}
