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
    static final RootAllocator ROOT = new RootAllocator(
        Long.getLong("tessera.memory.limit", Long.MAX_VALUE));
  }

  /** The shared root allocator (never closed). */
  public static BufferAllocator global() {
    return Holder.ROOT;
  }
}
