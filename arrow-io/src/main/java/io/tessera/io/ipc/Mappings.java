package io.tessera.io.ipc;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;
import sun.misc.Unsafe;

/**
 * File regions memory-mapped read-only and presented as Arrow buffers: {@link
 * BufferAllocator#wrapForeignAllocation} over the mapping's address. The mapping is released
 * (unmapped at once, not at some later garbage collection) when the last reference to the buffer
 * goes. The allocator accounts the mapped size like any foreign allocation; no heap or direct
 * memory is used and no byte is read until it is touched.
 */
final class Mappings {
  private Mappings() {}

  private static final Unsafe UNSAFE;

  static {
    try {
      Field f = Unsafe.class.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      UNSAFE = (Unsafe) f.get(null);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Largest region one mapping can cover on Java 17 ({@code FileChannel.map}'s int limit). */
  static final long MAX_MAPPING = Integer.MAX_VALUE;

  /** Maps {@code [offset, offset + length)} of {@code ch}; {@code length} at least 1. */
  static ArrowBuf map(FileChannel ch, long offset, long length, BufferAllocator allocator)
      throws IOException {
    MappedByteBuffer mbb = ch.map(FileChannel.MapMode.READ_ONLY, offset, length);
    long address = DirectIO.address(mbb);
    ForeignAllocation mapping = new ForeignAllocation(length, address) {
      private MappedByteBuffer keep = mbb;

      @Override
      protected void release0() {
        MappedByteBuffer b = keep;
        keep = null;
        if (b != null) {
          UNSAFE.invokeCleaner(b);
        }
      }
    };
    return allocator.wrapForeignAllocation(mapping);
  }
}
