package io.tessera.io.chunked;

import io.tessera.memory.Raw;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Byte movement between channels and off-heap memory for the chunked formats, through a bounded
 * heap staging buffer (the JDK's channels read and write only {@link ByteBuffer}s, and wrapping a
 * raw address in one needs {@code --add-opens}; one extra {@code memcpy} per byte is cheap next to
 * the I/O), plus the byte swap for big-endian data.
 */
public final class NativeBytes {
  private NativeBytes() {}

  /** Size of the heap staging buffer handed to each call: 1 MiB. */
  public static final int STAGE = 1 << 20;

  /** Writes {@code len} bytes at {@code address} to {@code ch}. */
  public static void write(WritableByteChannel ch, long address, long len) throws IOException {
    byte[] stage = new byte[(int) Math.min(STAGE, Math.max(len, 1))];
    long done = 0;
    while (done < len) {
      int n = (int) Math.min(stage.length, len - done);
      Raw.copyToHeap(address + done, stage, 0, n);
      ByteBuffer bb = ByteBuffer.wrap(stage, 0, n);
      while (bb.hasRemaining()) {
        ch.write(bb);
      }
      done += n;
    }
  }

  /**
   * Reads exactly {@code len} bytes at file position {@code pos} of {@code ch} to {@code address}
   * (positional: safe from several threads at once).
   *
   * @throws EOFException if the file ends first (the message gives how many bytes were read)
   */
  public static void readFully(FileChannel ch, long pos, long address, long len)
      throws IOException {
    byte[] stage = new byte[(int) Math.min(STAGE, Math.max(len, 1))];
    long done = 0;
    while (done < len) {
      int n = (int) Math.min(stage.length, len - done);
      ByteBuffer bb = ByteBuffer.wrap(stage, 0, n);
      while (bb.hasRemaining()) {
        int r = ch.read(bb, pos + done + bb.position());
        if (r < 0) {
          throw new EOFException("end of file after " + (done + bb.position()) + " of " + len
              + " bytes from position " + pos);
        }
      }
      Raw.copyFromHeap(stage, 0, address + done, n);
      done += n;
    }
  }

  /** Reverses the bytes of each element of {@code itemsize} bytes in {@code b[off, off+len)}. */
  public static void swapInPlace(byte[] b, int off, int len, int itemsize) {
    if (itemsize == 1) {
      return;
    }
    for (int i = off; i + itemsize <= off + len; i += itemsize) {
      for (int x = i, y = i + itemsize - 1; x < y; x++, y--) {
        byte t = b[x];
        b[x] = b[y];
        b[y] = t;
      }
    }
  }

  /** Fills {@code count} elements of {@code itemsize} bytes at {@code address} with bits. */
  public static void fillBits(long address, long count, int itemsize, long bits) {
    if (count == 0) {
      return;
    }
    Raw.putBits(address, itemsize, bits);
    long done = itemsize;
    long total = count * itemsize;
    while (done < total) {
      long n = Math.min(done, total - done);
      Raw.copy(address, address + done, n);
      done += n;
    }
  }
}
