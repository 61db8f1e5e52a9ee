package io.tessera.io.ipc;

import io.tessera.errors.TesseraException;

/**
 * An Arrow IPC file or stream could not be read or written. The message names the source (a file
 * path, or the name given to an in-memory buffer or channel) and the fault. Subclasses tell
 * corrupt input ({@link CorruptIpcException}) from valid Arrow data Tessera cannot represent
 * ({@link UnsupportedIpcException}); this base class alone is used for I/O errors (with the
 * {@link java.io.IOException} as cause) and misuse.
 */
public class ArrowIpcException extends TesseraException {
  private static final long serialVersionUID = 1L;
  private final String source;

  public ArrowIpcException(String op, String source, String message) {
    super(op, op + ": " + source + ": " + message);
    this.source = source;
  }

  public ArrowIpcException(String op, String source, String message, Throwable cause) {
    super(op, op + ": " + source + ": " + message, cause);
    this.source = source;
  }

  ArrowIpcException(String op, Where where, String message) {
    super(op, op + ": " + where + ": " + message);
    this.source = where.source;
  }

  ArrowIpcException(String op, Where where, String message, Throwable cause) {
    super(op, op + ": " + where + ": " + message, cause);
    this.source = where.source;
  }

  /** The file path or source name. */
  public String source() {
    return source;
  }
}
