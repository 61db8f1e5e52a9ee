package io.tessera.spark;

import io.tessera.Tessera;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.errors.ClosedArrayException;
import io.tessera.errors.TesseraException;
import io.tessera.memory.MemoryBudget;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Shapes;
import io.tessera.spark.internal.BlockContraction;
import io.tessera.spark.internal.ContractionFns;
import io.tessera.spark.internal.Fns;
import io.tessera.spark.internal.HeapArray;
import io.tessera.spark.internal.Jobs;
import io.tessera.spark.internal.Plan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Plans and builds a distributed two-operand contraction (see {@link DistributedLinalg}): picks
 * broadcast or shuffle, sizes the stages, estimates bytes per task and per executor, refuses what
 * does not fit, all before any job; then builds the RDDs. Package-private: the public face is
 * {@link DistributedLinalg}.
 */
final class ContractionPlanner {
  private ContractionPlanner() {}

  /** Target of partial-product bytes per task of the summing stage. */
  private static final long SUM_TARGET = 128L << 20;

  /** One operand: distributed, or local (broadcast, or distributed on demand). */
  private static final class Operand {
    final String name;
    final DistributedArray dist;
    final NDArray local;
    final String labels;

    Operand(String name, Object o, String labels) {
      this.name = name;
      this.labels = labels;
      if (o instanceof DistributedArray d) {
        if (!d.isOpen()) {
          throw new ClosedArrayException(name, name + " is a closed distributed array");
        }
        dist = d;
        local = null;
      } else if (o instanceof NDArray a) {
        if (!a.isOpen()) {
          throw new ClosedArrayException(name, name + " is a closed array");
        }
        dist = null;
        local = a;
      } else {
        throw new IllegalArgumentException(name + " is a " + (o == null ? "null"
            : o.getClass().getName()) + "; expected a DistributedArray or an NDArray");
      }
    }

    long[] shape() {
      return dist != null ? dist.shape() : local.shape();
    }

    DType dtype() {
      return dist != null ? dist.dtype() : local.dtype();
    }

    long nbytes() {
      return MemoryBudget.bytesOf(shape(), dtype());
    }

    String describe() {
      return dtype().numpyName() + Shapes.format(shape());
    }
  }

  /**
   * The product of {@code a} and {@code b} whose axes carry the labels {@code la}, {@code lb},
   * result labels {@code lo} (no label repeated inside a term; every shared label has one size).
   */
  static DistributedArray contract(String op, String title, BlockContraction.Kernel kernel,
      Object a, String la, Object b, String lb, String lo, DType dtype, ProductOptions opt) {
    Operand[] ops = {new Operand(op + ": left operand", a, la),
        new Operand(op + ": right operand", b, lb)};
    if (ops[0].dist == null && ops[1].dist == null) {
      throw new TesseraException(op, op + ": no distributed operand (use the local "
          + "engine: io.tessera.linalg)");
    }
    JavaSparkContext sc = (ops[0].dist != null ? ops[0].dist : ops[1].dist).sparkContext();
    if (ops[0].dist != null && ops[1].dist != null
        && ops[0].dist.sparkContext().sc() != ops[1].dist.sparkContext().sc()) {
      throw new TesseraException(op, op + ": operands from different SparkContexts");
    }

    // ---- chunks per label: the common refinement of the distributed operands' chunks
    Map<Character, long[]> labelChunks = new LinkedHashMap<>();
    Map<Character, Long> sizes = new LinkedHashMap<>();
    for (Operand o : ops) {
      long[] shape = o.shape();
      for (int ax = 0; ax < o.labels.length(); ax++) {
        char c = o.labels.charAt(ax);
        sizes.put(c, shape[ax]);
        if (o.dist == null) {
          continue;
        }
        long[] mine = o.dist.chunks().chunks(ax);
        long[] have = labelChunks.get(c);
        labelChunks.put(c, have == null ? mine
            : Chunks.unify(Chunks.of(have), Chunks.of(mine)).chunks(0));
      }
    }
    for (Map.Entry<Character, Long> e : sizes.entrySet()) {
      labelChunks.computeIfAbsent(e.getKey(), c -> new long[] {e.getValue()});
    }

    // ---- strategy
    long threshold = opt.broadcastThreshold() != -2 ? opt.broadcastThreshold()
        : DistributedLinalg.broadcastThreshold(sc);
    int bside = chooseBroadcast(op, ops, threshold, opt.strategy());

    // a local operand that is not broadcast is distributed on the label chunks
    List<DistributedArray> temps = new ArrayList<>();
    try {
      for (int s = 0; s < 2; s++) {
        Operand o = ops[s];
        if (o.dist == null && bside != s) {
          long[][] per = new long[o.labels.length()][];
          for (int ax = 0; ax < per.length; ax++) {
            per[ax] = labelChunks.get(o.labels.charAt(ax));
          }
          DistributedArray d = DistributedArray.fromLocal(sc, o.local, Chunks.of(per));
          temps.add(d);
          ops[s] = new Operand(o.name, d, o.labels);
        }
      }
      BlockContraction c = new BlockContraction(kernel, la, lb, lo, labelChunks,
          ops[0].dist == null ? null : ops[0].dist.chunks(),
          ops[1].dist == null ? null : ops[1].dist.chunks(), dtype);
      DistributedArray r = bside >= 0
          ? broadcastPlan(op, title, sc, c, ops, bside, threshold, opt)
          : shufflePlan(op, title, sc, c, ops, threshold, opt);
      return r;
    } finally {
      for (DistributedArray t : temps) {
        t.close(); // the result holds its own reference
      }
    }
  }

