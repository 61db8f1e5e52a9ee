package io.tessera.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.dtype.DType;
import io.tessera.errors.ShapeException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Chunk specs against Dask's normalize_chunks. The literal cases below are Dask's own results
 * (Debian python3-dask 2022.12.1, same algorithm as current dask), written out; the golden sweep
 * reads more cases from golden/chunk/dask_chunks.json.
 */
class ChunksTest {

  private static Chunks c(String dask) {
    return Chunks.parse(dask);
  }

  private static long[] s(long... v) {
    return v;
  }

  private static long[][] t(long[]... v) {
    return v;
  }

  @Test
  void normalizeMatchesDaskLiterals() {
    // normalize_chunks((2, 2), shape=(5, 6))
    assertEquals(c("((2, 2, 1), (2, 2, 2))"), Chunks.normalize(s(2, 2), s(5, 6), null));
    // normalize_chunks(10, shape=(30, 5))
    assertEquals(c("((10, 10, 10), (5,))"), Chunks.normalize(10, s(30, 5), null));
    // normalize_chunks({0: 2, 1: 3}, shape=(6, 6))
    assertEquals(c("((2, 2, 2), (3, 3))"), Chunks.normalize(Map.of(0, 2, 1, 3), s(6, 6), null));
    // normalize_chunks((5, -1), shape=(10, 10)); (3, None) for (7, 4)
    assertEquals(c("((5, 5), (10,))"), Chunks.normalize(s(5, -1), s(10, 10), null));
    assertEquals(c("((3, 3, 1), (4,))"), Chunks.normalize(new Object[] {3, null}, s(7, 4), null));
    // normalize_chunks(("auto",), shape=(20,), limit=5, dtype="uint8")
    assertEquals(c("((5, 5, 5, 5),)"),
        Chunks.normalize(List.of("auto"), s(20), DType.UINT8, 5, null));
    // normalize_chunks("1kiB", shape=(2000,), dtype="float32")
    assertEquals(c("((256, 256, 256, 256, 256, 256, 256, 208),)"),
        Chunks.normalize("1kiB", s(2000), DType.FLOAT32));
    // normalize_chunks((), shape=(0, 0))
    assertEquals(c("((0,), (0,))"), Chunks.normalize(new Object[0], s(0, 0), null));
    // 1-D: a tuple of sizes is one explicit tuple
    assertEquals(c("((2, 2, 1),)"), Chunks.normalize(s(2, 2, 1), s(5), null));
    // zero-length axes get (0,)
    assertEquals(c("((0,), (3, 3, 1))"), Chunks.normalize(s(4, 3), s(0, 7), null));
    // auto, square-ish blocks: normalize_chunks("auto", (1000, 1000), limit=1MiB, dtype=f8)
    assertEquals(c("((362, 362, 276), (362, 362, 276))"),
        Chunks.normalize("auto", s(1000, 1000), DType.FLOAT64, 1 << 20, null));
    // auto with previous chunks (32, 64): Dask's h5py test
    assertEquals(c("((256, 256, 256, 232), (512, 488))"), Chunks.normalize("auto",
        s(1000, 1000), DType.FLOAT64, 1 << 20, new long[][] {{32}, {64}}));
    // ("auto", "auto", "auto") for (500, 600, 700) float64, 16 MiB
    assertEquals(c("((127, 127, 127, 119), (127, 127, 127, 127, 92), "
        + "(127, 127, 127, 127, 127, 65))"), Chunks.normalize(List.of("auto", "auto", "auto"),
        s(500, 600, 700), DType.FLOAT64, 16 << 20, null));
    // small axes are kept whole: ("auto", 5) for (1000, 10), limit 100 kB
    assertEquals(c("((1000,), (5, 5))"),
        Chunks.normalize(List.of("auto", 5), s(1000, 10), DType.FLOAT64, 100_000, null));
  }

  @Test
  void normalizeMatchesDaskGoldens() {
    JsonNode g = DaskGoldens.load();
    int n = 0;
    for (JsonNode k : g.get("normalize")) {
      Object spec = DaskGoldens.spec(k.get("spec"));
      long[] shape = DaskGoldens.longs(k.get("shape"));
      DType dt = k.get("dtype").isNull() ? null : DType.valueOf(k.get("dtype").asText()
          .toUpperCase());
      long limit = k.get("limit").isNull() ? -1 : k.get("limit").asLong();
      long[][] prev = null;
      JsonNode p = k.get("previous");
      if (!p.isNull()) {
        prev = new long[p.size()][];
        for (int i = 0; i < p.size(); i++) {
          prev[i] = p.get(i).isArray() ? DaskGoldens.longs(p.get(i)) : new long[] {
              p.get(i).asLong()};
        }
      }
      Chunks got = Chunks.normalize(spec, shape, dt, limit, prev);
      assertEquals(DaskGoldens.chunks(k.get("expected")), got, () -> "normalize_chunks("
          + k.get("spec") + ", shape=" + k.get("shape") + ", dtype=" + k.get("dtype") + ", limit="
          + k.get("limit") + ", previous=" + k.get("previous") + ")");
      n++;
    }
    assertTrue(n >= 25, "golden cases read: " + n);
  }

