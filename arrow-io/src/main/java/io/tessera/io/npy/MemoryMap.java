package io.tessera.io.npy;

import io.tessera.dtype.DType;
import io.tessera.errors.ClosedArrayException;
import io.tessera.io.npy.NpyFormatException.Fault;
import io.tessera.io.npy.NpyIo.ChannelSource;
import io.tessera.memory.Storage;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.shape.Layout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;

/**
 * A memory-mapped array, like {@code np.memmap} and {@code np.load(mmap_mode=...)}: for
 * {@code .npy} files ({@link #open}, {@link #create}) and raw headerless files ({@link #openRaw}).
 *
 * <p><b>The buffer is the mapping.</b> The array's Arrow buffer wraps the mapped memory
 * ({@code BufferAllocator.wrapForeignAllocation}); the allocator counts the mapped bytes, and the
 * file is unmapped when the last array over it (this map's array or any view of it) is closed.
 * So a view of the array, or an in-place write, reads or writes the file itself (modes {@code r+}
 * and {@code w+}); in mode {@code c} writes stay private to this process; in mode {@code r} the
 * array is read-only and {@code setWriteable(true)} fails.
 *
 * <p><b>Cost.</b> Opening reads the header only (at most a few KB) and maps the range: constant
 * time whatever the size, no data are read until touched. Ranges of any size are mapped as one
 * contiguous region (see {@link #largeMappingSupport()} for beyond 2 GiB).
 *
 * <p><b>Durability.</b> Writes are visible to other readers of the file at once (they share the
 * page cache); {@link #flush()} forces them to the storage device ({@code msync}), as {@code
 * memmap.flush()}. The file channel is closed as soon as the mapping exists.
 *
 * <p>Mode {@code c} needs write permission on the file (the JDK maps copy-on-write only through
 * a channel opened for writing; nothing is ever written). Not mappable: big-endian ({@code '>'})
 * {@code .npy} data, since the array must be in native order (read them with {@link
 * NpyReader#read}, which swaps into a copy); {@code .npy} files shorter than their header says
 * (modes r, r+, c; NumPy would silently extend one in r+).
 */
public final class MemoryMap implements AutoCloseable {
  private final Path path;
  private final MapMode mode;
  private final NpyHeader header;
  private final long offset;
  private final Mapper.Region region;
  private final NDArray array;

  private MemoryMap(Path path, MapMode mode, NpyHeader header, long offset, Mapper.Region region,
      NDArray array) {
    this.path = path;
    this.mode = mode;
    this.header = header;
    this.offset = offset;
    this.region = region;
    this.array = array;
  }

  /**
   * Maps the {@code .npy} file at {@code path} in mode {@code r}, {@code r+} or {@code c}
   * ({@code np.load(path, mmap_mode=mode)}); use {@link #create} for {@code w+}.
   */
  public static MemoryMap open(Path path, MapMode mode, BufferAllocator allocator)
      throws IOException {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(allocator, "allocator");
    if (mode == MapMode.W_PLUS) {
      throw new IllegalArgumentException("mode w+ creates a new file: use MemoryMap.create(path, "
          + "dtype, shape, fortranOrder, allocator)");
    }
    String name = path.toString();
    try (FileChannel ch = FileChannel.open(path, openOptions(mode))) {
      NpyHeader h = NpyReader.readHeader(new ChannelSource(name, ch, 0), "npy.mmap");
      if (h.needsSwap()) {
        throw new NpyFormatException("npy.mmap", name, Fault.NOT_MAPPABLE, "big-endian data ('"
            + h.descr() + "') cannot be mapped as a native array; read it with NpyReader.read, "
            + "which byte-swaps into a copy");
      }
      long end = h.dataOffset() + h.dataBytes();
      long size = ch.size();
      if (size < end) {
        throw new NpyFormatException("npy.mmap", name, Fault.TRUNCATED, "header claims shape "
            + NpyHeader.shapeRepr(h.shape()) + " of " + h.descr() + " = " + h.dataBytes()
            + " bytes of data from offset " + h.dataOffset() + ", but the file has " + size
            + " bytes");
      }
      return map(path, ch, mode, h, h.dtype(), h.shape(), h.fortranOrder(), h.dataOffset(),
          h.dataBytes(), allocator);
    }
  }

