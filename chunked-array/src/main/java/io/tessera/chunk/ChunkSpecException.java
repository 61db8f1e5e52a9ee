package io.tessera.chunk;

import io.tessera.errors.ShapeException;

/**
 * A chunk specification that does not fit its array: chunks that do not add up to the shape, a
 * negative or zero chunk along a non-empty axis, a wrong number of axes, an unknown spec entry.
 * Raised before any block is produced; the message names the axis, the chunks and the shape.
 */
public class ChunkSpecException extends ShapeException {
  private static final long serialVersionUID = 1L;

  public ChunkSpecException(String op, String message) {
    super(op, message);
  }
}
