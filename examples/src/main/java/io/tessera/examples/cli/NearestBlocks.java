package io.tessera.examples.cli;

import io.tessera.ndarray.NDArray;
import io.tessera.spark.BlockIndex;
import io.tessera.spark.ExecutorMemory;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * The Spark task of the job's outer reduction: for one block of rows of x (a block of the
 * distributed array's blocks RDD), the nearest distances to all reference points y (a broadcast,
 * rebuilt once per task from the executor's accounted memory). Returns the block's first row and
 * its distances; the block and everything made from it are closed before returning.
 */
final class NearestBlocks implements Function<Tuple2<BlockIndex, NDArray>, Tuple2<Long, double[]>> {
  private static final long serialVersionUID = 1L;
  private final Broadcast<double[]> refs;
  private final long[] refShape;
  private final long[] rowStarts;

  /**
   * @param refs y in C order
   * @param refShape y's shape: (m,) or (m, d)
   * @param rowStarts first row of each block along axis 0 (Chunks.boundaries(0))
   */
  NearestBlocks(Broadcast<double[]> refs, long[] refShape, long[] rowStarts) {
    this.refs = refs;
    this.refShape = refShape.clone();
    this.rowStarts = rowStarts.clone();
  }

  @Override
  public Tuple2<Long, double[]> call(Tuple2<BlockIndex, NDArray> block) {
    NDArray x = block._2();
    try (NDArray flat = ExecutorMemory.tessera().array(refs.value());
         NDArray y = flat.reshape(refShape);
         NDArray d = NearestDistance.compute(x, y)) {
      return new Tuple2<>(rowStarts[(int) block._1().coord(0)], d.toDoubleArray());
    } finally {
      x.close();
    }
  }
}
