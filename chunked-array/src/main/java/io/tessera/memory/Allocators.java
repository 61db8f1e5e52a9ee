package io.tessera.memory;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The process-wide default allocator, for code that does not pass its own. Its limit comes from
 * the system property {@code tessera.memory.limit} (bytes; default unlimited, i.e. bounded by
 * {@code -XX:MaxDirectMemorySize}). Tests and services should prefer their own allocators so
 * that a leak is caught when they close them.
 */
public final class Allocators {
  private Allocators() {}

  private static final class Holder {
    static final RootAllocator ROOT = BufferPool.newRootAllocator(
        Long.getLong("tessera.memory.limit", Long.MAX_VALUE),
        Long.getLong("tessera.memory.poolIdle", 1L << 30));
  }

  /**
   * The shared root allocator (never closed). Its large buffers are recycled by a {@link
   * BufferPool} keeping up to {@code tessera.memory.poolIdle} idle bytes (default 1 GiB).
   */
  public static BufferAllocator global() {
    return Holder.ROOT;
  }
}
