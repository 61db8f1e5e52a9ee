package io.tessera.io.zarr;

import io.tessera.Tessera;
import io.tessera.chunk.Block;
import io.tessera.chunk.BlockSource;
import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.io.zarr.ZarrException.Fault;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Shapes;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Zarr v2 arrays in a {@link ZarrStore}: Tessera's chunked directory format, readable by
 * zarr-python (and by NumPy alone: {@code integration-tests/src/test/python/zarr_v2.py}).
 *
 * <pre>{@code
 * ZarrStore store = LocalZarrStore.of(Path.of("x.zarr"));
 * ZarrWriteOptions zlib = ZarrWriteOptions.defaults().withCompressor(ZarrCompressor.zlib(1));
 * Zarr.write(chunked, store, zlib, np);
 * try (ChunkedArray back = Zarr.open(store)) {   // lazy: a chunk is read when its block is
 *   NDArray all = back.toArray(np);              // consumed
 * }
 * System.out.print(Zarr.describe(store));        // tessera info: metadata only
 * }</pre>
 *
 * <p><b>What is written</b> ({@link ZarrMetadata}): {@code .zarray} ({@code zarr_format} 2,
 * shape, chunks, dtype as NumPy's type string, order C (or F), fill_value, compressor null,
 * zlib or gzip, filters null, dimension_separator "."), {@code .zattrs} when there are
 * attributes, and one key per chunk ({@code "i.j.k"}), edge chunks stored full-size and padded
 * with the fill value.
 * Zarr's grid is regular, so a chunked array whose chunks are not (e.g. {@code ((3, 2, 3),)}) is
 * refused before anything is written ({@link Fault#IRREGULAR_CHUNKS}, suggesting a rechunk).
 *
 * <p><b>Memory.</b> Writing consumes the blocks one at a time (one block plus one chunk's encoded
 * bytes at once); reading produces each block from its chunk on demand. Blocks read are allocated
 * from the {@link Tessera} that consumes them.
 *
 * <p><b>Per chunk</b> (for distributed writers such as the Spark connector): {@link #create}
 * writes the metadata, {@link #writeChunk} one chunk (from any thread or process), {@link
 * #readChunk} one chunk back.
 *
 * <p>Every fault is a {@link ZarrException} naming the store, the key and the fault; store
 * {@link IOException}s become {@link Fault#IO}.
 */
public final class Zarr {
  private Zarr() {}

  /** Chunk keys with {@code "."} or {@code "/"} separators (and {@code "0"} for 0-d). */
  private static final Pattern CHUNK_KEY = Pattern.compile("\\d+([./]\\d+)*");

  // ================================================================== writing

  /**
   * Writes {@code array} to {@code store}, one block per chunk: its chunks must be regular, and
   * become the Zarr chunks. Blocks are consumed one at a time (from {@code np}).
   *
   * @return the metadata written
   * @throws ZarrException {@link Fault#IRREGULAR_CHUNKS} before anything is written if the grid
   *     is not regular, {@link Fault#EXISTS} if the store holds an array and {@code overwrite} is
   *     off, {@link Fault#IO} if the store fails
   */
  public static ZarrMetadata write(ChunkedArray array, ZarrStore store, ZarrWriteOptions options,
      Tessera np) {
    Objects.requireNonNull(options, "options");
    ZarrMetadata meta = metadataFor(array.chunks(), array.dtype(), options, store.location());
    write(array, store, meta, options.attributes(), options.overwrite(), np);
    return meta;
  }

  /**
   * Writes {@code array} with the given metadata (any order, byte order, separator, codec and
   * fill value): the array's chunks must be {@code meta.grid()} and its dtype {@code
   * meta.dtype()}.
   *
   * @throws ZarrException {@link Fault#MISMATCH} before anything is written if they are not
   */
  public static void write(ChunkedArray array, ZarrStore store, ZarrMetadata meta,
      Map<String, Object> attributes, boolean overwrite, Tessera np) {
    if (!array.chunks().equals(meta.grid()) || array.dtype() != meta.dtype()) {
      throw new ZarrException("zarr.write", store.location(), null, Fault.MISMATCH, "a "
          + array.dtype() + " array in chunks " + array.chunks() + " for the grid "
          + meta.grid() + " of " + meta);
    }
    create(store, meta, attributes, overwrite);
    Iterator<Block> it = array.iterator(np);
    while (it.hasNext()) {
      try (Block b = it.next()) {
        if (b.array().size() > 0) { // an empty array has no chunks
          writeChunk(store, meta, b.index(), b.array(), np);
        }
      }
    }
  }

  /**
   * Writes {@code array} with chunks of {@code chunkShape} (one length per axis; -1 keeps the axis
   * whole), each chunk a view of {@code array} until it is encoded.
   */
  public static ZarrMetadata write(NDArray array, ZarrStore store, long[] chunkShape,
      ZarrWriteOptions options) {
    Chunks c = Chunks.regular(array.shape(), chunkShape);
    try (ChunkedArray ca = ChunkedArray.fromArray(array, c)) {
      return write(ca, store, options, Tessera.using(array.allocator()));
    }
  }

  /**
   * A regular grid Zarr can store, close to {@code chunks}: along each axis, chunks of the largest
   * length {@code chunks} has there (the last one shorter). Rechunk a chunked array to it before
   * writing when its grid is irregular:
   * {@code Zarr.write(a.rechunk(Zarr.regularChunks(a.chunks())), ...)}.
   */
  public static Chunks regularChunks(Chunks chunks) {
    long[] size = chunks.chunkSize();
    for (int a = 0; a < size.length; a++) {
      size[a] = Math.max(1, size[a]);
    }
    return Chunks.regular(chunks.shape(), size);
  }

  /**
   * Automatic regular chunks of at most about {@code targetBytes} per chunk, laid out for C
   * order: {@link Chunks#auto(long[], DType, long)} made regular ({@link #regularChunks}).
   */
  public static Chunks autoChunks(long[] shape, DType dtype, long targetBytes) {
    return regularChunks(Chunks.auto(shape, dtype, targetBytes));
  }

  /**
   * The metadata {@link #write} would write for an array of {@code chunks} and {@code dtype}.
   *
   * @throws ZarrException {@link Fault#IRREGULAR_CHUNKS} if the chunks are not regular
   */
  public static ZarrMetadata metadataFor(Chunks chunks, DType dtype, ZarrWriteOptions options,
      String store) {
    ZarrFillValue fill;
    try {
      fill = ZarrFillValue.of(dtype, options.fillValue() == null ? 0L : options.fillValue());
    } catch (IllegalArgumentException e) {
      throw new ZarrException("zarr.write", store, null, Fault.MISMATCH, e.getMessage(), e);
    }
    return ZarrMetadata.forChunks(chunks, dtype, fill, options.compressor(), "zarr.write", store)
        .withOrder(options.order()).withByteOrder(options.byteOrder());
  }

  /**
   * Writes the metadata ({@code .zarray}, and {@code .zattrs} when {@code attributes} is not
   * empty) of a new array. With {@code overwrite}, an array already in the store is removed first
   * (its {@code .zarray}, {@code .zattrs} and chunk keys; other keys are left alone); without, it
   * is an error. Chunks not written afterwards read as the fill value.
   */
  public static void create(ZarrStore store, ZarrMetadata meta, Map<String, Object> attributes,
      boolean overwrite) {
    String loc = store.location();
    byte[] attrs = attributes == null || attributes.isEmpty() ? null : ZarrJson.dump(attributes);
    try {
      if (store.exists(".zgroup")) {
        throw new ZarrException("zarr.write", loc, ".zgroup", Fault.EXISTS, "the store holds a "
            + "Zarr group; write the array into a new directory");
      }
      if (store.exists(ZarrMetadata.ZARRAY)) {
        if (!overwrite) {
          throw new ZarrException("zarr.write", loc, ZarrMetadata.ZARRAY, Fault.EXISTS, "the store "
              + "already holds an array (ask for overwrite to replace it)");
        }
        for (String k : store.list("")) {
          if (k.equals(ZarrMetadata.ZARRAY) || k.equals(ZarrMetadata.ZATTRS)
              || CHUNK_KEY.matcher(k).matches()) {
            store.delete(k);
          }
        }
      }
      store.write(ZarrMetadata.ZARRAY, meta.toJson());
      if (attrs != null) {
        store.write(ZarrMetadata.ZATTRS, attrs);
      }
    } catch (IOException e) {
      throw io("zarr.write", loc, ZarrMetadata.ZARRAY, e);
    }
  }

  /**
   * Writes chunk {@code chunkIndex} from {@code block}, which must have the chunk's shape inside
   * the array (edge chunks are smaller) and the array's dtype; it is padded to the full chunk with
   * the fill value. Safe to call for different chunks from several threads.
   *
   * @param np allocates the padded chunk of an edge block or a block in another order
   */
  public static void writeChunk(ZarrStore store, ZarrMetadata meta, long[] chunkIndex,
      NDArray block, Tessera np) {
    String loc = store.location();
    String key = key(meta, chunkIndex, "zarr.write", loc);
    long[] expect = ZarrChunkCodec.blockShape(meta, chunkIndex);
    if (!Arrays.equals(block.shape(), expect) || block.dtype() != meta.dtype()) {
      throw new ZarrException("zarr.write", loc, key, Fault.MISMATCH, "block "
          + Shapes.format(block.shape()) + " " + block.dtype() + " for chunk "
          + Shapes.format(chunkIndex) + ", which is " + Shapes.format(expect) + " "
          + meta.dtype() + " in " + meta);
    }
    byte[] bytes = ZarrChunkCodec.encode(block, chunkIndex, meta, np);
    try {
      store.write(key, bytes);
    } catch (IOException e) {
      throw io("zarr.write", loc, key, e);
    }
  }

  // ================================================================== reading

  /** The metadata of the array in {@code store} (reads {@code .zarray} only). */
  public static ZarrMetadata readMetadata(ZarrStore store) {
    String loc = store.location();
    byte[] b;
    try {
      b = store.read(ZarrMetadata.ZARRAY);
    } catch (IOException e) {
      throw io("zarr.open", loc, ZarrMetadata.ZARRAY, e);
    }
    if (b == null) {
      throw new ZarrException("zarr.open", loc, ZarrMetadata.ZARRAY, Fault.NOT_FOUND, "no .zarray "
          + "key: not a Zarr v2 array" + hint(store));
    }
    return ZarrMetadata.parse(b, loc);
  }

  private static String hint(ZarrStore store) {
    if (exists(store, "zarr.json")) {
      return " (a zarr.json: Zarr v3, which Tessera does not read)";
    }
    return exists(store, ".zgroup") ? " (a Zarr group)" : "";
  }

  private static boolean exists(ZarrStore store, String key) {
    try {
      return store.exists(key);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The user attributes ({@code .zattrs}), empty if there are none. */
  public static Map<String, Object> readAttributes(ZarrStore store) {
    String loc = store.location();
    byte[] b;
    try {
      b = store.read(ZarrMetadata.ZATTRS);
    } catch (IOException e) {
      throw io("zarr.open", loc, ZarrMetadata.ZATTRS, e);
    }
    if (b == null) {
      return Map.of();
    }
    Object doc;
    try {
      doc = ZarrJson.parse(b);
    } catch (IOException e) {
      throw new ZarrException("zarr.open", loc, ZarrMetadata.ZATTRS, Fault.BAD_METADATA,
          "not valid JSON (" + e.getMessage().split("\n")[0] + ")", e);
    }
    if (!(doc instanceof Map<?, ?> m)) {
      throw new ZarrException("zarr.open", loc, ZarrMetadata.ZATTRS, Fault.BAD_METADATA,
          "not a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> out = (Map<String, Object>) m;
    return java.util.Collections.unmodifiableMap(out);
  }

  /**
   * Opens the array in {@code store} as a lazy chunked array: block {@code i} is chunk {@code i},
   * read and decoded when the block is consumed (a chunk that is not stored is the fill value).
   * Only {@code .zarray} is read now. The store must stay open while blocks are consumed; closing
   * the chunked array does not close the store.
   */
  public static ChunkedArray open(ZarrStore store) {
    ZarrMetadata meta = readMetadata(store);
    return open(store, meta);
  }

  /** {@link #open(ZarrStore)} with metadata already read. */
  public static ChunkedArray open(ZarrStore store, ZarrMetadata meta) {
    Chunks grid = meta.grid();
    BlockSource src = (idx, np) -> {
      long[] shape = grid.blockShape(idx);
      for (long d : shape) {
        if (d == 0) { // the one block of an empty array: no chunk
          return np.empty(meta.dtype(), shape);
        }
      }
      return readChunk(store, meta, idx, np);
    };
    long per = (long) meta.chunkBytes() * 2 + meta.chunkBytes();
    return ChunkedArray.fromSource(grid, meta.dtype(), src, per);
  }

  /**
   * Chunk {@code chunkIndex} as a new array of its shape inside the array (from {@code np}): the
   * decoded chunk, or the fill value if it is not stored.
   *
   * @throws ZarrException {@link Fault#BAD_CHUNK} if its bytes do not decode to one chunk
   */
  public static NDArray readChunk(ZarrStore store, ZarrMetadata meta, long[] chunkIndex,
      Tessera np) {
    String loc = store.location();
    String key = key(meta, chunkIndex, "zarr.read", loc);
    byte[] b;
    try {
      b = store.read(key);
    } catch (IOException e) {
      throw io("zarr.read", loc, key, e);
    }
    if (b == null) {
      return ZarrChunkCodec.missing(meta, ZarrChunkCodec.blockShape(meta, chunkIndex), np);
    }
    return ZarrChunkCodec.decode(b, chunkIndex, meta, np, loc, key);
  }

  /**
   * The report of {@code tessera info} for a Zarr array, from its metadata only: {@link
   * ZarrMetadata#describe()}, the store, how many chunks are stored, and the attributes.
   */
  public static String describe(ZarrStore store) {
    ZarrMetadata meta = readMetadata(store);
    Map<String, Object> attrs = readAttributes(store);
    long stored;
    try {
      stored = store.list("").stream().filter(k -> CHUNK_KEY.matcher(k).matches()).count();
    } catch (IOException e) {
      throw io("zarr.info", store.location(), null, e);
    }
    StringBuilder sb = new StringBuilder(meta.describe());
    sb.append("  store:       ").append(store.location()).append('\n');
    sb.append("  stored:      ").append(stored).append(" of ").append(meta.chunkCount())
        .append(" chunks (the others read as the fill value)\n");
    if (!attrs.isEmpty()) {
      sb.append("  attributes:  ").append(new String(ZarrJson.dump(attrs),
          java.nio.charset.StandardCharsets.US_ASCII).replace("\n", "\n  ")).append('\n');
    }
    return sb.toString();
  }

  // ================================================================== helpers

  private static String key(ZarrMetadata meta, long[] chunkIndex, String op, String loc) {
    try {
      return meta.chunkKey(chunkIndex);
    } catch (IllegalArgumentException e) {
      throw new ZarrException(op, loc, null, Fault.MISMATCH, e.getMessage(), e);
    }
  }

  private static ZarrException io(String op, String loc, String key, IOException e) {
    return new ZarrException(op, loc, key, Fault.IO, String.valueOf(e), e);
  }
}
