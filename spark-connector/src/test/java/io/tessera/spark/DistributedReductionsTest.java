package io.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ufunc.Reductions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
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
 * Distributed reductions on local[2] with Kryo (registrationRequired, a 4 KiB buffer): NumPy
 * goldens through Spark, bits independent of the partition count (1, 2, 3, 7), equality with the
 * local engine, errors before any job, and no executor memory left behind.
 */
class DistributedReductionsTest {
  private static JavaSparkContext sc;
  private static final AtomicInteger JOBS = new AtomicInteger();
  private static final ReductionGoldens G = new ReductionGoldens();

  private BufferAllocator alloc;
  private Tessera np;

  @BeforeAll
  static void start() {
    SparkConf conf = LocalSpark.conf("DistributedReductionsTest")
        .set("spark.sql.shuffle.partitions", "4");
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

  private static Chunks irregular(long[] shape) {
    if (shape[0] == 0) {
      return Chunks.regular(shape, 2);
    }
    return shape.length == 3 ? Chunks.of(shape, new long[][] {{1, 7, 5}, {6, 5}, {2, 3, 1}})
        : Chunks.of(shape, new long[][] {{5, 1, 5}, {2, 5}});
  }

  /** Runs one golden case through Spark; returns (dtype, shape, bits). */
  private Object[] run(ReductionGoldens.Case c, DistributedArray d) {
    if (c.whole()) {
      Scalar s = switch (c.op()) {
        case "sum" -> d.sum();
        case "prod" -> d.prod();
        case "mean" -> d.mean();
        case "min" -> d.min();
        case "max" -> d.max();
        case "var" -> d.var(c.ddof());
        case "std" -> d.std(c.ddof());
        case "argmin" -> d.argmin();
        case "argmax" -> d.argmax();
        case "any" -> d.any();
        case "all" -> d.all();
        default -> throw new AssertionError(c.op());
      };
      return new Object[] {s.dtype(), new long[0], new long[] {s.bits()}};
    }
    ReduceOptions o = c.options();
    try (DistributedArray r = switch (c.op()) {
      case "sum" -> d.sum(o);
      case "prod" -> d.prod(o);
      case "mean" -> d.mean(o);
      case "min" -> d.min(o);
      case "max" -> d.max(o);
      case "var" -> d.var(o);
      case "std" -> d.std(o);
      case "argmin" -> d.argmin(c.axis()[0], c.keepdims());
      case "argmax" -> d.argmax(c.axis()[0], c.keepdims());
      case "any" -> d.any(o);
      case "all" -> d.all(o);
      default -> throw new AssertionError(c.op());
    }; NDArray back = r.toLocal(np)) {
      int size = back.itemsize();
      long[] bits = new long[(int) back.size()];
      for (int i = 0; i < bits.length; i++) {
        bits[i] = Raw.getBits(back.dataAddress() + (long) i * size, size);
      }
      assertArrayEquals(r.shape(), back.shape());
      return new Object[] {r.dtype(), back.shape(), bits};
    }
  }

  @Test
  void numpyGoldensThroughSpark() throws Exception {
    int n = 0;
    for (ReductionGoldens.Case c : G.cases) {
      boolean pick = switch (c.input()) {
        case "f64" -> !c.keepdims() && c.ddof() == 0 && (c.axis() == null || c.axis().length == 2);
        case "special" -> c.axis() != null && c.axis()[0] == 0 && !c.keepdims() && c.ddof() == 0;
        case "f16", "i64" -> c.whole() && c.ddof() == 0 && c.op().matches("sum|prod|var|argmin");
        case "empty" -> c.whole();
        default -> false;
      };
      if (!pick) {
        continue;
      }
      try (NDArray a = G.input(np, c.input());
          DistributedArray d = DistributedArray.fromLocal(sc, a, irregular(a.shape()), 3)) {
        if (c.error() != null) {
          int before = jobsSoFar();
          TesseraException e = assertThrows(TesseraException.class, () -> run(c, d), c::toString);
          assertEquals(c.error(), e.getMessage(), c.toString());
          assertEquals(before, jobsSoFar(), c + ": a job ran before the error");
          continue;
        }
        Object[] r = run(c, d);
        G.check(c, (DType) r[0], (long[]) r[1], (long[]) r[2]);
        n++;
      }
    }
    assertTrue(n > 30, "cases run: " + n);
  }

  /** Every reduction kind, whole and along an axis, on 1, 2, 3 and 7 partitions: same bits. */
  @Test
  void bitsDoNotDependOnPartitionsOrExecutors() {
    String[][] opsByAxis = {{"var", "prod", "argmax"}, {"sum", "prod", "min"}};
    for (String input : new String[] {"f64"}) {
      for (int[] axis : new int[][] {null, {1}}) {
        for (String op : opsByAxis[axis == null ? 0 : 1]) {
          ReductionGoldens.Case c = G.cases.stream().filter(x -> x.input().equals(input)
              && x.op().equals(op) && !x.keepdims() && x.ddof() == (op.startsWith("var")
              || op.startsWith("std") ? 1 : 0) && (axis == null ? x.axis() == null
              : x.axis() != null && x.axis().length == 1 && x.axis()[0] == 1)).findFirst()
              .orElseThrow();
          try (NDArray a = G.input(np, input)) {
            long[] first = null;
            for (int parts : new int[] {1, 2, 3, 7}) {
              try (DistributedArray d = DistributedArray.fromLocal(sc, a,
                  Chunks.regular(a.shape(), 3, 4, 4), parts)) {
                long[] bits = (long[]) run(c, d)[2];
                if (first != null) {
                  assertArrayEquals(first, bits, c + " on " + parts + " partitions");
                }
                first = bits;
              }
            }
          }
        }
      }
    }
  }

  /** Whole-array sum, mean, min, max equal the local engine's ChunkedReductions bit for bit. */
  @Test
  void sameBitsAsTheLocalEngine() {
    Random rnd = new Random(5);
    long[] shape = {61, 43};
    for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT16, DType.INT32}) {
      try (NDArray a = np.empty(dt, shape)) {
        for (long i = 0; i < a.size(); i++) {
          double x = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4);
          long addr = a.dataAddress() + i * dt.itemsize();
          switch (dt) {
            case FLOAT64 -> Raw.putDouble(addr, x);
            case FLOAT32 -> Raw.putFloat(addr, (float) x);
            case FLOAT16 -> Raw.putShort(addr, io.tessera.dtype.Float16.fromDouble(x / 1e4));
            case INT32 -> Raw.putInt(addr, (int) (x * 1000));
            default -> Raw.putByte(addr, (byte) (dt == DType.BOOL ? (x > 0 ? 1 : 0) : x));
          }
        }
        for (Object[] grid : new Object[][] {{Chunks.regular(shape, 9, 8), 7},
            {Chunks.regular(shape, 61, 5), 2}}) {
          Chunks chunks = (Chunks) grid[0];
          try (ChunkedArray ca = ChunkedArray.fromArray(a, chunks)) {
            List<Function<ChunkedArray, NDArray>> local = List.of(
                x -> ChunkedReductions.sum(np, x), x -> ChunkedReductions.mean(np, x),
                x -> ChunkedReductions.min(np, x), x -> ChunkedReductions.max(np, x));
            List<Function<DistributedArray, Scalar>> dist = List.of(DistributedArray::sum,
                DistributedArray::mean, DistributedArray::min, DistributedArray::max);
            {
              int parts = (int) grid[1];
              try (DistributedArray d = DistributedArray.fromLocal(sc, a, chunks, parts)) {
                for (int k = 0; k < local.size(); k++) {
                  try (NDArray l = local.get(k).apply(ca)) {
                    Scalar s = dist.get(k).apply(d);
                    assertEquals(l.dtype(), s.dtype(), dt + " op " + k);
                    assertEquals(Raw.getBits(l.dataAddress(), l.itemsize()), s.bits(),
                        dt + " op " + k + " on " + chunks + ", " + parts + " partitions: local "
                        + l.getDouble() + ", distributed " + s);
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /** Along axes: bit for bit the local engine's NumPy reductions where those are exact. */
  @Test
  void axisReductionsMatchLocalNumPyReductions() {
    try (NDArray a = G.input(np, "i32");
        DistributedArray d = DistributedArray.fromLocal(sc, a, irregular(a.shape()), 4)) {
      record K(String name, Function<DistributedArray, DistributedArray> dist,
          Function<NDArray, NDArray> local) { }
      List<K> ks = new ArrayList<>();
      ks.add(new K("sum(0,2)", x -> x.sum(ReduceOptions.axis(0, 2)),
          x -> Reductions.sum(x, Reductions.axis(0, 2))));
      ks.add(new K("prod(1) keepdims", x -> x.prod(ReduceOptions.axis(1).keepdims(true)),
          x -> Reductions.prod(x, Reductions.axis(1).keepdims(true))));
      ks.add(new K("max(-1)", x -> x.max(ReduceOptions.axis(-1)),
          x -> Reductions.max(x, Reductions.axis(-1))));
      ks.add(new K("argmin(0)", x -> x.argmin(0, false), x -> Reductions.argmin(x, 0, false)));
      ks.add(new K("all(None) keepdims", x -> x.all(ReduceOptions.all().keepdims(true)),
          x -> Reductions.all(x, Reductions.all().keepdims(true))));
      for (K k : ks) {
        try (DistributedArray r = k.dist().apply(d); NDArray got = r.toLocal(np);
            NDArray want = k.local().apply(a)) {
          assertEquals(want.dtype(), got.dtype(), k.name());
          assertArrayEquals(want.shape(), got.shape(), k.name());
          try (NDArray wc = want.copy()) {
            for (long i = 0; i < got.size(); i++) {
              assertEquals(Raw.getBits(wc.dataAddress() + i * wc.itemsize(), wc.itemsize()),
                  Raw.getBits(got.dataAddress() + i * got.itemsize(), got.itemsize()),
                  k.name() + " element " + i);
            }
          }
        }
      }
    }
  }

  @Test
  void reductionResultsAreDistributedArraysOverTheKeptAxes() {
    try (NDArray a = G.input(np, "f64");
        DistributedArray d = DistributedArray.fromLocal(sc, a, Chunks.regular(a.shape(), 4, 3,
            6), 5);
        DistributedArray s = d.sum(ReduceOptions.axis(1));
        DistributedArray k = d.mean(ReduceOptions.axis(0, 2).keepdims(true));
        DistributedArray twice = s.sum(ReduceOptions.axis(0))) {
      assertArrayEquals(new long[] {13, 6}, s.shape());
      assertEquals(Chunks.of(new long[][] {{4, 4, 4, 1}, {6}}), s.chunks());
      assertEquals(4, s.numPartitions());
      assertArrayEquals(new long[] {1, 11, 1}, k.shape());
      assertEquals(Chunks.of(new long[][] {{1}, {3, 3, 3, 2}, {1}}), k.chunks());
      String plan = s.explainString();
      assertTrue(plan.contains("sum(axis=(1,)) -> float64(13, 6)"), plan);
      assertTrue(plan.contains("SHUFFLED"), plan);
      assertTrue(plan.contains("exact sums"), plan);
      // reductions compose: the sum over axis 1 then axis 0 is the exact sum over (0, 1)
      try (DistributedArray both = d.sum(ReduceOptions.axis(0, 1));
          NDArray x = twice.toLocal(np); NDArray y = both.toLocal(np)) {
        for (int j = 0; j < 6; j++) {
          // the two-step result rounds the per-row sums first: close, not always equal
          assertEquals(y.getDouble(j), x.getDouble(j), 1e-9 * Math.abs(y.getDouble(j)) + 1e-300);
        }
      }
      // and an elementwise op on a reduction result zips with the reduction's layout
      try (DistributedArray scaled = s.multiply(2.0); NDArray z = scaled.toLocal(np);
          NDArray s0 = s.toLocal(np)) {
        assertEquals(2 * s0.getDouble(3, 2), z.getDouble(3, 2));
      }
    }
  }

  @Test
  void badCallsFailBeforeAnyJob() throws Exception {
    try (NDArray e = np.empty(DType.FLOAT64, 0, 4);
        NDArray a = np.empty(DType.INT16, 5, 4);
        DistributedArray de = DistributedArray.fromLocal(sc, e, Chunks.regular(e.shape(), 2));
        DistributedArray da = DistributedArray.fromLocal(sc, a.fill(3L), Chunks.regular(
            a.shape(), 2))) {
      int before = jobsSoFar();
      assertEquals("zero-size array to reduction operation maximum which has no identity",
          assertThrows(TesseraException.class, de::max).getMessage());
      assertEquals("attempt to get argmin of an empty sequence",
          assertThrows(TesseraException.class, de::argmin).getMessage());
      assertThrows(TesseraException.class, () -> de.min(ReduceOptions.axis(0)));
      assertThrows(ShapeException.class, () -> da.sum(ReduceOptions.axis(2))); // AxisError
      assertThrows(ShapeException.class, () -> da.sum(ReduceOptions.axis(0, -2)));
      assertThrows(TesseraException.class, () -> DistributedReductions.argmax(da, 3, false));
      DistributedArray closed = da.astype(DType.FLOAT32);
      closed.close();
      assertThrows(ClosedArrayException.class, closed::sum);
      assertThrows(ClosedArrayException.class, () -> closed.var(ReduceOptions.axis(0)));
      assertEquals(before, jobsSoFar());
      // allowed on empties: sums, means, any/all, and min over a non-empty axis
      assertEquals(Scalar.ofDouble(0.0), de.sum());
      assertTrue(Double.isNaN(de.mean().doubleValue()));
      assertTrue(Double.isNaN(de.var().doubleValue()));
      assertEquals(new Scalar(DType.BOOL, 1), de.all());
      try (DistributedArray m = de.min(ReduceOptions.axis(1)); NDArray back = m.toLocal(np)) {
        assertArrayEquals(new long[] {0}, back.shape());
      }
      try (DistributedArray z = de.sum(ReduceOptions.axis(0)); NDArray back = z.toLocal(np)) {
        assertArrayEquals(new long[] {4}, back.shape());
        assertEquals(0.0, back.getDouble(3));
      }
      assertEquals(new Scalar(DType.INT64, 60), da.sum());
      assertEquals(Scalar.ofDouble(0.0), da.std(1));
    }
  }
}
