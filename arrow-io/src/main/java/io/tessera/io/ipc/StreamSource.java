package io.tessera.io.ipc;

import io.tessera.memory.Raw;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/** Sequential bytes of an IPC stream: a channel read into allocator buffers, or an in-memory buffer. */
abstract class StreamSource implements AutoCloseable {
  final String name;
  final BufferAllocator allocator;

  StreamSource(String name, BufferAllocator allocator) {
    this.name = name;
    this.allocator = allocator;
  }

  /** Reads up to {@code n} bytes into {@code dst}; returns how many (fewer only at end of data). */
  abstract int readUpTo(byte[] dst, int n);

  /** Bytes left, or -1 when unknown (a pipe or socket). */
  abstract long remaining();

  /** The next {@code length} bytes as a Region; CorruptIpcException if the data end first. */
  abstract Region readBody(long length, String op);

  /** Whether arrays over these bytes may be written. */
  abstract boolean writeable();

  @Override
  public abstract void close();

  CorruptIpcException truncated(String op, String what, long wanted, long got) {
    return new CorruptIpcException(op, name, "truncated: " + what + " of " + wanted
        + " bytes, only " + got + " present");
  }

  /** A channel; bodies are read into 64-byte-aligned buffers from the allocator. */
  static final class FromChannel extends StreamSource {
    /** A body claimed larger than this, of unknown availability, is read in growing steps. */
    static final long FIRST_STEP = 16L << 20;

    private final ReadableByteChannel channel;
    private final boolean closeChannel;
    private boolean closed;

    FromChannel(ReadableByteChannel channel, boolean closeChannel, String name,
        BufferAllocator allocator) {
      super(name, allocator);
      this.channel = channel;
      this.closeChannel = closeChannel;
    }

    @Override
    int readUpTo(byte[] dst, int n) {
      ByteBuffer bb = ByteBuffer.wrap(dst, 0, n);
      try {
        while (bb.hasRemaining()) {
          if (channel.read(bb) < 0) {
            break;
          }
        }
      } catch (IOException e) {
        throw new ArrowIpcException("read", name, "I/O error (" + e + ")", e);
      }
      return bb.position();
    }

    @Override
    long remaining() {
      if (channel instanceof FileChannel) {
        try {
          FileChannel fc = (FileChannel) channel;
          return Math.max(0, fc.size() - fc.position());
        } catch (IOException e) {
          return -1;
        }
      }
      return -1;
    }

    @Override
    Region readBody(long length, String op) {
      if (length == 0) {
        ArrowBuf empty = allocator.getEmpty();
        empty.getReferenceManager().retain();
        return new Region(empty, 0, 0);
      }
      long known = remaining();
      if (known >= 0 && length > known) {
        throw truncated(op, "message body", length, known);
      }
      long cap = known >= 0 ? length : Math.min(length, FIRST_STEP);
      ArrowBuf buf = allocate(cap, op);
      long filled = 0;
      try {
        while (true) {
          filled = fill(buf, filled, cap);
          if (filled < cap) {
            throw truncated(op, "message body", length, filled);
          }
          if (cap == length) {
            return new Region(buf, alignedOffset(buf), length);
          }
          long next = Math.min(length, cap * 2);
          ArrowBuf bigger = allocate(next, op);
          Raw.copy(buf.memoryAddress() + alignedOffset(buf), bigger.memoryAddress()
              + alignedOffset(bigger), filled);
          buf.close();
          buf = bigger;
          cap = next;
        }
      } catch (RuntimeException e) {
        buf.close();
        throw e;
      }
    }

    private ArrowBuf allocate(long bytes, String op) {
      try {
        return allocator.buffer(bytes + 63);
      } catch (RuntimeException e) {
        throw new ArrowIpcException(op, name, "cannot allocate " + bytes + " bytes for a message "
            + "body (" + e + ")", e);
      }
    }

    private static long alignedOffset(ArrowBuf buf) {
      return (64 - (buf.memoryAddress() & 63)) & 63;
    }

    /** Reads into {@code buf}'s aligned window from {@code filled} up to {@code cap}; returns the new fill. */
    private long fill(ArrowBuf buf, long filled, long cap) {
      long base = buf.memoryAddress() + alignedOffset(buf);
      try {
        return filled + DirectIO.read(channel, base + filled, cap - filled);
      } catch (IOException e) {
        throw new ArrowIpcException("read", name, "I/O error (" + e + ")", e);
      }
    }

    @Override
    boolean writeable() {
      return true;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        if (closeChannel) {
          FileSource.closeQuietly(channel);
        }
      }
    }
  }

  /** An in-memory stream: bodies are views of the buffer, nothing is copied. */
  static final class InMemory extends StreamSource {
    private final ArrowBuf buf;
    private final long length;
    private long position;
    private boolean closed;

    InMemory(ArrowBuf buf, long length, String name, BufferAllocator allocator) {
      super(name, allocator);
      if (length < 0 || length > buf.capacity()) {
        throw new IllegalArgumentException("length " + length + " outside buffer of capacity "
            + buf.capacity());
      }
      buf.getReferenceManager().retain();
      this.buf = buf;
      this.length = length;
    }

    @Override
    int readUpTo(byte[] dst, int n) {
      int k = (int) Math.min(n, length - position);
      Raw.copyToHeap(buf.memoryAddress() + position, dst, 0, k);
      position += k;
      return k;
    }

    @Override
    long remaining() {
      return length - position;
    }

    @Override
    Region readBody(long len, String op) {
      if (len > length - position) {
        throw truncated(op, "message body", len, length - position);
      }
      buf.getReferenceManager().retain();
      Region r = new Region(buf, position, len);
      position += len;
      return r;
    }

    @Override
    boolean writeable() {
      return true;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        buf.getReferenceManager().release();
      }
    }
  }
}
