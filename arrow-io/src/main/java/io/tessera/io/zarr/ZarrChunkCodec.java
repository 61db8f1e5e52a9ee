package io.tessera.io.zarr;

import io.tessera.Tessera;
import io.tessera.index.Index;
import io.tessera.io.chunked.NativeBytes;
import io.tessera.io.zarr.ZarrException.Fault;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.shape.Shapes;
import java.util.Arrays;

/**
 * Encodes one block of an array into the bytes of its Zarr chunk and back: the full-size chunk in
 * the metadata's order and byte order (edge chunks padded with the fill value), then the
 * compressor. Holds at most one decoded chunk off-heap plus its encoded and decoded heap bytes.
 */
final class ZarrChunkCodec {
  private ZarrChunkCodec() {}

  /** The shape of chunk {@code index} inside the array (edge chunks are cut at the array's end). */
  static long[] blockShape(ZarrMetadata meta, long[] index) {
    long[] shape = meta.shape();
    long[] cs = meta.chunkShape();
    long[] out = new long[shape.length];
    for (int a = 0; a < out.length; a++) {
      out[a] = Math.min(cs[a], shape[a] - index[a] * cs[a]);
    }
    return out;
  }

  /** The stored bytes of chunk {@code index} holding {@code block} (its part inside the array). */
  static byte[] encode(NDArray block, long[] index, ZarrMetadata meta, Tessera np) {
    long[] cs = meta.chunkShape();
    int nbytes = meta.chunkBytes();
    byte[] raw = new byte[nbytes];
    boolean inOrder = meta.order() == Order.F ? block.isFContiguous() : block.isCContiguous();
    if (Arrays.equals(block.shape(), cs) && inOrder) {
      Raw.copyToHeap(block.dataAddress(), raw, 0, nbytes);
    } else {
      try (NDArray full = np.empty(meta.dtype(), meta.order(), cs)) {
        NativeBytes.fillBits(full.dataAddress(), full.size(), meta.dtype().itemsize(),
            meta.fillValue().bits());
        try (NDArray dst = full.get(region(block.shape()))) {
          dst.assign(block);
        }
        Raw.copyToHeap(full.dataAddress(), raw, 0, nbytes);
      }
    }
    if (meta.zarrDType().needsSwap()) {
      NativeBytes.swapInPlace(raw, 0, raw.length, meta.dtype().itemsize());
    }
    return meta.compressor().encode(raw);
  }

  /**
   * Decodes chunk {@code index} from its stored bytes into a new array (from {@code np}) of the
   * chunk's shape inside the array: the whole decoded chunk, or a view of its inside part for an
   * edge chunk. C- or F-ordered as the metadata says.
   *
   * @throws ZarrException ({@link Fault#BAD_CHUNK}) if the bytes do not decode to exactly one
   *     chunk; nothing stays allocated
   */
  static NDArray decode(byte[] stored, long[] index, ZarrMetadata meta, Tessera np, String store,
      String key) {
    byte[] raw;
    try {
      raw = meta.compressor().decode(stored, meta.chunkBytes());
    } catch (IllegalStateException e) {
      throw new ZarrException("zarr.read", store, key, Fault.BAD_CHUNK, e.getMessage()
          + " (chunk " + Shapes.format(meta.chunkShape()) + " of " + meta.zarrDType().typestr()
          + " = " + meta.chunkBytes() + " bytes, compressor " + meta.compressor() + ")", e);
    }
    long[] cs = meta.chunkShape();
    long[] bs = blockShape(meta, index);
    NDArray full = np.empty(meta.dtype(), meta.order(), cs);
    try {
      Raw.copyFromHeap(raw, 0, full.dataAddress(), raw.length);
      if (meta.zarrDType().needsSwap()) {
        Raw.reverseBytes(full.dataAddress(), full.size(), meta.dtype().itemsize());
      }
      if (Arrays.equals(bs, cs)) {
        return full;
      }
      try (NDArray f = full) {
        return f.get(region(bs));
      }
    } catch (RuntimeException | Error e) {
      if (full.isOpen()) {
        full.close();
      }
      throw e;
    }
  }

  /** A chunk that is not stored: {@code shape} elements of the fill value (zeros for none). */
  static NDArray missing(ZarrMetadata meta, long[] shape, Tessera np) {
    NDArray b = np.empty(meta.dtype(), shape);
    NativeBytes.fillBits(b.dataAddress(), b.size(), meta.dtype().itemsize(),
        meta.fillValue().bits());
    return b;
  }

  static Index[] region(long[] shape) {
    Index[] ix = new Index[shape.length];
    for (int a = 0; a < ix.length; a++) {
      ix[a] = Index.slice(0, shape[a]);
    }
    return ix;
  }
}
