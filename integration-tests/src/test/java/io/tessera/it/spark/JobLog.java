package io.tessera.it.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A SparkListener that records, per job, its description, its stages' names, and the executors
 * its tasks ran on (successful or not), plus executors added and removed. Read it after {@link
 * #settle()}, which waits until the listener bus has delivered every event so far.
 */
final class JobLog extends SparkListener {
  /** One job as the scheduler reported it. */
  record Job(int id, String description, List<Integer> stageIds) {}

  private final JavaSparkContext sc;
  private final List<Job> jobs = Collections.synchronizedList(new ArrayList<>());
  private final Map<Integer, String> stageNames = new ConcurrentHashMap<>();
  private final Map<Integer, Set<String>> stageExecutors = new ConcurrentHashMap<>();
  private final Map<Integer, List<String>> stageFailures = new ConcurrentHashMap<>();
  private final List<String> added = Collections.synchronizedList(new ArrayList<>());
  private final List<String> removed = Collections.synchronizedList(new ArrayList<>());

  private JobLog(JavaSparkContext sc) {
    this.sc = sc;
  }

  /** A new log registered on {@code sc}. */
  static JobLog on(JavaSparkContext sc) {
    JobLog log = new JobLog(sc);
    sc.sc().addSparkListener(log);
    return log;
  }

  /** Unregisters this log. */
  void remove() {
    sc.sc().removeSparkListener(this);
  }

  @Override
  public void onJobStart(SparkListenerJobStart e) {
    List<Integer> stages = new ArrayList<>();
    for (StageInfo s : CollectionConverters.asJava(e.stageInfos())) {
      stages.add(s.stageId());
      stageNames.put(s.stageId(), s.name());
    }
    String d = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
    jobs.add(new Job(e.jobId(), d, stages));
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted e) {
    stageNames.put(e.stageInfo().stageId(), e.stageInfo().name());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    stageExecutors.computeIfAbsent(e.stageId(), k -> ConcurrentHashMap.newKeySet())
        .add(e.taskInfo().executorId());
    if (!e.taskInfo().successful()) {
      stageFailures.computeIfAbsent(e.stageId(), k -> Collections.synchronizedList(
          new ArrayList<>())).add(e.taskInfo().executorId() + ": " + e.reason());
    }
  }

  @Override
  public void onExecutorAdded(SparkListenerExecutorAdded e) {
    added.add(e.executorId());
  }

  @Override
  public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
    removed.add(e.executorId() + " (" + e.reason() + ")");
  }

  /** Waits until the listener bus has delivered all events posted so far. */
  JobLog settle() {
    try {
      sc.sc().listenerBus().waitUntilEmpty(30_000);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Spark listener bus not drained in 30 s", e);
    }
    return this;
  }

  /** Jobs started so far. */
  int jobCount() {
    return jobs.size();
  }

  /** Jobs started from index {@code from} on (as returned by {@link #jobCount()}). */
  List<Job> jobsSince(int from) {
    synchronized (jobs) {
      return new ArrayList<>(jobs.subList(from, jobs.size()));
    }
  }

  String stageName(int stageId) {
    return stageNames.get(stageId);
  }

  /** Executors that ran tasks (any attempt, any outcome) of {@code job}'s stages. */
  Set<String> executorsOf(Job job) {
    Set<String> out = new TreeSet<>();
    for (int s : job.stageIds()) {
      out.addAll(stageExecutors.getOrDefault(s, Set.of()));
    }
    return out;
  }

  /** Failed task attempts of {@code job}'s stages, as "executor: reason". */
  List<String> failuresOf(Job job) {
    List<String> out = new ArrayList<>();
    for (int s : job.stageIds()) {
      out.addAll(stageFailures.getOrDefault(s, List.of()));
    }
    return out;
  }

  List<String> executorsAdded() {
    synchronized (added) {
      return new ArrayList<>(added);
    }
  }

  List<String> executorsRemoved() {
    synchronized (removed) {
      return new ArrayList<>(removed);
    }
  }
}
