package io.tessera.chunk;

import io.tessera.ndarray.NDArray;
import io.tessera.shape.Shapes;

/**
 * One block of a chunked array as handed to a consumer: its index in the grid (per axis and C-order
 * linear), the offsets of its first element in the whole array, and its data. The consumer owns
 * the block and closes it, which closes the array (a view or a freshly produced block).
 */
public final class Block implements AutoCloseable {
  private final long linearIndex;
  private final long[] index;
  private final long[] offsets;
  private final NDArray array;

  public Block(long linearIndex, long[] index, long[] offsets, NDArray array) {
    this.linearIndex = linearIndex;
    this.index = index.clone();
    this.offsets = offsets.clone();
    this.array = array;
  }

  /** C-order number of the block in its grid. */
  public long linearIndex() {
    return linearIndex;
  }

  /** Block index per axis (a copy). */
  public long[] index() {
    return index.clone();
  }

  /** Element offsets of the block's first element in the whole array (a copy). */
  public long[] offsets() {
    return offsets.clone();
  }

  /** The block's shape. */
  public long[] shape() {
    return array.shape();
  }

  /** The block's data; owned by this block (use {@code array().view()} to keep it longer). */
  public NDArray array() {
    return array;
  }

  @Override
  public void close() {
    array.close();
  }

  @Override
  public String toString() {
    return "Block" + Shapes.format(index) + " at " + Shapes.format(offsets) + " shape "
        + Shapes.format(array.shape());
  }
}
