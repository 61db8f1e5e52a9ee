package io.tessera.io.npy;

import io.tessera.io.npy.NpyIo.ChannelSink;
import io.tessera.io.npy.NpyIo.Sink;
import io.tessera.io.npy.NpyIo.StreamSink;
import io.tessera.memory.Raw;
import io.tessera.memory.Storage;
import io.tessera.ndarray.NDArray;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Writes arrays as NumPy {@code .npy} files, byte for byte as {@code numpy.save} /
 * {@code numpy.lib.format.write_array} does for the same array.
 *
 * <ul>
 *   <li>A C-contiguous array is written with {@code fortran_order: False}; an F-contiguous one
 *       (and not C-contiguous) with {@code fortran_order: True}, its bytes as they are in memory:
 *       no transposing copy. Both go from the array's buffer straight to the file channel.
 *   <li>Any other array (strided views, negative strides, broadcasts) is written in C order,
 *       gathered through a 1 MiB scratch buffer: never a full temporary copy.
 *   <li>The version is the lowest that fits (1.0; 2.0 only for headers beyond 65535 bytes) unless
 *       {@link Options#version} asks for one; 3.0 is written only when asked for, since Tessera's
 *       headers are pure ASCII.
 *   <li>{@link Options#byteOrder} {@link ByteOrder#BIG_ENDIAN} writes {@code '>'} descriptors and
 *       byte-swapped data (through the scratch buffer); one-byte types are always {@code '|'}.
 * </ul>
 *
 * <p>The path is written as given (NumPy's {@code save} appends {@code .npy} to a name without
 * it; Tessera does not rename).
 */
public final class NpyWriter {
  private NpyWriter() {}

  /**
   * Writer options.
   *
   * @param version the format version, or null for the lowest that fits (as NumPy)
   * @param byteOrder byte order of the data in the file (little-endian by default)
   */
  public record Options(NpyVersion version, ByteOrder byteOrder) {
    public Options {
      Objects.requireNonNull(byteOrder, "byteOrder");
    }

    /** Lowest fitting version, little-endian: what {@code np.save} does. */
    public static Options defaults() {
      return new Options(null, ByteOrder.LITTLE_ENDIAN);
    }

    public Options withVersion(NpyVersion v) {
      return new Options(v, byteOrder);
    }

    public Options withByteOrder(ByteOrder order) {
      return new Options(version, order);
    }
  }

  /** Writes {@code a} to {@code path} (created or truncated) with the default options. */
  public static void write(Path path, NDArray a) throws IOException {
    write(path, a, Options.defaults());
  }

  public static void write(Path path, NDArray a, Options options) throws IOException {
    NpyHeader h = headerFor(a, options);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      write(new ChannelSink(ch), a, h);
    }
  }

  /** Writes {@code a} to a stream (left open); a {@link FileOutputStream} is written via its channel. */
  public static void write(OutputStream out, NDArray a) throws IOException {
    write(out, a, Options.defaults());
  }

  public static void write(OutputStream out, NDArray a, Options options) throws IOException {
    NpyHeader h = headerFor(a, options);
    if (out instanceof FileOutputStream) {
      out.flush();
      write(new ChannelSink(((FileOutputStream) out).getChannel()), a, h);
    } else {
      write(new StreamSink(out), a, h);
    }
  }

  /** Writes {@code a} to a channel (left open), straight from the array's buffer. */
  public static void write(WritableByteChannel ch, NDArray a, Options options) throws IOException {
    write(new ChannelSink(ch), a, headerFor(a, options));
  }

  /** The whole {@code .npy} image in a byte array (arrays under 2 GiB). */
  public static byte[] toBytes(NDArray a) {
    return toBytes(a, Options.defaults());
  }

  public static byte[] toBytes(NDArray a, Options options) {
    NpyHeader h = headerFor(a, options);
    long total = h.dataOffset() + h.dataBytes();
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("toBytes: " + total + " bytes do not fit in a byte array");
    }
    ByteArrayOutputStream bos = new ByteArrayOutputStream((int) total);
    try {
      write(new StreamSink(bos), a, h);
    } catch (IOException e) {
      throw new AssertionError("byte arrays do not do I/O", e);
    }
    return bos.toByteArray();
  }

  /**
   * The header {@code np.save} writes for {@code a}: {@code fortran_order} True only for an
   * F-contiguous array that is not also C-contiguous.
   */
  public static NpyHeader headerFor(NDArray a, Options options) {
    Objects.requireNonNull(options, "options");
    a.dataAddress(); // checks that the array is open
    boolean fortran = !a.isCContiguous() && a.isFContiguous();
    return NpyHeader.of(a.dtype(), a.shape(), fortran, options.byteOrder(), options.version());
  }

  // ------------------------------------------------------------------------------ internals

  static void write(Sink sink, NDArray a, NpyHeader h) throws IOException {
    byte[] header = h.toBytes();
    sink.writeHeap(header, 0, header.length);
    writeData(sink, a, h);
  }

  /** Writes the data of {@code a} in the header's order and byte order. */
  static void writeData(Sink sink, NDArray a, NpyHeader h) throws IOException {
    long nbytes = h.dataBytes();
    if (nbytes == 0) {
      return;
    }
    int itemsize = a.itemsize();
    boolean contiguous = h.fortranOrder() ? a.isFContiguous() : a.isCContiguous();
    long base = a.dataAddress();
    if (contiguous && !h.needsSwap()) {
      sink.writeNative(base, nbytes);
      return;
    }
    long scratchBytes = Math.min(NpyIo.CHUNK, nbytes);
    boolean swap = h.needsSwap();
    Storage scratch = Storage.allocate(a.allocator(), scratchBytes, Long.BYTES);
    try {
      NpyIo.ChunkConsumer out = (addr, n) -> {
        if (swap) {
          Raw.reverseBytes(addr, n / itemsize, itemsize);
        }
        sink.writeNative(addr, n);
      };
      if (contiguous) {
        for (long off = 0; off < nbytes; ) {
          long k = Math.min(scratchBytes, nbytes - off);
          Raw.copy(base + off, scratch.address(), k);
          out.accept(scratch.address(), k);
          off += k;
        }
      } else {
        NpyIo.gatherC(base, a.layout().shape(), a.layout().strides(), itemsize, scratch.address(),
            scratchBytes, out);
      }
    } finally {
      scratch.release();
    }
  }
}
