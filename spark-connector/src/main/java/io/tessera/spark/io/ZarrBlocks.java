package io.tessera.spark.io;

import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.io.zarr.Zarr;
import io.tessera.io.zarr.ZarrMetadata;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.BlockIndex;
import io.tessera.spark.ExecutorMemory;
import io.tessera.spark.internal.BlockGrid;
import java.util.Iterator;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.api.java.function.VoidFunction;
import scala.Tuple2;

/**
 * Executors' side of Zarr v2 persistence through {@link HadoopZarrStore}: each task reads or
 * writes its own blocks' chunks with arrow-io's {@link Zarr#readChunk}/{@link Zarr#writeChunk}
 * (the Zarr encoding is arrow-io's; nothing here encodes). The metadata travels as its {@code
 * .zarray} JSON and is parsed once per task.
 */
public final class ZarrBlocks {
  private ZarrBlocks() {}

  /** Block ids to blocks read from their chunks (fill value where a chunk is not stored). */
  public static final class Read
      implements PairFlatMapFunction<Iterator<Long>, BlockIndex, NDArray> {
    private static final long serialVersionUID = 1L;
    private final HadoopZarrStore store;
    private final byte[] zarray;
    private final BlockGrid grid;

    public Read(HadoopZarrStore store, ZarrMetadata meta) {
      this.store = store;
      this.zarray = meta.toJson();
      this.grid = new BlockGrid(meta.grid());
    }

    @Override
    public Iterator<Tuple2<BlockIndex, NDArray>> call(Iterator<Long> ids) {
      ZarrMetadata meta = ZarrMetadata.parse(zarray, store.location());
      Chunks c = grid.chunks();
      DType dt = meta.dtype();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return ids.hasNext();
        }

        @Override
        public Tuple2<BlockIndex, NDArray> next() {
          BlockIndex idx = BlockIndex.of(c, ids.next());
          long[] coords = idx.coords();
          long[] shape = c.blockShape(coords);
          NDArray b;
          if (java.util.Arrays.stream(shape).anyMatch(d -> d == 0)) {
            b = ExecutorMemory.tessera().empty(dt, shape); // the one block of an empty array
          } else {
            b = Zarr.readChunk(store, meta, coords, ExecutorMemory.tessera());
          }
          return new Tuple2<>(idx, ExecutorMemory.adopt(b));
        }
      };
    }
  }

  /** Writes each block as its chunk (closing it). */
  public static final class Write
      implements VoidFunction<Iterator<Tuple2<BlockIndex, NDArray>>> {
    private static final long serialVersionUID = 1L;
    private final HadoopZarrStore store;
    private final byte[] zarray;

    public Write(HadoopZarrStore store, ZarrMetadata meta) {
      this.store = store;
      this.zarray = meta.toJson();
    }

    @Override
    public void call(Iterator<Tuple2<BlockIndex, NDArray>> it) {
      ZarrMetadata meta = ZarrMetadata.parse(zarray, store.location());
      while (it.hasNext()) {
        Tuple2<BlockIndex, NDArray> t = it.next();
        try (NDArray b = t._2()) {
          if (b.size() > 0) {
            Zarr.writeChunk(store, meta, t._1().coords(), b, ExecutorMemory.tessera());
          }
        }
      }
    }
  }
}
