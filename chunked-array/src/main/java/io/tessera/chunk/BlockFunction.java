package io.tessera.chunk;

import io.tessera.Tessera;
import io.tessera.ndarray.NDArray;

/**
 * A blockwise function that may use the block's place in the grid. It must not close the input
 * block (the pipeline does) and returns a new array, or a view of the input.
 */
@FunctionalInterface
public interface BlockFunction {
  NDArray apply(Block block, Tessera np);
}
