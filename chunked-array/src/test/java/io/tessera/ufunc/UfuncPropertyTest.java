package io.tessera.ufunc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.parallel.Threads;
import io.tessera.shape.Broadcast;
import io.tessera.testing.Leaks;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random shapes, strides (steps, reversals, transposes) and broadcasts: every ufunc result equals
 * an element-by-element reference computed through the scalar API.
 */
class UfuncPropertyTest {

  private record Op(Ufunc ufunc, DoubleBinaryOperator ref) {}

  private static final Op[] OPS = {
      new Op(Ufunc.ADD, Double::sum),
      new Op(Ufunc.SUBTRACT, (x, y) -> x - y),
      new Op(Ufunc.MULTIPLY, (x, y) -> x * y),
      new Op(Ufunc.MAXIMUM, Math::max),
      new Op(Ufunc.LESS, (x, y) -> x < y ? 1 : 0),
  };
  private static final DType[] TYPES = {DType.FLOAT64, DType.INT64, DType.INT32};

  @Provide
  Arbitrary<Long> seeds() {
    return Arbitraries.longs();
  }

  /** A random strided view of a fresh array with the given target shape. */
  private static NDArray randomView(Tessera np, Random r, DType t, long[] shape, List<NDArray> own) {
    long[] big = new long[shape.length];
    StringBuilder idx = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      int step = 1 + r.nextInt(2);
      boolean rev = r.nextBoolean();
      big[i] = shape[i] * step + r.nextInt(2);
      if (i > 0) {
        idx.append(',');
      }
      if (shape[i] == 0) {
        idx.append("0:0");
      } else if (rev) {
        idx.append(big[i] - 1).append("::-").append(step);
      } else {
        idx.append("::").append(step);
      }
    }
    NDArray base;
    try (NDArray lin = np.arange(-7, -7 + Math.max(1, size(big)), 1, DType.FLOAT64);
        NDArray head = lin.get("0:" + size(big))) {
      base = head.astype(t);
    }
    own.add(base);
    NDArray shaped = base.reshape(big);
    own.add(shaped);
    NDArray v = shape.length == 0 ? shaped.view() : shaped.get(idx.toString());
    own.add(v);
    // trim to the exact shape
    StringBuilder trim = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      trim.append(i > 0 ? "," : "").append("0:").append(shape[i]);
    }
    NDArray out = shape.length == 0 ? v.view() : v.get(trim.toString());
    own.add(out);
    return out;
  }

  private static long size(long[] s) {
    long n = 1;
    for (long d : s) {
      n *= d;
    }
    return n;
  }

  @Property(tries = 300, seed = "7")
  void resultsEqualANaiveReference(@ForAll("seeds") long seed) {
    Random r = new Random(seed);
    Leaks.withAllocator(np -> {
      List<NDArray> own = new ArrayList<>();
      try {
        int nd = r.nextInt(4);
        long[] shape = new long[nd];
        for (int i = 0; i < nd; i++) {
          shape[i] = r.nextInt(5);
        }
        long[] other = shape.clone();
        for (int i = 0; i < nd; i++) {
          if (r.nextInt(3) == 0) {
            other[i] = 1;
          }
        }
        if (nd > 0 && r.nextBoolean()) {
          other = java.util.Arrays.copyOfRange(other, r.nextInt(nd + 1), nd);
        }
        DType ta = TYPES[r.nextInt(TYPES.length)];
        DType tb = TYPES[r.nextInt(TYPES.length)];
        Op op = OPS[r.nextInt(OPS.length)];
        NDArray a = randomView(np, r, ta, shape, own);
        NDArray b = randomView(np, r, tb, other, own);
        if (r.nextBoolean() && nd >= 2) {
          // a transposed operand of the transposed shape, transposed back
          NDArray at = randomView(np, r, ta, reversed(shape), own);
          a = at.T();
          own.add(a);
        }
        NDArray res = op.ufunc().apply(a, b);
        own.add(res);
        long[] bshape = Broadcast.broadcastShapes(shape, other);
        assertArrayEquals(bshape, res.shape());
        try (NDArray ab = a.broadcastTo(bshape); NDArray bb = b.broadcastTo(bshape)) {
          double[] x = ab.toDoubleArray();
          double[] y = bb.toDoubleArray();
          double[] got = res.toDoubleArray();
          for (int i = 0; i < got.length; i++) {
            assertEquals(op.ref().applyAsDouble(x[i], y[i]), got[i], 0.0,
                op.ufunc() + " " + ta + " " + tb + " at " + i);
          }
        }
      } finally {
        for (int i = own.size() - 1; i >= 0; i--) {
          own.get(i).close();
        }
      }
    });
  }

  private static long[] reversed(long[] s) {
    long[] r = new long[s.length];
    for (int i = 0; i < s.length; i++) {
      r[i] = s[s.length - 1 - i];
    }
    return r;
  }

  @Property(tries = 5, seed = "11")
  void threadCountDoesNotChangeBits(@ForAll("seeds") long seed) {
    Leaks.withAllocator(np -> {
      try (NDArray a = np.linspace(-3, 3, 1_000_003); NDArray t = a.get("::-1");
          NDArray m = Ufunc.MULTIPLY.apply(t, 0.7);
          NDArray one = Threads.limit(1, () -> Ufunc.EXP.apply(m));
          NDArray two = Threads.limit(2, () -> Ufunc.EXP.apply(m))) {
        assertArrayEquals(one.toDoubleArray(), two.toDoubleArray());
      }
    });
  }
}
