package io.tessera.io.zarr;

import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.io.zarr.ZarrException.Fault;
import io.tessera.memory.MemoryBudget;
import io.tessera.ndarray.Order;
import io.tessera.shape.Shapes;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The metadata of a Zarr v2 array: the {@code .zarray} document.
 *
 * <pre>{@code
 * {"zarr_format": 2, "shape": [1000, 1000], "chunks": [100, 250], "dtype": "<f8",
 *  "order": "C", "fill_value": "NaN", "compressor": {"id": "zlib", "level": 1},
 *  "filters": null, "dimension_separator": "."}
 * }</pre>
 *
 * <p><b>The chunk grid is regular</b>: every chunk has the shape {@code chunks}; the grid has
 * {@code ceil(shape[a] / chunks[a])} chunks along axis {@code a}, and edge chunks are stored at
 * full size, padded (with the fill value, when Tessera writes them). As a {@link Chunks} grid
 * ({@link #grid()}) the last block along an axis is the part inside the array; a chunk larger than
 * its axis gives one block of the axis length. A zero-length axis has no chunks (and a chunk
 * length of at least 1 in the metadata). A 0-d array has {@code "shape": []}, {@code "chunks":
 * []} and one chunk under the key {@code "0"}.
 *
 * <p>Chunk keys join the chunk indices with the {@code dimension_separator} ({@code "."}, the
 * default, or {@code "/"}): {@code "2.0.13"}. Chunk bytes are the chunk's elements in {@code order}
 * (C or F) with the dtype's byte order, then the compressor's encoding; {@code filters} must be
 * null (or empty). Unknown keys are ignored, as zarr-python does.
 */
public final class ZarrMetadata {
  /** The {@code .zarray} key. */
  public static final String ZARRAY = ".zarray";
  /** The {@code .zattrs} key (user attributes). */
  public static final String ZATTRS = ".zattrs";

  private final long[] shape;
  private final long[] chunkShape;
  private final ZarrDType dtype;
  private final Order order;
  private final ZarrFillValue fillValue;
  private final ZarrCompressor compressor;
  private final String separator;

  /**
   * @param shape the array shape
   * @param chunkShape the chunk shape (every entry at least 1)
   * @param dtype the stored type and byte order
   * @param order {@link Order#C} or {@link Order#F}: the element order inside a chunk
   * @param fillValue for {@code dtype.dtype()}
   * @param compressor the codec ({@link ZarrCompressor#NONE} for none)
   * @param separator {@code "."} or {@code "/"}
   * @throws IllegalArgumentException if the parts do not make a valid Zarr v2 array
   */
  public ZarrMetadata(long[] shape, long[] chunkShape, ZarrDType dtype, Order order,
      ZarrFillValue fillValue, ZarrCompressor compressor, String separator) {
    this.shape = shape.clone();
    this.chunkShape = chunkShape.clone();
    this.dtype = Objects.requireNonNull(dtype, "dtype");
    this.order = Objects.requireNonNull(order, "order");
    this.fillValue = Objects.requireNonNull(fillValue, "fillValue");
    this.compressor = Objects.requireNonNull(compressor, "compressor");
    this.separator = Objects.requireNonNull(separator, "separator");
    if (shape.length != chunkShape.length) {
      throw new IllegalArgumentException("shape " + Shapes.format(shape) + " and chunks "
          + Shapes.format(chunkShape) + " have different numbers of axes");
    }
    for (int a = 0; a < shape.length; a++) {
      if (shape[a] < 0) {
        throw new IllegalArgumentException("negative dimension " + shape[a] + " in shape "
            + Shapes.format(shape));
      }
      if (chunkShape[a] < 1) {
        throw new IllegalArgumentException("chunk length " + chunkShape[a] + " along axis " + a
            + " (chunks " + Shapes.format(chunkShape) + " must be at least 1)");
      }
    }
    if (order != Order.C && order != Order.F) {
      throw new IllegalArgumentException("order must be C or F, not " + order);
    }
    if (fillValue.dtype() != dtype.dtype()) {
      throw new IllegalArgumentException("fill value for " + fillValue.dtype() + " on a "
          + dtype.dtype() + " array");
    }
    if (!separator.equals(".") && !separator.equals("/")) {
      throw new IllegalArgumentException("dimension_separator must be \".\" or \"/\", not \""
          + separator + "\"");
    }
    long elems = 1;
    long total = 1;
    try {
      for (int a = 0; a < shape.length; a++) {
        elems = Math.multiplyExact(elems, chunkShape[a]);
        total = Math.multiplyExact(total, shape[a]);
      }
      Math.multiplyExact(total, (long) dtype.dtype().itemsize());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("shape " + Shapes.format(shape) + " or chunks "
          + Shapes.format(chunkShape) + " overflow a byte count");
    }
    if (elems > (Integer.MAX_VALUE - 64) / dtype.dtype().itemsize()) {
      throw new IllegalArgumentException("chunks " + Shapes.format(chunkShape) + " of "
          + dtype.dtype() + " are " + elems + " elements: a chunk must stay below 2 GiB");
    }
  }

  // ================================================================== derived from an array

  /**
   * The metadata for writing an array of {@code shape} cut by {@code chunks}, which must be
   * regular ({@link Chunks#isRegular()}: equal chunks along each axis, the last one possibly
   * shorter), little-endian, order C, dimension separator {@code "."}.
   *
   * @throws ZarrException ({@link Fault#IRREGULAR_CHUNKS}) naming the chunks and suggesting a
   *     rechunk to a regular grid
   */
  public static ZarrMetadata forChunks(Chunks chunks, DType dtype, ZarrFillValue fillValue,
      ZarrCompressor compressor, String op, String store) {
    long[] shape = chunks.shape();
    long[] cs = new long[shape.length];
    for (int a = 0; a < shape.length; a++) {
      long[] c = chunks.chunks(a);
      cs[a] = Math.max(1, c[0]);
    }
    if (!chunks.isRegular()) {
      long[] suggest = chunks.chunkSize();
      for (int a = 0; a < suggest.length; a++) {
        suggest[a] = Math.max(1, suggest[a]);
      }
      throw new ZarrException(op, store, null, Fault.IRREGULAR_CHUNKS, "chunks " + chunks
          + " of shape " + Shapes.format(shape) + " are irregular: Zarr v2 stores a regular "
          + "grid (equal chunks along each axis; only the last one may be shorter). Rechunk "
          + "first: array.rechunk(Zarr.regularChunks(array.chunks())), i.e. "
          + "Chunks.regular(new long[] " + braces(shape) + ", " + join(suggest) + ")");
    }
    return new ZarrMetadata(shape, cs, ZarrDType.of(dtype), Order.C, fillValue, compressor, ".");
  }

  // ================================================================== accessors

  public long[] shape() {
    return shape.clone();
  }

  public int ndim() {
    return shape.length;
  }

  /** The chunk shape of {@code .zarray} (a copy). */
  public long[] chunkShape() {
    return chunkShape.clone();
  }

  public ZarrDType zarrDType() {
    return dtype;
  }

  public DType dtype() {
    return dtype.dtype();
  }

  public Order order() {
    return order;
  }

  public ZarrFillValue fillValue() {
    return fillValue;
  }

  public ZarrCompressor compressor() {
    return compressor;
  }

  public String dimensionSeparator() {
    return separator;
  }

  /** Elements in one (full-size) chunk. */
  public long chunkElements() {
    long n = 1;
    for (long c : chunkShape) {
      n *= c;
    }
    return n;
  }

  /** Bytes of one decoded (full-size) chunk. */
  public int chunkBytes() {
    return Math.toIntExact(chunkElements() * dtype.dtype().itemsize());
  }

  /** Bytes of the whole array. */
  public long nbytes() {
    return MemoryBudget.bytesOf(shape, dtype.dtype());
  }

  /** The chunk grid as {@link Chunks}: block index {@code i} is chunk {@code i}. */
  public Chunks grid() {
    return Chunks.regular(shape, chunkShape);
  }

  /** Chunks along each axis ({@code ceil(shape / chunks)}; 0 on a zero-length axis). */
  public long[] gridShape() {
    long[] g = new long[shape.length];
    for (int a = 0; a < g.length; a++) {
      g[a] = (shape[a] + chunkShape[a] - 1) / chunkShape[a];
    }
    return g;
  }

  /** Number of chunks (1 for a 0-d array, 0 if an axis is empty). */
  public long chunkCount() {
    long n = 1;
    for (long g : gridShape()) {
      n *= g;
    }
    return n;
  }

  /** The key of chunk {@code index}: {@code "i.j.k"} ({@code "0"} for a 0-d array). */
  public String chunkKey(long... index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException("chunk index " + Shapes.format(index) + " for "
          + shape.length + " axes");
    }
    if (index.length == 0) {
      return "0";
    }
    StringBuilder sb = new StringBuilder();
    long[] g = gridShape();
    for (int a = 0; a < index.length; a++) {
      if (index[a] < 0 || index[a] >= g[a]) {
        throw new IllegalArgumentException("chunk index " + Shapes.format(index)
            + " is outside the grid " + Shapes.format(g));
      }
      if (a > 0) {
        sb.append(separator);
      }
      sb.append(index[a]);
    }
    return sb.toString();
  }

  /** A copy with another compressor. */
  public ZarrMetadata withCompressor(ZarrCompressor c) {
    return new ZarrMetadata(shape, chunkShape, dtype, order, fillValue, c, separator);
  }

  /** A copy with another fill value (for this dtype). */
  public ZarrMetadata withFillValue(ZarrFillValue f) {
    return new ZarrMetadata(shape, chunkShape, dtype, order, f, compressor, separator);
  }

  /** A copy with another element order inside chunks. */
  public ZarrMetadata withOrder(Order o) {
    return new ZarrMetadata(shape, chunkShape, dtype, o, fillValue, compressor, separator);
  }

  /** A copy with another stored byte order. */
  public ZarrMetadata withByteOrder(java.nio.ByteOrder b) {
    return new ZarrMetadata(shape, chunkShape, new ZarrDType(dtype.dtype(), b), order, fillValue,
        compressor, separator);
  }

  /** A copy with another dimension separator. */
  public ZarrMetadata withSeparator(String s) {
    return new ZarrMetadata(shape, chunkShape, dtype, order, fillValue, compressor, s);
  }

  // ================================================================== JSON

  /** The {@code .zarray} document as zarr-python writes it (sorted keys, indent 4). */
  public byte[] toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("chunks", chunkShape.clone());
    m.put("compressor", compressor.toJson());
    m.put("dimension_separator", separator);
    m.put("dtype", dtype.typestr());
    m.put("fill_value", fillValue.toJson());
    m.put("filters", null);
    m.put("order", order == Order.F ? "F" : "C");
    m.put("shape", shape.clone());
    m.put("zarr_format", 2L);
    return ZarrJson.dump(m);
  }

  /**
   * Parses a {@code .zarray} document strictly.
   *
   * @throws ZarrException {@link Fault#BAD_METADATA} for anything that is not a valid Zarr v2
   *     array document, {@link Fault#UNSUPPORTED} for valid ones Tessera does not read (other
   *     dtypes, codecs, filters, format versions)
   */
  public static ZarrMetadata parse(byte[] json, String store) {
    String op = "zarr.open";
    Object doc;
    try {
      doc = ZarrJson.parse(json);
    } catch (IOException e) {
      throw bad(store, "not valid JSON (" + firstLine(e.getMessage()) + ")", e);
    }
    if (!(doc instanceof Map<?, ?> raw)) {
      throw bad(store, "not a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) raw;
    Object fmt = m.get("zarr_format");
    if (!(fmt instanceof BigInteger f)) {
      throw bad(store, "zarr_format is missing or not an integer: " + fmt);
    }
    if (f.intValue() != 2 || f.bitLength() > 31) {
      throw new ZarrException(op, store, ZARRAY, Fault.UNSUPPORTED, "zarr_format " + f
          + " (Tessera reads Zarr v2)");
    }
    long[] shape = longs(m.get("shape"), "shape", store, 0);
    long[] chunks = longs(m.get("chunks"), "chunks", store, 1);
    if (shape.length != chunks.length) {
      throw bad(store, "shape " + Shapes.format(shape) + " and chunks " + Shapes.format(chunks)
          + " have different numbers of axes");
    }
    Object dt = m.get("dtype");
    if (!(dt instanceof String ds)) {
      throw dt instanceof List ? new ZarrException(op, store, ZARRAY, Fault.UNSUPPORTED,
          "structured dtype " + dt + "; supported: bool, int8..int64, uint8..uint64, float16, "
              + "float32, float64") : bad(store, "dtype is missing or not a string: " + dt);
    }
    ZarrDType zdt = ZarrDType.parse(ds);
    if (zdt == null) {
      throw new ZarrException(op, store, ZARRAY, Fault.UNSUPPORTED, "dtype \"" + ds
          + "\"; supported: bool, int8..int64, uint8..uint64, float16, float32, float64 "
          + "(|b1, |i1, <i2 .. <u8, <f2, <f4, <f8, either byte order)");
    }
    Object ord = m.get("order");
    Order order;
    if ("C".equals(ord)) {
      order = Order.C;
    } else if ("F".equals(ord)) {
      order = Order.F;
    } else {
      throw bad(store, "order must be \"C\" or \"F\", not " + ord);
    }
    if (!m.containsKey("fill_value")) {
      throw bad(store, "fill_value is missing");
    }
    ZarrFillValue fill;
    try {
      fill = ZarrFillValue.fromJson(m.get("fill_value"), zdt.dtype());
    } catch (IllegalArgumentException e) {
      throw bad(store, e.getMessage());
    }
    ZarrCompressor comp = compressor(m.get("compressor"), store);
    if (!m.containsKey("compressor")) {
      throw bad(store, "compressor is missing (null for none)");
    }
    Object filters = m.get("filters");
    if (filters != null && !(filters instanceof List<?> l && l.isEmpty())) {
      throw new ZarrException(op, store, ZARRAY, Fault.UNSUPPORTED, "filters " + filters
          + " (Tessera reads arrays without filters)");
    }
    Object sep = m.getOrDefault("dimension_separator", ".");
    if (!".".equals(sep) && !"/".equals(sep)) {
      throw bad(store, "dimension_separator must be \".\" or \"/\", not " + sep);
    }
    try {
      return new ZarrMetadata(shape, chunks, zdt, order, fill, comp, (String) sep);
    } catch (IllegalArgumentException e) {
      throw bad(store, e.getMessage());
    }
  }

  private static ZarrCompressor compressor(Object c, String store) {
    if (c == null) {
      return ZarrCompressor.NONE;
    }
    if (!(c instanceof Map<?, ?> cm) || !(cm.get("id") instanceof String id)) {
      throw bad(store, "compressor must be null or an object with an \"id\": " + c);
    }
    if (!id.equals("zlib") && !id.equals("gzip")) {
      throw new ZarrException("zarr.open", store, ZARRAY, Fault.UNSUPPORTED, "compressor \"" + id
          + "\" (Tessera reads and writes zlib and gzip)");
    }
    Object lv = cm.containsKey("level") ? cm.get("level") : BigInteger.ONE;
    if (!(lv instanceof BigInteger l) || l.signum() < 0 || l.intValue() > 9 || l.bitLength() > 8) {
      throw bad(store, "compressor level must be an integer 0..9: " + lv);
    }
    return new ZarrCompressor(id, l.intValue());
  }

  private static long[] longs(Object v, String what, String store, long min) {
    if (!(v instanceof List<?> l)) {
      throw bad(store, what + " is missing or not a list of integers: " + v);
    }
    if (l.size() > 64) {
      throw bad(store, what + " has " + l.size() + " axes (at most 64)");
    }
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      Object x = l.get(i);
      if (!(x instanceof BigInteger b) || b.bitLength() > 62 || b.compareTo(
          BigInteger.valueOf(min)) < 0) {
        throw bad(store, what + " " + l + " must hold integers of at least " + min);
      }
      out[i] = b.longValue();
    }
    return out;
  }

  private static ZarrException bad(String store, String detail) {
    return bad(store, detail, null);
  }

  private static ZarrException bad(String store, String detail, Throwable cause) {
    return new ZarrException("zarr.open", store, ZARRAY, Fault.BAD_METADATA, detail, cause);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i);
  }

  // ================================================================== object

  /** A few lines for {@code tessera info}: shape, dtype, chunks, grid, codec, fill, sizes. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("Zarr v2 array\n");
    sb.append("  shape:       ").append(Shapes.format(shape)).append('\n');
    sb.append("  dtype:       ").append(dtype.dtype().numpyName()).append(" (\"")
        .append(dtype.typestr()).append("\")\n");
    sb.append("  chunks:      ").append(Shapes.format(chunkShape)).append(" -> grid ")
        .append(Shapes.format(gridShape())).append(" = ").append(chunkCount())
        .append(" chunks of ").append(bytes((long) chunkElements() * dtype.dtype().itemsize()))
        .append('\n');
    sb.append("  order:       ").append(order).append('\n');
    sb.append("  fill_value:  ").append(fillValue).append('\n');
    sb.append("  compressor:  ").append(compressor).append('\n');
    sb.append("  filters:     none\n");
    sb.append("  separator:   \"").append(separator).append("\"\n");
    sb.append("  nbytes:      ").append(bytes(nbytes())).append(" (uncompressed)\n");
    return sb.toString();
  }

  private static String bytes(long b) {
    String[] u = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double x = b;
    int i = 0;
    while (x >= 1024 && i < u.length - 1) {
      x /= 1024;
      i++;
    }
    return i == 0 ? b + " B" : String.format(java.util.Locale.ROOT, "%.1f %s", x, u[i]);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ZarrMetadata z && Arrays.equals(shape, z.shape)
        && Arrays.equals(chunkShape, z.chunkShape) && dtype.equals(z.dtype) && order == z.order
        && fillValue.equals(z.fillValue) && compressor.equals(z.compressor)
        && separator.equals(z.separator);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(shape), Arrays.hashCode(chunkShape), dtype, order,
        fillValue, compressor, separator);
  }

  @Override
  public String toString() {
    return "ZarrMetadata(shape=" + Shapes.format(shape) + ", chunks=" + Shapes.format(chunkShape)
        + ", dtype=" + dtype.typestr() + ", order=" + order + ", fill_value=" + fillValue
        + ", compressor=" + compressor + ", dimension_separator=\"" + separator + "\")";
  }

  private static String braces(long[] a) {
    return "{" + join(a) + "}";
  }

  private static String join(long[] a) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < a.length; i++) {
      sb.append(i > 0 ? ", " : "").append(a[i]);
    }
    return sb.toString();
  }

  static List<Long> boxed(long[] a) {
    List<Long> l = new ArrayList<>();
    for (long x : a) {
      l.add(x);
    }
    return l;
  }
}
