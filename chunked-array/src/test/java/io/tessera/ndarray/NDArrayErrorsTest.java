package io.tessera.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.errors.CastingException;
import io.tessera.errors.ClosedArrayException;
import io.tessera.errors.CopyRequiredException;
import io.tessera.errors.IndexOutOfRangeException;
import io.tessera.errors.IndexSyntaxException;
import io.tessera.errors.ReadOnlyArrayException;
import io.tessera.errors.ShapeException;
import io.tessera.errors.StridesOutOfBoundsException;
import io.tessera.errors.TesseraException;
import io.tessera.errors.UnsupportedDTypeException;
import io.tessera.index.Index;
import io.tessera.testing.ArrayTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad inputs raise their typed exception, with NumPy's wording where NumPy has one, and leak
 * nothing: the allocator's byte count is the same before and after the failed call, and every test
 * ends with zero bytes allocated ({@link ArrayTestBase}).
 */
class NDArrayErrorsTest extends ArrayTestBase {

  /** Runs {@code body}, expects {@code type}, and checks that the failed call allocated nothing. */
  private <T extends TesseraException> T raises(Class<T> type, Executable body) {
    long before = allocator.getAllocatedMemory();
    T e = assertThrows(type, body);
    assertEquals(before, allocator.getAllocatedMemory(), "the failed call left bytes allocated");
    assertTrue(e.op() != null && !e.op().isEmpty(), "the exception names its operation");
    return e;
  }

  /** np.arange(n).reshape(shape), without leaking the flat array. */
  private NDArray arange(long n, long... shape) {
    try (NDArray flat = np.arange(n)) {
      return flat.reshape(shape);
    }
  }

  private static void assertContains(String expected, String actual) {
    assertTrue(actual != null && actual.contains(expected),
        () -> "message <" + actual + "> does not contain <" + expected + ">");
  }

  // ------------------------------------------------------------------------------ indices

  @Test
  void outOfRangeScalarIndex() {
    try (NDArray a = np.arange(3)) {
      IndexOutOfRangeException e = raises(IndexOutOfRangeException.class, () -> a.getLong(5));
      assertEquals("index 5 is out of bounds for axis 0 with size 3", e.getMessage());
      e = raises(IndexOutOfRangeException.class, () -> a.getDouble(-4));
      assertEquals("index -4 is out of bounds for axis 0 with size 3", e.getMessage());
      raises(IndexOutOfRangeException.class, () -> a.setLong(1, 3));
      assertEquals(2, a.getLong(-1));
    }
  }

  @Test
  void outOfRangeBasicIndex() {
    try (NDArray a = arange(12, 3, 4)) {
      IndexOutOfRangeException e = raises(IndexOutOfRangeException.class, () -> a.get("5"));
      assertEquals("index 5 is out of bounds for axis 0 with size 3", e.getMessage());
      e = raises(IndexOutOfRangeException.class, () -> a.get(":, -5"));
      assertEquals("index -5 is out of bounds for axis 1 with size 4", e.getMessage());
      e = raises(IndexOutOfRangeException.class, () -> a.get(Index.at(0), Index.at(4)));
      assertEquals("index 4 is out of bounds for axis 1 with size 4", e.getMessage());
      e = raises(IndexOutOfRangeException.class, () -> a.get("1, 2, 3"));
      assertContains("too many indices for array", e.getMessage());
    }
  }

  @Test
  void outOfRangeFancyIndex() {
    try (NDArray a = np.arange(3);
         NDArray ix = np.array(new long[] {0, 5})) {
      IndexOutOfRangeException e = raises(IndexOutOfRangeException.class,
          () -> a.get(Index.of(ix)));
      assertEquals("index 5 is out of bounds for axis 0 with size 3", e.getMessage());
      e = raises(IndexOutOfRangeException.class, () -> a.take(ix, 0));
      assertContains("index 5 is out of bounds", e.getMessage());
    }
    try (NDArray a = arange(12, 3, 4);
         NDArray ix = np.array(new long[] {1, -5})) {
      IndexOutOfRangeException e = raises(IndexOutOfRangeException.class,
          () -> a.get(Index.all(), Index.of(ix)));
      assertEquals("index -5 is out of bounds for axis 1 with size 4", e.getMessage());
    }
  }

