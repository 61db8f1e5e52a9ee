package io.tessera.shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tessera.errors.ShapeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Expected values and texts are NumPy 2.4's, from the expression in each comment. */
class AxesTest {
  /** f = np.zeros((2, 3, 4, 5)). */
  private static final Layout F = new Layout(s(2, 3, 4, 5), s(480, 160, 40, 8), 16, 8);

  private static long[] s(long... v) {
    return v;
  }

  private static int[] ax(int... v) {
    return v;
  }

  private static void assertLayout(long[] shape, long[] strides, Layout l) {
    assertArrayEquals(shape, l.shape(), l.toString());
    assertArrayEquals(strides, l.strides(), l.toString());
  }

  @Test
  void permutations() {
    assertLayout(s(5, 4, 3, 2), s(8, 40, 160, 480), Axes.transpose(F)); // f.T
    assertLayout(s(3, 5, 2, 4), s(160, 8, 480, 40), Axes.transpose(F, ax(1, -1, 0, 2)));
    assertLayout(s(5, 3, 4, 2), s(8, 160, 40, 480), Axes.swapaxes(F, -1, 0));
    assertLayout(s(3, 4, 5, 2), s(160, 40, 8, 480), Axes.moveaxis(F, 0, -1));
    assertLayout(s(4, 5, 3, 2), s(40, 8, 160, 480), Axes.moveaxis(F, ax(0, 1), ax(-1, -2)));
    assertLayout(s(5, 3, 2, 4), s(8, 160, 480, 40), Axes.moveaxis(F, ax(3, 0), ax(0, 2)));
    assertEquals(16, Axes.transpose(F).offset());
    Layout scalar = new Layout(s(), s(), 0, 8);
    assertLayout(s(), s(), Axes.transpose(scalar, ax()));
    assertLayout(s(3, 2, 5, 4), s(160, 480, 8, 40),
        Axes.matrixTranspose(Axes.swapaxes(F, 0, 1)));
  }

  @Test
  void permutationErrors() {
    Layout a = new Layout(s(3, 1, 4), s(32, 32, 8), 0, 8);
    assertError("axes don't match array", () -> Axes.transpose(a, ax(0, 1)));
    assertError("axis 5 is out of bounds for array of dimension 3",
        () -> Axes.transpose(a, ax(0, 5, 5)));
    // a.transpose(0, 0, 5): the repeat is seen first
    assertError("repeated axis in transpose", () -> Axes.transpose(a, ax(0, 0, 5)));
    assertError("axis1: axis 5 is out of bounds for array of dimension 3",
        () -> Axes.swapaxes(a, 5, 7));
    assertError("axis2: axis 3 is out of bounds for array of dimension 3",
        () -> Axes.swapaxes(a, 0, 3));
    assertError("source: axis 5 is out of bounds for array of dimension 3",
        () -> Axes.moveaxis(a, ax(0, 5), ax(0, 0)));
    assertError("repeated axis in `destination` argument",
        () -> Axes.moveaxis(a, ax(0, 1), ax(0, 0)));
    assertError("destination: axis 5 is out of bounds for array of dimension 3",
        () -> Axes.moveaxis(a, ax(0, 1), ax(5, 0)));
    assertError("repeated axis in `source` argument", () -> Axes.moveaxis(a, ax(0, 0), ax(5, 0)));
    assertError("`source` and `destination` arguments must have the same number of elements",
        () -> Axes.moveaxis(a, ax(0, 1), ax(1)));
    assertError("matrix transpose with ndim < 2 is undefined",
        () -> Axes.matrixTranspose(new Layout(s(3), s(8), 0, 8)));
  }

  @Test
  void squeeze() {
    Layout g = new Layout(s(3, 1, 4, 1), s(32, 32, 8, 8), 0, 8); // np.zeros((3, 1, 4, 1))
    assertLayout(s(3, 4), s(32, 8), Axes.squeeze(g));
    assertLayout(s(3, 4, 1), s(32, 8, 8), Axes.squeeze(g, ax(1)));
    assertLayout(s(3, 4), s(32, 8), Axes.squeeze(g, ax(-1, 1)));
    assertSame(g, Axes.squeeze(g, ax()));
    Layout noOnes = new Layout(s(3, 4), s(32, 8), 0, 8);
    assertSame(noOnes, Axes.squeeze(noOnes));
    assertError("cannot select an axis to squeeze out which has size not equal to one",
        () -> Axes.squeeze(g, ax(0)));
    assertError("duplicate value in 'axis'", () -> Axes.squeeze(g, ax(1, 1)));
    assertError("axis 5 is out of bounds for array of dimension 4", () -> Axes.squeeze(g, ax(5)));
  }

  @Test
  void expandDimsReshapesAsNumPy() {
    // np.expand_dims(np.zeros((3, 4)), 1)
    assertLayout(s(3, 1, 4), s(32, 32, 8),
        Axes.expandDims(new Layout(s(3, 4), s(32, 8), 0, 8), 1));
    // np.expand_dims(np.zeros((3, 8))[:, ::2], (0, -1))
    assertLayout(s(1, 3, 4, 1), s(192, 64, 16, 16),
        Axes.expandDims(new Layout(s(3, 4), s(64, 16), 0, 8), 0, -1));
    // np.expand_dims(np.zeros((3, 4)).T, 1)
    assertLayout(s(4, 1, 3), s(8, 96, 32),
        Axes.expandDims(new Layout(s(4, 3), s(8, 32), 0, 8), 1));
    // np.expand_dims(np.zeros(()), 0)
    assertLayout(s(1), s(8), Axes.expandDims(new Layout(s(), s(), 0, 8), 0));
    Layout a = new Layout(s(3, 4), s(32, 8), 0, 8);
    assertError("axis 5 is out of bounds for array of dimension 4",
        () -> Axes.expandDims(a, 0, 5));
    assertError("repeated axis", () -> Axes.expandDims(a, 0, -4));
  }

  @Test
  void normalizeAxisTupleChecksAllBoundsBeforeDuplicates() {
    assertArrayEquals(ax(2, 0), Axes.normalizeAxisTuple("op", ax(-1, 0), 3, null, false));
    assertArrayEquals(ax(1, 1), Axes.normalizeAxisTuple("op", ax(1, -2), 3, null, true));
    assertError("axis 3 is out of bounds for array of dimension 3",
        () -> Axes.normalizeAxisTuple("op", ax(0, 0, 3), 3, null, false));
  }

  private static void assertError(String message, Executable call) {
    assertEquals(message, assertThrows(ShapeException.class, call).getMessage());
  }
}
