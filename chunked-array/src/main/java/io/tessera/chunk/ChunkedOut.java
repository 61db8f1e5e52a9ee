package io.tessera.chunk;

import io.tessera.Tessera;
import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.errors.ReadOnlyArrayException;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.memory.MemoryBudget;
import io.tessera.ndarray.NDArray;
import io.tessera.parallel.Threads;
import io.tessera.shape.Broadcast;
import io.tessera.shape.Shapes;
import io.tessera.ufunc.TypeResolver;
import io.tessera.ufunc.Ufunc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ufunc calls with {@code out=} over chunked operands, written block by block straight into the
 * output: an {@link NDArray} (each result block into its region of {@code out}, no full-size
 * temporary) or a materialized {@link ChunkedArray} (each result block into the block of {@code
 * out} that holds it). Used by {@link ChunkedUfuncs}.
 *
 * <p><b>Order of work.</b> Everything that can fail is checked before the first write: the
 * operand count, broadcasting against {@code out}'s shape (NumPy's "non-broadcastable output
 * operand" message), the loop and the casting of inputs and output under the casting rule
 * ({@link TypeResolver}: a {@code same_kind} violation throws {@link
 * io.tessera.errors.CastingException} / {@link io.tessera.errors.UfuncTypeException}), that
 * {@code out} is writeable and, for a chunked {@code out}, materialized ({@code peakBytes() ==
 * 0}: blocks are views of memory it holds).
 *
 * <p><b>Overlap.</b> Each block call goes through the local engine, which handles overlap within
 * the call. Across blocks, an input that shares memory with {@code out} could be overwritten by
 * an earlier block before a later block reads it (e.g. {@code out = x[::-1]} with an input over
 * {@code x}). So before writing, every input whose memory may overlap {@code out}'s is checked:
 * <ul>
 *   <li>an NDArray, or a chunked array whose blocks are views ({@code peakBytes() == 0}), is
 *       cut into its pieces for every result block; it is safe when each piece that may share
 *       memory with {@code out} is exactly the region of {@code out} its block writes (same
 *       address, shape and strides: the element-by-element in-place case, {@code x += 1});</li>
 *   <li>a chunked array that computes its blocks ({@code peakBytes() > 0}) is unsafe when any
 *       array it or its ancestors hold may share memory with {@code out} (it reads that memory
 *       lazily, at an unknown time);</li>
 *   <li>an unsafe input is copied once, under the {@link MemoryBudget} (NumPy copies an
 *       overlapping input likewise), so the result is NumPy's: as if every input were read
 *       before anything was written.</li>
 * </ul>
 * Not detected: a {@link BlockGenerator} or {@link BlockSource} that reads {@code out}'s memory
 * through something it captured, and an {@code out} that overlaps itself (stride 0).
 */
final class ChunkedOut {
  private ChunkedOut() {}

  /** {@code f(inputs..., out=out)} into an NDArray; returns {@code out}. */
  static NDArray into(Tessera np, Ufunc f, Object[] inputs, NDArray out, Casting casting) {
    String name = f.name();
    if (!out.isOpen()) {
      throw new io.tessera.errors.ClosedArrayException(name, name + ": out= array is closed");
    }
    if (!out.isWriteable()) {
      throw new ReadOnlyArrayException(name, name + ": output array is read-only");
    }
    long[] shape = out.shape();
    long[][] single = new long[shape.length][];
    for (int a = 0; a < shape.length; a++) {
      single[a] = new long[] {shape[a]};
    }
    run(np, f, inputs, out.dtype(), shape, Chunks.of(shape, single), List.of(out), null,
        (off, sh) -> out.get(ChunkedArray.regionIndex(off, sh)), casting);
    return out;
  }

  /** {@code f(inputs..., out=out)} into a materialized chunked array; returns {@code out}. */
  static ChunkedArray into(Tessera np, Ufunc f, Object[] inputs, ChunkedArray out,
      Casting casting) {
    String name = f.name();
    if (!out.isOpen()) {
      throw new io.tessera.errors.ClosedArrayException(name, name + ": out= chunked array is "
          + "closed");
    }
    if (out.peakBytes() != 0) {
      throw new TesseraException(name, name + ": out= must be a materialized chunked array "
          + "(fromArray, fromBlocks, persist() or a slice of one), not " + out
          + "; call persist() first or write into an NDArray");
    }
    run(np, f, inputs, out.dtype(), out.shape(), out.chunks(), out.heldArrays(), out,
        (off, sh) -> out.region(np, off, sh), casting);
    return out;
  }

