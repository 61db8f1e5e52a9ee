package io.tessera.spark;

import io.tessera.chunk.BlockGenerator;
import java.io.Serializable;

/**
 * A {@link BlockGenerator} that can be shipped to executors: it is Java-serialized with the task
 * (capture only serializable values, never driver-side handles), and runs there once per block
 * with the task's factory. It must return a new array of exactly the block's shape and the
 * declared dtype, and the same values every time for the same block, so that recomputing a lost
 * partition, or using another number of partitions, gives the same data.
 */
@FunctionalInterface
public interface DistributedGenerator extends BlockGenerator, Serializable {
}
