package io.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.Tessera;
import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.ChunkedReductions;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.errors.ClosedArrayException;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.errors.UfuncTypeException;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.spark.internal.BlockGrid;
import io.tessera.spark.kryo.RawIO;
import io.tessera.ufunc.Ufunc;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DistributedArray on one shared local[2] context, with Kryo and registrationRequired, a Kryo
 * buffer (4 KiB) far smaller than the blocks, and the executor's memory checked for leaks after
 * every test (every block made in a task must have been closed).
 */
class DistributedArrayTest {
  private static JavaSparkContext sc;
  private static final AtomicInteger JOBS = new AtomicInteger();
  private static final List<String> DESCRIPTIONS = Collections.synchronizedList(new ArrayList<>());
  private static final List<String> STAGES = Collections.synchronizedList(new ArrayList<>());

  private BufferAllocator alloc;
  private Tessera np;
  private final Random rnd = new Random(3);

  @BeforeAll
  static void start() {
    SparkConf conf = LocalSpark.conf("DistributedArrayTest");
    sc = new JavaSparkContext(conf);
    sc.sc().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart e) {
        JOBS.incrementAndGet();
        DESCRIPTIONS.add(String.valueOf(e.properties().getProperty("spark.job.description")));
      }

      @Override
      public void onStageSubmitted(SparkListenerStageSubmitted e) {
        STAGES.add(e.stageInfo().name());
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

  // ------------------------------------------------------------------ data

  /** Finite values: gaussian floats, random integers, random booleans; C order. */
  private NDArray data(DType dt, long... shape) {
    NDArray a = np.empty(dt, shape);
    long n = a.size();
    long p = n == 0 ? 0 : a.dataAddress();
    for (long i = 0; i < n; i++, p += dt.itemsize()) {
      switch (dt) {
        case FLOAT64: Raw.putDouble(p, rnd.nextGaussian() * 100); break;
        case FLOAT32: Raw.putFloat(p, (float) (rnd.nextGaussian() * 100)); break;
        case FLOAT16: Raw.putShort(p, io.tessera.dtype.Float16.fromDouble(rnd.nextGaussian()));
          break;
        case BOOL: Raw.putByte(p, (byte) rnd.nextInt(2)); break;
        default: Raw.putBits(p, dt.itemsize(), rnd.nextLong()); break;
      }
    }
    return a;
  }

  private static byte[] bytes(NDArray a) {
    return RawIO.toBytes(a);
  }

  private static void assertSameArray(NDArray expect, NDArray got, String what) {
    assertEquals(expect.dtype(), got.dtype(), what);
    assertArrayEquals(expect.shape(), got.shape(), what);
    assertArrayEquals(bytes(expect), bytes(got), what);
  }

  // ------------------------------------------------------------------ round trips

  @Test
  void fromLocalToLocalRoundTrips() {
    try (NDArray c = data(DType.FLOAT64, 50, 37);
        NDArray c3 = data(DType.INT32, 7, 5, 6);
        NDArray f3 = c3.copy(Order.F);
        NDArray base = data(DType.UINT16, 20, 30);
        NDArray strided = base.get("1::3, ::-2");
        NDArray b = data(DType.BOOL, 11);
        NDArray z = data(DType.FLOAT16)) {
      Object[][] cases = {
          {c, Chunks.regular(c.shape(), 7, 10), 3},
          {c, Chunks.of(new long[] {50}, new long[] {37}), 1},
          {f3, Chunks.regular(f3.shape(), 3, 2, 4), 7},
          {strided, Chunks.regular(strided.shape(), 4, 6), 2},
          {b, Chunks.regular(b.shape(), 4), 3},
          {z, Chunks.of(), 1}};
      for (Object[] k : cases) {
        NDArray a = (NDArray) k[0];
        try (DistributedArray d = DistributedArray.fromLocal(sc, a, (Chunks) k[1], (int) k[2]);
            NDArray back = d.toLocal(np)) {
          assertEquals(a.dtype(), d.dtype());
          assertSameArray(a, back, "round trip " + a.dtype() + " " + k[1]);
          assertTrue(back.isCContiguous());
        }
      }
    }
  }

  @Test
  void partitionsHoldContiguousBlockRangesInOrder() {
    try (NDArray a = data(DType.FLOAT64, 12, 10);
        DistributedArray d = DistributedArray.fromLocal(sc, a, Chunks.regular(a.shape(), 2, 3), 5);
        DistributedArray g = DistributedArray.uniform(sc, 1, d.chunks(), 0, 1, 5)) {
      for (DistributedArray x : List.of(d, g)) {
        // (partition, linear index) of every block, in iteration order
        List<long[]> seen = x.blocks().keys().mapPartitionsWithIndex((p, it) -> {
          List<long[]> out = new ArrayList<>();
          while (it.hasNext()) {
            out.add(new long[] {p, it.next().linear()});
          }
          return out.iterator();
        }, true).collect();
        long blocks = x.blockCount();
        assertEquals(blocks, seen.size());
        for (int i = 0; i < seen.size(); i++) {
          long linear = seen.get(i)[1];
          assertEquals(i, linear, "blocks in C order, partition after partition");
          int p = (int) seen.get(i)[0];
          assertTrue(BlockGrid.partitionStart(blocks, 5, p) <= linear
              && linear < BlockGrid.partitionStart(blocks, 5, p + 1));
        }
      }
    }
  }

  // ------------------------------------------------------------------ elementwise

  @Test
  void elementwiseEqualsTheLocalEngine() {
    long[] shape = {30, 25};
    Chunks chunks = Chunks.regular(shape, 8, 10);
    try (NDArray x = data(DType.FLOAT64, shape);
        NDArray y = data(DType.FLOAT64, shape);
        NDArray i32 = data(DType.INT32, shape);
        NDArray f32 = data(DType.FLOAT32, shape);
        NDArray i8 = data(DType.INT8, shape);
        DistributedArray dx = DistributedArray.fromLocal(sc, x, chunks, 3);
        DistributedArray dy = DistributedArray.fromLocal(sc, y, chunks, 3);
        DistributedArray di = DistributedArray.fromLocal(sc, i32, chunks, 3);
        DistributedArray df = DistributedArray.fromLocal(sc, f32, chunks, 3);
        DistributedArray d8 = DistributedArray.fromLocal(sc, i8, chunks, 3);
        DistributedArray sum = dx.add(dy);
        DistributedArray times = sum.multiply(2.5);
        DistributedArray chain = times.subtract(dx);
        DistributedArray mixed = di.add(df);
        DistributedArray weak = d8.multiply(3L);
        DistributedArray abs = dx.map(Ufunc.ABSOLUTE);
        DistributedArray root = DistributedArray.apply(Ufunc.SQRT, abs);
        DistributedArray cmp = DistributedArray.apply(Ufunc.GREATER, dx, dy);
        NDArray s = Ufunc.ADD.apply(x, y);
        NDArray s25 = Ufunc.MULTIPLY.apply(s, 2.5);
        NDArray chainL = Ufunc.SUBTRACT.apply(s25, x);
        NDArray mixedL = Ufunc.ADD.apply(i32, f32);
        NDArray weakL = Ufunc.MULTIPLY.apply(i8, 3L);
        NDArray absL = Ufunc.ABSOLUTE.apply(x);
        NDArray rootL = Ufunc.SQRT.apply(absL);
        NDArray cmpL = Ufunc.GREATER.apply(x, y)) {
      assertEquals(DType.FLOAT64, mixed.dtype()); // int32 + float32 -> float64, as NumPy
      assertEquals(DType.INT8, weak.dtype()); // NEP 50: the Python int stays weak
      assertEquals(DType.BOOL, cmp.dtype());
      DistributedArray[] dist = {sum, chain, mixed, weak, root, cmp};
      NDArray[] local = {s, chainL, mixedL, weakL, rootL, cmpL};
      for (int i = 0; i < dist.length; i++) {
        try (NDArray got = dist[i].toLocal(np)) {
          assertSameArray(local[i], got, "case " + i);
        }
      }
      String plan = chain.explainString();
      assertTrue(plan.contains("zipped partition by partition, no shuffle"), plan);
      assertFalse(plan.contains("SHUFFLED"), plan);
      assertTrue(plan.contains("scalar 2.5"), plan);
    }
  }

  @Test
  void differentPartitionCountsAreShuffledIntoTheFirstOperandsLayout() {
    long[] shape = {21, 16};
    Chunks chunks = Chunks.regular(shape, 5, 4);
    try (NDArray x = data(DType.FLOAT32, shape);
        NDArray y = data(DType.FLOAT64, shape);
        DistributedArray dx = DistributedArray.fromLocal(sc, x, chunks, 3);
        DistributedArray dy = DistributedArray.fromLocal(sc, y, chunks, 7);
        DistributedArray z = dx.multiply(dy);
        NDArray expect = Ufunc.MULTIPLY.apply(x, y);
        NDArray got = z.toLocal(np)) {
      assertEquals(3, z.numPartitions());
      assertSameArray(expect, got, "shuffled operand");
      String plan = z.explainString();
      assertTrue(plan.contains("SHUFFLED from 7 to 3 partitions"), plan);
    }
  }

  @Test
  void localOperandIsBroadcastOnceAndSlicedPerBlock() {
    long[] shape = {24, 18};
    Chunks chunks = Chunks.regular(shape, 5, 7);
    try (NDArray x = data(DType.FLOAT64, shape);
        NDArray row = data(DType.FLOAT64, 18);
        NDArray col = data(DType.INT16, 24, 1);
        NDArray full = data(DType.FLOAT32, shape);
        DistributedArray dx = DistributedArray.fromLocal(sc, x, chunks, 3);
        DistributedArray plusRow = dx.add(row);
        DistributedArray colMinus = DistributedArray.apply(Ufunc.SUBTRACT, col, plusRow);
        DistributedArray maxFull = colMinus.map(Ufunc.MAXIMUM, full);
        NDArray e1 = Ufunc.ADD.apply(x, row);
        NDArray e2 = Ufunc.SUBTRACT.apply(col, e1);
        NDArray e3 = Ufunc.MAXIMUM.apply(e2, full)) {
      String plan = maxFull.explainString();
      System.out.println(plan);
      assertTrue(plan.contains("local float64(18,) (144 B) BROADCAST once"), plan);
      assertTrue(plan.contains("local int16(24, 1)"), plan);
      assertTrue(plan.contains("no shuffle"), plan);
      assertFalse(plan.contains("SHUFFLED"), plan);
      try (NDArray got = maxFull.toLocal(np)) {
        assertSameArray(e3, got, "broadcast operands");
      }
    }
  }

  @Test
  void typeAndShapeErrorsComeBeforeAnyJob() throws Exception {
    long[] shape = {6, 4};
    try (NDArray b = data(DType.BOOL, shape);
        NDArray wrong = data(DType.FLOAT64, 5);
        DistributedArray db = DistributedArray.fromLocal(sc, b, Chunks.regular(shape, 3));
        DistributedArray other = DistributedArray.uniform(sc, 1, Chunks.regular(shape, 2), 0, 1)) {
      int before = jobsSoFar();
      assertThrows(UfuncTypeException.class, () -> db.subtract(db)); // numpy: TypeError
      assertThrows(ShapeException.class, () -> db.add(wrong));
      try (DistributedArray unified = db.add(other)) { // misaligned grids are unified lazily
        assertEquals(Chunks.unify(db.chunks(), other.chunks()), unified.chunks());
      }
      assertThrows(TesseraException.class, () -> DistributedArray.apply(Ufunc.ADD, 1L, 2L));
      assertEquals(before, jobsSoFar());
    }
  }

  // ------------------------------------------------------------------ reductions

  private enum Op { SUM, MIN, MAX, MEAN }

  /** The local engine's answer on the same grid (ChunkedReductions: exact float sums). */
  private Scalar localReduce(NDArray a, Chunks chunks, Op op) {
    try (ChunkedArray c = ChunkedArray.fromArray(a, chunks);
        NDArray v = switch (op) {
          case SUM -> ChunkedReductions.sum(np, c);
          case MEAN -> ChunkedReductions.mean(np, c);
          case MIN -> ChunkedReductions.min(np, c);
          case MAX -> ChunkedReductions.max(np, c);
        }) {
      return new Scalar(v.dtype(), Raw.getBits(v.dataAddress(), v.itemsize()));
    }
  }

  @Test
  void reductionsAreBitIdenticalFor1And3And7Partitions() {
    long[] shape = {61, 43};
    Chunks chunks = Chunks.regular(shape, 9, 8); // 7 x 6 = 42 blocks
    Object[][] cases = {
        {DType.FLOAT64, new Op[] {Op.SUM, Op.MIN,
            Op.MAX, Op.MEAN}},
        {DType.FLOAT32, new Op[] {Op.MEAN}},
        {DType.FLOAT16, new Op[] {Op.SUM}},
        {DType.INT32, new Op[] {Op.MIN}},
        {DType.BOOL, new Op[] {Op.SUM}}};
    for (Object[] k : cases) {
      DType dt = (DType) k[0];
      try (NDArray a = data(dt, shape)) {
        for (Op op : (Op[]) k[1]) {
          Scalar expect = localReduce(a, chunks, op);
          for (int parts : new int[] {1, 3, 7}) {
            try (DistributedArray d = DistributedArray.fromLocal(sc, a, chunks, parts)) {
              Scalar got = switch (op) {
                case SUM -> d.sum();
                case MIN -> d.min();
                case MAX -> d.max();
                case MEAN -> d.mean();
              };
              assertEquals(expect, got, op + " of " + dt + " on " + parts + " partitions");
            }
          }
          checkAgainstExact(a, op, expect);
        }
      }
    }
  }

  /** Independent check: exact integer results, floats close to a BigDecimal sum. */
  private static void checkAgainstExact(NDArray a, Op op, Scalar got) {
    double[] v = a.toDoubleArray();
    BigDecimal exact = BigDecimal.ZERO;
    double mn = Double.POSITIVE_INFINITY;
    double mx = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      exact = exact.add(new BigDecimal(x));
      mn = Math.min(mn, x);
      mx = Math.max(mx, x);
    }
    switch (op) {
      case MIN -> assertEquals(mn, got.doubleValue());
      case MAX -> assertEquals(mx, got.doubleValue());
      case SUM, MEAN -> {
        double e = op == Op.SUM ? exact.doubleValue()
            : exact.doubleValue() / v.length;
        if (a.dtype().isFloat()) {
          double tol = a.dtype() == DType.FLOAT16 ? 0.5 : a.dtype() == DType.FLOAT32 ? 1e-2 : 1e-9;
          assertEquals(e, got.doubleValue(), tol * Math.max(1, Math.abs(e)), op + " " + a.dtype());
        } else {
          assertEquals(e, got.doubleValue(), op == Op.SUM ? 0 : 1e-9 * Math.abs(e));
        }
      }
      default -> throw new AssertionError();
    }
  }

