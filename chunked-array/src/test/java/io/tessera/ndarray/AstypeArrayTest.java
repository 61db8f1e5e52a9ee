package io.tessera.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.Casting;
import io.tessera.dtype.Convert;
import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.memory.Raw;
import io.tessera.testing.ArrayTestBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole-array {@code astype}: on C, F, strided, reversed, transposed and broadcast inputs, every
 * element equals the scalar reference {@link Convert#rawBitsConvert} (bit for bit), the result has
 * the order-K layout NumPy gives (strides checked against NumPy 2.4.6), and {@code copy=false}
 * returns a view exactly when the dtype is unchanged.
 */
class AstypeArrayTest extends ArrayTestBase {

  /** Edge values of each source dtype, as raw bits, 24 of them (cycled) per (2,3,4) input. */
  static long[] edgeBits(DType t) {
    List<Long> out = new ArrayList<>();
    if (t == DType.BOOL) {
      for (int i = 0; i < 24; i++) {
        out.add((long) ((i * 7 + 3) % 3 == 0 ? 0 : 1));
      }
    } else if (t.isInteger()) {
      long[] vals = {0, 1, -1, 2, 127, 128, -128, -129, 255, 256, 32767, 32768, -32769, 65535,
          65536, Integer.MAX_VALUE, 1L << 31, (1L << 32) - 1, 1L << 32, (1L << 53) + 1,
          Long.MAX_VALUE, Long.MIN_VALUE, 1000, -1000};
      long mask = t.itemsize() == 8 ? -1L : (1L << t.bits()) - 1;
      for (long v : vals) {
        out.add(v & mask);
      }
    } else {
      double[] vals = {0.0, -0.0, 1.0, -1.5, 0.5, 300.7, Double.NaN, Double.POSITIVE_INFINITY,
          Double.NEGATIVE_INFINITY, 0x1p31, 0x1p32, -0x1p31 - 1, 1e20, 65504, 65520, 1e-8, 0x1p63,
          0x1p64, -0x1p63, 4.9e-324, 255.9, -128.5, 70000, -0.9};
      for (double v : vals) {
        switch (t) {
          case FLOAT16: out.add((long) Float16.fromDouble(v) & 0xFFFF); break;
          case FLOAT32: out.add((long) Float.floatToRawIntBits((float) v) & 0xFFFF_FFFFL); break;
          default: out.add(Double.doubleToRawLongBits(v)); break;
        }
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  static Stream<Arguments> pairs() {
    List<Arguments> out = new ArrayList<>();
    for (DType s : DType.values()) {
      for (DType d : DType.values()) {
        out.add(Arguments.of(s, d));
      }
    }
    return out.stream();
  }

  /** The inputs of shape (2,3,4) (or so) over a base filled with edge values; the name first. */
  private List<Object[]> layouts(DType src) {
    List<Object[]> out = new ArrayList<>();
    NDArray c = filledBase(src, Order.C, 2, 3, 4);
    out.add(new Object[] {"C", c, c.view()});
    NDArray f = filledBase(src, Order.F, 2, 3, 4);
    out.add(new Object[] {"F", f, f.view()});
    NDArray wide = filledBase(src, Order.C, 2, 3, 8);
    out.add(new Object[] {"strided", wide, wide.get("..., ::2")});
    NDArray r = filledBase(src, Order.C, 2, 3, 4);
    out.add(new Object[] {"reversed", r, r.get("::-1, :, ::-1")});
    NDArray t = filledBase(src, Order.C, 2, 3, 4);
    out.add(new Object[] {"transposed(1,0,2)", t, t.transpose(1, 0, 2)});
    NDArray b = filledBase(src, Order.C, 2, 3, 4);
    NDArray col = b.get(":, :1");
    out.add(new Object[] {"broadcast", col, b, col.broadcastTo(2, 3, 4)});
    return out;
  }

  private NDArray filledBase(DType src, Order order, long... shape) {
    NDArray a = np.empty(src, order, shape);
    long[] bits = edgeBits(src);
    long start = a.dataAddress();
    long[] strides = a.strides();
    int[] k = {0};
    ViewGoldenTest.forEachIndexC(shape, idx -> Raw.putBits(start + ViewGoldenTest.offset(idx,
        strides), src.itemsize(), bits[k[0]++ % bits.length]));
    return a;
  }

  private static void closeAll(List<Object[]> layouts) {
    for (Object[] l : layouts) {
      for (int i = l.length - 1; i >= 1; i--) {
        ((NDArray) l[i]).close();
      }
    }
  }

  @org.junit.jupiter.api.Test
  void contiguousFloatToUInt32FollowsNumPysBlockRule() {
    // np.array([nan, inf, -inf, 2**32, 5e9, -1, 7, 3e9, nan], 'f8').astype('u4') on x86-64:
    // the first eight elements (two SIMD blocks) follow the vector rule, the ninth the scalar one
    double[] v = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0x1p32, 5e9, -1,
        7, 3e9, Double.NaN};
    long[] numpy = {2147483648L, 0, 2147483648L, 0, 0, 4294967295L, 7, 3000000000L, 0};
    try (NDArray x = np.array(v); NDArray y = x.astype(DType.UINT32)) {
      assertArrayEquals(numpy, y.toLongArray());
      for (int i = 0; i < v.length; i++) {
        long want = i < 8 ? Convert.doubleToUInt32Simd(v[i]) : Convert.doubleToUInt32(v[i]);
        assertEquals(want, y.getLong(i), "element " + i);
      }
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("pairs")
  void valuesEqualTheScalarReference(DType src, DType dst) {
    List<Object[]> ls = layouts(src);
    try {
      for (Object[] l : ls) {
        String name = (String) l[0];
        NDArray x = (NDArray) l[l.length - 1];
        long[] in = ViewGoldenTest.bitsC(x);
        long[] expected = Arrays.stream(in).map(v -> Convert.rawBitsConvert(src, dst, v)).toArray();
        try (NDArray y = x.astype(dst);
             NDArray z = x.astype(dst, Casting.UNSAFE, false)) {
          assertEquals(dst, y.dtype(), name);
          assertArrayEquals(x.shape(), y.shape(), name + ": shape");
          long[] got = ViewGoldenTest.bitsC(y);
          long[] gotZ = ViewGoldenTest.bitsC(z);
          if (src.isFloat() && dst == DType.UINT32) {
            // NumPy's own rule depends on the run: whole blocks of four in a contiguous run follow
            // its SIMD loop (Convert.doubleToUInt32Simd), the rest the scalar rule. Out-of-range
            // inputs are covered by contiguousFloatToUInt32FollowsNumPysBlockRule; here compare
            // the values on which both rules agree.
            for (int i = 0; i < in.length; i++) {
              double v = src == DType.FLOAT64 ? Double.longBitsToDouble(in[i])
                  : src == DType.FLOAT32 ? Float.intBitsToFloat((int) in[i])
                  : io.tessera.dtype.Float16.toDouble((short) in[i]);
              if (Convert.doubleToUInt32(v) != Convert.doubleToUInt32Simd(v)) {
                expected[i] = got[i];
                gotZ[i] = got[i];
              }
            }
          }
          assertArrayEquals(expected, got, name + ": " + src + " -> " + dst);
          assertArrayEquals(expected, gotZ, name + ": copy=false");
          assertTrue(y.flags().ownData() && y.base() == null, name + ": astype copies");
          assertTrue(y.isWriteable(), name + ": the copy is writeable");
          assertFalse(y.sharesMemory(x), name + ": the copy shares no memory");
          assertEquals(src == dst, z.sharesMemory(x), name + ": copy=false is a view iff same dtype");
        }
      }
    } finally {
      closeAll(ls);
    }
  }

  // ------------------------------------------------------------------------------ order K

  /** An int16 arange(24) reshaped (2,3,4) in C order, seen through {@code view}. */
  private long[] astypeStrides(Function<NDArray, NDArray> view, Order baseOrder) {
    try (NDArray a0 = np.arange(0, 24, 1, DType.INT16);
         NDArray a = a0.reshape(new long[] {2, 3, 4}, Order.C, CopyMode.IF_NEEDED);
         NDArray base = a.copy(baseOrder);
         NDArray x = view.apply(base);
         NDArray y = x.astype(DType.FLOAT64)) {
      long[] in = x.toLongArray();
      double[] got = y.toDoubleArray();
      for (int i = 0; i < in.length; i++) {
        assertEquals((double) in[i], got[i], "value " + i);
      }
      assertNull(y.base());
      return y.strides();
    }
  }

  @Test
  void orderKLayoutsAsNumpy() {
    // x.astype(np.float64).strides for x built from np.arange(24, dtype=np.int16).reshape(2,3,4)
    assertArrayEquals(new long[] {96, 32, 8}, astypeStrides(x -> x.view(), Order.C), "C");
    assertArrayEquals(new long[] {8, 16, 48}, astypeStrides(x -> x.view(), Order.F),
        "np.asfortranarray(b)");
    assertArrayEquals(new long[] {32, 96, 8}, astypeStrides(x -> x.transpose(1, 0, 2), Order.C),
        "b.transpose(1, 0, 2)");
    assertArrayEquals(new long[] {96, 32, 8}, astypeStrides(x -> x.get("::-1, :, ::-1"), Order.C),
        "b[::-1, :, ::-1]");
    assertArrayEquals(new long[] {64, 32, 8}, astypeStrides(x -> x.get(":, ::2"), Order.C),
        "b[:, ::2]");
    assertArrayEquals(new long[] {8, 32, 96}, astypeStrides(NDArray::T, Order.C), "b.T");
    assertArrayEquals(new long[] {8, 16, 48}, astypeStrides(x -> {
      try (NDArray s = x.swapaxes(0, 2)) {
        return s.get("::2");
      }
    }, Order.C), "b.swapaxes(0, 2)[::2]");
    assertArrayEquals(new long[] {96, 8, 24}, astypeStrides(x -> {
      try (NDArray s = x.get(":, :1")) {
        return s.broadcastTo(2, 3, 4);
      }
    }, Order.C), "np.broadcast_to(b[:, :1], (2, 3, 4))");
    assertArrayEquals(new long[] {8, 16, 16}, astypeStrides(x -> {
      try (NDArray s = x.get(":, 1:2, ::-2")) {
        return s.transpose(2, 1, 0);
      }
    }, Order.C), "b[:, 1:2, ::-2].transpose(2, 1, 0)");
  }

  // ------------------------------------------------------------------------------ copy=false

  @Test
  void copyFalseSameDtypeIsAView() {
    try (NDArray a0 = np.arange(12);
         NDArray a = a0.reshape(3, 4);
         NDArray x = a.get("::-1, 1:");
         NDArray v = x.astype(DType.INT64, Casting.NO, false);
         NDArray c = x.astype(DType.INT64, Casting.NO, true);
         NDArray d = x.astype(DType.INT32, Casting.UNSAFE, false)) {
      assertNotNull(v.base(), "copy=false, same dtype: a view");
      assertFalse(v.flags().ownData());
      assertTrue(v.sharesMemory(a));
      assertArrayEquals(x.strides(), v.strides(), "the view keeps the layout");
      assertArrayEquals(x.toLongArray(), v.toLongArray());
      v.setLong(-7, 0, 0);
      assertEquals(-7, a.getLong(2, 1), "writes through the view reach the array");

      assertNull(c.base(), "copy=true: a copy");
      assertFalse(c.sharesMemory(a));
      assertArrayEquals(new long[] {24, 8}, c.strides(), "K layout of a reversed view: C");

      assertNull(d.base(), "copy=false with another dtype still copies");
      assertFalse(d.sharesMemory(a));
      assertEquals(DType.INT32, d.dtype());
      assertArrayEquals(new long[] {9, 10, 11, 5, 6, 7, 1, 2, 3}, d.toLongArray(),
          "the copies were taken before the write");
      assertArrayEquals(d.toLongArray(), c.toLongArray());
    }
  }

  @Test
  void copyFalseOfAReadOnlyViewStaysReadOnly() {
    try (NDArray a = np.arange(4);
         NDArray b = a.broadcastTo(3, 4);
         NDArray v = b.astype(DType.INT64, Casting.UNSAFE, false);
         NDArray c = b.astype(DType.INT64)) {
      assertFalse(v.isWriteable(), "NumPy returns the read-only array itself");
      assertArrayEquals(new long[] {0, 8}, v.strides());
      assertTrue(c.isWriteable(), "a copy is writeable");
      assertArrayEquals(new long[] {8, 24}, c.strides(), "K layout of a broadcast: NumPy puts the stride-0 axis innermost");
      assertArrayEquals(b.toLongArray(), c.toLongArray());
    }
  }
}
