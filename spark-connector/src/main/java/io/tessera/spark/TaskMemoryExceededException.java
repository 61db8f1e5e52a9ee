package io.tessera.spark;

import io.tessera.errors.BudgetExceededException;

/**
 * A distributed plan whose estimated off-heap bytes per task exceed the executor allocator's
 * limit ({@value ExecutorMemory#LIMIT_CONF}). Raised on the driver while planning, before any
 * job, instead of an executor running out of memory; the message names the operation, the stage
 * that needs the memory, the estimate and the limit, and what to change.
 */
public class TaskMemoryExceededException extends BudgetExceededException {
  private static final long serialVersionUID = 1L;

  public TaskMemoryExceededException(String op, String message, long requestedBytes,
      long limitBytes) {
    super(op, message, requestedBytes, limitBytes);
  }
}
