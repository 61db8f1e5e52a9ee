package io.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.Tessera;
import io.tessera.chunk.ChunkSpecException;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.errors.BudgetExceededException;
import io.tessera.errors.EinsumException;
import io.tessera.errors.IndexOutOfRangeException;
import io.tessera.errors.ShapeException;
import io.tessera.index.Index;
import io.tessera.linalg.Linalg;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.kryo.RawIO;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DistributedLinalg on local[2] with Kryo and registrationRequired, a 512 MiB executor limit, and
 * the executor's memory checked for leaks after every test. Products are compared bit for bit with
 * the local blocked product (block products on Linalg.matmul summed in k order) and across plans
 * and partitionings, and with NumPy 2.4.6 goldens within (k + 1)·eps·(|A|·|B|).
 */
class DistributedLinalgTest {
  private static JavaSparkContext sc;
  private static final AtomicInteger JOBS = new AtomicInteger();
  private static final AtomicInteger TASKS = new AtomicInteger();
  /** Blocks made by {@link #counting} (local mode: executors share this JVM). */
  static final AtomicInteger GENERATED = new AtomicInteger();
  private static JsonNode goldens;

  private BufferAllocator alloc;
  private Tessera np;
  private final Random rnd = new Random(7);

  @BeforeAll
  static void start() throws IOException {
    SparkConf conf = LocalSpark.conf("DistributedLinalgTest");
    sc = new JavaSparkContext(conf);
    sc.sc().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart e) {
        JOBS.incrementAndGet();
      }

