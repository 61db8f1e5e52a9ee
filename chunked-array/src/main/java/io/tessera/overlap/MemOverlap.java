package io.tessera.overlap;

import io.tessera.errors.TooHardException;
import io.tessera.overlap.Diophantine.Outcome;
import io.tessera.overlap.Diophantine.Terms;
import io.tessera.shape.Layout;

/**
 * Do two strided layouts over the same buffer share memory? NumPy's {@code may_share_memory},
 * {@code shares_memory} and internal-overlap test, with the same algorithm and the same work
 * accounting as NumPy's {@code mem_overlap.c}, so the answers (including which problems are "too
 * hard" for a given {@code maxWork}) agree with NumPy's.
 *
 * <p>All methods are pure functions of the layouts; the caller checks first that the two arrays
 * are views of the same buffer (arrays over different buffers never share memory). Overlap means
 * a shared <em>byte</em>: elements are {@code itemsize} bytes wide, so views of one buffer with
 * different item sizes or odd byte offsets are handled exactly.
 *
 * <p>The exact question is an integer program: is there an element index {@code i} of {@code a}
 * and {@code j} of {@code b}, and byte positions {@code p < a.itemsize}, {@code q < b.itemsize},
 * with {@code a.offset + sum(a.strides * i) + p == b.offset + sum(b.strides * j) + q}? Flipping
 * negative strides and dropping zero strides and length-1 axes turns it into a bounded linear
 * Diophantine equation with positive coefficients, solved by {@link Diophantine}. The problem is
 * NP-hard in the number of dimensions; {@code maxWork} bounds the number of candidates the search
 * may reject:
 *
 * <ul>
 *   <li>{@code maxWork < 0}: exact, unbounded (NumPy's {@code MAY_SHARE_EXACT}, -1);
 *   <li>{@code maxWork == 0}: only the byte extents are compared (NumPy's
 *       {@code MAY_SHARE_BOUNDS}); intersecting extents give {@link Overlap#TOO_HARD};
 *   <li>{@code maxWork > 0}: exact within that many candidates, else {@link Overlap#TOO_HARD}.
 * </ul>
 *
 * <p>Integer overflow (only possible for layouts spanning close to 2^63 bytes) also gives
 * {@link Overlap#TOO_HARD}: never a guessed answer.
 */
public final class MemOverlap {

  /** NumPy's {@code MAY_SHARE_EXACT}: solve exactly, however long it takes. */
  public static final long EXACT = -1;
  /** NumPy's {@code MAY_SHARE_BOUNDS}: compare the byte extents only. */
  public static final long BOUNDS = 0;

  private MemOverlap() {}

  /**
   * Decides whether {@code a} and {@code b} (layouts over the same buffer) share a byte.
   *
   * @param maxWork {@code < 0} exact; {@code 0} extents only; {@code > 0} bound on the work
   * @return {@link Overlap#NO} or {@link Overlap#YES} when proven, {@link Overlap#TOO_HARD} when
   *     the bound was reached (or the problem overflows 64-bit arithmetic)
   */
  public static Overlap solve(Layout a, Layout b, long maxWork) {
    return publicOutcome(solveDetailed(a, b, maxWork));
  }

  /**
   * NumPy's {@code np.may_share_memory(a, b)}: true when the byte extents intersect. Empty layouts
   * never share memory.
   */
  public static boolean mayShareMemory(Layout a, Layout b) {
    return mayShareMemory(a, b, BOUNDS);
  }

  /**
   * NumPy's {@code np.may_share_memory(a, b, max_work=maxWork)}: false only when proven disjoint
   * within the bound; an undecided problem answers true.
   */
  public static boolean mayShareMemory(Layout a, Layout b, long maxWork) {
    return solveDetailed(a, b, maxWork) != Outcome.NO;
  }

