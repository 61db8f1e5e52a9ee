package io.tessera.ndarray;

import io.tessera.dtype.Casting;
import io.tessera.dtype.Convert;
import io.tessera.dtype.DType;
import io.tessera.iter.PairWalk;
import io.tessera.memory.Raw;
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

  private static void walk(NDArray src, NDArray dst) {
    DType from = src.dtype();
    DType to = dst.dtype();
    int si = from.itemsize();
    int di = to.itemsize();
    PairWalk.walk(dst.layout().shape(), dst.dataAddress(), dst.layout().strides(),
        src.dataAddress(), src.layout().strides(), (d, ds, s, ss, n) -> {
          for (long i = 0; i < n; i++, d += ds, s += ss) {
            Raw.putBits(d, di, Convert.rawBitsConvert(from, to, Raw.getBits(s, si)));
          }
        });
  }
}
