package io.tessera.spark;

import io.tessera.errors.TesseraException;

/**
 * A broadcast the caller forced is over the broadcast threshold (or over the 2 GiB a broadcast
 * value can hold). Raised on the driver before any Spark job; the message names the operand, its
 * size, the threshold and the setting that raises it.
 */
public class BroadcastTooLargeException extends TesseraException {
  private static final long serialVersionUID = 1L;
  private final long operandBytes;
  private final long thresholdBytes;

  public BroadcastTooLargeException(String op, String message, long operandBytes,
      long thresholdBytes) {
    super(op, message);
    this.operandBytes = operandBytes;
    this.thresholdBytes = thresholdBytes;
  }

  /** Size of the operand that was to be broadcast. */
  public long operandBytes() {
    return operandBytes;
  }

  /** The threshold in force (-1: broadcasting disabled). */
  public long thresholdBytes() {
    return thresholdBytes;
  }
}
