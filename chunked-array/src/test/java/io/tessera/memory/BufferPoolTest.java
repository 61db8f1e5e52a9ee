package io.tessera.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

class BufferPoolTest {

  @Test
  void largeBuffersAreReusedAndAccountedAndAligned() {
    BufferPool pool = new BufferPool(64L << 20);
    try (RootAllocator root = new RootAllocator(RootAllocator.configBuilder()
        .allocationManagerFactory(pool).build())) {
      Tessera np = Tessera.using(root);
      long first;
      try (NDArray a = np.zeros(DType.FLOAT64, 1_000_000)) {
        first = a.dataAddress();
        assertEquals(0, first % 64);
        assertTrue(root.getAllocatedMemory() >= 8_000_000);
        a.setDouble(3.0, 999_999);
      }
      assertEquals(0, root.getAllocatedMemory());
      assertTrue(pool.idleBytes() >= 8_000_000);
      try (NDArray b = np.empty(DType.FLOAT64, 1_000_000)) {
        assertEquals(first, b.dataAddress(), "the freed buffer is reused");
        assertEquals(0, pool.idleBytes());
      }
      try (NDArray small = np.zeros(DType.FLOAT64, 10)) {
        assertEquals(0.0, small.getDouble(9));
      }
    }
    pool.trim();
    assertEquals(0, pool.idleBytes());
  }

  @Test
  void idleBytesStayUnderTheCap() {
    BufferPool pool = new BufferPool(3L << 20);
    try (RootAllocator root = new RootAllocator(RootAllocator.configBuilder()
        .allocationManagerFactory(pool).build())) {
      Tessera np = Tessera.using(root);
      NDArray[] arrays = new NDArray[4];
      for (int i = 0; i < 4; i++) {
        arrays[i] = np.empty(DType.UINT8, 2L << 20);
      }
      for (NDArray a : arrays) {
        a.close();
      }
      assertTrue(pool.idleBytes() <= 3L << 20, "idle " + pool.idleBytes());
    }
    pool.trim();
  }

  @Test
  void oddSizesAccountExactlyAndReturnToZero() {
    BufferPool pool = new BufferPool(64L << 20);
    try (RootAllocator root = new RootAllocator(RootAllocator.configBuilder()
        .allocationManagerFactory(pool).build())) {
      Tessera np = Tessera.using(root);
      for (int i = 0; i < 3; i++) {
        try (NDArray a = np.empty(DType.FLOAT64, 10_000_001); NDArray b = np.empty(DType.UINT8, 3_333_333)) {
          assertTrue(root.getAllocatedMemory() >= 80_000_008L + 3_333_333L);
        }
        assertEquals(0, root.getAllocatedMemory());
      }
    }
    pool.trim();
  }

  @Test
  void sizeClassesWasteAtMostAnEighth() {
    for (long s = BufferPool.LARGE; s < (1L << 34); s = s * 3 / 2 + 17) {
      long c = BufferPool.sizeClass(s);
      assertTrue(c >= s && c - s <= s / 8 + 4096, s + " -> " + c);
    }
  }
}
