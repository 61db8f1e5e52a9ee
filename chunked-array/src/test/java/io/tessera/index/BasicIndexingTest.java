package io.tessera.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.errors.IndexOutOfRangeException;
import io.tessera.errors.IndexSyntaxException;
import io.tessera.shape.Layout;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected values are NumPy 2.4's, from the expression in each comment. */
class BasicIndexingTest {
  /** a = np.arange(24, dtype=np.int64).reshape(2, 3, 4): strides (96, 32, 8). */
  private static final Layout A = new Layout(new long[] {2, 3, 4}, new long[] {96, 32, 8}, 0, 8);

  private static Layout ix(Layout in, String index) {
    return BasicIndexing.apply(in, IndexParser.parse(index));
  }

  private static void assertLayout(long[] shape, long[] strides, long offset, Layout l) {
    assertArrayEquals(shape, l.shape(), "shape of " + l);
    assertArrayEquals(strides, l.strides(), "strides of " + l);
    assertEquals(offset, l.offset(), "offset of " + l);
  }

  @Test
  void integersAndSlicesGiveNumPysViews() {
    assertLayout(new long[] {3, 4}, new long[] {32, 8}, 96, ix(A, "1")); // a[1]
    assertLayout(new long[] {2, 3, 4}, new long[] {96, -32, 8}, 64, ix(A, ":, ::-1"));
    assertLayout(new long[] {2, 3, 2}, new long[] {96, 32, 16}, 8, ix(A, "..., 1:4:2"));
    assertLayout(new long[] {1, 3}, new long[] {0, 32}, 24, ix(A, "None, 0, :, -1"));
    assertLayout(new long[] {1}, new long[] {8}, 184, ix(A, "-1, -1, -1:"));
    assertLayout(new long[] {1, 3, 4}, new long[] {-192, 32, 8}, 96, ix(A, "5:0:-2"));
    // a[::-1, ::-2, 10:-10:-3]
    assertLayout(new long[] {2, 2, 2}, new long[] {-96, -64, -24}, 184,
        ix(A, "::-1, ::-2, 10:-10:-3"));
    assertLayout(new long[] {2, 3, 4}, new long[] {96, 32, 8}, 0, ix(A, "-100:100"));
    assertLayout(new long[] {3}, new long[] {32}, 112, ix(A, "1, ..., 2"));
  }

  @Test
  void newAxesAndEllipsis() {
    assertLayout(new long[] {2, 3, 4, 1}, new long[] {96, 32, 8, 0}, 0, ix(A, "..., None"));
    assertLayout(new long[] {1, 2, 3, 4, 1}, new long[] {0, 96, 32, 8, 0}, 0,
        ix(A, "np.newaxis, ..., np.newaxis"));
    assertLayout(A.shape(), A.strides(), 0, ix(A, "..."));
    assertLayout(A.shape(), A.strides(), 0, ix(A, ""));
    Layout scalar = new Layout(new long[0], new long[0], 40, 4);
    assertLayout(new long[0], new long[0], 40, ix(scalar, "..."));
    assertLayout(new long[0], new long[0], 40, ix(scalar, "")); // a[()]
    assertLayout(new long[] {1}, new long[] {0}, 40, ix(scalar, "None"));
  }

  @Test
  void emptySlicesKeepTheOffsetValid() {
    assertLayout(new long[] {0, 3, 4}, new long[] {96, 32, 8}, 0, ix(A, "1:1")); // a[1:1]
    assertLayout(new long[] {2, 0, 4}, new long[] {96, 32, 8}, 0, ix(A, ":, 0:2:-1"));
    Layout shifted = new Layout(new long[] {5}, new long[] {-8}, 32, 8);
    assertLayout(new long[] {0}, new long[] {-8}, 32, ix(shifted, "3:1"));
  }

  @Test
  void hugeStepsWrapTheStrideAsNumPy() {
    Layout v = new Layout(new long[] {10}, new long[] {8}, 0, 8);
    // np.zeros(10)[::2**62].strides == (0,); [::-2**63] -> step -(2**63-1) -> (8,)
    assertLayout(new long[] {1}, new long[] {0}, 0, BasicIndexing.apply(v,
        List.of(Index.slice(null, null, 1L << 62))));
    assertLayout(new long[] {1}, new long[] {8}, 72, BasicIndexing.apply(v,
        List.of(Index.slice(null, null, Long.MIN_VALUE))));
  }

