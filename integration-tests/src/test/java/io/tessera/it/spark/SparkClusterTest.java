package io.tessera.it.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.Tessera;
import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.ChunkedReductions;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.expr.Expr;
import io.tessera.io.npy.NpyReader;
import io.tessera.ndarray.NDArray;
import io.tessera.index.Index;
import io.tessera.spark.DistributedArray;
import io.tessera.spark.DistributedLinalg;
import io.tessera.spark.DistributedNpy;
import io.tessera.spark.DistributedOuter;
import io.tessera.spark.DistributedZarr;
import io.tessera.spark.ProductOptions;
import io.tessera.spark.ProductStrategy;
import io.tessera.spark.ReduceOptions;
import io.tessera.spark.ResultTooLargeException;
import io.tessera.spark.Scalar;
import io.tessera.spark.kryo.RawIO;
import io.tessera.ufunc.Ufunc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-connector on a real multi-JVM cluster ({@link SparkCluster}: two executor JVMs, one
 * core each), with Kryo and {@code spark.kryo.registrationRequired=true}. Every result is compared
 * bit for bit with the local engine and with NumPy goldens ({@code golden/spark/*.npy}, written
 * by {@code integration-tests/src/test/python/gen_spark_goldens.py}); every test checks that its
 * Tessera jobs ran tasks on both executors, and afterwards that no executor holds Tessera memory.
 */
@ExtendWith(SparkCluster.Extension.class)
class SparkClusterTest {
  private static final long[] SHAPE = {60, 50};
  private static final Chunks GRID = Chunks.regular(SHAPE, 16, 16); // 4 x 4 blocks
  /** Error bound of NumPy's pairwise sum (8 running sums of 16 per 128-block, then halving). */
  private static final double SUM_BOUND_EPS = 32 * 0x1.0p-53;

  private static JavaSparkContext sc;
  private static JobLog log;

  private BufferAllocator alloc;
  private Tessera np;
  private int jobsBefore;

  @BeforeAll
  static void cluster() {
    sc = SparkCluster.get().context();
    log = JobLog.on(sc);
  }

  @AfterAll
  static void unregister() {
    if (log != null) {
      log.remove();
    }
  }

  @BeforeEach
  void open() {
    alloc = new RootAllocator();
    np = Tessera.using(alloc);
    jobsBefore = log.settle().jobCount();
  }

  @AfterEach
  void checkMemory() {
    slices.forEach(NDArray::close);
    slices.clear();
    long leaked = alloc.getAllocatedMemory();
    alloc.close();
    assertEquals(0, leaked, "driver arrays not closed");
    List<OnExecutors.Probe> probes = OnExecutors.probe(sc, 6, 20);
    for (OnExecutors.Probe p : probes) {
      assertEquals(0, p.allocatedBytes(), "Tessera memory still allocated on executor " + p);
      assertEquals(0, p.leakedTasks(), "tasks ended with untracked memory on executor " + p);
    }
  }

  // ------------------------------------------------------------------ helpers

  private NDArray golden(String name) {
    try {
      Path p = Path.of(SparkClusterTest.class.getResource("/golden/spark/" + name + ".npy").toURI());
      return NpyReader.read(p, alloc);
    } catch (Exception e) {
      throw new AssertionError("cannot read golden " + name, e);
    }
  }

  private static void assertSameBits(NDArray expect, NDArray got, String what) {
    assertEquals(expect.dtype(), got.dtype(), what + ": dtype");
    assertArrayEquals(expect.shape(), got.shape(), what + ": shape");
    assertArrayEquals(RawIO.toBytes(expect), RawIO.toBytes(got), what + ": bits");
  }

  private static void assertSameBits(NDArray expect0d, Scalar got, String what) {
    assertEquals(expect0d.dtype(), got.dtype(), what + ": dtype");
    long e = expect0d.dtype().isFloat() ? Double.doubleToRawLongBits(expect0d.getDouble())
        : expect0d.getLong();
    assertEquals(e, got.bits(), what + ": bits (expected " + expect0d.getDouble() + ", got "
        + got + ")");
  }

  /** The Tessera jobs of this test so far (the probe jobs excluded) ran on every executor. */
  private List<JobLog.Job> assertJobsUsedBothExecutors() {
    List<JobLog.Job> jobs = log.settle().jobsSince(jobsBefore);
    assertFalse(jobs.isEmpty(), "no job ran");
    Set<String> used = new TreeSet<>();
    for (JobLog.Job j : jobs) {
      used.addAll(log.executorsOf(j));
    }
    assertTrue(used.size() >= SparkCluster.EXECUTORS, "tasks ran on executors " + used
        + " only, want " + SparkCluster.EXECUTORS + " executor JVMs");
    assertFalse(used.contains("driver"), "a task ran in the driver: " + used);
    return jobs;
  }

  // ------------------------------------------------------------------ separate JVMs

  @Test
  void tasksRunInSeparateExecutorJvms() {
    long driver = ProcessHandle.current().pid();
    Chunks chunks = Chunks.regular(new long[] {8, 3}, 1, 3); // 8 blocks
    try (DistributedArray pids = DistributedArray.generate(sc, chunks, DType.INT64,
            new OnExecutors.PidGenerator(150), 8);
        NDArray local = pids.toLocal(np)) {
      Set<Long> seen = new HashSet<>();
      for (long i = 0; i < 8; i++) {
        seen.add(local.getLong(i, 0));
        assertEquals(local.getLong(i, 0), local.getLong(i, 2), "one block, one JVM");
      }
      assertTrue(seen.size() >= 2, "blocks made in JVMs " + seen + ": want two executor JVMs");
      assertFalse(seen.contains(driver), "a block was made in the driver JVM " + driver);
      for (long pid : seen) {
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
            "executor JVM " + pid + " is not a live process of this machine");
      }
    }
    assertJobsUsedBothExecutors();
    List<OnExecutors.Probe> probes = OnExecutors.probe(sc, 8, 100);
    Set<String> ids = probes.stream().map(OnExecutors.Probe::executorId)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<Long> jvms = probes.stream().map(OnExecutors.Probe::pid).collect(Collectors.toSet());
    assertEquals(ids.size(), jvms.size(), "one JVM per executor id: " + probes);
    assertFalse(jvms.contains(driver));
  }

  // ------------------------------------------------------------------ elementwise

  @Test
  void broadcastLocalOperandMatchesNumPyAndTheLocalEngine() {
    try (NDArray x = golden("x");
        NDArray row = golden("row");
        NDArray expect = golden("x_mul_row_add_1p5");
        NDArray localMul = x.mul(row);
        NDArray local = localMul.add(1.5);
        DistributedArray dx = DistributedArray.fromLocal(sc, x, GRID, 4);
        DistributedArray prod = dx.multiply(row);
        DistributedArray z = prod.add(1.5);
        NDArray got = z.toLocal(np)) {
      assertSameBits(expect, local, "local engine x * row + 1.5");
      assertSameBits(expect, got, "cluster x * row + 1.5");
      String plan = z.explainString();
      assertTrue(plan.contains("local float64(50,) (400 B) BROADCAST once"), plan);
    }
    assertJobsUsedBothExecutors();
  }

  @Test
  void zipOfAlignedArraysRunsWithoutShuffle() {
    try (NDArray x = golden("x");
        NDArray y = golden("y");
        NDArray k = golden("k");
        NDArray expect = golden("x_add_y");
        NDArray expectMixed = golden("k_add_x");
        NDArray local = x.add(y);
        DistributedArray dx = DistributedArray.fromLocal(sc, x, GRID, 4);
        DistributedArray dy = DistributedArray.fromLocal(sc, y, GRID, 4);
        DistributedArray dk = DistributedArray.fromLocal(sc, k, GRID, 4);
        DistributedArray z = dx.add(dy);
        DistributedArray mixed = dk.add(dx);
        NDArray got = z.toLocal(np);
        NDArray gotMixed = mixed.toLocal(np)) {
      assertSameBits(expect, local, "local engine x + y");
      assertSameBits(expect, got, "cluster x + y");
      assertSameBits(expectMixed, gotMixed, "cluster int32 + float64");
      assertTrue(z.explainString().contains("zipped partition by partition, no shuffle"),
          z.explainString());
    }
    for (JobLog.Job j : assertJobsUsedBothExecutors()) {
      assertEquals(1, j.stageIds().size(), "a zip is one stage: " + j);
    }
  }

  @Test
  void misalignedPartitionsAreShuffled() {
    try (NDArray x = golden("x");
        NDArray y = golden("y");
        NDArray col = golden("col");
        NDArray expect = golden("x_sub_y_mul_col");
        NDArray localSub = x.sub(y);
        NDArray local = localSub.mul(col);
        DistributedArray dx = DistributedArray.fromLocal(sc, x, GRID, 4);
        DistributedArray dy = DistributedArray.fromLocal(sc, y, GRID, 3);
        DistributedArray diff = dx.subtract(dy);
        DistributedArray z = diff.multiply(col);
        NDArray got = z.toLocal(np)) {
      assertSameBits(expect, local, "local engine (x - y) * col");
      assertSameBits(expect, got, "cluster (x - y) * col");
      String plan = z.explainString();
      assertTrue(plan.contains("SHUFFLED from 3 to 4 partitions"), plan);
      assertTrue(plan.contains("local float64(60, 1) (480 B) BROADCAST once"), plan);
    }
    List<JobLog.Job> jobs = assertJobsUsedBothExecutors();
    assertTrue(jobs.stream().anyMatch(j -> j.stageIds().size() == 2),
        "the shuffle adds a stage: " + jobs);
  }

  // ------------------------------------------------------------------ reductions

  @Test
  void reductionsMatchNumPyWhateverThePartitioning() {
    try (NDArray x = golden("x");
        NDArray k = golden("k");
        NDArray fsum = golden("fsum_x");
        NDArray mean = golden("mean_x");
        NDArray npSum = golden("np_sum_x");
        NDArray absSum = golden("abs_sum_x");
        NDArray min = golden("min_x");
        NDArray max = golden("max_x");
        NDArray sumK = golden("sum_k");
        ChunkedArray cx = ChunkedArray.fromArray(x, GRID);
        NDArray localSum = ChunkedReductions.sum(np, cx);
        NDArray localMean = ChunkedReductions.mean(np, cx);
        NDArray localMin = ChunkedReductions.min(np, cx);
        NDArray localMax = ChunkedReductions.max(np, cx)) {
      // the local engine's chunked reductions: exact float sums (= math.fsum)
      assertSameBits(fsum, Scalar.ofDouble(localSum.getDouble()), "local chunked sum");
      assertSameBits(mean, Scalar.ofDouble(localMean.getDouble()), "local chunked mean");
      assertSameBits(min, Scalar.ofDouble(localMin.getDouble()), "local chunked min");
      assertSameBits(max, Scalar.ofDouble(localMax.getDouble()), "local chunked max");
      // NumPy's pairwise np.sum is within its bound of the exact sum
      assertTrue(Math.abs(npSum.getDouble() - fsum.getDouble())
          <= SUM_BOUND_EPS * absSum.getDouble(), "np.sum " + npSum.getDouble() + " vs exact "
          + fsum.getDouble());
      for (int parts : new int[] {2, 5}) {
        try (DistributedArray dx = DistributedArray.fromLocal(sc, x, GRID, parts);
            DistributedArray dk = DistributedArray.fromLocal(sc, k, GRID, parts)) {
          String p = parts + " partitions: ";
          assertSameBits(fsum, dx.sum(), p + "sum");
          assertSameBits(mean, dx.mean(), p + "mean");
          if (parts == 2) { // order-independent results: once is enough
            assertSameBits(min, dx.min(), p + "min");
            assertSameBits(max, dx.max(), p + "max");
            assertSameBits(sumK, dk.sum(), p + "int32 sum -> int64");
          }
        }
      }
    }
    assertJobsUsedBothExecutors();
  }

  @Test
  void reductionsAlongAxesAndMomentsMatchNumPy() {
    try (NDArray x = golden("x");
        NDArray z = golden("z");
        NDArray sum0 = golden("sum_x_axis0");
        NDArray mean1 = golden("mean_x_axis1");
        NDArray min1 = golden("min_x_axis1");
        NDArray argmin = golden("argmin_x");
        NDArray argmax0 = golden("argmax_x_axis0");
        NDArray var1 = golden("var_x_ddof1");
        NDArray std = golden("std_x");
        NDArray any1 = golden("any_z_axis1");
        NDArray all0 = golden("all_z_axis0");
        NDArray localMin1 = x.min(1);
        DistributedArray dx = DistributedArray.fromLocal(sc, x, GRID, 3);
        DistributedArray dz = DistributedArray.fromLocal(sc, z, Chunks.regular(SHAPE, 20, 25), 4);
        DistributedArray dSum0 = dx.sum(ReduceOptions.axis(0));
        DistributedArray dMean1 = dx.mean(ReduceOptions.axis(1));
        DistributedArray dMin1 = dx.min(ReduceOptions.axis(1));
        DistributedArray dArgmax0 = dx.argmax(0, false);
        DistributedArray dAny1 = dz.any(ReduceOptions.axis(1));
        DistributedArray dAll0 = dz.all(ReduceOptions.axis(0));
        NDArray gSum0 = dSum0.toLocal(np);
        NDArray gMean1 = dMean1.toLocal(np);
        NDArray gMin1 = dMin1.toLocal(np);
        NDArray gArgmax0 = dArgmax0.toLocal(np);
        NDArray gAny1 = dAny1.toLocal(np);
        NDArray gAll0 = dAll0.toLocal(np)) {
      assertSameBits(sum0, gSum0, "sum(axis=0), exact per column");
      assertSameBits(mean1, gMean1, "mean(axis=1)");
      assertSameBits(min1, localMin1, "local engine min(axis=1)");
      assertSameBits(min1, gMin1, "min(axis=1)");
      assertSameBits(argmax0, gArgmax0, "argmax(axis=0)");
      assertSameBits(any1, gAny1, "any(axis=1)");
      assertSameBits(all0, gAll0, "all(axis=0)");
      assertSameBits(argmin, dx.argmin(), "argmin()");
      assertSameBits(var1, dx.var(1.0), "var(ddof=1), exact");
      assertSameBits(std, dx.std(), "std(), exact");
    }
    assertJobsUsedBothExecutors();
  }

  // ------------------------------------------------------------------ products, grids

  @Test
  void matmulAndEinsumGiveTheSameBitsOnEitherPlan() {
    ProductOptions broadcast = ProductOptions.defaults().strategy(ProductStrategy.BROADCAST);
    ProductOptions shuffle = ProductOptions.defaults().strategy(ProductStrategy.SHUFFLE);
    try (NDArray a = golden("a_i64");
        NDArray b = golden("b_i64");
        NDArray c = golden("c_i64");
        NDArray ab = golden("ab_i64");
        NDArray ac = golden("einsum_ij_kj_ik_i64");
        NDArray af = golden("af");
        NDArray bf = golden("bf");
        NDArray abf = golden("abf");
        NDArray absAbf = golden("abs_abf");
        DistributedArray da = DistributedArray.fromLocal(sc, a, Chunks.regular(a.shape(), 16, 8), 3);
        DistributedArray db = DistributedArray.fromLocal(sc, b, Chunks.regular(b.shape(), 8, 12), 2);
        DistributedArray daf = DistributedArray.fromLocal(sc, af, Chunks.regular(af.shape(), 16, 8),
            3);
        DistributedArray dbf = DistributedArray.fromLocal(sc, bf, Chunks.regular(bf.shape(), 8, 12),
            2);
        DistributedArray abB = da.matmul(db, broadcast);
        DistributedArray abS = da.matmul(db, shuffle);
        DistributedArray acE = DistributedLinalg.einsum("ij,kj->ik", da, c);
        DistributedArray abfB = daf.matmul(dbf, broadcast);
        DistributedArray abfS = daf.matmul(dbf, shuffle);
        NDArray gB = abB.toLocal(np);
        NDArray gS = abS.toLocal(np);
        NDArray gE = acE.toLocal(np);
        NDArray gfB = abfB.toLocal(np);
        NDArray gfS = abfS.toLocal(np)) {
      assertTrue(abB.explainString().contains("BROADCAST"), abB.explainString());
      assertTrue(abS.explainString().contains("SHUFFLE"), abS.explainString());
      assertSameBits(ab, gB, "int64 matmul, broadcast plan");
      assertSameBits(ab, gS, "int64 matmul, shuffle plan");
      assertSameBits(ac, gE, "einsum ij,kj->ik with a local operand");
      assertSameBits(gfB, gfS, "float64 matmul: broadcast and shuffle plans");
      // against NumPy's BLAS: both sums of 30 products, each within 30 eps |A||B| of the exact one
      double gamma = 2 * 30 * 0x1.0p-53;
      for (long i = 0; i < 40; i++) {
        for (long j = 0; j < 20; j++) {
          double bound = gamma * absAbf.getDouble(i, j);
          assertTrue(Math.abs(gfB.getDouble(i, j) - abf.getDouble(i, j)) <= bound,
              "matmul[" + i + ", " + j + "] = " + gfB.getDouble(i, j) + ", NumPy "
              + abf.getDouble(i, j));
        }
      }
    }
    assertJobsUsedBothExecutors();
  }

  @Test
  void transposeSlicingAndRechunkMoveBlocksNotValues() {
    try (NDArray x = golden("x");
        NDArray slice = golden("x_slice");
        NDArray row = golden("x_row");
        NDArray fsum = golden("fsum_x");
        NDArray xt = x.T();
        DistributedArray dx = DistributedArray.fromLocal(sc, x, GRID, 4);
        DistributedArray t = dx.T();
        DistributedArray s = dx.get(Index.slice(5, 47), Index.slice(10, 47));
        DistributedArray r1 = dx.get(Index.at(-3), Index.slice(2, 40));
        DistributedArray r = dx.rechunk(Chunks.regular(SHAPE, 7, 50));
        NDArray gT = t.toLocal(np);
        NDArray gS = s.toLocal(np);
        NDArray gR1 = r1.toLocal(np);
        NDArray gR = r.toLocal(np)) {
      assertSameBits(xt, gT, "x.T");
      assertSameBits(slice, gS, "x[5:47, 10:47]");
      assertSameBits(row, gR1, "x[-3, 2:40]");
      assertTrue(s.blockCount() < dx.blockCount(), "slicing did not prune blocks: " + s);
      assertSameBits(x, gR, "x rechunked to (7, 50)");
      assertEquals(9, r.blockCount());
      assertSameBits(fsum, r.sum(), "sum after rechunk (exact: grid-independent)");
    }
    assertJobsUsedBothExecutors();
  }

  // ------------------------------------------------------------------ outer

  @Test
  void outerReductionsMatchNumPysMaterializedOnes() {
    Expr absdiff = Expr.arg(0).sub(Expr.arg(1)).abs();
    Expr sqdiff = Expr.arg(0).sub(Expr.arg(1)).square();
    try (NDArray x = golden("ox");
        NDArray y = golden("oy");
        NDArray y2 = golden("oy2");
        NDArray rx = golden("orx");
        NDArray ry = golden("ory");
        NDArray minAbs = golden("outer_min_absdiff");
        NDArray sumAdd = golden("outer_sum_add");
        NDArray minAbs2 = golden("outer_min_absdiff_y2");
        NDArray rowsMin = golden("outer_rows_min_sq");
        NDArray sub = golden("outer_sub");
        DistributedArray dx = DistributedArray.fromLocal(sc, x, Chunks.regular(x.shape(), 64), 3);
        DistributedArray dy2 = DistributedArray.fromLocal(sc, y2, Chunks.regular(y2.shape(), 100),
            2);
        DistributedArray drx = DistributedArray.fromLocal(sc, rx, Chunks.regular(rx.shape(), 32, 3),
            3);
        DistributedArray drxSmall = DistributedArray.fromLocal(sc, head(x, 30),
            Chunks.regular(new long[] {30}, 8), 2);
        DistributedArray m1 = DistributedOuter.outerReduce(absdiff, Ufunc.MINIMUM, dx, y);
        DistributedArray s1 = DistributedOuter.outerReduce(Ufunc.ADD, Ufunc.ADD, dx, y);
        DistributedArray m2 = DistributedOuter.outerReduce(absdiff, Ufunc.MINIMUM, dx, dy2);
        DistributedArray r1 = DistributedOuter.outerReduce(sqdiff, Ufunc.ADD, Ufunc.MINIMUM, drx,
            ry);
        DistributedArray o1 = DistributedOuter.outer(Ufunc.SUBTRACT, drxSmall, head(y, 20));
        NDArray gm1 = m1.toLocal(np);
        NDArray gs1 = s1.toLocal(np);
        NDArray gm2 = m2.toLocal(np);
        NDArray gr1 = r1.toLocal(np);
        NDArray go1 = o1.toLocal(np)) {
      assertSameBits(minAbs, gm1, "min_j |x_i - y_j|, y broadcast");
      assertSameBits(sumAdd, gs1, "sum_j (x_i + y_j), y broadcast");
      assertFalse(m2.explainString().contains("BROADCAST"), m2.explainString());
      assertSameBits(minAbs2, gm2, "min_j |x_i - y_j|, y distributed, block pairs");
      assertSameBits(rowsMin, gr1, "min_j sum_d (x_id - y_jd)^2");
      assertSameBits(sub, go1, "unfused subtract.outer");
    }
    assertJobsUsedBothExecutors();
  }

  private final List<NDArray> slices = new java.util.ArrayList<>();

  /** The view {@code a[:n]}, closed after the test. */
  private NDArray head(NDArray a, long n) {
    NDArray v = a.get(Index.slice(0, n));
    slices.add(v);
    return v;
  }

  // ------------------------------------------------------------------ files
  // (DataFrames are left to spark-connector's local[2] tests: Spark SQL's first use costs
  // 30-60 s of start-up on two 1-core executors, too much for this suite)

  @Test
  void npyAndZarrFilesAreReadAndWrittenByTheExecutors(@TempDir Path dir) throws Exception {
    String xUri = Path.of(SparkClusterTest.class.getResource("/golden/spark/x.npy").toURI())
        .toUri().toString();
    String npyOut = dir.resolve("x-out.npy").toUri().toString();
    String zarrOut = dir.resolve("x.zarr").toUri().toString();
    try (NDArray x = golden("x");
        NDArray fsum = golden("fsum_x");
        DistributedArray fromNpy = DistributedNpy.read(sc, xUri, GRID, 3);
        NDArray gNpy = fromNpy.toLocal(np)) {
      assertSameBits(x, gNpy, "DistributedNpy.read of NumPy's x.npy");
      assertSameBits(fsum, fromNpy.sum(), "sum of the file's blocks");
      DistributedNpy.write(fromNpy, npyOut);
      try (NDArray back = NpyReader.read(Path.of(URI.create(npyOut)), alloc)) {
        assertSameBits(x, back, "DistributedNpy.write, read back locally");
      }
      DistributedZarr.write(fromNpy, zarrOut); // every executor writes its own chunks
      try (DistributedArray z = DistributedZarr.read(sc, zarrOut, 2);
          NDArray gZ = z.toLocal(np)) {
        assertSameBits(x, gZ, "Zarr written and read by the executors");
      }
    }
    assertJobsUsedBothExecutors();
  }

  // ------------------------------------------------------------------ random generators

  @Test
  void randomGeneratorsDoNotDependOnPartitioning() {
    long[] shape = {37, 23};
    try (NDArray uniform = golden("uniform_s42");
        NDArray integers = golden("integers_s7")) {
      for (int parts : new int[] {2, 5}) {
        for (Chunks c : List.of(Chunks.regular(shape, 10, 7), Chunks.regular(shape, 37, 5))) {
          String what = parts + " partitions, chunks " + c + ": ";
          try (DistributedArray u = DistributedArray.uniform(sc, 42, c, -2.0, 3.0, parts);
              DistributedArray i = DistributedArray.integers(sc, 7, c, -50, 1000, parts);
              NDArray gu = u.toLocal(np);
              NDArray gi = i.toLocal(np)) {
            assertSameBits(uniform, gu, what + "uniform(seed 42)");
            assertSameBits(integers, gi, what + "integers(seed 7)");
          }
        }
      }
      // normal deviates: no NumPy golden (StrictMath's log/cos), but the same bits on 2 and 5
      Chunks c = Chunks.regular(shape, 10, 7);
      try (DistributedArray n2 = DistributedArray.normal(sc, 5, c, 1.0, 2.0, 2);
          DistributedArray n5 = DistributedArray.normal(sc, 5, c, 1.0, 2.0, 5);
          NDArray a = n2.toLocal(np);
          NDArray b = n5.toLocal(np)) {
        assertSameBits(a, b, "normal(seed 5) on 2 vs 5 partitions");
        assertEquals(Double.doubleToRawLongBits(n2.sum().doubleValue()),
            Double.doubleToRawLongBits(n5.sum().doubleValue()), "sum of normal(seed 5)");
      }
    }
    assertJobsUsedBothExecutors();
  }

  // ------------------------------------------------------------------ to the driver

  @Test
  void toLocalRoundTripsAndRefusesOversizedResultsBeforeAnyJob() {
    try (NDArray x = golden("x");
        NDArray k = golden("k");
        DistributedArray dx = DistributedArray.fromLocal(sc, x, GRID, 5);
        DistributedArray dk = DistributedArray.fromLocal(sc, k, Chunks.regular(SHAPE, 7, 50), 3);
        NDArray backX = dx.toLocal(np);
        NDArray backK = dk.toLocal(np)) {
      assertSameBits(x, backX, "float64 round trip");
      assertSameBits(k, backK, "int32 round trip");
      int jobs = log.settle().jobCount();
      ResultTooLargeException e = assertThrows(ResultTooLargeException.class,
          () -> dx.toLocal(np, 1000));
      assertTrue(e.getMessage().contains("24000 bytes"), e.getMessage());
      assertEquals(jobs, log.settle().jobCount(), "the refusal ran a job");
    }
    assertJobsUsedBothExecutors();
  }

  // ------------------------------------------------------------------ Spark UI and console

  @Test
  void sparkUiShowsReadableJobAndStageNames() throws Exception {
    try (DistributedArray u = DistributedArray.uniform(sc, 1, GRID, 0.0, 1.0, 4);
        DistributedArray v = DistributedArray.uniform(sc, 2, GRID, 0.0, 1.0, 3);
        DistributedArray w = u.add(v)) {
      w.max();
    }
    List<JobLog.Job> jobs = assertJobsUsedBothExecutors();
    assertEquals(1, jobs.size(), jobs.toString());
    JobLog.Job job = jobs.get(0);
    assertEquals("tessera max() of float64(60, 50) (16 blocks, 4 partitions)", job.description());
    for (int s : job.stageIds()) {
      assertTrue(log.stageName(s).startsWith("tessera "), "stage " + s + ": " + log.stageName(s));
    }

    // the same names through the UI's REST API (what the web pages show)
    String ui = sc.sc().uiWebUrl().get();
    assertTrue(ui.startsWith("http://127.0.0.1:"), ui);
    String api = ui + "/api/v1/applications/" + sc.sc().applicationId();
    JsonNode uiJob = find(get(api + "/jobs"), "jobId", job.id());
    assertEquals(job.description(), uiJob.get("description").asText(), uiJob.toString());
    JsonNode stages = get(api + "/stages");
    Set<String> names = new TreeSet<>();
    for (int s : job.stageIds()) {
      names.add(find(stages, "stageId", s).get("name").asText());
    }
    assertTrue(names.contains("tessera max() of float64(60, 50) (16 blocks, 4 partitions)"),
        names.toString());
    assertTrue(names.contains("tessera shuffle float64(60, 50) to 4 partitions"),
        names.toString());
  }

  private static JsonNode get(String url) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return new ObjectMapper().readTree(r.body());
  }

  private static JsonNode find(JsonNode list, String key, int id) {
    for (JsonNode n : list) {
      if (n.get(key).asInt() == id) {
        return n;
      }
    }
    throw new AssertionError("no " + key + " " + id + " in " + list);
  }

  @Test
  void longJobsShowTheConsoleProgressBar() {
    ConsoleTail console = SparkCluster.get().console();
    long mark = console.mark();
    Chunks chunks = Chunks.regular(new long[] {12, 4}, 1, 4); // 12 blocks of 0.25 s: 1.5 s
    try (DistributedArray slow = DistributedArray.generate(sc, chunks, DType.INT64,
        new OnExecutors.PidGenerator(250), 6)) {
      assertNotEquals(0L, slow.sum().longValue());
    }
    String out = console.since(mark);
    assertTrue(out.matches("(?s).*\\[Stage \\d+:[=> ]*\\(\\d+ \\+ \\d+\\) / 6\\].*"),
        "no console progress bar in: " + out.replace("\r", "\\r"));
    assertJobsUsedBothExecutors();
  }
}