  @Test
  void booleanMaskOfTheWrongShape() {
    try (NDArray a = arange(12, 3, 4);
         NDArray m = np.array(new boolean[] {true, false})) {
      IndexOutOfRangeException e = raises(IndexOutOfRangeException.class, () -> a.mask(m));
      assertContains("boolean index did not match indexed array along axis 0; size of axis is 3 "
          + "but size of corresponding boolean axis is 2", e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"1:a", "1::0", "..., ...", "1:2:3:4", "[1]", "1,,2", "(", "None None",
      "1.5"})
  void badIndexStrings(String text) {
    try (NDArray a = arange(24, 2, 3, 4)) {
      raises(IndexSyntaxException.class, () -> a.get(text));
    }
  }

  @Test
  void badIndexStringMessages() {
    try (NDArray a = np.arange(6)) {
      assertContains("slice step cannot be zero",
          raises(IndexSyntaxException.class, () -> a.get("::0")).getMessage());
      assertContains("an index can only have a single ellipsis ('...')",
          raises(IndexSyntaxException.class, () -> a.get("..., 1, ...")).getMessage());
      assertContains("1:a", raises(IndexSyntaxException.class, () -> a.get("1:a")).getMessage());
    }
  }

  // ------------------------------------------------------------------------------ reshape

  @Test
  void impossibleReshape() {
    try (NDArray a = np.arange(24)) {
      ShapeException e = raises(ShapeException.class, () -> a.reshape(5, 5));
      assertEquals("cannot reshape array of size 24 into shape (5,5)", e.getMessage());
      e = raises(ShapeException.class, () -> a.reshape(5));
      assertEquals("cannot reshape array of size 24 into shape (5,)", e.getMessage());
      e = raises(ShapeException.class, () -> a.reshape(-1, 5));
      assertContains("cannot reshape array of size 24 into shape", e.getMessage());
      e = raises(ShapeException.class, () -> a.reshape(-1, -1));
      assertEquals("can only specify one unknown dimension", e.getMessage());
      e = raises(ShapeException.class, () -> a.reshape(new long[] {-1, 0}, Order.C,
          CopyMode.IF_NEEDED));
      assertContains("cannot reshape array of size 24 into shape", e.getMessage());
    }
  }

  @Test
  void reshapeNeverCopyingNeedsACopy() {
    try (NDArray a = arange(24, 4, 6);
         NDArray t = a.T()) {
      CopyRequiredException e = raises(CopyRequiredException.class,
          () -> t.reshape(new long[] {-1}, Order.C, CopyMode.NEVER));
      assertContains("Unable to avoid creating a copy while reshaping", e.getMessage());
      try (NDArray ok = t.reshape(new long[] {-1}, Order.F, CopyMode.NEVER)) {
        assertTrue(ok.sharesMemory(a), "an F-order reshape of a transposed C array is a view");
      }
    }
    try (NDArray a = arange(24, 4, 6);
         NDArray s = a.get(":, 1:4")) { // (a[:, ::2] would reshape as a view: uniform stride)
      raises(CopyRequiredException.class, () -> s.reshape(new long[] {12}, Order.C,
          CopyMode.NEVER));
    }
  }

  // ------------------------------------------------------------------------------ stride tricks

  @Test
  void asStridedOutsideTheBuffer() {
    try (NDArray a = np.arange(12)) { // 96 bytes
      StridesOutOfBoundsException e = raises(StridesOutOfBoundsException.class,
          () -> a.asStrided(new long[] {13}, new long[] {8}));
      assertContains("as_strided", e.getMessage());
      assertContains("(13,)", e.getMessage());
      raises(StridesOutOfBoundsException.class,
          () -> a.asStrided(new long[] {4, 4}, new long[] {24, 8}));
      raises(StridesOutOfBoundsException.class,
          () -> a.asStrided(new long[] {2}, new long[] {-8})); // before the first byte
      raises(StridesOutOfBoundsException.class,
          () -> a.asStrided(new long[] {2}, new long[] {89})); // the last item's bytes stick out
      try (NDArray ok = a.asStrided(new long[] {2}, new long[] {88})) {
        assertArrayEquals(new long[] {0, 11}, ok.toLongArray());
      }
    }
  }

  @Test
  void asStridedFromAViewStaysInsideItsBuffer() {
    try (NDArray a = np.arange(12);
         NDArray v = a.get("10:")) {
      raises(StridesOutOfBoundsException.class,
          () -> v.asStrided(new long[] {3}, new long[] {8}));
      try (NDArray back = v.asStrided(new long[] {3}, new long[] {-8})) {
        assertArrayEquals(new long[] {10, 9, 8}, back.toLongArray());
      }
    }
  }

  @Test
  void asStridedWithHugeStridesOverflowingALong() {
    try (NDArray a = np.arange(12)) {
      raises(StridesOutOfBoundsException.class,
          () -> a.asStrided(new long[] {3}, new long[] {Long.MAX_VALUE / 2 + 1}));
      raises(StridesOutOfBoundsException.class,
          () -> a.asStrided(new long[] {2, 2}, new long[] {Long.MAX_VALUE, Long.MIN_VALUE}));
      raises(StridesOutOfBoundsException.class,
          () -> a.asStrided(new long[] {Long.MAX_VALUE}, new long[] {8}));
      raises(StridesOutOfBoundsException.class,
          () -> a.asStrided(new long[] {3, 3}, new long[] {Long.MIN_VALUE, 8}));
      raises(StridesOutOfBoundsException.class,
          () -> a.asStrided(new long[] {1L << 62, 4}, new long[] {16, 8}));
    }
  }

  @Test
  void asStridedShapeErrors() {
    try (NDArray a = np.arange(12)) {
      raises(ShapeException.class, () -> a.asStrided(new long[] {2, 2}, new long[] {8}));
      raises(ShapeException.class, () -> a.asStrided(new long[] {-1}, new long[] {8}));
    }
  }

  // ------------------------------------------------------------------------------ read-only views

  @Test
  void writingToABroadcastViewIsRefused() {
    try (NDArray a = np.arange(4);
         NDArray b = a.broadcastTo(3, 4)) {
      assertFalse(b.isWriteable());
      ReadOnlyArrayException e = raises(ReadOnlyArrayException.class, () -> b.setLong(7, 0, 0));
      assertContains("assignment destination is read-only", e.getMessage());
      raises(ReadOnlyArrayException.class, () -> b.setDouble(7, 1, 1));
      raises(ReadOnlyArrayException.class, () -> b.fill(1.0));
      raises(ReadOnlyArrayException.class, () -> b.assign(a));
      raises(ReadOnlyArrayException.class, () -> b.setWriteable(true));
      assertArrayEquals(new long[] {0, 1, 2, 3}, a.toLongArray(), "nothing was written");
    }
  }

  @Test
  void broadcastToTheSameShapeIsReadOnlyToo() {
    // np.broadcast_to(a, a.shape).flags.writeable is False
    try (NDArray a = np.arange(4);
         NDArray b = a.broadcastTo(4)) {
      raises(ReadOnlyArrayException.class, () -> b.setLong(7, 0));
      assertArrayEquals(new long[] {0, 1, 2, 3}, a.toLongArray(), "nothing was written");
    }
  }

  @Test
  void writingToASlidingWindowIsRefused() {
    try (NDArray a = np.arange(6);
         NDArray w = a.slidingWindowView(new long[] {3})) {
      assertFalse(w.isWriteable());
      raises(ReadOnlyArrayException.class, () -> w.setLong(9, 0, 0));
      raises(ReadOnlyArrayException.class, () -> w.fill(9L));
      raises(ReadOnlyArrayException.class, () -> w.setWriteable(true));
      try (NDArray sub = w.get("1:")) {
        assertFalse(sub.isWriteable(), "a view of a read-only view is read-only");
        raises(ReadOnlyArrayException.class, () -> sub.setLong(9, 0, 0));
        raises(ReadOnlyArrayException.class, () -> sub.setWriteable(true));
      }
      assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, a.toLongArray());
    }
  }

