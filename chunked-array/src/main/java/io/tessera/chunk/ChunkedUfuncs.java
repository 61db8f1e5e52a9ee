package io.tessera.chunk;

import io.tessera.Tessera;
import io.tessera.dtype.Casting;
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
 *
 * <p><b>out= and in place.</b> The {@code apply(np, f, ..., out)} forms run at once and write
 * each result block straight into {@code out}: an {@link NDArray} of the broadcast shape (its
 * region for the block; no full-size temporary) or a materialized {@link ChunkedArray} (the block
 * of {@code out} holding the result block; {@link #applyInPlace} is {@code a = f(a, b)}). The
 * operands' chunkings and {@code out}'s are unified (Dask's {@code unify_chunks}); NDArray operands
 * are cut into views. Shapes, the loop and the casting rule (default {@code same_kind}) and the
 * writeability of {@code out} are checked before anything is written; an input that overlaps
 * {@code out} in a way block-by-block writing could corrupt is copied first, so results are
 * NumPy's (see {@link ChunkedOut} for the rule). Blocks of lazy operands are produced from
 * {@code np}.
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

  // ---------------------------------------------------------------- out=

  /** Unary {@code f(a, out=out)}; {@code a} a ChunkedArray or an NDArray. Returns {@code out}. */
  public static NDArray apply(Tessera np, Ufunc f, Object a, NDArray out) {
    return ChunkedOut.into(np, f, new Object[] {a}, out, Casting.SAME_KIND);
  }

  /**
   * Binary {@code f(a, b, out=out)}: each operand a ChunkedArray, an NDArray or a Java
   * number/boolean (weak scalar); {@code out} an NDArray whose shape the operands broadcast to.
   * Returns {@code out}.
   */
  public static NDArray apply(Tessera np, Ufunc f, Object a, Object b, NDArray out) {
    return apply(np, f, a, b, out, Casting.SAME_KIND);
  }

  /** As {@link #apply(Tessera, Ufunc, Object, Object, NDArray)} with a casting rule. */
  public static NDArray apply(Tessera np, Ufunc f, Object a, Object b, NDArray out,
      Casting casting) {
    return ChunkedOut.into(np, f, new Object[] {a, b}, out, casting);
  }

  /** Unary {@code f(a, out=out)} into a materialized chunked array. Returns {@code out}. */
  public static ChunkedArray apply(Tessera np, Ufunc f, Object a, ChunkedArray out) {
    return ChunkedOut.into(np, f, new Object[] {a}, out, Casting.SAME_KIND);
  }

  /**
   * Binary {@code f(a, b, out=out)} into a materialized chunked array ({@code out.peakBytes() ==
   * 0}: made by fromArray, fromBlocks, persist(), or a slice of one), written block by block in
   * place. Returns {@code out}.
   */
  public static ChunkedArray apply(Tessera np, Ufunc f, Object a, Object b, ChunkedArray out) {
    return apply(np, f, a, b, out, Casting.SAME_KIND);
  }

  /** As {@link #apply(Tessera, Ufunc, Object, Object, ChunkedArray)} with a casting rule. */
  public static ChunkedArray apply(Tessera np, Ufunc f, Object a, Object b, ChunkedArray out,
      Casting casting) {
    return ChunkedOut.into(np, f, new Object[] {a, b}, out, casting);
  }

  /**
   * In place: {@code a[...] = f(a, b)} ({@code a += b} for {@link Ufunc#ADD}) on a materialized
   * chunked array, block by block, under {@code same_kind} casting ({@code int_a += 1.5} is
   * refused before anything is written). Returns {@code a}.
   */
  public static ChunkedArray applyInPlace(Tessera np, Ufunc f, ChunkedArray a, Object b) {
    return apply(np, f, a, b, a, Casting.SAME_KIND);
  }

  /** In place, unary: {@code a[...] = f(a)}. Returns {@code a}. */
  public static ChunkedArray applyInPlace(Tessera np, Ufunc f, ChunkedArray a) {
    return apply(np, f, a, a);
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