  @Test
  void reductionsFollowNumPysTypesAndNaNs() {
    try (NDArray a = np.arange(0, 20, 1, DType.FLOAT64);
        DistributedArray d = DistributedArray.fromLocal(sc, a, Chunks.regular(a.shape(), 6), 2);
        DistributedArray i8 = d.astype(DType.INT8);
        DistributedArray u16 = d.astype(DType.UINT16);
        DistributedArray f16 = d.astype(DType.FLOAT16)) {
      assertEquals(new Scalar(DType.INT64, 190), i8.sum());
      assertEquals(new Scalar(DType.UINT64, 190), u16.sum());
      assertEquals(Scalar.ofDouble(9.5), i8.mean());
      assertEquals(new Scalar(DType.INT8, 19), i8.max());
      assertEquals(DType.FLOAT16, f16.sum().dtype());
      assertEquals(190.0, f16.sum().doubleValue());
      assertEquals(DType.FLOAT16, f16.mean().dtype());
      a.setDouble(Double.NaN, 13);
      try (DistributedArray withNan = DistributedArray.fromLocal(sc, a, Chunks.regular(a.shape(),
          6), 3)) {
        assertTrue(Double.isNaN(withNan.max().doubleValue()));
        assertTrue(Double.isNaN(withNan.min().doubleValue()));
        assertTrue(Double.isNaN(withNan.sum().doubleValue()));
      }
    }
  }

