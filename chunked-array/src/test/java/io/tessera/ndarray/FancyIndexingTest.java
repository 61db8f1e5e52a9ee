package io.tessera.ndarray;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.errors.CastingException;
import io.tessera.errors.IndexOutOfRangeException;
import io.tessera.errors.IndexSyntaxException;
import io.tessera.errors.TesseraException;
import io.tessera.index.Index;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Advanced indexing and {@code np.take} against NumPy 2.4.6: every expected shape, stride, flag,
 * {@code base is None} and value below was printed by NumPy for the same expression (noted in each
 * test). Every array is closed and the allocator must end empty.
 */
class FancyIndexingTest {
  private BufferAllocator alloc;
  private Tessera np;
  private final List<NDArray> open = new ArrayList<>();

  @BeforeEach
  void setUp() {
    alloc = new RootAllocator();
    np = Tessera.using(alloc);
  }

  @AfterEach
  void tearDown() {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    assertEquals(0, alloc.getAllocatedMemory(), "memory still allocated after closing every array");
    alloc.close();
  }

  private NDArray keep(NDArray a) {
    open.add(a);
    return a;
  }

  /** np.arange(n).astype(dtype).reshape(shape), in C or F order. */
  private NDArray arange(DType dt, Order order, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    try (NDArray r = np.arange(0, n, 1, dt); NDArray c = r.reshape(shape)) {
      return keep(order == Order.F ? c.copy(Order.F) : c.copy(Order.C));
    }
  }

  private NDArray arange(long... shape) {
    return arange(DType.INT64, Order.C, shape);
  }

  private NDArray ints(Object javaArray) {
    return keep(np.array(javaArray, DType.INT64));
  }

  private NDArray bools(Object javaArray) {
    return keep(np.array(javaArray, DType.BOOL));
  }

  private static Index ix(NDArray a) {
    return Index.of(a);
  }

  private NDArray get(NDArray a, Index... index) {
    return keep(a.get(index));
  }

  /** Shape, strides, C/F contiguity, OWNDATA, base-is-None and values (C order) as NumPy's. */
  private static void expect(NDArray r, long[] shape, long[] strides, boolean c, boolean f,
      boolean own, boolean baseNone, double... values) {
    List<Executable> checks = new ArrayList<>();
    checks.add(() -> assertArrayEquals(shape, r.shape(), "shape"));
    checks.add(() -> assertArrayEquals(strides, r.strides(), "strides"));
    checks.add(() -> assertEquals(c, r.isCContiguous(), "C_CONTIGUOUS"));
    checks.add(() -> assertEquals(f, r.isFContiguous(), "F_CONTIGUOUS"));
    checks.add(() -> assertEquals(own, r.flags().ownData(), "OWNDATA"));
    checks.add(() -> assertEquals(baseNone, r.base() == null, "base is None"));
    checks.add(() -> assertArrayEquals(values, r.toDoubleArray(), "values"));
    assertAll(checks.stream());
  }

  private static long[] s(long... v) {
    return v;
  }

  private static void expectError(Class<? extends TesseraException> type, String message,
      Executable e) {
    TesseraException x = assertThrows(type, e);
    assertEquals(message, x.getMessage());
  }

  // ------------------------------------------------------------------ layout of the result

  @Test
  void indexArrayAfterASliceIsATransposedViewOfTheHiddenBuffer() {
    // int16 a (4,5) C: a[:, [1,3]] -> (4,2) strides (2,8), base not None, OWNDATA False
    NDArray a = arange(DType.INT16, Order.C, 4, 5);
    NDArray r = get(a, Index.all(), ix(ints(new long[] {1, 3})));
    expect(r, s(4, 2), s(2, 8), false, true, false, false, 1, 3, 6, 8, 11, 13, 16, 18);
    assertFalse(r.sharesMemory(a));
  }

  @Test
  void subspaceKeepsTheSourceMemoryOrder() {
    // float16 (2,3,4): a[..., [1,2]] -> C input strides (6,2,12), F input (2,4,12)
    double[] v = {1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22};
    NDArray c = arange(DType.FLOAT16, Order.C, 2, 3, 4);
    expect(get(c, Index.ellipsis(), ix(ints(new long[] {1, 2}))), s(2, 3, 2), s(6, 2, 12), false,
        false, false, false, v);
    NDArray f = arange(DType.FLOAT16, Order.F, 2, 3, 4);
    expect(get(f, Index.ellipsis(), ix(ints(new long[] {1, 2}))), s(2, 3, 2), s(2, 4, 12), false,
        true, false, false, v);
  }