  private interface Region {
    NDArray of(long[] offsets, long[] shape);
  }

  private static void run(Tessera np, Ufunc f, Object[] inputs, DType outType, long[] outShape,
      Chunks outGrid, List<NDArray> outMemory, ChunkedArray outChunked, Region outRegion,
      Casting casting) {
    String name = f.name();
    int nin = f.nin();
    if (inputs.length != nin) {
      throw new TesseraException(name, name + " takes " + nin + " inputs, got "
          + inputs.length);
    }
    // ---------------------------------------------------------------- checks, no writes
    DType[] types = new DType[nin];
    boolean[] weak = new boolean[nin];
    Number[] values = new Number[nin];
    long[][] shapes = new long[nin][];
    List<Chunks> grids = new ArrayList<>();
    for (int i = 0; i < nin; i++) {
      Object o = inputs[i];
      if (o instanceof ChunkedArray c) {
        if (!c.isOpen()) {
          throw new io.tessera.errors.ClosedArrayException(name, name + ": input " + i
              + " is a closed chunked array");
        }
        types[i] = c.dtype();
        shapes[i] = c.shape();
        grids.add(c.chunks());
      } else if (o instanceof NDArray n) {
        if (!n.isOpen()) {
          throw new io.tessera.errors.ClosedArrayException(name, name + ": input " + i
              + " is closed");
        }
        types[i] = n.dtype();
        shapes[i] = n.shape();
      } else if (o instanceof Number || o instanceof Boolean) {
        weak[i] = true;
        values[i] = o instanceof Boolean bo ? (Number) (bo ? 1L : 0L) : (Number) o;
        types[i] = o instanceof Boolean ? DType.BOOL : o instanceof Double || o instanceof Float
            ? DType.FLOAT64 : DType.INT64;
        shapes[i] = new long[0];
      } else {
        throw new TesseraException(name, name + ": input " + i + " is a "
            + (o == null ? "null" : o.getClass().getSimpleName()) + ", expected a ChunkedArray,"
            + " an NDArray or a Java number/boolean");
      }
    }
    long[][] withOut = Arrays.copyOf(shapes, nin + 1);
    withOut[nin] = outShape;
    long[] full;
    try {
      full = Broadcast.broadcastShapes(withOut); // NumPy broadcasts the inputs with out first
    } catch (ShapeException e) {
      throw new ShapeException(name, e.getMessage());
    }
    if (!Arrays.equals(full, outShape)) {
      throw new ShapeException(name, "non-broadcastable output operand with shape "
          + Shapes.formatCompact(outShape) + " doesn't match the broadcast shape "
          + Shapes.formatCompact(full));
    }
    TypeResolver.resolveFull(f.spec(), types, weak, values, null, new DType[] {outType},
        casting == null ? Casting.SAME_KIND : casting);
    grids.add(outGrid);
    Chunks grid = Chunks.unifyBroadcast(grids.toArray(new Chunks[0]));
    long nb = grid.blockCount();
    if (nb > Integer.MAX_VALUE) {
      throw new TesseraException(name, name + ": too many blocks " + nb);
    }
    // out regions are views: check they are writeable before anything is written
    for (long k = 0; k < nb; k++) {
      long[] idx = grid.blockIndex(k);
      try (NDArray r = outRegion.of(grid.blockOffsets(idx), grid.blockShape(idx))) {
        if (!r.isWriteable()) {
          throw new ReadOnlyArrayException(name, name + ": output array is read-only");
        }
        if (outChunked != null && r.base() == null) {
          throw new TesseraException(name, name + ": out= block " + Shapes.format(idx)
              + " is not a view of memory the chunked array holds; persist() it first");
        }
      }
    }
    // ---------------------------------------------------------------- overlap
    Object[] ops = inputs.clone();
    List<NDArray> temps = new ArrayList<>();
    try {
      for (int i = 0; i < nin; i++) {
        Object o = inputs[i];
        if (o == outChunked || !(o instanceof NDArray || o instanceof ChunkedArray)) {
          continue;
        }
        if (!unsafe(np, o, grid, outShape, outMemory, outRegion)) {
          continue;
        }
        NDArray copy;
        if (o instanceof NDArray n) {
          MemoryBudget.check(name, "copy of an input overlapping out=", new String[] {"x"},
              new long[][] {n.shape()}, n.dtype(), n.nbytes(),
              "write into an array that does not overlap the inputs");
          copy = n.copy();
        } else {
          copy = ((ChunkedArray) o).toArray(np);
        }
        temps.add(copy);
        ops[i] = copy;
      }
      // ---------------------------------------------------------------- blocks
      int nd = grid.ndim();
      Runnable body = () -> Threads.forEachPart((int) nb, k -> {
        long[] idx = grid.blockIndex(k);
        long[] off = grid.blockOffsets(idx);
        long[] sh = grid.blockShape(idx);
        Object[] pieces = new Object[nin];
        NDArray dst = null;
        try {
          for (int i = 0; i < nin; i++) {
            pieces[i] = piece(np, ops[i], off, sh, nd, outShape);
          }
          dst = outRegion.of(off, sh);
          f.with().out(dst).casting(casting == null ? Casting.SAME_KIND : casting)
              .apply(pieces);
        } finally {
          for (Object p : pieces) {
            if (p instanceof NDArray a) {
              a.close();
            }
          }
          if (dst != null) {
            dst.close();
          }
        }
      });
      if (Shapes.size(outShape) < (1L << 16)) {
        Threads.limit(1, body);
      } else {
        body.run();
      }
    } finally {
      for (NDArray t : temps) {
        t.close();
      }
    }
  }