  /** The side to broadcast (0, 1) or -1 for the shuffle plan; refuses forced oversize broadcasts. */
  private static int chooseBroadcast(String op, Operand[] ops, long threshold,
      ProductStrategy strategy) {
    long[] bytes = {ops[0].nbytes(), ops[1].nbytes()};
    int smaller = bytes[0] <= bytes[1] ? 0 : 1;
    if (ops[0].dist == null) {
      smaller = 0;
    } else if (ops[1].dist == null) {
      smaller = 1;
    }
    switch (strategy) {
      case SHUFFLE:
        return -1;
      case AUTO:
        return fits(bytes[smaller], threshold) ? smaller : -1;
      default: {
        int s = strategy == ProductStrategy.BROADCAST_LEFT ? 0
            : strategy == ProductStrategy.BROADCAST_RIGHT ? 1 : smaller;
        if (!fits(bytes[s], threshold)) {
          throw new BroadcastTooLargeException(op, op + ": cannot broadcast the "
              + (s == 0 ? "left" : "right") + " operand " + ops[s].describe() + " of "
              + MemoryBudget.formatBytes(bytes[s]) + " (" + bytes[s] + " bytes): "
              + (threshold < 0 ? "broadcasting is disabled (threshold -1)"
              : "over the broadcast threshold of " + MemoryBudget.formatBytes(threshold) + " ("
              + threshold + " bytes)") + "; raise " + DistributedLinalg.BROADCAST_THRESHOLD_CONF
              + " or ProductOptions.broadcastThreshold, or use ProductStrategy.SHUFFLE",
              bytes[s], threshold);
        }
        if (bytes[s] > Integer.MAX_VALUE - 8) {
          throw new BroadcastTooLargeException(op, op + ": cannot broadcast the "
              + (s == 0 ? "left" : "right") + " operand " + ops[s].describe() + " of "
              + MemoryBudget.formatBytes(bytes[s]) + ": a broadcast value holds at most 2 GiB; "
              + "use ProductStrategy.SHUFFLE", bytes[s], Integer.MAX_VALUE - 8);
        }
        return s;
      }
    }
  }

  private static boolean fits(long bytes, long threshold) {
    return threshold >= 0 && bytes <= threshold && bytes <= Integer.MAX_VALUE - 8;
  }

  // ------------------------------------------------------------------ broadcast

