package io.tessera.chunk;

import io.tessera.Tessera;
import io.tessera.ndarray.NDArray;

/**
 * Produces the blocks of a chunked array on demand: block {@code blockIndex} (one index per axis),
 * allocating from {@code np} if it allocates at all. The caller owns the returned array and closes
 * it. A source must be deterministic (the same block every time it is asked) and safe to call from
 * several threads; blocks may be views of memory the source keeps alive.
 */
@FunctionalInterface
public interface BlockSource {
  NDArray block(long[] blockIndex, Tessera np);
}
