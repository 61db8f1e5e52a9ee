package io.tessera.it.spark;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A standard-error stream that passes everything on and remembers the last {@value #KEEP} bytes,
 * for tests that check what Spark printed to the console. Spark's console progress bar keeps the
 * {@code System.err} of the moment the SparkContext was created, so the cluster hands it this
 * stream then.
 */
final class ConsoleTail extends OutputStream {
  private static final int KEEP = 1 << 16;

  private final PrintStream target;
  private final byte[] ring = new byte[KEEP];
  private long written;

  ConsoleTail(PrintStream target) {
    this.target = target;
  }

  /** This tail as a UTF-8 PrintStream (autoflush). */
  PrintStream printStream() {
    return new PrintStream(this, true, StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void write(int b) {
    target.write(b);
    ring[(int) (written++ % KEEP)] = (byte) b;
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    target.write(b, off, len);
    for (int i = 0; i < len; i++) {
      ring[(int) (written++ % KEEP)] = b[off + i];
    }
  }

  @Override
  public void flush() {
    target.flush();
  }

  /** Bytes written so far: a mark for {@link #since}. */
  synchronized long mark() {
    return written;
  }

  /** What was written after {@code mark} (at most the last {@value #KEEP} bytes). */
  synchronized String since(long mark) {
    long from = Math.max(mark, written - KEEP);
    byte[] out = new byte[(int) (written - from)];
    for (int i = 0; i < out.length; i++) {
      out[i] = ring[(int) ((from + i) % KEEP)];
    }
    return new String(out, StandardCharsets.UTF_8);
  }
}