  @Test
  void explicitTuplesAreValidatedBeforeAnyWork() {
    ChunkSpecException sum = assertThrows(ChunkSpecException.class,
        () -> Chunks.of(s(5, 6), t(s(2, 2, 1), s(3, 2))));
    assertEquals("chunks: chunks (3, 2) along axis 1 add up to 5 but the axis has length 6 in "
        + "((2, 2, 1), (3, 2)) for shape (5, 6)", sum.getMessage());
    assertTrue(sum instanceof ShapeException);
    ChunkSpecException neg = assertThrows(ChunkSpecException.class,
        () -> Chunks.of(s(4, 2), t(s(2, 2), s(3, -1))));
    assertEquals("chunks: negative chunk -1 along axis 1 in ((2, 2), (3, -1)) for shape (4, 2)",
        neg.getMessage());
    ChunkSpecException zero = assertThrows(ChunkSpecException.class,
        () -> Chunks.of(s(4), t(s(2, 0, 2))));
    assertTrue(zero.getMessage().contains("zero-length chunk along axis 0 in ((2, 0, 2),) for "
        + "shape (4,)"), zero.getMessage());
    ChunkSpecException empty = assertThrows(ChunkSpecException.class,
        () -> Chunks.of(s(4, 0), t(s(4), s())));
    assertTrue(empty.getMessage().contains("axis 1 has no chunks"), empty.getMessage());
    ChunkSpecException nd = assertThrows(ChunkSpecException.class,
        () -> Chunks.of(s(4, 4), t(s(4))));
    assertTrue(nd.getMessage().contains("has 2 axes but the chunks ((4,),) give 1"),
        nd.getMessage());
    // zero-length axes may hold zero-length chunks, as in Dask
    assertArrayEquals(s(0, 3), Chunks.of(s(0, 3), t(s(0), s(3))).shape());
    assertArrayEquals(s(0), Chunks.of(s(0, 0)).shape());
    // normalize refuses the same things, with Dask's ones
    assertThrows(ChunkSpecException.class, () -> Chunks.normalize(s(2, -3), s(4, 6), null));
    assertThrows(ChunkSpecException.class,
        () -> Chunks.normalize(List.of(List.of(2, 2)), s(5), null));
    assertThrows(ChunkSpecException.class, () -> Chunks.normalize(s(2, 2, 2), s(4, 6), null));
    assertThrows(ChunkSpecException.class, () -> Chunks.normalize(null, s(4), null));
    assertThrows(ChunkSpecException.class, () -> Chunks.normalize("auto", s(4), null));
    assertThrows(ChunkSpecException.class, () -> Chunks.regular(s(4, 6), 0));
  }

  @Test
  void regularChunks() {
    assertEquals(c("((2, 2, 1), (2, 2, 2))"), Chunks.regular(s(5, 6), 2));
    assertEquals(c("((5,), (4, 2))"), Chunks.regular(s(5, 6), -1, 4));
    assertEquals(c("((0,), (3, 3))"), Chunks.regular(s(0, 6), 3));
    assertEquals(c("()"), Chunks.regular(s()));
    assertTrue(Chunks.regular(s(5, 6), 2).isRegular());
    assertFalse(c("((1, 2, 2),)").isRegular());
  }

  @Test
  void autoKeepsTrailingAxesWholeWithBalancedChunks() {
    // 1000 x 1000 x 1000 float64, 128 MiB: a (1000, 1000) slab is 8 MB, 16 slabs fit; 63
    // balanced chunks of 16 and 15
    Chunks a = Chunks.auto(s(1000, 1000, 1000), DType.FLOAT64, 128L << 20);
    assertEquals(63, a.numBlocks(0));
    assertArrayEquals(s(1000), a.chunks(1));
    assertArrayEquals(s(1000), a.chunks(2));
    assertEquals(16, a.chunks(0)[0]);
    assertEquals(15, a.chunks(0)[62]);
    assertTrue(a.largestBlockBytes(DType.FLOAT64) <= 128L << 20);
    // the last axis alone is too big: leading axes get 1, the last is split evenly
    // (3000 B = 375 doubles: 3 balanced chunks of 1000)
    Chunks b = Chunks.auto(s(3, 1000), DType.FLOAT64, 3000);
    assertEquals(c("((1, 1, 1), (334, 333, 333))"), b);
    // fits: one block
    assertEquals(c("((10,), (10,))"), Chunks.auto(s(10, 10), DType.FLOAT64));
    // the property sets the default target
    String old = System.getProperty(Chunks.TARGET_PROPERTY);
    try {
      System.setProperty(Chunks.TARGET_PROPERTY, "1k");
      assertEquals(1024, Chunks.targetBytes());
      assertEquals(c("((128, 128, 128, 128),)"), Chunks.auto(s(512), DType.FLOAT64));
    } finally {
      if (old == null) {
        System.clearProperty(Chunks.TARGET_PROPERTY);
      } else {
        System.setProperty(Chunks.TARGET_PROPERTY, old);
      }
    }
    assertEquals(Chunks.DEFAULT_TARGET, Chunks.targetBytes());
    assertArrayEquals(s(4, 3, 3), Chunks.balanced(10, 3));
  }