  @Test
  void newAxisSubspaceDimensionIsInnermost() {
    // bool (3,4) C = arange(12) % 3 == 0: a[None, [0,1]] -> (1,2,4) strides (1,4,1)
    NDArray b = keep(np.array(new boolean[][] {{true, false, false, true}, {false, false, true,
        false}, {false, true, false, false}}, DType.BOOL));
    expect(get(b, Index.newAxis(), ix(ints(new long[] {0, 1}))), s(1, 2, 4), s(1, 4, 1), true,
        false, false, false, 1, 0, 0, 1, 0, 0, 1, 0);
  }

  @Test
  void emptyResultsHaveZeroStrides() {
    // a[np.array([], int64)] on (4,5) int64 -> (0,5) strides (0,0), owner
    NDArray a = arange(4, 5);
    expect(get(a, ix(keep(np.empty(DType.INT64, 0)))), s(0, 5), s(0, 0), true, true, true, true);
    // a[[10], []] -> (0,): the indices broadcast to nothing, so none is checked
    expect(get(a, ix(ints(new long[] {10})), ix(keep(np.empty(DType.INT64, 0)))), s(0), s(0),
        true, true, true, true);
    // a[False] -> (0,4,5) strides (0,0,0)
    expect(get(a, ix(keep(np.full(DType.BOOL, 0)))), s(0, 4, 5), s(0, 0, 0), true, true, true,
        true);
  }

  @Test
  void integersAndArraysTogether() {
    NDArray x = arange(2, 3, 4);
    // x[1, :, [0,2]]: integer and array not adjacent -> broadcast dims first, an owner
    expect(get(x, Index.at(1), Index.all(), ix(ints(new long[] {0, 2}))), s(2, 3), s(24, 8), true,
        false, true, true, 12, 16, 20, 14, 18, 22);
    // x[:, 1, [0,2]]: adjacent -> in place, a view
    expect(get(x, Index.all(), Index.at(1), ix(ints(new long[] {0, 2}))), s(2, 2), s(8, 16), false,
        true, false, false, 4, 6, 16, 18);
  }

  @Test
  void nonAdjacentArraysPutTheBroadcastDimensionsFirst() {
    NDArray x = arange(2, 3, 4);
    // x[[0,1], :, [1,2]] -> (2,3) owner
    expect(get(x, ix(ints(new long[] {0, 1})), Index.all(), ix(ints(new long[] {1, 2}))), s(2, 3),
        s(24, 8), true, false, true, true, 1, 5, 9, 14, 18, 22);
    // x[:, [0,1], [1,2]] -> adjacent: (2,2) view
    expect(get(x, Index.all(), ix(ints(new long[] {0, 1})), ix(ints(new long[] {1, 2}))), s(2, 2),
        s(8, 16), false, true, false, false, 1, 6, 13, 18);
    // x[:, [0,1], ..., [1,2]]: the ellipsis stands for no axis but still separates the arrays
    expect(get(x, Index.all(), ix(ints(new long[] {0, 1})), Index.ellipsis(),
        ix(ints(new long[] {1, 2}))), s(2, 2), s(16, 8), true, false, true, true, 1, 13, 6, 18);
  }

  @Test
  void broadcastIndexArrays() {
    // a.astype(uint8)[[[0],[3]], [1,4]] -> (2,2) strides (2,1)
    NDArray a = arange(DType.UINT8, Order.C, 4, 5);
    expect(get(a, ix(ints(new long[][] {{0}, {3}})), ix(ints(new long[] {1, 4}))), s(2, 2),
        s(2, 1), true, false, true, true, 1, 4, 16, 19);
  }

