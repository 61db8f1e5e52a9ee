package io.tessera.chunk;

import io.tessera.dtype.DType;
import io.tessera.errors.BudgetExceededException;
import io.tessera.memory.MemoryBudget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;

/**
 * How to go from one chunking to another in steps, each stated with its memory, before anything
 * runs (Dask's {@code plan_rechunk}).
 *
 * <p><b>Why steps.</b> Rechunking rows into columns makes every target block read a piece of every
 * source block: the number of pieces moved (Dask's graph size, Spark's shuffle blocks) is the
 * product of both grids. Dask's planner inserts intermediate chunkings that first merge along the
 * axes where the target is coarser and then split, keeping each intermediate block under a size
 * limit; the planner here carries that algorithm over (graph-size threshold 4, {@code
 * find_merge_rechunk} / {@code find_split_rechunk}) with the limit derived from a memory bound.
 *
 * <p><b>Memory model.</b> A step builds each target block from pieces of its input blocks, reading
 * one input block at a time: a step holds at most its largest output block plus the largest input
 * block one output block touches ({@link Step#peakBytes()}). Executed lazily, one final block pulls
 * one block through every level, so the whole plan holds at most the source's working memory plus
 * the largest block of each step ({@link #peakBytes()}); the planner keeps that under the bound,
 * which implies every step is under it too. A distributed executor that materializes each step
 * (a shuffle per step) needs per task at most {@link Step#peakBytes()}.
 */
public final class RechunkPlan implements MemoryBudget.Estimate {
  /** Dask's {@code array.rechunk.threshold}: graph growth under which no step is inserted. */
  public static final double THRESHOLD = 4;

  /**
   * One step: {@code from} to {@code to}.
   *
   * @param largestInputBytes the largest input block any output block reads
   * @param largestOutputBytes the largest output block
   * @param pieces how many input pieces the step moves (its graph size)
   */
  public record Step(Chunks from, Chunks to, long largestInputBytes, long largestOutputBytes,
      long pieces) {
    /** Bytes the step holds at once: one output block and one input block. */
    public long peakBytes() {
      return largestInputBytes + largestOutputBytes;
    }

    @Override
    public String toString() {
      return from + " -> " + to + " (" + pieces + " pieces, peak "
          + MemoryBudget.formatBytes(peakBytes()) + ")";
    }
  }

  private final Chunks from;
  private final Chunks to;
  private final DType dtype;
  private final List<Step> steps;
  private final long sourceBytes;
  private final long bound;

  private RechunkPlan(Chunks from, Chunks to, DType dtype, List<Chunks> chain, long sourceBytes,
      long bound) {
    this.from = from;
    this.to = to;
    this.dtype = dtype;
    this.sourceBytes = sourceBytes;
    this.bound = bound;
    List<Step> s = new ArrayList<>();
    Chunks prev = from;
    for (Chunks c : chain) {
      s.add(new Step(prev, c, MemoryBudget.bytesOf(new long[] {
          ChunkGrid.largestSourceBlockTouched(prev, c)}, dtype),
          c.largestBlockBytes(dtype), ChunkGrid.pieceCount(prev, c)));
      prev = c;
    }
    this.steps = Collections.unmodifiableList(s);
  }

  /** One step straight to the target, whatever it costs. */
  public static RechunkPlan direct(Chunks from, Chunks to, DType dtype) {
    checkShapes(from, to);
    return new RechunkPlan(from, to, dtype, List.of(to), from.largestBlockBytes(dtype),
        Long.MAX_VALUE);
  }

  /**
   * {@link #plan(Chunks, Chunks, DType, long, long)} for a source whose blocks cost their own
   * size to produce.
   */
  public static RechunkPlan plan(Chunks from, Chunks to, DType dtype, long memoryBound) {
    return plan(from, to, dtype, memoryBound, from.largestBlockBytes(dtype));
  }

  /**
   * Plans {@code from -> to} so that lazily executing it never holds more than {@code
   * memoryBound} bytes.
   *
   * @param sourceWorkingBytes what producing one source block holds (its largest block for a
   *     generated array, 0 for views of an existing array)
   * @throws BudgetExceededException if even the direct step (one source block being produced
   *     plus one target block) exceeds the bound: the budget is below one chunk
   */
  public static RechunkPlan plan(Chunks from, Chunks to, DType dtype, long memoryBound,
      long sourceWorkingBytes) {
    checkShapes(from, to);
    long largestNew = to.largestBlockBytes(dtype);
    long direct = sat(sourceWorkingBytes, largestNew);
    if (direct > memoryBound) {
      throw new BudgetExceededException("rechunk", "rechunk " + from + " -> " + to + " of "
          + dtype.numpyName() + " holds one source block (" + MemoryBudget.formatBytes(
              sourceWorkingBytes) + ") and one target block (" + MemoryBudget.formatBytes(
              largestNew) + "): " + MemoryBudget.formatBytes(direct) + " > budget "
          + MemoryBudget.formatBytes(memoryBound) + "; the budget is below one chunk: use smaller "
          + "chunks or raise the budget", direct, memoryBound);
    }
    List<Chunks> chain = List.of(to);
    long spare = memoryBound - direct;
    long limitElems = spare / 2 / dtype.itemsize();
    // Dask's merge step starts from the source blocks: the limit must hold them
    for (int attempt = 0; attempt < 4; attempt++) {
      if (limitElems < Math.max(from.largestBlockElements(), to.largestBlockElements())) {
        break;
      }
      List<Chunks> steps = daskPlan(from, to, limitElems);
      long extra = 0;
      for (int i = 0; i < steps.size() - 1; i++) {
        extra = sat(extra, steps.get(i).largestBlockBytes(dtype));
      }
      if (extra <= spare) {
        chain = steps;
        break;
      }
      limitElems = limitElems / Math.max(2, steps.size() - 1);
    }
    return new RechunkPlan(from, to, dtype, chain, sourceWorkingBytes, memoryBound);
  }