  /** The piece of an operand that result block [off, off+sh) reads (a number stays a number). */
  private static Object piece(Tessera np, Object op, long[] off, long[] sh, int nd,
      long[] outShape) {
    if (!(op instanceof NDArray) && !(op instanceof ChunkedArray)) {
      return op;
    }
    long[] opShape = op instanceof NDArray n ? n.shape() : ((ChunkedArray) op).shape();
    int shift = nd - opShape.length;
    long[] o = new long[opShape.length];
    long[] s = new long[opShape.length];
    for (int a = 0; a < opShape.length; a++) {
      boolean stretched = opShape[a] == 1 && outShape[a + shift] != 1;
      o[a] = stretched ? 0 : off[a + shift];
      s[a] = stretched ? 1 : sh[a + shift];
    }
    if (op instanceof NDArray n) {
      return n.get(ChunkedArray.regionIndex(o, s));
    }
    return ((ChunkedArray) op).region(np, o, s);
  }

  /** Whether reading {@code op} block by block could see values already written to out. */
  private static boolean unsafe(Tessera np, Object op, Chunks grid, long[] outShape,
      List<NDArray> outMemory, Region outRegion) {
    List<NDArray> held = op instanceof NDArray n ? List.of(n) : ((ChunkedArray) op).heldArrays();
    boolean may = false;
    for (NDArray h : held) {
      for (NDArray m : outMemory) {
        may |= h.isOpen() && m.isOpen() && h.mayShareMemory(m);
      }
    }
    if (!may) {
      return false;
    }
    if (op instanceof ChunkedArray c && c.peakBytes() != 0) {
      return true; // computes its blocks from memory out= overlaps, at a time we do not control
    }
    int nd = grid.ndim();
    for (long k = 0; k < grid.blockCount(); k++) {
      long[] idx = grid.blockIndex(k);
      long[] off = grid.blockOffsets(idx);
      long[] sh = grid.blockShape(idx);
      try (NDArray p = (NDArray) piece(np, op, off, sh, nd, outShape);
           NDArray r = outRegion.of(off, sh)) {
        boolean touches = false;
        for (NDArray m : outMemory) {
          touches |= p.mayShareMemory(m);
        }
        if (touches && !(p.dataAddress() == r.dataAddress() && Arrays.equals(p.shape(), r.shape())
            && Arrays.equals(p.strides(), r.strides()) && p.storage() == r.storage())) {
          return true;
        }
      }
    }
    return false;
  }
}