  @Test
  void indexArrayOrderDecidesTheResultOrderWhenThereIsNoSubspace() {
    NDArray v = keep(np.array(new long[] {0, 10, 20, 30, 40}, DType.INT64));
    // v[asfortranarray([[0,1,2],[1,0,4]])] -> (2,3) strides (8,16), F
    NDArray i2 = keep(ints(new long[][] {{0, 1, 2}, {1, 0, 4}}).copy(Order.F));
    expect(get(v, ix(i2)), s(2, 3), s(8, 16), false, true, true, true, 0, 10, 20, 10, 0, 40);
    // v[i2.T.astype(int32)] -> (3,2) strides (16,8)
    NDArray t32 = keep(keep(i2.T()).astype(DType.INT32));
    expect(get(v, ix(t32)), s(3, 2), s(16, 8), true, false, true, true, 0, 10, 10, 0, 20, 40);
    // v[np.array([[0,1,2,3],[4,3,2,1]], int32)[:, ::2]] -> (2,2) strides (16,8)
    NDArray i3 = keep(np.array(new long[][] {{0, 1, 2, 3}, {4, 3, 2, 1}}, DType.INT32));
    NDArray i3s = keep(i3.get(":, ::2"));
    expect(get(v, ix(i3s)), s(2, 2), s(16, 8), true, false, true, true, 0, 20, 40, 20);
  }

  @Test
  void negativeIndices() {
    NDArray a = arange(4, 5);
    NDArray idx = ints(new long[] {-1, 0, -2});
    expect(get(a, ix(idx)), s(3, 5), s(40, 8), true, false, true, true, 15, 16, 17, 18, 19, 0, 1,
        2, 3, 4, 10, 11, 12, 13, 14);
    assertArrayEquals(new long[] {-1, 0, -2}, idx.toLongArray(), "the index array is not changed");
    expect(get(a, Index.all(), ix(ints(new long[] {-5}))), s(4, 1), s(8, 32), true, true, false,
        false, 0, 5, 10, 15);
  }

  @Test
  void stridedAndReversedSources() {
    // r = arange(20).reshape(4,5)[::-1, ::2]; r[[0,2]][:, [2,0]] -> (2,2) strides (8,16)
    NDArray a = arange(4, 5);
    NDArray r = keep(a.get("::-1, ::2"));
    NDArray rows = get(r, ix(ints(new long[] {0, 2})));
    expect(get(rows, Index.all(), ix(ints(new long[] {2, 0}))), s(2, 2), s(8, 16), false, true,
        false, false, 19, 15, 9, 5);
  }

  // ------------------------------------------------------------------ booleans

  @Test
  void multiDimensionalBooleanMasks() {
    NDArray x = arange(2, 3, 4);
    // x[m], m (2,3) -> (4,4) owner
    NDArray m = bools(new boolean[][] {{true, false, true}, {false, true, true}});
    expect(get(x, ix(m)), s(4, 4), s(32, 8), true, false, true, true, 0, 1, 2, 3, 8, 9, 10, 11, 16,
        17, 18, 19, 20, 21, 22, 23);
    // x[:, m2], m2 = arange(12).reshape(3,4) % 5 < 2 -> (2,6) strides (8,16), a view
    NDArray m2 = bools(new boolean[][] {{true, true, false, false}, {false, true, true, false},
        {false, false, true, true}});
    expect(get(x, Index.all(), ix(m2)), s(2, 6), s(8, 16), false, true, false, false, 0, 1, 5, 6,
        10, 11, 12, 13, 17, 18, 22, 23);
  }

  @Test
  void fullShapeMaskSelectsInCOrder() {
    // xF = asfortranarray(arange(24).reshape(2,3,4)); xF[xF % 3 == 0] -> 1-D, C order
    NDArray xf = arange(DType.INT64, Order.F, 2, 3, 4);
    NDArray mask = keep(np.zeros(DType.BOOL, Order.F, 2, 3, 4));
    for (long i = 0; i < 2; i++) {
      for (long j = 0; j < 3; j++) {
        for (long k = 0; k < 4; k++) {
          mask.setBoolean(xf.getLong(i, j, k) % 3 == 0, i, j, k);
        }
      }
    }
    expect(keep(xf.mask(mask)), s(8), s(8), true, true, true, true, 0, 3, 6, 9, 12, 15, 18, 21);
    // a reversed, strided source: r = a[::-1, ::2]; r[r % 3 == 0]
    NDArray a = arange(4, 5);
    NDArray r = keep(a.get("::-1, ::2"));
    NDArray rm = bools(new boolean[][] {{true, false, false}, {false, true, false},
        {false, false, true}, {true, false, false}});
    expect(keep(r.mask(rm)), s(4), s(8), true, true, true, true, 15, 12, 9, 0);
  }

