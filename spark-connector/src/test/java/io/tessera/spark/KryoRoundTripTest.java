package io.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.chunk.ChunkedArray;
import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.errors.ClosedArrayException;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.spark.internal.BlockPayload;
import io.tessera.spark.internal.HeapArray;
import io.tessera.spark.internal.PartialTree;
import io.tessera.spark.internal.ReducePartial;
import io.tessera.spark.kryo.RawIO;
import io.tessera.testing.ArrayTestBase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BinaryOperator;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.DeserializationStream;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Kryo round trips through Spark's own KryoSerializer with registrationRequired, no SparkContext:
 * arrays of every dtype in C, F, strided, reversed, broadcast, 0-d and empty layouts (all written
 * as C order), through both Kryo paths (a growing in-memory buffer, and a stream with a buffer far
 * smaller than the array), and every other class the connector ships.
 */
class KryoRoundTripTest extends ArrayTestBase {
  private static final ClassTag<Object> ANY = ClassTag$.MODULE$.apply(Object.class);
  private final Random rnd = new Random(11);
  private final List<NDArray> read = new ArrayList<>();

  private static SerializerInstance kryo(String buffer, String max, boolean unsafe) {
    SparkConf conf = TesseraSpark.configure(new SparkConf(false))
        .set("spark.kryo.registrationRequired", "true")
        .set("spark.kryo.unsafe", String.valueOf(unsafe))
        .set("spark.kryoserializer.buffer", buffer)
        .set("spark.kryoserializer.buffer.max", max);
    return new KryoSerializer(conf).newInstance();
  }

  private static final SerializerInstance SMALL = kryo("1k", "64m", false);
  /** Spark's spark.kryo.unsafe=true: Kryo's UnsafeOutput/UnsafeInput. */
  private static final SerializerInstance UNSAFE = kryo("1k", "64m", true);

  @AfterEach
  void closeRead() {
    read.forEach(NDArray::close);
    read.clear();
    assertEquals(0, ExecutorMemory.allocatedBytes(), "executor memory left allocated");
  }

  @SuppressWarnings("unchecked")
  private static <T> T viaBuffer(SerializerInstance ser, T value) {
    ByteBuffer b = ser.serialize(value, ANY);
    return (T) ser.deserialize(b, ANY);
  }

