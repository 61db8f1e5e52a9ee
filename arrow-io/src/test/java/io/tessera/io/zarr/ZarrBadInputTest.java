package io.tessera.io.zarr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.io.zarr.ZarrException.Fault;
import io.tessera.ndarray.NDArray;
import io.tessera.testing.ArrayTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Corrupt and unsupported stores: typed {@link ZarrException}s, nothing left allocated. */
class ZarrBadInputTest extends ArrayTestBase {
  @TempDir Path dir;

  private static final String GOOD = "{\"zarr_format\": 2, \"shape\": [5, 4], \"chunks\": [2, 4],"
      + " \"dtype\": \"<f8\", \"order\": \"C\", \"fill_value\": 0.0, \"compressor\": null,"
      + " \"filters\": null}";

  private ZarrException fault(Fault fault, Executable body) {
    long before = allocator.getAllocatedMemory();
    ZarrException e = assertThrows(ZarrException.class, body);
    assertEquals(fault, e.fault(), e::getMessage);
    assertEquals(before, allocator.getAllocatedMemory(), "the failed call left bytes allocated");
    assertTrue(e.getMessage().contains(e.store()), e.getMessage());
    return e;
  }

  private LocalZarrStore store(String name, String zarray) throws Exception {
    LocalZarrStore s = LocalZarrStore.of(dir.resolve(name));
    s.write(".zarray", zarray.getBytes(StandardCharsets.UTF_8));
    return s;
  }

  @Test
  void malformedMetadata() throws Exception {
    String[][] bad = {
        {"notjson", "{\"zarr_format\": 2, "},
        {"array", "[1, 2]"},
        {"trailing", GOOD + " {}"},
        {"noformat", GOOD.replace("\"zarr_format\": 2, ", "")},
        {"negshape", GOOD.replace("[5, 4]", "[-5, 4]")},
        {"zerochunk", GOOD.replace("[2, 4]", "[0, 4]")},
        {"axes", GOOD.replace("[2, 4]", "[2]")},
        {"order", GOOD.replace("\"C\"", "\"K\"")},
        {"fillstr", GOOD.replace("0.0", "\"nan\"")},
        {"int8range", GOOD.replace("<f8", "|i1").replace("0.0", "300")},
        {"boolfill", GOOD.replace("<f8", "|b1").replace("0.0", "2")},
        {"nofill", GOOD.replace("\"fill_value\": 0.0, ", "")},
        {"level", GOOD.replace("null, \"filters\"",
            "{\"id\": \"zlib\", \"level\": 12}, \"filters\"")},
        {"sep", GOOD.replace("}", ", \"dimension_separator\": \"-\"}")},
        {"bigchunk", GOOD.replace("[2, 4]", "[100000, 100000]")},
    };
    for (String[] b : bad) {
      LocalZarrStore s = store(b[0], b[1]);
      ZarrException e = fault(Fault.BAD_METADATA, () -> Zarr.open(s));
      assertEquals(".zarray", e.key(), b[0]);
    }
    LocalZarrStore attrs = store("attrs", GOOD);
    attrs.write(".zattrs", "[1]".getBytes(StandardCharsets.UTF_8));
    fault(Fault.BAD_METADATA, () -> Zarr.readAttributes(attrs));
  }

  @Test
  void unsupportedButValidZarr() throws Exception {
    String[][] bad = {
        {"v3", GOOD.replace("\"zarr_format\": 2", "\"zarr_format\": 3")},
        {"complex", GOOD.replace("<f8", "<c16")},
        {"object", GOOD.replace("<f8", "|O")},
        {"string", GOOD.replace("<f8", "<U4")},
        {"structured", GOOD.replace("\"<f8\"", "[[\"a\", \"<f8\"]]")},
        {"blosc", GOOD.replace("null, \"filters\"", "{\"id\": \"blosc\"}, \"filters\"")},
        {"filters", GOOD.replace("\"filters\": null", "\"filters\": [{\"id\": \"delta\"}]")},
    };
    for (String[] b : bad) {
      LocalZarrStore s = store(b[0], b[1]);
      ZarrException e = fault(Fault.UNSUPPORTED, () -> Zarr.readMetadata(s));
      assertTrue(e.getMessage().length() > 20, e.getMessage());
    }
  }

  @Test
  void missingArray() throws Exception {
    LocalZarrStore empty = LocalZarrStore.of(dir.resolve("nothing"));
    fault(Fault.NOT_FOUND, () -> Zarr.open(empty));
    LocalZarrStore v3 = LocalZarrStore.of(dir.resolve("v3"));
    v3.write("zarr.json", "{}".getBytes(StandardCharsets.UTF_8));
    assertTrue(fault(Fault.NOT_FOUND, () -> Zarr.open(v3)).getMessage().contains("v3"));
  }