  @Test
  void zeroDimensionalBooleans() {
    NDArray a = arange(4, 5);
    NDArray t = keep(np.full(DType.BOOL, 1));
    double[] all = new double[20];
    for (int i = 0; i < 20; i++) {
      all[i] = i;
    }
    // a[True] -> (1,4,5) owner; a[..., True] -> (4,5,1) strides (40,8,160), a view
    expect(get(a, ix(t)), s(1, 4, 5), s(160, 40, 8), true, false, true, true, all);
    expect(get(a, Index.ellipsis(), ix(t)), s(4, 5, 1), s(40, 8, 160), true, false, false, false,
        all);
    // a 0-d array: np.array(7.5)[True] -> (1,), [False] -> (0,)
    NDArray z = keep(np.full(DType.FLOAT64, 7.5));
    expect(get(z, ix(t)), s(1), s(8), true, true, true, true, 7.5);
    expect(get(z, ix(keep(np.full(DType.BOOL, 0)))), s(0), s(0), true, true, true, true);
  }

  // ------------------------------------------------------------------ 0-d integer arrays

  @Test
  void zeroDimensionalIntegerArraysAreIntegersButTheResultIsACopy() {
    NDArray a = arange(4, 5);
    NDArray one = keep(np.full(DType.INT64, 1));
    // a[np.array(1)] -> (5,) owner
    expect(get(a, ix(one)), s(5), s(8), true, true, true, true, 5, 6, 7, 8, 9);
    // a.T[np.array(1), ::2] -> (2,) owner
    NDArray at = keep(a.T());
    expect(get(at, ix(one), Index.slice(null, null, 2)), s(2), s(8), true, true, true, true, 1,
        11);
    // a[np.array(3), [1,2]] -> (2,)
    expect(get(a, ix(keep(np.full(DType.INT64, 3))), ix(ints(new long[] {1, 2}))), s(2), s(8), true,
        true, true, true, 16, 17);
  }

  // ------------------------------------------------------------------ errors

  @Test
  void outOfBoundsIndicesNameTheSourceAxis() {
    NDArray a = arange(4, 5);
    expectError(IndexOutOfRangeException.class, "index 10 is out of bounds for axis 1 with size 5",
        () -> a.get(Index.all(), ix(ints(new long[] {10}))));
    expectError(IndexOutOfRangeException.class, "index -5 is out of bounds for axis 0 with size 4",
        () -> a.get(ix(ints(new long[] {1, -5}))));
    // several arrays: checked array by array
    expectError(IndexOutOfRangeException.class, "index 7 is out of bounds for axis 0 with size 4",
        () -> a.get(ix(ints(new long[] {7, 9})), ix(ints(new long[] {10, 1}))));
    // integers are checked before arrays
    expectError(IndexOutOfRangeException.class, "index 5 is out of bounds for axis 0 with size 4",
        () -> a.get(Index.at(5), ix(ints(new long[] {10, 1}))));
  }

  @Test
  void floatIndexArraysAreRejected() {
    NDArray a = arange(4, 5);
    NDArray f = keep(np.array(new double[] {1.0}));
    expectError(IndexSyntaxException.class,
        "arrays used as indices must be of integer (or boolean) type", () -> a.get(ix(f)));
  }

  @Test
  void shapeErrors() {
    NDArray a = arange(4, 5);
    expectError(IndexOutOfRangeException.class, "shape mismatch: indexing arrays could not be "
        + "broadcast together with shapes (2,) (3,) ",
        () -> a.get(ix(ints(new long[] {0, 1})), ix(ints(new long[] {0, 1, 2}))));
    expectError(IndexOutOfRangeException.class, "shape mismatch: indexing arrays could not be "
        + "broadcast together with shapes (2,) (0,) ",
        () -> a.get(ix(ints(new long[] {0, 1})), ix(keep(np.full(DType.BOOL, 0)))));
    expectError(IndexOutOfRangeException.class, "boolean index did not match indexed array along "
        + "axis 0; size of axis is 4 but size of corresponding boolean axis is 2",
        () -> a.get(ix(bools(new boolean[] {true, false}))));
    expectError(IndexOutOfRangeException.class,
        "too many indices for array: array is 2-dimensional, but 3 were indexed",
        () -> a.get(ix(ints(new long[] {0})), ix(ints(new long[] {0})), ix(ints(new long[] {0}))));
  }

  // ------------------------------------------------------------------ ownership

