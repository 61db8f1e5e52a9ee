package io.tessera.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.index.Index;
import io.tessera.testing.Leaks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random shapes (0 to 4 axes of length 0 to 6), slices, reshapes, transposes, ravels and flattens
 * checked against naive references computed on Java arrays. Every property runs on its own
 * allocator ({@link Leaks#withAllocator}) and must give back every byte.
 *
 * <p>The input is always "arange in C order": element (i0, ..., ik) holds its C-order linear index,
 * whatever the memory order (C or F) of the array, so that a reference is a matter of index
 * arithmetic.
 */
class ViewPropertyTest {
  private static final int TRIES = 300;
  private static final String SEED = "20240611";

  /** One slice {@code start:stop:step}; nulls are omitted bounds. */
  record Sl(Long start, Long stop, long step) {
    @Override
    public String toString() {
      return (start == null ? "" : start) + ":" + (stop == null ? "" : stop) + ":" + step;
    }
  }

  record SliceCase(long[] shape, Order order, List<Sl> slices) {
    @Override
    public String toString() {
      return Arrays.toString(shape) + " " + order + " " + slices;
    }
  }

  record ShapeCase(long[] shape, Order order, long[] other, Order reshapeOrder) {
    @Override
    public String toString() {
      return Arrays.toString(shape) + " " + order + " -> " + Arrays.toString(other) + " order "
          + reshapeOrder;
    }
  }

  record PermCase(long[] shape, Order order, int[] perm, Order flatOrder) {
    @Override
    public String toString() {
      return Arrays.toString(shape) + " " + order + " perm " + Arrays.toString(perm) + " flat "
          + flatOrder;
    }
  }

  // ------------------------------------------------------------------------------ arbitraries

  static Arbitrary<long[]> shapes() {
    return Arbitraries.longs().between(0, 6).list().ofMinSize(0).ofMaxSize(4)
        .map(l -> l.stream().mapToLong(Long::longValue).toArray());
  }

  static Arbitrary<Order> memoryOrders() {
    return Arbitraries.of(Order.C, Order.F);
  }

  static Arbitrary<Sl> slices() {
    Arbitrary<Long> bound = Arbitraries.longs().between(-8, 8).injectNull(0.25);
    Arbitrary<Long> step = Arbitraries.longs().between(-3, 3).filter(s -> s != 0);
    return Combinators.combine(bound, bound, step).as(Sl::new);
  }

  @Provide
  Arbitrary<SliceCase> sliceCases() {
    return Combinators.combine(shapes(), memoryOrders()).flatAs((shape, order) ->
        slices().list().ofSize(shape.length).map(sl -> new SliceCase(shape, order, sl)));
  }

  @Provide
  Arbitrary<ShapeCase> shapeCases() {
    return Combinators.combine(shapes(), memoryOrders(), Arbitraries.of(Order.C, Order.F, Order.A))
        .flatAs((shape, order, ro) -> compatibleShapes(shape).map(o -> new ShapeCase(shape, order, o,
            ro)));
  }

  @Provide
  Arbitrary<PermCase> permCases() {
    return Combinators.combine(shapes(), memoryOrders(), Arbitraries.of(Order.values()))
        .flatAs((shape, order, fo) -> {
          List<Integer> axes = new ArrayList<>();
          for (int i = 0; i < shape.length; i++) {
            axes.add(i);
          }
          return Arbitraries.shuffle(axes).map(p -> new PermCase(shape, order,
              p.stream().mapToInt(Integer::intValue).toArray(), fo));
        });
  }

  /** A random shape with the same number of elements (0 to 4 axes; -1 never used). */
  static Arbitrary<long[]> compatibleShapes(long[] shape) {
    long size = size(shape);
    if (size == 0) {
      // any shape with at least one zero
      return Combinators.combine(shapes().filter(s -> s.length > 0),
          Arbitraries.integers().between(0, 3)).as((s, z) -> {
            long[] t = s.clone();
            t[z % t.length] = 0;
            return t;
          });
    }
    List<Long> primes = new ArrayList<>();
    long n = size;
    for (long p = 2; n > 1; p++) {
      while (n % p == 0) {
        primes.add(p);
        n /= p;
      }
    }
    return Combinators.combine(Arbitraries.shuffle(primes),
        Arbitraries.integers().between(0, 4).list().ofSize(primes.size()),
        Arbitraries.integers().between(0, 2)).as((ps, slots, ones) -> {
          int ndim = 0;
          for (int s : slots) {
            ndim = Math.max(ndim, s + 1);
          }
          ndim = Math.min(4, ndim + ones);
          long[] t = new long[Math.max(ndim, size == 1 ? 0 : 1)];
          Arrays.fill(t, 1);
          for (int i = 0; i < ps.size(); i++) {
            t[slots.get(i) % t.length] *= ps.get(i);
          }
          return t;
        });
  }

  // ------------------------------------------------------------------------------ properties

  @Property(tries = TRIES, seed = SEED)
  void sliceViewEqualsItsCopyAndTheReference(@ForAll("sliceCases") SliceCase c) {
    Leaks.withAllocator(np -> {
      Index[] ix = c.slices().stream().map(s -> Index.slice(s.start(), s.stop(), s.step()))
          .toArray(Index[]::new);
      try (NDArray a = arangeC(np, c.shape(), c.order());
           NDArray v = a.get(ix);
           NDArray copy = v.copy()) {
        // reference: the selected positions on each axis, Python's slice semantics
        long[][] picks = new long[c.shape().length][];
        long[] vshape = new long[picks.length];
        for (int k = 0; k < picks.length; k++) {
          Sl s = c.slices().get(k);
          picks[k] = pySlice(s.start(), s.stop(), s.step(), c.shape()[k]);
          vshape[k] = picks[k].length;
        }
        double[] ref = new double[(int) size(vshape)];
        long[] cstr = cElementStrides(c.shape());
        int[] w = {0};
        forEachIndexC(vshape, j -> {
          long lin = 0;
          for (int k = 0; k < j.length; k++) {
            lin += picks[k][(int) j[k]] * cstr[k];
          }
          ref[w[0]++] = lin;
        });
        assertArrayEquals(vshape, v.shape(), "view shape");
        assertArrayEquals(ref, v.toDoubleArray(), "view values");
        assertArrayEquals(v.toDoubleArray(), copy.toDoubleArray(), "copy values");
        assertArrayEquals(vshape, copy.shape(), "copy shape");
        assertTrue(copy.flags().ownData(), "the copy owns its data");
        assertNull(copy.base(), "the copy has no base");
        assertTrue(copy.isCContiguous(), "copy() is C-contiguous");
        assertFalse(copy.sharesMemory(v), "the copy shares no memory with the view");
        assertFalse(copy.sharesMemory(a), "the copy shares no memory with the array");
        assertEquals(a, v.base(), "the view's base is the array");
        assertEquals(size(vshape) > 0, v.sharesMemory(a), "a non-empty view shares memory");
      }
    });
  }

  @Property(tries = TRIES, seed = SEED)
  void reshapeAndBackRoundTrips(@ForAll("shapeCases") ShapeCase c) {
    Leaks.withAllocator(np -> {
      try (NDArray a = arangeC(np, c.shape(), c.order());
           NDArray r = a.reshape(c.other(), c.reshapeOrder(), CopyMode.IF_NEEDED);
           // back in the order the first reshape resolved to ('A' looks at r, not at a)
           NDArray back = r.reshape(c.shape(), resolvedOrder(a, c.reshapeOrder()),
               CopyMode.IF_NEEDED)) {
        assertArrayEquals(c.other(), r.shape(), "reshaped shape");
        assertArrayEquals(c.shape(), back.shape(), "shape after reshaping back");
        assertArrayEquals(a.toDoubleArray(), back.toDoubleArray(), "values after the round trip");
        // the reshaped values, read in the reshape's order, are the input's values in that order
        boolean fortran = resolvedOrder(a, c.reshapeOrder()) == Order.F;
        assertArrayEquals(flatRef(a, fortran), flatRef(r, fortran), "values in reshape order");
        long n = size(c.shape());
        boolean viewExpected = n <= 1 || (fortran ? a.isFContiguous() : a.isCContiguous());
        if (viewExpected) {
          assertTrue(r.base() != null && (n == 0 || r.sharesMemory(a)),
              "a contiguous array reshapes to a view");
        }
      }
    });
  }

  @Property(tries = TRIES, seed = SEED)
  void transposeEqualsTheReference(@ForAll("permCases") PermCase c) {
    Leaks.withAllocator(np -> {
      try (NDArray a = arangeC(np, c.shape(), c.order());
           NDArray t = a.transpose(c.perm())) {
        int nd = c.shape().length;
        long[] tshape = new long[nd];
        for (int k = 0; k < nd; k++) {
          tshape[k] = c.shape()[c.perm()[k]];
        }
        long[] cstr = cElementStrides(c.shape());
        double[] ref = new double[(int) size(tshape)];
        int[] w = {0};
        forEachIndexC(tshape, j -> {
          long lin = 0;
          for (int k = 0; k < nd; k++) {
            lin += j[k] * cstr[c.perm()[k]];
          }
          ref[w[0]++] = lin;
        });
        assertArrayEquals(tshape, t.shape(), "transposed shape");
        assertArrayEquals(ref, t.toDoubleArray(), "transposed values");
        for (int k = 0; k < nd; k++) {
          assertEquals(a.strides()[c.perm()[k]], t.strides()[k], "strides are permuted");
        }
        assertTrue(size(tshape) == 0 || t.sharesMemory(a), "transpose is a view");
      }
    });
  }

  @Property(tries = TRIES, seed = SEED)
  void ravelAndFlattenEqualTheReference(@ForAll("permCases") PermCase c) {
    Leaks.withAllocator(np -> {
      try (NDArray a = arangeC(np, c.shape(), c.order());
           NDArray t = a.transpose(c.perm());
           NDArray rav = t.ravel(c.flatOrder());
           NDArray flat = t.flatten(c.flatOrder())) {
        // t is contiguous in some axis order; K means memory order, A means F if only F-contiguous
        boolean fortran;
        switch (c.flatOrder()) {
          case C: fortran = false; break;
          case F: fortran = true; break;
          case A: fortran = t.isFContiguous() && !t.isCContiguous(); break;
          default: fortran = false; break;
        }
        double[] ref = c.flatOrder() == Order.K ? memoryOrderRef(t) : flatRef(t, fortran);
        assertArrayEquals(new long[] {size(c.shape())}, rav.shape(), "ravel shape");
        assertArrayEquals(ref, rav.toDoubleArray(), "ravel(" + c.flatOrder() + ") values");
        assertArrayEquals(ref, flat.toDoubleArray(), "flatten(" + c.flatOrder() + ") values");
        assertTrue(flat.flags().ownData() && flat.base() == null, "flatten copies");
        assertFalse(flat.sharesMemory(a), "flatten shares no memory");
        // t is a permutation of a contiguous array, so ravel('K') is always a view of it
        if (c.flatOrder() == Order.K && size(c.shape()) > 0) {
          assertTrue(rav.sharesMemory(a), "ravel('K') of a permuted contiguous array is a view");
        }
      }
    });
  }

  // ------------------------------------------------------------------------------ references

  /** NumPy's reading of order 'A' for reshape: F if the array is F- and not C-contiguous. */
  static Order resolvedOrder(NDArray a, Order o) {
    if (o == Order.A) {
      return a.isFContiguous() && !a.isCContiguous() ? Order.F : Order.C;
    }
    return o;
  }

  /** An int64 array of {@code shape} in memory order {@code order} whose element i holds i (C order). */
  static NDArray arangeC(Tessera np, long[] shape, Order order) {
    NDArray a = np.empty(DType.INT64, order, shape);
    long[] k = {0};
    forEachIndexC(shape, idx -> a.setLong(k[0]++, idx));
    return a;
  }

  /** The array's elements read in C or Fortran index order, through getDouble. */
  static double[] flatRef(NDArray a, boolean fortran) {
    long[] shape = a.shape();
    double[] out = new double[(int) size(shape)];
    int[] w = {0};
    if (!fortran) {
      forEachIndexC(shape, idx -> out[w[0]++] = a.getDouble(idx));
    } else {
      long[] rev = reversed(shape);
      forEachIndexC(rev, j -> out[w[0]++] = a.getDouble(reversed(j)));
    }
    return out;
  }

  /** The elements in the order of their addresses (for arrays that cover their bytes once). */
  static double[] memoryOrderRef(NDArray a) {
    long[] shape = a.shape();
    long[] strides = a.strides();
    List<long[]> addrVal = new ArrayList<>();
    forEachIndexC(shape, idx -> {
      long off = 0;
      for (int k = 0; k < idx.length; k++) {
        off += idx[k] * strides[k];
      }
      addrVal.add(new long[] {off, a.getLong(idx)});
    });
    addrVal.sort((x, y) -> Long.compare(x[0], y[0]));
    double[] out = new double[addrVal.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = addrVal.get(i)[1];
    }
    return out;
  }

  /** Python's slice.indices + range: the positions start:stop:step selects in a length-n axis. */
  static long[] pySlice(Long start, Long stop, long step, long n) {
    long lo;
    long hi;
    if (step > 0) {
      lo = start == null ? 0 : start < 0 ? Math.max(start + n, 0) : Math.min(start, n);
      hi = stop == null ? n : stop < 0 ? Math.max(stop + n, 0) : Math.min(stop, n);
    } else {
      lo = start == null ? n - 1 : start < 0 ? Math.max(start + n, -1) : Math.min(start, n - 1);
      hi = stop == null ? -1 : stop < 0 ? Math.max(stop + n, -1) : Math.min(stop, n - 1);
    }
    List<Long> out = new ArrayList<>();
    for (long i = lo; step > 0 ? i < hi : i > hi; i += step) {
      out.add(i);
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  static long[] cElementStrides(long[] shape) {
    long[] s = new long[shape.length];
    long acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  static long[] reversed(long[] v) {
    long[] r = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = v[v.length - 1 - i];
    }
    return r;
  }

  static long size(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  static void forEachIndexC(long[] shape, java.util.function.Consumer<long[]> body) {
    ViewGoldenTest.forEachIndexC(shape, body);
  }
}
