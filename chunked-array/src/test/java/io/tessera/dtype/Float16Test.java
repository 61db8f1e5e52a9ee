package io.tessera.dtype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Float16} against NumPy goldens: every half widened, ~1.9M floats narrowed. */
class Float16Test {
  // The float -> half inputs follow the formula of gen_dtype_goldens.py (float32_inputs and
  // float64_inputs): sign, exponent list, all 1024 top-ten mantissa values, low-bit tails.
  private static final int[] TAILS32 = {0, 1, 0x0fff, 0x1000, 0x1001, 0x1fff};
  private static final long[] TAILS64 = {
    0, 1, 1L << 28, 1L << 29, (1L << 41) - (1L << 28), (1L << 41) - 1, 1L << 41, (1L << 41) + 1,
    (1L << 41) + (1L << 28), (1L << 42) - (1L << 28), (1L << 42) - 1
  };

  private static int[] exponents(int bias, int... extra) {
    java.util.TreeSet<Integer> set = new java.util.TreeSet<>();
    for (int e = bias - 26; e < bias + 17; e++) {
      set.add(e);
    }
    for (int e : extra) {
      set.add(e);
    }
    return set.stream().mapToInt(Integer::intValue).toArray();
  }

  static int[] float32Inputs() {
    int[] exps = exponents(127, 0, 1, 2, 50, 100, 150, 200, 253, 254, 255);
    int[] out = new int[2 * exps.length * 1024 * TAILS32.length];
    int i = 0;
    for (int sign = 0; sign < 2; sign++) {
      for (int exp : exps) {
        for (int m10 = 0; m10 < 1024; m10++) {
          for (int tail : TAILS32) {
            out[i++] = sign << 31 | exp << 23 | m10 << 13 | tail;
          }
        }
      }
    }
    return out;
  }

  static long[] float64Inputs() {
    int[] exps = exponents(1023, 0, 1, 2, 500, 896, 897, 1000, 1100, 1500, 2045, 2046, 2047);
    long[] out = new long[2 * exps.length * 1024 * TAILS64.length];
    int i = 0;
    for (long sign = 0; sign < 2; sign++) {
      for (long exp : exps) {
        for (long m10 = 0; m10 < 1024; m10++) {
          for (long tail : TAILS64) {
            out[i++] = sign << 63 | exp << 52 | m10 << 42 | tail;
          }
        }
      }
    }
    return out;
  }

  /** Collects mismatches and fails once with the count and the first few. */
  static final class Mismatches {
    private final String what;
    private final List<String> first = new ArrayList<>();
    private int count;

    Mismatches(String what) {
      this.what = what;
    }

    void check(boolean ok, String detail) {
      if (!ok) {
        add(detail);
      }
    }

    void add(String detail) {
      count++;
      if (first.size() < 10) {
        first.add(detail);
      }
    }

    void assertNone() {
      if (count > 0) {
        fail(what + ": " + count + " mismatches vs NumPy, first: " + String.join("; ", first));
      }
    }
  }

  @Test
  void everyHalfToFloat32MatchesNumpy() {
    int[] golden = DTypeGoldens.uint32s("half_to_float32.bin.gz");
    assertEquals(65536, golden.length);
    Mismatches m = new Mismatches("float16 -> float32");
    for (int h = 0; h < 65536; h++) {
      int bits = Float16.toFloatBits((short) h);
      int viaFloat = Float.floatToRawIntBits(Float16.toFloat((short) h));
      if (!(bits == golden[h] && viaFloat == golden[h])) {
        m.add(String.format(
            "%04x: numpy %08x, ours %08x / %08x", h, golden[h], bits, viaFloat));
      }
    }
    m.assertNone();
  }

  @Test
  void everyHalfToFloat64MatchesNumpy() {
    long[] golden = DTypeGoldens.uint64s("half_to_float64.bin.gz");
    assertEquals(65536, golden.length);
    Mismatches m = new Mismatches("float16 -> float64");
    for (int h = 0; h < 65536; h++) {
      long bits = Float16.toDoubleBits((short) h);
      long viaDouble = Double.doubleToRawLongBits(Float16.toDouble((short) h));
      if (!(bits == golden[h] && viaDouble == golden[h])) {
        m.add(String.format(
            "%04x: numpy %016x, ours %016x / %016x", h, golden[h], bits, viaDouble));
      }
    }
    m.assertNone();
  }

  @Test
  void float32ToHalfMatchesNumpy() {
    int[] in = float32Inputs();
    short[] golden = DTypeGoldens.uint16s("float32_to_half.bin.gz");
    assertEquals(in.length, golden.length, "input formula out of step with the generator");
    Mismatches m = new Mismatches("float32 -> float16");
    for (int i = 0; i < in.length; i++) {
      short bits = Float16.fromFloatBits(in[i]);
      short viaFloat = Float16.fromFloat(Float.intBitsToFloat(in[i]));
      if (!(bits == golden[i] && viaFloat == golden[i])) {
        m.add(String.format(
            "%08x: numpy %04x, ours %04x / %04x", in[i], golden[i], bits, viaFloat));
      }
    }
    m.assertNone();
  }

  @Test
  void float64ToHalfMatchesNumpy() {
    long[] in = float64Inputs();
    short[] golden = DTypeGoldens.uint16s("float64_to_half.bin.gz");
    assertEquals(in.length, golden.length, "input formula out of step with the generator");
    Mismatches m = new Mismatches("float64 -> float16");
    for (int i = 0; i < in.length; i++) {
      short bits = Float16.fromDoubleBits(in[i]);
      short viaDouble = Float16.fromDouble(Double.longBitsToDouble(in[i]));
      if (!(bits == golden[i] && viaDouble == golden[i])) {
        m.add(String.format(
            "%016x: numpy %04x, ours %04x / %04x", in[i], golden[i], bits, viaDouble));
      }
    }
    m.assertNone();
  }

  @Test
  void namedCases() {
    assertHalf(0x7bff, Float16.fromDouble(65519.99)); // just below the overflow boundary
    assertHalf(0x7c00, Float16.fromDouble(65520.0)); // halfway to 65536 rounds to even: inf
    assertHalf(0xfc00, Float16.fromFloat(-1e10f));
    assertHalf(0x0000, Float16.fromDouble(0x1p-25)); // tie with the smallest subnormal: even 0
    assertHalf(0x8000, Float16.fromDouble(-0x1p-25));
    assertHalf(0x0001, Float16.fromDouble(0x1.0000000000001p-25));
    assertHalf(0x0400, Float16.fromFloat(0x1p-14f)); // smallest normal
    assertHalf(0x3c00, Float16.fromDouble(1 + 0x1p-11)); // tie, even
    assertHalf(0x3c01, Float16.fromDouble(1 + 0x1p-11 + 0x1p-40)); // float32 would give 0x3c00
    assertHalf(0x3c02, Float16.fromFloat(1 + 0x3p-11f)); // tie, to even above
    assertHalf(0x7e00, Float16.fromDouble(Double.NaN));
    assertHalf(0x7c01, Float16.fromFloatBits(0x7f800001)); // payload lost below: still a NaN
    assertHalf(0x7d00, Float16.fromFloatBits(0x7fa00000)); // signalling NaN stays signalling
    assertEquals(65504f, Float16.toFloat(Float16.MAX_VALUE));
    assertEquals(0x1p-24, Float16.toDouble((short) 1));
    assertEquals(0x7f802000, Float16.toFloatBits((short) 0x7c01));
  }

  private static void assertHalf(int expected, short actual) {
    assertEquals(String.format("%04x", expected), String.format("%04x", actual & 0xffff));
  }
}
