package io.tessera.examples.topics;

import java.io.PrintStream;

/** A runnable example: runs a topic of the guide and prints what it shows to {@code out}. */
@FunctionalInterface
public interface Example {
  /**
   * Runs the example. Every array it allocates is closed before it returns (each example uses
   * its own root allocator, whose close fails on a leak).
   *
   * @param out where the example prints (not closed)
   */
  void run(PrintStream out);
}