  private static DistributedArray broadcastPlan(String op, String title, JavaSparkContext sc,
      BlockContraction c, Operand[] ops, int bside, long threshold, ProductOptions opt) {
    int xside = 1 - bside;
    Operand x = ops[xside];
    Operand s = ops[bside];
    DistributedArray xd = x.dist;
    Chunks out = c.outChunks();
    long outBlocks = out.blockCount();
    long kb = c.kBlocks();
    boolean direct = directLayout(c, xside, xd);
    long cBlk = out.largestBlockBytes(c.dtype());
    long xv = c.virtualChunks(xside).largestBlockBytes(x.dtype());
    long sv = c.virtualChunks(bside).largestBlockBytes(s.dtype());
    boolean fold = !direct && c.foldable(xside);
    long row = fold ? ContractionPlanner.sat(kb, xv) : xv;
    long mapTask = xd.plan().offHeapPerTask() + xd.chunks().largestBlockBytes(x.dtype())
        + row + sv + 2 * cBlk;
    int n = direct ? xd.numPartitions() : sumPartitions(sc, outBlocks, kb, cBlk, opt);
    long sumTask = direct ? 0 : perSumTask(outBlocks, n, kb, cBlk);
    long perTask = Math.max(mapTask, sumTask);
    long heap = s.nbytes() + xd.plan().heapPerTask() + xv + sv + cBlk;
    checkLimit(op, sc, perTask, direct ? "the multiply stage" : mapTask >= sumTask
        ? "the multiply stage" : "the summing stage (" + ceilDiv(outBlocks, n) * kb
        + " partial products of <= " + MemoryBudget.formatBytes(cBlk) + " per task)");

    // everything is checked: now the broadcast value (a job if the operand is distributed)
    HeapArray h;
    String how;
    if (s.dist != null) {
      try (NDArray local = s.dist.toLocal(Tessera.using(ExecutorMemory.root()),
          Integer.MAX_VALUE - 8)) {
        h = HeapArray.copyOf(local);
      }
      how = "collected to the driver when " + op + " was called (one job)";
    } else {
      h = HeapArray.copyOf(s.local);
      how = "copied from the local array";
    }
    Broadcast<HeapArray> bc = sc.broadcast(h);
    String label = "tessera " + title + " -> " + DistributedArray.describe(c.dtype(), out)
        + " (broadcast " + side(bside) + ")";
    JavaPairRDD<BlockIndex, NDArray> rdd = Jobs.building(sc, label, () -> {
      JavaPairRDD<BlockIndex, NDArray> parts = xd.blocks().mapPartitionsToPair(fold
          ? new ContractionFns.FoldedBroadcastMultiply(c, bc)
          : new ContractionFns.BroadcastMultiply(c, xside, bc, direct), true);
      if (direct) {
        return parts;
      }
      return parts.mapPartitionsToPair(new Fns.CloseOnAdvance(), true)
          .repartitionAndSortWithinPartitions(new ContractionFns.PartialPartitioner(outBlocks,
              n), new Fns.BlockOrder())
          .mapPartitionsToPair(new ContractionFns.OrderedSum(c), true);
    });
    long partials = outBlocks * kb;
    Plan p = new Plan(title + " -> " + layout(c.dtype(), out, n), perTask, heap)
        .note("plan: BROADCAST " + side(bside) + " operand " + s.describe() + ", "
            + MemoryBudget.formatBytes(s.nbytes()) + (fits(s.nbytes(), threshold)
            ? " <= threshold " + MemoryBudget.formatBytes(threshold) : " (forced)")
            + " (" + DistributedLinalg.BROADCAST_THRESHOLD_CONF + "); strategy "
            + opt.strategy())
        .note(side(bside) + " operand: " + how + ", sent once as Spark broadcast " + bc.id()
            + "; each task copies the blocks it multiplies")
        .note(side(xside) + " operand: multiplied where its blocks are, NOT shuffled ("
            + xd.blockCount() + " blocks -> " + partials + " block products, local kernel "
            + kernelName(c) + ")")
        .note(direct ? "one product per result block, in the " + side(xside)
            + " operand's layout: no shuffle at all"
            : fold ? "partial products: " + partials + " (" + kb + " per result block), summed "
            + "left to right on the map side over each row's run of k blocks from k = 0 (a row "
            + "cut by a partition boundary sends the rest one by one): about " + outBlocks
            + " sums, " + MemoryBudget.formatBytes(sat(cBlk, outBlocks)) + ", through one "
            + "shuffle, then summed per result block in fixed k order (k = 0, 1, ..., "
            + (kb - 1) + ", left to right)"
            : "partial products: " + partials + " (" + kb + " per result block), "
            + MemoryBudget.formatBytes(sat(cBlk, partials)) + " at most through one shuffle, "
            + "summed per result block in fixed k order (k = 0, 1, ..., " + (kb - 1)
            + ", left to right)")
        .note(memoryNote(sc, perTask, heap, s.nbytes()));
    if (s.dist != null) {
      p.child(side(bside) + " operand: BROADCAST (collected, " + MemoryBudget.formatBytes(
          s.nbytes()) + ")", s.dist.plan());
    } else {
      p.child(side(bside) + " operand: BROADCAST", new Plan("local operand " + s.describe(), 0,
          s.nbytes()));
    }
    p.child(side(xside) + " operand: in place, not shuffled", xd.plan());
    List<DistributedArray> parents = new ArrayList<>();
    for (Operand o : ops) {
      if (o.dist != null) {
        parents.add(o.dist);
      }
    }
    return DistributedArray.derived(sc, c.dtype(), out, n, rdd, p, label,
        List.of(bc::destroy), parents);
  }

