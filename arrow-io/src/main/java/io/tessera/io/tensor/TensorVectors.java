package io.tessera.io.tensor;

import io.tessera.dtype.DType;
import io.tessera.errors.ShapeException;
import io.tessera.memory.Raw;
import io.tessera.memory.Storage;
import io.tessera.ndarray.Creation;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.shape.Layout;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.Field;

/** Between {@link FixedShapeTensorVector}s (Arrow Java) and ndarrays. */
public final class TensorVectors {
  private TensorVectors() {}

  /**
   * The tensors of {@code vector} as one ndarray of shape {@code (valueCount, *logicalShape)}.
   *
   * <p><b>No copy</b>: the array views the child vector's data buffer (it takes its own reference,
   * so it stays valid after the vector is closed or cleared), with strides that apply the type's
   * permutation. A copy is made only for booleans (Arrow packs them in bits) and when the data
   * buffer's address is not a multiple of the item size; the copy comes from the vector's
   * allocator.
   *
   * @throws NullValuesException if any tensor or element is null
   */
  public static NDArray view(FixedShapeTensorVector vector) {
    FixedShapeTensorType type = vector.tensorType();
    FieldVector values = vector.valuesVector();
    DType dtype = ArrowDTypes.fromArrow(values.getField().getType());
    if (vector.getNullCount() != 0 || values.getNullCount() != 0) {
      throw new NullValuesException("tensor_view", "tensor_view: vector '" + vector.getName()
          + "' has " + vector.getNullCount() + " null tensors and " + values.getNullCount()
          + " null elements; an ndarray cannot hold nulls");
    }
    long rows = vector.getValueCount();
    long count = rows * type.listSize();
    if (values.getValueCount() < count) {
      throw new ShapeException("tensor_view", "tensor_view: child vector holds "
          + values.getValueCount() + " values, fewer than " + rows + " x " + type.listSize());
    }
    ArrowBuf data = values.getDataBuffer();
    return wrap(data, 0, rows, type, dtype, vector.getAllocator(), true);
  }

  /**
   * An ndarray of {@code rows} tensors stored row-major from byte {@code offset} of {@code data}:
   * a view when the address is aligned for the dtype, else a copy from {@code allocator};
   * booleans are always unpacked into a copy. Bounds must have been checked by the caller.
   */
  public static NDArray wrap(ArrowBuf data, long offset, long rows, FixedShapeTensorType type,
      DType dtype, BufferAllocator allocator, boolean writeable) {
    long[] phys = type.shape();
    int[] perm = type.permutation();
    long count = Math.multiplyExact(rows, (long) type.listSize());
    int itemsize = dtype.itemsize();
    if (dtype == DType.BOOL) {
      Storage s = Storage.allocate(allocator, count, Creation.DEFAULT_ALIGNMENT);
      Bits.unpack(data.memoryAddress() + offset, count, s.address());
      return NDArray.owning(s, dtype, TensorLayouts.logicalLayout(rows, phys, perm, 1, 0), true);
    }
    long bytes = count * itemsize;
    if (((data.memoryAddress() + offset) & (itemsize - 1)) == 0) {
      Storage s = Storage.wrap(data, offset, bytes);
      return NDArray.owning(s, dtype, TensorLayouts.logicalLayout(rows, phys, perm, itemsize, 0),
          writeable);
    }
    Storage s = Storage.allocate(allocator, bytes, Creation.DEFAULT_ALIGNMENT);
    Raw.copy(data.memoryAddress() + offset, s.address(), bytes);
    return NDArray.owning(s, dtype, TensorLayouts.logicalLayout(rows, phys, perm, itemsize, 0),
        true);
  }

