package io.tessera.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.Tessera;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Gives each test a fresh allocator and closes it afterwards: a test that leaves any array
 * unclosed fails (Arrow's allocator refuses to close with outstanding buffers, and we also assert
 * zero bytes first so the message is plain).
 */
public abstract class ArrayTestBase {
  protected BufferAllocator allocator;
  protected Tessera np;

  @BeforeEach
  void openAllocator() {
    allocator = new RootAllocator();
    np = Tessera.using(allocator);
  }

  @AfterEach
  void closeAllocator() {
    long leaked = allocator.getAllocatedMemory();
    allocator.close();
    assertEquals(0, leaked, "bytes still allocated after the test: an array was not closed");
  }
}
