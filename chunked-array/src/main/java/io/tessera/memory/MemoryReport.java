package io.tessera.memory;

import io.tessera.errors.TesseraException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Memory used by a block of code, like Python's memory_profiler: the allocator's bytes at the
 * start and end, the delta, and the peak reached in between; plus the JVM heap (MemoryMXBean).
 *
 * <pre>{@code
 * MemoryReport r = MemoryReport.measure(allocator, () -> pipeline.run());
 * r.peakBytes(); r.peakIncrease(); r.delta();
 *
 * try (MemoryReport.Scope s = MemoryReport.start(allocator)) {
 *   ...
 * } // s.report() after close
 * }</pre>
 *
 * <p><b>How the peak is measured.</b> Arrow's {@code getPeakMemoryAllocation()} is a high-water mark
 * since the allocator was created, which says nothing about a block of code on its own. Two methods:
 * <ul>
 *   <li>{@link #measure} / {@link #start}: the high-water mark is read before and after. If it rose,
 *       the block set a new record and that record is its exact peak ({@link #peakExact()} true).
 *       If not, the block's peak is below an earlier one; a daemon thread samples {@code
 *       getAllocatedMemory()} (every millisecond by default) and the largest sample (and the start
 *       and end values) is reported, a lower bound that can miss spikes shorter than the interval
 *       ({@link #peakExact()} false). Allocations by other threads on the same allocator count too.
 *   <li>{@link #isolated}: the body runs on a fresh child allocator, whose high-water mark starts
 *       at zero: exact, and only the body's allocations. The body must allocate from the allocator
 *       it is given and close what it allocates.
 * </ul>
 * Heap figures are {@code MemoryMXBean} heap usage at start and end and the largest sample; they
 * include garbage not yet collected, so read them as indications.
 */
public final class MemoryReport {
  /** Default sampling interval. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(1);

  private final long startBytes;
  private final long endBytes;
  private final long peakBytes;
  private final boolean peakExact;
  private final long heapStart;
  private final long heapEnd;
  private final long heapPeak;
  private final long nanos;
  private final String method;

  private MemoryReport(long startBytes, long endBytes, long peakBytes, boolean peakExact,
      long heapStart, long heapEnd, long heapPeak, long nanos, String method) {
    this.startBytes = startBytes;
    this.endBytes = endBytes;
    this.peakBytes = peakBytes;
    this.peakExact = peakExact;
    this.heapStart = heapStart;
    this.heapEnd = heapEnd;
    this.heapPeak = heapPeak;
    this.nanos = nanos;
    this.method = method;
  }

  // ------------------------------------------------------------------ measuring

  /** Measures {@code body} on {@code allocator} (high-water mark, else 1 ms sampling). */
  public static MemoryReport measure(BufferAllocator allocator, Runnable body) {
    return measure(allocator, DEFAULT_INTERVAL, body);
  }

  /** As {@link #measure(BufferAllocator, Runnable)} with a sampling interval (null: no sampling). */
  public static MemoryReport measure(BufferAllocator allocator, Duration interval, Runnable body) {
    Scope s = start(allocator, interval);
    try {
      body.run();
    } finally {
      s.close();
    }
    return s.report();
  }

  /**
   * Runs {@code body} on a new child allocator of {@code parent} and reports that allocator's
   * numbers, which are exact and the body's alone. The body must close everything it allocates.
   *
   * @throws TesseraException if the body leaves memory allocated (the child allocator is then
   *     left open, so closing {@code parent} reports the leak too)
   */
  public static MemoryReport isolated(BufferAllocator parent, Consumer<BufferAllocator> body) {
    BufferAllocator child = parent.newChildAllocator("memory-report", 0, parent.getLimit());
    MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
    long h0 = heap.getHeapMemoryUsage().getUsed();
    long t0 = System.nanoTime();
    boolean ok = false;
    try {
      body.accept(child);
      ok = true;
    } finally {
      if (!ok && child.getAllocatedMemory() == 0) {
        child.close();
      }
    }
    long t1 = System.nanoTime();
    long h1 = heap.getHeapMemoryUsage().getUsed();
    long end = child.getAllocatedMemory();
    MemoryReport r = new MemoryReport(0, end, child.getPeakMemoryAllocation(), true, h0, h1,
        Math.max(h0, h1), t1 - t0, "child allocator");
    if (end != 0) {
      throw new TesseraException("memory_report", "memory_report: the measured code left "
          + MemoryBudget.formatBytes(end) + " allocated in its allocator (" + r + "); close "
          + "what it allocates, or use MemoryReport.measure");
    }
    child.close();
    return r;
  }

  /** Starts measuring on {@code allocator}; close the scope to stop. */
  public static Scope start(BufferAllocator allocator) {
    return start(allocator, DEFAULT_INTERVAL);
  }

  /** Starts measuring with a sampling interval (null or zero: no sampling thread). */
  public static Scope start(BufferAllocator allocator, Duration interval) {
    return new Scope(allocator, interval);
  }

  /** A measurement in progress; {@link #close()} ends it, {@link #report()} gives the numbers. */
  public static final class Scope implements AutoCloseable {
    private final BufferAllocator allocator;
    private final MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
    private final long peak0;
    private final long start;
    private final long heap0;
    private final long t0;
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile long sampledMax;
    private volatile long heapMax;
    private MemoryReport report;

    private Scope(BufferAllocator allocator, Duration interval) {
      this.allocator = allocator;
      this.peak0 = allocator.getPeakMemoryAllocation();
      this.start = allocator.getAllocatedMemory();
      this.heap0 = heap.getHeapMemoryUsage().getUsed();
      this.sampledMax = start;
      this.heapMax = heap0;
      this.t0 = System.nanoTime();
      if (interval != null && !interval.isZero() && !interval.isNegative()) {
        long sleepNanos = interval.toNanos();
        sampler = new Thread(() -> {
          int k = 0;
          while (running) {
            long a = allocator.getAllocatedMemory();
            if (a > sampledMax) {
              sampledMax = a;
            }
            if ((k++ & 15) == 0) {
              long h = heap.getHeapMemoryUsage().getUsed();
              if (h > heapMax) {
                heapMax = h;
              }
            }
            try {
              Thread.sleep(sleepNanos / 1_000_000, (int) (sleepNanos % 1_000_000));
            } catch (InterruptedException e) {
              return;
            }
          }
        }, "tessera-memory-report");
        sampler.setDaemon(true);
        sampler.start();
      } else {
        sampler = null;
      }
    }

    /** Stops sampling and fixes the report. Idempotent. */
    @Override
    public synchronized void close() {
      if (report != null) {
        return;
      }
      running = false;
      if (sampler != null) {
        sampler.interrupt();
        try {
          sampler.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      long t1 = System.nanoTime();
      long end = allocator.getAllocatedMemory();
      long peak1 = allocator.getPeakMemoryAllocation();
      long h1 = heap.getHeapMemoryUsage().getUsed();
      boolean exact = peak1 > peak0;
      long peak = exact ? peak1 : Math.max(Math.max(start, end), sampledMax);
      report = new MemoryReport(start, end, peak, exact, heap0, h1, Math.max(heapMax, h1),
          t1 - t0, exact ? "allocator high-water mark" : sampler != null
              ? "sampling (lower bound)" : "start/end only (lower bound)");
    }

    /** The report; closes the scope if still open. */
    public MemoryReport report() {
      close();
      return report;
    }
  }

  // ------------------------------------------------------------------ numbers

  /** Allocator bytes when measuring started. */
  public long startBytes() {
    return startBytes;
  }

  /** Allocator bytes when measuring ended. */
  public long endBytes() {
    return endBytes;
  }

  /** {@code endBytes - startBytes}: memory the code kept (negative if it freed). */
  public long delta() {
    return endBytes - startBytes;
  }

  /** Highest allocator bytes while the code ran (exact or a lower bound, see {@link #peakExact()}). */
  public long peakBytes() {
    return peakBytes;
  }

  /** {@code peakBytes - startBytes}: the most the code had allocated on top of what was there. */
  public long peakIncrease() {
    return peakBytes - startBytes;
  }

  /** True when {@link #peakBytes()} is exact; false when it is a sampled lower bound. */
  public boolean peakExact() {
    return peakExact;
  }

  /** How the peak was obtained. */
  public String method() {
    return method;
  }

  /** JVM heap used at the start (MemoryMXBean). */
  public long heapStartBytes() {
    return heapStart;
  }

  /** JVM heap used at the end. */
  public long heapEndBytes() {
    return heapEnd;
  }

  /** Largest JVM heap use seen (sampled; includes uncollected garbage). */
  public long heapPeakBytes() {
    return heapPeak;
  }

  /** Wall time of the measured code. */
  public Duration elapsed() {
    return Duration.ofNanos(nanos);
  }

  @Override
  public String toString() {
    return "allocator: start " + MemoryBudget.formatBytes(startBytes) + ", end "
        + MemoryBudget.formatBytes(endBytes) + " (delta " + signed(delta()) + "), peak "
        + MemoryBudget.formatBytes(peakBytes) + " (" + signed(peakIncrease()) + ", " + method
        + "); heap: start " + MemoryBudget.formatBytes(heapStart) + ", end "
        + MemoryBudget.formatBytes(heapEnd) + ", peak seen " + MemoryBudget.formatBytes(heapPeak)
        + "; " + String.format(java.util.Locale.ROOT, "%.3f s", nanos / 1e9);
  }

  private static String signed(long b) {
    return (b >= 0 ? "+" : "") + MemoryBudget.formatBytes(b);
  }
}
