package io.tessera.dtype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.DoubleToLongFunction;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/** {@link Convert} against NumPy's {@code astype} for all 144 dtype pairs, bit for bit. */
class ConvertTest {
  private static final JsonNode GOLDEN = DTypeGoldens.json("astype.json");

  /** Float value to bool/integer: the hot-loop method for each target. */
  private static final Map<DType, DoubleToLongFunction> FLOAT_TO_INTEGER = new EnumMap<>(Map.of(
      DType.BOOL, Convert::doubleToBool,
      DType.INT8, Convert::doubleToInt8,
      DType.INT16, Convert::doubleToInt16,
      DType.INT32, x -> Convert.doubleToInt32(x),
      DType.INT64, Convert::doubleToInt64,
      DType.UINT8, Convert::doubleToUInt8,
      DType.UINT16, Convert::doubleToUInt16,
      DType.UINT32, Convert::doubleToUInt32,
      DType.UINT64, Convert::doubleToUInt64));

  /** Integer value to bool/integer: the hot-loop method for each target. */
  private static final Map<DType, LongUnaryOperator> INTEGER_TO_INTEGER = new EnumMap<>(Map.of(
      DType.BOOL, Convert::longToBool,
      DType.INT8, Convert::longToInt8,
      DType.INT16, Convert::longToInt16,
      DType.INT32, Convert::longToInt32,
      DType.INT64, v -> v,
      DType.UINT8, Convert::longToUInt8,
      DType.UINT16, Convert::longToUInt16,
      DType.UINT32, Convert::longToUInt32,
      DType.UINT64, v -> v));

  private static long[] values(DType src) {
    JsonNode node = GOLDEN.get("values").get(src.numpyName());
    assertTrue(node != null, "golden has values for " + src);
    return DTypeGoldens.hexBits(node.asText());
  }

  private static long[] results(DType src, DType dst) {
    JsonNode node = GOLDEN.get("results").get(src.numpyName() + "->" + dst.numpyName());
    assertTrue(node != null, "golden has results for " + src + "->" + dst);
    long[] out = DTypeGoldens.hexBits(node.asText());
    assertEquals(values(src).length, out.length);
    return out;
  }

  private static long mask(DType t) {
    return t.itemsize() == 8 ? -1L : (1L << t.bits()) - 1;
  }

  /** The value of a float element as a double (exact for float16 and float32). */
  private static double floatValue(DType src, long raw) {
    switch (src) {
      case FLOAT16: return Float16.toDouble((short) raw);
      case FLOAT32: return Float.intBitsToFloat((int) raw);
      default: return Double.longBitsToDouble(raw);
    }
  }

  /** The value of a bool or integer element, as Convert carries it. */
  private static long integerValue(DType src, long raw) {
    switch (src) {
      case BOOL: return raw != 0 ? 1 : 0;
      case INT8: return (byte) raw;
      case INT16: return (short) raw;
      case INT32: return (int) raw;
      default: return raw; // unsigned values arrive zero-extended; int64/uint64 as bits
    }
  }

  private static String describe(DType src, DType dst, long in, long expected, long actual) {
    return String.format("%s->%s of %x: numpy %x, ours %x", src, dst, in, expected, actual);
  }

  @Test
  void rawBitsConvertMatchesNumpyForAll144Pairs() {
    Float16Test.Mismatches m = new Float16Test.Mismatches("astype");
    int pairs = 0;
    for (DType src : DType.values()) {
      long[] in = values(src);
      for (DType dst : DType.values()) {
        long[] expected = results(src, dst);
        for (int i = 0; i < in.length; i++) {
          long actual = Convert.rawBitsConvert(src, dst, in[i]);
          m.check(actual == expected[i], describe(src, dst, in[i], expected[i], actual));
        }
        pairs++;
      }
    }
    assertEquals(144, pairs);
    m.assertNone();
  }

  @Test
  void floatToIntegerMethodsMatchNumpy() {
    Float16Test.Mismatches m = new Float16Test.Mismatches("float -> integer methods");
    for (DType src : new DType[] {DType.FLOAT16, DType.FLOAT32, DType.FLOAT64}) {
      long[] in = values(src);
      for (Map.Entry<DType, DoubleToLongFunction> e : FLOAT_TO_INTEGER.entrySet()) {
        DType dst = e.getKey();
        long[] expected = results(src, dst);
        for (int i = 0; i < in.length; i++) {
          long value = e.getValue().applyAsLong(floatValue(src, in[i]));
          // the value must be the target's canonical long (sign- or zero-extended)
          long canonical = dst.isSigned() || dst == DType.UINT64
              ? integerValue(dst, value & mask(dst)) : value & mask(dst);
          m.check((value & mask(dst)) == expected[i] && value == canonical,
              describe(src, dst, in[i], expected[i], value));
        }
      }
    }
    m.assertNone();
  }

