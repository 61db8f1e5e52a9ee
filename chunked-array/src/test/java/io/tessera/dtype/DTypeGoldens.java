package io.tessera.dtype;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.GZIPInputStream;

/**
 * Loads the NumPy golden files under {@code /golden/dtype/} on the test classpath, written by
 * {@code integration-tests/src/test/python/gen_dtype_goldens.py}. A missing file fails the test.
 */
final class DTypeGoldens {
  static final String DIR = "/golden/dtype/";

  private DTypeGoldens() {}

  static JsonNode json(String name) {
    try (InputStream in = open(name)) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The decompressed bytes of a {@code .bin.gz} golden, as a little-endian buffer. */
  static ByteBuffer gz(String name) {
    try (InputStream in = new GZIPInputStream(open(name))) {
      return ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static short[] uint16s(String name) {
    ByteBuffer b = gz(name);
    short[] out = new short[b.remaining() / 2];
    b.asShortBuffer().get(out);
    return out;
  }

  static int[] uint32s(String name) {
    ByteBuffer b = gz(name);
    int[] out = new int[b.remaining() / 4];
    b.asIntBuffer().get(out);
    return out;
  }

  static long[] uint64s(String name) {
    ByteBuffer b = gz(name);
    long[] out = new long[b.remaining() / 8];
    b.asLongBuffer().get(out);
    return out;
  }

  /** Space-separated hex raw bits, as the generator writes them. */
  static long[] hexBits(String spaceSeparated) {
    String s = spaceSeparated.trim();
    if (s.isEmpty()) {
      return new long[0];
    }
    String[] parts = s.split(" ");
    long[] out = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Long.parseUnsignedLong(parts[i], 16);
    }
    return out;
  }

  private static InputStream open(String name) {
    InputStream in = DTypeGoldens.class.getResourceAsStream(DIR + name);
    if (in == null) {
      fail("missing golden " + DIR + name + ": run python3 "
          + "integration-tests/src/test/python/gen_dtype_goldens.py from the repository root");
    }
    return in;
  }
}
