package io.tessera.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.io.ipc.ArrowIpc;
import io.tessera.io.ipc.ArrowIpcFile;
import io.tessera.io.ipc.ArrowIpcStreamReader;
import io.tessera.io.ipc.ArrowIpcWriter;
import io.tessera.io.ipc.IpcBatch;
import io.tessera.io.ipc.IpcFormat;
import io.tessera.io.tensor.FixedShapeTensorType;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Arrow IPC interoperability with an independent implementation: the JavaScript {@code
 * apache-arrow} package (pinned in {@code src/test/node/package.json}) reads the files and streams
 * Tessera writes and sees the same values, shapes, metadata and extension name; and Tessera reads
 * files and streams that apache-arrow writes.
 *
 * <p>Needs node and npm. On first run {@code npm ci} installs the pinned package into {@code
 * src/test/node/node_modules}. Without node/npm, or when the install fails (offline), the tests
 * are skipped loudly: a JUnit assumption with the reason, and a WARNING line on stderr.
 */
class ArrowIpcInteropTest {
  private static final Path NODE_DIR = Path.of("src", "test", "node").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static String skipReason;

  @TempDir
  Path dir;
  private BufferAllocator allocator;
  private Tessera np;

  @BeforeAll
  static void installApacheArrowJs() {
    skipReason = prepareNode();
    if (skipReason != null) {
      System.err.println("WARNING: ArrowIpcInteropTest SKIPPED: " + skipReason
          + " -- Arrow IPC interop with apache-arrow (JavaScript) was NOT verified");
    }
  }

  private static String prepareNode() {
    String node = Processes.stdout(List.of("node", "--version"), NODE_DIR, 30);
    if (node == null) {
      return "node is not installed or not on PATH";
    }
    if (Files.isRegularFile(NODE_DIR.resolve("node_modules/apache-arrow/package.json"))) {
      return null;
    }
    if (Processes.stdout(List.of("npm", "--version"), NODE_DIR, 30) == null) {
      return "npm is not installed or not on PATH (node " + node.trim() + ")";
    }
    String out = Processes.stdout(List.of("npm", "ci", "--no-audit", "--no-fund"), NODE_DIR, 600);
    if (out == null
        || !Files.isRegularFile(NODE_DIR.resolve("node_modules/apache-arrow/package.json"))) {
      return "`npm ci` in " + NODE_DIR + " failed (offline?)";
    }
    return null;
  }