  private static void checkShapes(Chunks from, Chunks to) {
    if (!Arrays.equals(from.shape(), to.shape())) {
      throw new ChunkSpecException("rechunk", "rechunk: target chunks " + to + " (shape "
          + io.tessera.shape.Shapes.format(to.shape()) + ") do not fit the array's shape "
          + io.tessera.shape.Shapes.format(from.shape()));
    }
  }

  private static long sat(long a, long b) {
    long s = a + b;
    return s < 0 ? Long.MAX_VALUE : s;
  }

  // ------------------------------------------------------------------ Dask's planner

  /** Dask's plan_rechunk: intermediate chunkings then the target; limit in elements. */
  static List<Chunks> daskPlan(Chunks old, Chunks target, long blockSizeLimit) {
    List<Chunks> steps = new ArrayList<>();
    if (target.ndim() <= 1 || target.blockCount() == 0 || target.largestBlockElements() == 0) {
      steps.add(target);
      return steps;
    }
    double limit = Math.max(blockSizeLimit, Math.max(old.largestBlockElements(),
        target.largestBlockElements()));
    double threshold = THRESHOLD * (old.blockCount() + target.blockCount());
    long[][] current = old.toArray();
    long[][] goal = target.toArray();
    boolean firstPass = true;
    while (true) {
      double graphSize = graphSize(current, goal);
      if (graphSize < threshold) {
        break;
      }
      long[][] chunks = firstPass ? current : findSplit(current, goal, graphSize * THRESHOLD);
      MergeResult m = findMerge(chunks, goal, limit);
      chunks = m.chunks;
      if ((Arrays.deepEquals(chunks, current) && !firstPass) || Arrays.deepEquals(chunks, goal)) {
        break;
      }
      if (!Arrays.deepEquals(chunks, current)) {
        steps.add(Chunks.of(chunks));
      }
      current = chunks;
      if (!m.limitHit) {
        break;
      }
      firstPass = false;
    }
    steps.add(target);
    return steps;
  }

  private static double graphSize(long[][] old, long[][] target) {
    double n = 1;
    for (int a = 0; a < old.length; a++) {
      n *= Arrays.equals(old[a], target[a]) ? old[a].length : old[a].length + target[a].length - 1;
    }
    return n;
  }

  private record MergeResult(long[][] chunks, boolean limitHit) {}

  private static long max(long[] c) {
    return Arrays.stream(c).max().orElse(0);
  }

  /** Dask's find_merge_rechunk: merge towards the target on the axes where it has fewer blocks. */
  private static MergeResult findMerge(long[][] old, long[][] target, double limit) {
    int nd = old.length;
    long[] oldW = new long[nd];
    long[] newW = new long[nd];
    double[] gse = new double[nd];
    double[] bse = new double[nd];
    for (int d = 0; d < nd; d++) {
      oldW[d] = max(old[d]);
      newW[d] = max(target[d]);
      gse[d] = (double) target[d].length / old[d].length;
      bse[d] = newW[d] / (double) (oldW[d] == 0 ? 1 : oldW[d]);
    }
    List<Integer> candidates = new ArrayList<>();
    for (int d = 0; d < nd; d++) {
      if (gse[d] <= 1.0) {
        candidates.add(d);
      }
    }
    candidates.sort((x, y) -> Double.compare(mergeKey(gse[x], bse[x]), mergeKey(gse[y], bse[y])));
    long largest = 1;
    for (long w : oldW) {
      largest *= w;
    }
    long[][] chunks = new long[nd][];
    for (int d = 0; d < nd; d++) {
      chunks[d] = old[d].clone();
    }
    boolean hit = false;
    for (int d : candidates) {
      long newLargest = largest * newW[d] / (oldW[d] == 0 ? 1 : oldW[d]);
      if (newLargest <= limit) {
        chunks[d] = target[d].clone();
        largest = newLargest;
      } else {
        long width = oldW[d];
        long chunkLimit = (long) (limit * width / largest);
        long[] c = divideToWidth(target[d], chunkLimit);
        if (c.length <= old[d].length) {
          chunks[d] = c;
          largest = largest * max(c) / width;
        }
        hit = true;
      }
    }
    return new MergeResult(chunks, hit);
  }