  /**
   * Whether the broadcast plan can emit result blocks directly in the distributed operand's own
   * layout: one partial per result block, blocks not split, and result block i made from the
   * operand's block i.
   */
  private static boolean directLayout(BlockContraction c, int xside, DistributedArray xd) {
    Chunks out = c.outChunks();
    if (c.kBlocks() != 1 || !c.unsplit(xside) || out.blockCount() != xd.blockCount()
        || out.blockCount() > 1_000_000) {
      return false;
    }
    Chunks xs = c.virtualChunks(xside);
    Chunks ss = c.virtualChunks(1 - xside);
    if (c.onlyBlocks(1 - xside) != 1) {
      return false;
    }
    for (long l = 0; l < xs.blockCount(); l++) {
      long[] xc = xs.blockIndex(l);
      long[] sc = null;
      for (long m = 0; m < ss.blockCount(); m++) {
        long[] cand = ss.blockIndex(m);
        if (xside == 0 ? c.pairs(xc, cand) : c.pairs(cand, xc)) {
          sc = cand;
          break;
        }
      }
      if (sc == null) {
        return false;
      }
      long o = xside == 0 ? c.outIndex(xc, sc) : c.outIndex(sc, xc);
      if (o != l) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ shuffle

  private static DistributedArray shufflePlan(String op, String title, JavaSparkContext sc,
      BlockContraction c, Operand[] ops, long threshold, ProductOptions opt) {
    DistributedArray a = ops[0].dist;
    DistributedArray b = ops[1].dist;
    Chunks out = c.outChunks();
    long outBlocks = out.blockCount();
    long kb = c.kBlocks();
    long shared = c.sharedBlocks();
    long aOnly = c.onlyBlocks(0);
    long bOnly = c.onlyBlocks(1);
    int par = Math.max(1, sc.defaultParallelism());
    long groups = Math.max(1, Math.min(aOnly, ceilDiv(2L * par, shared)));
    if (shared * groups > Integer.MAX_VALUE / 2) {
      throw new UnsupportedPlanException(op, op + ": " + shared + " blocks along the shared "
          + "labels make too many join tasks; use larger chunks");
    }
    int n1 = (int) (shared * groups);
    long cBlk = out.largestBlockBytes(c.dtype());
    long av = c.virtualChunks(0).largestBlockBytes(a.dtype());
    long bv = c.virtualChunks(1).largestBlockBytes(b.dtype());
    long mapTask = Math.max(a.plan().offHeapPerTask(), b.plan().offHeapPerTask())
        + Math.max(a.chunks().largestBlockBytes(a.dtype()), b.chunks().largestBlockBytes(
            b.dtype()));
    long joinTask = ceilDiv(aOnly, groups) * av + bOnly * bv + cBlk;
    int n = sumPartitions(sc, outBlocks, kb, cBlk, opt);
    long sumTask = perSumTask(outBlocks, n, kb, cBlk);
    long perTask = Math.max(mapTask, Math.max(joinTask, sumTask));
    long heap = av + bv + cBlk;
    String stage = perTask == joinTask ? "the join stage (" + ceilDiv(aOnly, groups)
        + " left and " + bOnly + " right blocks per task)" : perTask == sumTask
        ? "the summing stage (" + ceilDiv(outBlocks, n) * kb + " partial products of <= "
        + MemoryBudget.formatBytes(cBlk) + " per task)" : "reading the operands";
    checkLimit(op, sc, perTask, stage);

    String label = "tessera " + title + " -> " + DistributedArray.describe(c.dtype(), out)
        + " (shuffle join)";
    int g = (int) groups;
    JavaPairRDD<BlockIndex, NDArray> rdd = Jobs.building(sc, label, () -> {
      JavaPairRDD<BlockIndex, NDArray> ra = a.blocks()
          .mapPartitionsToPair(new ContractionFns.ToJoin(c, 0, g), true)
          .mapPartitionsToPair(new Fns.CloseOnAdvance(), true);
      JavaPairRDD<BlockIndex, NDArray> rb = b.blocks()
          .mapPartitionsToPair(new ContractionFns.ToJoin(c, 1, g), true)
          .mapPartitionsToPair(new Fns.CloseOnAdvance(), true);
      return ra.union(rb).partitionBy(new ContractionFns.KeyPartitioner(n1))
          .mapPartitionsToPair(new ContractionFns.JoinMultiply(c), true)
          .mapPartitionsToPair(new Fns.CloseOnAdvance(), true)
          .repartitionAndSortWithinPartitions(new ContractionFns.PartialPartitioner(outBlocks,
              n), new Fns.BlockOrder())
          .mapPartitionsToPair(new ContractionFns.OrderedSum(c), true);
    });
    long smaller = Math.min(ops[0].nbytes(), ops[1].nbytes());
    long partials = outBlocks * kb;
    Plan p = new Plan(title + " -> " + layout(c.dtype(), out, n), perTask, heap)
        .note("plan: SHUFFLE (block join on the summed labels '" + c.summedLabels()
            + "', cpmm/SUMMA style): " + (opt.strategy() == ProductStrategy.SHUFFLE
            ? "forced (ProductStrategy.SHUFFLE)" : "smaller operand " + MemoryBudget.formatBytes(
            smaller) + (threshold < 0 ? ", broadcasting disabled" : " > threshold "
            + MemoryBudget.formatBytes(threshold)) + " (" + DistributedLinalg
            .BROADCAST_THRESHOLD_CONF + ")"))
        .note("join: " + n1 + " tasks = " + shared + " shared-label blocks x " + groups
            + " groups of the left operand's blocks; left operand SHUFFLED once ("
            + MemoryBudget.formatBytes(a.nbytes()) + "), right operand SHUFFLED to each of "
            + groups + " groups (" + MemoryBudget.formatBytes(sat(b.nbytes(), groups)) + ")")
        .note("partial products: " + partials + " (" + kb + " per result block, local kernel "
            + kernelName(c) + "), " + MemoryBudget.formatBytes(sat(cBlk, partials))
            + " at most through a second shuffle, summed per result block in fixed k order "
            + "(k = 0, 1, ..., " + (kb - 1) + ", left to right)")
        .note(memoryNote(sc, perTask, heap, 0));
    p.child("left operand: SHUFFLED into the join", a.plan());
    p.child("right operand: SHUFFLED into the join (x" + groups + ")", b.plan());
    return DistributedArray.derived(sc, c.dtype(), out, n, rdd, p, label, List.of(),
        List.of(a, b));
  }

  // ------------------------------------------------------------------ sizing

  private static int sumPartitions(JavaSparkContext sc, long outBlocks, long kb, long cBlk,
      ProductOptions opt) {
    long blocks = Math.max(1, outBlocks);
    if (opt.numPartitions() > 0) {
      return (int) Math.min(opt.numPartitions(), blocks);
    }
    long target = SUM_TARGET;
    long limit = DistributedLinalg.executorMemoryLimit(sc);
    if (limit != Long.MAX_VALUE) {
      target = Math.max(1, Math.min(target, limit / (2L * slots(sc))));
    }
    long want = ceilDiv(sat(sat(cBlk, kb), outBlocks), target);
    long n = Math.max(Math.min(blocks, sc.defaultParallelism()), want);
    return (int) Math.min(Math.min(n, blocks), Integer.MAX_VALUE / 2);
  }

  private static long perSumTask(long outBlocks, int n, long kb, long cBlk) {
    long held = sat(sat(ceilDiv(outBlocks, n), kb), cBlk);
    return held == Long.MAX_VALUE ? held : held + cBlk;
  }

  private static void checkLimit(String op, JavaSparkContext sc, long perTask, String stage) {
    long limit = DistributedLinalg.executorMemoryLimit(sc);
    if (perTask > limit) {
      throw new TaskMemoryExceededException(op, op + ": " + stage + " holds an estimated "
          + MemoryBudget.formatBytes(perTask) + " (" + perTask + " bytes) off-heap per task, "
          + "over the executor memory limit of " + MemoryBudget.formatBytes(limit) + " ("
          + ExecutorMemory.LIMIT_CONF + "); use smaller chunks, more partitions "
          + "(ProductOptions.numPartitions) or raise the limit", perTask, limit);
    }
  }

  private static String memoryNote(JavaSparkContext sc, long perTask, long heap, long bcast) {
    int slots = slots(sc);
    long limit = DistributedLinalg.executorMemoryLimit(sc);
    return "est. per task: " + MemoryBudget.formatBytes(perTask) + " off-heap, "
        + MemoryBudget.formatBytes(heap) + " heap; per executor (" + slots + " concurrent "
        + (slots == 1 ? "task" : "tasks") + "): " + MemoryBudget.formatBytes(sat(perTask, slots))
        + " off-heap, " + MemoryBudget.formatBytes(sat(heap - bcast, slots) + bcast) + " heap"
        + (bcast > 0 ? " (broadcast value held once)" : "") + "; executor limit "
        + (limit == Long.MAX_VALUE ? "unlimited" : MemoryBudget.formatBytes(limit)) + " ("
        + ExecutorMemory.LIMIT_CONF + ")";
  }

  /** Concurrent tasks per executor: local[N] threads, else spark.executor.cores (default 1). */
  static int slots(JavaSparkContext sc) {
    String master = sc.master();
    if (master.startsWith("local-cluster")) {
      String[] parts = master.substring(master.indexOf('[') + 1, master.indexOf(']')).split(",");
      return Integer.parseInt(parts[1].trim());
    }
    if (master.startsWith("local")) {
      return Math.max(1, sc.defaultParallelism());
    }
    return Math.max(1, sc.getConf().getInt("spark.executor.cores", 1));
  }

  private static String side(int s) {
    return s == 0 ? "left" : "right";
  }

  private static String kernelName(BlockContraction c) {
    return c.kernel() == BlockContraction.Kernel.MATMUL ? "Linalg.matmul on BLAS"
        : "einsum '" + c.subscripts() + "' (optimized, BLAS)";
  }

  static String layout(DType dtype, Chunks chunks, int n) {
    return DistributedArray.describe(dtype, chunks) + " in chunks of "
        + Shapes.format(chunks.chunkSize()) + " (" + Shapes.format(chunks.numBlocks())
        + " blocks of <= " + MemoryBudget.formatBytes(chunks.largestBlockBytes(dtype)) + "), "
        + n + " partitions";
  }

  static long ceilDiv(long a, long b) {
    return b <= 0 ? a : (a + b - 1) / b;
  }

  static long sat(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
  }
}
