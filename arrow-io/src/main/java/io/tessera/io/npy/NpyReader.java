package io.tessera.io.npy;

import io.tessera.io.npy.NpyFormatException.Fault;
import io.tessera.io.npy.NpyIo.BytesSource;
import io.tessera.io.npy.NpyIo.ChannelSource;
import io.tessera.io.npy.NpyIo.Source;
import io.tessera.io.npy.NpyIo.StreamSource;
import io.tessera.memory.Raw;
import io.tessera.memory.Storage;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Layout;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Reads NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0) into arrays, as
 * {@code numpy.load} does.
 *
 * <p><b>What is read.</b> The header is parsed strictly (see {@link NpyHeader}); the dtype must be
 * one Tessera holds (bool, int8..int64, uint8..uint64, float16, float32, float64), in any byte
 * order. The result owns fresh memory from the given allocator, 64-byte aligned, writeable, in the
 * file's order: C-contiguous, or F-contiguous when the header says {@code fortran_order: True}.
 *
 * <p><b>How.</b> From a file the data are read straight from the {@link FileChannel} into the
 * array's Arrow buffer, with no intermediate copy. From an {@link InputStream} they pass through
 * one bounded (1 MiB) heap chunk, because the JDK reads streams only into Java arrays; a {@link
 * FileInputStream} is read through its channel instead, and a {@link ByteArrayInputStream}'s
 * exact length is used for the size checks. <b>Big-endian</b> data ({@code '>'}
 * descriptors) are byte-swapped in place after reading, so the array holds native (little-endian)
 * values: the array is then a converted copy of the file's bytes, not an image of them.
 *
 * <p><b>Bad input.</b> Any fault raises {@link NpyFormatException} naming the file and the fault.
 * Sizes are checked against the file length <em>before</em> anything is allocated, so a header
 * that claims more data than the file holds fails fast instead of allocating; for a stream of
 * unknown length, data beyond 1 MiB are read into buffers that grow (by doubling) only as bytes
 * actually arrive, so a forged size cannot allocate more than twice what the stream holds (at the
 * cost of copying each byte at most once more). A
 * failed read leaves nothing allocated. Genuine I/O failures are {@link IOException}s.
 */
public final class NpyReader {
  private NpyReader() {}

  /**
   * Above this size, data from a stream of unknown length are read into buffers that start at
   * this size and double as the bytes arrive.
   */
  static final long TRUST_UNKNOWN_LENGTH = 1L << 20;

  static final int DATA_ALIGNMENT = 64;

  /**
   * Reads the {@code .npy} file at {@code path}. A path that is not a regular file (a pipe, a
   * device) is read as a stream of unknown length.
   */
  public static NDArray read(Path path, BufferAllocator allocator) throws IOException {
    Objects.requireNonNull(allocator, "allocator");
    if (!Files.isRegularFile(path) && Files.exists(path)) {
      try (InputStream in = Files.newInputStream(path)) {
        return read(new StreamSource(path.toString(), in, -1, false), allocator, "npy.read");
      }
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      return read(new ChannelSource(path.toString(), ch, 0), allocator, "npy.read");
    }
  }

  /**
   * As {@code numpy.load(path, mmap_mode=mode)}: {@code mode == null} reads the file into memory;
   * otherwise the array is a memory map of the file ({@link MemoryMap#open}), unmapped when the
   * array and all its views are closed.
   */
  public static NDArray load(Path path, MapMode mode, BufferAllocator allocator) throws IOException {
    if (mode == null) {
      return read(path, allocator);
    }
    // The map object only pairs the array with its flush; the mapping lives as long as the array.
    return MemoryMap.open(path, mode, allocator).array();
  }

  /**
   * Reads one {@code .npy} image from {@code in}, consuming exactly the header and the data (the
   * stream is left open, positioned after the array).
   *
   * @param sourceName names the input in error messages (e.g. the file or entry name)
   */
  public static NDArray read(InputStream in, BufferAllocator allocator, String sourceName)
      throws IOException {
    return read(in, -1, allocator, sourceName);
  }

  /**
   * As {@link #read(InputStream, BufferAllocator, String)} for a stream that holds at most {@code
   * length} bytes (or -1 if unknown), such as a zip entry: a header claiming more fails at once.
   * The length is not trusted for allocation: large data still arrive into growing buffers.
   */
  public static NDArray read(InputStream in, long length, BufferAllocator allocator,
      String sourceName) throws IOException {
    Objects.requireNonNull(allocator, "allocator");
    String name = sourceName == null ? "<stream>" : sourceName;
    if (in instanceof FileInputStream) {
      FileChannel ch = ((FileInputStream) in).getChannel();
      ChannelSource src = new ChannelSource(name, ch, ch.position());
      try {
        return read(src, allocator, "npy.read");
      } finally {
        ch.position(src.position());
      }
    }
    if (in instanceof ByteArrayInputStream) { // its length is known exactly
      long avail = in.available();
      return read(new StreamSource(name, in, length < 0 ? avail : Math.min(avail, length), true),
          allocator, "npy.read");
    }
    return read(new StreamSource(name, in, length, false), allocator, "npy.read");
  }

  /** Reads a {@code .npy} image held in a byte array. */
  public static NDArray read(byte[] bytes, BufferAllocator allocator) {
    return read(bytes, 0, bytes.length, allocator, "<byte array>");
  }