  @Test
  void sliceIndicesFollowsPython() {
    // slice(None, None, -1).indices(5) == (4, -1, -1): 5 elements
    assertArrayEquals(new long[] {4, -1, 5},
        BasicIndexing.sliceIndices(new Index.Slice(null, null, -1), 5));
    // slice(-10, 10, 3).indices(7) == (0, 7, 3): 3 elements
    assertArrayEquals(new long[] {0, 3, 3},
        BasicIndexing.sliceIndices(new Index.Slice(-10L, 10L, 3), 7));
    // slice(2, 2).indices(7): empty
    assertEquals(0, BasicIndexing.sliceIndices(new Index.Slice(2L, 2L, 1), 7)[2]);
    // slice(10, -10, -4).indices(7) == (6, -1, -4): 2 elements
    assertArrayEquals(new long[] {6, -4, 2},
        BasicIndexing.sliceIndices(new Index.Slice(10L, -10L, -4), 7));
  }

  @Test
  void errorsHaveNumPysText() {
    Layout a2 = new Layout(new long[] {2, 3}, new long[] {24, 8}, 0, 8);
    assertOutOfRange("too many indices for array: array is 2-dimensional, but 3 were indexed",
        a2, "0, 0, 0");
    assertOutOfRange("too many indices for array: array is 0-dimensional, but 1 were indexed",
        new Layout(new long[0], new long[0], 0, 8), ":");
    assertOutOfRange("index 5 is out of bounds for axis 0 with size 2", a2, "5, 7");
    assertOutOfRange("index 7 is out of bounds for axis 1 with size 3", a2, "1, 7");
    assertOutOfRange("index 5 is out of bounds for axis 1 with size 3", a2, "..., 5");
    assertOutOfRange("index -4 is out of bounds for axis 1 with size 3", a2, ":, -4");
    // np.zeros(1)[(None,)*64]
    assertOutOfRange("number of dimensions must be within [0, 64], indexing result would have 65",
        new Layout(new long[] {1}, new long[] {8}, 0, 8), "None, ".repeat(64));
    // np.zeros(1)[(0,)*129]
    assertOutOfRange("too many indices for array", new Layout(new long[] {1}, new long[] {8}, 0, 8),
        "0, ".repeat(129));
    List<Index> twoEllipses = List.of(Index.ellipsis(), Index.at(0), Index.ellipsis());
    assertEquals("an index can only have a single ellipsis ('...')", assertThrows(
        IndexSyntaxException.class, () -> BasicIndexing.apply(a2, twoEllipses)).getMessage());
  }

  @Test
  void tooManyIndicesIsCheckedBeforeBounds() {
    Layout a2 = new Layout(new long[] {2, 3}, new long[] {24, 8}, 0, 8);
    assertOutOfRange("too many indices for array: array is 2-dimensional, but 3 were indexed",
        a2, "9, 9, 9");
  }

  @Test
  void arrayEntriesAreRefusedByApply() {
    List<Index> index = List.of(new Index.ArrayIndex(null));
    assertThrows(IllegalArgumentException.class, () -> BasicIndexing.apply(A, index));
    assertFalse(BasicIndexing.isBasic(index));
    assertTrue(BasicIndexing.isBasic(IndexParser.parse("1, :, None")));
  }

  // -------------------------------------------------------------------- split for advanced indexing

  /** Index arrays stand in as identity keys; their shape/kind come from the map. */
  private static BasicIndexing.Split split(Layout in, Object... entries) {
    List<Index> index = new ArrayList<>();
    Map<Index.ArrayIndex, BasicIndexing.ArrayInfo> infos = new IdentityHashMap<>();
    for (Object e : entries) {
      if (e instanceof BasicIndexing.ArrayInfo info) {
        Index.ArrayIndex ai = new Index.ArrayIndex(null);
        infos.put(ai, info);
        index.add(ai);
      } else {
        index.add((Index) e);
      }
    }
    return BasicIndexing.split(in, index, infos::get);
  }

  private static BasicIndexing.ArrayInfo ints(long... shape) {
    return new BasicIndexing.ArrayInfo(shape, false);
  }

  private static BasicIndexing.ArrayInfo bools(long... shape) {
    return new BasicIndexing.ArrayInfo(shape, true);
  }

  @Test
  void adjacentAdvancedIndicesReplaceTheirAxesInPlace() {
    Layout b = new Layout(new long[] {5, 6, 7, 8}, new long[] {2688, 448, 64, 8}, 0, 8);
    // b[:, [[0], [1]], [0, 1, 2], :].shape == (5, 2, 3, 8)
    BasicIndexing.Split s = split(b, Index.all(), ints(2, 1), ints(3), Index.all());
    assertEquals(1, s.insertAt());
    assertArrayEquals(new long[] {5, 8}, s.subspace().shape());
    assertArrayEquals(new long[] {5, 2, 3, 8}, s.resultShape(new long[] {2, 3}));
    assertEquals(2, s.advanced().size());
    assertArrayEquals(new int[] {1}, s.advanced().get(0).axes());
    assertArrayEquals(new long[] {448}, s.advanced().get(0).axisStrides());
    assertArrayEquals(new int[] {2}, s.advanced().get(1).axes());
    assertArrayEquals(new long[] {7}, s.advanced().get(1).axisLengths());
    assertTrue(s.isAdvanced());
    assertTrue(s.requiresCopy());
  }

