package io.tessera.io.chunked;

import io.tessera.errors.TesseraException;

/**
 * An I/O failure while a lazy chunked array reads a block from its file (the file became
 * unreadable or shorter after it was opened): names the file and the block. Format faults found
 * when opening are the formats' own exceptions ({@link io.tessera.io.npy.NpyFormatException},
 * {@link io.tessera.io.ipc.ArrowIpcException}).
 */
public class ChunkedIoException extends TesseraException {
  private static final long serialVersionUID = 1L;

  private final String source;

  public ChunkedIoException(String op, String source, String detail, Throwable cause) {
    super(op, op + ": " + source + ": " + detail, cause);
    this.source = source;
  }

  /** The file being read. */
  public String source() {
    return source;
  }
}
