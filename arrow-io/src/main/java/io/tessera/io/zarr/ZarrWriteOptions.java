package io.tessera.io.zarr;

import io.tessera.ndarray.Order;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link Zarr#write} stores an array.
 *
 * @param compressor {@link ZarrCompressor#NONE} (default) or {@link ZarrCompressor#zlib(int)}
 * @param fillValue the fill value: a {@link Double} (or Float) is converted to the dtype (rounded
 *     for float32/float16; integral and in range for integer types, 0 or 1 for bool), a {@link
 *     Long}, Integer or {@link java.math.BigInteger} must be in the dtype's range; null for the
 *     default 0 (zarr-python's default)
 * @param order the element order inside chunks: {@link Order#C} (default) or {@link Order#F}
 * @param byteOrder the stored byte order (little-endian by default; big-endian writes {@code '>'}
 *     dtypes)
 * @param attributes user attributes written to {@code .zattrs} (none when empty); values are
 *     JSON-able: String, Number, Boolean, null, List, Map
 * @param overwrite replace an array already in the store (its metadata and chunk keys are
 *     deleted first); otherwise an existing array is an error
 */
public record ZarrWriteOptions(ZarrCompressor compressor, Number fillValue, Order order,
    ByteOrder byteOrder, Map<String, Object> attributes, boolean overwrite) {
  public ZarrWriteOptions {
    Objects.requireNonNull(compressor, "compressor");
    Objects.requireNonNull(order, "order");
    Objects.requireNonNull(byteOrder, "byteOrder");
    if (order != Order.C && order != Order.F) {
      throw new IllegalArgumentException("order must be C or F, not " + order);
    }
    attributes = attributes == null ? Map.of() : java.util.Collections.unmodifiableMap(
        new LinkedHashMap<>(attributes));
  }

  /** Uncompressed, fill 0, order C, little-endian, no attributes, no overwrite. */
  public static ZarrWriteOptions defaults() {
    return new ZarrWriteOptions(ZarrCompressor.NONE, null, Order.C, ByteOrder.LITTLE_ENDIAN,
        Map.of(), false);
  }

  public ZarrWriteOptions withCompressor(ZarrCompressor c) {
    return new ZarrWriteOptions(c, fillValue, order, byteOrder, attributes, overwrite);
  }

  public ZarrWriteOptions withFillValue(Number f) {
    return new ZarrWriteOptions(compressor, f, order, byteOrder, attributes, overwrite);
  }

  public ZarrWriteOptions withOrder(Order o) {
    return new ZarrWriteOptions(compressor, fillValue, o, byteOrder, attributes, overwrite);
  }

  public ZarrWriteOptions withByteOrder(ByteOrder b) {
    return new ZarrWriteOptions(compressor, fillValue, order, b, attributes, overwrite);
  }

  public ZarrWriteOptions withAttributes(Map<String, Object> a) {
    return new ZarrWriteOptions(compressor, fillValue, order, byteOrder, a, overwrite);
  }

  public ZarrWriteOptions withOverwrite(boolean o) {
    return new ZarrWriteOptions(compressor, fillValue, order, byteOrder, attributes, o);
  }
}
