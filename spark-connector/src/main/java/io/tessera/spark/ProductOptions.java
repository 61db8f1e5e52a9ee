package io.tessera.spark;

import io.tessera.errors.TesseraException;
import java.io.Serializable;

/**
 * Options of a distributed product: the {@link ProductStrategy}, a broadcast threshold that
 * overrides the Spark conf, and the number of partitions of the result. Immutable; each setter
 * returns a new instance.
 */
public final class ProductOptions implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ProductOptions DEFAULTS = new ProductOptions(ProductStrategy.AUTO, -2, 0);

  private final ProductStrategy strategy;
  private final long broadcastThreshold;
  private final int numPartitions;

  private ProductOptions(ProductStrategy strategy, long broadcastThreshold, int numPartitions) {
    this.strategy = strategy;
    this.broadcastThreshold = broadcastThreshold;
    this.numPartitions = numPartitions;
  }

  /** AUTO, the threshold from the Spark conf, partitions chosen from the sizes. */
  public static ProductOptions defaults() {
    return DEFAULTS;
  }

  /** Forces (or leaves to AUTO) the way the operands meet. */
  public ProductOptions strategy(ProductStrategy s) {
    if (s == null) {
      throw new IllegalArgumentException("strategy is null");
    }
    return new ProductOptions(s, broadcastThreshold, numPartitions);
  }

  /**
   * Broadcast threshold in bytes for this product, overriding {@value
   * DistributedLinalg#BROADCAST_THRESHOLD_CONF}; -1 disables broadcasting (as Spark SQL's {@code
   * autoBroadcastJoinThreshold}).
   */
  public ProductOptions broadcastThreshold(long bytes) {
    if (bytes < -1) {
      throw new TesseraException("product", "product: broadcast threshold " + bytes
          + " (bytes >= 0, or -1 to disable broadcasting)");
    }
    return new ProductOptions(strategy, bytes, numPartitions);
  }

  /** Partitions of the result (0: chosen from the sizes and the default parallelism). */
  public ProductOptions numPartitions(int n) {
    if (n < 0) {
      throw new TesseraException("product", "product: numPartitions must be >= 0, got " + n);
    }
    return new ProductOptions(strategy, broadcastThreshold, n);
  }

  public ProductStrategy strategy() {
    return strategy;
  }

  /** The threshold set here, or -2 when the Spark conf decides. */
  public long broadcastThreshold() {
    return broadcastThreshold;
  }

  public int numPartitions() {
    return numPartitions;
  }

  @Override
  public String toString() {
    return "ProductOptions(" + strategy + (broadcastThreshold == -2 ? ""
        : ", threshold " + broadcastThreshold) + (numPartitions == 0 ? ""
        : ", " + numPartitions + " partitions") + ")";
  }
}
