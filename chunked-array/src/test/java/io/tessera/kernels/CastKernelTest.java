package io.tessera.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tessera.dtype.Convert;
import io.tessera.dtype.DType;
import io.tessera.memory.Raw;
import io.tessera.testing.ArrayTestBase;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.arrow.memory.ArrowBuf;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every cast loop ({@link Kernels#cast}) against {@link Convert} (itself checked bit for bit
 * against NumPy's astype): over edge values of the source type, on contiguous runs of every length
 * 1..9 at every offset (float32/float64 to uint32 uses NumPy's vector rule on whole blocks of
 * four, the scalar rule on the tail), and strided (gapped and negative) runs, which always use the
 * scalar rule.
 */
class CastKernelTest extends ArrayTestBase {

  static long[] edges(DType t) {
    Set<Long> v = new LinkedHashSet<>();
    Random r = new Random(1234 + t.ordinal());
    switch (t) {
      case BOOL:
        v.add(0L);
        v.add(1L);
        v.add(2L); // a non-canonical true byte
        v.add(255L);
        break;
      case FLOAT16:
        for (int b : new int[] {0, 0x8000, 0x3c00, 0xbc00, 0x7c00, 0xfc00, 0x7e00, 0xfe00, 0x7c01,
            0x7bff, 0xfbff, 0x0001, 0x8001, 0x0400, 0x3800, 0x3e00, 0xc100, 0x5bf8, 0x7a00}) {
          v.add((long) b);
        }
        break;
      case FLOAT32:
        for (float f : new float[] {0f, -0f, 1f, -1f, 0.5f, 1.5f, -2.5f, 255.5f, 256f, -129f,
            65504f, 65520f, 1e10f, -1e10f, 2147483648f, -2147483648f, 4294967296f, 3e9f, -3e9f,
            9.223372e18f, 1.8446744e19f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE,
            Float.MIN_NORMAL, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}) {
          v.add((long) Float.floatToRawIntBits(f) & 0xFFFFFFFFL);
        }
        v.add(0x7f800001L); // signalling NaN
        v.add(0xffc00001L);
        break;
      case FLOAT64:
        for (double d : new double[] {0, -0.0, 1, -1, 0.5, 1.5, -2.5, 127.5, -128.5, 65519.99,
            65520, 4294967295.0, 4294967296.0, -2147483649.0, 2147483647.5, 3e9, -3e9,
            9.223372036854775807e18, -9.3e18, 1.8446744073709552e19, 1e300, -1e300, 5e-324,
            2.2250738585072014e-308, 3.4028235677973366e38, 1 + 0x1p-24, Double.NaN,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
          v.add(Double.doubleToRawLongBits(d));
        }
        v.add(0x7ff0000000000001L);
        v.add(0xfff8000000000001L);
        break;
      default:
        long mask = t.itemsize() == 8 ? -1L : (1L << t.bits()) - 1;
        for (long x : new long[] {0, 1, -1, 2, 127, 128, 255, 256, 32767, 32768, 65535, 65536,
            2147483647L, 2147483648L, 4294967295L, 1L << 53, (1L << 53) + 1, Long.MAX_VALUE,
            Long.MIN_VALUE, Long.MIN_VALUE + 1, -2, -129, 16777217, 65520, 65519}) {
          v.add(x & mask);
        }
        break;
    }
    long mask = t.itemsize() == 8 ? -1L : (1L << t.bits()) - 1;
    for (int i = 0; i < 12; i++) {
      v.add(r.nextLong() & mask);
    }
    long[] out = new long[v.size()];
    int i = 0;
    for (long x : v) {
      out[i++] = x;
    }
    return out;
  }

  /** What NumPy writes for element {@code bits} in a run: vector rule inside whole blocks. */
  static long expected(DType from, DType to, long bits, boolean inVectorBlock) {
    if (inVectorBlock && to == DType.UINT32
        && (from == DType.FLOAT32 || from == DType.FLOAT64)) {
      double x = from == DType.FLOAT32 ? Float.intBitsToFloat((int) bits)
          : Double.longBitsToDouble(bits);
      return Convert.doubleToUInt32Simd(x);
    }
    return Convert.rawBitsConvert(from, to, bits);
  }

  @TestFactory
  Stream<DynamicTest> everyPair() {
    List<DynamicTest> tests = new ArrayList<>();
    for (DType from : DType.values()) {
      for (DType to : DType.values()) {
        tests.add(DynamicTest.dynamicTest(from + " -> " + to, () -> checkPair(from, to)));
      }
    }
    return tests.stream();
  }

  private void checkPair(DType from, DType to) {
    UnaryKernel k = Kernels.cast(from, to);
    long[] v = edges(from);
    int n = v.length;
    int is = from.itemsize();
    int os = to.itemsize();
    try (ArrowBuf buf = KernelGoldens.buffer(allocator, 4L * n * (is + os) + 64)) {
      long pi = buf.memoryAddress();
      long po = pi + 4L * n * is;
      // contiguous runs of length 1..9 starting at every element
      KernelGoldens.write(pi, is, from, v);
      for (int len = 1; len <= 9; len++) {
        for (int start = 0; start + len <= n; start++) {
          k.run(pi + (long) start * is, is, po, os, len);
          int blocks = len & ~3;
          for (int i = 0; i < len; i++) {
            long want = expected(from, to, v[start + i], i < blocks);
            assertEquals(want, Raw.getBits(po + (long) i * os, os), () -> from + "->" + to
                + " contiguous run of " + blocks + "+ at element");
          }
        }
      }
      // one long contiguous run
      k.run(pi, is, po, os, n);
      for (int i = 0; i < n; i++) {
        assertEquals(expected(from, to, v[i], i < (n & ~3)), Raw.getBits(po + (long) i * os, os),
            from + "->" + to + " long run, element " + i);
      }
      // strided input and negative output stride: scalar rule everywhere
      KernelGoldens.write(pi, 3L * is, from, v);
      long last = po + (long) (n - 1) * 2 * os;
      k.run(pi, 3L * is, last, -2L * os, n);
      for (int i = 0; i < n; i++) {
        assertEquals(expected(from, to, v[i], false), Raw.getBits(last - 2L * i * os, os),
            from + "->" + to + " strided, element " + i);
      }
      // contiguous input, strided output: also the scalar rule
      KernelGoldens.write(pi, is, from, v);
      k.run(pi, is, po, 2L * os, n);
      for (int i = 0; i < n; i++) {
        assertEquals(expected(from, to, v[i], false), Raw.getBits(po + 2L * i * os, os),
            from + "->" + to + " strided output, element " + i);
      }
      // broadcast input (stride 0)
      for (int i = 0; i < Math.min(n, 8); i++) {
        Raw.putBits(pi, is, v[i]);
        k.run(pi, 0, po, os, 5);
        for (int j = 0; j < 5; j++) {
          assertEquals(expected(from, to, v[i], false), Raw.getBits(po + (long) j * os, os),
              from + "->" + to + " stride 0");
        }
      }
    }
  }

  @Test
  void nullDtypesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Kernels.cast(null, DType.INT8));
  }
}
