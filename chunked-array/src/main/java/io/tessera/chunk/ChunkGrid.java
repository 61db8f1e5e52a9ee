package io.tessera.chunk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Helpers on chunk grids: walking block indices, and intersecting a region or another chunking
 * with the blocks of a grid (Dask's {@code _intersect_1d} / {@code old_to_new}), which is what
 * slicing, rechunking and assembling need.
 */
public final class ChunkGrid {
  private ChunkGrid() {}

  /**
   * Part of one block along one axis: positions {@code [start, stop)} of block {@code block} (local
   * to that block) land at {@code outStart} in the region they were asked for.
   */
  public record Piece(int block, long start, long stop, long outStart) {
    public long length() {
      return stop - start;
    }
  }

  /** All block indices of {@code chunks} in C order. */
  public static Stream<long[]> blockIndices(Chunks chunks) {
    return LongStream.range(0, chunks.blockCount()).mapToObj(chunks::blockIndex);
  }

  /**
   * The pieces of the blocks along {@code axis} that cover positions {@code [from, from + length)},
   * in order. Empty for {@code length == 0}.
   */
  public static List<Piece> piecesAlong(Chunks chunks, int axis, long from, long length) {
    List<Piece> out = new ArrayList<>();
    if (length == 0) {
      return out;
    }
    long end = from + length;
    if (from < 0 || end > chunks.shape()[axis]) {
      throw new io.tessera.errors.IndexOutOfRangeException("chunks", "chunks: region [" + from
          + ", " + end + ") is outside axis " + axis + " of length " + chunks.shape()[axis]);
    }
    int b = chunks.locate(axis, from);
    long pos = from;
    while (pos < end) {
      long bStart = chunks.start(axis, b);
      long bEnd = bStart + chunks.size(axis, b);
      long stop = Math.min(end, bEnd);
      out.add(new Piece(b, pos - bStart, stop - bStart, pos - from));
      pos = stop;
      b++;
    }
    return out;
  }

  /**
   * For each block of {@code target} along {@code axis}, the pieces of {@code source}'s blocks it is
   * made of (Dask's {@code old_to_new} for one axis). Both must cut the same length.
   */
  public static List<List<Piece>> intersect(Chunks source, Chunks target, int axis) {
    List<List<Piece>> out = new ArrayList<>();
    for (int j = 0; j < target.numBlocks(axis); j++) {
      out.add(piecesAlong(source, axis, target.start(axis, j), target.size(axis, j)));
    }
    return out;
  }

  /**
   * The number of source-block pieces a rechunk from {@code source} to {@code target} moves: the
   * product over axes of the pieces along each axis (Dask's graph-size measure).
   */
  public static long pieceCount(Chunks source, Chunks target) {
    long n = 1;
    for (int a = 0; a < source.ndim(); a++) {
      long k = 0;
      for (List<Piece> l : intersect(source, target, a)) {
        k += l.size();
      }
      n = Math.multiplyExact(n, Math.max(k, 1));
    }
    return n;
  }

  /**
   * For each block of {@code target}, the largest block of {@code source} it reads, maximized over
   * all target blocks: the product over axes of the largest source chunk any target chunk touches.
   */
  public static long largestSourceBlockTouched(Chunks source, Chunks target) {
    long n = 1;
    for (int a = 0; a < source.ndim(); a++) {
      long m = 0;
      for (List<Piece> l : intersect(source, target, a)) {
        for (Piece p : l) {
          m = Math.max(m, source.size(a, p.block()));
        }
      }
      n = Math.multiplyExact(n, m);
    }
    return n;
  }

  /** True when the region lies inside one block of {@code chunks} (it is then a view of it). */
  public static boolean insideOneBlock(Chunks chunks, long[] offsets, long[] shape) {
    for (int a = 0; a < offsets.length; a++) {
      if (shape[a] == 0) {
        continue;
      }
      if (chunks.locate(a, offsets[a]) != chunks.locate(a, offsets[a] + shape[a] - 1)) {
        return false;
      }
    }
    return true;
  }

  static long[] add(long[] a, long[] b) {
    long[] o = Arrays.copyOf(a, a.length);
    for (int i = 0; i < o.length; i++) {
      o[i] += b[i];
    }
    return o;
  }
}
