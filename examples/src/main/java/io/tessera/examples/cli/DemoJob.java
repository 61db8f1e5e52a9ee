package io.tessera.examples.cli;

import io.tessera.Tessera;
import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.io.npy.MapMode;
import io.tessera.io.npy.MemoryMap;
import io.tessera.io.npy.NpyWriter;
import io.tessera.io.zarr.LocalZarrStore;
import io.tessera.io.zarr.Zarr;
import io.tessera.memory.MemoryBudget;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Shapes;
import io.tessera.expr.Expr;
import io.tessera.spark.DistributedArray;
import io.tessera.spark.DistributedOuter;
import io.tessera.ufunc.Ufunc;
import io.tessera.spark.Scalar;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The batch job of {@code tessera run}, on a running Spark context:
 * <ol>
 *   <li>x: an (n, d) float64 array generated on the executors (counter-based uniform [0, 1),
 *       reproducible for a seed whatever the partitioning) or a .npy file (memory-mapped on the
 *       driver, blocks copied out as tasks launch);
 *   <li>distributed reductions of x: sum, min, max, mean (fixed block tree: the bits do not
 *       depend on the partitioning);
 *   <li>m reference points y, uniform over [min(x), max(x)) (generated the same way, brought to
 *       the driver, broadcast once);
 *   <li>the chunked outer reduction: for every row of x the distance to its nearest y, block by
 *       block on the executors ({@code DistributedOuter.outerReduce}, the local engine's fused
 *       streaming loop per task; bit-identical to NumPy's materialized expression);
 *   <li>local reductions of the distances, and the results written as .npy files for NumPy.
 * </ol>
 */
final class DemoJob {
  /** What to run. */
  record Spec(long n, int d, long seed, Path input, long refs, long blockRows, Path out,
      boolean saveInput) {}

  /** The job's results, as printed and as written to summary.json. */
  record Summary(Map<String, Object> values, List<Path> files) {}

  private final JavaSparkContext sc;
  private final PrintWriter log;
  private final Map<String, Object> values = new LinkedHashMap<>();
  private final List<Path> files = new ArrayList<>();

  DemoJob(JavaSparkContext sc, PrintWriter log) {
    this.sc = sc;
    this.log = log;
  }

  Summary run(Spec spec) throws IOException {
    Files.createDirectories(spec.out());
    try (BufferAllocator allocator = Allocators.root()) {
      Tessera np = Tessera.using(allocator);
      Input in = Input.open(spec.input(), allocator);
      try {
        long[] shape = in != null ? in.shape() : spec.d() == 1 ? new long[] {spec.n()}
            : new long[] {spec.n(), spec.d()};
        if (shape.length != 1 && shape.length != 2) {
          throw new CliException(spec.input() + ": the job takes a 1-D (n,) or 2-D (n, d) array "
              + "of points, got shape " + Shapes.format(shape));
        }
        DType xType = in != null ? in.dtype() : DType.FLOAT64;
        if (xType.isBool()) {
          throw new CliException(spec.input() + ": bool points have no distance; the job takes "
              + "numbers");
        }
        Chunks chunks = chunks(shape, xType, spec.blockRows());
        long t0 = System.nanoTime();
        try (DistributedArray x = in != null ? in.distribute(sc, chunks)
            : DistributedArray.uniform(sc, spec.seed(), chunks, 0.0, 1.0)) {
          values.put("x", (in != null ? spec.input().toString() : "uniform [0, 1) seed "
              + spec.seed()) + ", shape " + Shapes.format(shape) + " " + xType + ", "
              + MemoryBudget.formatBytes(x.nbytes()));
          values.put("blocks", x.blockCount() + " blocks of " + Shapes.format(chunks.chunkSize())
              + " in " + x.numPartitions() + " partitions");
          log.println("x: " + values.get("x") + "; " + values.get("blocks"));
          log.flush();

          Scalar sum = x.sum();
          Scalar min = x.min();
          Scalar max = x.max();
          Scalar mean = x.mean();
          values.put("x.sum", sum.doubleValue());
          values.put("x.min", min.doubleValue());
          values.put("x.max", max.doubleValue());
          values.put("x.mean", mean.doubleValue());
          long t1 = System.nanoTime();
          values.put("reductions seconds", secs(t1 - t0));

          double lo = min.doubleValue();
          double hi = max.doubleValue() > lo ? max.doubleValue() : lo + 1;
          long[] refShape = shape.length == 1 ? new long[] {spec.refs()}
              : new long[] {spec.refs(), shape[1]};
          NDArray y;
          try (DistributedArray yd = DistributedArray.uniform(sc, spec.seed() + 1,
              Chunks.regular(refShape, refShape), lo, hi)) {
            y = yd.toLocal(np);
          }
          try (y) {
            write(spec.out().resolve("refs.npy"), y);
            if (spec.saveInput()) {
              if (in != null) {
                throw new CliException("--save-input is for generated input (the input is "
                    + spec.input() + " already)", Errors.USAGE, null);
              }
              try (NDArray local = x.toLocal(np)) {
                write(spec.out().resolve("x.npy"), local);
              }
            }
            long t2 = System.nanoTime();
            try (NDArray nearest = nearest(x, chunks, y, np)) {
              long t3 = System.nanoTime();
              double pairs = (double) shape[0] * spec.refs();
              values.put("outer reduction", NearestDistance.numpy(shape.length) + " over "
                  + shape[0] + " x " + spec.refs() + " pairs");
              values.put("outer reduction seconds", secs(t3 - t2));
              values.put("pairs per second", String.format(Locale.ROOT, "%.3g",
                  pairs / ((t3 - t2) / 1e9)));
              try (NDArray nmin = nearest.min(); NDArray nmax = nearest.max();
                   NDArray nmean = nearest.mean()) {
                values.put("nearest.min", nmin.getDouble());
                values.put("nearest.max", nmax.getDouble());
                values.put("nearest.mean", nmean.getDouble());
              }
              write(spec.out().resolve("nearest.npy"), nearest);
            }
          }
          values.put("total seconds", secs(System.nanoTime() - t0));
        }
      } finally {
        if (in != null) {
          in.close();
        }
      }
    }
    Path json = spec.out().resolve("summary.json");
    Files.writeString(json, json(values), StandardCharsets.UTF_8);
    files.add(json);
    return new Summary(values, files);
  }

  /** The job's input file: a memory-mapped .npy or a lazily read Zarr array. */
  private static final class Input implements AutoCloseable {
    final MemoryMap map;
    final LocalZarrStore store;
    final ChunkedArray zarr;

    private Input(MemoryMap map, LocalZarrStore store, ChunkedArray zarr) {
      this.map = map;
      this.store = store;
      this.zarr = zarr;
    }

    static Input open(Path path, BufferAllocator allocator) throws IOException {
      if (path == null) {
        return null;
      }
      if (ArrayFormat.detect(path) == ArrayFormat.ZARR) {
        LocalZarrStore store = LocalZarrStore.of(path);
        try {
          return new Input(null, store, Zarr.open(store));
        } catch (RuntimeException e) {
          store.close();
          throw e;
        }
      }
      return new Input(MemoryMap.open(path, MapMode.R, allocator), null, null);
    }

    long[] shape() {
      return map != null ? map.array().shape() : zarr.shape();
    }

    DType dtype() {
      return map != null ? map.array().dtype() : zarr.dtype();
    }

    /** Blocks on {@code chunks}: copied out of the map, or Zarr chunks regrouped into rows. */
    DistributedArray distribute(JavaSparkContext sc, Chunks chunks) {
      if (map != null) {
        return DistributedArray.fromLocal(sc, map.array(), chunks);
      }
      if (zarr.chunks().equals(chunks)) {
        return DistributedArray.fromChunked(sc, zarr);
      }
      try (ChunkedArray rows = zarr.rechunk(chunks)) {
        return DistributedArray.fromChunked(sc, rows);
      }
    }

    @Override
    public void close() throws IOException {
      if (map != null) {
        map.close();
      } else {
        try {
          zarr.close();
        } finally {
          store.close();
        }
      }
    }
  }

  /** Blocks of whole rows: about 8 MiB each by default, at least two per core. */
  static Chunks chunks(long[] shape, DType dtype, long blockRows) {
    long rowBytes = Math.max(1, SlabSource.rowBytes(shape, dtype));
    long rows = blockRows;
    if (rows <= 0) {
      rows = Math.max(1, (8L << 20) / rowBytes);
      int cores = Runtime.getRuntime().availableProcessors();
      rows = Math.min(rows, Math.max(1, (shape[0] + 2L * cores - 1) / (2L * cores)));
    }
    long[] size = shape.clone();
    size[0] = Math.max(1, Math.min(rows, Math.max(1, shape[0])));
    return Chunks.regular(shape, size);
  }

  /**
   * The outer reduction on the executors ({@link DistributedOuter#outerReduce}: y broadcast once,
   * each task streams its x blocks through the local engine's fused loop), brought to the
   * driver as one local array.
   */
  private NDArray nearest(DistributedArray x, Chunks chunks, NDArray y, Tessera np) {
    sc.setJobDescription("tessera nearest distance: outerReduce of blocks "
        + Shapes.format(chunks.chunkSize()) + " against " + Shapes.format(y.shape()));
    try (DistributedArray reduced = x.ndim() == 1
            ? DistributedOuter.outerReduce(Expr.arg(0).sub(Expr.arg(1)).abs(), Ufunc.MINIMUM, x, y)
            : DistributedOuter.outerReduce(Expr.arg(0).sub(Expr.arg(1)).square(), Ufunc.ADD,
                Ufunc.MINIMUM, x, y);
         DistributedArray distance = x.ndim() == 1 ? reduced : reduced.map(Ufunc.SQRT)) {
      log.print(distance.explainString());
      log.flush();
      return distance.toLocal(np);
    } finally {
      sc.setJobDescription(null);
    }
  }

  private void write(Path path, NDArray a) throws IOException {
    NpyWriter.write(path, a);
    files.add(path);
  }

  private static double secs(long nanos) {
    return Math.round(nanos / 1e6) / 1e3;
  }

  static String json(Map<String, Object> m) {
    StringBuilder sb = new StringBuilder("{\n");
    int i = 0;
    for (Map.Entry<String, Object> e : m.entrySet()) {
      sb.append("  ").append(quote(e.getKey())).append(": ");
      Object v = e.getValue();
      if (v instanceof Double dv && Double.isFinite(dv) || v instanceof Long || v instanceof Integer) {
        sb.append(v instanceof Double dv2 ? Double.toString(dv2) : v.toString());
      } else {
        sb.append(quote(String.valueOf(v)));
      }
      sb.append(++i < m.size() ? ",\n" : "\n");
    }
    return sb.append("}\n").toString();
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