  @Test
  void corruptChunks() throws Exception {
    LocalZarrStore raw = store("raw", GOOD);
    raw.write("0.0", new byte[63]); // one byte short of 2 x 4 float64
    try (ChunkedArray ca = Zarr.open(raw)) {
      ZarrException e = fault(Fault.BAD_CHUNK, () -> ca.block(np, 0, 0));
      assertEquals("0.0", e.key());
      assertTrue(e.getMessage().contains("63 bytes stored, the chunk has 64"), e.getMessage());
      fault(Fault.BAD_CHUNK, () -> ca.toArray(np).close());
      raw.write("0.0", new byte[65]);
      fault(Fault.BAD_CHUNK, () -> ca.block(np, 0, 0));
    }
    LocalZarrStore z = store("zlib", GOOD.replace("null, \"filters\"",
        "{\"id\": \"zlib\", \"level\": 1}, \"filters\""));
    ZarrMetadata meta = Zarr.readMetadata(z);
    byte[] ok = meta.compressor().encode(new byte[64]);
    z.write("0.0", Arrays.copyOf(ok, ok.length - 3)); // truncated stream
    z.write("1.0", meta.compressor().encode(new byte[56])); // decodes short
    z.write("2.0", meta.compressor().encode(new byte[72])); // decodes long
    byte[] flipped = ok.clone();
    flipped[2] ^= 0x55;
    z.write("0.0", flipped);
    try (ChunkedArray ca = Zarr.open(z)) {
      fault(Fault.BAD_CHUNK, () -> ca.block(np, 0, 0));
      assertTrue(fault(Fault.BAD_CHUNK, () -> ca.block(np, 1, 0)).getMessage()
          .contains("decodes to 56 bytes"));
      fault(Fault.BAD_CHUNK, () -> ca.block(np, 2, 0));
      z.write("0.0", "not zlib at all".getBytes(StandardCharsets.US_ASCII));
      fault(Fault.BAD_CHUNK, () -> ca.block(np, 0, 0));
    }
    LocalZarrStore g = store("gzip", GOOD.replace("null, \"filters\"",
        "{\"id\": \"gzip\", \"level\": 1}, \"filters\""));
    byte[] gz = ZarrCompressor.gzip(1).encode(new byte[64]);
    gz[gz.length - 6] ^= 1; // CRC
    g.write("0.0", gz);
    try (ChunkedArray ca = Zarr.open(g)) {
      assertTrue(fault(Fault.BAD_CHUNK, () -> ca.block(np, 0, 0)).getMessage().contains("CRC"));
    }
  }

  @Test
  void writerMismatches() throws Exception {
    LocalZarrStore s = LocalZarrStore.of(dir.resolve("w"));
    try (NDArray a = np.arange(10); NDArray b = np.arange(3)) {
      ZarrMetadata meta = Zarr.write(a, s, new long[] {4}, ZarrWriteOptions.defaults());
      fault(Fault.MISMATCH, () -> Zarr.writeChunk(s, meta, new long[] {0}, b, np));
      fault(Fault.MISMATCH, () -> Zarr.writeChunk(s, meta, new long[] {3}, b, np));
      try (NDArray f = np.zeros(DType.FLOAT64, 4)) {
        fault(Fault.MISMATCH, () -> Zarr.writeChunk(s, meta, new long[] {0}, f, np));
      }
      try (ChunkedArray ca = ChunkedArray.fromArray(a, Chunks.regular(a.shape(), 5))) {
        fault(Fault.MISMATCH, () -> Zarr.write(ca, s, meta, null, true, np));
      }
      fault(Fault.MISMATCH, () -> Zarr.write(b, LocalZarrStore.of(dir.resolve("f")),
          new long[] {2}, ZarrWriteOptions.defaults().withFillValue(0.5)));
      fault(Fault.MISMATCH, () -> Zarr.write(b, LocalZarrStore.of(dir.resolve("g")),
          new long[] {2}, ZarrWriteOptions.defaults().withFillValue(Long.MIN_VALUE).withFillValue(
              new java.math.BigInteger("9223372036854775808"))));
    }
    assertThrows(IllegalArgumentException.class, () -> s.read("../escape"));
    assertThrows(IllegalArgumentException.class, () -> s.write("/abs", new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> s.exists("a//b"));
  }
}
