package io.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.Tessera;
import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.io.ipc.ArrowIpc;
import io.tessera.io.ipc.ArrowIpcWriter;
import io.tessera.io.ipc.IpcFormat;
import io.tessera.io.npy.NpyFormatException;
import io.tessera.io.npy.NpyHeader;
import io.tessera.io.npy.NpyReader;
import io.tessera.io.npy.NpyWriter;
import io.tessera.io.zarr.LocalZarrStore;
import io.tessera.io.zarr.Zarr;
import io.tessera.io.zarr.ZarrCompressor;
import io.tessera.io.zarr.ZarrException;
import io.tessera.io.zarr.ZarrWriteOptions;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.spark.io.HadoopZarrStore;
import io.tessera.spark.io.SparkIOException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources and sinks on local[2] with Kryo (registrationRequired): .npy files read by positioned
 * reads per block (C and Fortran order, both byte orders) and written band by band; Zarr v2
 * directories written and read by the executors (arrow-io's format, read back by arrow-io's local
 * reader); DataFrame columns in and out; typed errors before any job.
 */
class DistributedIOTest {
  private static SparkSession spark;
  private static JavaSparkContext sc;
  private static final AtomicInteger JOBS = new AtomicInteger();

  @TempDir
  Path dir;

  private BufferAllocator alloc;
  private Tessera np;

