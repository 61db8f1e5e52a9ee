package io.tessera.io.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.ExtensionTypeRegistry;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FixedShapeTensorTypeTest {
  private static final ArrowType F32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);

  @Test
  void serializesExactlyAsTheSpecWritesIt() {
    assertEquals("{\"shape\":[2,5]}", new FixedShapeTensorType(2, 5).serialize());
    assertEquals("{\"shape\":[100,200,500],\"dim_names\":[\"C\",\"H\",\"W\"]}",
        new FixedShapeTensorType(new long[] {100, 200, 500}, List.of("C", "H", "W"), null)
            .serialize());
    assertEquals("{\"shape\":[100,200,500],\"permutation\":[2,0,1]}",
        new FixedShapeTensorType(new long[] {100, 200, 500}, null, new int[] {2, 0, 1})
            .serialize());
    assertEquals("{\"shape\":[]}", new FixedShapeTensorType().serialize());
  }

  @Test
  void specExampleLogicalShapeOfPermutedTensor() {
    // CanonicalExtensions.rst: {"shape": [100, 200, 500], "permutation": [2, 0, 1]} is the
    // physical shape; the logical shape is [500, 100, 200].
    FixedShapeTensorType t = FixedShapeTensorType.parse(new ArrowType.FixedSizeList(10_000_000),
        "{ \"shape\": [100, 200, 500], \"permutation\": [2, 0, 1]}");
    assertArrayEquals(new long[] {100, 200, 500}, t.shape());
    assertArrayEquals(new long[] {500, 100, 200}, t.logicalShape());
    assertEquals(10_000_000, t.listSize());
  }

  @Test
  void specExampleLogicalDimNames() {
    // shape [10, 20, 30], dim_names [x, y, z], permutation [2, 0, 1]: logical names [z, x, y],
    // logical shape [30, 10, 20].
    FixedShapeTensorType t = new FixedShapeTensorType(new long[] {10, 20, 30},
        List.of("x", "y", "z"), new int[] {2, 0, 1});
    assertEquals(List.of("z", "x", "y"), t.logicalDimNames());
    assertArrayEquals(new long[] {30, 10, 20}, t.logicalShape());
  }

  @Test
  void parsesWhatItSerializes() {
    FixedShapeTensorType t = new FixedShapeTensorType(new long[] {3, 0, 4},
        List.of("a", "b\"q", "\u00e9"), new int[] {1, 2, 0});
    FixedShapeTensorType back = FixedShapeTensorType.parse(t.storageType(), t.serialize());
    assertEquals(t, back);
    assertEquals(t.hashCode(), back.hashCode());
    assertEquals(0, back.listSize());
    assertEquals(List.of("a", "b\"q", "\u00e9"), back.dimNames());
  }

  @Test
  void equalityTreatsAbsentPermutationAsIdentity() {
    FixedShapeTensorType a = new FixedShapeTensorType(2, 3);
    FixedShapeTensorType b = new FixedShapeTensorType(new long[] {2, 3}, null, new int[] {0, 1});
    FixedShapeTensorType c = new FixedShapeTensorType(new long[] {2, 3}, null, new int[] {1, 0});
    FixedShapeTensorType d = new FixedShapeTensorType(new long[] {2, 3}, List.of("r", "c"), null);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, c);
    assertNotEquals(a, d);
    assertNotEquals(a, new FixedShapeTensorType(3, 2));
    assertTrue(a.extensionEquals(b));
  }

  @Test
  void storageIsFixedSizeListOfTheShapeProduct() {
    assertEquals(new ArrowType.FixedSizeList(24), new FixedShapeTensorType(2, 3, 4).storageType());
    assertEquals("arrow.fixed_shape_tensor", new FixedShapeTensorType(1).extensionName());
  }

  @Test
  void registeredWithArrowJava() {
    assertInstanceOf(FixedShapeTensorType.class,
        ExtensionTypeRegistry.lookup(FixedShapeTensorType.EXTENSION_NAME));
  }

  @Test
  void arrowJavaSchemaFlatbufferRoundTripRecognisesTheType() {
    FixedShapeTensorType t = new FixedShapeTensorType(new long[] {4, 3}, List.of("w", "h"),
        new int[] {1, 0});
    Schema schema = new Schema(List.of(t.field("img", F32)));
    Schema back = Schema.deserializeMessage(java.nio.ByteBuffer.wrap(schema.serializeAsMessage()));
    Field f = back.getFields().get(0);
    FixedShapeTensorType read = assertInstanceOf(FixedShapeTensorType.class, f.getType());
    assertEquals(t, read);
    assertEquals(F32, f.getChildren().get(0).getType());
    assertEquals("arrow.fixed_shape_tensor", f.getMetadata().get("ARROW:extension:name"));
    assertEquals(t.serialize(), f.getMetadata().get("ARROW:extension:metadata"));
    assertEquals(schema, back);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "   ", "not json", "[2,3]", "{}", "{\"shape\":6}", "{\"shape\":[2,-3]}",
      "{\"shape\":[2.5,3]}", "{\"shape\":[\"2\",3]}", "{\"shape\":[2,3]} trailing",
      "{\"shape\":[2,3],\"permutation\":[0,0]}", "{\"shape\":[2,3],\"permutation\":[0,2]}",
      "{\"shape\":[2,3],\"permutation\":[1]}", "{\"shape\":[2,3],\"permutation\":\"10\"}",
      "{\"shape\":[2,3],\"dim_names\":[\"a\"]}", "{\"shape\":[2,3],\"dim_names\":[1,2]}",
      "{\"shape\":[2,3],\"dim_names\":\"ab\"}", "{\"shape\":[99999999999999999999999]}",
      "{\"shape\":[2,3]", "{\"shape\":[NaN]}", "null", "{\"shape\":[4,2],\"permutation\":[0,1]}",
      "{\"shape\":[65536,65536]}"})
  void rejectsMalformedMetadata(String json) {
    TensorMetadataException e = assertThrows(TensorMetadataException.class,
        () -> FixedShapeTensorType.parse(new ArrowType.FixedSizeList(6), json));
    assertTrue(e.getMessage().startsWith("fixed_shape_tensor: "), e.getMessage());
  }

  @Test
  void rejectsListSizeThatIsNotTheShapeProduct() {
    TensorMetadataException e = assertThrows(TensorMetadataException.class,
        () -> FixedShapeTensorType.parse(new ArrowType.FixedSizeList(5), "{\"shape\":[2,3]}"));
    assertTrue(e.getMessage().contains("list_size 5"), e.getMessage());
    assertThrows(TensorMetadataException.class,
        () -> FixedShapeTensorType.parse(new ArrowType.Int(32, true), "{\"shape\":[2,3]}"));
  }

  @Test
  void emptyShapesStillBoundTheirOtherDimensions() {
    assertEquals(0, FixedShapeTensorType.parse(new ArrowType.FixedSizeList(0),
        "{\"shape\":[0,65536,32767]}").listSize());
    TensorMetadataException e = assertThrows(TensorMetadataException.class,
        () -> FixedShapeTensorType.parse(new ArrowType.FixedSizeList(0),
            "{\"shape\":[0,65536,65536]}"));
    assertTrue(e.getMessage().contains("not counting zero"), e.getMessage());
  }

  @Test
  void ignoresUnknownKeysAndNullOptionals() {
    FixedShapeTensorType t = FixedShapeTensorType.parse(new ArrowType.FixedSizeList(6),
        "{\"shape\":[2,3],\"dim_names\":null,\"permutation\":null,\"future\":{\"x\":1}}");
    assertNull(t.dimNames());
    assertNull(t.permutation());
  }

  @Test
  void newVectorIsATensorVector() {
    try (org.apache.arrow.memory.BufferAllocator a = new org.apache.arrow.memory.RootAllocator();
         org.apache.arrow.vector.FieldVector v = new FixedShapeTensorType(2, 2).field("t", F32)
             .createVector(a)) {
      FixedShapeTensorVector tv = assertInstanceOf(FixedShapeTensorVector.class, v);
      assertSame(FixedShapeTensorType.class, tv.tensorType().getClass());
      assertEquals(F32, tv.valuesVector().getField().getType());
      assertInstanceOf(FixedShapeTensorType.class, tv.getField().getType());
    }
  }
}
