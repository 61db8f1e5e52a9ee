package io.tessera.shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.errors.ShapeException;
import org.junit.jupiter.api.Test;

/** Expected values and texts are NumPy 2.4's, from the expression in each comment. */
class BroadcastTest {

  private static long[] s(long... v) {
    return v;
  }

  @Test
  void broadcastShapes() {
    assertArrayEquals(s(3, 4), Broadcast.broadcastShapes(s(3, 1), s(4)));
    assertArrayEquals(s(8, 7, 6, 5), Broadcast.broadcastShapes(s(8, 1, 6, 1), s(7, 1, 5)));
    assertArrayEquals(s(4, 0), Broadcast.broadcastShapes(s(0), s(4, 1)));
    assertArrayEquals(s(2), Broadcast.broadcastShapes(s(), s(2)));
    assertArrayEquals(s(), Broadcast.broadcastShapes());
    assertArrayEquals(s(0, 2, 3), Broadcast.npBroadcastShapes(s(0, 1, 3), s(2, 1)));
  }

  @Test
  void ufuncWording() {
    // np.zeros((3, 4)) + np.zeros(5): note the trailing space
    assertEquals("operands could not be broadcast together with shapes (3,4) (5,) ",
        assertThrows(ShapeException.class, () -> Broadcast.broadcastShapes(s(3, 4), s(5)))
            .getMessage());
    // np.add(np.zeros((3, 4)), np.zeros(4), np.zeros(7))
    assertEquals("operands could not be broadcast together with shapes (3,4) (4,) (7,) ",
        assertThrows(ShapeException.class,
            () -> Broadcast.broadcastShapes(s(3, 4), s(4), s(7))).getMessage());
    // np.zeros((3, 4)) + np.zeros((0, 4))
    assertEquals("operands could not be broadcast together with shapes (3,4) (0,4) ",
        assertThrows(ShapeException.class, () -> Broadcast.broadcastShapes(s(3, 4), s(0, 4)))
            .getMessage());
    assertEquals("operands could not be broadcast together with shapes () (2,) (3,) ",
        assertThrows(ShapeException.class, () -> Broadcast.broadcastShapes(s(), s(2), s(3)))
            .getMessage());
  }

  @Test
  void npBroadcastShapesWording() {
    // np.broadcast_shapes((3, 4), (5,))
    assertEquals("shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is "
        + "between arg 0 with shape (3, 4) and arg 1 with shape (5,).", assertThrows(
            ShapeException.class, () -> Broadcast.npBroadcastShapes(s(3, 4), s(5))).getMessage());
    // np.broadcast_shapes((1, 4), (3, 1), (5, 1, 1), (2, 1)): names the arg that set the 3
    assertEquals("shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is "
        + "between arg 1 with shape (3, 1) and arg 3 with shape (2, 1).",
        assertThrows(ShapeException.class, () -> Broadcast.npBroadcastShapes(s(1, 4), s(3, 1),
            s(5, 1, 1), s(2, 1))).getMessage());
    // np.broadcast_shapes((3,), (1,), (4,))
    assertEquals("shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is "
        + "between arg 0 with shape (3,) and arg 2 with shape (4,).", assertThrows(
            ShapeException.class, () -> Broadcast.npBroadcastShapes(s(3), s(1), s(4)))
            .getMessage());
    // np.broadcast_shapes((-1,), (2,))
    assertEquals("negative dimensions are not allowed", assertThrows(ShapeException.class,
        () -> Broadcast.npBroadcastShapes(s(-1), s(2))).getMessage());
  }

  @Test
  void broadcastToUsesZeroStrides() {
    // np.broadcast_to(np.zeros((3, 1))[::-1], (2, 3, 4)).strides
    Layout rev = new Layout(s(3, 1), s(-8, 8), 16, 8);
    Layout b = Broadcast.broadcastTo(rev, s(2, 3, 4));
    assertArrayEquals(s(2, 3, 4), b.shape());
    assertArrayEquals(s(0, -8, 0), b.strides());
    assertEquals(16, b.offset());
    // np.broadcast_to(np.zeros((3, 2))[:, :1], (3, 1)).strides == (16, 0): length-1 axes get 0
    assertArrayEquals(s(16, 0),
        Broadcast.broadcastTo(new Layout(s(3, 1), s(16, 8), 0, 8), s(3, 1)).strides());
    // np.broadcast_to(np.zeros(()), (2, 3)).strides
    assertArrayEquals(s(0, 0),
        Broadcast.broadcastTo(new Layout(s(), s(), 0, 8), s(2, 3)).strides());
    // np.broadcast_to(np.zeros((2, 1)), (0, 2, 4)).strides
    assertArrayEquals(s(0, 8, 0),
        Broadcast.broadcastTo(new Layout(s(2, 1), s(8, 8), 0, 8), s(0, 2, 4)).strides());
  }

  @Test
  void broadcastToErrors() {
    Layout v3 = new Layout(s(3), s(8), 0, 8);
    // np.broadcast_to(np.zeros(3), (4,)): two spaces before "and", as NumPy prints it
    assertBto("operands could not be broadcast together with remapped shapes "
        + "[original->remapped]: (3,)  and requested shape (4,)", v3, s(4));
    assertBto("operands could not be broadcast together with remapped shapes "
        + "[original->remapped]: (3,)  and requested shape (1,)", v3, s(1));
    assertBto("operands could not be broadcast together with remapped shapes "
        + "[original->remapped]: (2,1)  and requested shape (3,4)",
        new Layout(s(2, 1), s(8, 8), 0, 8), s(3, 4));
    assertBto("cannot broadcast a non-scalar to a scalar array", v3, s());
    assertBto("all elements of broadcast shape must be non-negative", v3, s(-1));
    assertBto("input operand has more dimensions than allowed by the axis remapping",
        new Layout(s(2, 3), s(24, 8), 0, 8), s(3));
    assertTrue(Broadcast.canBroadcastTo(s(3, 1), s(2, 3, 4)));
    assertFalse(Broadcast.canBroadcastTo(s(3), s(4)));
    assertFalse(Broadcast.canBroadcastTo(s(3), s()));
  }

  private static void assertBto(String message, Layout in, long[] shape) {
    ShapeException e = assertThrows(ShapeException.class, () -> Broadcast.broadcastTo(in, shape));
    assertEquals(message, e.getMessage());
    assertEquals("broadcast_to", e.op());
  }
}
