package io.tessera.chunk;

import io.tessera.dtype.DType;
import java.io.Serializable;

/**
 * Exact sums of doubles, one per output element: each output holds Shewchuk's non-overlapping
 * expansion (the partials of Python's {@code math.fsum}, usually one to four doubles), so adding
 * is exact and the order of additions (the chunk grid, the thread count) cannot change the value.
 * The final value is rounded once: to float64 by {@code fsum}'s correctly rounded last step, to
 * float32/float16 through {@link ChunkedReductions.ExactSum}. An intermediate overflow (two finite
 * partials whose sum is infinite) moves that output to a full {@link ChunkedReductions.ExactSum},
 * which spans the whole float64 range, so the sum stays exact. NaN and infinities are counted
 * aside and give IEEE's result: NaN if any NaN or both infinities, else the infinity.
 *
 * <p>A zero sum is {@code -0.0} only when every element added was {@code -0.0} (IEEE's rule for
 * a sum of zeros). Memory: about 60 bytes per output while the expansions stay short; a partial
 * of at most {@link #DENSE} outputs uses a full accumulator per output (about 600 bytes each),
 * which adds faster. Either way the value is exact, so the choice never changes a result.
 */
final class ExactSums implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final byte NAN = 1;
  private static final byte POS_INF = 2;
  private static final byte NEG_INF = 4;
  /** An element other than -0.0 was added. */
  private static final byte NOT_NEG_ZERO = 8;
  /** Something was added. */
  private static final byte SEEN = 16;

  private final double[][] parts;
  private final int[] len;
  private final byte[] flags;
  private ChunkedReductions.ExactSum[] big;

  /** Up to this many outputs, each gets a full superaccumulator at once (faster adds). */
  static final int DENSE = 1024;

  ExactSums(int outputs) {
    parts = new double[outputs][];
    len = new int[outputs];
    flags = new byte[outputs];
    if (outputs <= DENSE) {
      big = new ChunkedReductions.ExactSum[outputs];
      for (int o = 0; o < outputs; o++) {
        big[o] = new ChunkedReductions.ExactSum();
      }
    }
  }

  int size() {
    return len.length;
  }

  /** Adds {@code x} to output {@code o}, exactly. */
  void add(int o, double x) {
    flags[o] |= Double.doubleToRawLongBits(x) != 0x8000000000000000L ? SEEN | NOT_NEG_ZERO
        : SEEN;
    if (!Double.isFinite(x)) {
      flags[o] |= x != x ? NAN : x > 0 ? POS_INF : NEG_INF;
      return;
    }
    if (big != null && big[o] != null) {
      big[o].add(x);
      return;
    }
    double[] p = parts[o];
    int n = len[o];
    int i = 0;
    for (int k = 0; k < n; k++) {
      double y = p[k];
      if (Math.abs(x) < Math.abs(y)) {
        double t = x;
        x = y;
        y = t;
      }
      double hi = x + y;
      if (Double.isInfinite(hi)) {
        overflow(o, p, i, k + 1, n, x, y);
        return;
      }
      double lo = y - (hi - x);
      if (lo != 0) {
        p[i++] = lo;
      }
      x = hi;
    }
    if (x != 0) {
      if (p == null || i == p.length) {
        double[] q = new double[p == null ? 2 : p.length * 2];
        if (p != null) {
          System.arraycopy(p, 0, q, 0, i);
        }
        p = q;
        parts[o] = p;
      }
      p[i++] = x;
    }
    len[o] = i;
  }

  /**
   * Adds {@code v[0..c)} to output {@code o}: one tight loop into the output's full accumulator
   * when it has one (specials are kept by the accumulator itself), else element by element.
   */
  void addRun(int o, double[] v, int c) {
    ChunkedReductions.ExactSum s = big == null ? null : big[o];
    if (s == null) {
      for (int k = 0; k < c; k++) {
        add(o, v[k]);
      }
      return;
    }
    boolean notNegZero = false;
    for (int k = 0; k < c; k++) {
      double x = v[k];
      notNegZero |= Double.doubleToRawLongBits(x) != 0x8000000000000000L;
      s.add(x);
    }
    if (c > 0) {
      flags[o] |= notNegZero ? SEEN | NOT_NEG_ZERO : SEEN;
    }
  }

  /** Moves output {@code o} to a full accumulator: kept partials, x, y, and the unvisited ones. */
  private void overflow(int o, double[] p, int kept, int from, int n, double x, double y) {
    if (big == null) {
      big = new ChunkedReductions.ExactSum[len.length];
    }
    ChunkedReductions.ExactSum s = new ChunkedReductions.ExactSum();
    for (int k = 0; k < kept; k++) {
      s.add(p[k]);
    }
    for (int k = from; k < n; k++) {
      s.add(p[k]);
    }
    s.add(x);
    s.add(y);
    big[o] = s;
    len[o] = 0;
  }

  /** Adds output {@code j} of {@code other} into output {@code o} of this (exact). */
  void addFrom(int o, ExactSums other, int j) {
    flags[o] |= other.flags[j];
    ChunkedReductions.ExactSum ob = other.big == null ? null : other.big[j];
    if (ob != null) {
      toBig(o).add(ob);
    }
    double[] p = other.parts[j];
    for (int k = 0; k < other.len[j]; k++) {
      add(o, p[k]);
    }
  }

  private ChunkedReductions.ExactSum toBig(int o) {
    if (big == null) {
      big = new ChunkedReductions.ExactSum[len.length];
    }
    if (big[o] == null) {
      ChunkedReductions.ExactSum s = new ChunkedReductions.ExactSum();
      for (int k = 0; k < len[o]; k++) {
        s.add(parts[o][k]);
      }
      big[o] = s;
      len[o] = 0;
    }
    return big[o];
  }

  /** Output {@code o} rounded once to float64. */
  double round64(int o) {
    return round(o, DType.FLOAT64);
  }

  /** Output {@code o} rounded once (half-even) to {@code t}, returned as a double. */
  double round(int o, DType t) {
    byte f = flags[o];
    if ((f & NAN) != 0 || (f & (POS_INF | NEG_INF)) == (POS_INF | NEG_INF)) {
      return Double.NaN;
    }
    if ((f & POS_INF) != 0) {
      return Double.POSITIVE_INFINITY;
    }
    if ((f & NEG_INF) != 0) {
      return Double.NEGATIVE_INFINITY;
    }
    double r;
    if (big != null && big[o] != null) {
      r = big[o].round(t);
    } else {
      int n = len[o];
      double[] p = parts[o];
      if (n == 0) {
        r = 0.0;
      } else if (n == 1) {
        r = narrow(p[0], t);
      } else if (t == DType.FLOAT64) {
        r = fsumRound(p, n);
      } else {
        ChunkedReductions.ExactSum s = new ChunkedReductions.ExactSum();
        for (int k = 0; k < n; k++) {
          s.add(p[k]);
        }
        r = s.round(t);
      }
    }
    if (r == 0 && (f & SEEN) != 0 && (f & NOT_NEG_ZERO) == 0) {
      return -0.0;
    }
    return r;
  }

  /** A double rounded once to {@code t} (float32/float16), as a double. */
  static double narrow(double v, DType t) {
    switch (t) {
      case FLOAT32: return (float) v;
      case FLOAT16: return io.tessera.dtype.Float16.toDouble(io.tessera.dtype.Float16
          .fromDouble(v));
      default: return v;
    }
  }

  /**
   * The correctly rounded float64 value of a non-overlapping expansion in increasing magnitude
   * (the last step of CPython's {@code math.fsum}: add from the top until the sum is inexact, then
   * correct a half-way case by the sign of the next partial).
   */
  private static double fsumRound(double[] p, int n) {
    int i = n - 1;
    double hi = p[i];
    double lo = 0;
    while (i > 0) {
      double x = hi;
      double y = p[--i];
      hi = x + y;
      double yr = hi - x;
      lo = y - yr;
      if (lo != 0) {
        break;
      }
    }
    if (i > 0 && ((lo < 0 && p[i - 1] < 0) || (lo > 0 && p[i - 1] > 0))) {
      double y = lo * 2;
      double x = hi + y;
      double yr = x - hi;
      if (y == yr) {
        hi = x;
      }
    }
    return hi;
  }

  /** Bytes held per output while its expansion has at most four partials. */
  static long bytesPerOutput() {
    return 80;
  }
}
