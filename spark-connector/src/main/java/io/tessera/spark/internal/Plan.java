package io.tessera.spark.internal;

import io.tessera.memory.MemoryBudget;
import java.util.ArrayList;
import java.util.List;

/**
 * Internal: one node of a distributed array's plan, for {@code explain()}: what the operation
 * is, how each operand reaches the tasks (zipped in place, shuffled, broadcast, captured as a
 * scalar), and rough per-task memory: off-heap bytes held at once by one task (blocks in flight)
 * and heap bytes (block data shipped inside the task, broadcast values kept per executor).
 */
public final class Plan {
  private final String title;
  private final List<String> notes = new ArrayList<>();
  private final List<Plan> children = new ArrayList<>();
  private final List<String> edges = new ArrayList<>();
  private final long offHeapPerTask;
  private final long heapPerTask;

  public Plan(String title, long offHeapPerTask, long heapPerTask) {
    this.title = title;
    this.offHeapPerTask = offHeapPerTask;
    this.heapPerTask = heapPerTask;
  }

  public Plan note(String note) {
    notes.add(note);
    return this;
  }

  /** Adds an input, with how it reaches this node's tasks. */
  public Plan child(String how, Plan child) {
    edges.add(how);
    children.add(child);
    return this;
  }

  /** Off-heap bytes one task of this node holds at once, inputs included. */
  public long offHeapPerTask() {
    return offHeapPerTask;
  }

  /** Heap bytes one task of this node holds (task data, broadcast values), inputs included. */
  public long heapPerTask() {
    return heapPerTask;
  }

  public String render() {
    StringBuilder sb = new StringBuilder();
    render(sb, "", "", null);
    return sb.toString();
  }

  private void render(StringBuilder sb, String first, String rest, String how) {
    sb.append(first).append(how == null ? "" : "[" + how + "] ").append(title)
        .append("  (est. per task: ").append(MemoryBudget.formatBytes(offHeapPerTask))
        .append(" off-heap, ").append(MemoryBudget.formatBytes(heapPerTask)).append(" heap)\n");
    for (String n : notes) {
      sb.append(rest).append(children.isEmpty() ? "    " : "|   ").append(n).append('\n');
    }
    for (int i = 0; i < children.size(); i++) {
      boolean last = i == children.size() - 1;
      children.get(i).render(sb, rest + (last ? "+- " : "|- "), rest + (last ? "   " : "|  "),
          edges.get(i));
    }
  }

  @Override
  public String toString() {
    return render();
  }
}
