package io.tessera.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.io.npy.MapMode;
import io.tessera.io.npy.MemoryMap;
import io.tessera.io.npy.NpyReader;
import io.tessera.io.npy.NpyVersion;
import io.tessera.io.npy.NpyWriter;
import io.tessera.io.npy.Npz;
import io.tessera.io.npy.NpzFile;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.IOException;
import java.io.RandomAccessFile;
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
 * Live {@code .npy}/{@code .npz}/memmap interoperability with NumPy: Tessera writes, {@code
 * python3} + NumPy loads and reports each array's dtype, shape, order and element bytes (hex) and
 * whether {@code np.lib.format.write_array} of what it loaded reproduces our file byte for byte;
 * and the reverse, NumPy writes ({@code np.save}, {@code np.savez}, {@code np.savez_compressed},
 * {@code open_memmap}, {@code np.memmap}) and Tessera reads. Memory maps are checked from both
 * sides at once (a write through NumPy's map is seen through Tessera's open map), including a
 * sparse 3 GiB file.
 *
 * <p>Needs {@code python3} with {@code numpy} on the PATH. Without them the tests are skipped
 * loudly: a JUnit assumption with the reason, and a WARNING line on stderr.
 */
class NpyInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static String skipReason;
  private static String numpyVersion;

  @TempDir
  Path dir;
  private BufferAllocator allocator;
  private Tessera np;

  @BeforeAll
  static void findNumpy() {
    String out = Processes.stdout(
        List.of("python3", "-c", "import numpy; print(numpy.__version__)"), null, 60);
    if (out == null) {
      skipReason = "python3 with numpy is not available";
      System.err.println("WARNING: NpyInteropTest SKIPPED: " + skipReason
          + " -- .npy/.npz/memmap interop with NumPy was NOT verified");
    } else {
      numpyVersion = out.trim();
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

  /** Runs a Python snippet with arguments; parses its stdout as JSON. */
  private static JsonNode python(String script, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("python3", "-c", script));
    cmd.addAll(args);
    String out = Processes.stdout(cmd, null, 300);
    assertTrue(out != null, "python3 failed (see stderr) on " + args);
    return JSON.readTree(out);
  }

  // What NumPy reports about an array: dtype, shape, order, element bytes in C order (LE).
  private static final String DESCRIBE = String.join("\n",
      "import io, json, sys, numpy as np",
      "def describe(a):",
      "    return {'descr': np.lib.format.dtype_to_descr(a.dtype), 'shape': list(a.shape),",
      "            'fortran': bool(a.flags.f_contiguous and not a.flags.c_contiguous),",
      "            'hex': np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<')).tobytes().hex()}",
      "");

  private static String descr(DType t, ByteOrder bo) {
    return t.itemsize() == 1 ? t.str() : (bo == ByteOrder.BIG_ENDIAN ? ">" : "<")
        + t.str().substring(1);
  }

  /**
   * Every dtype x (C, F, strided, transposed, 0-d, empty) x byte order x version, written by
   * Tessera: NumPy loads the same elements, and rewriting what it loaded gives our exact bytes.
   */
  @Test
  void numpyLoadsWhatTesseraSaves() throws IOException {
    Random rnd = new Random(11);
    List<String> files = new ArrayList<>();
    Map<String, byte[]> expected = new LinkedHashMap<>();
    Map<String, String> descrs = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    Map<String, Boolean> fortran = new LinkedHashMap<>();
    int k = 0;
    for (DType t : DType.values()) {
      try (NDArray base = TestArrays.random(np, rnd, t, 3, 4, 5);
          NDArray f = base.copy(Order.F);
          NDArray strided = base.get("::-1, 1:, ::2");
          NDArray tr = base.transpose();
          NDArray scalar = TestArrays.random(np, rnd, t);
          NDArray empty = np.empty(t, 0, 3)) {
        NDArray[] arrays = {base, f, strided, tr, scalar, empty};
        for (NDArray a : arrays) {
          for (ByteOrder bo : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            NpyVersion v = NpyVersion.values()[k % 3];
            String name = "a" + (k++) + ".npy";
            Path p = dir.resolve(name);
            NpyWriter.write(p, a, NpyWriter.Options.defaults().withByteOrder(bo).withVersion(
                k % 4 == 0 ? null : v));
            files.add(p.toString());
            expected.put(p.toString(), TestArrays.cBytes(a));
            descrs.put(p.toString(), descr(t, bo));
            shapes.put(p.toString(), a.shape());
            fortran.put(p.toString(), !a.isCContiguous() && a.isFContiguous());
          }
        }
      }
    }
    JsonNode out = python(DESCRIBE + String.join("\n",
        "out = {}",
        "for f in sys.argv[1:]:",
        "    a = np.load(f)",
        "    with open(f, 'rb') as fh:",
        "        raw = fh.read()",
        "        fh.seek(0)",
        "        version = np.lib.format.read_magic(fh)",
        "    b = io.BytesIO()",
        "    np.lib.format.write_array(b, a, version=version)",
        "    d = describe(a)",
        "    d['identical'] = b.getvalue() == raw",
        "    out[f] = d",
        "print(json.dumps(out))"), files);
    assertEquals(files.size(), out.size());
    for (String f : files) {
      JsonNode d = out.get(f);
      assertEquals(descrs.get(f), d.get("descr").asText(), f);
      long[] shape = new long[d.get("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = d.get("shape").get(i).asLong();
      }
      assertArrayEquals(shapes.get(f), shape, f);
      assertEquals(fortran.get(f), d.get("fortran").asBoolean(), f);
      assertEquals(HexFormat.of().formatHex(expected.get(f)), d.get("hex").asText(), f);
      assertTrue(d.get("identical").asBoolean(), f + ": np.save of the loaded array differs");
    }
  }

  /** NumPy writes every dtype, order and byte order (np.save, savez, savez_compressed); we read. */
  @Test
  void tesseraReadsWhatNumpySaves() throws IOException {
    JsonNode out = python(DESCRIBE + String.join("\n",
        "d = sys.argv[1]",
        "rng = np.random.default_rng(3)",
        "out = {'npy': {}, 'npz': {}}",
        "names = ['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32',",
        "         'uint64', 'float16', 'float32', 'float64']",
        "arrays = {}",
        "for n in names:",
        "    t = np.dtype(n)",
        "    raw = rng.integers(0, 256, 2 * 3 * 7 * t.itemsize, dtype=np.uint8)",
        "    a = raw.view('<' + t.str[1:]).astype(t) if n != 'bool' else raw % 2 == 1",
        "    a = a.reshape(2, 3, 7)",
        "    for tag, x in [('c', a), ('f', np.asfortranarray(a)),",
        "                   ('be', np.asfortranarray(a.astype(t.newbyteorder('>')))),",
        "                   ('v', a[::-1, :, ::3]), ('s', a[1, 2, 3]), ('e', a[:, :0])]:",
        "        f = f'{d}/{n}_{tag}.npy'",
        "        np.save(f, x)",
        "        out['npy'][f] = describe(np.load(f))",
        "        arrays[f'{n}_{tag}'] = x",
        "np.savez(f'{d}/s.npz', *list(arrays.values())[:5], **dict(list(arrays.items())[5:40]))",
        "np.savez_compressed(f'{d}/c.npz', **arrays)",
        "for z in ['s.npz', 'c.npz']:",
        "    with np.load(f'{d}/{z}') as zf:",
        "        out['npz'][f'{d}/{z}'] = {k: describe(zf[k]) for k in zf.files}",
        "print(json.dumps(out))"), List.of(dir.toString()));
    int n = 0;
    for (var it = out.get("npy").fields(); it.hasNext(); n++) {
      var e = it.next();
      try (NDArray a = NpyReader.read(Path.of(e.getKey()), allocator)) {
        check(e.getKey(), e.getValue(), a);
      }
    }
    assertEquals(12 * 6, n);
    for (var it = out.get("npz").fields(); it.hasNext(); ) {
      var e = it.next();
      try (NpzFile z = Npz.open(Path.of(e.getKey()), allocator)) {
        assertEquals(e.getValue().size(), z.names().size());
        for (var m = e.getValue().fields(); m.hasNext(); ) {
          var member = m.next();
          try (NDArray a = z.get(member.getKey())) {
            check(e.getKey() + "[" + member.getKey() + "]", member.getValue(), a);
          }
        }
      }
    }
  }

  private static void check(String what, JsonNode d, NDArray a) {
    String descr = d.get("descr").asText();
    assertEquals(DType.of(descr.replace('>', '<').replace("<b1", "|b1").replace("<i1", "|i1")
        .replace("<u1", "|u1")), a.dtype(), what);
    long[] shape = new long[d.get("shape").size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = d.get("shape").get(i).asLong();
    }
    assertArrayEquals(shape, a.shape(), what);
    assertEquals(d.get("fortran").asBoolean(), !a.isCContiguous() && a.isFContiguous(), what);
    assertEquals(d.get("hex").asText(), HexFormat.of().formatHex(TestArrays.cBytes(a)), what);
  }

  /** Archives Tessera writes (stored and deflated, positional and named) load in NumPy. */
  @Test
  void numpyLoadsTesseraArchives() throws IOException {
    Random rnd = new Random(5);
    try (NDArray a = TestArrays.random(np, rnd, DType.FLOAT32, 4, 3);
        NDArray b0 = TestArrays.random(np, rnd, DType.INT64, 3, 3);
        NDArray b = b0.copy(Order.F);
        NDArray c0 = TestArrays.random(np, rnd, DType.UINT16, 6, 6);
        NDArray c = c0.get("::2, ::-1")) {
      Path s = dir.resolve("t.npz");
      Path z = dir.resolve("tc.npz");
      Npz.save(s, a, b);
      Map<String, NDArray> named = new LinkedHashMap<>();
      named.put("a", a);
      named.put("fortran", b);
      named.put("strided", c);
      Npz.saveCompressed(z, named);
      JsonNode out = python(DESCRIBE + String.join("\n",
          "import zipfile",
          "out = {}",
          "for f in sys.argv[1:]:",
          "    with np.load(f) as zf:",
          "        out[f] = {k: describe(zf[k]) for k in zf.files}",
          "    with zipfile.ZipFile(f) as zz:",
          "        assert zz.testzip() is None",
          "        out[f]['methods'] = sorted({i.compress_type for i in zz.infolist()})",
          "print(json.dumps(out))"), List.of(s.toString(), z.toString()));
      JsonNode so = out.get(s.toString());
      check("arr_0", so.get("arr_0"), a);
      check("arr_1", so.get("arr_1"), b);
      assertEquals("[0]", so.get("methods").toString());
      JsonNode zo = out.get(z.toString());
      check("a", zo.get("a"), a);
      check("fortran", zo.get("fortran"), b);
      check("strided", zo.get("strided"), c);
      assertEquals("[8]", zo.get("methods").toString());
    }
  }

  /**
   * Memory maps from both sides: Tessera creates (w+) .npy and raw maps that NumPy reads, and a
   * write through NumPy's r+ map is seen at once through Tessera's still-open r map.
   */
  @Test
  void memoryMapsSharedWithNumpy() throws IOException {
    Path p = dir.resolve("m.npy");
    try (MemoryMap m = MemoryMap.create(p, DType.FLOAT64, new long[] {4, 5}, true, allocator)) {
      NDArray a = m.array();
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 5; j++) {
          a.setDouble(i * 10 + j + 0.25, i, j);
        }
      }
      m.flush();
    }
    Path raw = dir.resolve("r.bin");
    try (MemoryMap m = MemoryMap.openRaw(raw, DType.INT16, MapMode.W_PLUS, 6, new long[] {3, 4},
        Order.F, allocator)) {
      for (int i = 0; i < 12; i++) {
        m.array().setLong(i - 6, i % 3, i / 3);
      }
      m.flush();
    }
    try (MemoryMap seen = MemoryMap.open(p, MapMode.R, allocator)) {
      JsonNode out = python(DESCRIBE + String.join("\n",
          "m = np.load(sys.argv[1], mmap_mode='r')",
          "r = np.memmap(sys.argv[2], dtype='<i2', mode='r', offset=6, shape=(3, 4), order='F')",
          "out = {'npy': describe(m), 'raw': describe(r), 'list': m.tolist(), 'rl': r.tolist()}",
          "w = np.load(sys.argv[1], mmap_mode='r+')",
          "w[3, 4] = -1.5",
          "w.flush()",
          "print(json.dumps(out))"), List.of(p.toString(), raw.toString()));
      assertTrue(out.get("npy").get("fortran").asBoolean());
      assertEquals(32.25, out.get("list").get(3).get(2).asDouble());
      assertEquals("[[-6,-3,0,3],[-5,-2,1,4],[-4,-1,2,5]]", out.get("rl").toString());
      // NumPy's write through its own map is visible in ours: one page cache, one file
      assertEquals(-1.5, seen.array().getDouble(3, 4));
    }
  }

  /**
   * A sparse 3 GiB file mapped as one array: Tessera writes near the end and just past 2 GiB,
   * reads back through a second map; NumPy's memmap sees the same values, and a value NumPy
   * writes comes back through Tessera's map.
   */
  @Test
  void sparseFileBeyondTwoGiB() throws IOException {
    Path p = dir.resolve("big.bin");
    long size = 3L << 30;
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(size);
    }
    long n = size / 8;
    try (MemoryMap m = MemoryMap.openRaw(p, DType.FLOAT64, MapMode.R_PLUS, 0, null, Order.C,
        allocator)) {
      m.array().setDouble(Math.PI, n - 2);
      m.array().setDouble(Math.E, (1L << 28) + 5);
      m.flush();
    }
    try (MemoryMap m = MemoryMap.openRaw(p, DType.FLOAT64, MapMode.R, 0, null, Order.C,
        allocator)) {
      assertEquals(Math.PI, m.array().getDouble(n - 2));
    }
    JsonNode out = python(String.join("\n",
        "import json, sys, numpy as np",
        "m = np.memmap(sys.argv[1], dtype='<f8', mode='r+')",
        "out = {'n': int(m.shape[0]), 'end': float(m[-2]), 'mid': float(m[2**28 + 5])}",
        "m[-1] = 2.5",
        "m.flush()",
        "print(json.dumps(out))"), List.of(p.toString()));
    assertEquals(n, out.get("n").asLong());
    assertEquals(Math.PI, out.get("end").asDouble());
    assertEquals(Math.E, out.get("mid").asDouble());
    try (MemoryMap m = MemoryMap.openRaw(p, DType.FLOAT64, MapMode.R, 0, null, Order.C,
        allocator)) {
      assertEquals(2.5, m.array().getDouble(n - 1));
    }
    Files.delete(p);
  }

  @Test
  void reportsVersion() {
    System.out.println("NpyInteropTest: numpy " + numpyVersion);
    assertTrue(numpyVersion != null && !numpyVersion.isEmpty());
  }
}
