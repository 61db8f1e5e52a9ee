package io.tessera.io.ipc;

import io.tessera.dtype.DType;
import io.tessera.index.Index;
import io.tessera.io.tensor.ArrowDTypes;
import io.tessera.io.tensor.FixedShapeTensorType;
import io.tessera.ndarray.Creation;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Joining per-batch arrays along the row axis. */
final class Concat {
  private Concat() {}

  static String[] fieldNames(Schema schema) {
    return schema.getFields().stream().map(f -> String.valueOf(f.getName()))
        .toArray(String[]::new);
  }

  /**
   * One array of all {@code parts} stacked along axis 0: a new view of the single part, or a copy
   * (C order for tensors, F order for matrices). With no parts, an empty array shaped from the
   * schema.
   */
  static NDArray rows(List<NDArray> parts, Schema schema, String tensorField,
      BufferAllocator allocator, String source, boolean fortran) {
    if (parts.size() == 1) {
      return parts.get(0).view();
    }
    long[] shape;
    DType dtype;
    if (parts.isEmpty()) {
      if (tensorField != null) {
        Field f = find(schema, tensorField, source);
        ArrowType t = f.getType();
        long[] logical = t instanceof FixedShapeTensorType ? ((FixedShapeTensorType) t).logicalShape()
            : t instanceof ArrowType.FixedSizeList
                ? new long[] {((ArrowType.FixedSizeList) t).getListSize()} : null;
        dtype = f.getChildren().size() == 1
            ? ArrowDTypes.fromArrowOrNull(f.getChildren().get(0).getType()) : null;
        if (logical == null || dtype == null) {
          throw new UnsupportedIpcException("read", source, "field '" + tensorField
              + "' is not a tensor column of a supported type");
        }
        shape = new long[logical.length + 1];
        System.arraycopy(logical, 0, shape, 1, logical.length);
      } else {
        List<Field> fields = schema.getFields();
        dtype = fields.isEmpty() ? null : ArrowDTypes.fromArrowOrNull(fields.get(0).getType());
        if (dtype == null) {
          throw new UnsupportedIpcException("read", source, "no primitive columns to read");
        }
        shape = new long[] {0, fields.size()};
      }
      return Creation.empty(allocator, dtype, shape, fortran ? Order.F : Order.C,
          Creation.DEFAULT_ALIGNMENT);
    }
    NDArray first = parts.get(0);
    dtype = first.dtype();
    shape = first.shape();
    long total = 0;
    for (NDArray p : parts) {
      total = Math.addExact(total, p.shape(0));
    }
    shape[0] = total;
    NDArray out = Creation.empty(allocator, dtype, shape, fortran ? Order.F : Order.C,
        Creation.DEFAULT_ALIGNMENT);
    try {
      long at = 0;
      for (NDArray p : parts) {
        long n = p.shape(0);
        try (NDArray dst = out.get(Index.slice(at, at + n))) {
          dst.assign(p);
        }
        at += n;
      }
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  private static Field find(Schema schema, String name, String source) {
    for (Field f : schema.getFields()) {
      if (name.equals(f.getName())) {
        return f;
      }
    }
    throw new ArrowIpcException("read", source, "no field named '" + name + "'");
  }
}
