package io.tessera.bench.sbs;

import io.tessera.Tessera;

/**
 * One row of the side-by-side table: the same computation in Tessera and in NumPy.
 *
 * @param name what is measured, as the table shows it
 * @param allocatesOutput whether each run allocates its result (fresh memory costs page faults)
 * @param target the target ratio (Tessera time / NumPy time), or 0 if none
 * @param bytesMoved bytes read plus written per run for streaming rows (bandwidth share), else 0
 * @param java the Tessera side
 * @param numpySetup Python run once before timing (names np and any data it creates)
 * @param numpyStmt the Python statement timed
 */
public record Workload(String name, boolean allocatesOutput, double target, long bytesMoved,
    JavaSide java, String numpySetup, String numpyStmt) {

  /** The Tessera side: prepares its data and returns the timed action. */
  @FunctionalInterface
  public interface JavaSide {
    Timed open(Tessera np) throws Exception;
  }

  /** A prepared action; closing it releases its data. */
  public interface Timed extends AutoCloseable {
    void run() throws Exception;

    @Override
    void close();
  }

  /** A Timed from an action and the arrays to close afterwards. */
  public static Timed timed(ThrowingRunnable action, AutoCloseable... resources) {
    return new Timed() {
      @Override
      public void run() throws Exception {
        action.run();
      }

      @Override
      public void close() {
        for (int i = resources.length - 1; i >= 0; i--) {
          try {
            resources[i].close();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      }
    };
  }

  /** A Runnable that may throw. */
  @FunctionalInterface
  public interface ThrowingRunnable {
    void run() throws Exception;
  }
}
