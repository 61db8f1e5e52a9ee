package io.tessera.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.errors.BudgetExceededException;
import io.tessera.errors.TesseraException;
import io.tessera.testing.ArrayTestBase;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest extends ArrayTestBase {

  @AfterEach
  void clear() {
    MemoryBudget.resetDefault();
    System.clearProperty(MemoryBudget.PROPERTY);
  }

  @Test
  void refusesWithTheOperandsAndHumanUnits() {
    long[][] shapes = {{100_000}, {100_000}};
    long bytes = 100_000L * 100_000 * 8;
    BudgetExceededException e = assertThrows(BudgetExceededException.class,
        () -> MemoryBudget.with(8L << 30, () -> MemoryBudget.check("add",
            "x[:, None] + y[None, :]", shapes, DType.FLOAT64, bytes,
            "use outerReduce or a chunked result")));
    assertEquals("x[:, None] + y[None, :] with x (100000,) y (100000,) would allocate 74.5 GiB "
        + "float64 > budget 8 GiB; use outerReduce or a chunked result", e.getMessage());
    assertEquals("add", e.op());
    assertEquals(bytes, e.requestedBytes());
    assertEquals(8L << 30, e.budgetBytes());
    assertEquals(0, allocator.getAllocatedMemory());
    // names from a call expression skip the function; explicit names win
    BudgetExceededException f = assertThrows(BudgetExceededException.class,
        () -> MemoryBudget.with(1 << 20, () -> MemoryBudget.check("outer", "np.outer(a, b)",
            new long[][] {{1000}, {2000}}, DType.FLOAT32, 8_000_000, null)));
    assertEquals("np.outer(a, b) with a (1000,) b (2000,) would allocate 7.6 MiB float32 > "
        + "budget 1 MiB", f.getMessage());
    BudgetExceededException g = assertThrows(BudgetExceededException.class,
        () -> MemoryBudget.with(10, () -> MemoryBudget.check("op", "f()", new String[] {"p"},
            new long[][] {{3, 4}}, DType.INT8, 12, "less")));
    assertEquals("f() with p (3, 4) would allocate 12 B int8 > budget 10 B; less",
        g.getMessage());
    // within the budget: nothing happens
    MemoryBudget.with(bytes, () -> MemoryBudget.check("add", "x + y", shapes, DType.FLOAT64,
        bytes, null));
    assertEquals(List.of("x", "y"), MemoryBudget.operandNames("x[:, None] + y[None, :]"));
    assertEquals(List.of("a", "b"), MemoryBudget.operandNames("np.add.outer(a, b.T) + 1e5"));
  }

  @Test
  void estimatesAreCheckedToo() {
    MemoryBudget.Estimate e = new MemoryBudget.Estimate() {
      @Override
      public long peakBytes() {
        return 3L << 20;
      }

      @Override
      public String describe() {
        return "a plan";
      }
    };
    BudgetExceededException x = assertThrows(BudgetExceededException.class,
        () -> MemoryBudget.with(1L << 20, () -> MemoryBudget.check("plan", e, "do less")));
    assertEquals("a plan needs 3 MiB > budget 1 MiB; do less", x.getMessage());
    MemoryBudget.with(4L << 20, () -> MemoryBudget.check("plan", e, null));
  }

  @Test
  void scopesAreThreadLocalNestedAndRestored() throws Exception {
    long base = MemoryBudget.current();
    MemoryBudget.with(1000, () -> {
      assertEquals(1000, MemoryBudget.current());
      MemoryBudget.with(10, () -> assertEquals(10, MemoryBudget.current()));
      assertEquals(1000, MemoryBudget.current());
      AtomicLong other = new AtomicLong();
      Thread t = new Thread(() -> other.set(MemoryBudget.current()));
      t.start();
      try {
        t.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      assertEquals(base, other.get(), "another thread keeps the default");
    });
    assertThrows(IllegalStateException.class, () -> MemoryBudget.with(5, () -> {
      throw new IllegalStateException("boom");
    }));
    assertEquals(base, MemoryBudget.current(), "restored after an exception");
    assertThrows(TesseraException.class, () -> MemoryBudget.with(-1, () -> { }));
  }

  @Test
  void theDefaultComesFromThePropertyOrTheMachine() {
    long machine = MemoryBudget.defaultBytes();
    assertTrue(machine > 1L << 20, "physical memory " + machine);
    System.setProperty(MemoryBudget.PROPERTY, "8g");
    assertEquals(8L << 30, MemoryBudget.defaultBytes());
    assertEquals(8L << 30, MemoryBudget.current());
    MemoryBudget.setDefault(123);
    assertEquals(123, MemoryBudget.current());
    MemoryBudget.resetDefault();
    assertEquals(8L << 30, MemoryBudget.current());
  }

  @Test
  void bytesParseAndFormat() {
    assertEquals(8589934592L, MemoryBudget.parseBytes("8589934592"));
    assertEquals(8L << 30, MemoryBudget.parseBytes("8g"));
    assertEquals(8L << 30, MemoryBudget.parseBytes("8G"));
    assertEquals(512L << 20, MemoryBudget.parseBytes("512m"));
    assertEquals(3L << 29, MemoryBudget.parseBytes("1.5GiB"));
    assertEquals(128_000_000L, MemoryBudget.parseBytes("128MB"));
    assertEquals(1024, MemoryBudget.parseBytes(" 1 k "));
    assertEquals(100, MemoryBudget.parseBytes("100B"));
    assertThrows(TesseraException.class, () -> MemoryBudget.parseBytes("lots"));
    assertThrows(TesseraException.class, () -> MemoryBudget.parseBytes("5 zb"));
    assertEquals("0 B", MemoryBudget.formatBytes(0));
    assertEquals("1023 B", MemoryBudget.formatBytes(1023));
    assertEquals("1 KiB", MemoryBudget.formatBytes(1024));
    assertEquals("1.5 KiB", MemoryBudget.formatBytes(1536));
    assertEquals("74.5 GiB", MemoryBudget.formatBytes(80_000_000_000L));
    assertEquals("8 GiB", MemoryBudget.formatBytes(8L << 30));
    assertEquals("1 MiB", MemoryBudget.formatBytes((1L << 20) - 1));
    assertEquals("8 EiB", MemoryBudget.formatBytes(Long.MAX_VALUE));
    assertEquals(Long.MAX_VALUE, MemoryBudget.bytesOf(new long[] {1L << 40, 1L << 40},
        DType.FLOAT64));
    assertEquals(0, MemoryBudget.bytesOf(new long[] {1L << 62, 0, 1L << 62}, DType.FLOAT64));
    assertEquals(24, MemoryBudget.bytesOf(new long[] {3}, DType.FLOAT64));
  }
}
