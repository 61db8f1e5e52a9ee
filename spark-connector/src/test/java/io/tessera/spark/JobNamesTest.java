package io.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.Tessera;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.spark.internal.Jobs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.StageInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What the Spark UI shows of Tessera's jobs: a SparkListener on local[2] records every job's
 * description and every stage's name (the UI's job and stage tables show exactly these), and
 * each operation's jobs must read like {@code "tessera sum() of float64(60, 50) (...)"}, never
 * like Spark's default {@code "treeAggregate at Jobs.java:34"}. The multi-JVM cluster test checks
 * the same names through the UI's REST API.
 */
class JobNamesTest {
  private static final long[] SHAPE = {60, 50};
  private static final Chunks GRID = Chunks.regular(SHAPE, 16, 16); // 16 blocks

  private static JavaSparkContext sc;
  private static final List<String[]> JOBS = Collections.synchronizedList(new ArrayList<>());
  private static final Map<Integer, String> STAGES = new ConcurrentHashMap<>();

  private BufferAllocator alloc;
  private Tessera np;

  @BeforeAll
  static void start() {
    sc = new JavaSparkContext(TesseraSpark.configure(new SparkConf()
        .setMaster("local[2]")
        .setAppName("JobNamesTest")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.kryo.registrationRequired", "true")));
    sc.sc().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart e) {
        StringBuilder stages = new StringBuilder();
        for (StageInfo s : CollectionConverters.asJava(e.stageInfos())) {
          STAGES.put(s.stageId(), s.name());
          stages.append(s.stageId()).append(' ');
        }
        JOBS.add(new String[] {e.properties().getProperty(Jobs.DESCRIPTION),
            stages.toString().trim()});
      }

      @Override
      public void onStageSubmitted(SparkListenerStageSubmitted e) {
        STAGES.put(e.stageInfo().stageId(), e.stageInfo().name());
      }
    });
  }

  @AfterAll
  static void stop() {
    if (sc != null) {
      sc.stop();
    }
  }

  @BeforeEach
  void open() {
    alloc = new RootAllocator();
    np = Tessera.using(alloc);
  }

  @AfterEach
  void close() {
    long leaked = alloc.getAllocatedMemory();
    alloc.close();
    assertEquals(0, leaked, "driver arrays not closed");
    assertEquals(0, ExecutorMemory.allocatedBytes(), "executor arrays not closed");
  }

  /** Runs {@code body}; returns the descriptions of the jobs it started, checking their stages. */
  private static List<String> jobsOf(Runnable body) {
    int before = settle();
    body.run();
    int after = settle();
    List<String> out = new ArrayList<>();
    for (String[] job : JOBS.subList(before, after)) {
      out.add(job[0]);
      for (String id : job[1].split(" ")) {
        String name = STAGES.get(Integer.parseInt(id));
        assertTrue(name != null && name.startsWith("tessera "),
            "stage " + id + " of job \"" + job[0] + "\" is named \"" + name + "\"");
      }
    }
    return out;
  }

  private static int settle() {
    try {
      sc.sc().listenerBus().waitUntilEmpty(10_000);
    } catch (TimeoutException e) {
      throw new IllegalStateException(e);
    }
    return JOBS.size();
  }

  @Test
  void everyJobAndStageCarriesTheOperationAndTheArray() {
    try (DistributedArray u = DistributedArray.uniform(sc, 1, GRID, 0.0, 1.0, 4);
        DistributedArray v = DistributedArray.uniform(sc, 2, GRID, 0.0, 1.0, 3);
        NDArray row = np.full(DType.FLOAT64, 2.0, 50);
        DistributedArray w = u.add(v).multiply(row); // v shuffled to 4 partitions, row broadcast
        DistributedArray f = w.astype(DType.FLOAT32)) {
      String arr = "float64(60, 50) (16 blocks, 4 partitions)";
      assertEquals(List.of("tessera sum() of " + arr), jobsOf(w::sum));
      assertEquals(List.of("tessera mean() of " + arr), jobsOf(w::mean));
      assertEquals(List.of("tessera min() of " + arr), jobsOf(w::min));
      assertEquals(List.of("tessera max() of " + arr), jobsOf(w::max));
      assertEquals(List.of("tessera toLocal float32(60, 50) (11.7 KiB)"),
          jobsOf(() -> f.toLocal(np).close()));
      // the stages that produce the blocks carry the names of the operators that made them
      assertTrue(STAGES.containsValue("tessera shuffle float64(60, 50) to 4 partitions"),
          STAGES.toString());
      assertTrue(w.blocks().name().startsWith("tessera multiply -> float64(60, 50)"),
          w.blocks().name());
    }
    assertNull(sc.getLocalProperty(Jobs.DESCRIPTION), "the description was not restored");
  }

  @Test
  void theCallersOwnDescriptionAndCallSiteAreKeptAndRestored() {
    try (DistributedArray u = DistributedArray.uniform(sc, 3, GRID, 0.0, 1.0, 2)) {
      sc.setJobDescription("nightly stats");
      sc.setCallSite("my pipeline step 3");
      try {
        assertEquals(List.of("nightly stats: tessera sum() of float64(60, 50) (16 blocks, 2 "
            + "partitions)"), jobsOf(u::sum));
        assertEquals("nightly stats", sc.getLocalProperty(Jobs.DESCRIPTION));
        assertEquals("my pipeline step 3", sc.getLocalProperty("callSite.short"));
      } finally {
        sc.setJobDescription(null);
        sc.clearCallSite();
      }
    }
  }

  @Test
  void namesAreRestoredWhenAJobFails() {
    DistributedGenerator broken = (idx, off, shape, t) -> {
      throw new IllegalStateException("broken generator");
    };
    try (DistributedArray d = DistributedArray.generate(sc, GRID, DType.FLOAT64, broken, 2)) {
      List<String> jobs = jobsOf(() -> assertThrows(SparkException.class, d::max));
      assertEquals(List.of("tessera max() of float64(60, 50) (16 blocks, 2 partitions)"), jobs);
    }
    assertNull(sc.getLocalProperty(Jobs.DESCRIPTION));
    assertNull(sc.getLocalProperty("callSite.short"));
  }

  @Test
  void nestedActionsReadOuterFirst() {
    assertEquals("tessera x", Jobs.describe(null, "tessera x"));
    assertEquals("tessera x", Jobs.describe(" ", "tessera x"));
    String inner = Jobs.action(sc, "tessera outer", () -> Jobs.action(sc, "tessera inner",
        () -> sc.getLocalProperty(Jobs.DESCRIPTION)));
    assertEquals("tessera outer: tessera inner", inner);
    assertNull(sc.getLocalProperty(Jobs.DESCRIPTION));
  }
}
