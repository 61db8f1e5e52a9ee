package io.tessera.chunk;

import io.tessera.errors.IndexOutOfRangeException;
import io.tessera.errors.IndexSyntaxException;
import io.tessera.errors.TesseraException;
import io.tessera.index.BasicIndexing;
import io.tessera.index.Index;
import java.util.ArrayList;
import java.util.List;

/**
 * Basic indexing of a chunked array, done on the grid (Dask's {@code slice_array}): each block of
 * the result is a view of exactly one source block, so the result's chunks along a sliced axis are
 * the non-empty pieces the slice leaves of each source chunk, in the order the slice visits them.
 * Integers remove their axis (and pick one block), {@code None} inserts an axis with chunks (1,),
 * {@code ...} expands to full slices; array indices are refused.
 */
final class ChunkSlicing {
  /** One result chunk along a sliced axis: {@code count} positions of source block {@code block}
   * from local position {@code localStart} by {@code step}. */
  record Piece(int block, long localStart, long step, long count) {}

  /** An entry of the expanded index, in index order. */
  sealed interface Entry permits NewAxis, At, Sliced {}

  record NewAxis() implements Entry {}

  record At(int srcAxis, int block, long local) implements Entry {}

  record Sliced(int srcAxis, List<Piece> pieces) implements Entry {}

  final List<Entry> entries;
  final Chunks result;
  final int srcNdim;

  private ChunkSlicing(List<Entry> entries, Chunks result, int srcNdim) {
    this.entries = entries;
    this.result = result;
    this.srcNdim = srcNdim;
  }

  static ChunkSlicing of(Chunks src, List<Index> index) {
    int nd = src.ndim();
    int consumed = 0;
    int ellipses = 0;
    for (Index ix : index) {
      if (ix instanceof Index.ArrayIndex) {
        throw new TesseraException("index", "index: chunked arrays take basic indices only "
            + "(integers, slices, None, ...); got an array index " + ix
            + " (materialize a block range with toArray first)");
      }
      if (ix instanceof Index.Ellipsis) {
        ellipses++;
      } else if (!(ix instanceof Index.NewAxis)) {
        consumed++;
      }
    }
    if (ellipses > 1) {
      throw new IndexSyntaxException("index", "an index can only have a single ellipsis ('...')");
    }
    if (consumed > nd) {
      throw new IndexOutOfRangeException("index", "too many indices for array: array is " + nd
          + "-dimensional, but " + consumed + " were indexed");
    }
    List<Index> full = new ArrayList<>();
    for (Index ix : index) {
      if (ix instanceof Index.Ellipsis) {
        for (int k = 0; k < nd - consumed; k++) {
          full.add(Index.all());
        }
      } else {
        full.add(ix);
      }
    }
    if (ellipses == 0) {
      for (int k = consumed; k < nd; k++) {
        full.add(Index.all());
      }
    }
    List<Entry> entries = new ArrayList<>();
    List<long[]> outChunks = new ArrayList<>();
    int axis = 0;
    for (Index ix : full) {
      if (ix instanceof Index.NewAxis) {
        entries.add(new NewAxis());
        outChunks.add(new long[] {1});
      } else if (ix instanceof Index.At at) {
        long len = src.shape()[axis];
        long p = BasicIndexing.normalizeIndex(at.index(), len, axis);
        int b = src.locate(axis, p);
        entries.add(new At(axis, b, p - src.start(axis, b)));
        axis++;
      } else {
        Index.Slice s = (Index.Slice) ix;
        long len = src.shape()[axis];
        long[] sci = BasicIndexing.sliceIndices(s, len);
        List<Piece> pieces = pieces(src, axis, sci[0], sci[1], sci[2]);
        entries.add(new Sliced(axis, pieces));
        long[] c = new long[Math.max(pieces.size(), 1)];
        for (int i = 0; i < pieces.size(); i++) {
          c[i] = pieces.get(i).count();
        }
        outChunks.add(c);
        axis++;
      }
    }
    return new ChunkSlicing(entries, Chunks.of(outChunks.toArray(new long[0][])), nd);
  }

  /** The pieces of {@code count} positions {@code start + k*step} cut by the blocks of an axis. */
  private static List<Piece> pieces(Chunks src, int axis, long start, long step, long count) {
    List<Piece> out = new ArrayList<>();
    if (count == 0) {
      return out;
    }
    long first = start;
    long last = start + (count - 1) * step;
    int b0 = src.locate(axis, first);
    int b1 = src.locate(axis, last);
    int dir = step > 0 ? 1 : -1;
    for (int b = b0; dir > 0 ? b <= b1 : b >= b1; b += dir) {
      long bs = src.start(axis, b);
      long be = bs + src.size(axis, b);
      long k0;
      long k1;
      if (step > 0) {
        k0 = Math.max(0, Math.floorDiv(bs - start + step - 1, step));
        k1 = Math.min(count - 1, Math.floorDiv(be - 1 - start, step));
      } else {
        long m = -step;
        k0 = Math.max(0, Math.floorDiv(start - (be - 1) + m - 1, m));
        k1 = Math.min(count - 1, Math.floorDiv(start - bs, m));
      }
      if (k1 >= k0) {
        out.add(new Piece(b, start + k0 * step - bs, step, k1 - k0 + 1));
      }
    }
    return out;
  }

  /** The source block that result block {@code resultIndex} is a view of. */
  long[] sourceBlock(long[] resultIndex) {
    long[] src = new long[srcNdim];
    int r = 0;
    for (Entry e : entries) {
      if (e instanceof NewAxis) {
        r++;
      } else if (e instanceof At at) {
        src[at.srcAxis()] = at.block();
      } else {
        Sliced s = (Sliced) e;
        src[s.srcAxis()] = s.pieces().isEmpty() ? 0 : s.pieces().get((int) resultIndex[r]).block();
        r++;
      }
    }
    return src;
  }

  /** The index that cuts result block {@code resultIndex} out of its source block. */
  Index[] localIndex(long[] resultIndex) {
    Index[] out = new Index[entries.size()];
    int r = 0;
    for (int i = 0; i < out.length; i++) {
      Entry e = entries.get(i);
      if (e instanceof NewAxis) {
        out[i] = Index.newAxis();
        r++;
      } else if (e instanceof At at) {
        out[i] = Index.at(at.local());
      } else {
        Sliced s = (Sliced) e;
        if (s.pieces().isEmpty()) {
          out[i] = Index.slice(0L, 0L, 1);
        } else {
          Piece p = s.pieces().get((int) resultIndex[r]);
          long stop = p.localStart() + p.count() * p.step();
          if (p.step() > 0) {
            stop = p.localStart() + (p.count() - 1) * p.step() + 1;
          }
          out[i] = Index.slice(p.localStart(), p.step() < 0 && stop < 0 ? null : stop, p.step());
        }
        r++;
      }
    }
    return out;
  }
}
