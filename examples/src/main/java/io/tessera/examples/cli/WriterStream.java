package io.tessera.examples.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * A {@link PrintStream} that hands each complete UTF-8 line (and whatever is left on flush) to a
 * {@link PrintWriter}: for code that prints to a stream (the examples) inside a picocli command,
 * whose output is a writer.
 */
final class WriterStream extends OutputStream {
  private final PrintWriter writer;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  private WriterStream(PrintWriter writer) {
    this.writer = writer;
  }

  /** A print stream over {@code writer}; closing it flushes but leaves the writer open. */
  static PrintStream over(PrintWriter writer) {
    return new PrintStream(new WriterStream(writer), true, StandardCharsets.UTF_8);
  }

  @Override
  public void write(int b) {
    line.write(b);
    if (b == '\n') {
      drain();
    }
  }

  @Override
  public void write(byte[] b, int off, int len) {
    int start = off;
    for (int i = off; i < off + len; i++) {
      if (b[i] == '\n') {
        line.write(b, start, i + 1 - start);
        drain();
        start = i + 1;
      }
    }
    line.write(b, start, off + len - start);
  }

  @Override
  public void flush() {
    drain();
  }

  @Override
  public void close() {
    drain();
  }

  private void drain() {
    if (line.size() > 0) {
      // a multi-byte character is never split: drained only at '\n' or on flush
      writer.print(line.toString(StandardCharsets.UTF_8));
      line.reset();
    }
    writer.flush();
  }
}