  @Test
  void integerMethodsMatchNumpy() {
    Float16Test.Mismatches m = new Float16Test.Mismatches("integer source methods");
    for (DType src : DType.values()) {
      if (src.isFloat()) {
        continue;
      }
      boolean u64 = src == DType.UINT64;
      long[] in = values(src);
      for (DType dst : DType.values()) {
        long[] expected = results(src, dst);
        for (int i = 0; i < in.length; i++) {
          long v = integerValue(src, in[i]);
          long actual;
          if (dst == DType.FLOAT16) {
            actual = (u64 ? Convert.uint64ToHalf(v) : Convert.int64ToHalf(v)) & 0xffffL;
          } else if (dst == DType.FLOAT32) {
            actual = Float.floatToRawIntBits(u64 ? Convert.uint64ToFloat(v) : (float) v)
                & 0xffffffffL;
          } else if (dst == DType.FLOAT64) {
            actual = Double.doubleToRawLongBits(u64 ? Convert.uint64ToDouble(v) : (double) v);
          } else {
            actual = INTEGER_TO_INTEGER.get(dst).applyAsLong(v) & mask(dst);
          }
          if (src == DType.BOOL && dst == DType.BOOL) {
            actual = in[i]; // same-type astype copies the byte
          }
          m.check(actual == expected[i], describe(src, dst, in[i], expected[i], actual));
        }
      }
    }
    m.assertNone();
  }

  @Test
  void floatToFloatMethodsMatchNumpy() {
    Float16Test.Mismatches m = new Float16Test.Mismatches("float <-> float methods");
    long[] doubles = values(DType.FLOAT64);
    long[] toFloat = results(DType.FLOAT64, DType.FLOAT32);
    for (int i = 0; i < doubles.length; i++) {
      long bits = Convert.doubleBitsToFloatBits(doubles[i]) & 0xffffffffL;
      long viaValue = Float.floatToRawIntBits(
          Convert.doubleToFloat(Double.longBitsToDouble(doubles[i]))) & 0xffffffffL;
      m.check(bits == toFloat[i] && viaValue == toFloat[i],
          describe(DType.FLOAT64, DType.FLOAT32, doubles[i], toFloat[i], bits));
    }
    long[] floats = values(DType.FLOAT32);
    long[] toDouble = results(DType.FLOAT32, DType.FLOAT64);
    for (int i = 0; i < floats.length; i++) {
      long bits = Convert.floatBitsToDoubleBits((int) floats[i]);
      long viaValue = Double.doubleToRawLongBits(
          Convert.floatToDouble(Float.intBitsToFloat((int) floats[i])));
      m.check(bits == toDouble[i] && viaValue == toDouble[i],
          describe(DType.FLOAT32, DType.FLOAT64, floats[i], toDouble[i], bits));
    }
    m.assertNone();
  }

  @Test
  void uint32SimdRuleMatchesNumpysContiguousLoop() {
    JsonNode simd = GOLDEN.get("uint32_simd");
    Float16Test.Mismatches m = new Float16Test.Mismatches("contiguous float -> uint32");
    for (DType src : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      assertTrue(simd.has(src.numpyName()), "golden has the vectorized rule for " + src);
      long[] in = values(src);
      long[] expected = DTypeGoldens.hexBits(simd.get(src.numpyName()).asText());
      for (int i = 0; i < in.length; i++) {
        long actual = Convert.doubleToUInt32Simd(floatValue(src, in[i]));
        m.check(actual == expected[i], describe(src, DType.UINT32, in[i], expected[i], actual));
      }
    }
    m.assertNone();
  }

  @Test
  void documentedFloatToIntegerRule() {
    assertEquals(Long.MIN_VALUE, Convert.doubleToInt64(Double.NaN));
    assertEquals(Long.MIN_VALUE, Convert.doubleToInt64(1e19));
    assertEquals(Integer.MIN_VALUE, Convert.doubleToInt32(Double.POSITIVE_INFINITY));
    assertEquals(0, Convert.doubleToInt8(Double.NaN));
    assertEquals(44, Convert.doubleToInt8(300.7));
    assertEquals(255, Convert.doubleToUInt8(-1.5));
    assertEquals(0xffffffffL, Convert.doubleToUInt32(-1.0));
    assertEquals(0, Convert.doubleToUInt32(Double.NaN));
    assertEquals(0x80000000L, Convert.doubleToUInt32Simd(Double.NaN));
    assertEquals(Long.MIN_VALUE, Convert.doubleToUInt64(Double.NaN));
    assertEquals(-1L, Convert.doubleToUInt64(-1.0));
    assertEquals(0, Convert.doubleToUInt64(Double.POSITIVE_INFINITY));
    assertEquals(Long.parseUnsignedLong("10000000000000000000"), Convert.doubleToUInt64(1e19));
    assertEquals(1, Convert.doubleToBool(Double.NaN));
    assertEquals(0, Convert.doubleToBool(-0.0));
  }

  @Test
  void uint64ToFloatIsCorrectlyRounded() {
    // 2^63 + 2^39 is halfway between two float32s: ties to even; one more rounds up
    assertEquals(0x5f000000, Float.floatToRawIntBits(Convert.uint64ToFloat(Long.MIN_VALUE
        + (1L << 39))));
    assertEquals(0x5f000001, Float.floatToRawIntBits(Convert.uint64ToFloat(Long.MIN_VALUE
        + (1L << 39) + 1)));
    assertEquals(0x1p64, Convert.uint64ToDouble(-1L));
    assertEquals(0x1p63 + 0x1p11, Convert.uint64ToDouble(Long.MIN_VALUE + (1L << 10) + 1));
  }
}
