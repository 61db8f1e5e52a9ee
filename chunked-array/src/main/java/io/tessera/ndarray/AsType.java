package io.tessera.ndarray;

import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.iter.PairWalk;
import io.tessera.kernels.Kernels;
import io.tessera.kernels.UnaryKernel;
import io.tessera.overlap.MemOverlap;

/** dtype conversion of whole arrays: {@code astype} and casting assignment. */
final class AsType {
  private AsType() {}

  static NDArray astype(NDArray src, DType type, Casting casting, boolean copy) {
    Casting.checkCast("astype", src.dtype(), type, casting);
    if (!copy && type == src.dtype()) {
      return src.view();
    }
    NDArray out = Creation.emptyLike(src, type, Order.K);
    if (type == src.dtype()) {
      NDArray.copyData(src, out);
    } else {
      walk(src, out);
    }
    return out;
  }

  /**
   * Converts {@code src} into {@code dst} (same shape) with casting 'unsafe'. If the two share
   * memory, src is copied first so that every element is read before it is overwritten.
   */
  static void convertInto(NDArray src, NDArray dst) {
    if (src.storage() == dst.storage() && MemOverlap.mayShareMemory(src.layout(), dst.layout())) {
      try (NDArray tmp = src.copy(Order.K)) {
        walk(tmp, dst);
      }
    } else {
      walk(src, dst);
    }
  }

  /** Converts in the destination's memory order with the generated cast loop for the pair. */
  private static void walk(NDArray src, NDArray dst) {
    UnaryKernel cast = Kernels.cast(src.dtype(), dst.dtype());
    PairWalk.walk(dst.layout().shape(), dst.dataAddress(), dst.layout().strides(),
        src.dataAddress(), src.layout().strides(),
        (d, ds, s, ss, n) -> cast.run(s, ss, d, ds, n));
  }
}
