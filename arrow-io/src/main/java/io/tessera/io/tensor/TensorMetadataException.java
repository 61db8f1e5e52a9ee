package io.tessera.io.tensor;

import io.tessera.errors.TesseraException;

/**
 * The parameters or serialized metadata of an {@code arrow.fixed_shape_tensor} are invalid: bad
 * JSON, a missing or negative shape, a permutation that is not one, dimension names of the wrong
 * count, or a storage {@code list_size} that is not the product of the shape.
 */
public class TensorMetadataException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public TensorMetadataException(String message) {
    super("fixed_shape_tensor", message);
  }

  public TensorMetadataException(String message, Throwable cause) {
    super("fixed_shape_tensor", message, cause);
  }
}
