package io.tessera.chunk;

import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.ufunc.TypeResolver;
import io.tessera.ufunc.Ufunc;
import java.util.List;

/**
 * Ufuncs on chunked arrays, lazily and block by block: {@code apply(Ufunc.ADD, a, b)} is a chunked
 * array whose blocks are {@code add} of the operands' aligned pieces. Operands broadcast as in
 * NumPy; two chunked operands are unified to the common refinement of their chunkings
 * ({@link Chunks#unifyBroadcast}); an {@link NDArray} operand is cut along that grid (views, no
 * copy); a Java number or boolean is a weak scalar (NEP 50). The result dtype is the unfused
 * call's, and each block is computed by the same {@link Ufunc} call, so values are identical to
 * the whole-array call.
 */
public final class ChunkedUfuncs {
  private ChunkedUfuncs() {}

  /** Unary {@code f(a)}. */
  public static ChunkedArray apply(Ufunc f, ChunkedArray a) {
    DType t = TypeResolver.resolve(f.spec(), a.dtype()).out()[0];
    return a.mapBlocks(t, b -> f.apply(b));
  }

  /** Binary {@code f(a, b)}; {@code b} a ChunkedArray, an NDArray or a Java number/boolean. */
  public static ChunkedArray apply(Ufunc f, ChunkedArray a, Object b) {
    return applyAny(f, a, b);
  }

  /** Binary {@code f(a, b)} with the chunked operand second (e.g. {@code 1.0 - a}). */
  public static ChunkedArray apply(Ufunc f, Object a, ChunkedArray b) {
    return applyAny(f, a, b);
  }

  /** Binary {@code f(a, b)} of two chunked arrays (chunkings unified). */
  public static ChunkedArray apply(Ufunc f, ChunkedArray a, ChunkedArray b) {
    return applyAny(f, a, b);
  }

  private static ChunkedArray applyAny(Ufunc f, Object a, Object b) {
    Object[] ops = {a, b};
    DType[] types = new DType[2];
    boolean[] weak = new boolean[2];
    Number[] values = new Number[2];
    for (int i = 0; i < 2; i++) {
      Object o = ops[i];
      if (o instanceof ChunkedArray c) {
        types[i] = c.dtype();
      } else if (o instanceof NDArray n) {
        types[i] = n.dtype();
      } else {
        weak[i] = true;
        values[i] = o instanceof Boolean bo ? (Number) (bo ? 1L : 0L) : (Number) o;
        types[i] = o instanceof Boolean ? DType.BOOL : o instanceof Double || o instanceof Float
            ? DType.FLOAT64 : DType.INT64;
      }
    }
    DType out = TypeResolver.resolveFull(f.spec(), types, weak, values, null, null, null).loop()
        .out()[0];
    if (!(a instanceof ChunkedArray)) {
      if (weak[0]) {
        ChunkedArray c = (ChunkedArray) b;
        return c.mapBlocks(out, blk -> f.apply(a, blk));
      }
    } else if (weak[1]) {
      ChunkedArray c = (ChunkedArray) a;
      return c.mapBlocks(out, blk -> f.apply(blk, b));
    }
    ChunkedArray ca = chunked(a);
    ChunkedArray cb = chunked(b);
    try {
      return ChunkedArray.zip(List.of(ca, cb), out, p -> f.apply(p[0], p[1]));
    } finally {
      if (ca != a) {
        ca.close();
      }
      if (cb != b) {
        cb.close();
      }
    }
  }

  /** An NDArray as one block (zip refines it to the other operand's grid, as views). */
  private static ChunkedArray chunked(Object o) {
    if (o instanceof ChunkedArray c) {
      return c;
    }
    NDArray n = (NDArray) o;
    long[] shape = n.shape();
    long[][] per = new long[shape.length][];
    for (int i = 0; i < shape.length; i++) {
      per[i] = shape[i] == 0 ? new long[] {0} : new long[] {shape[i]};
    }
    return ChunkedArray.fromArray(n, Chunks.of(shape, per));
  }
}
