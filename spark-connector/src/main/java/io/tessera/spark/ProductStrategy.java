package io.tessera.spark;

/**
 * How a distributed product ({@link DistributedLinalg#matmul}, {@link DistributedLinalg#einsum})
 * brings its operands together, as Spark SQL chooses between a broadcast and a shuffle join.
 */
public enum ProductStrategy {
  /**
   * Broadcast the smaller operand when it is at most the broadcast threshold ({@value
   * DistributedLinalg#BROADCAST_THRESHOLD_CONF}), else {@link #SHUFFLE}.
   */
  AUTO,
  /** Broadcast the smaller operand; refused before any job if it is over the threshold. */
  BROADCAST,
  /** Broadcast the left operand; refused before any job if it is over the threshold. */
  BROADCAST_LEFT,
  /** Broadcast the right operand; refused before any job if it is over the threshold. */
  BROADCAST_RIGHT,
  /** Block join on the summed labels (cpmm / SUMMA style): both operands are shuffled. */
  SHUFFLE
}
