package io.tessera.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The bounded thread pool that large ufuncs and reductions run on, with a scoped limit like
 * Python's threadpoolctl.
 *
 * <pre>{@code
 * Threads.limit(1, () -> Ufuncs.add(a, b, out));   // single-threaded inside the block
 * }</pre>
 *
 * <p>The global default is the system property {@code tessera.threads} (default: the number of
 * available processors). Work is split into fixed blocks whose results combine in a fixed order,
 * so results never depend on the thread count.
 */
public final class Threads {
  private Threads() {}

  private static final int DEFAULT = Math.max(1,
      Integer.getInteger("tessera.threads", Runtime.getRuntime().availableProcessors()));
  private static final ThreadLocal<Integer> LIMIT = new ThreadLocal<>();
  /** Marks pool threads: work submitted from inside a task runs inline (no nested fan-out). */
  private static final ThreadLocal<Boolean> IN_POOL = ThreadLocal.withInitial(() -> false);

  private static final class Pool {
    static final ExecutorService EXEC = Executors.newCachedThreadPool(new ThreadFactory() {
      private final AtomicInteger n = new AtomicInteger();

      @Override
      public Thread newThread(Runnable r) {
        Thread t = new Thread(() -> {
          IN_POOL.set(true);
          r.run();
        }, "tessera-worker-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      }
    });
  }

  /** The number of threads work may use here and now. */
  public static int current() {
    if (IN_POOL.get()) {
      return 1;
    }
    Integer l = LIMIT.get();
    return l != null ? l : DEFAULT;
  }

  /** The process-wide default ({@code -Dtessera.threads}). */
  public static int defaultCount() {
    return DEFAULT;
  }

  /** Runs {@code body} with at most {@code n} threads (n >= 1), restoring the old limit after. */
  public static void limit(int n, Runnable body) {
    limit(n, () -> {
      body.run();
      return null;
    });
  }

  /** As {@link #limit(int, Runnable)}, returning the body's result. */
  public static <T> T limit(int n, Supplier<T> body) {
    if (n < 1) {
      throw new IllegalArgumentException("thread limit must be at least 1, got " + n);
    }
    Integer old = LIMIT.get();
    LIMIT.set(n);
    try {
      return body.get();
    } finally {
      if (old == null) {
        LIMIT.remove();
      } else {
        LIMIT.set(old);
      }
    }
  }

  /** A task over part {@code part} of {@code parts}. */
  @FunctionalInterface
  public interface PartTask {
    void run(int part);
  }

  /**
   * Runs {@code task(0) .. task(parts-1)} on up to {@link #current()} threads (the caller runs
   * part 0) and waits for all. Exceptions propagate (the first one thrown).
   */
  public static void forEachPart(int parts, PartTask task) {
    int threads = Math.min(current(), parts);
    if (threads <= 1) {
      for (int p = 0; p < parts; p++) {
        task.run(p);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger(0);
    Runnable worker = () -> {
      for (int p = next.getAndIncrement(); p < parts; p = next.getAndIncrement()) {
        task.run(p);
      }
    };
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 1; t < threads; t++) {
      futures.add(Pool.EXEC.submit(worker));
    }
    RuntimeException first = null;
    boolean wasInPool = IN_POOL.get();
    IN_POOL.set(true);
    try {
      worker.run();
    } catch (RuntimeException e) {
      first = e;
    } finally {
      IN_POOL.set(wasInPool);
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (first == null) {
          first = e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (first == null) {
          first = new RuntimeException(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
