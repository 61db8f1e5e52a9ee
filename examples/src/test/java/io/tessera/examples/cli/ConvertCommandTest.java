package io.tessera.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.io.ipc.ArrowIpcFile;
import io.tessera.io.npy.NpyReader;
import io.tessera.io.npy.Npz;
import io.tessera.io.npy.NpzFile;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code tessera convert}: round trips through every format, compared bit for bit. */
class ConvertCommandTest {
  @TempDir
  Path dir;

  BufferAllocator alloc;

  @BeforeEach
  void open() {
    alloc = new RootAllocator();
  }

  @AfterEach
  void close() {
    alloc.close(); // fails on a leak
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    long[][] shapes = {{1000}, {37, 5}, {6, 7, 3}, {0, 4}, {1}};
    DType[] dtypes = {DType.FLOAT64, DType.FLOAT32, DType.FLOAT16, DType.INT8, DType.UINT16,
        DType.INT64, DType.BOOL};
    String[] via = {"arrow", "arrows", "npz", "zarr"};
    int k = 0;
    for (long[] s : shapes) {
      for (DType t : dtypes) {
        Order o = (k % 3 == 2 && s.length > 1) ? Order.F : Order.C;
        out.add(Arguments.of(t, o, s, via[k % via.length]));
        k++;
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2} via {3}")
  @MethodSource("cases")
  void roundTripIsBitForBit(DType dtype, Order order, long[] shape, String via) throws Exception {
    Path in = Fixtures.npy(dir, "in.npy", alloc, dtype, order, shape);
    Path mid = dir.resolve("mid." + via);
    Path back = dir.resolve("back.npy");
    // small slabs: many record batches / slab writes
    CliRun.of("convert", "--chunk-bytes", "64", in.toString(), mid.toString()).ok();
    CliRun r = CliRun.of("convert", "--chunk-bytes", "100", mid.toString(), back.toString()).ok();
    assertTrue(r.out().contains("-> " + back), r.out());
    assertSameArray(in, back);
    if (order == Order.C || via.equals("npz") || via.equals("zarr")) {
      // same header and bytes as the input: the .npy file itself is identical
      assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(back));
    }
  }

  @Test
  void zarrChunksAlongAxisZeroAndReadsAnyGrid() throws Exception {
    Path in = Fixtures.npy(dir, "in.npy", alloc, DType.INT32, Order.C, 50, 6);
    Path z = dir.resolve("x.zarr");
    CliRun.of("convert", "--chunk-bytes", "240", in.toString(), z.toString()).ok();
    String meta = Files.readString(z.resolve(".zarray"));
    assertTrue(meta.replaceAll("\\s", "").contains("\"chunks\":[10,6]"), meta);
    // a Zarr array chunked along both axes (as another writer might) reads back the same
    Path z2 = dir.resolve("grid.zarr");
    try (NDArray a = NpyReader.read(in, alloc);
         io.tessera.io.zarr.LocalZarrStore s = io.tessera.io.zarr.LocalZarrStore.of(z2)) {
      io.tessera.io.zarr.Zarr.write(a, s, new long[] {7, 4},
          io.tessera.io.zarr.ZarrWriteOptions.defaults().withCompressor(
              io.tessera.io.zarr.ZarrCompressor.zlib(1)));
    }
    Path back = dir.resolve("back.npy");
    CliRun.of("convert", "--chunk-bytes", "100", z2.toString(), back.toString()).ok();
    assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(back));
    CliRun r = CliRun.of("info", z2.toString()).ok();
    assertTrue(r.out().contains("Zarr v2 array"), r.out());
    assertTrue(r.out().contains("(7, 4) -> grid (8, 2)"), r.out());
    assertTrue(r.out().contains("strides: (24, 4)"), r.out());
  }

  @Test
  void manySlabsMakeManyRecordBatches() throws Exception {
    Path in = Fixtures.npy(dir, "in.npy", alloc, DType.FLOAT64, Order.C, 100, 4);
    Path arrow = dir.resolve("out.arrow");
    CliRun.of("convert", "--chunk-bytes", "320", in.toString(), arrow.toString()).ok();
    try (ArrowIpcFile f = ArrowIpcFile.map(arrow, alloc)) {
      assertEquals(10, f.batchCount()); // 320 bytes = 10 rows of 32 bytes per batch
    }
  }