  /**
   * NumPy's {@code np.shares_memory(a, b)}: the exact answer (default {@code max_work=-1}, no work
   * bound; exponential for adversarial layouts, see {@link #sharesMemory(Layout, Layout, long)}).
   *
   * @throws TooHardException only if the problem does not fit in 64-bit arithmetic (NumPy raises
   *     OverflowError "Integer overflow in computing overlap" there)
   */
  public static boolean sharesMemory(Layout a, Layout b) {
    return sharesMemory(a, b, EXACT);
  }

  /**
   * NumPy's {@code np.shares_memory(a, b, max_work=maxWork)}.
   *
   * @throws TooHardException when the answer is not proven within {@code maxWork} (NumPy's
   *     TooHardError "Exceeded max_work"; always the case for {@code maxWork == 0} and
   *     intersecting extents), or on integer overflow
   */
  public static boolean sharesMemory(Layout a, Layout b, long maxWork) {
    Outcome r = solveDetailed(a, b, maxWork);
    switch (r) {
      case NO:
        return false;
      case YES:
        return true;
      case TOO_HARD:
        throw new TooHardException("shares_memory",
            "shares_memory: Exceeded max_work (max_work=" + maxWork + ")");
      default:
        throw new TooHardException("shares_memory",
            "shares_memory: Integer overflow in computing overlap");
    }
  }

  /**
   * Whether two distinct elements of {@code a} share a byte (NumPy's
   * {@code solve_may_have_internal_overlap}), as for {@code as_strided} views with zero or
   * overlapping strides, or broadcast views.
   *
   * @param maxWork as in {@link #solve}; note that {@code 0} gives TOO_HARD for any layout that is
   *     not trivially decided, as in NumPy
   */
  public static Overlap solveInternalOverlap(Layout a, long maxWork) {
    return publicOutcome(internalDetailed(a, maxWork));
  }

  /**
   * Exact (unbounded) internal-overlap test: true when two distinct elements of {@code a} share a
   * byte. Answers true (the safe side, for a writer) in the overflow case where no exact answer
   * can be computed.
   */
  public static boolean isInternallyOverlapping(Layout a) {
    return internalDetailed(a, EXACT) != Outcome.NO;
  }

  // ---------------------------------------------------------------------------------------------

  private static Overlap publicOutcome(Outcome r) {
    switch (r) {
      case NO:
        return Overlap.NO;
      case YES:
        return Overlap.YES;
      default:
        return Overlap.TOO_HARD;
    }
  }

  /** The solver outcome, keeping OVERFLOW apart from TOO_HARD (for messages). */
  static Outcome solveDetailed(Layout a, Layout b, long maxWork) {
    if (isEmpty(a) || isEmpty(b)) {
      return Outcome.NO;
    }
    long[] ea = byteExtent(a);
    long[] eb = byteExtent(b);
    if (ea == null || eb == null) {
      return Outcome.OVERFLOW;
    }
    long startA = ea[0];
    long endA = ea[1];
    long startB = eb[0];
    long endB = eb[1];
    if (!(startA < endB && startB < endA && startA < endA && startB < endB)) {
      return Outcome.NO;
    }
    if (maxWork == 0) {
      return Outcome.TOO_HARD;
    }

    // Writing each element address both from the low end of its extent (positive strides) and
    // from the high end (end - 1 - ...), the overlap condition becomes either
    //   sum(|sa| i) + sum(|sb| j') + p + q' == endB - 1 - startA   or
    //   sum(|sa| i') + sum(|sb| j) + p' + q == endA - 1 - startB,
    // with all variables in [0, bound]. Both are equivalent; the smaller right-hand side gives the
    // smaller search. Both are >= 0 after the extent check; a difference that overflows is larger
    // than Long.MAX_VALUE and loses the comparison.
    boolean wide1 = overflows(endB - 1, startA);
    boolean wide2 = overflows(endA - 1, startB);
    if (wide1 && wide2) {
      return Outcome.OVERFLOW;
    }
    long rhs = wide1 ? endA - 1 - startB
        : wide2 ? endB - 1 - startA
        : Math.min(endB - 1 - startA, endA - 1 - startB);

    Terms terms = new Terms(a.ndim() + b.ndim() + 2);
    if (!addStrideTerms(terms, a, true) || !addStrideTerms(terms, b, true)) {
      return Outcome.OVERFLOW;
    }
    if (a.itemsize() > 1) {
      terms.add(1, a.itemsize() - 1);
    }
    if (b.itemsize() > 1) {
      terms.add(1, b.itemsize() - 1);
    }
    if (!Diophantine.simplify(terms, rhs)) {
      return Outcome.OVERFLOW;
    }
    return Diophantine.solve(terms, rhs, maxWork, false, null);
  }

