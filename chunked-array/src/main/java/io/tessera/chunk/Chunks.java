package io.tessera.chunk;

import io.tessera.dtype.DType;
import io.tessera.memory.MemoryBudget;
import io.tessera.shape.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An immutable chunk specification: for each axis, the lengths of the blocks along it, as Dask
 * writes them: {@code ((2, 2, 1), (3, 3))} cuts a (5, 6) array into 3 x 2 blocks.
 *
 * <p>Invariants (checked at construction, before any work): every axis has at least one chunk;
 * chunks are non-negative and add up to the axis length; a zero-length chunk appears only on a
 * zero-length axis (where Dask writes {@code (0,)}). Dask itself tolerates zero-length chunks inside
 * non-empty axes; Tessera refuses them because every block of a chunked array must be non-empty
 * for its memory estimates and for the Spark connector's partitions.
 *
 * <p>Blocks are numbered by their per-axis index {@code (i0, i1, ...)} and, in C order, by a linear
 * index {@code 0 .. blockCount()-1}; {@link #linearIndex(long[])} and {@link #blockIndex(long)}
 * convert between them, {@link #blockOffsets(long[])} and {@link #blockShape(long[])} place a
 * block, {@link #locate(int, long)} finds the block holding a position.
 *
 * <p>Creation: {@link #of(long[], long[][])} from explicit tuples, {@link #regular} from a chunk
 * size, {@link #auto(long[], DType, long)} from a byte target (keeping the trailing axes whole),
 * {@link #normalize} with Dask's {@code normalize_chunks} rules (ints, -1/null, "auto", byte
 * strings, explicit tuples, previous chunks), {@link #parse(String)} from Dask's text.
 */
public final class Chunks {
  /** System property for the default byte target of automatic chunking. */
  public static final String TARGET_PROPERTY = "tessera.chunk.target";

  /** Default byte target of automatic chunking: 128 MiB, Dask's {@code array.chunk-size}. */
  public static final long DEFAULT_TARGET = 128L << 20;

  private final long[] shape;
  private final long[][] sizes;
  private final long[][] starts;

  private Chunks(long[] shape, long[][] sizes) {
    this.shape = shape;
    this.sizes = sizes;
    this.starts = new long[sizes.length][];
    for (int a = 0; a < sizes.length; a++) {
      long[] s = new long[sizes[a].length + 1];
      for (int i = 0; i < sizes[a].length; i++) {
        s[i + 1] = s[i] + sizes[a][i];
      }
      starts[a] = s;
    }
  }

  // ================================================================== factories

  /** Chunks from explicit per-axis tuples; the shape is their sums. */
  public static Chunks of(long[]... perAxis) {
    return build("chunks", null, perAxis);
  }

  /**
   * Chunks from explicit per-axis tuples for an array of {@code shape}: each tuple must add up to
   * its axis length.
   *
   * @throws ChunkSpecException naming the axis, the chunks and the shape
   */
  public static Chunks of(long[] shape, long[][] perAxis) {
    return build("chunks", shape, perAxis);
  }

  private static Chunks build(String op, long[] shape, long[][] perAxis) {
    String where = " in " + format(perAxis) + (shape == null ? "" : " for shape "
        + Shapes.format(shape));
    if (shape != null) {
      for (int a = 0; a < shape.length; a++) {
        if (shape[a] < 0) {
          throw new ChunkSpecException(op, op + ": negative dimension " + shape[a] + " in shape "
              + Shapes.format(shape));
        }
      }
      if (perAxis.length != shape.length) {
        throw new ChunkSpecException(op, op + ": the shape " + Shapes.format(shape) + " has "
            + shape.length + " axes but the chunks " + format(perAxis) + " give " + perAxis.length);
      }
    }
    long[] sh = new long[perAxis.length];
    long[][] copy = new long[perAxis.length][];
    for (int a = 0; a < perAxis.length; a++) {
      long[] c = perAxis[a];
      if (c == null || c.length == 0) {
        throw new ChunkSpecException(op, op + ": axis " + a + " has no chunks" + where
            + " (empty tuples are not allowed; write a zero-length axis as (0,))");
      }
      long sum = 0;
      for (long x : c) {
        if (x < 0) {
          throw new ChunkSpecException(op, op + ": negative chunk " + x + " along axis " + a
              + where);
        }
        sum = Math.addExact(sum, x);
      }
      if (shape != null && sum != shape[a]) {
        throw new ChunkSpecException(op, op + ": chunks " + Shapes.format(c) + " along axis " + a
            + " add up to " + sum + " but the axis has length " + shape[a] + where);
      }
      if (sum > 0) {
        for (long x : c) {
          if (x == 0) {
            throw new ChunkSpecException(op, op + ": zero-length chunk along axis " + a + where
                + " (only a zero-length axis may have zero-length chunks)");
          }
        }
      }
      sh[a] = sum;
      copy[a] = c.clone();
    }
    return new Chunks(sh, copy);
  }

  /**
   * Regular chunks: blocks of {@code size} along each axis (one value for every axis, or one per
   * axis), the last one shorter when the size does not divide the axis, as Dask's {@code
   * blockdims_from_blockshape}: {@code regular((5, 6), 2)} is {@code ((2, 2, 1), (2, 2, 2))}. A
   * size of -1 keeps the axis whole; a zero-length axis gets {@code (0,)}.
   */
  public static Chunks regular(long[] shape, long... size) {
    if (size.length != 1 && size.length != shape.length) {
      throw new ChunkSpecException("chunks", "chunks: " + size.length + " chunk sizes "
          + Shapes.format(size) + " for shape " + Shapes.format(shape) + " (give one, or one per "
          + "axis)");
    }
    long[][] out = new long[shape.length][];
    for (int a = 0; a < shape.length; a++) {
      long s = size.length == 1 ? size[0] : size[a];
      out[a] = split(shape, a, s == -1 ? Math.max(shape[a], 1) : s);
    }
    return of(shape, out);
  }

  /** Blocks of {@code size} along axis {@code a} (Dask's blockdims_from_blockshape for one axis). */
  private static long[] split(long[] shape, int a, long size) {
    long d = shape[a];
    if (d < 0) {
      throw new ChunkSpecException("chunks", "chunks: negative dimension " + d + " in shape "
          + Shapes.format(shape));
    }
    if (d == 0) {
      return new long[] {0};
    }
    if (size <= 0) {
      throw new ChunkSpecException("chunks", "chunks: chunk size " + size + " along axis " + a
          + " for shape " + Shapes.format(shape) + " (must be positive, or -1 for the whole axis)");
    }
    long n = d / size;
    long rem = d % size;
    if (n + (rem > 0 ? 1 : 0) > Integer.MAX_VALUE - 8) {
      throw new ChunkSpecException("chunks", "chunks: chunk size " + size + " along axis " + a
          + " makes too many blocks for shape " + Shapes.format(shape));
    }
    long[] out = new long[(int) n + (rem > 0 ? 1 : 0)];
    Arrays.fill(out, 0, (int) n, size);
    if (rem > 0) {
      out[(int) n] = rem;
    }
    return out;
  }

  /** The byte target of automatic chunking: property {@value #TARGET_PROPERTY}, else 128 MiB. */
  public static long targetBytes() {
    String p = System.getProperty(TARGET_PROPERTY);
    return p == null || p.isBlank() ? DEFAULT_TARGET : MemoryBudget.parseBytes(p);
  }

  /** {@link #auto(long[], DType, long)} with {@link #targetBytes()}. */
  public static Chunks auto(long[] shape, DType dtype) {
    return auto(shape, dtype, targetBytes());
  }

  /**
   * Automatic chunks of at most {@code targetBytes} per block, laid out for C-order arrays: the
   * trailing axes are kept whole while a block of them fits the target (so that blocks of a
   * C-contiguous array are contiguous views); the next axis is split into the fewest balanced
   * chunks that fit (lengths differing by at most one, larger first); the leading axes get chunks of
   * 1. If a single element is larger than the target, blocks hold one element. An array that fits
   * is one block.
   */
  public static Chunks auto(long[] shape, DType dtype, long targetBytes) {
    long target = Math.max(targetBytes, 1);
    long elems = Math.max(target / dtype.itemsize(), 1);
    long[][] out = new long[shape.length][];
    long inner = 1;
    int a = shape.length - 1;
    for (; a >= 0; a--) {
      if (shape[a] == 0) {
        out[a] = new long[] {0};
        continue;
      }
      if (shape[a] <= elems / inner) {
        out[a] = new long[] {shape[a]};
        inner *= shape[a];
      } else {
        break;
      }
    }
    if (a >= 0) {
      long size = Math.max(elems / inner, 1);
      out[a] = balanced(shape[a], (shape[a] + size - 1) / size);
      for (int b = a - 1; b >= 0; b--) {
        out[b] = shape[b] == 0 ? new long[] {0} : split(shape, b, 1);
      }
    }
    return of(shape, out);
  }

  /** {@code n} chunks adding up to {@code length}, differing by at most one, larger first. */
  public static long[] balanced(long length, long n) {
    if (length == 0) {
      return new long[] {0};
    }
    if (n <= 0 || n > length) {
      throw new ChunkSpecException("chunks", "chunks: cannot split length " + length + " into " + n
          + " non-empty balanced chunks");
    }
    long q = length / n;
    long r = length % n;
    long[] out = new long[Math.toIntExact(n)];
    for (int i = 0; i < out.length; i++) {
      out[i] = q + (i < r ? 1 : 0);
    }
    return out;
  }

  // ------------------------------------------------------------------ Dask's normalize_chunks

  /** {@link #normalize(Object, long[], DType, long, long[][])} with the default target, no previous chunks. */
  public static Chunks normalize(Object spec, long[] shape, DType dtype) {
    return normalize(spec, shape, dtype, -1, null);
  }

  /**
   * Dask's {@code normalize_chunks(chunks, shape, limit, dtype, previous_chunks)}.
   *
   * <p>{@code spec} is one of: a number (the same chunk size along every axis) or a string
   * ({@code "auto"} or a byte size such as {@code "1kiB"}, for every axis); a {@code Map<Integer,
   * ?>} from axis to entry (missing axes are whole); a {@code long[]}/{@code int[]} of per-axis
   * sizes; a {@code long[][]} of explicit tuples; an {@code Object[]} or {@code List} of per-axis
   * entries, each a number, {@code -1} or {@code null} (the whole axis), {@code "auto"}, a byte
   * string, or an explicit tuple ({@code long[]}, {@code int[]}, or a list of numbers); or a {@link
   * Chunks}. For a 1-D shape a list of several numbers is one explicit tuple, as in Dask.
   *
   * <p>"auto" axes follow Dask's {@code auto_chunks}: without previous chunks they share the byte
   * {@code limit} equally (the block side is {@code (limit / itemsize / fixed)^(1/n)}, axes shorter
   * than that are kept whole, and the rest get that size, truncated, with an uneven last chunk);
   * with previous chunks they grow or shrink the previous median chunk towards the limit, in
   * multiples of the previous regular chunk. Byte strings are read as Dask's {@code parse_bytes}
   * does: {@code k}, {@code kB} = 1000, {@code KiB} = 1024, any case.
   *
   * @param limit bytes per block for "auto" axes; negative for {@link #targetBytes()}
   * @param previousChunks per-axis previous chunks (Dask's {@code previous_chunks}), or null
   */
  public static Chunks normalize(Object spec, long[] shape, DType dtype, long limit,
      long[][] previousChunks) {
    final String op = "normalize_chunks";
    if (spec == null) {
      throw new ChunkSpecException(op, op + ": chunks must be given (a size, a tuple of sizes per "
          + "axis, explicit tuples, -1 for whole axes or \"auto\") for shape " + Shapes.format(shape));
    }
    if (spec instanceof Chunks c) {
      if (!Arrays.equals(c.shape, shape)) {
        throw new ChunkSpecException(op, op + ": chunks " + c + " are for shape "
            + Shapes.format(c.shape) + ", not " + Shapes.format(shape));
      }
      return c;
    }
    int nd = shape.length;
    Object[] entries;
    if (spec instanceof Number || spec instanceof String) {
      entries = new Object[nd];
      Arrays.fill(entries, spec);
    } else if (spec instanceof Map<?, ?> m) {
      entries = new Object[nd];
      for (Map.Entry<?, ?> e : m.entrySet()) {
        int ax = ((Number) e.getKey()).intValue();
        entries[Shapes.normalizeAxis(op, ax, nd)] = e.getValue();
      }
    } else if (spec instanceof long[] l) {
      entries = Arrays.stream(l).boxed().toArray();
    } else if (spec instanceof int[] l) {
      entries = Arrays.stream(l).boxed().toArray();
    } else if (spec instanceof long[][] t) {
      entries = Arrays.copyOf(t, t.length, Object[].class);
    } else if (spec instanceof Object[] o) {
      entries = o.clone();
    } else if (spec instanceof List<?> l) {
      entries = l.toArray();
    } else {
      throw new ChunkSpecException(op, op + ": cannot read chunks from a "
          + spec.getClass().getName());
    }
    if (entries.length == 0 && nd > 0 && Arrays.stream(shape).allMatch(s -> s == 0)) {
      entries = new Object[nd];
      Arrays.fill(entries, new long[] {0});
    }
    if (nd == 1 && entries.length > 1 && Arrays.stream(entries).allMatch(
        e -> e instanceof Number || e instanceof String)) {
      entries = new Object[] {entries};
    }
    if (entries.length != nd) {
      throw new ChunkSpecException(op, op + ": chunks and shape must have the same number of axes; "
          + "got chunks=" + describeSpec(entries) + " (" + entries.length + ") for shape "
          + Shapes.format(shape));
    }
    // entries become Long (a size), long[] (a tuple) or "auto"
    Object[] e = new Object[nd];
    long lim = limit;
    for (int a = 0; a < nd; a++) {
      Object x = entries[a];
      if (x == null) {
        e[a] = shape[a];
      } else if (x instanceof Number num) {
        if (num instanceof Double || num instanceof Float) {
          double dv = num.doubleValue();
          if (dv != Math.rint(dv)) {
            throw new ChunkSpecException(op, op + ": chunk size " + dv + " along axis " + a
                + " is not an integer (shape " + Shapes.format(shape) + ")");
          }
        }
        long v = num.longValue();
        e[a] = v == -1 ? shape[a] : v;
      } else if (x instanceof String s) {
        if (s.equals("auto")) {
          e[a] = "auto";
        } else {
          long parsed = daskParseBytes(s);
          if (lim < 0) {
            lim = parsed;
          } else if (parsed != lim) {
            throw new ChunkSpecException(op, op + ": only one consistent value of limit or chunk "
                + "bytes is allowed; " + parsed + " != " + lim);
          }
          e[a] = "auto";
        }
      } else {
        e[a] = tuple(op, x, a);
      }
    }
    boolean anyAuto = Arrays.stream(e).anyMatch("auto"::equals);
    if (anyAuto) {
      if (dtype == null) {
        throw new ChunkSpecException(op, op + ": dtype must be known for auto-chunking (shape "
            + Shapes.format(shape) + ")");
      }
      e = autoChunks(e, shape, lim < 0 ? targetBytes() : lim, dtype, previousChunks);
    }
    long[][] out = new long[nd][];
    for (int a = 0; a < nd; a++) {
      if (e[a] instanceof long[] t) {
        out[a] = t;
      } else {
        long v = (Long) e[a];
        if (v < 0) {
          throw new ChunkSpecException(op, op + ": negative chunk size " + v + " along axis " + a
              + " for shape " + Shapes.format(shape));
        }
        out[a] = split(shape, a, v);
      }
    }
    return build(op, shape, out);
  }

  private static long[] tuple(String op, Object x, int axis) {
    if (x instanceof long[] l) {
      return l.clone();
    }
    if (x instanceof int[] l) {
      return Arrays.stream(l).asLongStream().toArray();
    }
    Object[] items;
    if (x instanceof List<?> l) {
      items = l.toArray();
    } else if (x instanceof Object[] o) {
      items = o;
    } else {
      throw new ChunkSpecException(op, op + ": cannot read the chunks of axis " + axis + " from a "
          + x.getClass().getName());
    }
    long[] out = new long[items.length];
    for (int i = 0; i < items.length; i++) {
      if (!(items[i] instanceof Number n)) {
        throw new ChunkSpecException(op, op + ": chunk " + items[i] + " of axis " + axis
            + " is not a number");
      }
      out[i] = n.longValue();
    }
    return out;
  }

  /** Dask's auto_chunks on entries Long / long[] / "auto" (no -1 left). */
  private static Object[] autoChunks(Object[] chunks, long[] shape, long limitBytes, DType dtype,
      long[][] previous) {
    Object[] c = chunks.clone();
    List<Integer> autos = new ArrayList<>();
    for (int i = 0; i < c.length; i++) {
      if ("auto".equals(c[i])) {
        autos.add(i);
      }
    }
    if (autos.isEmpty()) {
      return c;
    }
    double limit = Math.max(1, limitBytes);
    double largest = 1;
    for (Object x : c) {
      if (x instanceof Long v) {
        largest *= v;
      } else if (x instanceof long[] t) {
        largest *= Arrays.stream(t).max().orElse(0);
      }
    }
    int item = dtype.itemsize();
    if (previous != null && previous.length > 0) {
      if (previous.length != shape.length) {
        throw new ChunkSpecException("normalize_chunks", "normalize_chunks: previous chunks "
            + format(previous) + " do not match shape " + Shapes.format(shape));
      }
      Map<Integer, Double> result = new LinkedHashMap<>();
      for (int a : autos) {
        result.put(a, median(previous[a]));
      }
      long[] ideal = new long[shape.length];
      for (int i = 0; i < shape.length; i++) {
        Map<Long, Integer> freq = new LinkedHashMap<>();
        for (long v : previous[i]) {
          freq.merge(v, 1, Integer::sum);
        }
        long mode = 0;
        int count = -1;
        for (Map.Entry<Long, Integer> fe : freq.entrySet()) {
          if (fe.getValue() > count) {
            mode = fe.getKey();
            count = fe.getValue();
          }
        }
        ideal[i] = mode > 1 && count >= previous[i].length / 2.0 ? mode : shape[i];
      }
      java.util.TreeSet<Integer> live = new java.util.TreeSet<>(autos);
      double multiplier = multiplier(limit, item, largest, result);
      double lastMultiplier = 0;
      java.util.Set<Integer> lastAutos = new java.util.TreeSet<>();
      int guard = 0;
      while ((multiplier != lastMultiplier || !live.equals(lastAutos)) && guard++ < 10_000) {
        lastMultiplier = multiplier;
        lastAutos = new java.util.TreeSet<>(live);
        for (int a : new ArrayList<>(live)) {
          if (ideal[a] == 0) {
            result.put(a, 0.0);
            continue;
          }
          double proposed = result.get(a) * Math.pow(multiplier, 1.0 / live.size());
          if (proposed > shape[a]) {
            live.remove(a);
            largest *= shape[a];
            c[a] = shape[a];
            result.remove(a);
          } else {
            result.put(a, roundTo(proposed, ideal[a]));
          }
        }
        multiplier = multiplier(limit, item, largest, result);
      }
      for (Map.Entry<Integer, Double> r : result.entrySet()) {
        c[r.getKey()] = (long) (double) r.getValue();
      }
      return c;
    }
    if (largest == 0) {
      // an empty array: whole axes (Dask divides by zero here)
      for (int a : autos) {
        c[a] = new long[] {shape[a]};
      }
      return c;
    }
    double size = Math.pow(limit / item / largest, 1.0 / autos.size());
    boolean small = false;
    for (int a : autos) {
      if (shape[a] < size) {
        c[a] = new long[] {shape[a]};
        small = true;
      }
    }
    if (small) {
      return autoChunks(c, shape, limitBytes, dtype, null);
    }
    for (int a : autos) {
      c[a] = (long) roundTo(size, shape[a]);
    }
    return c;
  }

  private static double multiplier(double limit, int itemsize, double largest,
      Map<Integer, Double> result) {
    double p = 1;
    for (double r : result.values()) {
      if (r != 0) {
        p *= r;
      }
    }
    return limit / itemsize / largest / p;
  }

  /** Dask's round_to: the size itself (at least 1) up to the axis, else a multiple of it. */
  private static double roundTo(double c, long s) {
    if (c <= s) {
      return Math.max(1, (long) c);
    }
    return Math.floor(c / s) * s;
  }

  private static double median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
  }

  /** Dask's parse_bytes: decimal k/m/g/t/p and kB..PB, binary KiB..PiB, any case. */
  static long daskParseBytes(String text) {
    String s = text.replace(" ", "");
    if (s.chars().noneMatch(Character::isDigit)) {
      s = "1" + s;
    }
    int i = s.length();
    while (i > 0 && Character.isLetter(s.charAt(i - 1))) {
      i--;
    }
    String prefix = s.substring(0, i);
    String suffix = s.substring(i).toLowerCase(Locale.ROOT);
    double n;
    try {
      n = Double.parseDouble(prefix);
    } catch (NumberFormatException ex) {
      throw new ChunkSpecException("normalize_chunks", "normalize_chunks: could not interpret '"
          + text + "' as a number of bytes");
    }
    double m;
    switch (suffix) {
      case "": case "b": m = 1; break;
      case "k": case "kb": m = 1e3; break;
      case "m": case "mb": m = 1e6; break;
      case "g": case "gb": m = 1e9; break;
      case "t": case "tb": m = 1e12; break;
      case "p": case "pb": m = 1e15; break;
      case "kib": m = 0x1p10; break;
      case "mib": m = 0x1p20; break;
      case "gib": m = 0x1p30; break;
      case "tib": m = 0x1p40; break;
      case "pib": m = 0x1p50; break;
      default:
        throw new ChunkSpecException("normalize_chunks", "normalize_chunks: could not interpret '"
            + suffix + "' as a byte unit in '" + text + "'");
    }
    return (long) (n * m);
  }

  /**
   * Parses Dask's text form, e.g. {@code "((2, 2, 1), (3, 3))"} or {@code "((5,),)"}; spaces are
   * optional.
   */
  public static Chunks parse(String text) {
    String t = text.replace(" ", "");
    if (!t.startsWith("(") || !t.endsWith(")")) {
      throw new ChunkSpecException("chunks", "chunks: cannot parse '" + text + "' (expected e.g. "
          + "((2, 2, 1), (3, 3)))");
    }
    String body = t.substring(1, t.length() - 1);
    List<long[]> axes = new ArrayList<>();
    int i = 0;
    while (i < body.length()) {
      if (body.charAt(i) == ',') {
        i++;
        continue;
      }
      if (body.charAt(i) != '(') {
        throw new ChunkSpecException("chunks", "chunks: cannot parse '" + text + "'");
      }
      int close = body.indexOf(')', i);
      if (close < 0) {
        throw new ChunkSpecException("chunks", "chunks: unbalanced parentheses in '" + text + "'");
      }
      String inner = body.substring(i + 1, close);
      axes.add(Arrays.stream(inner.split(",")).filter(x -> !x.isEmpty())
          .mapToLong(Long::parseLong).toArray());
      i = close + 1;
    }
    return of(axes.toArray(new long[0][]));
  }

  // ================================================================== unify

  /**
   * The common refinement of two chunkings of the same shape (Dask's {@code unify_chunks} /
   * {@code common_blockdim} per axis): every boundary of either is a boundary of the result, so
   * that each result block lies inside exactly one block of each. An axis with a single chunk
   * takes the other's chunks, as in Dask.
   */
  public static Chunks unify(Chunks a, Chunks b) {
    if (!Arrays.equals(a.shape, b.shape)) {
      throw new ChunkSpecException("unify_chunks", "unify_chunks: chunks " + a + " (shape "
          + Shapes.format(a.shape) + ") and " + b + " (shape " + Shapes.format(b.shape)
          + ") are for different shapes");
    }
    long[][] out = new long[a.ndim()][];
    for (int ax = 0; ax < a.ndim(); ax++) {
      out[ax] = refine(a.sizes[ax], b.sizes[ax]);
    }
    return new Chunks(a.shape.clone(), out);
  }

  /** {@link #unify(Chunks, Chunks)} over several chunkings. */
  public static Chunks unify(Chunks first, Chunks... rest) {
    Chunks c = first;
    for (Chunks r : rest) {
      c = unify(c, r);
    }
    return c;
  }

  /**
   * Chunks of the broadcast result of operands with these chunkings (NumPy's broadcasting rules,
   * axes aligned at the right): along each result axis, the common refinement of the operands
   * whose length there is not 1; an operand axis of length 1 is stretched (its single block
   * repeats). Dask's {@code unify_chunks} for elementwise operations.
   */
  public static Chunks unifyBroadcast(Chunks... operands) {
    int nd = 0;
    for (Chunks c : operands) {
      nd = Math.max(nd, c.ndim());
    }
    long[] shape = new long[nd];
    Arrays.fill(shape, 1);
    long[][] out = new long[nd][];
    for (int ax = 0; ax < nd; ax++) {
      for (Chunks c : operands) {
        int ca = ax - (nd - c.ndim());
        if (ca < 0 || c.shape[ca] == 1) {
          continue;
        }
        if (out[ax] == null) {
          out[ax] = c.sizes[ca].clone();
          shape[ax] = c.shape[ca];
        } else if (shape[ax] != c.shape[ca]) {
          StringBuilder sb = new StringBuilder();
          for (Chunks o : operands) {
            sb.append(' ').append(Shapes.formatCompact(o.shape));
          }
          throw new io.tessera.errors.ShapeException("broadcast", "operands could not be broadcast "
              + "together with shapes" + sb);
        } else {
          out[ax] = refine(out[ax], c.sizes[ca]);
        }
      }
      if (out[ax] == null) {
        out[ax] = new long[] {1};
      }
    }
    return new Chunks(shape, out);
  }

  private static long[] refine(long[] x, long[] y) {
    if (Arrays.equals(x, y) || y.length == 1) {
      return x.clone();
    }
    if (x.length == 1) {
      return y.clone();
    }
    long[] out = new long[x.length + y.length];
    int n = 0;
    int i = 0;
    int j = 0;
    long pos = 0;
    long ex = x[0];
    long ey = y[0];
    while (i < x.length && j < y.length) {
      long next = Math.min(ex, ey);
      out[n++] = next - pos;
      pos = next;
      if (ex == next) {
        i++;
        ex = i < x.length ? ex + x[i] : ex;
      }
      if (ey == next) {
        j++;
        ey = j < y.length ? ey + y[j] : ey;
      }
    }
    return Arrays.copyOf(out, n);
  }

  // ================================================================== accessors

  public int ndim() {
    return shape.length;
  }

  /** The array shape these chunks cut (a copy). */
  public long[] shape() {
    return shape.clone();
  }

  /** The chunk lengths along {@code axis} (a copy). */
  public long[] chunks(int axis) {
    return sizes[axis].clone();
  }

  /** All chunk tuples (copies), Dask's {@code .chunks}. */
  public long[][] toArray() {
    long[][] out = new long[sizes.length][];
    for (int a = 0; a < sizes.length; a++) {
      out[a] = sizes[a].clone();
    }
    return out;
  }

  /** Number of blocks along {@code axis}. */
  public int numBlocks(int axis) {
    return sizes[axis].length;
  }

  /** Number of blocks along each axis (Dask's {@code numblocks}). */
  public long[] numBlocks() {
    long[] n = new long[sizes.length];
    for (int a = 0; a < n.length; a++) {
      n[a] = sizes[a].length;
    }
    return n;
  }

  /** Total number of blocks (1 for a 0-d array). */
  public long blockCount() {
    long n = 1;
    for (long[] s : sizes) {
      n = Math.multiplyExact(n, s.length);
    }
    return n;
  }

  /** Offset of block {@code i} along {@code axis}. */
  public long start(int axis, int i) {
    return starts[axis][i];
  }

  /** Length of block {@code i} along {@code axis}. */
  public long size(int axis, int i) {
    return sizes[axis][i];
  }

  /** Block boundaries along {@code axis}: {@code 0, c0, c0+c1, ..., length} (a copy). */
  public long[] boundaries(int axis) {
    return starts[axis].clone();
  }

  /** Element offsets of the block's first element. */
  public long[] blockOffsets(long[] blockIndex) {
    checkIndex(blockIndex);
    long[] o = new long[shape.length];
    for (int a = 0; a < o.length; a++) {
      o[a] = starts[a][(int) blockIndex[a]];
    }
    return o;
  }

  /** Shape of a block. */
  public long[] blockShape(long[] blockIndex) {
    checkIndex(blockIndex);
    long[] s = new long[shape.length];
    for (int a = 0; a < s.length; a++) {
      s[a] = sizes[a][(int) blockIndex[a]];
    }
    return s;
  }

  /** The block along {@code axis} that holds position {@code pos} (binary search). */
  public int locate(int axis, long pos) {
    if (pos < 0 || pos >= shape[axis]) {
      throw new io.tessera.errors.IndexOutOfRangeException("chunks", "index " + pos
          + " is out of bounds for axis " + axis + " with size " + shape[axis]);
    }
    long[] s = starts[axis];
    int lo = 0;
    int hi = s.length - 2;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (s[mid] <= pos) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** The block index of the block holding the element at {@code position}. */
  public long[] blockIndexOf(long... position) {
    if (position.length != shape.length) {
      throw new io.tessera.errors.IndexOutOfRangeException("chunks", "chunks: " + position.length
          + " indices for " + shape.length + " axes");
    }
    long[] b = new long[shape.length];
    for (int a = 0; a < b.length; a++) {
      b[a] = locate(a, position[a]);
    }
    return b;
  }

  /** C-order linear number of a block. */
  public long linearIndex(long[] blockIndex) {
    checkIndex(blockIndex);
    long n = 0;
    for (int a = 0; a < sizes.length; a++) {
      n = n * sizes[a].length + blockIndex[a];
    }
    return n;
  }

  /** The block with C-order linear number {@code linear}. */
  public long[] blockIndex(long linear) {
    if (linear < 0 || linear >= blockCount()) {
      throw new io.tessera.errors.IndexOutOfRangeException("chunks", "block " + linear
          + " is out of range for " + blockCount() + " blocks");
    }
    long[] b = new long[sizes.length];
    for (int a = sizes.length - 1; a >= 0; a--) {
      b[a] = linear % sizes[a].length;
      linear /= sizes[a].length;
    }
    return b;
  }

  private void checkIndex(long[] blockIndex) {
    if (blockIndex.length != sizes.length) {
      throw new io.tessera.errors.IndexOutOfRangeException("chunks", "chunks: block index "
          + Shapes.format(blockIndex) + " for " + sizes.length + " axes");
    }
    for (int a = 0; a < blockIndex.length; a++) {
      if (blockIndex[a] < 0 || blockIndex[a] >= sizes[a].length) {
        throw new io.tessera.errors.IndexOutOfRangeException("chunks", "block index "
            + blockIndex[a] + " is out of bounds for axis " + a + " with " + sizes[a].length
            + " blocks");
      }
    }
  }

  /** The largest chunk along each axis (Dask's {@code chunksize}). */
  public long[] chunkSize() {
    long[] m = new long[sizes.length];
    for (int a = 0; a < m.length; a++) {
      m[a] = Arrays.stream(sizes[a]).max().orElse(0);
    }
    return m;
  }

  /** Elements of the largest block: the product of the largest chunk along each axis. */
  public long largestBlockElements() {
    long n = 1;
    for (long m : chunkSize()) {
      n = Math.multiplyExact(n, m);
    }
    return n;
  }

  /** Bytes of the largest block for {@code dtype}. */
  public long largestBlockBytes(DType dtype) {
    return MemoryBudget.bytesOf(chunkSize(), dtype);
  }

  /** True when all chunks of each axis but the last one have the same length. */
  public boolean isRegular() {
    for (long[] s : sizes) {
      for (int i = 1; i < s.length - 1; i++) {
        if (s[i] != s[0]) {
          return false;
        }
      }
      if (s.length > 1 && s[s.length - 1] > s[0]) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ derived chunkings

  /** These chunks with axis {@code axis} replaced by {@code newSizes} (which set its new length). */
  public Chunks withAxis(int axis, long... newSizes) {
    int ax = Shapes.normalizeAxis("chunks", axis, ndim());
    long[][] s = toArray();
    s[ax] = newSizes.clone();
    return of(s);
  }

  /** These chunks without the given axes (as after a reduction over them). */
  public Chunks dropAxes(int... axes) {
    boolean[] drop = new boolean[ndim()];
    for (int a : axes) {
      drop[Shapes.normalizeAxis("chunks", a, ndim())] = true;
    }
    List<long[]> out = new ArrayList<>();
    for (int a = 0; a < ndim(); a++) {
      if (!drop[a]) {
        out.add(sizes[a].clone());
      }
    }
    return of(out.toArray(new long[0][]));
  }

  /** These chunks with a new axis cut by {@code newSizes} inserted at {@code axis}. */
  public Chunks insertAxis(int axis, long... newSizes) {
    int ax = Shapes.normalizeAxis("chunks", axis, ndim() + 1);
    List<long[]> out = new ArrayList<>(Arrays.asList(toArray()));
    out.add(ax, newSizes.clone());
    return of(out.toArray(new long[0][]));
  }

  // ------------------------------------------------------------------ object

  @Override
  public boolean equals(Object o) {
    return o instanceof Chunks c && Arrays.deepEquals(sizes, c.sizes);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(sizes);
  }

  /** Dask's form: {@code ((2, 2, 1), (3, 3))}, {@code ((5,),)}, {@code ()} for 0-d. */
  @Override
  public String toString() {
    return format(sizes);
  }

  static String format(long[][] perAxis) {
    StringBuilder sb = new StringBuilder("(");
    for (int a = 0; a < perAxis.length; a++) {
      if (a > 0) {
        sb.append(", ");
      }
      sb.append(perAxis[a] == null ? "None" : Shapes.format(perAxis[a]));
    }
    if (perAxis.length == 1) {
      sb.append(',');
    }
    return sb.append(')').toString();
  }

  private static String describeSpec(Object[] entries) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < entries.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Object e = entries[i];
      if (e instanceof long[] l) {
        sb.append(Shapes.format(l));
      } else if (e instanceof Object[] o) {
        sb.append(describeSpec(o));
      } else if (e instanceof String s) {
        sb.append('\'').append(s).append('\'');
      } else {
        sb.append(e);
      }
    }
    return sb.append(entries.length == 1 ? ",)" : ")").toString();
  }
}
