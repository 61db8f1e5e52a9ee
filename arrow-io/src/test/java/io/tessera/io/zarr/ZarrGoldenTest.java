package io.tessera.io.zarr;

import static io.tessera.io.chunked.ChunkedTestSupport.cBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.chunk.ChunkedArray;
import io.tessera.ndarray.NDArray;
import io.tessera.testing.ArrayTestBase;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zarr v2 arrays written by NumPy through {@code zarr_v2.py}
 * ({@code integration-tests/src/test/python/gen_zarr_goldens.py}): Tessera reads every case to
 * the bits NumPy reads, reproduces each {@code .zarray} and {@code .zattrs} byte for byte from the
 * parsed metadata, and, writing the same array with the same metadata, produces the same files:
 * identical bytes for uncompressed chunks, the same decoded bytes for compressed ones.
 */
class ZarrGoldenTest extends ArrayTestBase {
  @TempDir Path dir;

  private static Path goldenRoot() throws Exception {
    URL u = ZarrGoldenTest.class.getResource("/zarr-golden/manifest.json");
    assertTrue(u != null, "zarr-golden/manifest.json is missing from the test resources");
    return Path.of(u.toURI()).getParent();
  }

  @Test
  void tesseraReadsAndRewritesEveryGoldenCase() throws Exception {
    Path root = goldenRoot();
    JsonNode manifest = new ObjectMapper().readTree(root.resolve("manifest.json").toFile());
    int cases = 0;
    int identicalCompressed = 0;
    int compressed = 0;
    for (JsonNode c : manifest.get("cases")) {
      String name = c.get("name").asText();
      LocalZarrStore store = LocalZarrStore.of(root.resolve(name));
      ZarrMetadata meta = Zarr.readMetadata(store);
      assertEquals(c.get("typestr").asText(), meta.zarrDType().typestr(), name);
      assertEquals(c.get("dtype").asText(), meta.dtype().numpyName(), name);
      assertArrayEquals(longs(c.get("shape")), meta.shape(), name);
      assertArrayEquals(longs(c.get("chunks")), meta.chunkShape(), name);
      assertEquals(c.get("order").asText(), meta.order().toString(), name);
      assertEquals(c.get("dimension_separator").asText(), meta.dimensionSeparator(), name);
      byte[] zarray = store.read(".zarray");
      assertEquals(new String(zarray, StandardCharsets.US_ASCII),
          new String(meta.toJson(), StandardCharsets.US_ASCII), name + ": .zarray text");
      Map<String, Object> attrs = Zarr.readAttributes(store);
      if (!c.get("attributes").isNull()) {
        assertEquals(new String(store.read(".zattrs"), StandardCharsets.US_ASCII),
            new String(ZarrJson.dump(attrs), StandardCharsets.US_ASCII), name + ": .zattrs");
      } else {
        assertTrue(attrs.isEmpty(), name);
      }
      byte[] expect = HexFormat.of().parseHex(c.get("hex").asText());
      try (ChunkedArray ca = Zarr.open(store); NDArray a = ca.toArray(np)) {
        assertArrayEquals(expect, cBytes(a), name + ": elements");
        // write the same array with the same metadata and compare the files
        LocalZarrStore out = LocalZarrStore.of(dir.resolve(name));
        try (ChunkedArray again = ChunkedArray.fromArray(a, meta.grid())) {
          Zarr.write(again, out, meta, attrs, false, np);
        }
        List<String> deleted = new java.util.ArrayList<>();
        c.get("deleted").forEach(d -> deleted.add(d.asText()));
        for (String key : out.list("")) {
          byte[] ours = out.read(key);
          byte[] theirs = store.read(key);
          if (deleted.contains(key)) {
            assertTrue(theirs == null, name + " " + key);
            continue;
          }
          assertTrue(theirs != null, name + ": NumPy did not write " + key);
          if (key.startsWith(".") || meta.compressor().isNone()) {
            assertArrayEquals(theirs, ours, name + " " + key + ": bytes");
          } else {
            compressed++;
            if (java.util.Arrays.equals(theirs, ours)) {
              identicalCompressed++;
            }
            assertArrayEquals(meta.compressor().decode(theirs, meta.chunkBytes()),
                meta.compressor().decode(ours, meta.chunkBytes()), name + " " + key);
          }
        }
        assertEquals(store.list("").size() + deleted.size(), out.list("").size(), name
            + ": keys " + store.list("") + " vs " + out.list(""));
      }
      cases++;
    }
    assertEquals(21, cases);
    assertTrue(compressed > 0);
    System.out.println("ZarrGoldenTest: " + cases + " cases; " + identicalCompressed + " of "
        + compressed + " compressed chunks byte-identical to Python's zlib/gzip output");
  }

  @Test
  void missingGoldenChunkIsNaN() throws Exception {
    LocalZarrStore store = LocalZarrStore.of(goldenRoot().resolve("f8_zlib_nan_missing"));
    assertFalse(store.exists("1.1"));
    try (ChunkedArray ca = Zarr.open(store); NDArray a = ca.toArray(np)) {
      assertTrue(Double.isNaN(a.getDouble(4, 2)) && Double.isNaN(a.getDouble(5, 3)));
      assertFalse(Double.isNaN(a.getDouble(4, 4)));
    }
  }

  private static long[] longs(JsonNode n) {
    long[] out = new long[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asLong();
    }
    return out;
  }
}