  /**
   * A new vector holding the tensors {@code stacked[0], stacked[1], ...} (axis 0 is the row axis).
   * The tensor type keeps {@code stacked}'s memory order: a Fortran-ordered or transposed stack is
   * described with a {@code permutation} rather than reordered. The values are copied into the
   * vector's buffers (one bulk copy when the data are contiguous in some axis order).
   *
   * @param logicalDimNames names of the tensor axes (axes 1.. of {@code stacked}), or null
   */
  public static FixedShapeTensorVector toVector(String name, NDArray stacked,
      List<String> logicalDimNames, BufferAllocator allocator) {
    if (stacked.ndim() < 1) {
      throw new ShapeException("to_vector", "to_vector: need an array with a leading row axis, got "
          + "a 0-d array");
    }
    int[] order = TensorLayouts.physicalOrder(stacked.layout(), 1);
    NDArray src = null;
    try {
      if (order == null) {
        src = stacked.copy(Order.C);
        order = TensorLayouts.identity(stacked.ndim() - 1);
      }
      NDArray from = src != null ? src : stacked;
      FixedShapeTensorType type = typeFor(from.layout(), order, logicalDimNames);
      Layout physical = TensorLayouts.permuteTrailing(from.layout(), 1, order);
      long rows = stacked.shape(0);
      if (rows > Integer.MAX_VALUE || rows * type.listSize() > Integer.MAX_VALUE) {
        throw new ShapeException("to_vector", "to_vector: " + rows + " x " + type.listSize()
            + " values exceed an Arrow Java vector's int32 capacity");
      }
      DType dtype = stacked.dtype();
      Field field = type.field(name, ArrowDTypes.toArrow(dtype));
      FixedShapeTensorVector v = (FixedShapeTensorVector) field.createVector(allocator);
      try {
        FixedSizeListVector list = v.getUnderlyingVector();
        int n = (int) rows;
        int total = n * type.listSize();
        list.setInitialCapacity(n);
        list.allocateNew();
        FieldVector values = list.getDataVector();
        for (int i = 0; i < n; i++) {
          list.setNotNull(i);
        }
        values.setValueCount(total);
        ArrowBuf validity = values.getValidityBuffer();
        Raw.fill(validity.memoryAddress(), Bits.packedBytes(total), (byte) 0xFF);
        long srcAddr = from.dataAddress() + physicalStart(physical);
        if (dtype == DType.BOOL) {
          Bits.pack(srcAddr, total, values.getDataBuffer().memoryAddress());
        } else {
          Raw.copy(srcAddr, values.getDataBuffer().memoryAddress(), (long) total * dtype.itemsize());
        }
        list.setValueCount(n);
        return v;
      } catch (RuntimeException e) {
        v.close();
        throw e;
      }
    } finally {
      if (src != null) {
        src.close();
      }
    }
  }

  /** Byte distance from element (0,..,0) to the lowest-addressed element of a contiguous layout. */
  static long physicalStart(Layout physical) {
    return physical.extent()[0] - physical.offset();
  }

  /**
   * The tensor type describing the trailing axes of {@code layout} stored in physical order
   * {@code order} (from {@link TensorLayouts#physicalOrder}).
   */
  public static FixedShapeTensorType typeFor(Layout layout, int[] order,
      List<String> logicalDimNames) {
    int lead = layout.ndim() - order.length;
    long[] phys = new long[order.length];
    for (int j = 0; j < order.length; j++) {
      phys[j] = layout.shape()[lead + order[j]];
    }
    List<String> names = null;
    if (logicalDimNames != null) {
      if (logicalDimNames.size() != order.length) {
        throw new TensorMetadataException("fixed_shape_tensor: " + logicalDimNames.size()
            + " dimension names for " + order.length + " dimensions");
      }
      names = new ArrayList<>();
      for (int j = 0; j < order.length; j++) {
        names.add(logicalDimNames.get(order[j]));
      }
    }
    int[] perm = TensorLayouts.isIdentity(order) ? null : TensorLayouts.inverse(order);
    return new FixedShapeTensorType(phys, names, perm);
  }
}