  @BeforeAll
  static void start() {
    SparkConf conf = LocalSpark.conf("DistributedIOTest")
        .set("spark.sql.shuffle.partitions", "3");
    spark = SparkSession.builder().config(conf).getOrCreate();
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    sc.sc().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart e) {
        JOBS.incrementAndGet();
      }
    });
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
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

  private String uri(String name) {
    return dir.resolve(name).toUri().toString();
  }

  private NDArray random(DType dt, long... shape) {
    Random rnd = new Random(Arrays.hashCode(shape) + dt.ordinal());
    NDArray a = np.empty(dt, shape);
    for (long i = 0; i < a.size(); i++) {
      long addr = a.dataAddress() + i * dt.itemsize();
      switch (dt) {
        case FLOAT64 -> Raw.putDouble(addr, rnd.nextGaussian());
        case FLOAT32 -> Raw.putFloat(addr, (float) rnd.nextGaussian());
        case BOOL -> Raw.putByte(addr, (byte) rnd.nextInt(2));
        default -> Raw.putBits(addr, dt.itemsize(), rnd.nextLong());
      }
    }
    return a;
  }

  private static void assertSame(NDArray want, NDArray got, String what) {
    assertEquals(want.dtype(), got.dtype(), what);
    assertArrayEquals(want.shape(), got.shape(), what);
    try (NDArray w = want.copy(Order.C); NDArray g = got.copy(Order.C)) {
      for (long i = 0; i < w.nbytes(); i++) {
        if (Raw.getByte(w.dataAddress() + i) != Raw.getByte(g.dataAddress() + i)) {
          throw new AssertionError(what + ": byte " + i + " differs");
        }
      }
    }
  }

  // ------------------------------------------------------------------ .npy

  @Test
  void npyFilesAreReadBlockByBlockInEveryLayout() throws Exception {
    long[] shape = {23, 17, 5};
    try (NDArray a = random(DType.FLOAT64, shape); NDArray f = a.copy(Order.F);
        NDArray i16 = random(DType.INT16, 40, 9)) {
      NpyWriter.write(dir.resolve("c.npy"), a);
      NpyWriter.write(dir.resolve("f.npy"), f);
      NpyWriter.write(dir.resolve("be.npy"), i16, NpyWriter.Options.defaults()
          .withByteOrder(ByteOrder.BIG_ENDIAN));
      assertTrue(NpyReader.readHeader(dir.resolve("f.npy")).fortranOrder());
      Chunks irregular = Chunks.of(shape, new long[][] {{4, 10, 9}, {17}, {2, 3}});
      for (String name : new String[] {"c.npy", "f.npy"}) {
        for (Chunks chunks : new Chunks[] {irregular, Chunks.regular(shape, 5, 4, 5)}) {
          try (DistributedArray d = DistributedNpy.read(sc, uri(name), chunks, 3);
              NDArray back = d.toLocal(np)) {
            assertSame(a, back, name + " in " + chunks);
            assertTrue(d.explainString().contains("positioned reads"), d.explainString());
          }
        }
      }
      try (DistributedArray d = DistributedNpy.read(sc, uri("be.npy"), 7, 4);
          NDArray back = d.toLocal(np)) {
        assertSame(i16, back, "big-endian int16");
      }
      try (DistributedArray d = DistributedNpy.read(sc, dir.resolve("c.npy").toString());
          NDArray back = d.toLocal(np)) {
        assertSame(a, back, "a bare path, automatic chunks");
      }
    }
  }

  @Test
  void npyFilesAreWrittenBandByBand() throws Exception {
    long[] shape = {31, 6, 4};
    try (NDArray a = random(DType.INT32, shape);
        DistributedArray d = DistributedArray.fromLocal(sc, a, Chunks.of(shape,
            new long[][] {{3, 10, 1, 17}, {2, 4}, {4}}), 3)) {
      int before = jobsSoFar();
      DistributedNpy.write(d, uri("out.npy"), false, 1); // one partition per job
      assertEquals(before + 3, jobsSoFar(), "one job per partition group");
      try (NDArray back = NpyReader.read(dir.resolve("out.npy"), alloc)) {
        assertSame(a, back, "written .npy");
      }
      SparkIOException exists = assertThrows(SparkIOException.class,
          () -> DistributedNpy.write(d, uri("out.npy")));
      assertTrue(exists.getMessage().contains("exists"), exists.getMessage());
      DistributedNpy.write(d, uri("out.npy"), true);
      try (NDArray back = NpyReader.read(dir.resolve("out.npy"), alloc)) {
        assertSame(a, back, "overwritten .npy");
      }
      assertEquals(List.of("out.npy"), Files.list(dir).map(p -> p.getFileName().toString())
          .filter(n -> !n.endsWith(".crc")).sorted().toList(), "no temporary file left");
    }
    try (NDArray z = np.full(DType.FLOAT32, Order.C, 2.5);
        NDArray e = np.empty(DType.FLOAT64, 0, 3);
        DistributedArray dz = DistributedArray.fromLocal(sc, z, Chunks.of());
        DistributedArray de = DistributedArray.fromLocal(sc, e, Chunks.regular(e.shape(), 2))) {
      DistributedNpy.write(dz, uri("z.npy"));
      DistributedNpy.write(de, uri("e.npy"));
      try (NDArray bz = NpyReader.read(dir.resolve("z.npy"), alloc);
          NDArray be = NpyReader.read(dir.resolve("e.npy"), alloc)) {
        assertSame(z, bz, "0-d");
        assertSame(e, be, "empty");
      }
    }
  }

  @Test
  void badNpyInputFailsBeforeAnyJob() throws Exception {
    byte[] complexHeader = NpyHeader.of(DType.FLOAT64, new long[] {4}, false).toBytes();
    String text = new String(complexHeader, StandardCharsets.ISO_8859_1).replace("'<f8'",
        "'<c8'");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.write(new byte[64]);
    Files.write(dir.resolve("complex.npy"), out.toByteArray());
    try (NDArray a = random(DType.FLOAT64, 10)) {
      NpyWriter.write(dir.resolve("ok.npy"), a);
    }
    byte[] full = Files.readAllBytes(dir.resolve("ok.npy"));
    Files.write(dir.resolve("short.npy"), Arrays.copyOf(full, full.length - 8));
    Files.write(dir.resolve("junk.npy"), "hello, not numpy".getBytes(StandardCharsets.UTF_8));
    Files.createDirectory(dir.resolve("adir"));
    int before = jobsSoFar();
    SparkIOException missing = assertThrows(SparkIOException.class,
        () -> DistributedNpy.read(sc, uri("missing.npy")));
    assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    assertThrows(SparkIOException.class, () -> DistributedNpy.read(sc, uri("adir")));
    NpyFormatException c = assertThrows(NpyFormatException.class,
        () -> DistributedNpy.read(sc, uri("complex.npy")));
    assertEquals(NpyFormatException.Fault.UNSUPPORTED_DTYPE, c.fault());
    assertTrue(c.getMessage().contains("complex.npy"), c.getMessage());
    assertEquals(NpyFormatException.Fault.TRUNCATED, assertThrows(NpyFormatException.class,
        () -> DistributedNpy.read(sc, uri("short.npy"))).fault());
    assertEquals(NpyFormatException.Fault.BAD_MAGIC, assertThrows(NpyFormatException.class,
        () -> DistributedNpy.read(sc, uri("junk.npy"))).fault());
    assertThrows(io.tessera.chunk.ChunkSpecException.class,
        () -> DistributedNpy.read(sc, uri("ok.npy"), Chunks.regular(new long[] {11}, 4)));
    assertEquals(before, jobsSoFar());
  }

  // ------------------------------------------------------------------ Arrow IPC

  @Test
  void arrowIpcFilesAreReadBatchByBatchAndWritten() throws Exception {
    try (NDArray a = random(DType.FLOAT64, 30, 4, 3); NDArray p1 = a.get("0:7");
        NDArray p2 = a.get("7:8"); NDArray p3 = a.get("8:30")) {
      try (ArrowIpcWriter w = ArrowIpcWriter.create(dir.resolve("t.arrow"), IpcFormat.FILE)) {
        w.writeTensors("x", p1);
        w.writeTensors("x", p2);
        w.writeTensors("x", p3);
      }
      try (DistributedArray d = DistributedIpc.read(sc, uri("t.arrow"), "x");
          NDArray back = d.toLocal(np)) {
        assertEquals(Chunks.of(new long[][] {{7, 1, 22}, {4}, {3}}), d.chunks());
        assertSame(a, back, "IPC read");
        try (DistributedArray twice = d.multiply(2.0)) {
          DistributedIpc.write(twice, uri("out.arrow"), "y", false);
        }
      }
      try (NDArray got = ArrowIpc.readTensors(dir.resolve("out.arrow"), "y", alloc);
          NDArray want = a.mul(2.0)) {
        assertSame(want, got, "IPC written, read by arrow-io");
      }
    }
    try (NDArray m = random(DType.FLOAT64, 5, 4)) {
      ArrowIpc.writeColumns(dir.resolve("cols.arrow"), m, IpcFormat.FILE, "a", "b", "c", "d");
    }
    int before = jobsSoFar();
    assertTrue(assertThrows(SparkIOException.class, () -> DistributedIpc.read(sc,
        uri("t.arrow"), "nope")).getMessage().contains("no column 'nope'"));
    assertTrue(assertThrows(SparkIOException.class, () -> DistributedIpc.read(sc,
        uri("cols.arrow"), "a")).getMessage().contains("not an arrow.fixed_shape_tensor"));
    assertThrows(SparkIOException.class, () -> DistributedIpc.read(sc, uri("none.arrow"), "x"));
    assertEquals(before, jobsSoFar());
  }

  // ------------------------------------------------------------------ Zarr

  @Test
  void zarrDirectoriesAreWrittenAndReadByTheExecutors() throws Exception {
    long[] shape = {19, 14};
    try (NDArray a = random(DType.FLOAT32, shape);
        DistributedArray d = DistributedArray.fromLocal(sc, a, Chunks.regular(shape, 5, 6), 3)) {
      DistributedZarr.write(d, uri("a.zarr"), ZarrWriteOptions.defaults()
          .withCompressor(ZarrCompressor.zlib(1)));
      // arrow-io's local reader sees the same array (the format is arrow-io's Zarr v2)
      try (ChunkedArray local = Zarr.open(LocalZarrStore.of(dir.resolve("a.zarr")));
          NDArray back = local.toArray(np)) {
        assertSame(a, back, "Zarr read locally");
        assertEquals(d.chunks(), local.chunks());
      }
      assertTrue(Files.exists(dir.resolve("a.zarr/.zarray")));
      assertTrue(Files.exists(dir.resolve("a.zarr/3.2")));
      try (DistributedArray r = DistributedZarr.read(sc, uri("a.zarr"), 2);
          NDArray back = r.toLocal(np)) {
        assertSame(a, back, "Zarr read distributed");
        assertEquals(d.chunks(), r.chunks());
      }
      int before = jobsSoFar();
      ZarrException exists = assertThrows(ZarrException.class,
          () -> DistributedZarr.write(d, uri("a.zarr")));
      assertEquals(ZarrException.Fault.EXISTS, exists.fault());
      try (DistributedArray irregular = DistributedArray.fromLocal(sc, a, Chunks.of(shape,
          new long[][] {{9, 10}, {14}}))) {
        assertEquals(ZarrException.Fault.IRREGULAR_CHUNKS, assertThrows(ZarrException.class,
            () -> DistributedZarr.write(irregular, uri("b.zarr"))).fault());
      }
      assertEquals(ZarrException.Fault.NOT_FOUND, assertThrows(ZarrException.class,
          () -> DistributedZarr.read(sc, uri("nothing.zarr"))).fault());
      assertEquals(before, jobsSoFar());
      // a missing chunk reads as the fill value
      Files.delete(dir.resolve("a.zarr/0.0"));
      try (DistributedArray r = DistributedZarr.read(sc, uri("a.zarr"));
          NDArray back = r.toLocal(np)) {
        assertEquals(0.0, back.getDouble(4, 5));
        assertEquals(a.getDouble(5, 6), back.getDouble(5, 6));
      }
    }
  }

  @Test
  void hadoopZarrStoreKeys() throws Exception {
    HadoopZarrStore s = HadoopZarrStore.of(uri("kv"), sc.hadoopConfiguration());
    assertEquals(null, s.read(".zarray"));
    assertEquals(List.of(), s.list(""));
    s.write("0.1", new byte[] {1, 2});
    s.write("a/b", new byte[] {3});
    s.write("0.1", new byte[] {4});
    assertArrayEquals(new byte[] {4}, s.read("0.1"));
    assertTrue(s.exists("a/b"));
    assertEquals(List.of("0.1", "a/b"), s.list(""));
    assertEquals(List.of("a/b"), s.list("a/"));
    s.delete("0.1");
    s.delete("0.1");
    assertEquals(List.of("a/b"), s.list(""));
    assertThrows(IllegalArgumentException.class, () -> s.read("../x"));
    assertThrows(IllegalArgumentException.class, () -> s.write("/abs", new byte[0]));
  }

  // ------------------------------------------------------------------ DataFrames

  @Test
  void dataFrameColumnsBecomeArraysAndBack() throws Exception {
    // four partitions in a deterministic order (a shuffled DataFrame has no stable row order)
    Dataset<Row> df = spark.range(0, 50, 1, 4).selectExpr("concat('r', id) as id",
        "array(cast(id as double), cast(id as double) * 0.5, -cast(id as double)) as vec",
        "cast(id * 7 as int) as n");
    List<Row> ordered = df.collectAsList();
    try (DistributedArray m = DistributedFrames.fromColumn(df, "vec", 8);
        DistributedArray v = DistributedFrames.fromColumn(df, "n", 16);
        NDArray mb = m.toLocal(np); NDArray vb = v.toLocal(np)) {
      assertArrayEquals(new long[] {50, 3}, mb.shape());
      assertEquals(DType.FLOAT64, mb.dtype());
      assertEquals(DType.INT32, vb.dtype());
      assertEquals(Chunks.regular(new long[] {50, 3}, 8, -1), m.chunks());
      for (int i = 0; i < 50; i++) {
        List<Object> want = ordered.get(i).getList(1);
        for (int j = 0; j < 3; j++) {
          assertEquals(((Number) want.get(j)).doubleValue(), mb.getDouble(i, j), "row " + i);
        }
        assertEquals(ordered.get(i).getInt(2), vb.getLong(i));
      }
      Dataset<Row> out = DistributedFrames.toDataFrame(spark, m, "value");
      assertEquals("struct<index:bigint,value:array<double>>", out.schema().simpleString());
      List<Row> back = out.orderBy("index").collectAsList();
      assertEquals(50, back.size());
      for (int i = 0; i < 50; i++) {
        assertEquals(i, back.get(i).getLong(0));
        assertEquals(ordered.get(i).getList(1), back.get(i).getList(1));
      }
      try (DistributedArray again = DistributedFrames.fromColumn(out.orderBy("index"), "value",
          16); NDArray ab = again.toLocal(np)) {
        assertSame(mb, ab, "array -> DataFrame -> array");
      }
      Dataset<Row> ints = DistributedFrames.toDataFrame(spark, v, "n");
      assertEquals("struct<index:bigint,n:int>", ints.schema().simpleString());
      assertEquals(ordered.get(17).getInt(2), ints.filter("index = 17").first().getInt(1));
    }
  }

  @Test
  void badDataFrameInput() throws Exception {
    StructType schema = new StructType()
        .add("s", DataTypes.StringType)
        .add("vec", DataTypes.createArrayType(DataTypes.LongType));
    Dataset<Row> ragged = spark.createDataFrame(List.of(RowFactory.create("a", List.of(1L, 2L)),
        RowFactory.create("b", List.of(3L))), schema);
    int before = jobsSoFar();
    assertTrue(assertThrows(SparkIOException.class, () -> DistributedFrames.fromColumn(ragged,
        "s")).getMessage().contains("has type string"));
    assertTrue(assertThrows(SparkIOException.class, () -> DistributedFrames.fromColumn(ragged,
        "nope")).getMessage().contains("no such column"));
    assertEquals(before, jobsSoFar(), "type errors come before any job");
    SparkIOException r = assertThrows(SparkIOException.class,
        () -> DistributedFrames.fromColumn(ragged, "vec"));
    assertTrue(r.getMessage().contains("ragged rows: between 1 and 2"), r.getMessage());
    assertTrue(jobsSoFar() - before <= 2, "ragged rows are found by the aggregate query");
    try (NDArray u = np.empty(DType.UINT8, 4); NDArray c3 = np.empty(DType.FLOAT64, 2, 2, 2);
        NDArray c2 = c3.reshape(4, 2);
        DistributedArray du = DistributedArray.fromLocal(sc, u, Chunks.regular(u.shape(), 2));
        DistributedArray d3 = DistributedArray.fromLocal(sc, c3, Chunks.regular(c3.shape(), 2));
        DistributedArray split = DistributedArray.fromLocal(sc, c2,
            Chunks.regular(new long[] {4, 2}, 2, 1))) {
      assertThrows(SparkIOException.class, () -> DistributedFrames.toDataFrame(spark, du, "x"));
      assertThrows(SparkIOException.class, () -> DistributedFrames.toDataFrame(spark, d3, "x"));
      assertThrows(SparkIOException.class, () -> DistributedFrames.toDataFrame(spark, split,
          "x"));
    }
  }
}
