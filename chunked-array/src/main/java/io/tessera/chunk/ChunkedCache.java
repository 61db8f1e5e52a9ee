package io.tessera.chunk;

import io.tessera.Tessera;
import io.tessera.index.Index;
import io.tessera.memory.MemoryBudget;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.parallel.Threads;
import java.util.Arrays;

/**
 * {@link ChunkedArray#persist}: produce every block once and keep it (Dask's {@code persist}).
 *
 * <p>Blocks are produced on up to {@link Threads#current()} threads. A produced block that owns
 * its memory and is C-contiguous is kept as it is; a view (e.g. a slice of a larger generated
 * block) is copied into a C-order array of its own, so the cache holds exactly the array's bytes.
 * The check against the {@link MemoryBudget} counts the whole array plus one block being produced
 * per thread.
 */
final class ChunkedCache {
  private ChunkedCache() {}

  static ChunkedArray persist(ChunkedArray a, Tessera np) {
    if (a.peakBytes() == 0) {
      return a.get(new Index[0]); // blocks are already views of held memory
    }
    int threads = (int) Math.max(1, Math.min(Threads.current(), a.blockCount()));
    long need = sat(a.nbytes(), sat(a.peakBytes(), 0) * threads);
    MemoryBudget.check("persist", "x.persist()", new String[] {"x"}, new long[][] {a.shape()},
        a.dtype(), need, "keep x lazy: iterate x.blocks() or reduce it block by block");
    int n = (int) a.blockCount();
    NDArray[] kept = new NDArray[n];
    try {
      Threads.forEachPart(n, i -> {
        try (Block b = a.blockAt(np, i)) {
          NDArray arr = b.array();
          kept[i] = arr.base() == null && arr.isCContiguous() ? arr.view() : arr.copy(Order.C);
        }
      });
      return ChunkedArray.fromBlocks(Arrays.asList(kept), a.chunks());
    } catch (RuntimeException e) {
      for (NDArray k : kept) {
        if (k != null) {
          k.close();
        }
      }
      throw e;
    }
  }

  private static long sat(long x, long y) {
    long s = x + y;
    return s < 0 ? Long.MAX_VALUE : s;
  }
}
