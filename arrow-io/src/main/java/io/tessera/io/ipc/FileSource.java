package io.tessera.io.ipc;

import io.tessera.memory.Raw;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/** Random-access bytes of an IPC file: a memory mapping or an in-memory Arrow buffer. */
abstract class FileSource implements AutoCloseable {
  final String name;
  final long size;
  final BufferAllocator allocator;

  FileSource(String name, long size, BufferAllocator allocator) {
    this.name = name;
    this.size = size;
    this.allocator = allocator;
  }

  /** {@code [offset, offset + length)}, already checked to lie inside the source, as a Region. */
  abstract Region region(long offset, long length);

  /** Copies {@code dst.length} bytes from {@code offset} (inside the source) to the heap. */
  abstract void read(long offset, byte[] dst);

  /** Whether arrays over these bytes may be written. */
  abstract boolean writeable();

  /** Whether the bytes are a memory mapping of the file. */
  abstract boolean mapped();

  @Override
  public abstract void close();

  /** An in-memory file: views of {@code buf}'s first {@code length} bytes (one reference held). */
  static final class InMemory extends FileSource {
    private final ArrowBuf buf;
    private boolean closed;

    InMemory(ArrowBuf buf, long length, String name, BufferAllocator allocator) {
      super(name, length, allocator);
      if (length < 0 || length > buf.capacity()) {
        throw new IllegalArgumentException("length " + length + " outside buffer of capacity "
            + buf.capacity());
      }
      buf.getReferenceManager().retain();
      this.buf = buf;
    }

    @Override
    Region region(long offset, long length) {
      buf.getReferenceManager().retain();
      return new Region(buf, offset, length);
    }

    @Override
    void read(long offset, byte[] dst) {
      Raw.copyToHeap(buf.memoryAddress() + offset, dst, 0, dst.length);
    }

    @Override
    boolean writeable() {
      return true;
    }

    @Override
    boolean mapped() {
      return false;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        buf.getReferenceManager().release();
      }
    }
  }

  /**
   * A read-only memory mapping. Files up to 2 GiB - 1 are mapped whole when opened; larger ones
   * (beyond what one {@code FileChannel.map} can cover on Java 17) map each requested region on
   * its own, and keep the channel open until closed.
   */
  static final class Mapped extends FileSource {
    /** Files up to this size are mapped as one region; tests lower it to exercise the other path. */
    static long singleMappingLimit = Mappings.MAX_MAPPING;

    private final FileChannel channel;
    private final ArrowBuf whole;
    private boolean closed;

    private Mapped(String name, long size, BufferAllocator allocator, FileChannel channel,
        ArrowBuf whole) {
      super(name, size, allocator);
      this.channel = channel;
      this.whole = whole;
    }

    static Mapped open(Path path, BufferAllocator allocator, long minSize, String op) {
      String name = path.toString();
      FileChannel ch;
      try {
        ch = FileChannel.open(path, StandardOpenOption.READ);
      } catch (IOException e) {
        throw new ArrowIpcException(op, name, "cannot open (" + e + ")", e);
      }
      try {
        long size = ch.size();
        if (size < minSize) {
          throw new CorruptIpcException(op, name, "file of " + size + " bytes is too short for "
              + "an Arrow IPC file (at least " + minSize + ")");
        }
        if (size <= singleMappingLimit) {
          ArrowBuf whole = Mappings.map(ch, 0, size, allocator);
          ch.close();
          return new Mapped(name, size, allocator, null, whole);
        }
        return new Mapped(name, size, allocator, ch, null);
      } catch (IOException e) {
        closeQuietly(ch);
        throw new ArrowIpcException(op, name, "cannot map (" + e + ")", e);
      } catch (RuntimeException e) {
        closeQuietly(ch);
        if (e instanceof ArrowIpcException) {
          throw e;
        }
        throw new ArrowIpcException(op, name, "cannot map (" + e + ")", e);
      }
    }

    @Override
    Region region(long offset, long length) {
      if (whole != null) {
        whole.getReferenceManager().retain();
        return new Region(whole, offset, length);
      }
      if (length > Mappings.MAX_MAPPING) {
        throw new UnsupportedIpcException("read", name, "a record batch of " + length
            + " bytes exceeds the 2 GiB that one memory mapping can cover on Java 17");
      }
      if (length == 0) {
        ArrowBuf empty = allocator.getEmpty();
        empty.getReferenceManager().retain();
        return new Region(empty, 0, 0);
      }
      try {
        return new Region(Mappings.map(channel, offset, length, allocator), 0, length);
      } catch (IOException | RuntimeException e) {
        throw new ArrowIpcException("read", name, "cannot map bytes [" + offset + ", "
            + (offset + length) + ") (" + e + ")", e);
      }
    }

    @Override
    void read(long offset, byte[] dst) {
      if (whole != null) {
        Raw.copyToHeap(whole.memoryAddress() + offset, dst, 0, dst.length);
        return;
      }
      ByteBuffer bb = ByteBuffer.wrap(dst);
      try {
        while (bb.hasRemaining()) {
          int r = channel.read(bb, offset + bb.position());
          if (r < 0) {
            throw new CorruptIpcException("read", name, "file shrank while reading");
          }
        }
      } catch (IOException e) {
        throw new ArrowIpcException("read", name, "I/O error (" + e + ")", e);
      }
    }

    @Override
    boolean writeable() {
      return false;
    }

    @Override
    boolean mapped() {
      return true;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (whole != null) {
        whole.getReferenceManager().release();
      }
      if (channel != null) {
        closeQuietly(channel);
      }
    }
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // nothing more to do
    }
  }
}
