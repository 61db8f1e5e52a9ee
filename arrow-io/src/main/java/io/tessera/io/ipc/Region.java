package io.tessera.io.ipc;

import org.apache.arrow.memory.ArrowBuf;

/**
 * Bytes {@code [offset, offset + length)} of an Arrow buffer, holding one reference on it that
 * {@link #close()} gives back.
 */
final class Region implements AutoCloseable {
  final ArrowBuf buf;
  final long offset;
  final long length;
  private boolean closed;

  /** Takes over one reference the caller already holds on {@code buf}. */
  Region(ArrowBuf buf, long offset, long length) {
    this.buf = buf;
    this.offset = offset;
    this.length = length;
  }

  long address() {
    return buf.memoryAddress() + offset;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      buf.getReferenceManager().release();
    }
  }
}
