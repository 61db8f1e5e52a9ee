package io.tessera.chunk;

import io.tessera.Tessera;
import io.tessera.ndarray.NDArray;

/**
 * Makes one block of a generated chunked array from its place in the grid: the block index, the
 * element offsets of its first element, and its shape. Must return a new array of exactly that
 * shape and the array's dtype, allocated from {@code np}, and the same values every time (it may
 * be called again for the same block, and by several threads).
 */
@FunctionalInterface
public interface BlockGenerator {
  NDArray generate(long[] blockIndex, long[] offsets, long[] shape, Tessera np);
}