  @Test
  void separatedAdvancedIndicesGoFirst() {
    Layout c = new Layout(new long[] {3, 4, 5}, new long[] {160, 40, 8}, 0, 8);
    // c[0, :, [1, 2]].shape == (2, 4): the integer counts as advanced, so they are not adjacent
    BasicIndexing.Split s = split(c, Index.at(0), Index.all(), ints(2));
    assertEquals(0, s.insertAt());
    assertArrayEquals(new long[] {2, 4}, s.resultShape(new long[] {2}));
    assertEquals(0, s.subspace().offset());
    // c[:, 1, [1, 2]].shape == (3, 2): adjacent, in place
    BasicIndexing.Split t = split(c, Index.all(), Index.at(1), ints(2));
    assertEquals(1, t.insertAt());
    assertEquals(40, t.subspace().offset());
    assertArrayEquals(new long[] {3, 2}, t.resultShape(new long[] {2}));
    // c[[0], :, None, [1]] -> (1, 4, 1): a new axis in between separates them
    assertArrayEquals(new long[] {1, 4, 1},
        split(c, ints(1), Index.all(), Index.newAxis(), ints(1)).resultShape(new long[] {1}));
    // c[:, [0], ..., [1]] on 3-d: the zero-width ellipsis separates them: (1, 3)
    assertArrayEquals(new long[] {1, 3},
        split(c, Index.all(), ints(1), Index.ellipsis(), ints(1)).resultShape(new long[] {1}));
  }

  @Test
  void booleanArraysCoverTheirDimensions() {
    Layout c = new Layout(new long[] {3, 4, 5}, new long[] {160, 40, 8}, 0, 8);
    // mask of shape (3, 4) with 7 true values: c[mask].shape == (7, 5)
    BasicIndexing.Split s = split(c, bools(3, 4));
    assertArrayEquals(new int[] {0, 1}, s.advanced().get(0).axes());
    assertArrayEquals(new long[] {7, 5}, s.resultShape(new long[] {7}));
    // c[np.ones((3, 5), bool)]
    assertEquals("boolean index did not match indexed array along axis 1; size of axis is 4 but "
        + "size of corresponding boolean axis is 5", assertThrows(IndexOutOfRangeException.class,
            () -> split(c, bools(3, 5))).getMessage());
    // c[:, np.zeros(0, bool)] is accepted: NumPy does not check boolean axes of length 0
    assertArrayEquals(new long[] {3, 0, 5},
        split(c, Index.all(), bools(0)).resultShape(new long[] {0}));
    // c[np.ones((3, 4, 5, 1), bool)]
    assertEquals("too many indices for array: array is 3-dimensional, but 4 were indexed",
        assertThrows(IndexOutOfRangeException.class, () -> split(c, bools(3, 4, 5, 1)))
            .getMessage());
    // c[True].shape == (1, 3, 4, 5): a 0-d boolean covers no axis
    BasicIndexing.Split t = split(c, bools());
    assertEquals(0, t.advanced().get(0).axes().length);
    assertArrayEquals(new long[] {1, 3, 4, 5}, t.resultShape(new long[] {1}));
  }

  @Test
  void zeroDimIntegerArraysActAsIntegers() {
    Layout c = new Layout(new long[] {3, 4}, new long[] {32, 8}, 0, 8);
    BasicIndexing.ArrayInfo scalar = new BasicIndexing.ArrayInfo(new long[0], false, 2L);
    BasicIndexing.Split s = split(c, scalar);
    assertFalse(s.isAdvanced());
    assertTrue(s.requiresCopy()); // NumPy copies c[np.array(2)]
    assertEquals(64, s.subspace().offset());
    assertArrayEquals(new long[] {4}, s.subspace().shape());
    // c[np.array(5)]
    BasicIndexing.ArrayInfo bad = new BasicIndexing.ArrayInfo(new long[0], false, 5L);
    assertEquals("index 5 is out of bounds for axis 0 with size 3",
        assertThrows(IndexOutOfRangeException.class, () -> split(c, bad)).getMessage());
  }

  @Test
  void splitOfABasicIndexIsApply() {
    BasicIndexing.Split s = split(A, Index.at(1), Index.slice(null, null, -1));
    assertFalse(s.isAdvanced());
    assertFalse(s.requiresCopy());
    assertTrue(s.advanced().isEmpty());
    Layout expected = ix(A, "1, ::-1");
    assertLayout(expected.shape(), expected.strides(), expected.offset(), s.subspace());
  }

  private static void assertOutOfRange(String message, Layout in, String index) {
    IndexOutOfRangeException e = assertThrows(IndexOutOfRangeException.class,
        () -> ix(in, index));
    assertEquals(message, e.getMessage());
    assertEquals("index", e.op());
  }
}
