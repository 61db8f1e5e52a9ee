package io.tessera.memory;

import io.tessera.errors.ClosedArrayException;
import io.tessera.errors.TesseraException;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A reference-counted byte region in an Arrow buffer: what every array's data live in.
 *
 * <p>A Storage holds one {@link ArrowBuf} (allocated from an accountable {@link BufferAllocator},
 * or wrapping foreign memory such as a file mapping) and a window of it, {@code [address, address +
 * length)}, aligned as requested. Reference counting is Arrow's own: each array that uses the
 * storage holds one reference ({@link #retain()}) and gives it back when closed ({@link
 * #release()}); when the last reference goes, the buffer returns to its allocator.
 */
public final class Storage {
  private final ArrowBuf buf;
  private final long address;
  private final long length;

  private Storage(ArrowBuf buf, long address, long length) {
    this.buf = buf;
    this.address = address;
    this.length = length;
  }

  /**
   * Allocates {@code bytes} bytes whose first byte is aligned to {@code alignment} (a power of
   * two), holding one reference for the caller. The contents are not initialized.
   */
  public static Storage allocate(BufferAllocator allocator, long bytes, int alignment) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative size " + bytes);
    }
    if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
      throw new TesseraException("allocate", "allocate: alignment must be a power of two, got "
          + alignment);
    }
    ArrowBuf buf = allocator.buffer(Math.max(bytes, 1));
    long addr = align(buf.memoryAddress(), alignment);
    if (addr + bytes <= buf.memoryAddress() + buf.capacity()) {
      // aligned already, or Arrow's rounding left enough slack to align inside the buffer
      return new Storage(buf, addr, bytes);
    }
    buf.close();
    buf = allocator.buffer(bytes + alignment - 1);
    return new Storage(buf, align(buf.memoryAddress(), alignment), bytes);
  }

  private static long align(long address, int alignment) {
    return (address + alignment - 1) & -(long) alignment;
  }

  /**
   * Uses {@code length} bytes of an existing Arrow buffer starting at {@code offset}, taking one
   * new reference on it (the caller keeps its own). Used to view Arrow vectors, IPC bodies and
   * file mappings without copying.
   */
  public static Storage wrap(ArrowBuf buf, long offset, long length) {
    if (offset < 0 || length < 0 || offset + length > buf.capacity()) {
      throw new TesseraException("wrap", "wrap: region [" + offset + ", " + (offset + length)
          + ") is outside the buffer of capacity " + buf.capacity());
    }
    buf.getReferenceManager().retain();
    return new Storage(buf, buf.memoryAddress() + offset, length);
  }

  /** Absolute address of byte 0 of this storage. */
  public long address() {
    return address;
  }

  /** Usable bytes. */
  public long length() {
    return length;
  }

  /** The allocator that accounts for this storage's memory. */
  public BufferAllocator allocator() {
    return buf.getReferenceManager().getAllocator();
  }

  /** The underlying Arrow buffer (shared; do not close it yourself). */
  public ArrowBuf arrowBuf() {
    return buf;
  }

  public boolean isOpen() {
    return buf.refCnt() > 0;
  }

  public int refCount() {
    return buf.refCnt();
  }

  /** Takes one more reference, e.g. for a new view. */
  public void retain() {
    if (!isOpen()) {
      throw new ClosedArrayException("view", "view: the buffer has already been released");
    }
    buf.getReferenceManager().retain();
  }

  /** Gives back one reference; the last one frees the buffer. */
  public void release() {
    buf.getReferenceManager().release();
  }
}
