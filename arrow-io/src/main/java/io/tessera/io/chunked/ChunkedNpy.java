package io.tessera.io.chunked;

import io.tessera.Tessera;
import io.tessera.chunk.BlockSource;
import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.io.npy.MapMode;
import io.tessera.io.npy.MemoryMap;
import io.tessera.io.npy.NpyFormatException;
import io.tessera.io.npy.NpyFormatException.Fault;
import io.tessera.io.npy.NpyHeader;
import io.tessera.io.npy.NpyReader;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.shape.Shapes;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Chunked arrays to and from NumPy {@code .npy} files without holding the whole array.
 *
 * <p><b>Writing</b> ({@link #write(ChunkedArray, Path, Tessera)}) streams the header, then the
 * data in C order one <em>band</em> at a time: the blocks that share a block index along axis 0
 * (rows {@code [r0, r1)} with every other axis whole are contiguous in a C-order file). A band
 * that is one block is written from the block itself (copied to C order first only if the block
 * is not C-contiguous); otherwise the band is assembled ({@link ChunkedArray#region}) one block
 * at a time into a band buffer. So the peak is one band plus the block being produced, never the
 * whole array. The file is byte-identical to {@code np.save} of the assembled array (a C-order
 * array: {@code fortran_order: False}).
 *
 * <p><b>Reading</b> ({@link #open}) parses and checks the header and the file length, then gives
 * a lazy chunked array: a block is read from the file when consumed, by positional reads of its
 * contiguous runs straight into a new block allocated from the consumer's {@link Tessera}
 * (big-endian data are swapped). Fortran-ordered files give F-ordered blocks (runs along the
 * leading axes), and their automatic chunks keep the leading axes whole, as C files keep the
 * trailing ones. {@link #map} instead memory-maps the file and hands out views of the mapping.
 * The file stays open (or mapped) until the chunked array and everything derived from it are
 * closed.
 */
public final class ChunkedNpy {
  private ChunkedNpy() {}

  // ================================================================== writing

  /** The header {@link #write} writes: {@code np.save}'s for a C-order array of this shape. */
  public static NpyHeader headerFor(ChunkedArray array) {
    return NpyHeader.of(array.dtype(), array.shape(), false);
  }

  /** Writes {@code array} to {@code path} (created or truncated), one band at a time. */
  public static void write(ChunkedArray array, Path path, Tessera np) throws IOException {
    Objects.requireNonNull(array, "array");
    NpyHeader h = headerFor(array); // refuses bad shapes before the file is touched
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      write(array, h, ch, np);
    }
  }

  /** Writes {@code array} as a {@code .npy} image to {@code channel} (left open). */
  public static void write(ChunkedArray array, WritableByteChannel channel, Tessera np)
      throws IOException {
    write(array, headerFor(array), channel, np);
  }

  private static void write(ChunkedArray array, NpyHeader h, WritableByteChannel ch, Tessera np)
      throws IOException {
    ByteBuffer hb = ByteBuffer.wrap(h.toBytes());
    while (hb.hasRemaining()) {
      ch.write(hb);
    }
    if (h.dataBytes() == 0) {
      return;
    }
    Chunks c = array.chunks();
    int nd = c.ndim();
    if (nd == 0) {
      try (NDArray b = array.block(np)) {
        writeC(ch, b);
      }
      return;
    }
    boolean bandIsBlock = true;
    for (int a = 1; a < nd; a++) {
      bandIsBlock &= c.numBlocks(a) == 1;
    }
    long[] shape = array.shape();
    for (int i = 0; i < c.numBlocks(0); i++) {
      NDArray band;
      if (bandIsBlock) {
        long[] idx = new long[nd];
        idx[0] = i;
        band = array.block(np, idx);
      } else {
        long[] off = new long[nd];
        long[] sh = shape.clone();
        off[0] = c.start(0, i);
        sh[0] = c.size(0, i);
        band = array.region(np, off, sh);
      }
      try (NDArray b = band) {
        writeC(ch, b);
      }
    }
  }

  /** Writes the elements of {@code a} in C order: from its buffer, or from a C-order copy. */
  private static void writeC(WritableByteChannel ch, NDArray a) throws IOException {
    if (a.isCContiguous()) {
      NativeBytes.write(ch, a.dataAddress(), a.nbytes());
      return;
    }
    try (NDArray c = a.copy(Order.C)) {
      NativeBytes.write(ch, c.dataAddress(), c.nbytes());
    }
  }

  // ================================================================== reading

  /** {@link #open(Path, long)} with {@link Chunks#targetBytes()} (128 MiB by default). */
  public static ChunkedArray open(Path path) throws IOException {
    return open(path, Chunks.targetBytes());
  }

  /** Opens {@code path} lazily with automatic chunks of at most {@code targetBytes} per block. */
  public static ChunkedArray open(Path path, long targetBytes) throws IOException {
    NpyHeader h = NpyReader.readHeader(path);
    return open(path, h, autoChunks(h, targetBytes));
  }

  /**
   * Opens {@code path} lazily with the chunks {@code chunks} (for the file's shape; any grid,
   * regular or not).
   */
  public static ChunkedArray open(Path path, Chunks chunks) throws IOException {
    return open(path, NpyReader.readHeader(path), chunks);
  }

  /**
   * Automatic chunks for a file: {@link Chunks#auto} for C order; for Fortran order the same
   * with the axes reversed, so that blocks keep the leading (contiguous) axes whole.
   */
  public static Chunks autoChunks(NpyHeader h, long targetBytes) {
    long[] shape = h.shape();
    if (!h.fortranOrder()) {
      return Chunks.auto(shape, h.dtype(), targetBytes);
    }
    Chunks rev = Chunks.auto(reverse(shape), h.dtype(), targetBytes);
    long[][] per = new long[shape.length][];
    for (int a = 0; a < shape.length; a++) {
      per[a] = rev.chunks(shape.length - 1 - a);
    }
    return Chunks.of(shape, per);
  }

  private static ChunkedArray open(Path path, NpyHeader h, Chunks chunks) throws IOException {
    String name = path.toString();
    if (!Arrays.equals(chunks.shape(), h.shape())) {
      throw new io.tessera.chunk.ChunkSpecException("npy.open", "npy.open: chunks " + chunks
          + " are for shape " + Shapes.format(chunks.shape()) + ", but " + name + " holds "
          + Shapes.format(h.shape()));
    }
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    try {
      long end = h.dataOffset() + h.dataBytes();
      if (ch.size() < end) {
        throw new NpyFormatException("npy.open", name, Fault.TRUNCATED, "header claims shape "
            + Shapes.format(h.shape()) + " of " + h.descr() + " = " + h.dataBytes()
            + " bytes of data from offset " + h.dataOffset() + ", but the file has " + ch.size()
            + " bytes");
      }
      BlockSource src = new FileBlocks(name, ch, h, chunks);
      return ChunkedArray.fromSource(chunks, h.dtype(), src, chunks.largestBlockBytes(h.dtype()),
          ch);
    } catch (RuntimeException | Error e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Memory-maps {@code path} read-only ({@link MemoryMap}) and cuts it into blocks that are views
   * of the mapping: nothing is read until touched, and blocks cost no allocation (the allocator
   * counts the mapping as a foreign allocation of the file's data size). Big-endian files cannot
   * be mapped (use {@link #open}).
   *
   * @param chunks the grid, or null for {@link #autoChunks} with the default target
   */
  public static ChunkedArray map(Path path, Chunks chunks, BufferAllocator allocator)
      throws IOException {
    try (MemoryMap m = MemoryMap.open(path, MapMode.R, allocator)) {
      Chunks c = chunks != null ? chunks : autoChunks(m.header(), Chunks.targetBytes());
      return ChunkedArray.fromArray(m.array(), c);
    }
  }

  private static long[] reverse(long[] a) {
    long[] r = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[a.length - 1 - i];
    }
    return r;
  }

  /** Reads blocks from the file by positional reads of their contiguous runs. */
  private static final class FileBlocks implements BlockSource {
    private final String name;
    private final FileChannel ch;
    private final NpyHeader h;
    private final Chunks chunks;
    private final boolean fortran;
    private final int itemsize;

    FileBlocks(String name, FileChannel ch, NpyHeader h, Chunks chunks) {
      this.name = name;
      this.ch = ch;
      this.h = h;
      this.chunks = chunks;
      this.fortran = h.fortranOrder();
      this.itemsize = h.dtype().itemsize();
    }

    @Override
    public NDArray block(long[] blockIndex, Tessera np) {
      long[] off = chunks.blockOffsets(blockIndex);
      long[] bs = chunks.blockShape(blockIndex);
      DType dt = h.dtype();
      NDArray b = np.empty(dt, fortran ? Order.F : Order.C, bs);
      try {
        if (b.size() > 0) {
          read(b.dataAddress(), off, bs);
          if (h.needsSwap()) {
            Raw.reverseBytes(b.dataAddress(), b.size(), itemsize);
          }
        }
        return b;
      } catch (EOFException e) {
        b.close();
        throw new NpyFormatException("npy.read", name, Fault.TRUNCATED, "the file ended while "
            + "reading block " + Shapes.format(blockIndex) + " (" + e.getMessage()
            + "); was it truncated after opening?", e);
      } catch (IOException e) {
        b.close();
        throw new ChunkedIoException("npy.read", name, "reading block "
            + Shapes.format(blockIndex) + " failed: " + e, e);
      } catch (RuntimeException | Error e) {
        b.close();
        throw e;
      }
    }

    /** Reads the block at {@code off} of shape {@code bs} in the file's order to {@code dst}. */
    private void read(long dst, long[] off, long[] bs) throws IOException {
      long[] shape = h.shape();
      int n = shape.length;
      // axes in memory order: the last one is the fastest in the file
      long[] s = new long[n];
      long[] o = new long[n];
      long[] b = new long[n];
      for (int i = 0; i < n; i++) {
        int a = fortran ? n - 1 - i : i;
        s[i] = shape[a];
        o[i] = off[a];
        b[i] = bs[a];
      }
      long[] st = new long[n];
      long acc = 1;
      for (int i = n - 1; i >= 0; i--) {
        st[i] = acc;
        acc *= s[i];
      }
      if (n == 0) {
        NativeBytes.readFully(ch, h.dataOffset(), dst, itemsize);
        return;
      }
      int j = n - 1;
      while (j > 0 && b[j] == s[j]) {
        j--;
      }
      long run = b[j] * st[j];
      long runBytes = run * itemsize;
      long[] idx = new long[j];
      long pos = dst;
      while (true) {
        long e = o[j] * st[j];
        for (int a = 0; a < j; a++) {
          e += (o[a] + idx[a]) * st[a];
        }
        NativeBytes.readFully(ch, h.dataOffset() + e * itemsize, pos, runBytes);
        pos += runBytes;
        int a = j - 1;
        while (a >= 0 && ++idx[a] == b[a]) {
          idx[a] = 0;
          a--;
        }
        if (a < 0) {
          return;
        }
      }
    }
  }
}
