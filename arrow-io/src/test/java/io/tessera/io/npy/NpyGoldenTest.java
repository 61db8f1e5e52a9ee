package io.tessera.io.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files written by NumPy 2.4.6 ({@code gen_npy_goldens.py}): every supported dtype x byte order x
 * format version 1.0/2.0/3.0 x 0-d, empty, 1-D, 3-D C and Fortran. Tessera must read each into the
 * same elements (bit for bit) and write the array back to the very same bytes.
 */
class NpyGoldenTest extends NpyTestBase {
  static final Path DIR = goldenDir();
  static final JsonNode MANIFEST = manifest();

  @TempDir
  Path tmp;

  static Path goldenDir() {
    try {
      return Path.of(NpyGoldenTest.class.getResource("/golden/npy/manifest.json").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  static JsonNode manifest() {
    try {
      return new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static Stream<JsonNode> files() {
    List<JsonNode> l = new ArrayList<>();
    MANIFEST.get("files").forEach(l::add);
    return l.stream();
  }

  @Test
  void coversTheMatrix() {
    assertEquals(504, MANIFEST.get("files").size());
    assertEquals("2.4.6", MANIFEST.get("numpy").asText());
  }

  private static long[] shapeOf(JsonNode f) {
    JsonNode s = f.get("shape");
    long[] shape = new long[s.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = s.get(i).asLong();
    }
    return shape;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void readsAndRewritesByteIdentical(JsonNode f) throws IOException {
    String name = f.get("file").asText();
    Path path = DIR.resolve(name);
    byte[] golden = Files.readAllBytes(path);
    DType dtype = DType.of(f.get("dtype").asText());
    long[] shape = shapeOf(f);
    boolean fortran = f.get("fortran_order").asBoolean();
    NpyVersion version = NpyVersion.of(f.get("version").get(0).asInt(),
        f.get("version").get(1).asInt());
    String descr = f.get("descr").asText();
    ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    byte[] expected = unhex(f.get("c_hex").asText());

    NpyHeader h = NpyReader.readHeader(path);
    assertEquals(descr, h.descr());
    assertEquals(dtype, h.dtype());
    assertArrayEquals(shape, h.shape());
    assertEquals(fortran, h.fortranOrder());
    assertEquals(version, h.version());
    assertEquals(f.get("header_length").asLong(), h.dataOffset());
    assertEquals(0, h.dataOffset() % 64);
    assertEquals(h, NpyHeader.of(dtype, shape, fortran, order, version));
    assertArrayEquals(java.util.Arrays.copyOf(golden, (int) h.dataOffset()),
        NpyHeader.of(dtype, shape, fortran, order, version).toBytes());

    // the same array through every reader: file, byte array, stream, stream of unknown length
    try (NDArray a = NpyReader.read(path, allocator);
        NDArray b = NpyReader.read(golden, allocator);
        NDArray c = NpyReader.read(new ByteArrayInputStream(golden), allocator, name);
        NDArray d = NpyReader.read(opaque(golden), allocator, name)) {
      for (NDArray x : new NDArray[] {a, b, c, d}) {
        assertEquals(dtype, x.dtype());
        assertArrayEquals(shape, x.shape());
        assertArrayEquals(expected, cBytes(x), name);
        assertTrue(x.isWriteable());
        assertTrue(fortran ? x.isFContiguous() : x.isCContiguous());
        assertEquals(0, x.dataAddress() % 64, "64-byte aligned data");
      }
      NpyWriter.Options opts = NpyWriter.Options.defaults().withVersion(version)
          .withByteOrder(order);
      // to a file, a stream, a byte array: byte-identical to np.save's
      Path out = tmp.resolve(name);
      NpyWriter.write(out, a, opts);
      assertArrayEquals(golden, Files.readAllBytes(out), name);
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      NpyWriter.write(bos, a, opts);
      assertArrayEquals(golden, bos.toByteArray(), name);
      assertArrayEquals(golden, NpyWriter.toBytes(a, opts), name);
      if (version == NpyVersion.V1_0) {
        // numpy chooses 1.0 by itself
        assertArrayEquals(golden, NpyWriter.toBytes(a, NpyWriter.Options.defaults()
            .withByteOrder(order)), name);
      }
    }
  }

  /** A native-order contiguous (C or F) array is written with no scratch allocation at all. */
  @Test
  void contiguousArraysAreWrittenWithoutAnyCopy() throws IOException {
    for (String name : new String[] {"float64_Cle_3d_v10.npy", "float64_Fle_3dFwide_v10.npy"}) {
      try (RootAllocator alloc = new RootAllocator();
          NDArray a = NpyReader.read(DIR.resolve(name), alloc)) {
        long peak = alloc.getPeakMemoryAllocation();
        assertEquals(alloc.getAllocatedMemory(), peak);
        Path out = tmp.resolve(name);
        NpyWriter.write(out, a);
        assertEquals(peak, alloc.getPeakMemoryAllocation(), "writing allocated a copy");
        assertArrayEquals(Files.readAllBytes(DIR.resolve(name)), Files.readAllBytes(out));
      }
    }
  }

  @Test
  void archivesFromSavezAndSavezCompressed() throws IOException {
    for (JsonNode ar : MANIFEST.get("archives")) {
      Path path = DIR.resolve(ar.get("file").asText());
      // np.savez puts keyword arrays before positional ones
      List<String> names = List.of("flags", "arr_0", "arr_1");
      try (NpzFile z = Npz.open(path, allocator)) {
        assertEquals(names, z.names());
        for (JsonNode m : ar.get("members")) {
          String n = m.get("name").asText();
          assertEquals(m.get("descr").asText(), z.header(n).descr());
          try (NDArray a = z.get(n)) {
            assertArrayEquals(shapeOf(m), a.shape());
            assertArrayEquals(unhex(m.get("c_hex").asText()), cBytes(a), n);
            assertEquals(m.get("fortran_order").asBoolean(), !a.isCContiguous() && a.isFContiguous());
          }
        }
      }
      Map<String, NDArray> all;
      try (InputStream in = Files.newInputStream(path)) {
        all = Npz.read(in, allocator, path.toString());
      }
      try {
        assertEquals(names, new ArrayList<>(all.keySet()));
        for (JsonNode m : ar.get("members")) {
          assertArrayEquals(unhex(m.get("c_hex").asText()), cBytes(all.get(m.get("name")
              .asText())));
        }
      } finally {
        all.values().forEach(NDArray::close);
      }
      Map<String, NDArray> all2 = Npz.readAll(path, allocator);
      assertEquals(names, new ArrayList<>(all2.keySet()));
      all2.values().forEach(NDArray::close);
    }
  }

  /** A stream that hides its type and length (no available(), not a ByteArrayInputStream). */
  static InputStream opaque(byte[] b) {
    return new FilterInputStream(new ByteArrayInputStream(b)) {
      @Override
      public int available() {
        return 0;
      }
    };
  }
}
