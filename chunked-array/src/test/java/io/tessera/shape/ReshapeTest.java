package io.tessera.shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tessera.errors.CopyRequiredException;
import io.tessera.errors.ShapeException;
import org.junit.jupiter.api.Test;

/** Expected strides are NumPy 2.4's, from the expression in each comment (float64 unless said). */
class ReshapeTest {

  private static Layout lay(long[] shape, long[] strides) {
    return new Layout(shape, strides, 0, 8);
  }

  private static long[] s(long... v) {
    return v;
  }

  private static void assertStrides(long[] shape, long[] strides, Layout l) {
    assertNotNull(l, "expected a view");
    assertArrayEquals(shape, l.shape());
    assertArrayEquals(strides, l.strides());
  }

  @Test
  void contiguousArraysGetContiguousStrides() {
    Layout a = lay(s(24), s(8));
    // np.zeros(24).reshape(2, 3, 4)
    assertStrides(s(2, 3, 4), s(96, 32, 8), Reshape.attemptNoCopy(a, s(2, 3, 4), false));
    // np.zeros(24).reshape((2, 3, 4), order='F')
    assertStrides(s(2, 3, 4), s(8, 16, 48), Reshape.attemptNoCopy(a, s(2, 3, 4), true));
    Layout d = lay(s(2, 3, 4), s(96, 32, 8));
    // d.reshape(6, 1, 4)
    assertStrides(s(6, 1, 4), s(32, 32, 8), Reshape.attemptNoCopy(d, s(6, 1, 4), false));
    // d.T.reshape((4, 3, 1, 2), order='F')
    Layout dt = Axes.transpose(d);
    assertStrides(s(4, 3, 1, 2), s(8, 32, 96, 96), Reshape.attemptNoCopy(dt, s(4, 3, 1, 2), true));
    // the offset is kept
    Layout shifted = new Layout(s(24), s(8), 40, 8);
    assertEquals(40, Reshape.attemptNoCopy(shifted, s(4, 6), false).offset());
  }

  @Test
  void stridedArraysFollowAttemptNoCopyReshape() {
    Layout c = lay(s(4, 3), s(48, 16)); // c = np.zeros((4, 6))[:, ::2]
    assertStrides(s(2, 2, 3), s(96, 48, 16), Reshape.attemptNoCopy(c, s(2, 2, 3), false));
    assertStrides(s(12), s(16), Reshape.attemptNoCopy(c, s(12), false));
    // c.reshape(1, 2, 1, 2, 3, 1): new length-1 axes take the next-fastest stride
    assertStrides(s(1, 2, 1, 2, 3, 1), s(192, 96, 96, 48, 16, 16),
        Reshape.attemptNoCopy(c, s(1, 2, 1, 2, 3, 1), false));
    // c.reshape((1, 2, 1, 2, 3, 1), order='F')
    assertStrides(s(1, 2, 1, 2, 3, 1), s(48, 48, 96, 96, 16, 48),
        Reshape.attemptNoCopy(c, s(1, 2, 1, 2, 3, 1), true));
    // c.T.reshape((3, 2, 2), order='F')
    assertStrides(s(3, 2, 2), s(16, 48, 96),
        Reshape.attemptNoCopy(Axes.transpose(c), s(3, 2, 2), true));
    Layout e = lay(s(3, 2), s(-16, 8)); // np.zeros((3, 2))[::-1]
    assertStrides(s(3, 1, 2), s(-16, 16, 8), Reshape.attemptNoCopy(e, s(3, 1, 2), false));
  }

  @Test
  void copiesAreReportedAsNull() {
    // np.reshape(np.zeros((3, 2))[::-1], 6, copy=False) raises
    assertNull(Reshape.attemptNoCopy(lay(s(3, 2), s(-16, 8)), s(6), false));
    // np.zeros((2, 3, 4)).T.reshape(24)
    assertNull(Reshape.attemptNoCopy(Axes.transpose(lay(s(2, 3, 4), s(96, 32, 8))), s(24), false));
    // C order of an F-contiguous array
    assertNull(Reshape.attemptNoCopy(lay(s(3, 4), s(8, 24)), s(12), false));
    assertStrides(s(12), s(8), Reshape.attemptNoCopy(lay(s(3, 4), s(8, 24)), s(12), true));
    CopyRequiredException ex = assertThrows(CopyRequiredException.class,
        () -> Reshape.reshapeView(lay(s(3, 2), s(-16, 8)), s(6), false));
    assertEquals("Unable to avoid creating a copy while reshaping.", ex.getMessage());
  }

