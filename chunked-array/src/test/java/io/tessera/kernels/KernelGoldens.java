package io.tessera.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.dtype.DType;
import io.tessera.memory.Raw;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The NumPy goldens under {@code /golden/kernels/}, written by {@code
 * integration-tests/src/test/python/gen_kernel_goldens.py}, and small helpers to move element bits
 * between Java arrays and off-heap memory.
 */
final class KernelGoldens {
  static final String DIR = "/golden/kernels/";
  private static final Map<String, JsonNode> LOADED = new HashMap<>();

  private KernelGoldens() {}

  static synchronized JsonNode load(String name) {
    return LOADED.computeIfAbsent(name, n -> {
      InputStream raw = KernelGoldens.class.getResourceAsStream(DIR + n);
      if (raw == null) {
        fail("missing golden " + DIR + n + ": run python3 "
            + "integration-tests/src/test/python/gen_kernel_goldens.py from the repository root");
      }
      try (InputStream in = n.endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
        return new ObjectMapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  static DType dtype(char c) {
    return c == 'l' ? DType.INT64 : c == 'L' ? DType.UINT64 : DType.of(String.valueOf(c));
  }

  /** Element bits (zero-extended) of a base64 little-endian array of {@code t}. */
  static long[] bits(String b64, DType t) {
    byte[] b = Base64.getDecoder().decode(b64);
    int isz = t.itemsize();
    long[] r = new long[b.length / isz];
    for (int i = 0; i < r.length; i++) {
      long v = 0;
      for (int k = isz - 1; k >= 0; k--) {
        v = (v << 8) | (b[i * isz + k] & 0xFF);
      }
      r[i] = v;
    }
    return r;
  }

  /** An off-heap scratch region; close it (Arrow's allocator checks for leaks). */
  static ArrowBuf buffer(BufferAllocator alloc, long bytes) {
    ArrowBuf b = alloc.buffer(Math.max(bytes, 8));
    Raw.fill(b.memoryAddress(), Math.max(bytes, 8), (byte) 0x5A);
    return b;
  }

  /** Writes {@code vals[k]} for k in [0, n) at {@code base + k * stride}. */
  static void write(long base, long stride, DType t, long[] vals) {
    for (int k = 0; k < vals.length; k++) {
      Raw.putBits(base + k * stride, t.itemsize(), vals[k]);
    }
  }

  static long[] read(long base, long stride, DType t, int n) {
    long[] r = new long[n];
    for (int k = 0; k < n; k++) {
      r[k] = Raw.getBits(base + k * stride, t.itemsize());
    }
    return r;
  }

  // ---------------------------------------------------------------- float bit helpers

  static boolean isNaN(long bits, DType t) {
    switch (t) {
      case FLOAT16: return (bits & 0x7FFF) > 0x7C00;
      case FLOAT32: return (bits & 0x7FFF_FFFFL) > 0x7F80_0000L;
      case FLOAT64: return (bits & 0x7FFF_FFFF_FFFF_FFFFL) > 0x7FF0_0000_0000_0000L;
      default: return false;
    }
  }

  static boolean isZero(long bits, DType t) {
    long mag = bits & ((1L << (t.bits() - 1)) - 1);
    return t.isFloat() && mag == 0;
  }

  /** Distance in units in the last place between two non-NaN floats of {@code t} (±0 equal). */
  static long ulps(long a, long b, DType t) {
    return Math.abs(ordered(a, t) - ordered(b, t));
  }

  private static long ordered(long bits, DType t) {
    int w = t.bits();
    long sign = 1L << (w - 1);
    long mag = bits & (sign - 1);
    return (bits & sign) != 0 ? -mag : mag;
  }

  static String show(long bits, DType t) {
    String hex = String.format("0x%0" + (t.itemsize() * 2) + "x", bits);
    switch (t) {
      case FLOAT16: return hex + "(" + io.tessera.dtype.Float16.toFloat((short) bits) + ")";
      case FLOAT32: return hex + "(" + Float.intBitsToFloat((int) bits) + ")";
      case FLOAT64: return hex + "(" + Double.longBitsToDouble(bits) + ")";
      case BOOL: return Long.toString(bits);
      default:
        return t.isSigned() ? Long.toString((bits << (64 - t.bits())) >> (64 - t.bits()))
            : Long.toUnsignedString(bits);
    }
  }
}
