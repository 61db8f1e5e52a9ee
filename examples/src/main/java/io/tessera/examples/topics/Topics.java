package io.tessera.examples.topics;

import java.util.List;
import java.util.Optional;

/**
 * The registry of runnable topics, in the order of the NumPy memory and performance guide
 * (shared guide sections 1 to 6). {@code tessera tour} runs {@link #all()} in this order; the
 * mapping from each guide section to its example is in {@code docs/examples.md}.
 */
public final class Topics {
  private Topics() {}

  private static final List<Topic> ALL = List.of(
      new Topic("memory-model", "The memory model: shape, strides, dtype, flags, data address",
          "1.1", MemoryModel::run),
      new Topic("memory-order", "C order versus Fortran order", "1.2.1-1.2.2", MemoryOrder::run),
      new Topic("strides", "Strides and as_strided sliding windows", "1.2.3", Strides::run),
      new Topic("views-copies", "Views versus copies, and how to tell them apart", "1.3",
          ViewsAndCopies::run),
      new Topic("alignment", "Alignment and require", "1.4", Alignment::run),
      new Topic("dtypes", "Choosing dtypes; nbytes", "2.1", ChoosingDTypes::run),
      new Topic("in-place", "In-place operations and out=", "2.2", InPlace::run),
      new Topic("avoid-copies", "Avoiding needless copies; views instead of copies", "2.3-2.4",
          AvoidCopies::run),
      new Topic("memmap", "Memory-mapped files", "2.5", MemoryMapped::run),
      new Topic("releasing", "Releasing memory: close and allocator accounting", "2.6",
          ReleasingMemory::run),
      new Topic("lazy-chunks", "Lazy chunk processing instead of lists", "2.7", LazyChunks::run),
      new Topic("vectorization", "Vectorization versus a Java loop", "3.1", Vectorization::run),
      new Topic("broadcasting", "Broadcasting versus nested loops", "3.2", Broadcasting::run),
      new Topic("fewer-temporaries", "Fewer temporaries: fused expressions and einsum", "3.3",
          FewerTemporaries::run),
      new Topic("cache-friendly", "Contiguous and cache-friendly access", "3.4-3.5",
          CacheFriendly::run),
      new Topic("jit-threads", "The JIT and threads (Numba/Cython, threadpoolctl, joblib)",
          "3.6-3.7", JitAndThreads::run),
      new Topic("einsum", "einsum and einsum_path", "3.8", EinsumPaths::run),
      new Topic("timing-memory", "Timing and memory analysis", "4.1-4.2", TimingAndMemory::run),
      new Topic("benchmarks", "Benchmarks: timeit, JMH and the side-by-side script", "4.3",
          Benchmarks::run),
      new Topic("pitfall-fancy-indexing", "Pitfall: unexpected copies from fancy indexing", "5.1",
          PitfallFancyIndexing::run),
      new Topic("pitfall-promotion", "Pitfall: type promotion grows memory", "5.2",
          PitfallPromotion::run),
      new Topic("pitfall-broadcast", "Pitfall: broadcast memory explosion and its chunked fix",
          "5.3", PitfallBroadcastExplosion::run),
      new Topic("pitfall-casts", "Pitfall: repeated casts", "5.4", PitfallRepeatedCasts::run),
      new Topic("debug-report", "The debug report", "6.3", DebugReport::run));

  /** Every topic, in the guide's order. */
  public static List<Topic> all() {
    return ALL;
  }

  /** The topic with this name, if any. */
  public static Optional<Topic> find(String name) {
    return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