  static Outcome internalDetailed(Layout a, long maxWork) {
    if (a.isCContiguous()) {
      return Outcome.NO;
    }
    // Two different index tuples i != k with sum(s i) + p == sum(s k) + q: flipping the variables
    // of negative strides and substituting z = i' + k'' gives
    //   sum(|s| z) == sum(|s| (shape - 1)),  0 <= z <= 2 (shape - 1),  z != shape - 1,
    // with the item bytes as one more term of coefficient 1.
    Terms raw = new Terms(a.ndim() + 1);
    if (!addStrideTerms(raw, a, false)) {
      return Outcome.OVERFLOW;
    }
    if (a.itemsize() > 1) {
      raw.add(1, a.itemsize() - 1);
    }
    Terms terms = new Terms(raw.n);
    for (int j = 0; j < raw.n; j++) {
      if (raw.ub[j] == 0) {
        continue;
      }
      if (raw.ub[j] < 0) {
        return Outcome.NO; // empty
      }
      if (raw.a[j] == 0) {
        return Outcome.YES; // zero stride on an axis of length > 1
      }
      if (raw.ub[j] > Long.MAX_VALUE / 2) {
        return Outcome.OVERFLOW;
      }
      terms.add(raw.a[j], 2 * raw.ub[j]);
    }
    // No simplify here: merging terms would change which solution is the trivial one.
    terms.sortDescending();
    return Diophantine.solve(terms, -1, maxWork, true, null);
  }

  /**
   * Appends (|stride|, shape - 1) for each axis; with {@code skipTrivial}, axes of length <= 1 and
   * zero strides are left out. False if a stride has no absolute value (Long.MIN_VALUE).
   */
  private static boolean addStrideTerms(Terms terms, Layout l, boolean skipTrivial) {
    long[] shape = l.shape();
    long[] strides = l.strides();
    for (int i = 0; i < shape.length; i++) {
      if (skipTrivial && (shape[i] <= 1 || strides[i] == 0)) {
        continue;
      }
      if (strides[i] == Long.MIN_VALUE) {
        return false;
      }
      terms.add(Math.abs(strides[i]), shape[i] - 1);
    }
    return true;
  }

  /**
   * Byte extent [start, end) of the layout relative to the buffer start, as NumPy's
   * get_array_memory_extents (an empty layout gives start == end == offset); null on overflow.
   */
  static long[] byteExtent(Layout l) {
    long[] shape = l.shape();
    long[] strides = l.strides();
    long lo = 0;
    long hi = 0;
    try {
      for (int i = 0; i < shape.length; i++) {
        if (shape[i] <= 0) {
          return new long[] {l.offset(), l.offset()};
        }
        long span = Math.multiplyExact(strides[i], shape[i] - 1);
        if (span > 0) {
          hi = Math.addExact(hi, span);
        } else {
          lo = Math.addExact(lo, span);
        }
      }
      hi = Math.addExact(hi, l.itemsize());
      return new long[] {Math.addExact(l.offset(), lo), Math.addExact(l.offset(), hi)};
    } catch (ArithmeticException e) {
      return null;
    }
  }

  private static boolean isEmpty(Layout l) {
    for (long d : l.shape()) {
      if (d <= 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean overflows(long p, long q) {
    long r = p - q;
    return ((p ^ q) & (p ^ r)) < 0;
  }
}