  @Test
  void blockIndexAndOffsetsOnAnIrregularGrid() {
    Chunks k = c("((2, 3, 1), (4, 1, 2, 3))");
    assertArrayEquals(s(6, 10), k.shape());
    assertArrayEquals(s(3, 4), k.numBlocks());
    assertEquals(12, k.blockCount());
    assertArrayEquals(s(2, 4), k.blockOffsets(s(1, 1)));
    assertArrayEquals(s(3, 1), k.blockShape(s(1, 1)));
    assertArrayEquals(s(5, 7), k.blockOffsets(s(2, 3)));
    assertArrayEquals(s(0, 4, 5, 7, 10), k.boundaries(1));
    assertEquals(2, k.locate(1, 5));
    assertEquals(3, k.locate(1, 9));
    assertArrayEquals(s(2, 2), k.blockIndexOf(5, 6));
    for (long i = 0; i < k.blockCount(); i++) {
      assertEquals(i, k.linearIndex(k.blockIndex(i)));
    }
    assertArrayEquals(s(1, 2), k.blockIndex(6));
    assertArrayEquals(s(3, 4), k.chunkSize());
    assertEquals(12, k.largestBlockElements());
    assertThrows(io.tessera.errors.IndexOutOfRangeException.class, () -> k.blockShape(s(3, 0)));
    assertThrows(io.tessera.errors.IndexOutOfRangeException.class, () -> k.locate(0, 6));
    // every element lies in the block locate() finds
    for (long p = 0; p < 10; p++) {
      int b = k.locate(1, p);
      assertTrue(k.start(1, b) <= p && p < k.start(1, b) + k.size(1, b));
    }
  }

  @Test
  void textForm() {
    assertEquals("((2, 2, 1), (3, 3))", Chunks.of(s(2, 2, 1), s(3, 3)).toString());
    assertEquals("((5,),)", Chunks.of(s(5)).toString());
    assertEquals("()", Chunks.of().toString());
    assertEquals(Chunks.of(s(2, 2, 1), s(3, 3)), c("((2,2,1),(3,3))"));
    assertEquals(1, Chunks.of().blockCount());
  }

  @Test
  void unifyIsTheCommonRefinement() {
    JsonNode g = DaskGoldens.load();
    for (JsonNode k : g.get("unify")) {
      long[][] dims = DaskGoldens.tuples(k.get("dims"));
      Chunks u = Chunks.of(dims[0]);
      for (int i = 1; i < dims.length; i++) {
        u = Chunks.unify(u, Chunks.of(dims[i]));
      }
      assertArrayEquals(DaskGoldens.longs(k.get("expected")), u.chunks(0), k.toString());
    }
    // literal: common_blockdim([(5, 2), (4, 3)]) == (4, 1, 2)
    assertEquals(c("((4, 1, 2), (2, 2))"), Chunks.unify(c("((5, 2), (2, 2))"),
        c("((4, 3), (4,))")));
    assertThrows(ChunkSpecException.class, () -> Chunks.unify(c("((5,),)"), c("((4,),)")));
    for (JsonNode k : g.get("broadcast")) {
      Chunks x = DaskGoldens.chunks(k.get("x").get("chunks"));
      Chunks y = DaskGoldens.chunks(k.get("y").get("chunks"));
      assertEquals(DaskGoldens.chunks(k.get("expected")), Chunks.unifyBroadcast(x, y),
          k.toString());
    }
    assertThrows(ShapeException.class,
        () -> Chunks.unifyBroadcast(c("((3,),)"), c("((2, 2),)")));
  }

  @Test
  void derivedChunkings() {
    Chunks k = c("((2, 3), (4,), (1, 1))");
    assertEquals(c("((2, 3), (1, 1))"), k.dropAxes(1));
    assertEquals(c("((2, 3), (2, 2), (1, 1))"), k.withAxis(1, 2, 2));
    assertEquals(c("((1,), (2, 3), (4,), (1, 1))"), k.insertAxis(0, 1));
    assertEquals(Arrays.deepHashCode(k.toArray()), k.hashCode());
  }
}
