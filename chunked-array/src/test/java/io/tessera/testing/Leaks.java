package io.tessera.testing;

import io.tessera.Tessera;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/** For property tests (jqwik has its own lifecycle): run a body on a fresh allocator, then close it. */
public final class Leaks {
  private Leaks() {}

  /** Runs {@code body}; throws if it leaves any byte allocated. */
  public static void withAllocator(Consumer<Tessera> body) {
    try (BufferAllocator a = new RootAllocator()) {
      body.accept(Tessera.using(a));
      if (a.getAllocatedMemory() != 0) {
        throw new AssertionError(a.getAllocatedMemory() + " bytes leaked");
      }
    }
  }
}