  // ------------------------------------------------------------------------------ closing

  @Test
  void useAfterClose() {
    NDArray a = np.arange(6);
    NDArray other = np.arange(6);
    a.close();
    assertFalse(a.isOpen());
    ClosedArrayException e = raises(ClosedArrayException.class, () -> a.getLong(0));
    assertContains("closed", e.getMessage());
    assertContains("(6,)", e.getMessage());
    assertContains("int64", e.getMessage());
    raises(ClosedArrayException.class, () -> a.get("1:"));
    raises(ClosedArrayException.class, () -> a.reshape(2, 3));
    raises(ClosedArrayException.class, () -> a.copy());
    raises(ClosedArrayException.class, () -> a.T());
    raises(ClosedArrayException.class, () -> a.view());
    raises(ClosedArrayException.class, () -> a.toDoubleArray());
    raises(ClosedArrayException.class, () -> a.astype(DType.FLOAT64));
    raises(ClosedArrayException.class, () -> a.setLong(1, 0));
    raises(ClosedArrayException.class, () -> a.broadcastTo(2, 6));
    raises(ClosedArrayException.class, () -> other.sharesMemory(a));
    raises(ClosedArrayException.class, () -> other.assign(a));
    assertDoesNotThrow(a::close, "close is idempotent");
    assertTrue(a.toString().contains("closed"));
    other.close();
  }

