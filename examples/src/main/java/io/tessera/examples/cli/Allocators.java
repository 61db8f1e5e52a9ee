package io.tessera.examples.cli;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/** The accounted allocators the commands use: each command closes its own, so a leak fails it. */
final class Allocators {
  private Allocators() {}

  /** A new unlimited root allocator (memory maps are accounted at their mapped size). */
  static BufferAllocator root() {
    return new RootAllocator(Long.MAX_VALUE);
  }
}