  @Test
  void emptyAndZeroDimensionalArrays() throws Exception {
    try (NDArray e = np.empty(DType.FLOAT32, 0, 3);
        NDArray z = np.full(DType.INT16, Order.C, 7L);
        DistributedArray de = DistributedArray.fromLocal(sc, e, Chunks.regular(e.shape(), 2));
        DistributedArray dz = DistributedArray.fromLocal(sc, z, Chunks.of());
        DistributedArray dz2 = dz.add(dz);
        NDArray back = de.toLocal(np)) {
      assertArrayEquals(new long[] {0, 3}, back.shape());
      assertEquals(new Scalar(DType.FLOAT32, 0), de.sum());
      assertTrue(Double.isNaN(de.mean().doubleValue()));
      int before = jobsSoFar();
      TesseraException x = assertThrows(TesseraException.class, de::max);
      assertTrue(x.getMessage().contains("zero-size array to reduction operation maximum"));
      assertEquals(before, jobsSoFar());
      assertEquals(new Scalar(DType.INT64, 14), dz2.sum()); // np.sum(int16) is int64
      try (NDArray zb = dz2.toLocal(np)) {
        assertEquals(0, zb.ndim());
        assertEquals(14, zb.getLong());
      }
    }
  }

  // ------------------------------------------------------------------ random

