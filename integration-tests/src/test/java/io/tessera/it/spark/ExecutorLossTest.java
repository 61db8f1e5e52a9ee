package io.tessera.it.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.Tessera;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.DistributedArray;
import io.tessera.spark.DistributedGenerator;
import io.tessera.spark.Scalar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault tolerance on the real cluster ({@link SparkCluster}): while a Tessera job runs, the
 * executor JVM running one of its blocks is killed from outside (SIGKILL through {@link
 * ProcessHandle#destroyForcibly()}). Spark marks the executor lost and reruns its tasks on the
 * other executor, the Worker launches a replacement JVM, and the job's result is still exact.
 */
@ExtendWith(SparkCluster.Extension.class)
class ExecutorLossTest {
  private static final long N = 24;
  private static final int VICTIM_BLOCK = 4;

  @TempDir
  Path dir;

  /**
   * Element {@code i} is {@code i} (float64). Every block sleeps {@code sleepMs}; the first attempt
   * ever at block {@link #VICTIM_BLOCK} (decided by an atomically created marker file) publishes
   * its JVM's pid and its executor id, then waits to be killed.
   */
  static final class VictimGenerator implements DistributedGenerator {
    private static final long serialVersionUID = 1L;
    private final String dir;
    private final long sleepMs;

    VictimGenerator(Path dir, long sleepMs) {
      this.dir = dir.toString();
      this.sleepMs = sleepMs;
    }

    @Override
    public NDArray generate(long[] blockIndex, long[] offsets, long[] shape, Tessera np) {
      try {
        if (blockIndex[0] == VICTIM_BLOCK && firstAttempt()) {
          Path tmp = Path.of(dir, "victim.tmp");
          Files.writeString(tmp, ProcessHandle.current().pid() + " "
              + SparkEnv.get().executorId(), StandardCharsets.UTF_8);
          Files.move(tmp, Path.of(dir, "victim"), StandardCopyOption.ATOMIC_MOVE);
          Thread.sleep(120_000); // killed meanwhile; if not, the test fails on the missing loss
        }
        Thread.sleep(sleepMs);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      NDArray out = np.empty(DType.FLOAT64, shape);
      for (long i = 0; i < shape[0]; i++) {
        Raw.putDouble(out.dataAddress() + 8 * i, offsets[0] + i);
      }
      return out;
    }

    private boolean firstAttempt() throws IOException {
      try {
        Files.createFile(Path.of(dir, "marker"));
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
  }

  @Test
  void jobSurvivesAKilledExecutorJvm() throws Exception {
    SparkCluster cluster = SparkCluster.get();
    JavaSparkContext sc = cluster.context();
    JobLog log = JobLog.on(sc);
    try {
      List<String> before = cluster.executors();
      int jobsBefore = log.settle().jobCount();
      Chunks chunks = Chunks.regular(new long[] {N}, 2); // 12 blocks, 3 per partition
      try (DistributedArray d = DistributedArray.generate(sc, chunks, DType.FLOAT64,
          new VictimGenerator(dir, 200), 4)) {
        CompletableFuture<Scalar> sum = CompletableFuture.supplyAsync(d::sum);

        Path victim = dir.resolve("victim");
        long deadline = System.currentTimeMillis() + 120_000;
        while (!Files.exists(victim)) {
          assertFalse(sum.isDone(), "the job ended before the victim block started: " + sum);
          assertTrue(System.currentTimeMillis() < deadline, "the victim block never started");
          Thread.sleep(20);
        }
        String[] who = Files.readString(victim, StandardCharsets.UTF_8).split(" ");
        long pid = Long.parseLong(who[0]);
        String executorId = who[1];
        assertNotEquals(ProcessHandle.current().pid(), pid, "the victim is the driver");
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow(() ->
            new AssertionError("executor JVM " + pid + " not found"));
        assertTrue(h.destroyForcibly(), "could not kill executor JVM " + pid);
        h.onExit().get(30, TimeUnit.SECONDS);
        System.err.println("killed executor " + executorId + " (JVM " + pid + ") mid-job");

        Scalar total = sum.get(180, TimeUnit.SECONDS);
        assertEquals(N * (N - 1) / 2.0, total.doubleValue(), "sum after the executor loss");

        List<JobLog.Job> jobs = log.settle().jobsSince(jobsBefore);
        assertEquals(1, jobs.size(), jobs.toString());
        List<String> failures = log.failuresOf(jobs.get(0));
        assertTrue(failures.stream().anyMatch(f -> f.startsWith(executorId + ": ")),
            "no failed task on the killed executor " + executorId + ": " + failures);
        assertTrue(log.executorsRemoved().stream().anyMatch(r -> r.startsWith(executorId + " ")),
            "executor " + executorId + " not reported lost: " + log.executorsRemoved());
      }

      // the Worker launches a replacement JVM; the cluster is whole again for later tests
      cluster.awaitExecutors(SparkCluster.EXECUTORS, 120_000);
      List<String> added = new ArrayList<>(log.settle().executorsAdded());
      assertFalse(added.isEmpty(), "no replacement executor registered; before: " + before
          + ", now: " + cluster.executors());
      try (DistributedArray again = DistributedArray.generate(sc, Chunks.regular(new long[] {N}, 2),
          DType.FLOAT64, new VictimGenerator(dir, 0), 4)) {
        assertEquals(N * (N - 1) / 2.0, again.sum().doubleValue(), "sum on the healed cluster");
      }
    } finally {
      log.remove();
    }
  }
}