  @Test
  void fortranOrderSurvivesNpz() throws Exception {
    Path in = Fixtures.npy(dir, "in.npy", alloc, DType.FLOAT64, Order.F, 5, 6, 7);
    Path z = dir.resolve("x.npz");
    CliRun.of("convert", "--name", "weights", "--compress", in.toString(), z.toString()).ok();
    try (NpzFile f = Npz.open(z, alloc)) {
      assertEquals(List.of("weights"), f.names());
      assertTrue(f.header("weights").fortranOrder());
    }
    Path back = dir.resolve("back.npy");
    CliRun.of("convert", "--member", "weights", z.toString(), back.toString()).ok();
    assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(back));
  }

  @Test
  void bigEndianInputKeepsValues() throws Exception {
    Path in = Fixtures.bigEndianNpy(dir, "be.npy", alloc, DType.INT32, 9, 4);
    Path mid = dir.resolve("be.arrow");
    Path back = dir.resolve("back.npy");
    CliRun.of("convert", in.toString(), mid.toString()).ok();
    CliRun.of("convert", mid.toString(), back.toString()).ok();
    assertSameArray(in, back);
  }

  @Test
  void formatFromToOption() throws Exception {
    Path in = Fixtures.npy(dir, "in.npy", alloc, DType.FLOAT32, Order.C, 8, 2);
    Path out = dir.resolve("no-extension");
    CliRun.of("convert", "--to", "arrows", in.toString(), out.toString()).ok();
    assertEquals(ArrayFormat.ARROWS, ArrayFormat.detect(out));
    Path back = dir.resolve("back.npy");
    CliRun.of("convert", out.toString(), back.toString()).ok();
    assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(back));
  }

  @Test
  void npzMemberSelection() throws Exception {
    Path z = dir.resolve("two.npz");
    try (NDArray a = Fixtures.random(alloc, DType.INT16, Order.C, 1, 4, 4);
         NDArray b = Fixtures.random(alloc, DType.FLOAT64, Order.C, 2, 10)) {
      Npz.save(z, Map.of("a", a, "b", b));
    }
    Path out = dir.resolve("b.arrow");
    CliRun.of("convert", z.toString(), out.toString())
        .failsWith(1, "tessera convert", "2 members (");
    CliRun.of("convert", "--member", "c", z.toString(), out.toString())
        .failsWith(1, "tessera convert", "no member 'c' (members: ");
    CliRun.of("convert", "--member", "b", z.toString(), out.toString()).ok();
    Path back = dir.resolve("b.npy");
    CliRun.of("convert", "--member", "b", out.toString(), back.toString()).ok();
    try (NpzFile f = Npz.open(z, alloc); NDArray want = f.get("b");
         NDArray got = NpyReader.read(back, alloc)) {
      assertArrayEquals(cBytes(want), cBytes(got));
    }
  }

  @Test
  void badArguments() throws Exception {
    Path in = Fixtures.npy(dir, "in.npy", alloc, DType.FLOAT64, Order.C, 4);
    String i = in.toString();
    CliRun.of("convert", dir.resolve("missing.npy").toString(), dir.resolve("o.npy").toString())
        .failsWith(1, "tessera convert", "no such file: ");
    CliRun.of("convert", i, dir.resolve("out.txt").toString())
        .failsWith(2, "tessera convert", "cannot tell the output format from 'out.txt'");
    CliRun.of("convert", "--to", "hdf5", i, dir.resolve("o").toString())
        .failsWith(2, "tessera convert", "unknown format 'hdf5' (formats: npy, npz, arrow");
    CliRun.of("convert", i, i).failsWith(2, "tessera convert", "is the input");
    CliRun.of("convert", "--chunk-bytes", "lots", i, dir.resolve("o.npy").toString())
        .failsWith(2, "tessera convert", "'lots' is not a positive byte size");
    CliRun.of("convert", "--member", "x", i, dir.resolve("o.arrow").toString())
        .failsWith(2, "tessera convert", "--member applies to .npz");
    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "hello, world");
    CliRun.of("convert", text.toString(), dir.resolve("o.npy").toString())
        .failsWith(1, "tessera convert", "unknown format (not .npy, .npz, Arrow IPC or Zarr");
  }

  @Test
  void corruptInputLeavesNoOutput() throws Exception {
    Path in = Fixtures.npy(dir, "in.npy", alloc, DType.FLOAT64, Order.C, 100);
    byte[] b = Files.readAllBytes(in);
    Path cut = dir.resolve("cut.npy");
    Files.write(cut, java.util.Arrays.copyOf(b, b.length - 8));
    Path out = dir.resolve("o.arrow");
    CliRun.of("convert", cut.toString(), out.toString())
        .failsWith(1, "tessera convert", "cut.npy");
    assertFalse(Files.exists(out));
    Path garbage = dir.resolve("garbage.npy");
    Files.write(garbage, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 10, 0, 'x'});
    CliRun.of("convert", garbage.toString(), out.toString())
        .failsWith(1, "tessera convert", "garbage.npy");
    assertFalse(Files.exists(out));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith(".")
          || p.getFileName().toString().startsWith("tessera-")).toList(), "temporary files left");
    }
  }

  @Test
  void progressLinesForLongWork() {
    java.io.StringWriter w = new java.io.StringWriter();
    java.io.PrintWriter err = new java.io.PrintWriter(w);
    Progress p = new Progress(err, Progress.Mode.PLAIN, "work", 100 << 20, "bytes");
    assertTrue(p.line(50 << 20, System.nanoTime()).startsWith("work:  50% 50.0 MiB of 100 MiB"),
        p.line(50 << 20, System.nanoTime()));
    p.update(1); // within the quiet first second: nothing
    err.flush();
    assertEquals("", w.toString());
  }

  void assertSameArray(Path want, Path got) throws IOException {
    try (NDArray a = NpyReader.read(want, alloc); NDArray b = NpyReader.read(got, alloc)) {
      assertEquals(a.dtype(), b.dtype());
      assertArrayEquals(a.shape(), b.shape());
      assertArrayEquals(cBytes(a), cBytes(b));
    }
  }

  static byte[] cBytes(NDArray a) {
    try (NDArray c = a.copy(Order.C)) {
      byte[] b = new byte[Math.toIntExact(c.nbytes())];
      Raw.copyToHeap(c.dataAddress(), b, 0, b.length);
      return b;
    }
  }
}