  @Test
  void randomDataDependOnTheSeedOnly() {
    long[] shape = {33, 20};
    Chunks a = Chunks.regular(shape, 10, 7);
    Chunks b = Chunks.regular(shape, 4, 20);
    for (int kind = 0; kind < 3; kind++) {
      byte[] first = null;
      for (Object[] k : new Object[][] {{a, 1}, {a, 7}, {b, 3}}) {
        Chunks c = (Chunks) k[0];
        int parts = (int) k[1];
        try (DistributedArray d = switch (kind) {
              case 0 -> DistributedArray.uniform(sc, 42, c, -1, 1, parts);
              case 1 -> DistributedArray.normal(sc, 42, c, 0, 1, parts);
              default -> DistributedArray.integers(sc, 42, c, -5, 5, parts);
            };
            NDArray got = d.toLocal(np)) {
          byte[] bs = bytes(got);
          if (first == null) {
            first = bs;
            double lo = kind == 2 ? -5 : -1;
            for (double v : got.toDoubleArray()) {
              assertTrue(kind == 1 || (v >= lo && v < -lo), "out of range: " + v);
            }
          } else {
            assertArrayEquals(first, bs, "kind " + kind + " " + c + " on " + parts);
          }
        }
      }
      try (DistributedArray other = DistributedArray.uniform(sc, 43, a, -1, 1, 2);
          NDArray o = other.toLocal(np)) {
        if (kind == 0) {
          assertFalse(java.util.Arrays.equals(first, bytes(o)));
        }
      }
    }
  }

