package io.tessera.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.Tessera;
import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.io.chunked.ChunkedNpy;
import io.tessera.io.npy.NpyWriter;
import io.tessera.io.zarr.LocalZarrStore;
import io.tessera.io.zarr.Zarr;
import io.tessera.io.zarr.ZarrCompressor;
import io.tessera.io.zarr.ZarrMetadata;
import io.tessera.io.zarr.ZarrWriteOptions;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live interoperability of Tessera's chunked formats with Python: Zarr v2 directories Tessera
 * writes are read by the spec-following NumPy-only reader {@code src/test/python/zarr_v2.py}
 * (and by zarr-python when it is installed), Zarr directories that script writes (zlib and gzip
 * chunks, a NaN fill value with a missing chunk, Fortran order, big-endian, '/' separators) are
 * read by Tessera, and a {@code .npy} streamed from a chunked array is what {@code np.save} writes.
 *
 * <p>Needs {@code python3} with {@code numpy}. Without them every test is skipped loudly (a JUnit
 * assumption and a WARNING line on stderr); without zarr-python the zarr-python half is skipped
 * loudly (WARNING) and the NumPy-only reader still checks everything.
 */
class ZarrInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SCRIPT_DIR = Path.of("src", "test", "python").toAbsolutePath();
  private static String skipReason;
  private static String zarrPython;

  @TempDir Path dir;
  private BufferAllocator allocator;
  private Tessera np;

  @BeforeAll
  static void findPython() {
    String out = Processes.stdout(
        List.of("python3", "-c", "import numpy; print(numpy.__version__)"), null, 60);
    if (out == null || !Files.isRegularFile(SCRIPT_DIR.resolve("zarr_v2.py"))) {
      skipReason = out == null ? "python3 with numpy is not available"
          : "zarr_v2.py not found in " + SCRIPT_DIR;
      System.err.println("WARNING: ZarrInteropTest SKIPPED: " + skipReason
          + " -- Zarr/.npy interop with Python was NOT verified");
      return;
    }
    String z = Processes.stdout(List.of("python3", "-c", "try:\n    import zarr\n"
        + "    print(zarr.__version__)\nexcept ImportError:\n    print('')"), null, 60);
    zarrPython = z == null || z.isBlank() ? null : z.trim();
    if (zarrPython == null) {
      System.err.println("WARNING: ZarrInteropTest: zarr-python is NOT installed -- Tessera's "
          + "Zarr stores are checked with the spec-following NumPy reader zarr_v2.py only, NOT "
          + "with zarr-python itself");
    }
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

  private static JsonNode python(String script, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("python3", "-c", "import sys; sys.path.insert(0, "
        + "sys.argv[1]); del sys.argv[1]\n" + script, SCRIPT_DIR.toString()));
    cmd.addAll(args);
    String out = Processes.stdout(cmd, null, 300);
    assertTrue(out != null, "python3 failed (see stderr) on " + args);
    return JSON.readTree(out);
  }

  /** Reads each directory with zarr_v2 and, if installed, zarr-python; prints what they read. */
  private static final String READ = String.join("\n",
      "import json, numpy as np, zarr_v2",
      "try:",
      "    import zarr",
      "except ImportError:",
      "    zarr = None",
      "def hexof(a):",
      "    return np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<')).tobytes().hex()",
      "out = {}",
      "for d in sys.argv[1:]:",
      "    a = zarr_v2.read(d)",
      "    r = {'dtype': a.dtype.newbyteorder('=').name, 'shape': list(a.shape), 'hex': hexof(a)}",
      "    if zarr is not None:",
      "        z = np.asarray(zarr.open_array(d, mode='r')[...])",
      "        r['zarr_equal'] = bool(z.dtype == a.dtype and z.shape == a.shape and",
      "                               hexof(z) == hexof(a))",
      "    out[d] = r",
      "print(json.dumps(out))");

  /**
   * Every dtype, with zlib, gzip or no compression, C or F chunk order, either byte order, a NaN
   * (or integer) fill value and a deleted chunk; plus 0-d, 1-d and empty arrays: Python reads the
   * elements Tessera wrote (the deleted chunk as the fill value).
   */
  @Test
  void pythonReadsWhatTesseraWrites() throws IOException {
    Random rnd = new Random(21);
    Map<String, byte[]> expected = new LinkedHashMap<>();
    Map<String, DType> dtypes = new LinkedHashMap<>();
    List<ZarrCompressor> comps = List.of(ZarrCompressor.NONE, ZarrCompressor.zlib(1),
        ZarrCompressor.gzip(5));
    int k = 0;
    for (DType t : DType.values()) {
      for (int v = 0; v < 3; v++) {
        Path p = dir.resolve("t" + k++);
        LocalZarrStore store = LocalZarrStore.of(p);
        Number fill = t.isFloat() ? Double.NaN : t.isBool() ? (Number) 1L : (Number) 3L;
        ZarrWriteOptions o = ZarrWriteOptions.defaults().withCompressor(comps.get(v))
            .withOrder(v == 1 ? Order.F : Order.C)
            .withByteOrder(v == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
            .withFillValue(fill);
        try (NDArray a = TestArrays.random(np, rnd, t, 5, 6, 7)) {
          ZarrMetadata m = Zarr.write(a, store, new long[] {2, 4, 3}, o);
          store.delete(m.chunkKey(1, 1, 2));
          try (NDArray hole = a.get("2:4, 4:6, 6:7")) {
            if (t.isFloat()) {
              hole.fill(Double.NaN);
            } else {
              hole.fill(fill.longValue());
            }
          }
          expected.put(p.toString(), TestArrays.cBytes(a));
          dtypes.put(p.toString(), t);
        }
      }
    }
    long[][] shapes = {{}, {9}, {0, 4}};
    long[][] chunks = {{}, {4}, {3, 3}};
    for (int s = 0; s < shapes.length; s++) {
      Path p = dir.resolve("s" + s);
      try (NDArray a = TestArrays.random(np, rnd, DType.FLOAT32, shapes[s])) {
        Zarr.write(a, LocalZarrStore.of(p), chunks[s], ZarrWriteOptions.defaults()
            .withCompressor(ZarrCompressor.zlib(1)));
        expected.put(p.toString(), TestArrays.cBytes(a));
        dtypes.put(p.toString(), DType.FLOAT32);
      }
    }
    // a chunked array with a regular grid, from generated blocks
    Path g = dir.resolve("gen");
    try (NDArray r = np.arange(600); NDArray a = r.reshape(20, 30);
        ChunkedArray ca = ChunkedArray.fromArray(a, Chunks.regular(a.shape(), 7, 8))) {
      Zarr.write(ca, LocalZarrStore.of(g), ZarrWriteOptions.defaults(), np);
      expected.put(g.toString(), TestArrays.cBytes(a));
      dtypes.put(g.toString(), DType.INT64);
    }
    JsonNode out = python(READ, new ArrayList<>(expected.keySet()));
    int zarrChecked = 0;
    for (Map.Entry<String, byte[]> e : expected.entrySet()) {
      JsonNode r = out.get(e.getKey());
      assertEquals(dtypes.get(e.getKey()).numpyName(), r.get("dtype").asText(), e.getKey());
      assertArrayEquals(e.getValue(), HexFormat.of().parseHex(r.get("hex").asText()), e.getKey());
      if (r.has("zarr_equal")) {
        assertTrue(r.get("zarr_equal").asBoolean(), "zarr-python reads " + e.getKey()
            + " differently");
        zarrChecked++;
      }
    }
    System.out.println("ZarrInteropTest: NumPy reader agreed on " + expected.size()
        + " stores; zarr-python " + (zarrPython == null ? "not installed (WARNING: not checked)"
            : zarrPython + " agreed on " + zarrChecked));
  }

  /** zarr_v2.py writes (zlib/gzip, NaN fill, missing chunk, F, big-endian, '/'); Tessera reads. */
  @Test
  void tesseraReadsWhatPythonWrites() throws IOException {
    Random rnd = new Random(22);
    Map<String, byte[]> expected = new LinkedHashMap<>();
    List<String> args = new ArrayList<>();
    String[][] opts = {
        // dtype-index, shape, chunks, compressor, fill, order, separator
        {"11", "6,5", "4,2", "zlib:1", "nan", "C", "."},
        {"10", "7,3,2", "3,2,2", "gzip:6", "-inf", "F", "/"},
        {"3", "9", "4", "zlib:9", "-5", "C", "."},
        {"8", "4,4", "3,3", "none", "18446744073709551615", "F", "."},
        {"0", "5,5", "2,2", "zlib:1", "1", "C", "."},
        {"9", "", "", "zlib:1", "nan", "C", "."},
    };
    int k = 0;
    for (String[] o : opts) {
      DType t = DType.values()[Integer.parseInt(o[0])];
      long[] shape = o[1].isEmpty() ? new long[0]
          : java.util.Arrays.stream(o[1].split(",")).mapToLong(Long::parseLong).toArray();
      Path npy = dir.resolve("in" + k + ".npy");
      Path z = dir.resolve("py" + k++);
      try (NDArray a = TestArrays.random(np, rnd, t, shape)) {
        NpyWriter.write(npy, a);
        expected.put(z.toString(), TestArrays.cBytes(a));
      }
      args.add(npy + ";" + z + ";" + o[2] + ";" + o[3] + ";" + o[4] + ";" + o[5] + ";" + o[6]);
    }
    JsonNode out = python(String.join("\n",
        "import json, os, numpy as np, zarr_v2",
        "res = {}",
        "for spec in sys.argv[1:]:",
        "    npy, d, chunks, comp, fill, order, sep = spec.split(';')",
        "    a = np.load(npy)",
        "    ch = tuple(int(x) for x in chunks.split(',') if x)",
        "    if a.dtype.itemsize > 1 and order == 'F': a = a.astype(a.dtype.newbyteorder('>'))",
        "    zarr_v2.write(d, a, ch, zarr_v2._parse_compressor(comp), zarr_v2._parse_fill(fill),",
        "                  order, sep)",
        "    if a.ndim >= 2:",
        "        gone = sep.join(['1'] + ['0'] * (a.ndim - 1))",
        "        os.remove(os.path.join(d, *gone.split('/')))",
        "    full = zarr_v2.read(d)",
        "    res[d] = np.ascontiguousarray(full).astype(full.dtype.newbyteorder('<'))"
            + ".tobytes().hex()",
        "print(json.dumps(res))"), args);
    for (Map.Entry<String, byte[]> e : expected.entrySet()) {
      byte[] want = HexFormat.of().parseHex(out.get(e.getKey()).asText());
      LocalZarrStore store = LocalZarrStore.of(Path.of(e.getKey()));
      try (ChunkedArray ca = Zarr.open(store); NDArray a = ca.toArray(np)) {
        assertArrayEquals(want, TestArrays.cBytes(a), e.getKey() + ": " + Zarr.readMetadata(store));
      }
      assertTrue(Zarr.describe(store).contains("Zarr v2 array"));
    }
  }

  /** A .npy streamed from a chunked array is byte for byte what np.save writes. */
  @Test
  void streamedNpyIsWhatNpSaveWrites() throws IOException {
    Random rnd = new Random(23);
    List<String> args = new ArrayList<>();
    Map<String, byte[]> expected = new LinkedHashMap<>();
    int k = 0;
    for (DType t : DType.values()) {
      try (NDArray a = TestArrays.random(np, rnd, t, 9, 4, 5);
          ChunkedArray ca = ChunkedArray.fromArray(a, Chunks.of(a.shape(),
              new long[][] {{2, 4, 3}, {1, 3}, {5}}))) {
        Path p = dir.resolve("c" + k++ + ".npy");
        ChunkedNpy.write(ca, p, np);
        args.add(p.toString());
        expected.put(p.toString(), TestArrays.cBytes(a));
      }
    }
    JsonNode out = python(String.join("\n",
        "import io, json, numpy as np",
        "res = {}",
        "for f in sys.argv[1:]:",
        "    a = np.load(f)",
        "    buf = io.BytesIO(); np.save(buf, a)",
        "    res[f] = {'same': buf.getvalue() == open(f, 'rb').read(),",
        "              'hex': a.astype(a.dtype.newbyteorder('<')).tobytes().hex()}",
        "print(json.dumps(res))"), args);
    for (String f : args) {
      assertTrue(out.get(f).get("same").asBoolean(), f + " differs from np.save's bytes");
      assertArrayEquals(expected.get(f), HexFormat.of().parseHex(out.get(f).get("hex").asText()));
    }
  }
}
