package io.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** The local[2] set-up and the leak checks the Spark unit tests share. */
final class LocalSpark {
  private LocalSpark() {
  }

  /**
   * local[2] on the loopback interface, no UI, Kryo with {@code registrationRequired} (so an
   * unregistered class we ship fails the test) and 4 KiB starting buffers (so buffer growth is
   * exercised), a 512 MiB executor allocator limit. Callers add their own settings.
   */
  static SparkConf conf(String appName) {
    return TesseraSpark.configure(new SparkConf()
        .setMaster("local[2]")
        .setAppName(appName)
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.kryo.registrationRequired", "true")
        .set("spark.kryoserializer.buffer", "4k")
        .set(ExecutorMemory.LIMIT_CONF, "512m"));
  }

  /** Jobs counted so far by a listener incrementing {@code jobs}, once Spark's bus is drained. */
  static int jobsSoFar(JavaSparkContext sc, AtomicInteger jobs) throws Exception {
    sc.sc().listenerBus().waitUntilEmpty(10_000);
    return jobs.get();
  }

  /** Closes a test's driver allocator and fails on any driver or executor memory left behind. */
  static void closeChecked(BufferAllocator alloc) {
    long leaked = alloc.getAllocatedMemory();
    alloc.close();
    assertEquals(0, leaked, "driver arrays not closed");
    assertEquals(0, ExecutorMemory.allocatedBytes(), "executor arrays not closed");
    assertEquals(0, ExecutorMemory.leakedTasks(), "tasks ended with untracked memory");
  }
}
