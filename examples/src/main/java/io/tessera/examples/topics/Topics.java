package io.tessera.examples.topics;

import java.util.List;
import java.util.Optional;

/**
 * The registry of runnable topics, in the order of the NumPy memory and performance guide
 * (shared guide sections 1 to 6). {@code tessera tour} runs {@link #all()} in this order; the
 * mapping from each guide section to its example is in {@code docs/examples.md}.
 */
public final class Topics {
  private Topics() {}

  private static final List<Topic> ALL = List.of(
      new Topic("memory-model", "The memory model: shape, strides, dtype, flags, data address",
          "1.1", MemoryModel::run),
      new Topic("memory-order", "C order versus Fortran order", "1.2.1-1.2.2", MemoryOrder::run),
      new Topic("strides", "Strides and as_strided sliding windows", "1.2.3", Strides::run));

  /** Every topic, in the guide's order. */
  public static List<Topic> all() {
    return ALL;
  }

  /** The topic with this name, if any. */
  public static Optional<Topic> find(String name) {
    return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
