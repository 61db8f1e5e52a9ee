package io.tessera.io.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh allocator per test; the test fails if any byte is still allocated at its end. */
public abstract class AllocatorTestBase {
  protected BufferAllocator allocator;
  protected Tessera np;

  @BeforeEach
  void openAllocator() {
    allocator = new RootAllocator();
    np = Tessera.using(allocator);
  }

  /** 0, 1, 2, ... of {@code dtype} in a new C-ordered array of {@code shape}. */
  protected NDArray iota(DType dtype, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    try (NDArray flat = np.arange(0, n, 1, dtype)) {
      return flat.reshape(shape);
    }
  }

  @AfterEach
  void closeAllocator() {
    long leaked = allocator.getAllocatedMemory();
    allocator.close();
    assertEquals(0, leaked, "bytes still allocated after the test: an array, batch or reader "
        + "was not closed");
  }
}