  private static double mergeKey(double gse, double bse) {
    double b = bse == 1 ? 1 + 1e-9 : bse;
    return b > 0 ? Math.log(gse) / Math.log(b) : 0;
  }

  /** Dask's find_split_rechunk: split towards the target within a graph-size limit. */
  private static long[][] findSplit(long[][] old, long[][] target, double graphSizeLimit) {
    long[][] chunks = new long[old.length][];
    for (int d = 0; d < old.length; d++) {
      chunks[d] = old[d].clone();
    }
    for (int d = 0; d < old.length; d++) {
      double graphSize = graphSize(chunks, target);
      if (graphSize > graphSizeLimit) {
        break;
      }
      if (old[d].length > target[d].length) {
        continue;
      }
      int maxNumber = (int) (old[d].length * graphSizeLimit / graphSize);
      long[] c = mergeToNumber(target[d], maxNumber);
      if (c.length >= old[d].length && max(c) <= max(old[d])) {
        chunks[d] = c;
      }
    }
    return chunks;
  }

  /** Dask's divide_to_width: split each chunk minimally so none is wider than maxWidth. */
  static long[] divideToWidth(long[] desired, long maxWidth) {
    List<Long> out = new ArrayList<>();
    long w = Math.max(maxWidth, 1);
    for (long c : desired) {
      long n = (c + w - 1) / w;
      long rest = c;
      for (long i = 0; i < n; i++) {
        long part = rest / (n - i);
        out.add(part);
        rest -= part;
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  /** Dask's merge_to_number: merge neighbours (narrowest pairs first) down to maxNumber chunks. */
  static long[] mergeToNumber(long[] desired, int maxNumber) {
    if (desired.length <= maxNumber) {
      return desired.clone();
    }
    if (Arrays.stream(desired).distinct().count() == 1) {
      long w = desired[0];
      long n = desired.length;
      long total = n * w;
      long desiredWidth = total / maxNumber;
      long width = w * (desiredWidth / w);
      long adjust = (total - maxNumber * width) / w;
      long[] out = new long[maxNumber];
      for (int i = 0; i < maxNumber; i++) {
        out[i] = i < adjust ? width + w : width;
      }
      return out;
    }
    int nmerges = desired.length - maxNumber;
    PriorityQueue<long[]> heap = new PriorityQueue<>((x, y) -> {
      for (int k = 0; k < 3; k++) {
        int c = Long.compare(x[k], y[k]);
        if (c != 0) {
          return c;
        }
      }
      return 0;
    });
    for (int i = 0; i < desired.length - 1; i++) {
      heap.add(new long[] {desired[i] + desired[i + 1], i, i + 1});
    }
    long[] chunks = desired.clone();
    while (nmerges > 0) {
      long[] top = heap.poll();
      long width = top[0];
      int i = (int) top[1];
      int j = (int) top[2];
      if (chunks[j] == 0) {
        j++;
        while (chunks[j] == 0) {
          j++;
        }
        heap.add(new long[] {chunks[i] + chunks[j], i, j});
        continue;
      } else if (chunks[i] + chunks[j] != width) {
        heap.add(new long[] {chunks[i] + chunks[j], i, j});
        continue;
      }
      chunks[i] = 0;
      chunks[j] = width;
      nmerges--;
    }
    return Arrays.stream(chunks).filter(x -> x != 0).toArray();
  }

  // ------------------------------------------------------------------ reporting

  public Chunks from() {
    return from;
  }

  public Chunks to() {
    return to;
  }

  public DType dtype() {
    return dtype;
  }

  /** The steps, in order; the last one ends at {@link #to()}. */
  public List<Step> steps() {
    return steps;
  }

  /** The intermediate chunkings and the target, in order. */
  public List<Chunks> chunkings() {
    List<Chunks> out = new ArrayList<>();
    for (Step s : steps) {
      out.add(s.to());
    }
    return out;
  }

  /** The bound the plan was made for ({@code Long.MAX_VALUE} for {@link #direct}). */
  public long memoryBound() {
    return bound;
  }

  /** What producing one source block holds, as given to the planner. */
  public long sourceWorkingBytes() {
    return sourceBytes;
  }

  /**
   * Peak bytes of lazily executing the plan: producing one source block, plus the largest block
   * of each step (one block per level is alive while a final block is built).
   */
  @Override
  public long peakBytes() {
    long p = sourceBytes;
    for (Step s : steps) {
      p = sat(p, s.largestOutputBytes());
    }
    return p;
  }

  /** Total pieces moved over all steps. */
  public long pieces() {
    long n = 0;
    for (Step s : steps) {
      n = sat(n, s.pieces());
    }
    return n;
  }

  @Override
  public String describe() {
    StringBuilder sb = new StringBuilder("rechunk ").append(dtype.numpyName()).append(' ')
        .append(from).append(" -> ").append(to).append(" in ").append(steps.size())
        .append(steps.size() == 1 ? " step" : " steps");
    for (Step s : steps) {
      sb.append("; ").append(s);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return describe() + "; peak " + MemoryBudget.formatBytes(peakBytes());
  }
}
