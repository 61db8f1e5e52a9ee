package io.tessera.spark;

import io.tessera.Tessera;
import io.tessera.memory.BufferPool;
import io.tessera.memory.MemoryBudget;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.internal.TaskScope;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/**
 * Where arrays live on a Spark executor: one root Arrow allocator per JVM (created lazily, never
 * closed), and inside every task a child allocator of it that the task's arrays come from.
 *
 * <p><b>Limit.</b> The root's limit is read once, when it is first used: the Spark conf key
 * {@value #LIMIT_CONF} (a byte count such as {@code 2g}) if this JVM has a SparkEnv that sets it,
 * else the system property {@value #LIMIT_PROPERTY}, else unlimited (bounded by {@code
 * -XX:MaxDirectMemorySize}). Large freed buffers are kept for reuse by a {@link BufferPool} of at
 * most {@value #POOL_IDLE_CONF} idle bytes (default 256 MiB).
 *
 * <p><b>Ownership inside a task.</b> Every array a Tessera operator produces in a task, and every
 * array Kryo deserializes in a task (shuffle reads), is {@linkplain #adopt adopted} by the task:
 * when the task ends (success or failure) the arrays still open are closed, then the task's child
 * allocator is closed. Operators close their inputs as soon as they have consumed them, so a task
 * holds a few blocks at a time; adoption is the safety net for iterators Spark abandons (e.g.
 * {@code take}) and for failures. Consequently an {@link NDArray} can never leave a task as a task
 * result: collect blocks with {@link DistributedArray#toLocal}, or map them to values of your own.
 *
 * <p>In local mode the driver and the executor are one JVM and share the root; outside a task
 * (on the driver) {@link #tessera()} allocates from the root and the caller owns what it gets.
 */
public final class ExecutorMemory {
  /** Spark conf key of the executor root allocator's limit in bytes ({@code 512m}, {@code 4g}). */
  public static final String LIMIT_CONF = "spark.tessera.executor.memoryLimit";
  /** System property read when no Spark conf sets {@link #LIMIT_CONF}. */
  public static final String LIMIT_PROPERTY = "tessera.executor.memoryLimit";
  /** Spark conf key (or system property without the {@code spark.} prefix) of the pool's idle cap. */
  public static final String POOL_IDLE_CONF = "spark.tessera.executor.poolIdle";

  private static final long DEFAULT_POOL_IDLE = 256L << 20;

  private ExecutorMemory() {}

  private static final class Holder {
    static final long LIMIT = setting(LIMIT_CONF, LIMIT_PROPERTY, Long.MAX_VALUE);
    static final BufferAllocator ROOT = BufferPool.newRootAllocator(LIMIT,
        setting(POOL_IDLE_CONF, POOL_IDLE_CONF.substring("spark.".length()), DEFAULT_POOL_IDLE));
  }

  private static long setting(String confKey, String property, long dflt) {
    SparkEnv env = SparkEnv.get();
    if (env != null) {
      SparkConf conf = env.conf();
      if (conf.contains(confKey)) {
        return MemoryBudget.parseBytes(conf.get(confKey).trim());
      }
    }
    String p = System.getProperty(property);
    return p == null || p.isBlank() ? dflt : MemoryBudget.parseBytes(p.trim());
  }

  /** This JVM's root allocator (created on first use, never closed). */
  public static BufferAllocator root() {
    return Holder.ROOT;
  }

  /** The root's limit in bytes ({@code Long.MAX_VALUE}: unlimited). */
  public static long limit() {
    return Holder.LIMIT;
  }

  /** Bytes currently allocated in this JVM by Tessera's Spark operators (all tasks). */
  public static long allocatedBytes() {
    return root().getAllocatedMemory();
  }

  /** High-water mark of {@link #allocatedBytes()}. */
  public static long peakBytes() {
    return root().getPeakMemoryAllocation();
  }

  /**
   * The factory to allocate from: the current task's (its child allocator, whose arrays are
   * closed when the task ends if still open) inside a Spark task, else the root's.
   */
  public static Tessera tessera() {
    TaskScope s = TaskScope.current();
    return s != null ? s.tessera() : Tessera.using(root());
  }

  /**
   * Hands {@code array} to the current task, which closes it when the task ends unless it was
   * closed before (closing is idempotent). Outside a task this does nothing: the caller owns the
   * array. Returns {@code array}.
   */
  public static NDArray adopt(NDArray array) {
    TaskScope s = TaskScope.current();
    if (s != null) {
      s.track(array);
    }
    return array;
  }

  /**
   * Tasks in this JVM that ended with Tessera memory still allocated that no adopted array
   * accounted for (a bug in an operator or in user code allocating from the task's factory
   * without adopting); each is also logged. Zero in a healthy executor.
   */
  public static long leakedTasks() {
    return TaskScope.leakedTasks();
  }
}
