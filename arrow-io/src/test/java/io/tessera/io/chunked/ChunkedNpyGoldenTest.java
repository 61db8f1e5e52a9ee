package io.tessera.io.chunked;

import static io.tessera.io.chunked.ChunkedTestSupport.cBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.Chunks;
import io.tessera.ndarray.NDArray;
import io.tessera.testing.ArrayTestBase;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code .npy} goldens NumPy wrote ({@code gen_npy_goldens.py}: every dtype, both byte
 * orders, C and Fortran order, 0-d, empty, versions 1.0/2.0/3.0) opened lazily with irregular
 * chunks give NumPy's elements; streamed back out from those chunks, the little-endian C-order
 * version-1.0 files come out byte for byte as NumPy wrote them.
 */
class ChunkedNpyGoldenTest extends ArrayTestBase {
  @TempDir Path dir;

  @Test
  void everyNpyGoldenReadsLazilyAndStreamsBackIdentically() throws Exception {
    URL u = ChunkedNpyGoldenTest.class.getResource("/golden/npy/manifest.json");
    assertTrue(u != null, "golden/npy/manifest.json is missing");
    Path root = Path.of(u.toURI()).getParent();
    JsonNode m = new ObjectMapper().readTree(root.resolve("manifest.json").toFile());
    int read = 0;
    int rewritten = 0;
    for (JsonNode f : m.get("files")) {
      Path p = root.resolve(f.get("file").asText());
      long[] shape = new long[f.get("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = f.get("shape").get(i).asLong();
      }
      Chunks chunks = irregular(shape);
      byte[] want = HexFormat.of().parseHex(f.get("c_hex").asText());
      try (ChunkedArray ca = ChunkedNpy.open(p, chunks); NDArray a = ca.toArray(np)) {
        assertArrayEquals(want, cBytes(a), p.toString());
        read++;
        boolean npSaveForm = f.get("version").get(0).asInt() == 1
            && !f.get("fortran_order").asBoolean() && !f.get("descr").asText().startsWith(">");
        if (npSaveForm) {
          Path out = dir.resolve("o.npy");
          ChunkedNpy.write(ca, out, np);
          assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(out), p.toString());
          rewritten++;
        }
      }
    }
    assertTrue(read > 400 && rewritten > 50, read + " read, " + rewritten + " rewritten");
  }

  /** Chunks of 1, 2, 1, 2, ... along every axis of length 2 to 10 (others whole). */
  private static Chunks irregular(long[] shape) {
    long[][] per = new long[shape.length][];
    for (int a = 0; a < shape.length; a++) {
      if (shape[a] <= 1 || shape[a] > 10) {
        per[a] = new long[] {shape[a]};
        continue;
      }
      java.util.List<Long> l = new java.util.ArrayList<>();
      long left = shape[a];
      long step = 1;
      while (left > 0) {
        long c = Math.min(step, left);
        l.add(c);
        left -= c;
        step = 3 - step;
      }
      per[a] = l.stream().mapToLong(Long::longValue).toArray();
    }
    return Chunks.of(shape, per);
  }
}
