package io.tessera.spark;

import io.tessera.errors.TesseraException;

/**
 * Bringing a distributed array to the driver would exceed the limit in force. Raised on the driver
 * before any Spark job runs; the message names the array, its size and the limit, and how to raise
 * it.
 */
public class ResultTooLargeException extends TesseraException {
  private static final long serialVersionUID = 1L;
  private final long requestedBytes;
  private final long limitBytes;

  public ResultTooLargeException(String op, String message, long requestedBytes, long limitBytes) {
    super(op, message);
    this.requestedBytes = requestedBytes;
    this.limitBytes = limitBytes;
  }

  /** Bytes the local result would have needed. */
  public long requestedBytes() {
    return requestedBytes;
  }

  /** The limit that was in force. */
  public long limitBytes() {
    return limitBytes;
  }
}