  @SuppressWarnings("unchecked")
  private static <T> T viaStream(SerializerInstance ser, T value) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    SerializationStream out = ser.serializeStream(bos);
    out.writeObject(value, ANY);
    out.writeObject("end", ANY);
    out.close();
    DeserializationStream in = ser.deserializeStream(new ByteArrayInputStream(bos.toByteArray()));
    T v = (T) in.readObject(ANY);
    assertEquals("end", in.readObject(ANY));
    in.close();
    return v;
  }

  /** A C-ordered array of random bytes (0/1 for bool). */
  private NDArray random(DType dt, Order order, long... shape) {
    NDArray a = np.empty(dt, order, shape);
    byte[] b = new byte[(int) a.nbytes()];
    rnd.nextBytes(b);
    if (dt == DType.BOOL) {
      for (int i = 0; i < b.length; i++) {
        b[i] &= 1;
      }
    }
    if (b.length > 0) {
      Raw.copyFromHeap(b, 0, a.dataAddress(), b.length);
    }
    return a;
  }

  private void checkRoundTrip(NDArray a, String what) {
    checkRoundTrip(SMALL, a, what);
  }

  private void checkRoundTrip(SerializerInstance ser, NDArray a, String what) {
    byte[] expect;
    try (NDArray c = a.copy(Order.C)) {
      expect = RawIO.toBytes(c);
    }
    for (int path = 0; path < 2; path++) {
      NDArray b = path == 0 ? viaBuffer(ser, a) : viaStream(ser, a);
      read.add(b);
      String at = what + " " + a.dtype() + (path == 0 ? " (buffer)" : " (stream)");
      assertEquals(a.dtype(), b.dtype(), at);
      assertArrayEquals(a.shape(), b.shape(), at);
      assertTrue(b.isCContiguous() && b.isWriteable(), at);
      assertArrayEquals(expect, RawIO.toBytes(b), at);
    }
  }

  @Test
  void everyDtypeEveryLayout() {
    for (DType dt : DType.values()) {
      try (NDArray c = random(dt, Order.C, 37, 53);
          NDArray f = random(dt, Order.F, 5, 7, 3);
          NDArray big = random(dt, Order.C, 3, 40_000);
          NDArray strided = big.get("::2, 5:33001:7");
          NDArray reversed = c.get("::-1, ::-3");
          NDArray transposed = f.transpose(1, 2, 0);
          NDArray zeroD = random(dt, Order.C);
          NDArray empty = random(dt, Order.C, 0, 4);
          NDArray row = random(dt, Order.C, 9);
          NDArray broadcast = row.broadcastTo(4, 9)) {
        checkRoundTrip(c, "C");
        checkRoundTrip(f, "F");
        checkRoundTrip(big, "large C (buffer smaller than the array)");
        checkRoundTrip(strided, "strided");
        checkRoundTrip(reversed, "negative strides");
        checkRoundTrip(transposed, "transposed");
        checkRoundTrip(zeroD, "0-d");
        checkRoundTrip(empty, "empty");
        checkRoundTrip(broadcast, "broadcast (zero stride)");
        checkRoundTrip(UNSAFE, big, "large C, spark.kryo.unsafe");
        checkRoundTrip(UNSAFE, transposed, "transposed, spark.kryo.unsafe");
      }
    }
  }

  @Test
  void nonContiguousWrittenInSlabs() {
    // 3 x 4 MiB rows: each slab of the F-ordered array is copied separately
    try (NDArray f = random(DType.FLOAT64, Order.F, 3, 600_000)) {
      checkRoundTrip(f, "F, several slabs");
    }
  }

  @Test
  void closedArrayIsATypedError() {
    NDArray a = random(DType.INT32, Order.C, 4);
    a.close();
    assertThrows(ClosedArrayException.class, () -> SMALL.serialize(a, ANY));
  }

  @Test
  void connectorRecords() {
    Chunks chunks = Chunks.of(new long[] {2, 2, 1}, new long[] {3, 3});
    assertEquals(chunks, viaBuffer(SMALL, chunks));
    BlockIndex idx = BlockIndex.of(chunks, 3);
    assertEquals(idx, viaBuffer(SMALL, idx));
    assertArrayEquals(idx.coords(), viaStream(SMALL, idx).coords());
    for (DType dt : DType.values()) {
      assertEquals(dt, viaBuffer(SMALL, dt));
    }
    Scalar s = new Scalar(DType.FLOAT32, Float.floatToRawIntBits(-0.0f));
    assertEquals(s, viaBuffer(SMALL, s));
    BinaryOperator<ReducePartial> plus = (x, y) -> ReducePartial.of(1,
        new long[] {x.values()[0] + y.values()[0]}, null, null, null);
    PartialTree<ReducePartial> p = PartialTree.<ReducePartial>empty();
    for (long i = 0; i < 3; i++) {
      p = p.add(i, ReducePartial.of(1, new long[] {5 + i}, null, null, null), plus);
    }
    PartialTree<ReducePartial> q = viaBuffer(SMALL, p);
    assertEquals(18L, q.result(3, plus).values()[0]);
    assertEquals(p.toString(), q.toString());

    try (NDArray a = random(DType.UINT16, Order.C, 5, 6)) {
      HeapArray h = viaStream(SMALL, HeapArray.copyOf(a));
      assertArrayEquals(RawIO.toBytes(a), h.data());
      assertArrayEquals(a.shape(), h.shape());
      try (NDArray box = h.region(np, new long[] {1, 2}, new long[] {3, 2});
          NDArray expect = a.get("1:4, 2:4");
          NDArray ec = expect.copy(Order.C)) {
        assertArrayEquals(RawIO.toBytes(ec), RawIO.toBytes(box));
      }
    }
  }

  @Test
  void blockPayloadsProduceTheirBlockWhenSerialized() throws Exception {
    try (NDArray a = random(DType.FLOAT32, Order.F, 5, 6);
        ChunkedArray c = ChunkedArray.fromArray(a, chunks56())) {
      BlockIndex idx = BlockIndex.of(c.chunks(), 3);
      BlockPayload deferred = BlockPayload.deferred(idx, a.dtype(),
          c.chunks().blockShape(idx.coords()), (coords, t) -> c.block(t, coords));
      byte[] expect;
      try (NDArray b = c.block(np, idx.coords()); NDArray bc = b.copy(Order.C)) {
        expect = RawIO.toBytes(bc);
      }
      // Kryo (how Spark ships parallelize'd elements), in an array as task results travel
      BlockPayload[] got = viaBuffer(SMALL, new BlockPayload[] {deferred});
      assertEquals(idx, got[0].index());
      assertArrayEquals(expect, got[0].bytes());
      // Java serialization (Spark with its JavaSerializer)
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
        out.writeObject(deferred);
      }
      try (ObjectInputStream in = new ObjectInputStream(
          new ByteArrayInputStream(bos.toByteArray()))) {
        BlockPayload j = (BlockPayload) in.readObject();
        assertArrayEquals(expect, j.bytes());
        try (NDArray back = j.toArray(np)) {
          assertArrayEquals(expect, RawIO.toBytes(back));
        }
      }
    }
  }

  private static Chunks chunks56() {
    return Chunks.of(new long[] {2, 3}, new long[] {4, 2});
  }

  @Test
  void readAllocatesFromExecutorMemoryOutsideTasks() {
    try (NDArray a = random(DType.INT64, Order.C, 100)) {
      NDArray b = viaBuffer(SMALL, a);
      read.add(b);
      assertEquals(ExecutorMemory.root(), b.allocator());
      assertTrue(ExecutorMemory.allocatedBytes() >= 800);
    }
  }
}
