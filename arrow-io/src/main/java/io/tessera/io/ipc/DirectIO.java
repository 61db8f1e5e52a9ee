package io.tessera.io.ipc;

import io.tessera.memory.Raw;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import org.apache.arrow.memory.util.MemoryUtil;
import sun.misc.Unsafe;

/**
 * Channel I/O to and from raw off-heap addresses. With {@code --add-opens
 * java.base/java.nio=ALL-UNNAMED} (Tessera's documented JVM flags) the channel reads and writes
 * the memory itself through a {@code ByteBuffer} view, with no copy in the JVM. Without it, Arrow's
 * {@link MemoryUtil#directBuffer} is unavailable and the bytes go through a per-thread 4 MiB
 * direct staging buffer (one extra memory copy), so nothing fails for want of the flag.
 */
final class DirectIO {
  private DirectIO() {}

  private static final int CHUNK = 1 << 30;
  private static final int STAGING = 4 << 20;
  private static final Unsafe UNSAFE;
  private static final long ADDRESS_OFFSET;
  /** Whether ByteBuffer views of raw addresses can be made. */
  static final boolean VIEWS;
  private static final ThreadLocal<ByteBuffer> STAGE =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(STAGING));

  static {
    try {
      Field f = Unsafe.class.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      UNSAFE = (Unsafe) f.get(null);
      ADDRESS_OFFSET = UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("address"));
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

  /** The address of a direct buffer's first byte (needs no add-opens). */
  static long address(ByteBuffer direct) {
    return UNSAFE.getLong(direct, ADDRESS_OFFSET);
  }

  /** Writes {@code length} bytes from {@code address}; returns the bytes written (all of them). */
  static long write(WritableByteChannel ch, long address, long length) throws IOException {
    long done = 0;
    if (VIEWS) {
      while (done < length) {
        int k = (int) Math.min(CHUNK, length - done);
        ByteBuffer bb = MemoryUtil.directBuffer(address + done, k);
        while (bb.hasRemaining()) {
          ch.write(bb);
        }
        done += k;
      }
      return done;
    }
    ByteBuffer stage = STAGE.get();
    long base = address(stage);
    while (done < length) {
      int k = (int) Math.min(stage.capacity(), length - done);
      Raw.copy(address + done, base, k);
      stage.clear().limit(k);
      while (stage.hasRemaining()) {
        ch.write(stage);
      }
      done += k;
    }
    return done;
  }

  /**
   * Reads up to {@code length} bytes into {@code address}; returns how many (fewer only at the end
   * of the channel).
   */
  static long read(ReadableByteChannel ch, long address, long length) throws IOException {
    long done = 0;
    if (VIEWS) {
      while (done < length) {
        int k = (int) Math.min(CHUNK, length - done);
        ByteBuffer bb = MemoryUtil.directBuffer(address + done, k);
        int r = 0;
        while (bb.hasRemaining() && (r = ch.read(bb)) >= 0) {
          // keep reading
        }
        done += bb.position();
        if (r < 0) {
          break;
        }
      }
      return done;
    }
    ByteBuffer stage = STAGE.get();
    long base = address(stage);
    while (done < length) {
      int k = (int) Math.min(stage.capacity(), length - done);
      stage.clear().limit(k);
      int r = 0;
      while (stage.hasRemaining() && (r = ch.read(stage)) >= 0) {
        // keep reading
      }
      int got = stage.position();
      Raw.copy(base, address + done, got);
      done += got;
      if (r < 0) {
        break;
      }
    }
    return done;
  }
}