  // ------------------------------------------------------------------ driver side

  @Test
  void sizeGuardFailsBeforeAnyJob() throws Exception {
    try (DistributedArray d = DistributedArray.normal(sc, 1, Chunks.regular(new long[] {1000,
        100}, 250, 100), 0, 1)) {
      int before = jobsSoFar();
      ResultTooLargeException e = assertThrows(ResultTooLargeException.class,
          () -> d.toLocal(np, 799_999));
      assertEquals(800_000, e.requestedBytes());
      assertEquals(799_999, e.limitBytes());
      assertTrue(e.getMessage().contains("float64(1000, 100)"), e.getMessage());
      assertEquals(before, jobsSoFar());
      assertEquals(0, alloc.getAllocatedMemory());
      assertEquals(1L << 30, DistributedArray.defaultLimit(sc)); // spark.driver.maxResultSize
    }
  }

  @Test
  void jobsAndStagesAreNamedForTheSparkUi() throws Exception {
    try (DistributedArray d = DistributedArray.uniform(sc, 9, Chunks.regular(new long[] {40, 40},
        10), 0, 1, 7)) {
      d.sum();
      jobsSoFar();
      assertTrue(DESCRIPTIONS.contains(
          "tessera sum() of float64(40, 40) (16 blocks, 7 partitions)"), DESCRIPTIONS.toString());
      assertTrue(STAGES.stream().anyMatch(s -> s.startsWith("tessera sum() of float64(40, 40)")),
          STAGES.toString());
      assertTrue(d.blocks().name().startsWith("tessera uniform(0.0, 1.0) seed=9"));
      // the context's own settings come back afterwards
      assertEquals(null, sc.getLocalProperty("spark.job.description"));
      assertEquals(null, sc.getLocalProperty("callSite.short"));
    }
  }

  @Test
  void blocksRddCanBeUsedDirectlyButArraysCannotLeaveTheTask() {
    try (DistributedArray d = DistributedArray.integers(sc, 5, Chunks.regular(new long[] {30},
        7), 0, 10, 3)) {
      long n = d.blocks().map(t -> {
        try (NDArray a = t._2()) {
          return a.size();
        }
      }).reduce(Long::sum);
      assertEquals(30, n);
      // nobody closes these: the tasks do
      assertEquals(5, d.blocks().values().count());
      SparkException e = assertThrows(SparkException.class, () -> d.blocks().collect());
      assertTrue(String.valueOf(e.getMessage()).contains("toLocal"), e.getMessage());
    }
  }

  @Test
  void derivedArraysOutliveTheirParentsAndClosedArraysRefuseWork() {
    try (NDArray x = data(DType.INT64, 12)) {
      DistributedArray a = DistributedArray.fromLocal(sc, x, Chunks.regular(x.shape(), 5));
      DistributedArray b;
      try (NDArray row = data(DType.INT64, 12)) {
        b = a.add(row);
      }
      a.close();
      assertThrows(ClosedArrayException.class, a::sum);
      try (DistributedArray c = b; NDArray got = c.toLocal(np)) {
        assertEquals(12, got.size());
        assertNotEquals(0, got.nbytes());
      }
      assertThrows(ClosedArrayException.class, b::blocks);
    }
  }
}
