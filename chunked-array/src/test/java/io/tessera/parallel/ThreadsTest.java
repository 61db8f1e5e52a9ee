package io.tessera.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThreadsTest {

  @Test
  void limitIsScopedAndRestored() {
    int before = Threads.current();
    int inside = Threads.limit(1, () -> Threads.current());
    assertEquals(1, inside);
    assertEquals(before, Threads.current());
    int nested = Threads.limit(3, () -> Threads.limit(2, () -> Threads.current()));
    assertEquals(2, nested);
  }

  @Test
  void everyPartRunsOnceWhateverTheLimit() {
    for (int limit = 1; limit <= 4; limit++) {
      AtomicLong sum = new AtomicLong();
      Set<String> names = ConcurrentHashMap.newKeySet();
      Threads.limit(limit, () -> Threads.forEachPart(100, p -> {
        sum.addAndGet(p);
        names.add(Thread.currentThread().getName());
      }));
      assertEquals(4950, sum.get());
      if (limit == 1) {
        assertEquals(1, names.size());
      }
    }
  }

  @Test
  void exceptionsPropagate() {
    assertThrows(IllegalStateException.class, () -> Threads.limit(2, () -> Threads.forEachPart(8,
        p -> {
          if (p == 5) {
            throw new IllegalStateException("part 5");
          }
        })));
    assertThrows(IllegalArgumentException.class, () -> Threads.limit(0, () -> 1));
  }
}
