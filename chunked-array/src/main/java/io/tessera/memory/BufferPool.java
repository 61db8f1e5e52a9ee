package io.tessera.memory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * An Arrow allocation-manager factory that keeps large freed buffers for reuse, so that a ufunc
 * writing into a fresh output does not pay the operating system's first-touch page faults every
 * time (here about 12 µs per 4 KiB page: a new 80 MB array costs more to fault in than to fill).
 *
 * <p>Requests below {@link #LARGE} bytes go to Arrow's default (netty, pooled) manager. Larger
 * ones are rounded up to a size class (eight classes per power of two, so at most 12.5% waste),
 * 64-byte aligned, and on release kept in a per-class free list while the pool holds less than
 * its cap; beyond the cap they are freed. Accounting is unchanged: the allocator above counts
 * every byte a buffer uses, and its count returns to zero when the buffers are closed; the pool's
 * idle bytes ({@link #idleBytes()}) sit below it and are released with {@link #trim()}.
 */
public final class BufferPool implements AllocationManager.Factory {
  /** Smallest request served from the pool. */
  public static final long LARGE = 1L << 20;
  private static final int ALIGN = 64;

  private final AllocationManager.Factory small;
  private final long maxIdle;
  private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
  private long idle;

  /** A pool keeping at most {@code maxIdleBytes} of freed large buffers. */
  public BufferPool(long maxIdleBytes) {
    this.small = org.apache.arrow.memory.netty.NettyAllocationManager.FACTORY;
    this.maxIdle = maxIdleBytes;
  }

  /** A root allocator (limit {@code limit} bytes) whose large buffers come from a new pool. */
  public static RootAllocator newRootAllocator(long limit, long maxIdleBytes) {
    return new RootAllocator(RootAllocator.configBuilder()
        .allocationManagerFactory(new BufferPool(maxIdleBytes))
        .maxAllocation(limit)
        .build());
  }

  /** Bytes held idle for reuse. */
  public synchronized long idleBytes() {
    return idle;
  }

  /** Frees every idle buffer. */
  public synchronized void trim() {
    for (ArrayDeque<Long> q : free.values()) {
      for (Long raw : q) {
        Raw.freeMemory(raw);
      }
    }
    free.clear();
    idle = 0;
  }

  /** The size class of a request: eight steps per power of two. */
  static long sizeClass(long size) {
    int shift = 63 - Long.numberOfLeadingZeros(size) - 3;
    long step = 1L << Math.max(shift, 12);
    return (size + step - 1) & -step;
  }

  @Override
  public AllocationManager create(BufferAllocator accountingAllocator, long size) {
    if (size < LARGE) {
      return small.create(accountingAllocator, size);
    }
    long cls = sizeClass(size);
    Long raw;
    synchronized (this) {
      ArrayDeque<Long> q = free.get(cls);
      raw = q == null ? null : q.pollFirst();
      if (raw != null) {
        idle -= cls;
      }
    }
    if (raw == null) {
      raw = Raw.allocateMemory(cls + ALIGN);
    }
    return new Pooled(accountingAllocator, raw, size, cls);
  }

  @Override
  public ArrowBuf empty() {
    return small.empty();
  }

  private synchronized boolean giveBack(long raw, long cls) {
    if (idle + cls > maxIdle) {
      return false;
    }
    free.computeIfAbsent(cls, k -> new ArrayDeque<>()).addFirst(raw);
    idle += cls;
    return true;
  }

  private final class Pooled extends AllocationManager {
    private final long raw;
    /** The size the allocator accounted (what Arrow releases again); at most {@code cls}. */
    private final long size;
    private final long cls;

    Pooled(BufferAllocator accountingAllocator, long raw, long size, long cls) {
      super(accountingAllocator);
      this.raw = raw;
      this.size = size;
      this.cls = cls;
    }

    @Override
    public long getSize() {
      return size;
    }

    @Override
    protected long memoryAddress() {
      return (raw + ALIGN - 1) & -(long) ALIGN;
    }

    @Override
    protected void release0() {
      if (!giveBack(raw, cls)) {
        Raw.freeMemory(raw);
      }
    }
  }
}
