package io.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.Tessera;
import io.tessera.chunk.ChunkSpecException;
import io.tessera.chunk.Chunks;
import io.tessera.chunk.Outer;
import io.tessera.dtype.DType;
import io.tessera.errors.ShapeException;
import io.tessera.expr.Expr;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.kryo.RawIO;
import io.tessera.ufunc.Ufunc;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DistributedOuter on local[2] with Kryo (registrationRequired) and a 4 KiB broadcast threshold,
 * so both plans run: results against the local engine (bit for bit, itself bit-identical to
 * NumPy) and against the NumPy goldens of gen_outer_goldens.py; independence from partition
 * counts; executor memory checked for leaks after every test.
 */
class DistributedOuterTest {
  private static JavaSparkContext sc;
  private static final AtomicInteger JOBS = new AtomicInteger();

  private BufferAllocator alloc;
  private Tessera np;
  private final Random rnd = new Random(11);

  @BeforeAll
  static void start() {
    SparkConf conf = LocalSpark.conf("DistributedOuterTest")
        .set(DistributedOuter.BROADCAST_CONF, "4k");
    sc = new JavaSparkContext(conf);
    sc.sc().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart e) {
        JOBS.incrementAndGet();
      }
    });
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

  private static int jobsSoFar() throws Exception {
    return LocalSpark.jobsSoFar(sc, JOBS);
  }

  private NDArray gaussian(long... shape) {
    NDArray a = np.empty(DType.FLOAT64, shape);
    for (long i = 0, p = a.dataAddress(); i < a.size(); i++, p += 8) {
      Raw.putDouble(p, rnd.nextGaussian() * 10);
    }
    return a;
  }

  private static void assertSameBits(NDArray want, NDArray got, String what) {
    assertEquals(want.dtype(), got.dtype(), what);
    assertArrayEquals(want.shape(), got.shape(), what);
    assertArrayEquals(RawIO.toBytes(want), RawIO.toBytes(got), what);
  }

  private DistributedArray dist(NDArray a, long chunk, int partitions) {
    long[] size = a.ndim() == 1 ? new long[] {chunk} : new long[] {chunk, a.shape(1)};
    return DistributedArray.fromLocal(sc, a, Chunks.regular(a.shape(), size), partitions);
  }

  static final Expr ABSDIFF = Expr.arg(0).sub(Expr.arg(1)).abs();
  static final Expr SQDIFF = Expr.arg(0).sub(Expr.arg(1)).square();

  @Test
  void broadcastYEqualsTheLocalEngineWhateverThePartitioning() {
    try (NDArray x = gaussian(1000); NDArray y = gaussian(300);
         NDArray wantMin = Outer.outerReduce(ABSDIFF, Ufunc.MINIMUM, x, y, 1);
         NDArray wantSum = Outer.outerReduce(Ufunc.ADD, Ufunc.ADD, x, y, 1)) {
      for (int parts : new int[] {1, 3}) {
        try (DistributedArray dx = dist(x, 128, parts);
             DistributedArray mn = DistributedOuter.outerReduce(ABSDIFF, Ufunc.MINIMUM, dx, y);
             DistributedArray sm = DistributedOuter.outerReduce(Ufunc.ADD, Ufunc.ADD, dx, y);
             NDArray gotMin = mn.toLocal(np); NDArray gotSum = sm.toLocal(np)) {
          assertTrue(mn.explainString().contains("BROADCAST"), mn.explainString());
          assertSameBits(wantMin, gotMin, "min, " + parts + " partitions");
          assertSameBits(wantSum, gotSum, "sum, " + parts + " partitions");
          assertArrayEquals(new long[] {1000}, mn.shape());
        }
      }
    }
  }

  @Test
  void blockPairsCombineInYBlockOrderWhateverThePartitioning() {
    try (NDArray x = gaussian(700); NDArray y = gaussian(2000)) {
      long yChunk = 300;
      // reference: the local engine per y block, partials added in block order
      NDArray want = null;
      for (long j0 = 0; j0 < 2000; j0 += yChunk) {
        try (NDArray yb = y.get(j0 + ":" + Math.min(2000, j0 + yChunk))) {
          NDArray p = Outer.outerReduce(Ufunc.ADD, Ufunc.ADD, x, yb, 1);
          if (want == null) {
            want = p;
          } else {
            try (p) {
              Ufunc.ADD.apply(want, p, want);
            }
          }
        }
      }
      try (NDArray wantSum = want;
           NDArray wantMin = Outer.outerReduce(ABSDIFF, Ufunc.MINIMUM, x, y, 1)) {
        for (int[] parts : new int[][] {{1, 1}, {4, 3}}) {
          try (DistributedArray dx = dist(x, 100, parts[0]);
               DistributedArray dy = dist(y, yChunk, parts[1]);
               DistributedArray mn = DistributedOuter.outerReduce(ABSDIFF, Ufunc.MINIMUM, dx, dy);
               DistributedArray sm = DistributedOuter.outerReduce(Ufunc.ADD, Ufunc.ADD, dx, dy);
               NDArray gotMin = mn.toLocal(np); NDArray gotSum = sm.toLocal(np)) {
            String what = parts[0] + "/" + parts[1] + " partitions";
            assertTrue(sm.explainString().contains("BLOCK PAIRS"), sm.explainString());
            assertSameBits(wantMin, gotMin, "min " + what); // exact: the NumPy result
            assertSameBits(wantSum, gotSum, "sum " + what);
          }
        }
      }
    }
  }

  @Test
  void pairwiseRowsOverASharedLastAxis() {
    try (NDArray x = gaussian(300, 3); NDArray y = gaussian(500, 3);
         NDArray want = Outer.outerReduce(SQDIFF, Ufunc.ADD, Ufunc.MINIMUM, x, y, 1);
         DistributedArray dx = dist(x, 64, 2);
         DistributedArray dy = dist(y, 128, 2);
         DistributedArray local = DistributedOuter.outerReduce(SQDIFF, Ufunc.ADD, Ufunc.MINIMUM,
             dx, y);
         DistributedArray pairs = DistributedOuter.outerReduce(SQDIFF, Ufunc.ADD, Ufunc.MINIMUM,
             dx, dy);
         NDArray a = local.toLocal(np); NDArray b = pairs.toLocal(np)) {
      assertSameBits(want, a, "broadcast y (m, d)");
      assertSameBits(want, b, "block pairs (m, d)");
    }
  }

  @Test
  void matchesNumPyGoldens() throws Exception {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("/golden/outer/outer_reduce.json.gz")) {
      assertTrue(in != null, "golden/outer/outer_reduce.json.gz not on the test classpath");
      root = new ObjectMapper().readTree(new GZIPInputStream(in));
    }
    int checked = 0;
    for (JsonNode c : root.get("cases")) {
      // 1-D float64 cases over axis 1 (reductions over j) with at least 8 y values, sums and
      // minima (fused forms and the block-wise "scaled" form)
      long m = c.get("y").get("shape").get(0).asLong();
      if (!c.get("combine").isNull() || c.get("axis").asInt() != 1
          || !"float64".equals(c.get("x").get("dtype").asText())
          || !"float64".equals(c.get("y").get("dtype").asText())
          || m < 8 || m > 5000 || "maximum".equals(c.get("reduce").asText())) {
        continue;
      }
      Expr f = pair(c.get("f").asText());
      Ufunc red = Ufunc.of(c.get("reduce").asText());
      try (NDArray x = fromJson(c.get("x")); NDArray y = fromJson(c.get("y"));
           NDArray want = fromBits(c.get("bits"), x.shape(0));
           DistributedArray dx = dist(x, 4, 2);
           DistributedArray r = DistributedOuter.outerReduce(f, red, dx, y);
           NDArray got = r.toLocal(np)) {
        assertSameBits(want, got, c.get("f").asText() + "/" + red.name() + " " + x.shape(0)
            + "x" + y.shape(0));
        checked++;
      }
    }
    assertTrue(checked >= 10, "only " + checked + " golden cases");
  }

  private static Expr pair(String f) {
    Expr a = Expr.arg(0);
    Expr b = Expr.arg(1);
    switch (f) {
      case "add": return a.add(b);
      case "subtract": return a.sub(b);
      case "multiply": return a.mul(b);
      case "maximum": return a.maximum(b);
      case "absdiff": return a.sub(b).abs();
      case "sqdiff": return a.sub(b).square();
      case "divide": return a.div(b);
      case "scaled": return a.sub(b).mul(0.5);
      default: throw new IllegalArgumentException(f);
    }
  }

  private NDArray fromJson(JsonNode j) {
    return fromBits(j.get("bits"), j.get("shape").get(0).asLong());
  }

  private NDArray fromBits(JsonNode bits, long n) {
    NDArray a = np.empty(DType.FLOAT64, n);
    for (int i = 0; i < bits.size(); i++) {
      Raw.putLong(a.dataAddress() + 8L * i, Long.parseUnsignedLong(bits.get(i).asText(), 16));
    }
    return a;
  }

  @Test
  void unfusedOuterBroadcastAndBlockPairs() {
    try (NDArray x = gaussian(50); NDArray y = gaussian(37); NDArray y2 = gaussian(900);
         NDArray xs = x.get(":, None"); NDArray ys = y.get("None, :");
         NDArray ys2 = y2.get("None, :");
         NDArray want = ABSDIFF.bind(xs, ys).eval(); NDArray want2 = ABSDIFF.bind(xs, ys2).eval();
         DistributedArray dx = dist(x, 16, 3); // 4 blocks over 3 partitions: x reshuffled
         DistributedArray dy2 = dist(y2, 200, 2);
         DistributedArray a = DistributedOuter.outer(ABSDIFF, dx, y, 10);
         DistributedArray b = DistributedOuter.outer(ABSDIFF, dx, dy2, 0);
         NDArray ga = a.toLocal(np); NDArray gb = b.toLocal(np)) {
      assertSameBits(want, ga, "outer, y broadcast");
      assertSameBits(want2, gb, "outer, block pairs");
      assertEquals(Chunks.of(new long[] {16, 16, 16, 2}, new long[] {10, 10, 10, 7}), a.chunks());
      assertEquals(Chunks.of(new long[] {16, 16, 16, 2}, new long[] {200, 200, 200, 200, 100}),
          b.chunks());
      assertTrue(b.explainString().contains("BLOCK PAIRS"), b.explainString());
      // the result zips with another array on its grid (its partitions hold the right blocks)
      try (DistributedArray twice = a.add(a); NDArray g2 = twice.toLocal(np);
           NDArray w2 = Ufunc.ADD.apply(want, want)) {
        assertSameBits(w2, g2, "outer + outer");
      }
    }
  }

  @Test
  void badInputFailsBeforeAnyJob() throws Exception {
    try (NDArray x = gaussian(40, 3); NDArray y = gaussian(30, 4); NDArray y1 = gaussian(30);
         DistributedArray dx = dist(x, 10, 2);
         DistributedArray dxSplit = DistributedArray.fromLocal(sc, x,
             Chunks.regular(x.shape(), 10, 2), 2)) {
      int before = jobsSoFar();
      ShapeException e = assertThrows(ShapeException.class,
          () -> DistributedOuter.outerReduce(SQDIFF, Ufunc.ADD, Ufunc.MINIMUM, dx, y));
      assertTrue(e.getMessage().contains("(40, 3)") && e.getMessage().contains("(30, 4)"),
          e.getMessage());
      assertThrows(ShapeException.class,
          () -> DistributedOuter.outerReduce(ABSDIFF, Ufunc.MINIMUM, dx, y1));
      assertThrows(ChunkSpecException.class,
          () -> DistributedOuter.outerReduce(SQDIFF, Ufunc.ADD, Ufunc.MINIMUM, dxSplit, x));
      assertThrows(IllegalArgumentException.class,
          () -> DistributedOuter.outerReduce(ABSDIFF, Ufunc.MINIMUM, dx, "y"));
      assertEquals(before, jobsSoFar(), "a job ran for bad input");
    }
  }
}
