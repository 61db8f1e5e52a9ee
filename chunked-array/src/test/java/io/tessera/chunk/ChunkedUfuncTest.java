package io.tessera.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.testing.ArrayTestBase;
import io.tessera.ufunc.Ufunc;
import org.junit.jupiter.api.Test;

/** Chunked ufuncs equal the whole-array calls: unified irregular grids, broadcasting, scalars. */
class ChunkedUfuncTest extends ArrayTestBase {

  @Test
  void twoChunkedOperandsOnDifferentGrids() {
    try (NDArray a0 = np.linspace(0, 1, 60 * 70); NDArray a = a0.reshape(60, 70);
         NDArray b0 = np.linspace(-2, 5, 60 * 70); NDArray b1 = b0.reshape(60, 70);
         NDArray b = b1.astype(DType.FLOAT32);
         ChunkedArray ca = ChunkedArray.fromArray(a, Chunks.of(new long[] {60, 70},
             new long[][] {{10, 25, 25}, {33, 37}}));
         ChunkedArray cb = ChunkedArray.fromArray(b, Chunks.of(new long[] {60, 70},
             new long[][] {{30, 30}, {7, 50, 13}}));
         ChunkedArray c = ChunkedUfuncs.apply(Ufunc.MULTIPLY, ca, cb);
         NDArray got = c.toArray(np); NDArray want = Ufunc.MULTIPLY.apply(a, b)) {
      assertEquals(want.dtype(), c.dtype());
      assertArrayEquals(want.toDoubleArray(), got.toDoubleArray());
    }
  }

  @Test
  void broadcastNdArrayAndChunkedRow() {
    try (NDArray a0 = np.linspace(0, 1, 40 * 30); NDArray a = a0.reshape(40, 30);
         NDArray row0 = np.linspace(3, 4, 30); NDArray row = row0.reshape(1, 30);
         NDArray col0 = np.arange(40); NDArray col = col0.reshape(40, 1);
         ChunkedArray ca = ChunkedArray.fromArray(a, Chunks.regular(new long[] {40, 30}, 7, 11));
         ChunkedArray r1 = ChunkedUfuncs.apply(Ufunc.SUBTRACT, ca, row);
         NDArray g1 = r1.toArray(np); NDArray w1 = Ufunc.SUBTRACT.apply(a, row);
         ChunkedArray cc = ChunkedArray.fromArray(col, Chunks.regular(new long[] {40, 1}, 9, 1));
         ChunkedArray r2 = ChunkedUfuncs.apply(Ufunc.ADD, ca, cc);
         NDArray g2 = r2.toArray(np); NDArray w2 = Ufunc.ADD.apply(a, col)) {
      assertArrayEquals(w1.toDoubleArray(), g1.toDoubleArray());
      assertArrayEquals(w2.toDoubleArray(), g2.toDoubleArray());
      assertEquals(w2.dtype(), r2.dtype());
    }
  }

  @Test
  void weakScalarsAndUnary() {
    try (NDArray a0 = np.linspace(0, 1, 1000); NDArray a = a0.astype(DType.FLOAT32);
         ChunkedArray ca = ChunkedArray.fromArray(a, Chunks.regular(new long[] {1000}, 333));
         ChunkedArray r = ChunkedUfuncs.apply(Ufunc.MULTIPLY, ca, 2.5);
         ChunkedArray l = ChunkedUfuncs.apply(Ufunc.SUBTRACT, 1L, ca);
         ChunkedArray s = ChunkedUfuncs.apply(Ufunc.SQRT, ca);
         NDArray gr = r.toArray(np); NDArray wr = Ufunc.MULTIPLY.apply(a, 2.5);
         NDArray gl = l.toArray(np); NDArray wl = Ufunc.SUBTRACT.apply(1L, a);
         NDArray gs = s.toArray(np); NDArray ws = Ufunc.SQRT.apply(a)) {
      assertEquals(DType.FLOAT32, r.dtype());
      assertArrayEquals(wr.toDoubleArray(), gr.toDoubleArray());
      assertArrayEquals(wl.toDoubleArray(), gl.toDoubleArray());
      assertArrayEquals(ws.toDoubleArray(), gs.toDoubleArray());
    }
  }
}