  @Test
  void viewOutlivesItsSourceAndHiddenOwner() {
    NDArray a = arange(DType.INT16, Order.C, 4, 5);
    NDArray idx = ints(new long[] {1, 3});
    NDArray r = a.get(Index.all(), ix(idx));
    try {
      a.close();
      assertNotNull(r.base());
      assertFalse(r.base().isOpen(), "the internal owner is closed; the view holds the buffer");
      assertArrayEquals(new double[] {1, 3, 6, 8, 11, 13, 16, 18}, r.toDoubleArray());
      assertTrue(r.isWriteable());
    } finally {
      r.close();
    }
  }

  @Test
  void ownerResultHasNoBase() {
    NDArray a = arange(4, 5);
    try (NDArray r = a.get(ix(ints(new long[] {2, 0})))) {
      assertNull(r.base());
      assertTrue(r.flags().ownData());
    }
  }

  // ------------------------------------------------------------------ np.take

  @Test
  void takeAlwaysAllocatesCOrder() {
    // np.take(asfortranarray(arange(24.).reshape(2,3,4)), [[1,0]], axis=2) -> (2,3,1,2) C
    NDArray xf = arange(DType.FLOAT64, Order.F, 2, 3, 4);
    expect(keep(FancyIndexing.takeAlongAxis(xf, ints(new long[][] {{1, 0}}), 2)), s(2, 3, 1, 2),
        s(48, 16, 16, 8), true, false, true, true, 1, 0, 5, 4, 9, 8, 13, 12, 17, 16, 21, 20);
    NDArray a = arange(4, 5);
    // np.take(a, [-1], axis=0) -> (1,5)
    expect(keep(FancyIndexing.takeAlongAxis(a, ints(new long[] {-1}), 0)), s(1, 5), s(40, 8), true,
        true, true, true, 15, 16, 17, 18, 19);
    // np.take(a, np.array(2), axis=1) -> (4,)
    expect(keep(FancyIndexing.takeAlongAxis(a, keep(np.full(DType.INT64, 2)), 1)), s(4), s(8),
        true, true, true, true, 2, 7, 12, 17);
    // booleans are the integers 0 and 1 here
    expect(keep(FancyIndexing.takeAlongAxis(a, bools(new boolean[] {true, false}), 1)), s(4, 2),
        s(16, 8), true, false, true, true, 1, 0, 6, 5, 11, 10, 16, 15);
    // a 0-d array is taken as 1-D
    expect(keep(FancyIndexing.takeAlongAxis(keep(np.full(DType.FLOAT64, 5.0)),
        ints(new long[] {0, 0}), 0)), s(2), s(8), true, true, true, true, 5, 5);
  }

  @Test
  void takeErrors() {
    NDArray a = arange(4, 5);
    expectError(CastingException.class, "Cannot cast array data from dtype('float64') to "
        + "dtype('int64') according to the rule 'same_kind'",
        () -> FancyIndexing.takeAlongAxis(a, keep(np.array(new double[] {1.0})), 1));
    expectError(IndexOutOfRangeException.class, "index 7 is out of bounds for axis 1 with size 5",
        () -> FancyIndexing.takeAlongAxis(a, ints(new long[] {1, 7, -9}), 1));
    NDArray e = keep(np.zeros(DType.FLOAT64, 3, 0));
    expectError(IndexOutOfRangeException.class, "cannot do a non-empty take from an empty axes.",
        () -> FancyIndexing.takeAlongAxis(e, ints(new long[] {0}), 1));
  }

  // ------------------------------------------------------------------ the common case

  @Test
  void largeOneDimensionalGatherAndMask() {
    int n = 100_000;
    NDArray src = keep(np.arange(0, n, 1, DType.FLOAT64));
    long[] iv = new long[n];
    boolean[] mv = new boolean[n];
    for (int i = 0; i < n; i++) {
      iv[i] = (i * 7919L) % n - (i % 2 == 0 ? n : 0);
      mv[i] = i % 3 == 0;
    }
    double[] got = get(src, ix(ints(iv))).toDoubleArray();
    for (int i = 0; i < n; i++) {
      assertEquals((i * 7919L) % n, (long) got[i]);
    }
    double[] sel = keep(src.mask(bools(mv))).toDoubleArray();
    assertEquals((n + 2) / 3, sel.length);
    for (int i = 0; i < sel.length; i++) {
      assertEquals(3.0 * i, sel[i]);
    }
  }
}
