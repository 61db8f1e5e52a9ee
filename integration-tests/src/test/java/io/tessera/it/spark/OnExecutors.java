package io.tessera.it.spark;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.spark.DistributedGenerator;
import io.tessera.spark.ExecutorMemory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;

/** Code the cluster tests run inside executor JVMs (shipped with the tasks). */
final class OnExecutors {
  private OnExecutors() {}

  /** What one task saw of its JVM. */
  record Probe(long pid, String executorId, long allocatedBytes, long leakedTasks) {
    static Probe parse(String s) {
      String[] p = s.split(" ");
      return new Probe(Long.parseLong(p[0]), p[1], Long.parseLong(p[2]), Long.parseLong(p[3]));
    }
  }

  /**
   * Runs {@code tasks} small tasks (each sleeping {@code sleepMs} so that every executor gets
   * some) and returns what each saw: its pid, executor id, and Tessera's executor memory.
   */
  static List<Probe> probe(JavaSparkContext sc, int tasks, long sleepMs) {
    List<Integer> ids = IntStream.range(0, tasks).boxed().collect(Collectors.toList());
    sc.setJobDescription("cluster test: probe executors");
    try {
      return sc.parallelize(ids, tasks).mapPartitions(new ProbeTask(sleepMs)).collect().stream()
          .map(Probe::parse).collect(Collectors.toList());
    } finally {
      sc.setJobDescription(null);
    }
  }

  private static final class ProbeTask implements FlatMapFunction<Iterator<Integer>, String> {
    private static final long serialVersionUID = 1L;
    private final long sleepMs;

    ProbeTask(long sleepMs) {
      this.sleepMs = sleepMs;
    }

    @Override
    public Iterator<String> call(Iterator<Integer> it) throws Exception {
      Thread.sleep(sleepMs);
      List<String> out = new ArrayList<>();
      while (it.hasNext()) {
        it.next();
        out.add(ProcessHandle.current().pid() + " " + SparkEnv.get().executorId() + " "
            + ExecutorMemory.allocatedBytes() + " " + ExecutorMemory.leakedTasks());
      }
      return out.iterator();
    }
  }

  /**
   * Fills each block with the pid of the JVM that generated it (int64), after sleeping {@code
   * sleepMs}: the data itself tells which executor JVM made each block.
   */
  static final class PidGenerator implements DistributedGenerator {
    private static final long serialVersionUID = 1L;
    private final long sleepMs;

    PidGenerator(long sleepMs) {
      this.sleepMs = sleepMs;
    }

    @Override
    public NDArray generate(long[] blockIndex, long[] offsets, long[] shape, Tessera np) {
      try {
        Thread.sleep(sleepMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      return np.full(DType.INT64, Order.C, ProcessHandle.current().pid(), shape);
    }
  }
}
