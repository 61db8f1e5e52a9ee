package io.tessera.shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tessera.errors.ShapeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Expected values and texts are NumPy 2.4's, from the expression in each comment. */
class DTypeViewTest {
  /** v = np.zeros((2, 3), np.int32). */
  private static final Layout V = new Layout(s(2, 3), s(12, 4), 8, 4);

  private static long[] s(long... v) {
    return v;
  }

  private static void assertLayout(long[] shape, long[] strides, int itemsize, Layout l) {
    assertArrayEquals(shape, l.shape(), l.toString());
    assertArrayEquals(strides, l.strides(), l.toString());
    assertEquals(itemsize, l.itemsize());
  }

  @Test
  void smallerItemsLengthenTheLastAxis() {
    assertLayout(s(2, 6), s(12, 2), 2, DTypeView.viewAs(V, 2)); // v.view(np.int16)
    assertLayout(s(2, 12), s(12, 1), 1, DTypeView.viewAs(V, 1)); // v.view(np.int8)
    assertEquals(8, DTypeView.viewAs(V, 1).offset());
    assertSame(V, DTypeView.viewAs(V, 4));
  }

  @Test
  void largerItemsShortenTheLastAxis() {
    // v[:, :2].view(np.int64)
    assertLayout(s(2, 1), s(12, 8), 8, DTypeView.viewAs(new Layout(s(2, 2), s(12, 4), 0, 4), 8));
    // np.zeros((2, 4), np.int16).view('V8')
    assertLayout(s(2, 1), s(8, 8), 8, DTypeView.viewAs(new Layout(s(2, 4), s(8, 2), 0, 2), 8));
    // a last axis of length 1 need not be contiguous: np.zeros((3, 2), np.int32)[:, :1].view('V2')
    assertLayout(s(3, 2), s(8, 2), 2, DTypeView.viewAs(new Layout(s(3, 1), s(8, 8), 0, 4), 2));
    // nor that of an empty array: as_strided(np.zeros(10, np.int32), (3, 0), (4, 12)).view(np.int16)
    assertLayout(s(3, 0), s(4, 2), 2, DTypeView.viewAs(new Layout(s(3, 0), s(4, 12), 0, 4), 2));
  }

  @Test
  void errors() {
    // np.zeros((3, 4)).T.view(np.int32)
    assertError("To change to a dtype of a different size, the last axis must be contiguous",
        () -> DTypeView.viewAs(new Layout(s(4, 3), s(8, 32), 0, 8), 4));
    // np.zeros(3, np.int8).view(np.int16)
    assertError("When changing to a larger dtype, its size must be a divisor of the total size in"
        + " bytes of the last axis of the array.",
        () -> DTypeView.viewAs(new Layout(s(3), s(1), 0, 1), 2));
    // np.zeros(3, np.int64).view('V3')
    assertError("When changing to a smaller dtype, its size must be a divisor of the size of"
        + " original dtype", () -> DTypeView.viewAs(new Layout(s(3), s(8), 0, 8), 3));
    // np.zeros((), np.int64).view(np.int32)
    assertError("Changing the dtype of a 0d array is only supported if the itemsize is unchanged",
        () -> DTypeView.viewAs(new Layout(s(), s(), 0, 8), 4));
  }

  private static void assertError(String message, Executable call) {
    ShapeException e = assertThrows(ShapeException.class, call);
    assertEquals(message, e.getMessage());
    assertEquals("view", e.op());
  }
}