  /**
   * Creates (or overwrites) a {@code .npy} file for an array of {@code shape} and maps it in mode
   * {@code w+} ({@code np.lib.format.open_memmap(path, mode='w+', ...)}). The data are zeros (a
   * sparse file); nothing is written but the header.
   */
  public static MemoryMap create(Path path, DType dtype, long[] shape, boolean fortranOrder,
      BufferAllocator allocator) throws IOException {
    return create(path, dtype, shape, fortranOrder, null, allocator);
  }

  /** As {@link #create(Path, DType, long[], boolean, BufferAllocator)} with a format version. */
  public static MemoryMap create(Path path, DType dtype, long[] shape, boolean fortranOrder,
      NpyVersion version, BufferAllocator allocator) throws IOException {
    Objects.requireNonNull(allocator, "allocator");
    Objects.requireNonNull(dtype, "dtype");
    NpyHeader.checkShape("memmap", path.toString(), shape, dtype.itemsize());
    NpyHeader h = NpyHeader.of(dtype, shape, fortranOrder, ByteOrder.LITTLE_ENDIAN, version);
    try (FileChannel ch = FileChannel.open(path, openOptions(MapMode.W_PLUS))) {
      ByteBuffer hb = ByteBuffer.wrap(h.toBytes());
      while (hb.hasRemaining()) {
        ch.write(hb);
      }
      extend(ch, h.dataOffset() + h.dataBytes());
      return map(path, ch, MapMode.W_PLUS, h, dtype, h.shape(), fortranOrder, h.dataOffset(),
          h.dataBytes(), allocator);
    }
  }

  /**
   * Maps a raw, headerless file as {@code np.memmap(path, dtype, mode, offset, shape, order)}.
   *
   * @param offset byte offset of the first element in the file
   * @param shape the shape, or null to use every whole element after {@code offset} (1-D; the
   *     rest of the file must be a multiple of the item size); required in mode {@code w+}
   * @param order {@link Order#C} or {@link Order#F}
   */
  public static MemoryMap openRaw(Path path, DType dtype, MapMode mode, long offset, long[] shape,
      Order order, BufferAllocator allocator) throws IOException {
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(allocator, "allocator");
    if (order != Order.C && order != Order.F) {
      throw new IllegalArgumentException("order must be 'C' or 'F' (got '" + order + "')");
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be non-negative (got " + offset + ")");
    }
    if (mode == MapMode.W_PLUS && shape == null) {
      throw new IllegalArgumentException("shape must be given if no data is being read (mode w+)");
    }
    String name = path.toString();
    try (FileChannel ch = FileChannel.open(path, openOptions(mode))) {
      long size = ch.size();
      long[] sh;
      if (shape == null) {
        long bytes = size - offset;
        if (bytes < 0 || bytes % dtype.itemsize() != 0) {
          throw new NpyFormatException("memmap", name, Fault.NOT_MAPPABLE, "size of available "
              + "data (" + bytes + " bytes after offset " + offset + ") is not a multiple of the "
              + "data-type size " + dtype.itemsize());
        }
        sh = new long[] {bytes / dtype.itemsize()};
      } else {
        sh = shape.clone();
      }
      long n = NpyHeader.checkShape("memmap", name, sh, dtype.itemsize());
      long nbytes = n * dtype.itemsize();
      long end;
      try {
        end = Math.addExact(offset, nbytes);
      } catch (ArithmeticException e) {
        throw new NpyFormatException("memmap", name, Fault.TOO_LARGE, "offset + size overflows");
      }
      if (size < end) {
        if (mode == MapMode.R || mode == MapMode.C) {
          throw new NpyFormatException("memmap", name, Fault.NOT_MAPPABLE, "mmap length is "
              + "greater than file size: shape " + NpyHeader.shapeRepr(sh) + " of " + dtype
              + " from offset " + offset + " needs " + end + " bytes, the file has " + size);
        }
        extend(ch, end); // r+ and w+ grow the file, as np.memmap does
      }
      return map(path, ch, mode, null, dtype, sh, order == Order.F, offset, nbytes, allocator);
    }
  }