  @Test
  void lengthOneAxesAndTheSameShape() {
    // s = as_strided(np.zeros(10), (1, 4), (7992, 16))
    Layout odd = lay(s(1, 4), s(7992, 16));
    Layout same = Reshape.attemptNoCopy(odd, s(1, 4), false);
    assertSame(odd, same); // s.reshape(1, 4): NumPy's shortcut keeps the strides
    assertStrides(s(1, 4), s(64, 16), Reshape.attemptNoCopy(odd, s(-1, 4), false)); // s.reshape(-1, 4)
    assertStrides(s(4, 1), s(16, 16), Reshape.attemptNoCopy(odd, s(4, 1), false)); // s.reshape(4, 1)
  }

  @Test
  void emptyArraysAlwaysReshapeAsViews() {
    // np.zeros((0, 3))[:, ::2].reshape(2, 0)
    assertStrides(s(2, 0), s(8, 8), Reshape.attemptNoCopy(lay(s(0, 2), s(24, 16)), s(2, 0), false));
    // np.zeros((0, 3)).reshape((3, 0), order='F')
    assertStrides(s(3, 0), s(8, 24), Reshape.attemptNoCopy(lay(s(0, 3), s(24, 8)), s(3, 0), true));
  }

  @Test
  void resolvesTheUnknownDimension() {
    assertArrayEquals(s(2, 12), Reshape.resolveShape(24, s(-1, 12)));
    assertArrayEquals(s(2, 12), Reshape.resolveShape(24, s(-2, 12))); // any negative, as NumPy
    assertArrayEquals(s(24), Reshape.resolveShape(24, s(-1)));
    assertArrayEquals(s(0, 3), Reshape.resolveShape(0, s(-1, 3)));
    assertArrayEquals(s(), Reshape.resolveShape(1, s()));
    assertArrayEquals(s(1, 1), Reshape.resolveShape(1, s(-1, 1)));
  }

  @Test
  void resolveErrorsAreNumPys() {
    assertShape("cannot reshape array of size 24 into shape (5,5)", 24, s(5, 5));
    assertShape("can only specify one unknown dimension", 24, s(-1, -1));
    assertShape("can only specify one unknown dimension", 24, s(-1, -1, 5));
    // NumPy leaves a leading unknown out and writes a later one as "newaxis"
    assertShape("cannot reshape array of size 24 into shape (5)", 24, s(-1, 5));
    assertShape("cannot reshape array of size 24 into shape (5,newaxis)", 24, s(5, -1));
    assertShape("cannot reshape array of size 24 into shape (5,newaxis,7)", 24, s(5, -1, 7));
    assertShape("cannot reshape array of size 24 into shape ()", 24, s());
    assertShape("cannot reshape array of size 24 into shape (7,)", 24, s(7));
    assertShape("cannot reshape array of size 0 into shape (0)", 0, s(-1, 0));
    assertShape("cannot reshape array of size 24 into shape (0)", 24, s(-1, 0));
    assertShape("cannot reshape array of size 24 into shape "
        + "(4611686018427387904,4611686018427387904)", 24, s(1L << 62, 1L << 62));
    assertShape("cannot reshape array of size 0 into shape "
        + "(4611686018427387904,4611686018427387904,0)", 0, s(1L << 62, 1L << 62, 0));
    ShapeException e = assertThrows(ShapeException.class,
        () -> Reshape.attemptNoCopy(lay(s(4, 6), s(48, 8)), s(5, 5), false));
    assertEquals("reshape", e.op());
  }

  private static void assertShape(String message, long size, long[] shape) {
    assertEquals(message,
        assertThrows(ShapeException.class, () -> Reshape.resolveShape(size, shape)).getMessage());
  }
}
