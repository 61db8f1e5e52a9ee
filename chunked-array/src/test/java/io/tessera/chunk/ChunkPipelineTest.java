package io.tessera.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.memory.BufferPool;
import io.tessera.memory.MemoryReport;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * A pipeline over a chunked array far larger than what it may hold: 2 GiB of float64 generated in
 * 16 MiB blocks and summed block by block runs with the allocator's peak under 64 MiB.
 */
class ChunkPipelineTest {
  private static final long N = 1L << 28; // 2 GiB of float64
  private static final long BLOCK = 1L << 21; // 16 MiB

  /** Block values: element i holds i % 1024, so every partial sum is an exact integer. */
  private static NDArray fill(long[] offsets, long[] shape, Tessera np) {
    NDArray out = np.empty(DType.FLOAT64, shape);
    long addr = out.dataAddress();
    for (long i = 0; i < shape[0]; i++) {
      Raw.putDouble(addr + 8 * i, (double) ((offsets[0] + i) & 1023));
    }
    return out;
  }

  private static double sum(NDArray b) {
    double s = 0;
    long addr = b.dataAddress();
    long n = b.size();
    for (long i = 0; i < n; i++) {
      s += Raw.getDouble(addr + 8 * i);
    }
    return s;
  }

  @Test
  void twoGibibytesSumUnder64MibPeak() {
    // a pooled allocator, as Allocators.global() is: freed 16 MiB buffers are reused, so the
    // test does not pay 2 GiB of page faults
    BufferPool pool = new BufferPool(64L << 20);
    try (BufferAllocator root = new RootAllocator(RootAllocator.configBuilder()
        .allocationManagerFactory(pool).build())) {
      Chunks chunks = Chunks.regular(new long[] {N}, BLOCK);
      assertEquals(128, chunks.blockCount());
      double[] total = new double[1];
      MemoryReport report = MemoryReport.isolated(root, child -> {
        Tessera np = Tessera.using(child);
        try (ChunkedArray big = ChunkedArray.generate(new long[] {N}, DType.FLOAT64, chunks,
            (idx, off, shape, t) -> fill(off, shape, t))) {
          assertEquals(2L << 30, big.nbytes());
          assertEquals(16L << 20, big.peakBytes());
          total[0] = big.reduceBlocks(np, ChunkPipelineTest::sum, Double::sum);
        }
      });
      double expected = (double) (N / 1024) * (1023 * 1024 / 2);
      assertEquals(expected, total[0]);
      assertTrue(report.peakExact());
      assertTrue(report.peakBytes() >= 16L << 20, report.toString());
      assertTrue(report.peakBytes() < 64L << 20, report.toString());
      assertEquals(0, report.endBytes());
    }
    pool.trim();
  }
}
