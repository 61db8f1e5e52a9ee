package io.tessera.shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tessera.errors.ShapeException;
import io.tessera.errors.StridesOutOfBoundsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Sliding-window values and texts are NumPy 2.4's, from the expression in each comment. */
class StrideTricksTest {
  private static final Layout X = new Layout(s(3, 4), s(32, 8), 0, 8); // np.zeros((3, 4))

  private static long[] s(long... v) {
    return v;
  }

  private static void assertLayout(long[] shape, long[] strides, Layout l) {
    assertArrayEquals(shape, l.shape(), l.toString());
    assertArrayEquals(strides, l.strides(), l.toString());
  }

  @Test
  void asStridedAcceptsViewsInsideTheBuffer() {
    Layout base = new Layout(s(12), s(8), 0, 8); // a 96-byte buffer
    Layout v = StrideTricks.asStrided(base, 96, s(10, 3), s(8, 8), 0); // sliding windows of 3
    assertLayout(s(10, 3), s(8, 8), v);
    assertLayout(s(4, 3), s(-16, 8), StrideTricks.asStrided(base, 96, s(4, 3), s(-16, 8), 48));
    assertLayout(s(1000), s(0), StrideTricks.asStrided(base, 96, s(1000), s(0), 88));
    assertLayout(s(12), s(8), StrideTricks.asStrided(base, 96, null, null)); // NumPy's defaults
    // empty views are fine anywhere in [0, bufferBytes]
    assertLayout(s(0, 5), s(1L << 40, 8), StrideTricks.asStrided(base, 96, s(0, 5), s(1L << 40, 8),
        96));
  }

  @Test
  void asStridedRejectsViewsOutsideTheBuffer() {
    Layout base = new Layout(s(12), s(8), 0, 8);
    StridesOutOfBoundsException e = assertThrows(StridesOutOfBoundsException.class,
        () -> StrideTricks.asStrided(base, 96, s(11, 3), s(8, 8), 0));
    assertEquals("as_strided: a view with shape (11, 3), strides (8, 8) and offset 0 covers bytes"
        + " [0, 104), outside the buffer of 96 bytes [0, 96)", e.getMessage());
    assertEquals("as_strided", e.op());
    assertThrows(StridesOutOfBoundsException.class,
        () -> StrideTricks.asStrided(base, 96, s(4, 3), s(-16, 8), 40)); // starts at byte -8
    assertThrows(StridesOutOfBoundsException.class,
        () -> StrideTricks.asStrided(base, 96, s(2), s(8), 89)); // last item sticks out
    assertThrows(StridesOutOfBoundsException.class,
        () -> StrideTricks.asStrided(base, 96, s(0), s(8), 97));
    StridesOutOfBoundsException overflow = assertThrows(StridesOutOfBoundsException.class,
        () -> StrideTricks.asStrided(base, 96, s(3, 3), s(Long.MAX_VALUE / 2, 8), 0));
    assertEquals("as_strided: a view with shape (3, 3), strides (4611686018427387903, 8) and offset"
        + " 0 spans more bytes than a long can count (buffer of 96 bytes)", overflow.getMessage());
    assertError("mismatch in length of strides and shape",
        () -> StrideTricks.asStrided(base, 96, s(3), s(8, 8), 0));
    assertError("negative dimensions are not allowed",
        () -> StrideTricks.asStrided(base, 96, s(-3), s(8), 0));
  }

  @Test
  void checkedExtent() {
    assertArrayEquals(s(8, 56), StrideTricks.checkedExtent(new Layout(s(3, 2), s(-16, 8), 40, 8)));
    assertArrayEquals(s(40, 40), StrideTricks.checkedExtent(new Layout(s(3, 0), s(-16, 8), 40, 8)));
    assertNull(StrideTricks.checkedExtent(new Layout(s(3), s(Long.MAX_VALUE), 0, 8)));
  }

  @Test
  void slidingWindowView() {
    // sliding_window_view(np.zeros((3, 4)), (2, 2))
    assertLayout(s(2, 3, 2, 2), s(32, 8, 32, 8),
        StrideTricks.slidingWindowView(X, s(2, 2), null));
    // sliding_window_view(x, (2, 2), axis=(0, 0)): an axis may be windowed twice
    assertLayout(s(1, 4, 2, 2), s(32, 8, 32, 32),
        StrideTricks.slidingWindowView(X, s(2, 2), new int[] {0, 0}));
    assertLayout(s(3, 3, 2), s(32, 8, 8), StrideTricks.slidingWindowView(X, s(2), new int[] {-1}));
    // sliding_window_view(np.zeros(3), (0,)): a window of 0 lengthens the axis
    assertLayout(s(4, 0), s(8, 8),
        StrideTricks.slidingWindowView(new Layout(s(3), s(8), 0, 8), s(0), null));
    // sliding_window_view(np.zeros(5)[::-1], 3)
    assertLayout(s(3, 3), s(-8, -8),
        StrideTricks.slidingWindowView(new Layout(s(5), s(-8), 32, 8), s(3), new int[0]));
  }

  @Test
  void slidingWindowViewErrors() {
    assertError("window shape cannot be larger than input array shape",
        () -> StrideTricks.slidingWindowView(X, s(4, 1), null));
    assertError("`window_shape` cannot contain negative values",
        () -> StrideTricks.slidingWindowView(X, s(-1, 2), new int[] {0, 5}));
    assertError("Since axis is `None`, must provide window_shape for all dimensions of `x`; got 1"
        + " window_shape elements and `x.ndim` is 2.",
        () -> StrideTricks.slidingWindowView(X, s(4), null));
    assertError("Must provide matching length window_shape and axis; got 1 window_shape elements"
        + " and 2 axes elements.", () -> StrideTricks.slidingWindowView(X, s(2), new int[] {0, 1}));
    assertError("axis 5 is out of bounds for array of dimension 2",
        () -> StrideTricks.slidingWindowView(X, s(2, 2), new int[] {0, 5}));
  }

  private static void assertError(String message, Executable call) {
    assertEquals(message, assertThrows(ShapeException.class, call).getMessage());
  }
}
