package io.tessera.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.examples.topics.Topic;
import io.tessera.examples.topics.Topics;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code tessera tour}: the registry's topics, in its order. */
class TourCommandTest {
  @Test
  void listNamesEveryTopicInOrder() {
    CliRun r = CliRun.of("tour", "--list").ok();
    List<String> lines = r.out().lines().toList();
    List<Topic> all = Topics.all();
    assertEquals(all.size(), lines.size(), r.out());
    for (int i = 0; i < all.size(); i++) {
      assertTrue(lines.get(i).startsWith(all.get(i).name() + " "), lines.get(i));
      assertTrue(lines.get(i).endsWith(all.get(i).title()), lines.get(i));
    }
  }

  @Test
  void onlyRunsTheNamedTopicsInTheGivenOrder() {
    Topic first = Topics.all().get(0);
    Topic second = Topics.all().get(1);
    CliRun r = CliRun.of("tour", "--only", second.name() + "," + first.name()).ok();
    int a = r.out().indexOf(second.title());
    int b = r.out().indexOf(first.title());
    assertTrue(a >= 0 && b > a, r.out());
    for (Topic t : Topics.all().subList(2, Topics.all().size())) {
      assertTrue(!r.out().contains(t.title()), () -> t.name() + " ran too:\n" + r.out());
    }
  }

  @Test
  void memoryModelTopicPrintsStridesAndFlags() {
    CliRun r = CliRun.of("tour", "--only", "memory-model").ok();
    assertTrue(r.out().contains("strides"), r.out());
    assertTrue(r.out().contains("C_CONTIGUOUS"), r.out());
  }

  @Test
  void unknownTopic() {
    CliRun.of("tour", "--only", "no-such-topic")
        .failsWith(2, "tessera tour", "unknown topic 'no-such-topic' (topics: memory-model");
  }
}