  private static JsonNode node(String script, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("node", script));
    cmd.addAll(args);
    String out = Processes.stdout(cmd, NODE_DIR, 120);
    assertTrue(out != null, "node " + script + " " + args + " failed (see stderr)");
    return JSON.readTree(out);
  }

  @BeforeEach
  void setUp() {
    Assumptions.assumeTrue(skipReason == null, "skipped: " + skipReason);
    allocator = new RootAllocator();
    np = Tessera.using(allocator);
  }

  @AfterEach
  void tearDown() {
    if (allocator != null) {
      long leaked = allocator.getAllocatedMemory();
      allocator.close();
      assertEquals(0, leaked, "bytes still allocated after the test");
    }
  }

  // ---------------------------------------------------------------- helpers

  private NDArray iota(DType dtype, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    try (NDArray flat = np.arange(0, n, 1, DType.INT64);
         NDArray shaped = flat.reshape(shape)) {
      if (dtype == DType.BOOL) {
        NDArray b = np.empty(DType.BOOL, shape);
        long[] v = shaped.toLongArray();
        long[] idx = new long[shape.length];
        for (int k = 0; k < v.length; k++) {
          long r = k;
          for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = r % shape[d];
            r /= shape[d];
          }
          b.setBoolean(v[k] % 3 != 1, idx);
        }
        return b;
      }
      return shaped.astype(dtype);
    }
  }

  /** One Tessera-written case: the array, how it is written, what JS must report. */
  private record Case(String name, NDArray array, boolean single, List<String> dims,
      String metadata, String valueType) {}

  /** The stacked rows' values in physical (row-major) order per the permutation written. */
  private static NDArray physical(NDArray stacked, FixedShapeTensorType type) {
    int[] perm = type.permutationOrIdentity();
    int[] full = new int[perm.length + 1];
    for (int i = 0; i < perm.length; i++) {
      full[1 + perm[i]] = 1 + i; // physical axis perm[i] is logical axis i
    }
    try (NDArray t = stacked.transpose(full)) {
      return t.copy(Order.C);
    }
  }

  private static String hex(NDArray c) {
    byte[] b = new byte[Math.toIntExact(c.nbytes())];
    Raw.copyToHeap(c.dataAddress(), b, 0, b.length);
    return HexFormat.of().formatHex(b);
  }

  // ---------------------------------------------------------------- Tessera -> apache-arrow

  @ParameterizedTest
  @EnumSource(IpcFormat.class)
  void apacheArrowJsReadsOurTensorFiles(IpcFormat format) throws IOException {
    List<Case> cases = new ArrayList<>();
    try {
      cases.add(new Case("c64", iota(DType.FLOAT64, 3, 2, 4), false, null,
          "{\"shape\":[2,4]}", "Float64"));
      try (NDArray c = iota(DType.FLOAT32, 2, 3, 4)) {
        cases.add(new Case("f32F", c.copy(Order.F), true, List.of("a", "b", "c"),
            "{\"shape\":[4,3,2],\"dim_names\":[\"c\",\"b\",\"a\"],\"permutation\":[2,1,0]}",
            "Float32"));
      }
      try (NDArray c = iota(DType.INT64, 5, 4, 3)) {
        cases.add(new Case("i64T", c.swapaxes(1, 2), false, null,
            "{\"shape\":[4,3],\"permutation\":[1,0]}", "Int64"));
      }
      Map<DType, String> names = new LinkedHashMap<>();
      names.put(DType.INT8, "Int8");
      names.put(DType.UINT8, "Uint8");
      names.put(DType.INT16, "Int16");
      names.put(DType.UINT16, "Uint16");
      names.put(DType.INT32, "Int32");
      names.put(DType.UINT32, "Uint32");
      names.put(DType.UINT64, "Uint64");
      names.put(DType.FLOAT16, "Float16");
      names.put(DType.BOOL, "Bool");
      for (Map.Entry<DType, String> e : names.entrySet()) {
        cases.add(new Case(e.getKey().numpyName(), iota(e.getKey(), 4, 2, 3), false, null,
            "{\"shape\":[2,3]}", e.getValue()));
      }
      List<String> paths = new ArrayList<>();
      for (Case c : cases) {
        Path p = dir.resolve(c.name + (format == IpcFormat.FILE ? ".arrow" : ".arrows"));
        try (ArrowIpcWriter w = ArrowIpcWriter.create(p, format)) {
          if (c.dims != null) {
            w.dimNames(c.dims.toArray(new String[0]));
          }
          if (c.single) {
            w.writeTensor("tensor", c.array);
          } else {
            w.writeTensors("tensor", c.array);
          }
        }
        paths.add(p.toString());
      }
      JsonNode seen = node("read_tensor.mjs", paths);
      for (int i = 0; i < cases.size(); i++) {
        Case c = cases.get(i);
        JsonNode js = seen.get(i);
        String what = c.name + " " + format;
        assertEquals(format == IpcFormat.FILE ? "file" : "stream", js.get("format").asText());
        long rows = c.single ? 1 : c.array.shape(0);
        assertEquals(rows, js.get("numRows").asLong(), what);
        assertEquals(1, js.get("numBatches").asInt(), what);
        JsonNode f = js.get("fields").get(0);
        assertEquals("tensor", f.get("name").asText());
        assertEquals("FixedSizeList", f.get("typeId").asText(), what);
        assertEquals("arrow.fixed_shape_tensor", f.get("extensionName").asText(), what);
        assertEquals(c.metadata, f.get("extensionMetadata").asText(), what);
        assertEquals(c.valueType, f.get("valueType").asText(), what);
        FixedShapeTensorType type = FixedShapeTensorType.parse(
            new org.apache.arrow.vector.types.pojo.ArrowType.FixedSizeList(f.get("listSize")
                .asInt()), f.get("extensionMetadata").asText());
        JsonNode col = js.get("columns").get("tensor");
        assertEquals(0, col.get("nullCount").asInt());
        try (NDArray stacked = c.single ? c.array.expandDims(0) : c.array.view();
             NDArray phys = physical(stacked, type)) {
          assertArrayEquals(c.array.shape(), c.single ? type.logicalShape()
              : prepend(c.array.shape(0), type.logicalShape()), what);
          if (c.array.dtype() == DType.BOOL) {
            long[] expect = phys.toLongArray();
            assertEquals(expect.length, col.get("values").size(), what);
            for (int k = 0; k < expect.length; k++) {
              assertEquals(expect[k], col.get("values").get(k).asLong(), what + " value " + k);
            }
          } else {
            assertEquals(hex(phys), col.get("hex").asText(), what + ": raw bytes differ");
          }
          if (c.array.dtype() == DType.FLOAT64) {
            double[] expect = phys.toDoubleArray();
            for (int k = 0; k < expect.length; k++) {
              assertEquals(expect[k], col.get("values").get(k).asDouble(), what);
            }
          }
        }
      }
    } finally {
      for (Case c : cases) {
        c.array.close();
      }
    }
  }

  private static long[] prepend(long first, long[] rest) {
    long[] out = new long[rest.length + 1];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }

  @ParameterizedTest
  @EnumSource(IpcFormat.class)
  void apacheArrowJsReadsOurColumns(IpcFormat format) throws IOException {
    Path p = dir.resolve("cols" + (format == IpcFormat.FILE ? ".arrow" : ".arrows"));
    try (NDArray c = iota(DType.INT32, 6, 3);
         NDArray f = c.copy(Order.F)) {
      ArrowIpc.writeColumns(p, f, format, "a", "b", "c");
      JsonNode js = node("read_tensor.mjs", List.of(p.toString())).get(0);
      assertEquals(6, js.get("numRows").asInt());
      for (int j = 0; j < 3; j++) {
        String name = List.of("a", "b", "c").get(j);
        JsonNode field = js.get("fields").get(j);
        assertEquals(name, field.get("name").asText());
        assertEquals("Int32", field.get("type").asText());
        JsonNode values = js.get("columns").get(name).get("values");
        for (int i = 0; i < 6; i++) {
          assertEquals(c.getLong(i, j), values.get(i).asLong());
        }
      }
    }
  }

  // ---------------------------------------------------------------- apache-arrow -> Tessera

  @ParameterizedTest
  @EnumSource(IpcFormat.class)
  void weReadTensorFilesWrittenByApacheArrowJs(IpcFormat format) throws IOException {
    Path p = dir.resolve("js" + (format == IpcFormat.FILE ? ".arrow" : ".arrows"));
    JsonNode wrote = node("write_tensor.mjs", List.of(p.toString(),
        format == IpcFormat.FILE ? "file" : "stream"));
    assertEquals(format, ArrowIpc.detect(p));
    int rows = wrote.get("numRows").asInt();
    double[] t = doubles(wrote.get("values").get("t"));
    double[] u = doubles(wrote.get("values").get("u"));
    double[] cs = doubles(wrote.get("values").get("c"));

    // the schema as Arrow Java sees it through our reader: the extension type is recognised
    if (format == IpcFormat.FILE) {
      try (ArrowIpcFile f = ArrowIpcFile.map(p, allocator)) {
        FixedShapeTensorType type = assertInstanceOf(FixedShapeTensorType.class,
            f.schema().findField("t").getType());
        assertArrayEquals(new long[] {2, 3}, type.shape());
        assertArrayEquals(new int[] {1, 0}, type.permutation());
        assertEquals(List.of("x", "y"), type.dimNames());
        assertEquals(List.of("y", "x"), type.logicalDimNames());
        assertEquals(wrote.get("metadata").get("t").asText(), type.serialize());
        assertEquals(wrote.get("numBatches").asInt(), f.batchCount());
        // each batch's tensors view the mapped body (apache-arrow pads buffers to 8 bytes)
        try (IpcBatch b = f.batch(1);
             NDArray view = b.tensor("t")) {
          assertTrue(view.dataAddress() >= b.bodyAddress()
              && view.dataAddress() < b.bodyAddress() + b.bodyLength(), "a view of the mapping");
          assertArrayEquals(new long[] {3, 3, 2}, view.shape());
        }
      }
    }
    try (NDArray tt = ArrowIpc.readTensors(p, "t", allocator);
         NDArray uu = ArrowIpc.readTensors(p, "u", allocator);
         NDArray cc = ArrowIpc.readMatrix(p, allocator, "c")) {
      // logical shape [3, 2]: logical [i, j] is physical [j, i] (permutation [1, 0])
      assertArrayEquals(new long[] {rows, 3, 2}, tt.shape());
      for (int r = 0; r < rows; r++) {
        for (int i = 0; i < 3; i++) {
          for (int j = 0; j < 2; j++) {
            assertEquals(t[r * 6 + j * 3 + i], tt.getDouble(r, i, j), "t[" + r + "," + i + ","
                + j + "]");
          }
        }
      }
      assertEquals(DType.INT16, uu.dtype());
      assertArrayEquals(new long[] {rows, 3}, uu.shape());
      assertArrayEquals(u, uu.toDoubleArray());
      assertArrayEquals(new long[] {rows, 1}, cc.shape());
      assertArrayEquals(cs, cc.toDoubleArray());
    }
    if (format == IpcFormat.STREAM) {
      try (ArrowIpcStreamReader r = ArrowIpcStreamReader.open(p, allocator)) {
        int batches = 0;
        IpcBatch b;
        while ((b = r.next()) != null) {
          try (IpcBatch batch = b;
               NDArray m = batch.matrix("c")) {
            batches++;
            assertEquals(batch.rowCount(), m.shape(0));
          }
        }
        assertEquals(wrote.get("numBatches").asInt(), batches);
      }
    }
  }

  private static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }
}
