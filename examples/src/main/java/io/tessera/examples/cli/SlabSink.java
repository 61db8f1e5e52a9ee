package io.tessera.examples.cli;

import io.tessera.ndarray.NDArray;
import java.io.IOException;

/**
 * An output written slab by slab along axis 0, in order. {@link #finish} completes it; {@link
 * #close} without {@code finish} (a failure) removes what was written.
 */
interface SlabSink extends AutoCloseable {
  /** Writes rows {@code [row0, row0 + slab.shape(0))} (the whole array if 0-d). */
  void write(NDArray slab, long row0) throws IOException;

  /**
   * Completes the output. {@code whole} is the entire input as a view when the source has one
   * (see {@link SlabSource#whole()}), for sinks that write better from it; may be null.
   */
  void finish(NDArray whole) throws IOException;

  /** Whether {@link #finish} writes {@code whole} itself when given (then no slabs are needed). */
  default boolean prefersWhole() {
    return false;
  }

  @Override
  void close() throws IOException;
}
