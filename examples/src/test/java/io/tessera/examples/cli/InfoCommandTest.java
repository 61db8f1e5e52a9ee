package io.tessera.examples.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.io.ipc.ArrowIpcWriter;
import io.tessera.io.ipc.IpcFormat;
import io.tessera.io.npy.Npz;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera info}: reports from headers and memory maps, and its one-line failures. */
class InfoCommandTest {
  @TempDir
  Path dir;

  BufferAllocator alloc;

  @BeforeEach
  void open() {
    alloc = new RootAllocator();
  }

  @AfterEach
  void close() {
    alloc.close();
  }

  static void has(CliRun r, String... fragments) {
    for (String f : fragments) {
      assertTrue(r.out().contains(f), () -> "missing '" + f + "' in:\n" + r.out());
    }
  }

  @Test
  void npyInC() throws Exception {
    Path p = Fixtures.npy(dir, "c.npy", alloc, DType.FLOAT64, Order.C, 3, 4);
    has(CliRun.of("info", p.toString()).ok(),
        "c.npy: NumPy .npy version 1.0, 224 bytes",
        "header: {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }",
        "data offset: 128 bytes", "order: C", "strides: (32, 8)", "nbytes: 96 bytes",
        "as a read-only memory map", "C-contiguous: True", "writeable: False");
  }

  @Test
  void npyInFortranOrder() throws Exception {
    Path p = Fixtures.npy(dir, "f.npy", alloc, DType.INT16, Order.F, 3, 4, 5);
    has(CliRun.of("info", p.toString()).ok(),
        "'fortran_order': True", "order: F", "strides: (2, 6, 24)", "F-contiguous: True",
        "C-contiguous: False");
  }

  @Test
  void bigEndianNpyIsReportedFromItsHeader() throws Exception {
    Path p = Fixtures.bigEndianNpy(dir, "be.npy", alloc, DType.INT32, 6);
    CliRun r = CliRun.of("info", p.toString()).ok();
    has(r, "'descr': '>i4'", "big-endian", "not mappable in place", "strides: (4,)");
    assertTrue(!r.out().contains("memory map"), r.out());
  }

  @Test
  void npzMembers() throws Exception {
    Path z = dir.resolve("two.npz");
    try (NDArray a = Fixtures.random(alloc, DType.UINT8, Order.C, 1, 2, 3);
         NDArray b = Fixtures.random(alloc, DType.FLOAT32, Order.F, 2, 4, 5)) {
      Npz.saveCompressed(z, Map.of("a", a, "b", b));
    }
    CliRun r = CliRun.of("info", z.toString()).ok();
    has(r, "NumPy .npz archive, 2 members", "  a:", "  b:", "deflated", "'descr': '|u1'",
        "'descr': '<f4', 'fortran_order': True", "strides: (4, 16)");
    CliRun only = CliRun.of("info", "--member", "b", z.toString()).ok();
    assertTrue(!only.out().contains("  a:"), only.out());
    CliRun.of("info", "--member", "zz", z.toString())
        .failsWith(1, "tessera info", "no member 'zz' (members: ");
  }

  @Test
  void arrowFileWithTensorMetadata() throws Exception {
    Path p = dir.resolve("t.arrow");
    try (NDArray a = Fixtures.random(alloc, DType.FLOAT32, Order.C, 3, 4, 2, 3);
         ArrowIpcWriter w = ArrowIpcWriter.create(p, IpcFormat.FILE)) {
      w.writeTensors("images", a);
      w.writeTensors("images", a);
    }
    has(CliRun.of("info", p.toString()).ok(),
        "Arrow IPC file", "field 'images': arrow.fixed_shape_tensor over FixedSizeList(6)",
        "extension metadata: {\"shape\":[2,3]}", "tensor shape (logical): (2, 3)",
        "record batches: 2, rows [4, 4] (8 in all)", "shape: (8, 2, 3)", "dtype: float32");
  }

  @Test
  void arrowFileOfOneBatchShowsTheMappedView() throws Exception {
    Path p = dir.resolve("one.arrow");
    try (NDArray a = Fixtures.random(alloc, DType.FLOAT64, Order.F, 3, 5, 2, 3);
         NDArray rows = a.get("0:5");
         ArrowIpcWriter w = ArrowIpcWriter.create(p, IpcFormat.FILE)) {
      w.writeTensors("x", rows);
    }
    has(CliRun.of("info", p.toString()).ok(),
        "as read from the memory-mapped file (a view, no copy)", "writeable: False");
  }

  @Test
  void arrowStream() throws Exception {
    Path p = dir.resolve("s.arrows");
    try (NDArray a = Fixtures.random(alloc, DType.INT64, Order.C, 3, 7, 2);
         ArrowIpcWriter w = ArrowIpcWriter.create(p, IpcFormat.STREAM)) {
      w.writeColumns(a, "lo", "hi");
    }
    has(CliRun.of("info", p.toString()).ok(), "Arrow IPC stream", "field 'lo': Int(64, true)",
        "field 'hi'", "all columns as a matrix", "shape: (7, 2)");
  }

  @Test
  void failures() throws Exception {
    CliRun.of("info", dir.resolve("nope.npy").toString())
        .failsWith(1, "tessera info", "no such file: ");
    Path text = dir.resolve("a.bin");
    Files.write(text, new byte[] {1, 2, 3});
    CliRun.of("info", text.toString())
        .failsWith(1, "tessera info", "unknown format (not .npy, .npz, Arrow IPC or Zarr: the "
            + "first bytes are 010203)");
    Path bad = dir.resolve("bad.npy");
    Files.write(bad, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 9, 0, 0, 0});
    CliRun.of("info", bad.toString()).failsWith(1, "tessera info", "bad.npy");
    Path arrow = dir.resolve("bad.arrow");
    Files.write(arrow, "ARROW1\0\0garbage".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    CliRun.of("info", arrow.toString()).failsWith(1, "tessera info", "bad.arrow");
    CliRun.of("info", dir.toString()).failsWith(1, "tessera info", "without .zarray");
    Path npy = Fixtures.npy(dir, "one.npy", alloc, DType.INT8, Order.C, 3);
    CliRun.of("info", "--member", "x", npy.toString())
        .failsWith(2, "tessera info", "--member applies to .npz archives");
  }
}
