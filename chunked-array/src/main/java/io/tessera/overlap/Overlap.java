package io.tessera.overlap;

/** Outcome of a memory-overlap question (see {@link MemOverlap}). */
public enum Overlap {
  /** Proven: no byte is shared. */
  NO,
  /** Proven: at least one byte is shared. */
  YES,
  /**
   * Undecided: the work bound was exceeded (or, for maxWork == 0, only the extents were checked
   * and they intersect), or the exact problem does not fit in 64-bit arithmetic.
   */
  TOO_HARD
}
