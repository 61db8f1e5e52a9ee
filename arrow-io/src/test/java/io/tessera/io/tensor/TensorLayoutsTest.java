package io.tessera.io.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tessera.dtype.DType;
import io.tessera.io.ipc.AllocatorTestBase;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.shape.Layout;
import org.junit.jupiter.api.Test;

class TensorLayoutsTest extends AllocatorTestBase {

  @Test
  void cOrderIsIdentityFortranIsReversed() {
    try (NDArray c = np.empty(DType.FLOAT64, 2, 3, 4);
         NDArray f = np.empty(DType.FLOAT64, Order.F, 2, 3, 4)) {
      assertArrayEquals(new int[] {0, 1, 2}, TensorLayouts.physicalOrder(c.layout(), 0));
      assertArrayEquals(new int[] {2, 1, 0}, TensorLayouts.physicalOrder(f.layout(), 0));
    }
  }

  @Test
  void transposedViewOrder() {
    try (NDArray a = np.empty(DType.INT32, 2, 3, 4);
         NDArray t = a.transpose(1, 2, 0)) {
      // t's axis 2 (a's axis 0) is outermost in memory, then t's 0, then t's 1
      int[] order = TensorLayouts.physicalOrder(t.layout(), 0);
      assertArrayEquals(new int[] {2, 0, 1}, order);
      // the fixed_shape_tensor permutation is the inverse; physical shape = a's shape
      FixedShapeTensorType type = TensorVectors.typeFor(t.layout(), order, null);
      assertArrayEquals(new long[] {2, 3, 4}, type.shape());
      assertArrayEquals(new int[] {1, 2, 0}, type.permutation());
      assertArrayEquals(t.shape(), type.logicalShape());
      // and the logical layout rebuilt from the metadata has t's strides
      Layout back = TensorLayouts.logicalLayout(1, type.shape(), type.permutation(), 4, 0);
      long[] s = back.strides();
      assertArrayEquals(t.strides(), new long[] {s[1], s[2], s[3]});
    }
  }

  @Test
  void stackedRowAxisMustBeOutermost() {
    try (NDArray f = np.empty(DType.FLOAT32, Order.F, 5, 3, 4);
         NDArray rowsLast = np.empty(DType.FLOAT32, 3, 4, 5);
         NDArray moved = rowsLast.moveaxis(2, 0);
         NDArray inner = np.empty(DType.FLOAT32, 5, 4, 3);
         NDArray innerT = inner.swapaxes(1, 2)) {
      assertNull(TensorLayouts.physicalOrder(f.layout(), 1));
      assertNull(TensorLayouts.physicalOrder(moved.layout(), 1));
      assertArrayEquals(new int[] {1, 0}, TensorLayouts.physicalOrder(innerT.layout(), 1));
    }
  }

  @Test
  void gapsAndNegativeStridesHaveNoOrder() {
    try (NDArray a = np.empty(DType.INT16, 4, 6);
         NDArray stepped = a.get(":, ::2");
         NDArray reversed = a.get("::-1");
         NDArray unit = np.empty(DType.INT16, 1, 6);
         NDArray unitT = unit.transpose()) {
      assertNull(TensorLayouts.physicalOrder(stepped.layout(), 0));
      assertNull(TensorLayouts.physicalOrder(reversed.layout(), 0));
      assertArrayEquals(new int[] {0, 1}, TensorLayouts.physicalOrder(unitT.layout(), 0));
    }
  }
}
