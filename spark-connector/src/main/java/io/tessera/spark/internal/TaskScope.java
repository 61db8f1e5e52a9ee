package io.tessera.spark.internal;

import io.tessera.Tessera;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.ExecutorMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Internal: the arrays of one running Spark task and the child allocator they come from. Created
 * on first use in a task; when the task completes (or fails) it closes the arrays still open, then
 * its allocator. See {@link ExecutorMemory}.
 */
public final class TaskScope {
  private static final Logger LOG = LoggerFactory.getLogger(TaskScope.class);
  private static final ConcurrentHashMap<Long, TaskScope> SCOPES = new ConcurrentHashMap<>();
  private static final AtomicLong LEAKED = new AtomicLong();

  private final String name;
  private final BufferAllocator allocator;
  private final Tessera np;
  private final List<NDArray> tracked = new ArrayList<>();
  private int pruneAt = 64;

  private TaskScope(TaskContext tc) {
    this.name = "task " + tc.stageId() + "." + tc.partitionId() + " attempt " + tc.attemptNumber()
        + " (TID " + tc.taskAttemptId() + ")";
    this.allocator = ExecutorMemory.root().newChildAllocator(name, 0, Long.MAX_VALUE);
    this.np = Tessera.using(allocator);
  }

  /** The scope of the task running on this thread, or null outside a task. */
  public static TaskScope current() {
    TaskContext tc = TaskContext.get();
    if (tc == null) {
      return null;
    }
    long id = tc.taskAttemptId();
    TaskScope s = SCOPES.get(id);
    if (s != null) {
      return s;
    }
    if (tc.isCompleted() || tc.isInterrupted()) {
      // arrays made now could not be closed by the task any more: allocate from the root
      return null;
    }
    TaskScope fresh = new TaskScope(tc);
    TaskScope prev = SCOPES.putIfAbsent(id, fresh);
    if (prev != null) {
      fresh.allocator.close();
      return prev;
    }
    tc.addTaskCompletionListener(new Closer(id));
    return fresh;
  }

  /** Tasks that ended with untracked memory still allocated. */
  public static long leakedTasks() {
    return LEAKED.get();
  }

  public Tessera tessera() {
    return np;
  }

  public synchronized void track(NDArray a) {
    if (tracked.size() >= pruneAt) {
      tracked.removeIf(x -> !x.isOpen());
      pruneAt = Math.max(64, 2 * tracked.size());
    }
    tracked.add(a);
  }

  private void finish() {
    List<NDArray> open;
    synchronized (this) {
      open = new ArrayList<>(tracked);
      tracked.clear();
    }
    RuntimeException first = null;
    for (NDArray a : open) {
      try {
        a.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    long left = allocator.getAllocatedMemory();
    if (left != 0) {
      LEAKED.incrementAndGet();
      LOG.error("Tessera: {} ended with {} bytes of arrays that were neither closed nor adopted; "
          + "they stay allocated: {}", name, left, allocator.toVerboseString());
    } else {
      allocator.close();
    }
    if (first != null) {
      throw first;
    }
  }

  private static final class Closer implements TaskCompletionListener {
    private final long id;

    Closer(long id) {
      this.id = id;
    }

    @Override
    public void onTaskCompletion(TaskContext context) {
      TaskScope s = SCOPES.remove(id);
      if (s != null) {
        s.finish();
      }
    }
  }
}
