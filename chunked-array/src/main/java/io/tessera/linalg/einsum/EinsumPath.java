package io.tessera.linalg.einsum;

import io.tessera.errors.EinsumException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Contraction-path planning for einsum: NumPy's {@code einsum_path} (numpy/_core/einsumfunc.py),
 * same optimizers, same cost model, same tie-breaking, so the same paths, FLOP counts and report.
 *
 * <p>Cost model (NumPy's {@code _flop_count}): a step touching indices I over k operands costs
 * {@code prod(size(i) for i in I) * (max(1, k - 1) + (1 if it sums an index else 0))}. The memory
 * limit bounds the elements of every intermediate the optimizers may create; a step over the limit
 * is not considered, and when nothing fits the remaining operands are contracted in one step.
 *
 * <p>All counts are exact (arbitrary precision), as NumPy's Python ints are.
 */
public final class EinsumPath {
  /** Memory limit meaning "NumPy's default": the largest input or output, in elements. */
  public static final long DEFAULT_MEMORY_LIMIT = -1;

  private EinsumPath() {}

  /** {@code np.einsum_path(subscripts, *operands, optimize=strategy)}. */
  public static Path plan(EinsumSpec spec, Strategy strategy) {
    return plan(spec, strategy, DEFAULT_MEMORY_LIMIT);
  }

  /** {@code optimize=True} (greedy) or {@code optimize=False} (one step). */
  public static Path plan(EinsumSpec spec, boolean optimize) {
    return plan(spec, Strategy.of(optimize), DEFAULT_MEMORY_LIMIT);
  }

  /**
   * {@code np.einsum_path(subscripts, *operands, optimize=(strategy, memoryLimit))}.
   *
   * @param memoryLimit the most elements an intermediate may have, or
   *     {@link #DEFAULT_MEMORY_LIMIT} (-1) for NumPy's default, the largest input or output
   *     (other values, even negative ones, are used as given, as NumPy does: nothing fits a
   *     limit below 1 and every operand is then contracted in one step)
   */
  public static Path plan(EinsumSpec spec, Strategy strategy, long memoryLimit) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(strategy, "strategy");
    Planner p = new Planner(spec);
    BigInteger limit = memoryLimit == DEFAULT_MEMORY_LIMIT ? p.maxSize()
        : BigInteger.valueOf(memoryLimit);
    int n = spec.numOperands();
    List<int[]> path;
    if (strategy == Strategy.NONE || n == 1 || n == 2 || p.indices == p.outputSet) {
      path = new ArrayList<>();
      path.add(range(n));
    } else if (strategy == Strategy.GREEDY) {
      path = p.greedy(limit);
    } else {
      path = p.optimal(limit);
    }
    return p.build(path, strategy, limit);
  }

  /**
   * An explicit path, as {@code optimize=['einsum_path', *steps]}: each step lists positions in
   * the current operand list (results are appended at the end).
   *
   * @throws EinsumException (kind INVALID_PATH) if a position is out of range or repeated within
   *     a step, a step is empty, or operands remain after the last step
   */
  public static Path explicit(EinsumSpec spec, List<int[]> steps) {
    Objects.requireNonNull(spec, "spec");
    Planner p = new Planner(spec);
    int live = spec.numOperands();
    List<int[]> path = new ArrayList<>(steps.size());
    for (int s = 0; s < steps.size(); s++) {
      int[] step = steps.get(s).clone();
      if (step.length == 0) {
        throw invalidPath(spec, "step " + s + " contracts no operand");
      }
      for (int i = 0; i < step.length; i++) {
        if (step[i] < 0 || step[i] >= live) {
          throw invalidPath(spec, "step " + s + " names operand " + step[i] + " but only "
              + live + " operands are left");
        }
        for (int j = 0; j < i; j++) {
          if (step[j] == step[i]) {
            throw invalidPath(spec, "step " + s + " names operand " + step[i] + " twice");
          }
        }
      }
      live = live - step.length + 1;
      path.add(step);
    }
    if (live != 1) {
      throw new EinsumException("einsum_path", EinsumException.Kind.INVALID_PATH,
          "Invalid einsum_path is specified: " + (live - 1) + " more operands has to be "
              + "contracted.", spec.subscripts(), spec.operandShapes(), null);
    }
    return p.build(path, null, null);
  }

  /** {@link #explicit(EinsumSpec, List)} with the steps as varargs. */
  public static Path explicit(EinsumSpec spec, int[]... steps) {
    return explicit(spec, Arrays.asList(steps));
  }

  private static EinsumException invalidPath(EinsumSpec spec, String why) {
    return new EinsumException("einsum_path", EinsumException.Kind.INVALID_PATH,
        "invalid einsum_path: " + why, spec.subscripts(), spec.operandShapes(), null);
  }

  static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  /** Index sets as bit masks over the spec's labels (at most 64, NumPy's dimension limit). */
  private static final class Planner {
    final EinsumSpec spec;
    final String labels;
    final BigInteger[] labelSize;
    final long[] inputSets;
    final long outputSet;
    final long indices;
    final Map<Long, BigInteger> sizeCache = new HashMap<>();

    Planner(EinsumSpec spec) {
      this.spec = spec;
      this.labels = spec.labels();
      if (labels.length() > 64) {
        throw new IllegalStateException("more than 64 labels in " + spec.expression());
      }
      this.labelSize = new BigInteger[labels.length()];
      for (int i = 0; i < labels.length(); i++) {
        labelSize[i] = BigInteger.valueOf(spec.size(labels.charAt(i)));
      }
      int n = spec.numOperands();
      this.inputSets = new long[n];
      long all = 0;
      for (int i = 0; i < n; i++) {
        inputSets[i] = mask(spec.input(i));
        all |= inputSets[i];
      }
      this.indices = all;
      this.outputSet = mask(spec.output());
    }

    long mask(String term) {
      long m = 0;
      for (int i = 0; i < term.length(); i++) {
        m |= 1L << labels.indexOf(term.charAt(i));
      }
      return m;
    }

    /** NumPy's _compute_size_by_dict over a set. */
    BigInteger size(long set) {
      BigInteger s = sizeCache.get(set);
      if (s == null) {
        s = BigInteger.ONE;
        for (long m = set; m != 0; m &= m - 1) {
          s = s.multiply(labelSize[Long.numberOfTrailingZeros(m)]);
        }
        sizeCache.put(set, s);
      }
      return s;
    }

    /** NumPy's _compute_size_by_dict over a term (repeated labels count again). */
    BigInteger termSize(String term) {
      BigInteger s = BigInteger.ONE;
      for (int i = 0; i < term.length(); i++) {
        s = s.multiply(labelSize[labels.indexOf(term.charAt(i))]);
      }
      return s;
    }

    /** The largest input or output: NumPy's default memory limit. */
    BigInteger maxSize() {
      BigInteger m = termSize(spec.output());
      for (String t : spec.inputs()) {
        m = m.max(termSize(t));
      }
      return m;
    }

    /** NumPy's _flop_count. */
    BigInteger flops(long contract, boolean inner, int terms) {
      int factor = Math.max(1, terms - 1) + (inner ? 1 : 0);
      return size(contract).multiply(BigInteger.valueOf(factor));
    }

    /** NumPy's _find_contraction: result set, remaining sets (result last), removed, touched. */
    static final class Found {
      long result;
      long[] remaining;
      long removed;
      long contract;
    }

    static Found find(int[] positions, long[] sets, long outputSet) {
      long contract = 0;
      long remain = outputSet;
      long[] remaining = new long[sets.length - positions.length + 1];
      int r = 0;
      for (int i = 0; i < sets.length; i++) {
        if (contains(positions, i)) {
          contract |= sets[i];
        } else {
          remaining[r++] = sets[i];
          remain |= sets[i];
        }
      }
      Found f = new Found();
      f.result = remain & contract;
      f.removed = contract & ~f.result;
      f.contract = contract;
      remaining[r] = f.result;
      f.remaining = remaining;
      return f;
    }

    static boolean contains(int[] a, int v) {
      for (int x : a) {
        if (x == v) {
          return true;
        }
      }
      return false;
    }

    // ---------------------------------------------------------------- greedy

    /** A candidate pair: NumPy's [sort, positions, new_input_sets]. */
    static final class Candidate {
      final BigInteger negRemoved;
      final BigInteger cost;
      int x;
      int y;
      final List<Long> sets;

      Candidate(BigInteger negRemoved, BigInteger cost, int x, int y, List<Long> sets) {
        this.negRemoved = negRemoved;
        this.cost = cost;
        this.x = x;
        this.y = y;
        this.sets = sets;
      }

      int compareKey(Candidate o) {
        int c = negRemoved.compareTo(o.negRemoved);
        return c != 0 ? c : cost.compareTo(o.cost);
      }
    }

    /** NumPy's _parse_possible_contraction. */
    Candidate possible(int x, int y, long[] sets, BigInteger limit, BigInteger pathCost,
        BigInteger naiveCost) {
      Found f = find(new int[] {x, y}, sets, outputSet);
      BigInteger newSize = size(f.result);
      if (newSize.compareTo(limit) > 0) {
        return null;
      }
      BigInteger removed = size(sets[x]).add(size(sets[y])).subtract(newSize);
      BigInteger cost = flops(f.contract, f.removed != 0, 2);
      if (pathCost.add(cost).compareTo(naiveCost) > 0) {
        return null;
      }
      List<Long> ns = new ArrayList<>(f.remaining.length);
      for (long v : f.remaining) {
        ns.add(v);
      }
      return new Candidate(removed.negate(), cost, x, y, ns);
    }

    /** NumPy's _greedy_path. */
    List<int[]> greedy(BigInteger limit) {
      long[] sets = inputSets.clone();
      List<int[]> path = new ArrayList<>();
      if (sets.length == 1) {
        path.add(new int[] {0});
        return path;
      } else if (sets.length == 2) {
        path.add(new int[] {0, 1});
        return path;
      }
      Found all = find(range(sets.length), sets, outputSet);
      BigInteger naiveCost = flops(all.contract, all.removed != 0, sets.length);

      List<int[]> pairs = new ArrayList<>();
      for (int i = 0; i < sets.length; i++) {
        for (int j = i + 1; j < sets.length; j++) {
          pairs.add(new int[] {i, j});
        }
      }
      List<Candidate> known = new ArrayList<>();
      BigInteger pathCost = BigInteger.ZERO;
      int iterations = sets.length - 1;
      for (int it = 0; it < iterations; it++) {
        for (int[] pos : pairs) {
          if ((sets[pos[0]] & sets[pos[1]]) == 0) {
            continue; // outer products only as a last resort
          }
          Candidate c = possible(pos[0], pos[1], sets, limit, pathCost, naiveCost);
          if (c != null) {
            known.add(c);
          }
        }
        if (known.isEmpty()) {
          for (int i = 0; i < sets.length; i++) {
            for (int j = i + 1; j < sets.length; j++) {
              Candidate c = possible(i, j, sets, limit, pathCost, naiveCost);
              if (c != null) {
                known.add(c);
              }
            }
          }
          if (known.isEmpty()) {
            path.add(range(sets.length));
            break;
          }
        }
        Candidate best = known.get(0);
        for (Candidate c : known) {
          if (c.compareKey(best) < 0) {
            best = c;
          }
        }
        known = updateOthers(known, best);
        sets = best.sets.stream().mapToLong(Long::longValue).toArray();
        int newPos = sets.length - 1;
        pairs = new ArrayList<>();
        for (int i = 0; i < newPos; i++) {
          pairs.add(new int[] {i, newPos});
        }
        path.add(new int[] {best.x, best.y});
        pathCost = pathCost.add(best.cost);
      }
      return path;
    }

    /** NumPy's _update_other_results. */
    static List<Candidate> updateOthers(List<Candidate> results, Candidate best) {
      int bx = best.x;
      int by = best.y;
      long bestNew = best.sets.get(best.sets.size() - 1);
      List<Candidate> mod = new ArrayList<>();
      for (Candidate c : results) {
        int x = c.x;
        int y = c.y;
        if (x == bx || x == by || y == bx || y == by) {
          continue;
        }
        List<Long> s = c.sets;
        s.remove(by - (by > x ? 1 : 0) - (by > y ? 1 : 0));
        s.remove(bx - (bx > x ? 1 : 0) - (bx > y ? 1 : 0));
        s.add(s.size() - 1, bestNew);
        c.x = x - (x > bx ? 1 : 0) - (x > by ? 1 : 0);
        c.y = y - (y > bx ? 1 : 0) - (y > by ? 1 : 0);
        mod.add(c);
      }
      return mod;
    }

    // ---------------------------------------------------------------- optimal

    /**
     * NumPy's _optimal_path. NumPy keeps every feasible partial path of each length in a list and
     * takes the first cheapest; a depth-first walk visits the same partial paths in the same order,
     * so keeping the first cheapest per length gives the same answer in little memory.
     */
    List<int[]> optimal(BigInteger limit) {
      int n = inputSets.length;
      int deepest;
      int[][][] bestPath;
      // Any pair costs at most 2 * size(all indices) and a path has n - 1 of them: if that fits
      // in a long, search with longs (same comparisons, same answer), else with BigIntegers.
      BigInteger bound = size(indices).multiply(BigInteger.valueOf(2L * n));
      if (bound.bitLength() < 62) {
        OptimalLong o = new OptimalLong(n, limit.min(BigInteger.valueOf(Long.MAX_VALUE))
            .max(BigInteger.valueOf(Long.MIN_VALUE)).longValue());
        o.walk(0, 0, inputSets);
        deepest = o.deepest;
        bestPath = o.bestPath;
      } else {
        Optimal o = new Optimal(n, limit);
        o.walk(0, BigInteger.ZERO, inputSets);
        deepest = o.deepest;
        bestPath = o.bestPath;
      }
      List<int[]> path = new ArrayList<>();
      if (deepest == n - 1) {
        path.addAll(Arrays.asList(bestPath[n - 1]));
      } else {
        if (deepest > 0) {
          path.addAll(Arrays.asList(bestPath[deepest]));
        }
        path.add(range(n - deepest));
      }
      return path;
    }

    /** {@link Optimal} in long arithmetic, for when no count can overflow. */
    final class OptimalLong {
      final int n;
      final long limit;
      final long[] sizes;
      final long[] bestCost;
      final int[][][] bestPath;
      final int[][] current;
      int deepest;

      OptimalLong(int n, long limit) {
        this.n = n;
        this.limit = limit;
        this.sizes = new long[labelSize.length];
        for (int i = 0; i < sizes.length; i++) {
          sizes[i] = labelSize[i].longValueExact();
        }
        this.bestCost = new long[n];
        this.bestPath = new int[n][][];
        this.current = new int[n][];
      }

      long size(long set) {
        long s = 1;
        for (long m = set; m != 0; m &= m - 1) {
          s *= sizes[Long.numberOfTrailingZeros(m)];
        }
        return s;
      }

      void walk(int depth, long cost, long[] sets) {
        int m = n - depth;
        for (int a = 0; a < m; a++) {
          for (int b = a + 1; b < m; b++) {
            int[] con = {a, b};
            Found f = find(con, sets, outputSet);
            if (size(f.result) > limit) {
              continue;
            }
            long total = cost + size(f.contract) * (f.removed != 0 ? 2 : 1);
            current[depth] = con;
            int d = depth + 1;
            deepest = Math.max(deepest, d);
            if (bestPath[d] == null || total < bestCost[d]) {
              bestCost[d] = total;
              bestPath[d] = Arrays.copyOf(current, d);
            }
            if (d < n - 1) {
              walk(d, total, f.remaining);
            }
          }
        }
      }
    }

    final class Optimal {
      final int n;
      final BigInteger limit;
      final BigInteger[] bestCost;
      final int[][][] bestPath;
      final int[][] current;
      int deepest;

      Optimal(int n, BigInteger limit) {
        this.n = n;
        this.limit = limit;
        this.bestCost = new BigInteger[n];
        this.bestPath = new int[n][][];
        this.current = new int[n][];
      }

      void walk(int depth, BigInteger cost, long[] sets) {
        int m = n - depth;
        for (int a = 0; a < m; a++) {
          for (int b = a + 1; b < m; b++) {
            int[] con = {a, b};
            Found f = find(con, sets, outputSet);
            if (size(f.result).compareTo(limit) > 0) {
              continue;
            }
            BigInteger total = cost.add(flops(f.contract, f.removed != 0, 2));
            current[depth] = con;
            int d = depth + 1;
            deepest = Math.max(deepest, d);
            if (bestCost[d] == null || total.compareTo(bestCost[d]) < 0) {
              bestCost[d] = total;
              bestPath[d] = Arrays.copyOf(current, d);
            }
            if (d < n - 1) {
              walk(d, total, f.remaining);
            }
          }
        }
      }
    }

    // ---------------------------------------------------------------- steps and report

    Path build(List<int[]> path, Strategy strategy, BigInteger limit) {
      List<String> inputList = new ArrayList<>(spec.inputs());
      List<long[]> shapes = new ArrayList<>(Arrays.asList(spec.operandShapes()));
      long[] sets = inputSets.clone();
      String output = spec.output();
      List<Contraction> steps = new ArrayList<>();
      for (int s = 0; s < path.size(); s++) {
        int[] positions = path.get(s);
        int[] inds = positions.clone();
        Arrays.sort(inds);
        for (int i = 0; i < inds.length / 2; i++) {
          int t = inds[i];
          inds[i] = inds[inds.length - 1 - i];
          inds[inds.length - 1 - i] = t;
        }
        Found f = find(inds, sets, outputSet);
        sets = f.remaining;
        BigInteger cost = flops(f.contract, f.removed != 0, inds.length);
        int scale = Long.bitCount(f.contract);
        BigInteger resultSize = size(f.result);

        List<String> tmp = new ArrayList<>();
        long[][] tmpShapes = new long[inds.length][];
        for (int k = 0; k < inds.length; k++) {
          tmp.add(inputList.remove(inds[k]));
          tmpShapes[k] = shapes.remove(inds[k]);
        }
        String result = s == path.size() - 1 ? output : sortedBySize(f.result);
        long[] resultShape = resultShape(result, tmp, tmpShapes);
        inputList.add(result);
        shapes.add(resultShape);
        boolean blas = canDot(tmp, f.result, f.removed);
        steps.add(new Contraction(positions.clone(), inds, tmp, result, chars(f.contract),
            chars(f.removed), new ArrayList<>(inputList), output, scale, cost, resultSize,
            tmpShapes, resultShape, blas));
      }
      int naiveScaling = Long.bitCount(indices);
      int distinctPerTerm = 0;
      for (String t : spec.inputs()) {
        distinctPerTerm += Long.bitCount(mask(t));
      }
      boolean inner = distinctPerTerm - naiveScaling > 0;
      BigInteger naive = flops(indices, inner, spec.numOperands());
      return new Path(spec, strategy, limit, steps, naiveScaling, naive);
    }

    /** The labels of a set sorted by (size, label), NumPy's order for intermediate terms. */
    String sortedBySize(long set) {
      List<Character> cs = new ArrayList<>();
      for (long m = set; m != 0; m &= m - 1) {
        cs.add(labels.charAt(Long.numberOfTrailingZeros(m)));
      }
      cs.sort((a, b) -> {
        int c = Long.compare(spec.size(a), spec.size(b));
        return c != 0 ? c : Character.compare(a, b);
      });
      StringBuilder sb = new StringBuilder();
      for (char c : cs) {
        sb.append(c);
      }
      return sb.toString();
    }

    String chars(long set) {
      StringBuilder sb = new StringBuilder();
      for (long m = set; m != 0; m &= m - 1) {
        sb.append(labels.charAt(Long.numberOfTrailingZeros(m)));
      }
      return sb.toString();
    }

    static long[] resultShape(String result, List<String> terms, long[][] shapes) {
      long[] out = new long[result.length()];
      for (int i = 0; i < result.length(); i++) {
        char c = result.charAt(i);
        long d = 1;
        for (int k = 0; k < terms.size(); k++) {
          String t = terms.get(k);
          for (int j = 0; j < t.length(); j++) {
            if (t.charAt(j) == c && shapes[k][j] != 1) {
              d = shapes[k][j];
            }
          }
        }
        out[i] = d;
      }
      return out;
    }

    /** NumPy's (pre-2.3) _can_dot. */
    boolean canDot(List<String> inputs, long result, long removed) {
      if (removed == 0 || inputs.size() != 2) {
        return false;
      }
      String l = inputs.get(0);
      String r = inputs.get(1);
      long union = mask(l) | mask(r);
      for (long m = union; m != 0; m &= m - 1) {
        char c = labels.charAt(Long.numberOfTrailingZeros(m));
        int nl = count(l, c);
        int nr = count(r, c);
        if (nl > 1 || nr > 1 || nl + nr > 2) {
          return false;
        }
        int inResult = (result & (1L << labels.indexOf(c))) != 0 ? 1 : 0;
        if (nl + nr - 1 == inResult) {
          return false;
        }
      }
      long setL = mask(l);
      long setR = mask(r);
      long keepL = setL & ~removed;
      long keepR = setR & ~removed;
      int rs = Long.bitCount(removed);
      if (l.equals(r)) {
        return true;
      }
      if (setL == setR) {
        return false;
      }
      if (tail(l, rs).equals(head(r, rs)) || head(l, rs).equals(tail(r, rs))
          || tail(l, rs).equals(tail(r, rs)) || head(l, rs).equals(head(r, rs))) {
        return true;
      }
      return keepL != 0 && keepR != 0;
    }

    static int count(String s, char c) {
      int n = 0;
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) == c) {
          n++;
        }
      }
      return n;
    }

    /** Python's s[-n:]. */
    static String tail(String s, int n) {
      return n >= s.length() ? s : s.substring(s.length() - n);
    }

    /** Python's s[:n]. */
    static String head(String s, int n) {
      return n >= s.length() ? s : s.substring(0, n);
    }
  }
}
