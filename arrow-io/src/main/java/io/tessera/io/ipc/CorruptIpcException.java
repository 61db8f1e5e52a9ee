package io.tessera.io.ipc;

/**
 * The bytes are not a well-formed Arrow IPC file or stream: truncated data, missing magic,
 * garbage flatbuffers, lengths or offsets that point outside the data, node lengths that do not
 * match, bad {@code arrow.fixed_shape_tensor} metadata. The message names the source and the fault.
 */
public class CorruptIpcException extends ArrowIpcException {
  private static final long serialVersionUID = 1L;

  public CorruptIpcException(String op, String source, String message) {
    super(op, source, message);
  }

  public CorruptIpcException(String op, String source, String message, Throwable cause) {
    super(op, source, message, cause);
  }

  CorruptIpcException(String op, Where where, String message) {
    super(op, where, message);
  }

  CorruptIpcException(String op, Where where, String message, Throwable cause) {
    super(op, where, message, cause);
  }
}
