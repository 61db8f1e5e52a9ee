package io.tessera.io.npy;

import io.tessera.memory.Raw;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Byte movement between files, streams and off-heap memory, shared by the readers and writers:
 * sources and sinks that move data straight between a channel and native memory (no heap copy;
 * without {@code --add-opens java.base/java.nio} through a 1 MiB direct staging buffer, see {@link
 * #VIEWS}), or through one bounded heap chunk where the JDK offers nothing else (plain streams),
 * plus the byte-swap and C-order gather loops.
 */
final class NpyIo {
  private NpyIo() {}

  /** Largest slice handed to a channel in one call (ByteBuffers are int-indexed). */
  static final int CHANNEL_SLICE = 1 << 30;
  /** Heap chunk for streams, and scratch size for gathering/swapping. */
  static final int CHUNK = 1 << 20;

  private static final sun.misc.Unsafe UNSAFE;
  private static final long ADDRESS_OFFSET;
  /**
   * Whether {@code ByteBuffer} views of raw addresses can be made ({@link MemoryUtil#directBuffer}
   * needs {@code --add-opens=java.base/java.nio=ALL-UNNAMED}, part of Tessera's JVM flags). Without
   * them, channel I/O goes through a per-thread 1 MiB direct staging buffer: one extra memory copy,
   * nothing fails for want of the flag.
   */
  static final boolean VIEWS;
  private static final ThreadLocal<ByteBuffer> STAGE =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK));

  static {
    try {
      java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      UNSAFE = (sun.misc.Unsafe) f.get(null);
      ADDRESS_OFFSET = UNSAFE.objectFieldOffset(java.nio.Buffer.class.getDeclaredField("address"));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
    boolean views;
    try {
      ByteBuffer probe = ByteBuffer.allocateDirect(8);
      views = MemoryUtil.directBuffer(address(probe), 8).capacity() == 8;
    } catch (Throwable t) {
      views = false;
    }
    VIEWS = views;
  }

  /** The address of a direct (or mapped) buffer's first byte; needs no add-opens. */
  static long address(ByteBuffer direct) {
    return UNSAFE.getLong(direct, ADDRESS_OFFSET);
  }

  /** Unmaps a mapped buffer now (its cleaner), not at some later garbage collection. */
  static void unmap(ByteBuffer mapped) {
    UNSAFE.invokeCleaner(mapped);
  }

  // ------------------------------------------------------------------------------ sources

  /** Where a reader's bytes come from. */
  abstract static class Source {
    final String name;

    Source(String name) {
      this.name = name;
    }

    /** Reads up to {@code len} bytes into a heap array; fewer only at the end of the input. */
    abstract int readHeap(byte[] b, int off, int len) throws IOException;

    /** Reads up to {@code len} bytes to native memory; fewer only at the end of the input. */
    abstract long readNative(long address, long len) throws IOException;

    /**
     * Bytes left in the input, or -1 if unknown (a plain stream). If {@link #exact()} is false
     * this is only an upper bound that the input may not reach.
     */
    abstract long remaining() throws IOException;

    /**
     * True if {@link #remaining()} is backed by the input itself (a file, an array), so that a
     * buffer of that size may be allocated before the bytes are read.
     */
    boolean exact() {
      return true;
    }
  }

  /** Positional reads from a file channel straight into native memory. */
  static final class ChannelSource extends Source {
    private final FileChannel ch;
    private long pos;

    ChannelSource(String name, FileChannel ch, long pos) {
      super(name);
      this.ch = ch;
      this.pos = pos;
    }

    long position() {
      return pos;
    }

    @Override
    int readHeap(byte[] b, int off, int len) throws IOException {
      ByteBuffer bb = ByteBuffer.wrap(b, off, len);
      while (bb.hasRemaining()) {
        int r = ch.read(bb, pos);
        if (r < 0) {
          break;
        }
        pos += r;
      }
      return bb.position() - off;
    }

    @Override
    long readNative(long address, long len) throws IOException {
      long done = 0;
      ByteBuffer stage = VIEWS ? null : STAGE.get();
      while (done < len) {
        int n = (int) Math.min(VIEWS ? CHANNEL_SLICE : stage.capacity(), len - done);
        ByteBuffer bb = VIEWS ? MemoryUtil.directBuffer(address + done, n) : stage.clear().limit(n);
        int got = 0;
        boolean eof = false;
        while (bb.hasRemaining()) {
          int r = ch.read(bb, pos);
          if (r < 0) {
            eof = true;
            break;
          }
          pos += r;
          got += r;
        }
        if (!VIEWS) {
          Raw.copy(address(stage), address + done, got);
        }
        done += got;
        if (eof) {
          break;
        }
      }
      return done;
    }

    @Override
    long remaining() throws IOException {
      return Math.max(0, ch.size() - pos);
    }
  }

  /** A plain stream, through one bounded heap chunk (the JDK reads streams only into arrays). */
  static final class StreamSource extends Source {
    private final InputStream in;
    private final boolean exact;
    private long known;
    private byte[] chunk;

    /**
     * @param known bytes the stream holds (or at most holds, if not {@code exact}), or -1 if
     *     unknown
     */
    StreamSource(String name, InputStream in, long known, boolean exact) {
      super(name);
      this.in = in;
      this.known = known;
      this.exact = exact && known >= 0;
    }

    @Override
    boolean exact() {
      return exact;
    }

    @Override
    int readHeap(byte[] b, int off, int len) throws IOException {
      int done = 0;
      while (done < len) {
        int r = in.read(b, off + done, len - done);
        if (r < 0) {
          break;
        }
        done += r;
      }
      consumed(done);
      return done;
    }

    @Override
    long readNative(long address, long len) throws IOException {
      long done = 0;
      while (done < len) {
        // the chunk grows with the data actually read, up to CHUNK: a forged size costs nothing
        if (chunk == null || (chunk.length < CHUNK && chunk.length < len - done && done > 0
            && done >= chunk.length)) {
          chunk = new byte[(int) Math.max(1, Math.min(Math.min(CHUNK, len - done),
              chunk == null ? 8192 : 2L * chunk.length))];
        }
        int want = (int) Math.min(chunk.length, len - done);
        int r = in.read(chunk, 0, want);
        if (r < 0) {
          break;
        }
        Raw.copyFromHeap(chunk, 0, address + done, r);
        done += r;
      }
      consumed(done);
      return done;
    }

    private void consumed(long n) {
      if (known >= 0) {
        known = Math.max(0, known - n);
      }
    }

    @Override
    long remaining() {
      return known;
    }
  }

  /** A byte array: copied once, straight into native memory. */
  static final class BytesSource extends Source {
    private final byte[] b;
    private int pos;
    private final int end;

    BytesSource(String name, byte[] b, int off, int len) {
      super(name);
      this.b = b;
      this.pos = off;
      this.end = off + len;
    }

    @Override
    int readHeap(byte[] dst, int off, int len) {
      int n = Math.min(len, end - pos);
      System.arraycopy(b, pos, dst, off, n);
      pos += n;
      return n;
    }

    @Override
    long readNative(long address, long len) {
      int n = (int) Math.min(len, end - pos);
      Raw.copyFromHeap(b, pos, address, n);
      pos += n;
      return n;
    }

    @Override
    long remaining() {
      return end - pos;
    }
  }

  // ------------------------------------------------------------------------------ sinks

  /** Where a writer's bytes go. */
  abstract static class Sink {
    abstract void writeHeap(byte[] b, int off, int len) throws IOException;

    abstract void writeNative(long address, long len) throws IOException;
  }

  /** A channel, written straight from native memory. */
  static final class ChannelSink extends Sink {
    private final WritableByteChannel ch;

    ChannelSink(WritableByteChannel ch) {
      this.ch = ch;
    }

    @Override
    void writeHeap(byte[] b, int off, int len) throws IOException {
      ByteBuffer bb = ByteBuffer.wrap(b, off, len);
      while (bb.hasRemaining()) {
        ch.write(bb);
      }
    }

    @Override
    void writeNative(long address, long len) throws IOException {
      long done = 0;
      ByteBuffer stage = VIEWS ? null : STAGE.get();
      while (done < len) {
        int n = (int) Math.min(VIEWS ? CHANNEL_SLICE : stage.capacity(), len - done);
        ByteBuffer bb;
        if (VIEWS) {
          bb = MemoryUtil.directBuffer(address + done, n);
        } else {
          Raw.copy(address + done, address(stage), n);
          bb = stage.clear().limit(n);
        }
        while (bb.hasRemaining()) {
          ch.write(bb);
        }
        done += n;
      }
    }
  }

  /** A plain stream, through one bounded heap chunk. */
  static final class StreamSink extends Sink {
    private final OutputStream out;
    private byte[] chunk;

    StreamSink(OutputStream out) {
      this.out = out;
    }

    @Override
    void writeHeap(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    void writeNative(long address, long len) throws IOException {
      if (chunk == null) {
        chunk = new byte[(int) Math.max(1, Math.min(CHUNK, len))];
      }
      long done = 0;
      while (done < len) {
        int n = (int) Math.min(chunk.length, len - done);
        Raw.copyToHeap(address + done, chunk, 0, n);
        out.write(chunk, 0, n);
        done += n;
      }
    }
  }

  /** Computes the CRC-32 and length of what would be written (for stored zip entries). */
  static final class CrcSink extends Sink {
    final CRC32 crc = new CRC32();
    long count;

    @Override
    void writeHeap(byte[] b, int off, int len) {
      crc.update(b, off, len);
      count += len;
    }

    @Override
    void writeNative(long address, long len) {
      long done = 0;
      ByteBuffer stage = VIEWS ? null : STAGE.get();
      while (done < len) {
        int n = (int) Math.min(VIEWS ? CHANNEL_SLICE : stage.capacity(), len - done);
        if (VIEWS) {
          crc.update(MemoryUtil.directBuffer(address + done, n));
        } else {
          Raw.copy(address + done, address(stage), n);
          crc.update(stage.clear().limit(n));
        }
        done += n;
      }
      count += len;
    }
  }

  // ------------------------------------------------------------------------------ loops

  /** Receives one filled scratch chunk of {@code bytes} bytes at {@code address}. */
  @FunctionalInterface
  interface ChunkConsumer {
    void accept(long address, long bytes) throws IOException;
  }

  /**
   * Streams the elements of a strided layout in C (row-major) order through a scratch buffer of
   * {@code scratchBytes} bytes (a multiple of {@code itemsize}), handing each filled chunk to
   * {@code out}. Axes of length 1 are dropped and axes that chain in C order are merged, so long
   * runs become single copies. The caller has checked that every address is inside the array.
   */
  static void gatherC(long base, long[] shape, long[] strides, int itemsize, long scratch,
      long scratchBytes, ChunkConsumer out) throws IOException {
    int n = shape.length;
    long[] sh = new long[n];
    long[] st = new long[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (shape[i] == 0) {
        return;
      }
      if (shape[i] == 1) {
        continue;
      }
      if (m > 0 && st[m - 1] == shape[i] * strides[i]) {
        sh[m - 1] *= shape[i];
        st[m - 1] = strides[i];
      } else {
        sh[m] = shape[i];
        st[m] = strides[i];
        m++;
      }
    }
    long fill = 0;
    if (m == 0) {
      Raw.copy(base, scratch, itemsize);
      out.accept(scratch, itemsize);
      return;
    }
    int inner = m - 1;
    long count = sh[inner];
    long stride = st[inner];
    long[] idx = new long[m];
    long rowBase = base;
    while (true) {
      long a = rowBase;
      long left = count;
      while (left > 0) {
        long room = (scratchBytes - fill) / itemsize;
        long k = Math.min(room, left);
        copyStrided(a, stride, scratch + fill, k, itemsize);
        fill += k * itemsize;
        a += k * stride;
        left -= k;
        if (fill == scratchBytes) {
          out.accept(scratch, fill);
          fill = 0;
        }
      }
      int d = inner - 1;
      while (d >= 0) {
        idx[d]++;
        rowBase += st[d];
        if (idx[d] < sh[d]) {
          break;
        }
        rowBase -= st[d] * sh[d];
        idx[d] = 0;
        d--;
      }
      if (d < 0) {
        break;
      }
    }
    if (fill > 0) {
      out.accept(scratch, fill);
    }
  }

  private static void copyStrided(long src, long stride, long dst, long count, int itemsize) {
    if (stride == itemsize) {
      Raw.copy(src, dst, count * itemsize);
      return;
    }
    switch (itemsize) {
      case 1:
        for (long i = 0; i < count; i++, src += stride, dst += 1) {
          Raw.putByte(dst, Raw.getByte(src));
        }
        return;
      case 2:
        for (long i = 0; i < count; i++, src += stride, dst += 2) {
          Raw.putShort(dst, Raw.getShort(src));
        }
        return;
      case 4:
        for (long i = 0; i < count; i++, src += stride, dst += 4) {
          Raw.putInt(dst, Raw.getInt(src));
        }
        return;
      case 8:
        for (long i = 0; i < count; i++, src += stride, dst += 8) {
          Raw.putLong(dst, Raw.getLong(src));
        }
        return;
      default:
        throw new IllegalArgumentException("itemsize " + itemsize);
    }
  }

  /** Reads exactly {@code len} bytes into a heap array or throws EOFException. */
  static void readFully(Source src, byte[] b, int off, int len) throws IOException {
    if (src.readHeap(b, off, len) != len) {
      throw new EOFException();
    }
  }
}
