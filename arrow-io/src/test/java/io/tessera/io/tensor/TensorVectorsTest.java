package io.tessera.io.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.io.ipc.AllocatorTestBase;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.junit.jupiter.api.Test;

class TensorVectorsTest extends AllocatorTestBase {

  @Test
  void vectorRoundTripKeepsValuesAndMemoryOrder() {
    try (NDArray c = iota(DType.FLOAT32, 2, 3, 4);
         NDArray f = c.copy(Order.F);
         NDArray inner = c.swapaxes(1, 2);
         NDArray innerCopy = inner.copy(Order.K)) {
      for (NDArray a : List.of(c, innerCopy, f)) {
        try (FixedShapeTensorVector v = TensorVectors.toVector("t", a, null, allocator);
             NDArray back = TensorVectors.view(v)) {
          assertArrayEquals(a.shape(), back.shape());
          assertArrayEquals(a.toDoubleArray(), back.toDoubleArray());
          assertEquals(2, v.getValueCount());
          // a view of the child vector's data buffer, no copy
          assertEquals(v.valuesVector().getDataBuffer().memoryAddress(), back.dataAddress()
              - (back.layout().extent()[0] - back.layout().offset()));
        }
      }
      try (FixedShapeTensorVector v = TensorVectors.toVector("t", innerCopy, null, allocator);
           NDArray back = TensorVectors.view(v)) {
        assertArrayEquals(new int[] {1, 0}, v.tensorType().permutation());
        assertArrayEquals(new long[] {3, 4}, v.tensorType().shape());
        assertArrayEquals(innerCopy.strides(), back.strides());
      }
    }
  }

  @Test
  void viewOutlivesTheVector() {
    NDArray back;
    try (NDArray a = iota(DType.INT64, 3, 2);
         FixedShapeTensorVector v = TensorVectors.toVector("t", a, null, allocator)) {
      back = TensorVectors.view(v);
    }
    try (NDArray b = back) {
      assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, b.toLongArray());
    }
  }

  @Test
  void booleansArePackedAndUnpacked() {
    try (NDArray a = np.array(new boolean[][] {{true, false, true}, {false, false, true},
        {true, true, true}});
         FixedShapeTensorVector v = TensorVectors.toVector("t", a, null, allocator);
         NDArray back = TensorVectors.view(v)) {
      assertArrayEquals(a.toLongArray(), back.toLongArray());
      assertEquals(DType.BOOL, back.dtype());
    }
  }

  @Test
  void nullsAreRefused() {
    try (NDArray a = iota(DType.INT32, 3, 2);
         FixedShapeTensorVector v = TensorVectors.toVector("t", a, null, allocator)) {
      v.getUnderlyingVector().setNull(1);
      NullValuesException e = assertThrows(NullValuesException.class, () -> TensorVectors.view(v));
      assertTrue(e.getMessage().contains("1 null tensors"), e.getMessage());
    }
  }

  @Test
  void arrowJavaFileWriterAndReaderUseTheExtensionVector() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (NDArray a = iota(DType.FLOAT64, 2, 2, 3);
         NDArray f = a.copy(Order.F);
         NDArray stacked = f.get("...");
         FixedShapeTensorVector v = TensorVectors.toVector("m", a, List.of("r", "c"), allocator);
         VectorSchemaRoot root = new VectorSchemaRoot(List.of((FieldVector) v));
         ArrowFileWriter w = new ArrowFileWriter(root, null, Channels.newChannel(bytes))) {
      root.setRowCount(2);
      w.start();
      w.writeBatch();
      w.end();
      assertEquals(3, stacked.ndim());
    }
    try (ArrowFileReader r = new ArrowFileReader(new ByteArrayReadableSeekableByteChannel(
        bytes.toByteArray()), allocator)) {
      VectorSchemaRoot root = r.getVectorSchemaRoot();
      FixedShapeTensorType t = assertInstanceOf(FixedShapeTensorType.class,
          root.getSchema().getFields().get(0).getType());
      assertEquals(List.of("r", "c"), t.dimNames());
      r.loadNextBatch();
      FixedShapeTensorVector v = assertInstanceOf(FixedShapeTensorVector.class,
          root.getVector("m"));
      try (NDArray back = TensorVectors.view(v)) {
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
            back.toDoubleArray());
      }
      assertEquals(List.of(0.0, 1.0, 2.0, 3.0, 4.0, 5.0), v.getObject(0));
    }
    assertTrue(new ByteArrayInputStream(bytes.toByteArray()).available() > 0);
  }
}
