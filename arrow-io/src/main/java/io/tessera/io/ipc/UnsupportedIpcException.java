package io.tessera.io.ipc;

/**
 * Well-formed Arrow data that cannot become an ndarray: compressed bodies, big-endian data, null
 * values, value types without a dtype (strings, decimals, nested lists ...), dictionary-encoded
 * fields, or a record batch too large to map on this JVM.
 */
public class UnsupportedIpcException extends ArrowIpcException {
  private static final long serialVersionUID = 1L;

  public UnsupportedIpcException(String op, String source, String message) {
    super(op, source, message);
  }

  public UnsupportedIpcException(String op, String source, String message, Throwable cause) {
    super(op, source, message, cause);
  }

  UnsupportedIpcException(String op, Where where, String message) {
    super(op, where, message);
  }

  UnsupportedIpcException(String op, Where where, String message, Throwable cause) {
    super(op, where, message, cause);
  }
}
