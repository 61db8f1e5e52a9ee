package io.tessera.errors;

/**
 * An operation would need more memory than the {@link io.tessera.memory.MemoryBudget} in force.
 * Raised before anything is allocated; the message states the expression, the operand shapes,
 * the bytes it would allocate, the budget, and what to do instead.
 */
public class BudgetExceededException extends TesseraException {
  private static final long serialVersionUID = 1L;
  private final long requestedBytes;
  private final long budgetBytes;

  public BudgetExceededException(String op, String message, long requestedBytes, long budgetBytes) {
    super(op, message);
    this.requestedBytes = requestedBytes;
    this.budgetBytes = budgetBytes;
  }

  /** Peak bytes the refused operation would have needed. */
  public long requestedBytes() {
    return requestedBytes;
  }

  /** The budget that was in force. */
  public long budgetBytes() {
    return budgetBytes;
  }
}
