package io.tessera.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.errors.TesseraException;
import io.tessera.ndarray.NDArray;
import io.tessera.testing.ArrayTestBase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MemoryReportTest extends ArrayTestBase {
  private static final long MIB = 1L << 20;

  /**
   * Arrays with 8-byte alignment: Arrow's buffers are 8-aligned, so each array is accounted at
   * exactly its power-of-two size (64-byte alignment may cost a second, larger buffer).
   */
  private Tessera t() {
    return np.aligned(8);
  }

  @Test
  void aNewHighWaterMarkIsTheExactPeak() {
    NDArray[] kept = new NDArray[1];
    MemoryReport r = MemoryReport.measure(allocator, () -> {
      try (NDArray big = t().empty(DType.FLOAT64, MIB / 8)) {
        big.setDouble(1, 0);
      }
      kept[0] = t().empty(DType.UINT8, 256 << 10);
    });
    try (NDArray k = kept[0]) {
      assertTrue(r.peakExact(), r.toString());
      assertEquals(0, r.startBytes());
      assertEquals(256 << 10, r.endBytes());
      assertEquals(256 << 10, r.delta());
      assertTrue(r.peakBytes() >= MIB && r.peakBytes() < MIB + (256 << 10) + 4096, r.toString());
      assertEquals(r.peakBytes(), r.peakIncrease());
      assertEquals("allocator high-water mark", r.method());
      assertTrue(r.toString().startsWith("allocator: start 0 B, end 256 KiB (delta +256 KiB), "
          + "peak "), r.toString());
      assertTrue(r.heapStartBytes() > 0 && r.heapPeakBytes() >= r.heapEndBytes());
    }
  }

  @Test
  void belowAnEarlierPeakTheSamplesGiveALowerBound() throws Exception {
    try (NDArray big = t().empty(DType.FLOAT64, MIB / 8)) {
      big.fill(0);
    }
    NDArray held = t().empty(DType.UINT8, 4096);
    MemoryReport r;
    try (MemoryReport.Scope s = MemoryReport.start(allocator, Duration.ofMillis(1))) {
      try (NDArray mid = t().empty(DType.UINT8, 64 << 10)) {
        Thread.sleep(50); // long enough for the sampler to see it
        mid.setLong(1, 0);
      }
      r = s.report();
    }
    held.close();
    assertFalse(r.peakExact());
    assertEquals("sampling (lower bound)", r.method());
    assertEquals(4096, r.startBytes());
    assertEquals(4096, r.endBytes());
    assertEquals(0, r.delta());
    assertEquals(4096 + (64 << 10), r.peakBytes(), r.toString());
    assertEquals(64 << 10, r.peakIncrease());
  }

  @Test
  void isolatedMeasuresOnlyTheBodyExactly() {
    try (NDArray outside = t().empty(DType.UINT8, MIB)) {
      MemoryReport r = MemoryReport.isolated(allocator, child -> {
        Tessera t = Tessera.using(child).aligned(8);
        for (int i = 0; i < 3; i++) {
          try (NDArray a = t.empty(DType.FLOAT32, 32 << 10)) {
            a.setDouble(1, 0);
          }
        }
      });
      assertTrue(r.peakExact());
      assertEquals(128 << 10, r.peakBytes());
      assertEquals(0, r.startBytes());
      assertEquals(0, r.endBytes());
      assertEquals(MIB, allocator.getAllocatedMemory());
      assertTrue(outside.isOpen());
    }
    NDArray[] leaked = new NDArray[1];
    TesseraException e = assertThrows(TesseraException.class, () -> MemoryReport.isolated(
        allocator, child -> leaked[0] = Tessera.using(child).aligned(8).empty(DType.UINT8, 1000)));
    assertTrue(e.getMessage().startsWith("memory_report: the measured code left 1 KiB allocated"),
        e.getMessage());
    leaked[0].close();
  }
}
