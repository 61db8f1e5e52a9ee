package io.tessera.examples.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One smoke test per example: runs it (small sizes for the timed ones) and checks the facts it
 * prints. Every example closes its own root allocator, so a leak fails its test.
 */
class TopicExamplesTest {

  static String capture(Consumer<PrintStream> example) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      example.accept(ps);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  static void has(String out, String... parts) {
    for (String p : parts) {
      assertTrue(out.contains(p), () -> "missing \"" + p + "\" in:\n" + out);
    }
  }

  @Test
  void registryListsEveryTopicOnceInTheGuidesOrder() {
    List<Topic> all = Topics.all();
    assertEquals(24, all.size());
    Set<String> names = new HashSet<>();
    double last = 0;
    for (Topic t : all) {
      assertTrue(names.add(t.name()), t.name());
      assertTrue(t.name().matches("[a-z0-9-]+"), t.name());
      double s = Double.parseDouble(t.section().replaceAll("^(\\d+\\.\\d+).*", "$1"));
      assertTrue(s >= last, t.name() + " " + t.section() + " after " + last);
      last = s;
    }
    assertEquals("memory-model", all.get(0).name());
    assertEquals("debug-report", all.get(all.size() - 1).name());
    assertTrue(Topics.find("einsum").isPresent());
    assertTrue(Topics.find("nope").isEmpty());
    String out = capture(Topics.find("strides").orElseThrow()::run);
    assertTrue(out.startsWith("\n== 1.2.3 Strides and as_strided sliding windows ="), out);
  }

  @Test
  void memoryModel() {
    has(capture(MemoryModel::run), "shape:    (2, 3)", "strides:  (24, 8)",
        "dtype:    int64 (typestr <i8, itemsize 8)", "C_CONTIGUOUS : True", "OWNDATA : True",
        "data address: 0x", "'typestr': '<i8'", "data + 40 bytes: 6");
  }

  @Test
  void memoryOrder() {
    has(capture(MemoryOrder::run),
        "arr_c: strides (24, 8), C_CONTIGUOUS true, F_CONTIGUOUS false",
        "arr_f: strides (8, 16), C_CONTIGUOUS false, F_CONTIGUOUS true",
        "arr_c in memory order: [1, 2, 3, 4, 5, 6]", "arr_f in memory order: [1, 4, 2, 5, 3, 6]",
        "(arr_c == arr_f).all() = true", ".T strides (8, 24), F_CONTIGUOUS true, shares memory true",
        "ascontiguousarray(.T) copies into C order: strides (16, 8), shares memory false");
  }

  @Test
  void strides() {
    has(capture(Strides::run), "[7, 8, 9]])", "strides (8, 8), shares memory with a: true",
        "array([1., 2., 3., 4., 5., 6., 7., 8.])", "StridesOutOfBoundsException",
        "shape (8, 3), strides (8, 8), writeable false");
  }

  @Test
  void viewsAndCopies() {
    has(capture(ViewsAndCopies::run), "arr = array([ 1, 99,  3,  4,  5])",
        "view.base() == arr: true", "views: reshape true, T true (shares true), ravel of a C "
            + "array true, view() true",
        "arr = array([1, 2, 3, 4, 5]), sharesMemory false, copy OWNDATA true",
        "a[a > 2] = array([3, 4, 5]) true", "base of each: null null null null",
        "isView(recipe) true (same base), mayShareMemory true (bounds overlap), sharesMemory "
            + "false", "a[::2] vs a[:5]: sharesMemory true");
  }

  @Test
  void alignment() {
    has(capture(Alignment::run), "ALIGNED true, data % alignment(8) = 0, data % 64 = 0",
        "require(ALIGNED) on an aligned array is a view: true", "ALIGNED false, data % 8 = 1",
        "require(ALIGNED) copies it: ALIGNED true, OWNDATA true, shares memory false",
        "data % 4096 = 0");
  }

