package io.tessera.io.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.io.npy.NpyFormatException.Fault;
import io.tessera.ndarray.NDArray;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken and hostile inputs: each raises {@link NpyFormatException} with the right fault, naming
 * the file, after allocating nothing (claimed sizes are checked before any allocation) and leaving
 * no file open. Every case is tried through a file, a byte array and a stream.
 */
class NpyBadInputTest extends NpyTestBase {
  @TempDir
  Path tmp;

  /** A .npy image with this header text, padded as NumPy pads, followed by {@code data}. */
  static byte[] image(String dict, int major, byte[] data) {
    byte[] text = dict.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    int prefix = major == 1 ? 10 : 12;
    int hlen = text.length + 1;
    int pad = 64 - ((prefix + hlen) % 64);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    int len = hlen + pad;
    out.write(len & 0xFF);
    out.write((len >>> 8) & 0xFF);
    if (major != 1) {
      out.write((len >>> 16) & 0xFF);
      out.write(len >>> 24);
    }
    out.writeBytes(text);
    for (int i = 0; i < pad; i++) {
      out.write(' ');
    }
    out.write('\n');
    out.writeBytes(data);
    return out.toByteArray();
  }

  static byte[] image(String dict) {
    return image(dict, 1, new byte[0]);
  }

  static String dict(String descr, String fortran, String shape) {
    return "{'descr': " + descr + ", 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
  }

  /** Expects {@code fault} from every reader, each naming its source. */
  private NpyFormatException expect(Fault f, byte[] img) throws IOException {
    Path p = tmp.resolve("bad.npy");
    Files.write(p, img);
    fault(f, p.toString(), () -> NpyReader.read(p, allocator));
    try {
      NpyReader.readHeader(p); // only the data can be at fault then
      assertEquals(Fault.TRUNCATED, f);
    } catch (NpyFormatException e) {
      assertEquals(f, e.fault());
    }
    fault(f, "<byte array>", () -> NpyReader.read(img, allocator));
    fault(f, "s.npy", () -> NpyReader.read(new ByteArrayInputStream(img), allocator, "s.npy"));
    return fault(f, "opaque", () -> NpyReader.read(NpyGoldenTest.opaque(img), allocator,
        "opaque"));
  }

  private static void contains(String expected, NpyFormatException e) {
    assertTrue(e.getMessage().contains(expected), () -> "<" + e.getMessage() + "> lacks <"
        + expected + ">");
  }