      @Override
      public void onTaskEnd(SparkListenerTaskEnd e) {
        TASKS.incrementAndGet();
      }
    });
    try (InputStream in = DistributedLinalgTest.class.getResourceAsStream(
        "/golden/distributed/distributed_cases.json.gz")) {
      if (in == null) {
        fail("missing golden file golden/distributed/distributed_cases.json.gz");
      }
      goldens = new ObjectMapper().readTree(new GZIPInputStream(in));
    }
  }

  @AfterAll
  static void stop() {
    if (sc != null) {
      sc.stop();
    }
  }

  @BeforeEach
  void openAllocator() {
    alloc = new RootAllocator();
    np = Tessera.using(alloc);
  }

  @AfterEach
  void checkMemory() {
    LocalSpark.closeChecked(alloc);
  }

  private static int jobs() throws Exception {
    return LocalSpark.jobsSoFar(sc, JOBS);
  }

  private static int tasks() throws Exception {
    sc.sc().listenerBus().waitUntilEmpty(10_000);
    return TASKS.get();
  }

  // ------------------------------------------------------------------ data

  private NDArray gaussian(long... shape) {
    NDArray a = np.empty(DType.FLOAT64, shape);
    long n = a.size();
    long p = n == 0 ? 0 : a.dataAddress();
    for (long i = 0; i < n; i++, p += 8) {
      Raw.putDouble(p, rnd.nextGaussian());
    }
    return a;
  }

  private NDArray decode(JsonNode o) {
    DType dt = DType.of(o.get("dtype").asText());
    JsonNode s = o.get("shape");
    long[] shape = new long[s.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = s.get(i).asLong();
    }
    byte[] bytes = Base64.getDecoder().decode(o.get("data").asText());
    NDArray a = np.empty(dt, shape);
    if (bytes.length > 0) {
      Raw.copyFromHeap(bytes, 0, a.dataAddress(), bytes.length);
    }
    return a;
  }

  private static void assertBits(NDArray expect, NDArray got, String what) {
    assertEquals(expect.dtype(), got.dtype(), what);
    assertArrayEquals(expect.shape(), got.shape(), what);
    assertArrayEquals(RawIO.toBytes(expect), RawIO.toBytes(got), what);
  }

  private static void assertWithin(NDArray numpy, NDArray got, NDArray bound, long k,
      String what) {
    assertEquals(numpy.dtype(), got.dtype(), what);
    assertArrayEquals(numpy.shape(), got.shape(), what);
    double eps = numpy.dtype() == DType.FLOAT32 ? 0x1p-23 : 0x1p-52;
    boolean scalar = numpy.ndim() == 0;
    double[] e = scalar ? new double[] {numpy.getDouble()} : numpy.toDoubleArray();
    double[] g = scalar ? new double[] {got.getDouble()} : got.toDoubleArray();
    double[] b = scalar ? new double[] {bound.getDouble()} : bound.toDoubleArray();
    for (int i = 0; i < e.length; i++) {
      double tol = (k + 1) * eps * b[i];
      if (!(Math.abs(e[i] - g[i]) <= tol)) {
        fail(what + ": element " + i + " is " + g[i] + ", NumPy " + e[i] + " (bound " + tol
            + ")");
      }
    }
  }

  private static Chunks regular(long[] shape, long size) {
    return Chunks.regular(shape, size);
  }

  /** The local blocked product: block (i, j) = sum over k blocks in order of A_ik @ B_kj. */
  private NDArray blockedProduct(NDArray a, long[] rows, long[] ks, NDArray b, long[] cols) {
    NDArray out = np.zeros(DType.FLOAT64, a.shape(0), b.shape(1));
    long r0 = 0;
    for (long r : rows) {
      long c0 = 0;
      for (long c : cols) {
        NDArray acc = null;
        long k0 = 0;
        for (long k : ks) {
          try (NDArray av = a.get(Index.slice(r0, r0 + r), Index.slice(k0, k0 + k));
              NDArray ac = av.copy();
              NDArray bv = b.get(Index.slice(k0, k0 + k), Index.slice(c0, c0 + c));
              NDArray bc = bv.copy();
              NDArray p = Linalg.matmul(ac, bc)) {
            if (acc == null) {
              acc = p.copy();
            } else {
              acc.addi(p);
            }
          }
          k0 += k;
        }
        try (NDArray dst = out.get(Index.slice(r0, r0 + r), Index.slice(c0, c0 + c));
            NDArray s = acc) {
          dst.assign(s);
        }
        c0 += c;
      }
      r0 += r;
    }
    return out;
  }

  // ------------------------------------------------------------------ matmul bits

  @Test
  void matmulEqualsTheLocalBlockedProductBitForBitInEveryPlan() throws Exception {
    try (NDArray a = gaussian(70, 53);
        NDArray b = gaussian(53, 31);
        // A's column chunks (20) and B's row chunks (15) differ: k is cut at both
        NDArray expect = blockedProduct(a, new long[] {25, 25, 20},
            new long[] {15, 5, 10, 10, 5, 8}, b, new long[] {12, 12, 7});
        DistributedArray da = DistributedArray.fromLocal(sc, a, Chunks.regular(a.shape(), 25, 20));
        DistributedArray db = DistributedArray.fromLocal(sc, b, Chunks.regular(b.shape(), 15,
            12))) {
      Object[][] runs = {{ProductStrategy.AUTO, 0}, {ProductStrategy.SHUFFLE, 1},
          {ProductStrategy.SHUFFLE, 4}, {ProductStrategy.BROADCAST_LEFT, 0},
          {ProductStrategy.BROADCAST_RIGHT, 3}};
      for (Object[] run : runs) {
        ProductStrategy s = (ProductStrategy) run[0];
        int parts = (Integer) run[1];
        {
          ProductOptions o = ProductOptions.defaults().strategy(s).numPartitions(parts);
          try (DistributedArray c = DistributedLinalg.matmul(da, db, o);
              NDArray got = c.toLocal(np)) {
            assertEquals(Chunks.of(new long[] {25, 25, 20}, new long[] {12, 12, 7}), c.chunks());
            assertBits(expect, got, s + " in " + parts + " partitions");
          }
        }
      }
      // a local right operand: broadcast; the result still has the same bits
      try (DistributedArray c = da.matmul(b);
          NDArray got = c.toLocal(np)) {
        assertTrue(c.explainString().contains("BROADCAST right operand"), c.explainString());
        // B is local: its k blocks are A's (20), so compare with that blocking
        try (NDArray e2 = blockedProduct(a, new long[] {25, 25, 20}, new long[] {20, 20, 13},
            b, new long[] {31})) {
          assertBits(e2, got, "local right operand");
        }
      }
    }
  }

  @Test
  void tallSkinnyTimesSmallBroadcastNeedsNoShuffle() throws Exception {
    try (NDArray a = gaussian(90, 6);
        NDArray b = gaussian(6, 4);
        DistributedArray da = DistributedArray.fromLocal(sc, a, Chunks.regular(a.shape(), 10,
            -1), 3);
        DistributedArray c = DistributedLinalg.matmul(da, b);
        NDArray got = c.toLocal(np);
        NDArray expect = blockedProduct(a, Chunks.regular(a.shape(), 10, -1).chunks(0),
            new long[] {6}, b, new long[] {4})) {
      assertBits(expect, got, "tall-skinny");
      String plan = c.explainString();
      assertTrue(plan.contains("no shuffle at all"), plan);
      assertEquals(3, c.numPartitions());
      assertTrue(!c.blocks().rdd().toDebugString().contains("ShuffledRDD"),
          c.blocks().rdd().toDebugString());
    }
  }

  // ------------------------------------------------------------------ goldens

  @Test
  void everyGoldenCaseMatchesNumPyInBothPlans() throws Exception {
    int n = 0;
    for (JsonNode cs : goldens.get("cases")) {
      String name = cs.get("name").asText();
      List<NDArray> ops = new ArrayList<>();
      for (JsonNode o : cs.get("operands")) {
        ops.add(decode(o));
      }
      try (NDArray expect = decode(cs.get("result"));
          NDArray bound = cs.has("bound") ? decode(cs.get("bound")) : null) {
        // chunks of 16 for the first operand, 12 for the second: shared labels are unified
        String sub = cs.get("subscripts").asText();
        for (long[] sizes : new long[][] {sub.equals("ii->i") ? new long[] {8, 8}
            : new long[] {16, 12}}) {
          List<DistributedArray> ds = new ArrayList<>();
          try {
            for (int i = 0; i < ops.size(); i++) {
              ds.add(DistributedArray.fromLocal(sc, ops.get(i), regular(ops.get(i).shape(),
                  sizes[i])));
            }
            NDArray first = null;
            for (ProductStrategy s : ops.size() == 1
                ? new ProductStrategy[] {ProductStrategy.AUTO}
                : name.equals("matmul 2d") || name.equals("matmul batched")
                ? new ProductStrategy[] {ProductStrategy.SHUFFLE, ProductStrategy.BROADCAST_LEFT,
                    ProductStrategy.BROADCAST_RIGHT}
                : new ProductStrategy[] {ProductStrategy.SHUFFLE, n % 2 == 0
                    ? ProductStrategy.BROADCAST_LEFT : ProductStrategy.BROADCAST_RIGHT}) {
              ProductOptions o = ProductOptions.defaults().strategy(s);
              try (DistributedArray r = cs.get("op").asText().equals("matmul")
                  ? DistributedLinalg.matmul(ds.get(0), ds.get(1), o)
                  : DistributedLinalg.einsum(cs.get("subscripts").asText(), o, ds.toArray());
                  NDArray got = r.toLocal(np)) {
                String what = name + " chunks " + sizes[0] + "/" + sizes[1] + " " + s;
                if (bound == null) {
                  assertBits(expect, got, what);
                } else {
                  assertWithin(expect, got, bound, cs.get("k").asLong(), what);
                }
                if (first == null) {
                  first = got.copy();
                } else {
                  assertBits(first, got, what + " vs the first plan");
                }
              }
            }
            if (first != null) {
              first.close();
            }
          } finally {
            ds.forEach(DistributedArray::close);
          }
        }
        n++;
      } finally {
        ops.forEach(NDArray::close);
      }
    }
    assertEquals(18, n);
  }

  // ------------------------------------------------------------------ explain

  @Test
  void explainShowsThePlanAndTheMemory() {
    try (DistributedArray a = DistributedArray.uniform(sc, 1, Chunks.regular(new long[] {400,
        300}, 100), 0, 1);
        DistributedArray b = DistributedArray.uniform(sc, 2, Chunks.regular(new long[] {300,
            200}, 100), 0, 1);
        DistributedArray bc = DistributedLinalg.matmul(a, b);
        DistributedArray sh = DistributedLinalg.matmul(a, b, ProductOptions.defaults()
            .strategy(ProductStrategy.SHUFFLE))) {
      String e1 = bc.explainString();
      assertTrue(e1.contains("plan: BROADCAST right operand float64(300, 200), 468.8 KiB <= "
          + "threshold 64 MiB"), e1);
      assertTrue(e1.contains("left operand: multiplied where its blocks are, NOT shuffled (12 "
          + "blocks -> 24 block products"), e1);
      assertTrue(e1.contains("partial products: 24 (3 per result block)"), e1);
      assertTrue(e1.contains("fixed k order"), e1);
      assertTrue(e1.contains("est. per task: "), e1);
      assertTrue(e1.contains("per executor (2 concurrent tasks)"), e1);
      assertTrue(e1.contains("executor limit 512 MiB (spark.tessera.executor.memoryLimit)"), e1);
      assertTrue(e1.contains("[right operand: BROADCAST (collected, 468.8 KiB)]"), e1);
      String e2 = sh.explainString();
      assertTrue(e2.contains("plan: SHUFFLE (block join on the summed labels 'j', cpmm/SUMMA "
          + "style): forced (ProductStrategy.SHUFFLE)"), e2);
      assertTrue(e2.contains("left operand SHUFFLED once (937.5 KiB)"), e2);
      assertTrue(e2.contains("[left operand: SHUFFLED into the join]"), e2);
      assertTrue(e2.contains("per executor (2 concurrent tasks)"), e2);
      System.out.println(e1);
      System.out.println(e2);
    }
  }

  // ------------------------------------------------------------------ bad input, no job

  @Test
  void badInputFailsBeforeAnyJob() throws Exception {
    try (DistributedArray a = DistributedArray.uniform(sc, 1, Chunks.regular(new long[] {5, 3},
        2), 0, 1);
        DistributedArray b = DistributedArray.uniform(sc, 2, Chunks.regular(new long[] {4, 6},
            2), 0, 1);
        DistributedArray big = DistributedArray.uniform(sc, 3, Chunks.regular(new long[] {4000,
            4000}, 1000), 0, 1);
        DistributedArray huge = DistributedArray.uniform(sc, 4, Chunks.regular(new long[] {40000,
            40000}, 10000), 0, 1)) {
      int before = jobs();
      ShapeException se = assertThrows(ShapeException.class, () -> DistributedLinalg.matmul(a,
          b));
      assertEquals("matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc "
          + "signature (n?,k),(k,m?)->(n?,m?) (size 4 is different from 3)", se.getMessage());
      BroadcastTooLargeException bt = assertThrows(BroadcastTooLargeException.class,
          () -> DistributedLinalg.matmul(big, big, ProductOptions.defaults().strategy(
              ProductStrategy.BROADCAST)));
      assertEquals(128_000_000L, bt.operandBytes());
      assertEquals(64L << 20, bt.thresholdBytes());
      assertTrue(bt.getMessage().contains("over the broadcast threshold of 64 MiB"),
          bt.getMessage());
      assertThrows(BroadcastTooLargeException.class, () -> DistributedLinalg.matmul(big, big,
          ProductOptions.defaults().broadcastThreshold(-1).strategy(
              ProductStrategy.BROADCAST_RIGHT)));
      TaskMemoryExceededException tm = assertThrows(TaskMemoryExceededException.class,
          () -> DistributedLinalg.matmul(huge, huge));
      assertTrue(tm.getMessage().contains("over the executor memory limit of 512 MiB"),
          tm.getMessage());
      assertThrows(ChunkSpecException.class, () -> DistributedLinalg.rechunk(a,
          Chunks.of(new long[] {2, 2}, new long[] {3})));
      assertThrows(ChunkSpecException.class, () -> Chunks.of(new long[] {5, 3},
          new long[][] {{2, 2}, {3}}));
      assertThrows(BudgetExceededException.class, () -> DistributedLinalg.rechunk(big,
          Chunks.regular(big.shape(), 4000, 10), 1 << 20));
      assertThrows(EinsumException.class, () -> DistributedLinalg.einsum("ij,jk->ik", a, b));
      assertThrows(UnsupportedPlanException.class, () -> DistributedLinalg.einsum("ij->i", a));
      assertThrows(UnsupportedPlanException.class, () -> DistributedLinalg.einsum("ii,ij->j",
          big, big));
      assertThrows(IndexOutOfRangeException.class, () -> DistributedLinalg.slice(a,
          Index.at(5)));
      assertThrows(UnsupportedPlanException.class, () -> DistributedLinalg.slice(a,
          Index.slice(null, null, 2)));
      assertThrows(ShapeException.class, () -> DistributedLinalg.transpose(a, 0, 0));
      assertEquals(before, jobs(), "a job was submitted");
    }
  }

  // ------------------------------------------------------------------ transpose, slice

  @Test
  void transposeMatchesLocalWithAndWithoutShuffle() throws Exception {
    try (NDArray x = gaussian(23, 17, 4);
        DistributedArray d = DistributedArray.fromLocal(sc, x, Chunks.regular(x.shape(), 5, 6,
            4))) {
      for (int[] axes : new int[][] {{2, 1, 0}, {1, 0, 2}, {0, 1, 2}, {2, 0, 1}}) {
        try (DistributedArray t = DistributedLinalg.transpose(d, axes);
            NDArray got = t.toLocal(np);
            NDArray view = x.transpose(axes);
            NDArray expect = view.copy()) {
          assertBits(expect, got, java.util.Arrays.toString(axes));
        }
      }
      try (DistributedArray t = d.T(); DistributedArray u = d.transpose(1, 2, 0);
          DistributedArray g = d.get(Index.at(-1), Index.slice(2L, 9L, 1))) {
        assertArrayEquals(new long[] {4, 17, 23}, t.shape());
        assertArrayEquals(new long[] {17, 4, 23}, u.shape());
        assertArrayEquals(new long[] {7, 4}, g.shape());
        try (NDArray got = g.toLocal(np);
            NDArray view = x.get(Index.at(-1), Index.slice(2L, 9L, 1));
            NDArray expect = view.copy()) {
          assertBits(expect, got, "get");
        }
      }
      // a column of blocks transposed keeps every block's C-order position: no shuffle
      try (NDArray v = gaussian(40, 3);
          DistributedArray col = DistributedArray.fromLocal(sc, v, Chunks.regular(v.shape(), 10,
              -1));
          DistributedArray t = DistributedLinalg.transpose(col);
          NDArray got = t.toLocal(np);
          NDArray tv = v.T();
          NDArray expect = tv.copy()) {
        assertBits(expect, got, "column");
        assertTrue(t.explainString().contains("no shuffle"), t.explainString());
      }
    }
  }

  /** A generator that counts the blocks it makes. */
  private static DistributedArray counting(long[] shape, long chunk) {
    Chunks c = Chunks.regular(shape, chunk);
    return DistributedArray.generate(sc, c, DType.FLOAT64, (idx, off, sh, t) -> {
      GENERATED.incrementAndGet();
      NDArray b = t.empty(DType.FLOAT64, sh);
      long n = b.size();
      for (long i = 0; i < n; i++) {
        long r = off[0] + i / sh[1];
        long q = off[1] + i % sh[1];
        Raw.putDouble(b.dataAddress() + 8 * i, r * 1000 + q);
      }
      return b;
    }, (int) c.blockCount());
  }

  @Test
  void slicingComputesOnlyTheOverlappingBlocks() throws Exception {
    try (DistributedArray d = counting(new long[] {40, 40}, 10)) {
      assertEquals(16, d.numPartitions());
      try (DistributedArray s = DistributedLinalg.slice(d, Index.slice(12L, 18L, 1),
          Index.slice(-9L, null, 1))) {
        GENERATED.set(0);
        int t0 = tasks();
        try (NDArray got = s.toLocal(np)) {
          assertEquals(1, GENERATED.get(), "blocks generated");
          assertEquals(1, tasks() - t0, "tasks");
          assertArrayEquals(new long[] {6, 9}, got.shape());
          assertEquals(12 * 1000 + 31, got.getDouble(0, 0));
          assertEquals(17 * 1000 + 39, got.getDouble(5, 8));
        }
        assertTrue(s.explainString().contains("reads 1 of 16 source partitions"),
            s.explainString());
      }
      // across blocks, with an integer index: 4 source blocks of row block 1
      try (DistributedArray s = DistributedLinalg.slice(d, Index.at(15), Index.slice(5L, 37L,
          1))) {
        GENERATED.set(0);
        try (NDArray got = s.toLocal(np)) {
          assertEquals(4, GENERATED.get(), "blocks generated");
          assertArrayEquals(new long[] {32}, got.shape());
          assertEquals(Chunks.of(new long[] {5, 10, 10, 7}), s.chunks());
          for (int i = 0; i < 32; i++) {
            assertEquals(15 * 1000 + 5 + i, got.getDouble(i));
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ rechunk, unify

  @Test
  void rechunkInStepsAndElementwiseOnMisalignedGrids() throws Exception {
    try (NDArray x = gaussian(60, 48);
        NDArray y = gaussian(60, 48);
        DistributedArray dx = DistributedArray.fromLocal(sc, x, Chunks.regular(x.shape(), 60, 2));
        DistributedArray dy = DistributedArray.fromLocal(sc, y, Chunks.regular(y.shape(), 7,
            9))) {
      // rows to columns: planned in more than one step under a small bound
      Chunks cols = Chunks.regular(x.shape(), 2, 48);
      try (DistributedArray r = DistributedLinalg.rechunk(dx, cols, 64 << 10);
          NDArray got = r.toLocal(np)) {
        assertEquals(cols, r.chunks());
        assertBits(x, got, "rechunk");
        assertTrue(r.explainString().contains("rechunk float64"), r.explainString());
      }
      try (DistributedArray r = dy.rechunk(Chunks.regular(y.shape(), 13, 5));
          NDArray got = r.toLocal(np)) {
        assertBits(y, got, "rechunk 7x9 -> 13x5");
      }
      // elementwise between misaligned grids: unified (blocks split), then zipped
      try (DistributedArray s = dx.add(dy);
          NDArray got = s.toLocal(np);
          NDArray expect = x.add(y)) {
        assertEquals(Chunks.unify(dx.chunks(), dy.chunks()), s.chunks());
        assertBits(expect, got, "x + y on misaligned grids");
      }
      DistributedArray[] u = DistributedLinalg.unify(dx, dy);
      try (DistributedArray u0 = u[0]; DistributedArray u1 = u[1]) {
        assertEquals(u0.chunks(), u1.chunks());
      }
    }
  }
}
