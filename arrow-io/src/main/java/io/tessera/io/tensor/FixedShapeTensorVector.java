package io.tessera.io.tensor;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.hash.ArrowBufHasher;
import org.apache.arrow.vector.ExtensionTypeVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * An Arrow Java vector of {@link FixedShapeTensorType} values: a {@link FixedSizeListVector} (one
 * list per tensor, row-major values in its child vector) carrying the tensor type. Arrow Java's
 * readers create it for fields tagged {@code arrow.fixed_shape_tensor}; {@link
 * TensorVectors#view(FixedShapeTensorVector)} turns it into an ndarray without copying.
 */
public final class FixedShapeTensorVector extends ExtensionTypeVector<FixedSizeListVector> {
  private final FieldType fieldType;

  /** A vector named {@code name} whose field type holds a {@link FixedShapeTensorType}. */
  public FixedShapeTensorVector(String name, FieldType fieldType, BufferAllocator allocator) {
    super(name, allocator, new FixedSizeListVector(name, allocator,
        new FieldType(fieldType.isNullable(), tensorType(fieldType).storageType(),
            fieldType.getDictionary(), null), null));
    this.fieldType = fieldType;
  }

  private static FixedShapeTensorType tensorType(FieldType fieldType) {
    if (!(fieldType.getType() instanceof FixedShapeTensorType)) {
      throw new IllegalArgumentException("not a fixed_shape_tensor field type: "
          + fieldType.getType());
    }
    return (FixedShapeTensorType) fieldType.getType();
  }

  /** The tensor type (shape, dim names, permutation). */
  public FixedShapeTensorType tensorType() {
    return (FixedShapeTensorType) fieldType.getType();
  }

  /** The child vector holding every tensor's values, row after row. */
  public FieldVector valuesVector() {
    return getUnderlyingVector().getDataVector();
  }

  @Override
  public Field getField() {
    Field storage = getUnderlyingVector().getField();
    return new Field(getName(), fieldType, storage.getChildren());
  }

  /** The tensor at {@code index} as a flat list of its values in physical (row-major) order. */
  @Override
  public List<?> getObject(int index) {
    return getUnderlyingVector().getObject(index);
  }

  @Override
  public int hashCode(int index) {
    return hashCode(index, null);
  }

  @Override
  public int hashCode(int index, ArrowBufHasher hasher) {
    return getUnderlyingVector().hashCode(index, hasher);
  }

  @Override
  public void copyFrom(int fromIndex, int thisIndex, ValueVector from) {
    getUnderlyingVector().copyFrom(fromIndex, thisIndex, underlying(from));
  }

  @Override
  public void copyFromSafe(int fromIndex, int thisIndex, ValueVector from) {
    getUnderlyingVector().copyFromSafe(fromIndex, thisIndex, underlying(from));
  }

  private static ValueVector underlying(ValueVector v) {
    return v instanceof FixedShapeTensorVector ? ((FixedShapeTensorVector) v).getUnderlyingVector()
        : v;
  }
}