  private static OpenOption[] openOptions(MapMode mode) {
    switch (mode) {
      case R:
        return new OpenOption[] {StandardOpenOption.READ};
      case C: // the JDK maps PRIVATE only through a channel open for writing (nothing is written)
      case R_PLUS:
        return new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE};
      case W_PLUS:
        return new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE,
            StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING};
      default:
        throw new AssertionError(mode);
    }
  }

  /** Grows the file to {@code length} bytes by writing its last byte (sparse on most systems). */
  private static void extend(FileChannel ch, long length) throws IOException {
    if (length > 0 && ch.size() < length) {
      ByteBuffer zero = ByteBuffer.allocate(1);
      while (zero.hasRemaining()) {
        ch.write(zero, length - 1);
      }
    }
  }

  private static MemoryMap map(Path path, FileChannel ch, MapMode mode, NpyHeader h, DType dtype,
      long[] shape, boolean fortran, long offset, long nbytes, BufferAllocator allocator)
      throws IOException {
    long start = offset & -Mapper.GRANULARITY;
    long length = offset + nbytes - start;
    long[] strides = fortran ? Layout.fStrides(shape, dtype.itemsize())
        : Layout.cStrides(shape, dtype.itemsize());
    Layout layout = new Layout(shape, strides, 0, dtype.itemsize());
    boolean writeable = mode != MapMode.R;
    if (length == 0) { // nothing to map (an empty raw array at offset 0)
      Storage st = Storage.allocate(allocator, 0, NpyReader.DATA_ALIGNMENT);
      return new MemoryMap(path, mode, h, offset, null, owning(st, dtype, layout, writeable));
    }
    Mapper.Region region = Mapper.map(ch, mode.channelMode(), start, length, path);
    ArrowBuf buf;
    try {
      buf = allocator.wrapForeignAllocation(new ForeignAllocation(length, region.address) {
        @Override
        protected void release0() {
          region.unmap();
        }
      });
    } catch (RuntimeException | Error e) {
      region.unmap();
      throw e;
    }
    Storage st;
    try {
      st = Storage.wrap(buf, offset - start, nbytes);
    } finally {
      buf.close(); // the storage holds the only reference now (or none, and the range is unmapped)
    }
    return new MemoryMap(path, mode, h, offset, region, owning(st, dtype, layout, writeable));
  }

  private static NDArray owning(Storage st, DType dtype, Layout layout, boolean writeable) {
    try {
      return NDArray.owning(st, dtype, layout, writeable);
    } catch (RuntimeException | Error e) {
      st.release();
      throw e;
    }
  }

  /**
   * The mapped array. This map owns it ({@link #close()} closes it); its views hold their own
   * references and keep the mapping alive after that.
   */
  public NDArray array() {
    return array;
  }

  /** The {@code .npy} header, or null for a raw mapping. */
  public NpyHeader header() {
    return header;
  }

  public Path path() {
    return path;
  }

  public MapMode mode() {
    return mode;
  }

  /** Byte offset of the first element in the file. */
  public long offset() {
    return offset;
  }

  /** True while the file is mapped (until the last array over the mapping is closed). */
  public boolean isMapped() {
    return region != null && region.isMapped();
  }

  /**
   * Forces writes to the storage device ({@code msync}), like {@code memmap.flush()}. Does nothing
   * in modes {@code r} and {@code c}, whose writes never reach the file.
   *
   * @throws ClosedArrayException if every array over the mapping has been closed
   */
  public void flush() throws IOException {
    if (!mode.writesThrough() || region == null) {
      return;
    }
    if (!region.force()) {
      throw new ClosedArrayException("flush", "flush: the mapping of " + path + " has been "
          + "released (every array over it is closed)");
    }
  }

  /** Closes this map's array; the file is unmapped once no view of it remains open. */
  @Override
  public void close() {
    array.close();
  }

  /** How this JVM maps ranges beyond 2 GiB as one region. */
  public static String largeMappingSupport() {
    return Mapper.largeMappingSupport();
  }

  @Override
  public String toString() {
    return "MemoryMap[" + path + ", mode=" + mode + ", offset=" + offset + ", shape="
        + NpyHeader.shapeRepr(array.shape()) + ", dtype=" + array.dtype()
        + (region != null ? ", via " + region.how : "") + "]";
  }
}