  /** The leak check of {@link NpyTestBase} does see an open file (where /proc exists). */
  @Test
  void fileDescriptorCheckWorks() throws IOException {
    Path p = tmp.resolve("x.npy");
    Files.write(p, new byte[1]);
    int before = openFds();
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p)) {
      assertTrue(ch.isOpen());
      if (before >= 0) {
        assertEquals(before + 1, openFds());
      }
    }
    assertEquals(before, openFds());
  }

  @Test
  void wrongMagicAndVersion() throws IOException {
    contains("bad magic", expect(Fault.BAD_MAGIC, "PK\3\4 not npy".getBytes(
        StandardCharsets.ISO_8859_1)));
    expect(Fault.BAD_MAGIC, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'X', 1, 0});
    expect(Fault.BAD_MAGIC, new byte[] {'N', 'U', 'M', 'P', 'Y'});
    for (int[] v : new int[][] {{0, 0}, {1, 1}, {4, 0}, {2, 1}, {255, 255}}) {
      byte[] img = image(dict("'<f8'", "False", "(1,)"), 1, new byte[8]);
      img[6] = (byte) v[0];
      img[7] = (byte) v[1];
      contains("version " + v[0] + "." + v[1], expect(Fault.BAD_VERSION, img));
    }
    // garbage after the magic
    expect(Fault.BAD_VERSION, "\u0093NUMPY garbage garbage".getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void truncatedAnywhere() throws IOException {
    byte[] good = image(dict("'<i4'", "False", "(2, 3)"), 1, new byte[24]);
    try (NDArray a = NpyReader.read(good, allocator)) {
      assertEquals(6, a.size());
    }
    for (int n = 0; n < good.length; n++) {
      byte[] cut = Arrays.copyOf(good, n);
      expect(Fault.TRUNCATED, cut); // a prefix of the magic too: the file is cut short
    }
    contains("file ends after 0 bytes", expect(Fault.TRUNCATED, new byte[0]));
  }

  @Test
  void claimedSizesAreCheckedBeforeAllocating() throws IOException {
    // one terabyte claimed, a few bytes present: refused at once, nothing allocated
    byte[] img = image(dict("'<f8'", "False", "(131072, 1048576)"), 1, new byte[64]);
    try (RootAllocator alloc = new RootAllocator()) {
      Path p = tmp.resolve("tb.npy");
      Files.write(p, img);
      NpyFormatException e = org.junit.jupiter.api.Assertions.assertThrows(
          NpyFormatException.class, () -> NpyReader.read(p, alloc));
      assertEquals(Fault.TRUNCATED, e.fault());
      contains("1099511627776 bytes of data, but only 64 bytes follow", e);
      org.junit.jupiter.api.Assertions.assertThrows(NpyFormatException.class,
          () -> NpyReader.read(img, alloc));
      org.junit.jupiter.api.Assertions.assertThrows(NpyFormatException.class,
          () -> MemoryMap.open(p, MapMode.R, alloc));
      assertEquals(0, alloc.getPeakMemoryAllocation(), "allocated for a claimed size");
      // a stream of unknown length: buffers grow only as data arrive (1 MiB here, 2 with
      // Storage.allocate's realignment)
      e = org.junit.jupiter.api.Assertions.assertThrows(NpyFormatException.class,
          () -> NpyReader.read(NpyGoldenTest.opaque(img), alloc, "stream"));
      assertEquals(Fault.TRUNCATED, e.fault());
      assertTrue(alloc.getPeakMemoryAllocation() <= 2 * NpyReader.TRUST_UNKNOWN_LENGTH,
          "peak " + alloc.getPeakMemoryAllocation());
      assertEquals(0, alloc.getAllocatedMemory());
    }
    // header length beyond the end of the file
    byte[] h = image(dict("'<f8'", "False", "(1,)"), 2, new byte[8]);
    h[10] = (byte) 0x0F; // ~1 MB: within the header limit, beyond the file
    expect(Fault.TRUNCATED, h);
    contains("reaches beyond the end of the file", fault(Fault.TRUNCATED, "<byte array>",
        () -> NpyReader.read(h, allocator)));
    // ... and beyond any header's size, on a stream of unknown length
    h[11] = (byte) 0xFF;
    NpyFormatException e = fault(Fault.TOO_LARGE, "s", () -> NpyReader.read(
        NpyGoldenTest.opaque(h), allocator, "s"));
    contains("exceeds the limit", e);
  }

  @Test
  void unsupportedDtypes() throws IOException {
    contains("object dtype", expect(Fault.UNSUPPORTED_DTYPE, image(dict("'|O'", "False",
        "(3,)"), 1, new byte[24])));
    contains("unicode string", expect(Fault.UNSUPPORTED_DTYPE, image(dict("'<U10'", "False",
        "(3,)"))));
    contains("structured", expect(Fault.UNSUPPORTED_DTYPE, image(dict("[('a', '<f8'), ('b', "
        + "'<i4')]", "False", "(3,)"))));
    contains("structured", expect(Fault.UNSUPPORTED_DTYPE, image(dict("[(", "False", "(3,)")
        .replace("[(, ", "[('x', '<f8')], "))));
    for (String d : new String[] {"'<c16'", "'<M8[ns]'", "'|S5'", "'|V8'", "'<f16'", "'<i3'",
        "'<b2'", "''", "'f'", "'float64'", "'<x8'"}) {
      expect(Fault.UNSUPPORTED_DTYPE, image(dict(d, "False", "(3,)")));
    }
  }

  @Test
  void badShapes() throws IOException {
    contains("negative dimension -3", expect(Fault.BAD_SHAPE, image(dict("'<f8'", "False",
        "(2, -3)"))));
    expect(Fault.BAD_SHAPE, image(dict("'<f8'", "False", "(0, -1)")));
    contains("overflows a long", expect(Fault.TOO_LARGE, image(dict("'<f8'", "False",
        "(4294967296, 4294967296)"))));
    expect(Fault.TOO_LARGE, image(dict("'<f8'", "False", "(1152921504606846976,)")));
    expect(Fault.TOO_LARGE, image(dict("'|u1'", "False", "(99999999999999999999,)")));
    expect(Fault.TOO_LARGE, image(dict("'|u1'", "False", "(9223372036854775808,)")));
    String many = "(" + "1, ".repeat(65) + ")";
    contains("65 dimensions", expect(Fault.BAD_SHAPE, image(dict("'|u1'", "False", many))));
    // a zero dimension makes any other dimension fine (as in NumPy): an empty array
    byte[] ok = image(dict("'<f8'", "False", "(0, 9223372036854775807)"));
    try (NDArray a = NpyReader.read(ok, allocator)) {
      assertEquals(0, a.size());
    }
  }

  @Test
  void malformedHeaders() throws IOException {
    String[] bad = {
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)",            // unterminated dict
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), ",
      "{'descr': '<f8, 'fortran_order': False, 'shape': (3,), }",           // unterminated str
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3, }",            // unterminated tuple
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), } junk",     // junk after
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }}",
      "{'descr': '<f8', 'fortran_order': 0, 'shape': (3,), }",              // not a bool
      "{'descr': '<f8', 'fortran_order': false, 'shape': (3,), }",
      "{'descr': '<f8', 'fortran_order': False, 'shape': [3], }",           // not a tuple
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3), }",           // not a tuple
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3.0,), }",        // not an int
      "{'descr': '<f8', 'fortran_order': False, 'shape': ('3',), }",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (03,), }",         // leading zero
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3_0,), }",
      "{'descr': '<f8', 'fortran_order': False, }",                         // missing key
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x': 1, }",  // extra key
      "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", // duplicate
      "{'descr': 8, 'fortran_order': False, 'shape': (3,), }",              // descr not str
      "{'descr': '<f8' 'fortran_order': False, 'shape': (3,), }",           // missing comma
      "{'descr' '<f8', 'fortran_order': False, 'shape': (3,), }",           // missing colon
      "{3: '<f8', 'fortran_order': False, 'shape': (3,), }",                // key not str
      "['descr', '<f8']",                                                   // not a dict
      "",                                                                   // empty
      "{'descr': '<f8', 'fortran_order': False, 'shape': " + "(".repeat(10000) + "}", // deep
      "{'descr': '\\q', 'fortran_order': False, 'shape': (3,), }",          // bad escape
      "{'descr': '<f8', 'fortran_order': Fals, 'shape': (3,), }",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,),, }",
      "{'descr': '<f8'\n, 'fortran_order': False, 'shape': (-,), }",
    };
    for (String d : bad) {
      expect(Fault.BAD_HEADER, image(d, 1, new byte[24]));
    }
    // Python 2 longs are accepted in 1.0/2.0 (as NumPy does), not in 3.0
    byte[] py2 = image(dict("'<f8'", "False", "(3L,)"), 1, new byte[24]);
    try (NDArray a = NpyReader.read(py2, allocator)) {
      assertArrayEquals(new long[] {3}, a.shape());
    }
    expect(Fault.BAD_HEADER, image(dict("'<f8'", "False", "(3L,)"), 3, new byte[24]));
    // invalid UTF-8 in a 3.0 header
    byte[] v3 = image(dict("'<f8'", "False", "(3,)"), 3, new byte[24]);
    v3[20] = (byte) 0xC3;
    expect(Fault.BAD_HEADER, v3);
  }

  @Test
  void literalVariantsNumpyAccepts() throws IOException {
    String[] ok = {
      "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (3,)}",
      "{'shape': (3,), 'fortran_order': False, 'descr': '<f8'}",
      "  {'descr':'<f8','fortran_order':False,'shape':(3,),}  \n\n",
      "{'descr': '\\x3cf8', 'fortran_order': False, 'shape': (+3,), }",
      "{'descr': '=f8', 'fortran_order': False, 'shape': (3,), }",
      "{'descr': '|f8', 'fortran_order': False, 'shape': ( 3 , ), }",
    };
    for (String d : ok) {
      try (NDArray a = NpyReader.read(image(d, 1, new byte[24]), allocator)) {
        assertArrayEquals(new long[] {3}, a.shape(), d);
        assertEquals(DType.FLOAT64, a.dtype());
      }
    }
  }

  @Test
  void trailingDataAreIgnoredAsInNumpy() {
    byte[] img = image(dict("'|u1'", "False", "(2,)"), 1, new byte[] {1, 2, 3, 4});
    try (NDArray a = NpyReader.read(img, allocator)) {
      assertArrayEquals(new long[] {1, 2}, a.toLongArray());
    }
  }

  @Test
  void badArchives() throws IOException {
    Path p = tmp.resolve("bad.npz");
    Files.write(p, "this is not a zip file at all".getBytes(StandardCharsets.US_ASCII));
    fault(Fault.BAD_ZIP, p.toString(), () -> Npz.open(p, allocator));
    // a good archive, truncated: the central directory is gone
    try (NDArray a = np.arange(100)) {
      Path good = tmp.resolve("good.npz");
      Npz.saveCompressed(good, a);
      byte[] all = Files.readAllBytes(good);
      Files.write(p, Arrays.copyOf(all, all.length - 30));
      fault(Fault.BAD_ZIP, p.toString(), () -> Npz.open(p, allocator));
      // ... read as a stream, the member is intact: only the directory is missing
      try (NDArray back = Npz.read(new ByteArrayInputStream(Arrays.copyOf(all, all.length
          - 30)), allocator, "s").get("arr_0")) {
        assertEquals(99, back.getLong(99));
      }
      // cut inside the deflated member
      fault(Fault.TRUNCATED, "s[arr_0.npy]", () -> Npz.read(new ByteArrayInputStream(
          Arrays.copyOf(all, 100)), allocator, "s"));
    }
    // a member that is a bad .npy: the error names the archive and the member
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bos)) {
      z.putNextEntry(new ZipEntry("x.npy"));
      z.write(image(dict("'|O'", "False", "(1,)")));
      z.closeEntry();
    }
    Files.write(p, bos.toByteArray());
    try (NpzFile f = Npz.open(p, allocator)) {
      fault(Fault.UNSUPPORTED_DTYPE, p + "[x.npy]", () -> f.get("x"));
    }
    fault(Fault.UNSUPPORTED_DTYPE, p + "[x.npy]", () -> Npz.readAll(p, allocator));
  }
}
