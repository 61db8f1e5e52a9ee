package io.tessera.spark.internal;

import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.index.Index;
import io.tessera.linalg.Einsum;
import io.tessera.linalg.EinsumOptions;
import io.tessera.linalg.Linalg;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.BlockIndex;
import io.tessera.spark.ExecutorMemory;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Internal: a two-operand contraction ({@code matmul} or an einsum without repeated labels) cut
 * into blocks: the driver plans it, executors use it to name and multiply block pairs.
 *
 * <p><b>Labels.</b> Every axis of A, B and the result carries one label (einsum's letters; matmul is
 * {@code "ij,jk->ik"} and its 1-D and batched forms). Labels of both operands are <em>shared</em>
 * (batch labels when also in the result, contracted otherwise); the <em>summed</em> labels
 * ({@code k}) are those not in the result.
 *
 * <p><b>Virtual grids.</b> Along a shared label the two operands may be chunked differently; both
 * are then cut along the common refinement of the two chunkings ({@link Chunks#unify}), which only
 * splits blocks: a <em>virtual block</em> is a view of one real block. Each virtual block pair that
 * agrees on the shared labels contributes one partial product to the result block named by their
 * result labels, at position {@code k} = the C-order index of their summed labels' blocks. The
 * result block is the sum of its partials in increasing {@code k}, left to right: {@code
 * ((P0 + P1) + P2) + ...}, whatever plan, partitioning or task order produced them. This is
 * exactly the local blocked product over the same blocks, so results are bit-identical across
 * plans.
 */
public final class BlockContraction implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The local kernel applied to each block pair. */
  public enum Kernel {
    /** {@link Linalg#matmul}. */
    MATMUL,
    /** {@link Einsum#einsum} with the optimizer on (BLAS for the pairwise product). */
    EINSUM
  }

  private final Kernel kernel;
  private final String la;
  private final String lb;
  private final String lo;
  private final String lk;
  private final String shared;
  private final String aOnly;
  private final String bOnly;
  private final DType dtype;
  private final BlockGrid realA;
  private final BlockGrid realB;
  private final BlockGrid virtA;
  private final BlockGrid virtB;
  private final BlockGrid out;
  private final BlockGrid kGrid;
  private final BlockGrid sharedGrid;
  private final BlockGrid aOnlyGrid;
  private final BlockGrid bOnlyGrid;

  /**
   * @param labelChunks chunks of every label (the refinement along shared labels)
   * @param chunksA A's real chunks (null when A is not distributed: its real grid is then virtual)
   */
  public BlockContraction(Kernel kernel, String la, String lb, String lo,
      Map<Character, long[]> labelChunks, Chunks chunksA, Chunks chunksB, DType dtype) {
    this.kernel = kernel;
    this.la = la;
    this.lb = lb;
    this.lo = lo;
    this.dtype = dtype;
    StringBuilder k = new StringBuilder();
    StringBuilder sh = new StringBuilder();
    StringBuilder ao = new StringBuilder();
    StringBuilder bo = new StringBuilder();
    for (char c : (la + lb).toCharArray()) {
      if (lo.indexOf(c) < 0 && k.indexOf(String.valueOf(c)) < 0) {
        k.append(c);
      }
    }
    for (char c : la.toCharArray()) {
      (lb.indexOf(c) >= 0 ? sh : ao).append(c);
    }
    for (char c : lb.toCharArray()) {
      if (la.indexOf(c) < 0) {
        bo.append(c);
      }
    }
    this.lk = k.toString();
    this.shared = sh.toString();
    this.aOnly = ao.toString();
    this.bOnly = bo.toString();
    this.virtA = new BlockGrid(grid(la, labelChunks));
    this.virtB = new BlockGrid(grid(lb, labelChunks));
    this.realA = new BlockGrid(chunksA == null ? virtA.chunks() : chunksA);
    this.realB = new BlockGrid(chunksB == null ? virtB.chunks() : chunksB);
    this.out = new BlockGrid(grid(lo, labelChunks));
    this.kGrid = new BlockGrid(grid(lk, labelChunks));
    this.sharedGrid = new BlockGrid(grid(shared, labelChunks));
    this.aOnlyGrid = new BlockGrid(grid(aOnly, labelChunks));
    this.bOnlyGrid = new BlockGrid(grid(bOnly, labelChunks));
  }

  private static Chunks grid(String labels, Map<Character, long[]> chunks) {
    long[][] per = new long[labels.length()][];
    for (int i = 0; i < per.length; i++) {
      per[i] = chunks.get(labels.charAt(i)).clone();
    }
    return Chunks.of(per);
  }

  // ------------------------------------------------------------------ accessors

  public Kernel kernel() {
    return kernel;
  }

  public DType dtype() {
    return dtype;
  }

  /** The subscripts of one block pair's product, e.g. {@code "ij,jk->ik"}. */
  public String subscripts() {
    return la + "," + lb + "->" + lo;
  }

  public String summedLabels() {
    return lk;
  }

  public Chunks outChunks() {
    return out.chunks();
  }

  public Chunks virtualChunks(int side) {
    return (side == 0 ? virtA : virtB).chunks();
  }

  public Chunks realChunks(int side) {
    return (side == 0 ? realA : realB).chunks();
  }

  /** Number of partial products per result block. */
  public long kBlocks() {
    return kGrid.blockCount();
  }

  public long sharedBlocks() {
    return sharedGrid.blockCount();
  }

  /** Blocks of the labels only operand {@code side} has. */
  public long onlyBlocks(int side) {
    return (side == 0 ? aOnlyGrid : bOnlyGrid).blockCount();
  }

  /** Whether the virtual grid of {@code side} is its real grid (no block is split). */
  public boolean unsplit(int side) {
    return side == 0 ? virtA.equals(realA) : virtB.equals(realB);
  }

  // ------------------------------------------------------------------ block naming

  private String labels(int side) {
    return side == 0 ? la : lb;
  }

  /** The C-order index, in the grid of {@code target} labels, of a virtual block of {@code side}. */
  private long indexIn(int side, long[] vcoords, String target, BlockGrid g) {
    String l = labels(side);
    long[] c = new long[target.length()];
    for (int i = 0; i < c.length; i++) {
      c[i] = vcoords[l.indexOf(target.charAt(i))];
    }
    return g.chunks().linearIndex(c);
  }

  /** Index of the virtual block among the shared labels' blocks. */
  public long sharedIndex(int side, long[] vcoords) {
    return indexIn(side, vcoords, shared, sharedGrid);
  }

  /** Index of the virtual block among the blocks of the labels only {@code side} has. */
  public long onlyIndex(int side, long[] vcoords) {
    return indexIn(side, vcoords, side == 0 ? aOnly : bOnly, side == 0 ? aOnlyGrid : bOnlyGrid);
  }

  /** Whether a virtual block of A and one of B agree on every shared label. */
  public boolean pairs(long[] va, long[] vb) {
    for (char c : shared.toCharArray()) {
      if (va[la.indexOf(c)] != vb[lb.indexOf(c)]) {
        return false;
      }
    }
    return true;
  }

  /** The result block a pair contributes to (C-order index in the result grid). */
  public long outIndex(long[] va, long[] vb) {
    long[] c = new long[lo.length()];
    for (int i = 0; i < c.length; i++) {
      char ch = lo.charAt(i);
      int p = la.indexOf(ch);
      c[i] = p >= 0 ? va[p] : vb[lb.indexOf(ch)];
    }
    return out.chunks().linearIndex(c);
  }

  /** The position of a pair's partial in its result block's sum. */
  public long kIndex(long[] va, long[] vb) {
    long[] c = new long[lk.length()];
    for (int i = 0; i < c.length; i++) {
      char ch = lk.charAt(i);
      int p = la.indexOf(ch);
      c[i] = p >= 0 ? va[p] : vb[lb.indexOf(ch)];
    }
    return kGrid.chunks().linearIndex(c);
  }

  /** The key of a partial product: ordered by result block, then by k. */
  public BlockIndex partialKey(long outIndex, long kIndex) {
    return foldedKey(outIndex, kIndex, kIndex);
  }

  /**
   * The key of the left-to-right sum of the partial products {@code kFirst .. kLast} of one
   * result block ({@code kFirst} is 0: only a prefix may be folded without changing the order).
   */
  public BlockIndex foldedKey(long outIndex, long kFirst, long kLast) {
    return new BlockIndex(outIndex * kBlocks() + kFirst, new long[] {outIndex, kFirst, kLast});
  }

  /**
   * Whether the broadcast plan may fold runs of partial products on the map side: the left
   * operand is the distributed one and the only summed label is its last axis, so its blocks
   * arrive row by row with k increasing.
   */
  public boolean foldable(int distributedSide) {
    return distributedSide == 0 && lk.length() == 1 && la.charAt(la.length() - 1) == lk.charAt(0)
        && lb.indexOf(lk.charAt(0)) >= 0;
  }

  /** Position of the summed label among operand {@code side}'s axes (foldable contractions). */
  public int kAxis(int side) {
    return labels(side).indexOf(lk.charAt(0));
  }

  /**
   * The virtual blocks inside real block {@code real} of {@code side}: their virtual coordinates
   * and their offsets inside the real block.
   */
  public List<long[][]> virtualBlocks(int side, long[] real) {
    Chunks r = realChunks(side);
    Chunks v = virtualChunks(side);
    int nd = real.length;
    long[] first = new long[nd];
    long[] count = new long[nd];
    long[] rStart = r.blockOffsets(real);
    long[] rShape = r.blockShape(real);
    for (int a = 0; a < nd; a++) {
      if (rShape[a] == 0) {
        first[a] = real[a];
        count[a] = 1;
        continue;
      }
      int f = v.locate(a, rStart[a]);
      int l = v.locate(a, rStart[a] + rShape[a] - 1);
      first[a] = f;
      count[a] = l - f + 1;
    }
    List<long[][]> outList = new ArrayList<>();
    long[] idx = new long[nd];
    long total = 1;
    for (long c : count) {
      total *= c;
    }
    for (long t = 0; t < total; t++) {
      long rem = t;
      for (int a = nd - 1; a >= 0; a--) {
        idx[a] = rem % count[a];
        rem /= count[a];
      }
      long[] vc = new long[nd];
      long[] off = new long[nd];
      for (int a = 0; a < nd; a++) {
        vc[a] = first[a] + idx[a];
        off[a] = rShape[a] == 0 ? 0 : v.start(a, (int) vc[a]) - rStart[a];
      }
      outList.add(new long[][] {vc, off});
    }
    return outList;
  }

  /** A view of the virtual block at {@code offsets} (shape from the virtual grid) of a real block. */
  public NDArray view(int side, NDArray realBlock, long[] vcoords, long[] offsets) {
    long[] shape = virtualChunks(side).blockShape(vcoords);
    if (Arrays.equals(shape, realBlock.shape())) {
      return realBlock.view();
    }
    Index[] ix = new Index[shape.length];
    for (int a = 0; a < ix.length; a++) {
      ix[a] = Index.slice(offsets[a], offsets[a] + shape[a]);
    }
    return realBlock.get(ix);
  }

  // ------------------------------------------------------------------ the kernel

  /**
   * One partial product of a virtual block of A and one of B (both left open), as a new array of
   * the result dtype adopted by the running task.
   */
  public NDArray multiply(NDArray a, NDArray b) {
    NDArray r;
    if (kernel == Kernel.MATMUL) {
      r = Linalg.matmul(a, b);
    } else {
      r = Einsum.einsum(subscripts(), EinsumOptions.optimized(), a, b);
    }
    ExecutorMemory.adopt(r);
    if (r.dtype() != dtype) {
      try (NDArray x = r) {
        return ExecutorMemory.adopt(x.astype(dtype));
      }
    }
    return r;
  }
}
