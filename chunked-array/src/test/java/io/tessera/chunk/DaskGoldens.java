package io.tessera.chunk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads golden/chunk/dask_chunks.json (made by integration-tests/src/test/python/gen_chunk_goldens.py). */
final class DaskGoldens {
  private DaskGoldens() {}

  static JsonNode load() {
    try (InputStream in = DaskGoldens.class.getResourceAsStream("/golden/chunk/dask_chunks.json")) {
      if (in == null) {
        throw new IllegalStateException("golden/chunk/dask_chunks.json is missing");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long[] longs(JsonNode n) {
    long[] out = new long[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asLong();
    }
    return out;
  }

  static long[][] tuples(JsonNode n) {
    long[][] out = new long[n.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = longs(n.get(i));
    }
    return out;
  }

  static Chunks chunks(JsonNode n) {
    return Chunks.of(tuples(n));
  }

  /** A JSON spec as Java objects: arrays become lists, objects maps keyed by axis. */
  static Object spec(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(x -> l.add(spec(x)));
      return l;
    }
    if (n.isObject()) {
      Map<Integer, Object> m = new LinkedHashMap<>();
      n.fields().forEachRemaining(e -> m.put(Integer.parseInt(e.getKey()), spec(e.getValue())));
      return m;
    }
    if (n.isTextual()) {
      return n.asText();
    }
    return n.asLong();
  }
}