  @Test
  void choosingDTypes() {
    has(capture(ChoosingDTypes::run), "-> int64, nbytes 24", "-> int8, nbytes 3",
        "[0, 100000] -> int32", "zeros(float16, 1e6): nbytes 2,000,000",
        "inf], dtype=float16)", "safe false, same_kind true",
        "array([100, -56,  44], dtype=int8)", "astype(INT8, SAFE) -> CastingException");
  }

  @Test
  void inPlace() {
    // Arrow rounds each buffer up to a power of two: 800 KB -> 1 MiB
    has(capture(out -> InPlace.run(out, 100_000)),
        "arr = arr + 1; arr = arr * 2  -> peak +2.00 MB (two new arrays)",
        "arr.addi(1); arr.muli(2): arr[1] = 4.0", "arr.addi(1); arr.muli(2)      -> peak +0.00 MB",
        "(out=arr)", "-> peak +0.00 MB (out=arr)", "CastingException");
  }

  @Test
  void avoidCopies() {
    has(capture(AvoidCopies::run), "copy() then * 2: peak +16.00 MB; * 2 alone: peak +8.00 MB; "
        + "*= 2 in place: peak +0.00 MB", "a view, shares memory true, OWNDATA false",
        "arr[100] = -1.0");
  }

  @Test
  void memoryMapped(@TempDir Path dir) throws IOException {
    String out = capture(ps -> {
      try {
        MemoryMapped.run(ps, dir.resolve("m.npy"), 1000, 10);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    has(out, "(1000, 10), C order): 0.04 MB mapped, mode w+",
        "after close: allocator holds 0 bytes", "writeable false, sum(fp[0, :]) = 10.0",
        "fp[-1, :5] = array([7., 7., 7., 7., 7.], dtype=float32)",
        "wrote fp[0, 0] = 42.0 in memory only", "the file still holds fp[0, 0] = 1.0",
        "all maps closed (unmapped): allocator holds 0 bytes");
    has(capture(MemoryMapped::run), "mode w+", "the file still holds fp[0, 0] = 1.0");
  }

  @Test
  void releasingMemory() {
    has(capture(ReleasingMemory::run), "allocator holds 8.00 MB", "still 8.00 MB (the view",
        "view.close(): 0.00 MB (peak 8.00 MB)", "-> OutOfMemoryException",
        "throws IllegalStateException", "end 0 bytes (child allocator)",
        "at the end: allocator holds 0 bytes");
  }

  @Test
  void lazyChunks() {
    String out = capture(o -> LazyChunks.run(o, 200, 1024));
    has(out, "200 x 1024 float64 = 1.6 MiB in 50 blocks of (4, 1024)", "same total: true",
        "reduceBlocks(max): 102399.5");
    double ratio = Double.parseDouble(out.replaceAll("(?s).*peak ratio list/lazy: ([0-9.]+).*",
        "$1"));
    assertTrue(ratio > 2, out);
  }

  @Test
  void vectorization() {
    has(capture(o -> Vectorization.run(o, 10_000)), "n = 10000", "boxed List<Long> loop:",
        "vectorized x.add(y):", "same result: true (last element 19998)");
  }

  @Test
  void broadcasting() {
    has(capture(o -> Broadcasting.run(o, 100)), "shape (100, 1), strides (8, 8)",
        "is a view: strides (0, 8), shares memory true",
        "identical results: true, shape (100, 100)");
  }

  @Test
  void fewerTemporaries() {
    String out = capture(o -> FewerTemporaries.run(o, 100_000));
    has(out, "peak +2 MiB (two temporaries)", "bit-identical to the unfused calls: true",
        "shape (50, 60, 70), equals a[:, None, None] * b[None, :, None] * c: true");
    // the fused form allocates at most its planned scratch (a few blocks), never a temporary
    Matcher m = Pattern.compile(
        "e\\.into\\(out\\): measured peak \\+([0-9.]+) (B|KiB)\\b").matcher(out);
    assertTrue(m.find(), "no fused peak under 1 MiB in:\n" + out);
  }

  @Test
  void cacheFriendly() {
    has(capture(o -> CacheFriendly.run(o, 200)), "200 x 200 row-major double[]",
        "every element incremented 8 times: true", "F_CONTIGUOUS true, strides (8, 1600)",
        "t.flat (C index order): [0, 3, 1, 4, 2, 5]; t.flatMemoryOrder(): [0, 1, 2, 3, 4, 5]");
  }

  @Test
  void jitAndThreads() {
    has(capture(o -> JitAndThreads.run(o, 10_000)), "same value both times: true",
        "Expr.of(a).square().sum() = 3.33283335E11", "same bits: true",
        "Threads.forEachPart(8 chunks, sum): 4.9995E7", "BLAS: ");
  }

  @Test
  void einsumPaths() {
    has(capture(EinsumPaths::run), "np.dot(A, B) == einsum(\"ij,jk->ik\", optimize=True): true",
        "[310, 348, 386, 424, 462]]", "equals matmul: true",
        "['einsum_path', (1, 2), (0, 1)]", "Naive scaling:  4", "Optimized scaling:  3",
        "Theoretical speedup:  13.636", "result[0, 0] = 10000.0");
  }

  @Test
  void timingAndMemory() {
    has(capture(o -> TimingAndMemory.run(o, 100)), "Memory: 0.08 MB (nbytes 80000)",
        "%timeit-style, 7 runs", "peak +", "delta 0 bytes");
  }

  @Test
  void benchmarks() {
    has(capture(o -> Benchmarks.run(o, 1000, 10)), "over 1000 float64, number=10",
        "checksum 500.0", "benchmarks.jar", "run-side-by-side.sh");
  }

  @Test
  void pitfallFancyIndexing() {
    has(capture(PitfallFancyIndexing::run), "subset.base() == null: true (a copy)",
        "slice = arr[0:2, :]: base arr (a view), shares memory true",
        "subset[0, 0] = -1 leaves arr[0, 0] = 1", "slice[0, 0] = -1 sets arr[0, 0] = -1",
        "a[a > 2] = array([3, 4, 5]) copies too: base null");
  }

  @Test
  void pitfallPromotion() {
    has(capture(o -> PitfallPromotion.run(o, 1000)), "-> float64",
        "result_type(int32, float64) = float64; result_type(int16, float16) = float32",
        "astype(FLOAT32) -> float32", "(a weak Java double, NEP 50) -> float32");
  }

  @Test
  void pitfallBroadcastExplosion() {
    String out = capture(o -> PitfallBroadcastExplosion.run(o, 1000));
    has(out, "(1000, 1000) float64 = 7.6 MiB", "BudgetExceededException before allocating",
        "add(x1, x2) with x1 (1000, 1) x2 (1, 1000) would allocate 7.6 MiB float64 > budget",
        "step 100", "shape (1000,)", "first -2.0, last -1.0");
    double rel = Double.parseDouble(out.replaceAll("(?s).*chunked loop within ([0-9.eE+-]+) .*",
        "$1"));
    assertTrue(rel < 1e-12, out);
  }

  @Test
  void pitfallRepeatedCasts() {
    has(capture(o -> PitfallRepeatedCasts.run(o, 1000, 10)), "10 passes over 1000",
        "in the loop: 39.1 KiB copied", "cast once before the loop:             3.9 KiB copied",
        "shares memory false; astype(FLOAT32, UNSAFE, copy=false) is a view: true",
        "allocator back to the input alone: true");
  }

  @Test
  void debugReport() {
    has(capture(DebugReport::run), "my_array:\n  shape: (1000, 1000)", "strides: (4, 4000)",
        "F-contiguous: True", "my_array[::2, 10:20]:\n  shape: (500, 10)",
        "base: True (a view; owns no data)", "strides: (4000, 8)");
  }
}