  @Test
  void aViewOutlivesItsBase() {
    NDArray a = np.arange(10);
    NDArray v = a.get("2:5");
    long held = allocator.getAllocatedMemory();
    assertTrue(held >= 80);
    a.close();
    assertEquals(held, allocator.getAllocatedMemory(), "the view keeps the buffer alive");
    assertArrayEquals(new long[] {2, 3, 4}, v.toLongArray());
    v.setLong(42, 0);
    try (NDArray vv = v.get("::-1");
         NDArray c = v.copy()) {
      assertArrayEquals(new long[] {4, 3, 42}, vv.toLongArray());
      assertArrayEquals(new long[] {42, 3, 4}, c.toLongArray());
    }
    assertEquals(held, allocator.getAllocatedMemory());
    v.close();
    assertEquals(0, allocator.getAllocatedMemory(), "memory returns when base and view are closed");
  }

  @Test
  void closingTheViewFirstKeepsTheBase() {
    NDArray a = np.arange(10);
    NDArray v = a.reshape(2, 5);
    long held = allocator.getAllocatedMemory();
    v.close();
    assertEquals(held, allocator.getAllocatedMemory());
    assertEquals(9, a.getLong(9));
    a.close();
    assertEquals(0, allocator.getAllocatedMemory());
  }

  // ------------------------------------------------------------------------------ dtypes

  @ParameterizedTest
  @ValueSource(strings = {"object", "O", "complex128", "complex64", "c16", "U10", "S5", ">f8",
      ">i4", "datetime64[ns]", "float128", "longdouble", "V8", "", "int128", "f3"})
  void unsupportedDTypeNames(String name) {
    UnsupportedDTypeException e = assertThrows(UnsupportedDTypeException.class,
        () -> DType.of(name));
    assertContains("'" + name.trim() + "'", e.getMessage());
    assertContains("not understood or not supported", e.getMessage());
  }

  @Test
  void astypeWithAForbiddingCastingMode() {
    try (NDArray a = np.linspace(0, 1, 5)) {
      CastingException e = raises(CastingException.class,
          () -> a.astype(DType.INT32, Casting.SAFE, true));
      assertEquals("Cannot cast array data from dtype('float64') to dtype('int32') according to "
          + "the rule 'safe'", e.getMessage());
      e = raises(CastingException.class, () -> a.astype(DType.FLOAT32, Casting.SAFE, true));
      assertEquals("Cannot cast array data from dtype('float64') to dtype('float32') according to "
          + "the rule 'safe'", e.getMessage());
      e = raises(CastingException.class, () -> a.astype(DType.INT64, Casting.SAME_KIND, true));
      assertContains("according to the rule 'same_kind'", e.getMessage());
      e = raises(CastingException.class, () -> a.astype(DType.FLOAT32, Casting.NO, false));
      assertContains("according to the rule 'no'", e.getMessage());
      try (NDArray ok = a.astype(DType.FLOAT32, Casting.SAME_KIND, true)) {
        assertEquals(DType.FLOAT32, ok.dtype());
      }
    }
  }