  /** Reads a {@code .npy} image held in {@code bytes[off, off + len)}. */
  public static NDArray read(byte[] bytes, int off, int len, BufferAllocator allocator,
      String sourceName) {
    Objects.checkFromIndexSize(off, len, bytes.length);
    Objects.requireNonNull(allocator, "allocator");
    try {
      return read(new BytesSource(sourceName == null ? "<byte array>" : sourceName, bytes, off,
          len), allocator, "npy.read");
    } catch (IOException e) {
      throw new AssertionError("byte arrays do not do I/O", e);
    }
  }

  /** Reads and checks only the header of the {@code .npy} file at {@code path}. */
  public static NpyHeader readHeader(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      NpyHeader h = readHeader(new ChannelSource(path.toString(), ch, 0), "npy.header");
      return h;
    }
  }

  /** Reads and checks the header of a {@code .npy} image in a byte array. */
  public static NpyHeader readHeader(byte[] bytes) {
    try {
      return readHeader(new BytesSource("<byte array>", bytes, 0, bytes.length), "npy.header");
    } catch (IOException e) {
      throw new AssertionError("byte arrays do not do I/O", e);
    }
  }

  // ------------------------------------------------------------------------------ internals

  static NDArray read(Source src, BufferAllocator allocator, String op) throws IOException {
    NpyHeader h = readHeader(src, op);
    return readData(h, src, allocator, op);
  }

  static NpyHeader readHeader(Source src, String op) throws IOException {
    byte[] pre = new byte[12];
    int n = src.readHeap(pre, 0, 8);
    NpyVersion v = NpyHeader.readVersion(op, src.name, pre, n);
    int lb = v.headerLengthBytes();
    if (src.readHeap(pre, 8, lb) != lb) {
      throw new NpyFormatException(op, src.name, Fault.TRUNCATED, "file ends inside the header "
          + "length field");
    }
    long len = NpyHeader.readLengthField(pre, v);
    long remaining = src.remaining();
    if (remaining >= 0 && len > remaining) {
      throw new NpyFormatException(op, src.name, Fault.TRUNCATED, "header length " + len
          + " reaches beyond the end of the file (" + remaining + " bytes follow the length "
          + "field)");
    }
    NpyHeader.checkLengthField(op, src.name, len);
    int prefix = v.prefixLength();
    byte[] all = new byte[prefix + (int) len];
    System.arraycopy(pre, 0, all, 0, prefix);
    int got = src.readHeap(all, prefix, (int) len);
    if (got != len) {
      throw new NpyFormatException(op, src.name, Fault.TRUNCATED, "file ends inside the header ("
          + got + " of " + len + " header bytes)");
    }
    return NpyHeader.parse(op, src.name, v, all);
  }

  static NDArray readData(NpyHeader h, Source src, BufferAllocator allocator, String op)
      throws IOException {
    long nbytes = h.dataBytes();
    long remaining = src.remaining();
    if (remaining >= 0 && nbytes > remaining) {
      throw new NpyFormatException(op, src.name, Fault.TRUNCATED, "header claims shape "
          + NpyHeader.shapeRepr(h.shape()) + " of " + h.descr() + " = " + nbytes
          + " bytes of data, but only " + remaining + " bytes follow the header");
    }
    Storage st;
    if (!src.exact() && nbytes > TRUST_UNKNOWN_LENGTH) {
      st = readGrowing(src, nbytes, allocator, op, h);
    } else {
      st = Storage.allocate(allocator, nbytes, DATA_ALIGNMENT);
      try {
        long got = src.readNative(st.address(), nbytes);
        if (got != nbytes) {
          throw truncatedData(op, src.name, h, got);
        }
      } catch (IOException | RuntimeException | Error e) {
        st.release();
        throw e;
      }
    }
    try {
      if (h.needsSwap()) {
        Raw.reverseBytes(st.address(), h.size(), h.dtype().itemsize());
      }
      return NDArray.owning(st, h.dtype(), layoutOf(h, 0), true);
    } catch (RuntimeException | Error e) {
      st.release();
      throw e;
    }
  }

  /** Reads {@code nbytes} into buffers that double as the data arrive. */
  private static Storage readGrowing(Source src, long nbytes, BufferAllocator allocator, String op,
      NpyHeader h) throws IOException {
    long cap = TRUST_UNKNOWN_LENGTH;
    Storage cur = Storage.allocate(allocator, cap, DATA_ALIGNMENT);
    long filled = 0;
    try {
      while (true) {
        long want = cap - filled;
        long got = src.readNative(cur.address() + filled, want);
        filled += got;
        if (got < want) {
          throw truncatedData(op, src.name, h, filled);
        }
        if (filled == nbytes) {
          return cur;
        }
        long next = Math.min(nbytes, cap > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : cap * 2);
        Storage bigger = Storage.allocate(allocator, next, DATA_ALIGNMENT);
        Raw.copy(cur.address(), bigger.address(), filled);
        cur.release();
        cur = bigger;
        cap = next;
      }
    } catch (IOException | RuntimeException | Error e) {
      cur.release();
      throw e;
    }
  }

  private static NpyFormatException truncatedData(String op, String name, NpyHeader h, long got) {
    return new NpyFormatException(op, name, Fault.TRUNCATED, "data end after " + got + " of "
        + h.dataBytes() + " bytes (shape " + NpyHeader.shapeRepr(h.shape()) + " of " + h.descr()
        + ")");
  }

  /** The C- or F-contiguous layout the header describes, starting {@code offset} bytes in. */
  static Layout layoutOf(NpyHeader h, long offset) {
    long[] shape = h.shape();
    int itemsize = h.dtype().itemsize();
    long[] strides = h.fortranOrder() ? Layout.fStrides(shape, itemsize)
        : Layout.cStrides(shape, itemsize);
    return new Layout(shape, strides, offset, itemsize);
  }
}