  // ------------------------------------------------------------------------------ creation

  /** For creation calls expected to fail: closes the array should one be returned anyway. */
  private static void closing(NDArray unexpected) {
    unexpected.close();
  }

  @Test
  void negativeDimensions() {
    ShapeException e = raises(ShapeException.class, () -> closing(np.empty(DType.INT64, 3, -1)));
    assertContains("negative dimensions are not allowed", e.getMessage());
    raises(ShapeException.class, () -> closing(np.zeros(DType.FLOAT32, -1)));
    raises(ShapeException.class, () -> closing(np.ones(DType.UINT8, Order.F, 2, -3, 0)));
    raises(ShapeException.class, () -> closing(np.full(DType.INT16, 1.0, -5)));
  }

  @Test
  void byteSizeOverflow() {
    ShapeException e = raises(ShapeException.class,
        () -> closing(np.empty(DType.INT64, Long.MAX_VALUE / 4)));
    assertContains("array is too big", e.getMessage());
    raises(ShapeException.class, () -> closing(np.empty(DType.FLOAT64, 1L << 31, 1L << 31)));
    raises(ShapeException.class, () -> closing(np.empty(DType.INT16, Order.F, 1L << 62, 2)));
  }

  @Test
  void elementCountOverflowingToZeroIsNotAnEmptyArray() {
    // 2**32 * 2**32 elements wraps to 0 in a long: NumPy raises "array is too big" (ValueError);
    // the array must not come out as a zero-size array of shape (4294967296, 4294967296)
    raises(ShapeException.class, () -> closing(np.zeros(DType.INT8, 1L << 32, 1L << 32)));
    raises(ShapeException.class, () -> closing(np.empty(DType.INT64, 1L << 62, 4, 3)));
  }

  @Test
  void zeroSizeArraysAreCheckedOnTheirOtherAxes() {
    // NumPy multiplies the non-zero dimensions and the item size with an overflow check even when
    // another dimension is 0: np.empty((0, 2**60), np.int64) raises "array is too big", while
    // np.empty((0, 2**59), np.int64) is a valid empty array
    try (NDArray z = np.empty(DType.INT64, 0, 1L << 59)) {
      assertEquals(0, z.size());
    }
    ShapeException e = raises(ShapeException.class,
        () -> closing(np.empty(DType.INT64, 0, 1L << 60)));
    assertContains("array is too big", e.getMessage());
    raises(ShapeException.class, () -> closing(np.empty(DType.INT64, 1L << 60, 0)));
    raises(ShapeException.class, () -> closing(np.empty(DType.INT8, 0, Long.MAX_VALUE, 2)));
  }

  @Test
  void pythonIntegerOutOfBounds() {
    try (NDArray a = np.zeros(DType.UINT8, 3)) {
      TesseraException e = raises(TesseraException.class, () -> a.setLong(300, 0));
      assertEquals("Python integer 300 out of bounds for uint8", e.getMessage());
      e = raises(TesseraException.class, () -> a.setLong(-1, 1));
      assertEquals("Python integer -1 out of bounds for uint8", e.getMessage());
      raises(TesseraException.class, () -> a.fill(256L));
      assertArrayEquals(new long[] {0, 0, 0}, a.toLongArray(), "nothing was written");
    }
    try (NDArray a = np.zeros(DType.INT8, 2)) {
      TesseraException e = raises(TesseraException.class, () -> a.setLong(128, 0));
      assertEquals("Python integer 128 out of bounds for int8", e.getMessage());
    }
  }
}
