package io.tessera.chunk;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.errors.ClosedArrayException;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.index.Index;
import io.tessera.index.IndexParser;
import io.tessera.memory.MemoryBudget;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * An N-dimensional array cut into blocks ({@link Chunks}) whose blocks are produced on demand by a
 * {@link BlockSource} and consumed one at a time, so that a pipeline over an array larger than
 * memory holds only a few blocks: Dask's array model, without a scheduler.
 *
 * <p><b>Sources.</b> {@link #fromArray} cuts an existing array into views (no copy); {@link
 * #generate} computes each block from its place in the grid; {@link #fromBlocks} takes
 * materialized blocks; {@link #fromSource} takes any {@link BlockSource} (file readers, Spark
 * partitions). Derived arrays ({@link #mapBlocks}, {@link #zip}, {@link #get(String)}, {@link
 * #rechunk}) are lazy too: nothing runs until blocks are consumed.
 *
 * <p><b>Consuming.</b> {@link #blocks(Tessera)} streams {@link Block}s in C order of the grid
 * (the stream may be made parallel); each block must be closed after use. {@link #toArray}
 * assembles one array; {@link #reduceBlocks} combines per-block partials in a fixed tree order
 * ({@link TreeReduce}). Blocks are allocated from the {@link Tessera} given at consumption, so a
 * Spark executor supplies its own allocator.
 *
 * <p><b>Memory.</b> Every array states what producing one block holds ({@link #peakBytes()}: e.g.
 * a generated block, plus the output of a map on it); consuming checks it, and {@link #toArray}
 * its result, against the {@link MemoryBudget} before anything is allocated. A budget below one
 * block raises {@link io.tessera.errors.BudgetExceededException}.
 *
 * <p><b>Lifetime.</b> A chunked array is {@link AutoCloseable}: it keeps what its source needs
 * (a view of the source array, materialized blocks) until it and every array derived from it are
 * closed. Using a closed array raises {@link ClosedArrayException}.
 */
public final class ChunkedArray implements AutoCloseable, MemoryBudget.Estimate {
  private final Chunks chunks;
  private final DType dtype;
  private final BlockSource source;
  private final long workingBytes;
  private final String origin;
  private final Resources resources;
  private volatile boolean closed;

  private ChunkedArray(Chunks chunks, DType dtype, BlockSource source, long workingBytes,
      String origin, List<AutoCloseable> own, List<ChunkedArray> parents) {
    this.chunks = chunks;
    this.dtype = dtype;
    this.source = source;
    this.workingBytes = workingBytes;
    this.origin = origin;
    List<Resources> pr = new ArrayList<>();
    for (ChunkedArray p : parents) {
      p.checkOpen(origin);
      pr.add(p.resources);
    }
    this.resources = new Resources(own, pr);
  }

  // ================================================================== sources

  /**
   * Cuts {@code array} into blocks that are views of it (no copy; writes through a block reach
   * the array). The chunked array keeps its own view of {@code array}, which may be closed
   * afterwards.
   */
  public static ChunkedArray fromArray(NDArray array, Chunks chunks) {
    if (!Arrays.equals(array.shape(), chunks.shape())) {
      throw new ChunkSpecException("from_array", "from_array: chunks " + chunks + " are for shape "
          + Shapes.format(chunks.shape()) + ", but the array has shape "
          + Shapes.format(array.shape()));
    }
    NDArray held = array.view();
    BlockSource src = (idx, np) -> held.get(regionIndex(chunks.blockOffsets(idx),
        chunks.blockShape(idx)));
    return new ChunkedArray(chunks, array.dtype(), src, 0, "from_array", List.of(held), List.of());
  }

  /** {@link #fromArray(NDArray, Chunks)} with {@link Chunks#auto(long[], DType)}. */
  public static ChunkedArray fromArray(NDArray array) {
    return fromArray(array, Chunks.auto(array.shape(), array.dtype()));
  }

  /**
   * A chunked array whose block {@code i} is computed by {@code generator} from its index,
   * offsets and shape when consumed (Dask's {@code map_blocks} without inputs). Nothing is
   * allocated until blocks are consumed; producing one holds one block.
   */
  public static ChunkedArray generate(long[] shape, DType dtype, Chunks chunks,
      BlockGenerator generator) {
    if (!Arrays.equals(shape, chunks.shape())) {
      throw new ChunkSpecException("generate", "generate: chunks " + chunks + " are for shape "
          + Shapes.format(chunks.shape()) + ", not " + Shapes.format(shape));
    }
    BlockSource src = (idx, np) -> generator.generate(idx, chunks.blockOffsets(idx),
        chunks.blockShape(idx), np);
    return new ChunkedArray(chunks, dtype, src, chunks.largestBlockBytes(dtype), "generate",
        List.of(), List.of());
  }

  /**
   * A chunked array over materialized blocks, listed in C order of the grid; takes ownership of
   * them (they are closed with the chunked array). Consumers get views of them.
   */
  public static ChunkedArray fromBlocks(List<NDArray> blocks, Chunks chunks) {
    if (blocks.size() != chunks.blockCount()) {
      throw new ChunkSpecException("from_blocks", "from_blocks: " + blocks.size()
          + " blocks for a grid of " + Shapes.format(chunks.numBlocks()) + " = "
          + chunks.blockCount() + " blocks " + chunks);
    }
    DType dt = blocks.isEmpty() ? DType.FLOAT64 : blocks.get(0).dtype();
    for (int i = 0; i < blocks.size(); i++) {
      long[] idx = chunks.blockIndex(i);
      NDArray b = blocks.get(i);
      if (!Arrays.equals(b.shape(), chunks.blockShape(idx)) || b.dtype() != dt) {
        throw new ShapeException("from_blocks", "from_blocks: block " + Shapes.format(idx)
            + " has shape " + Shapes.format(b.shape()) + " " + b.dtype() + ", expected "
            + Shapes.format(chunks.blockShape(idx)) + " " + dt + " for chunks " + chunks);
      }
    }
    List<NDArray> held = List.copyOf(blocks);
    BlockSource src = (idx, np) -> held.get((int) chunks.linearIndex(idx)).view();
    return new ChunkedArray(chunks, dt, src, 0, "from_blocks", new ArrayList<>(held), List.of());
  }

  /**
   * A chunked array over any source (a file reader, a Spark partition fetcher).
   *
   * @param peakBytesPerBlock what producing one block holds (for budget checks)
   * @param keepAlive closed when the chunked array and everything derived from it are closed
   */
  public static ChunkedArray fromSource(Chunks chunks, DType dtype, BlockSource source,
      long peakBytesPerBlock, AutoCloseable... keepAlive) {
    return new ChunkedArray(chunks, dtype, source, peakBytesPerBlock, "source",
        Arrays.asList(keepAlive), List.of());
  }

  // ================================================================== metadata

  public long[] shape() {
    return chunks.shape();
  }

  public int ndim() {
    return chunks.ndim();
  }

  public DType dtype() {
    return dtype;
  }

  public Chunks chunks() {
    return chunks;
  }

  /** Number of elements. */
  public long size() {
    return Shapes.size(chunks.shape());
  }

  /** Bytes of the whole array ({@code size * itemsize}), saturating. */
  public long nbytes() {
    return MemoryBudget.bytesOf(chunks.shape(), dtype);
  }

  /** Total number of blocks. */
  public long blockCount() {
    return chunks.blockCount();
  }

  /** Bytes producing one block holds (an upper bound), including the block itself. */
  @Override
  public long peakBytes() {
    return workingBytes;
  }

  @Override
  public String describe() {
    return "one block of a chunked " + dtype.numpyName() + " array " + Shapes.format(shape())
        + " in chunks of " + Shapes.format(chunks.chunkSize()) + " (" + origin + ")";
  }

  public boolean isOpen() {
    return !closed;
  }

  // ================================================================== consuming

  /**
   * Produces block {@code blockIndex}; the caller closes it. Checks that the source kept its
   * contract (shape and dtype of the block).
   */
  public NDArray block(Tessera np, long... blockIndex) {
    checkOpen("block");
    return produce(np, blockIndex);
  }

  /**
   * Produces a block without checking this handle: derived arrays call it after the user may
   * have closed this handle, while the resources it needs are kept alive by reference counting.
   */
  private NDArray produce(Tessera np, long[] blockIndex) {
    long[] expect = chunks.blockShape(blockIndex);
    NDArray b = source.block(blockIndex.clone(), np);
    if (b == null) {
      throw new TesseraException("block", "block: the source returned no array for block "
          + Shapes.format(blockIndex));
    }
    if (!Arrays.equals(b.shape(), expect) || b.dtype() != dtype) {
      String got = Shapes.format(b.shape()) + " " + b.dtype();
      b.close();
      throw new ShapeException("block", "block: block " + Shapes.format(blockIndex) + " of a "
          + "chunked array with chunks " + chunks + " came back as " + got + ", expected "
          + Shapes.format(expect) + " " + dtype);
    }
    return b;
  }

  /** Block {@code linear} (C order) with its place in the grid; the caller closes it. */
  public Block blockAt(Tessera np, long linear) {
    long[] idx = chunks.blockIndex(linear);
    return new Block(linear, idx, chunks.blockOffsets(idx), block(np, idx));
  }

  /**
   * The blocks in C order of the grid, produced as the stream is consumed; close each one. The
   * stream may be made {@code parallel()}. Checks {@link #peakBytes()} against the budget first.
   */
  public Stream<Block> blocks(Tessera np) {
    checkOpen("blocks");
    MemoryBudget.check("blocks", this, "use smaller chunks (rechunk) or raise the budget");
    return LongStream.range(0, chunks.blockCount()).mapToObj(i -> blockAt(np, i));
  }

  /** The blocks in C order, as an iterator; close each one. */
  public Iterator<Block> iterator(Tessera np) {
    return blocks(np).iterator();
  }

  /** Runs {@code action} on every block in C order, closing each block after it. */
  public void forEachBlock(Tessera np, Consumer<Block> action) {
    Iterator<Block> it = iterator(np);
    while (it.hasNext()) {
      try (Block b = it.next()) {
        action.accept(b);
      }
    }
  }

  /**
   * Assembles the whole array into one new C-order array from {@code np}. Refused before
   * allocating if the array plus one block being produced exceed the budget.
   */
  public NDArray toArray(Tessera np) {
    checkOpen("toArray");
    long need = sat(nbytes(), workingBytes);
    MemoryBudget.check("toArray", "x.toArray()", new String[] {"x"},
        new long[][] {shape()}, dtype, need, "iterate blocks() or reduce per block instead");
    NDArray out = np.empty(dtype, shape());
    try {
      forEachBlock(np, b -> {
        try (NDArray dst = out.get(regionIndex(b.offsets(), b.shape()))) {
          dst.assign(b.array());
        }
      });
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /**
   * The region {@code [offsets, offsets + shape)} of the array: a view of one block when it lies
   * inside one (no copy), else a new array assembled from the blocks it overlaps, one block at a
   * time. The caller closes it.
   */
  public NDArray region(Tessera np, long[] offsets, long[] shape) {
    checkOpen("region");
    return regionOf(np, offsets, shape);
  }

  private NDArray regionOf(Tessera np, long[] offsets, long[] shape) {
    if (offsets.length != ndim() || shape.length != ndim()) {
      throw new ShapeException("region", "region: offsets " + Shapes.format(offsets) + " and shape "
          + Shapes.format(shape) + " for an array of " + ndim() + " axes");
    }
    long[] full = shape();
    for (int a = 0; a < ndim(); a++) {
      if (offsets[a] < 0 || shape[a] < 0 || offsets[a] + shape[a] > full[a]) {
        throw new ShapeException("region", "region: [" + offsets[a] + ", "
            + (offsets[a] + shape[a]) + ") is outside axis " + a + " of length " + full[a]);
      }
    }
    if (Shapes.size(shape) == 0) {
      return np.empty(dtype, shape);
    }
    if (ChunkGrid.insideOneBlock(chunks, offsets, shape)) {
      long[] idx = chunks.blockIndexOf(offsets);
      long[] local = offsets.clone();
      long[] bo = chunks.blockOffsets(idx);
      for (int a = 0; a < local.length; a++) {
        local[a] -= bo[a];
      }
      try (NDArray b = produce(np, idx)) {
        return b.get(regionIndex(local, shape));
      }
    }
    List<List<ChunkGrid.Piece>> per = new ArrayList<>();
    for (int a = 0; a < ndim(); a++) {
      per.add(ChunkGrid.piecesAlong(chunks, a, offsets[a], shape[a]));
    }
    NDArray out = np.empty(dtype, shape);
    try {
      int[] k = new int[ndim()];
      while (true) {
        long[] idx = new long[ndim()];
        long[] localOff = new long[ndim()];
        long[] len = new long[ndim()];
        long[] outOff = new long[ndim()];
        for (int a = 0; a < ndim(); a++) {
          ChunkGrid.Piece p = per.get(a).get(k[a]);
          idx[a] = p.block();
          localOff[a] = p.start();
          len[a] = p.length();
          outOff[a] = p.outStart();
        }
        try (NDArray b = produce(np, idx);
            NDArray piece = b.get(regionIndex(localOff, len));
            NDArray dst = out.get(regionIndex(outOff, len))) {
          dst.assign(piece);
        }
        int a = ndim() - 1;
        while (a >= 0 && ++k[a] == per.get(a).size()) {
          k[a] = 0;
          a--;
        }
        if (a < 0) {
          break;
        }
      }
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /**
   * Combines per-block partials in the fixed pairwise tree of {@link TreeReduce} (by block index),
   * so the result does not depend on the order blocks were produced in.
   */
  public <P> P reduceBlocks(Tessera np, Function<NDArray, P> perBlock, BinaryOperator<P> combine) {
    return TreeReduce.reduce(this, np, perBlock, combine);
  }

  // ================================================================== blockwise

  /** {@code fn} on every block; same chunks and dtype (checked as blocks are produced). */
  public ChunkedArray mapBlocks(Function<NDArray, NDArray> fn) {
    return mapBlocks(dtype, fn);
  }

  /** {@code fn} on every block, giving blocks of the same shape and dtype {@code outType}. */
  public ChunkedArray mapBlocks(DType outType, Function<NDArray, NDArray> fn) {
    return mapBlocks(chunks, outType, (b, np) -> fn.apply(b.array()));
  }

  /**
   * {@code fn} on every block, giving the block of the same index in {@code outChunks} (which
   * must have this array's number of blocks along each axis; e.g. a per-block reduction keeps one
   * element per block). The input block is closed after {@code fn}.
   */
  public ChunkedArray mapBlocks(Chunks outChunks, DType outType, BlockFunction fn) {
    checkOpen("map_blocks");
    if (!Arrays.equals(outChunks.numBlocks(), chunks.numBlocks())) {
      throw new ChunkSpecException("map_blocks", "map_blocks: output chunks " + outChunks
          + " have " + Shapes.format(outChunks.numBlocks()) + " blocks, the input "
          + Shapes.format(chunks.numBlocks()) + " (" + chunks + ")");
    }
    ChunkedArray in = this;
    BlockSource src = (idx, np) -> {
      long linear = chunks.linearIndex(idx);
      try (Block b = new Block(linear, idx, chunks.blockOffsets(idx), in.produce(np, idx))) {
        NDArray out = fn.apply(b, np);
        return out == b.array() ? out.view() : out;
      }
    };
    return new ChunkedArray(outChunks, outType, src,
        sat(workingBytes, outChunks.largestBlockBytes(outType)), "map_blocks", List.of(),
        List.of(this));
  }

  /** {@code fn(a, b)} on aligned blocks of two arrays of one shape, in this array's dtype. */
  public ChunkedArray zipBlocks(ChunkedArray other, BiFunction<NDArray, NDArray, NDArray> fn) {
    return zipBlocks(other, dtype, fn);
  }

  /**
   * {@code fn(a, b)} on aligned blocks, after unifying both chunkings (their common refinement,
   * so each result block is a view of one block of each operand); operands broadcast as in
   * {@link #zip}.
   */
  public ChunkedArray zipBlocks(ChunkedArray other, DType outType,
      BiFunction<NDArray, NDArray, NDArray> fn) {
    return zip(List.of(this, other), outType, ops -> fn.apply(ops[0], ops[1]));
  }

  /**
   * Blockwise over several operands with NumPy broadcasting (Dask's {@code blockwise} for
   * elementwise operations). The result's chunks are {@link Chunks#unifyBroadcast} of the
   * operands' chunks; for each result block, {@code fn} gets one piece per operand, each a view
   * of a single operand block with the operand's own number of axes and length 1 along axes it is
   * broadcast over: exactly the operands a whole-array elementwise function would broadcast. The
   * pieces are closed after {@code fn}, which returns the result block (shape of the result block,
   * dtype {@code outType}).
   */
  public static ChunkedArray zip(List<ChunkedArray> operands, DType outType,
      Function<NDArray[], NDArray> fn) {
    if (operands.isEmpty()) {
      throw new TesseraException("blockwise", "blockwise: no operands");
    }
    Chunks[] cs = new Chunks[operands.size()];
    long work = 0;
    for (int i = 0; i < cs.length; i++) {
      operands.get(i).checkOpen("blockwise");
      cs[i] = operands.get(i).chunks;
      work = sat(work, operands.get(i).workingBytes);
    }
    Chunks out = Chunks.unifyBroadcast(cs);
    List<ChunkedArray> ops = List.copyOf(operands);
    int nd = out.ndim();
    BlockSource src = (idx, np) -> {
      long[] off = out.blockOffsets(idx);
      long[] sh = out.blockShape(idx);
      NDArray[] pieces = new NDArray[ops.size()];
      try {
        for (int i = 0; i < pieces.length; i++) {
          ChunkedArray op = ops.get(i);
          int shift = nd - op.ndim();
          long[] opShape = op.shape();
          long[] o = new long[op.ndim()];
          long[] s = new long[op.ndim()];
          for (int a = 0; a < op.ndim(); a++) {
            boolean stretched = opShape[a] == 1 && out.shape()[a + shift] != 1;
            o[a] = stretched ? 0 : off[a + shift];
            s[a] = stretched ? 1 : sh[a + shift];
          }
          pieces[i] = op.regionOf(np, o, s);
        }
        return fn.apply(pieces);
      } finally {
        for (NDArray p : pieces) {
          if (p != null) {
            p.close();
          }
        }
      }
    };
    return new ChunkedArray(out, outType, src, sat(work, out.largestBlockBytes(outType)),
        "blockwise", List.of(), ops);
  }

  // ================================================================== slicing

  /**
   * Basic indexing ({@code "1:4, ::2, None, ..."}): a chunked array whose blocks are views of the
   * selected pieces of this array's blocks; nothing is copied.
   */
  public ChunkedArray get(String index) {
    return get(IndexParser.parse(index).toArray(new Index[0]));
  }

  /** Basic indexing with {@link Index} entries (integers, slices, newaxis, ellipsis). */
  public ChunkedArray get(Index... index) {
    checkOpen("index");
    ChunkSlicing s = ChunkSlicing.of(chunks, Arrays.asList(index));
    ChunkedArray in = this;
    BlockSource src = (idx, np) -> {
      try (NDArray b = in.produce(np, s.sourceBlock(idx))) {
        return b.get(s.localIndex(idx));
      }
    };
    return new ChunkedArray(s.result, dtype, src, workingBytes, "index", List.of(),
        List.of(this));
  }

  // ================================================================== rechunk

  /** Rechunks to {@code target} within the budget in force ({@link MemoryBudget#current()}). */
  public ChunkedArray rechunk(Chunks target) {
    return rechunk(target, MemoryBudget.current());
  }

  /** Rechunks to {@code target} planned for {@code memoryBound} bytes ({@link #rechunkPlan}). */
  public ChunkedArray rechunk(Chunks target, long memoryBound) {
    return rechunk(rechunkPlan(target, memoryBound));
  }

  /**
   * The plan {@link #rechunk(Chunks, long)} would run: steps chosen so that executing them lazily
   * holds at most {@code memoryBound} bytes, counting what producing one of this array's blocks
   * holds.
   */
  public RechunkPlan rechunkPlan(Chunks target, long memoryBound) {
    checkOpen("rechunk");
    return RechunkPlan.plan(chunks, target, dtype, memoryBound, workingBytes);
  }

  /**
   * Executes {@code plan} lazily: each step's block is the region of the previous level it
   * covers, a view when it lies in one block, else assembled one input block at a time.
   *
   * <p>Cost: nothing is cached, so an input block is produced again for every output block that
   * reads it, and stacked rechunks (or multi-step plans) multiply these re-reads. That keeps the
   * memory at one block per level; when the source is expensive, materialize an intermediate
   * result ({@link #toArray}, {@link #fromBlocks}) or run the steps on an executor that
   * materializes each step (a shuffle per step on Spark).
   */
  public ChunkedArray rechunk(RechunkPlan plan) {
    checkOpen("rechunk");
    if (!plan.from().equals(chunks) || plan.dtype() != dtype) {
      throw new ChunkSpecException("rechunk", "rechunk: the plan is for " + plan.from() + " "
          + plan.dtype() + ", this array is " + chunks + " " + dtype);
    }
    if (plan.to().equals(chunks)) {
      return mapBlocks(a -> a);
    }
    ChunkedArray level = this;
    List<ChunkedArray> made = new ArrayList<>();
    try {
      for (RechunkPlan.Step step : plan.steps()) {
        Chunks to = step.to();
        ChunkedArray prev = level;
        BlockSource src = (idx, np) -> prev.regionOf(np, to.blockOffsets(idx),
            to.blockShape(idx));
        ChunkedArray next = new ChunkedArray(to, dtype, src,
            sat(prev.workingBytes, to.largestBlockBytes(dtype)), "rechunk", List.of(),
            List.of(prev));
        made.add(next);
        level = next;
      }
      return level;
    } finally {
      // each level holds its parent; the caller holds only the last one
      for (int i = 0; i < made.size() - 1; i++) {
        made.get(i).close();
      }
    }
  }

  // ================================================================== caching

  /**
   * Materializes this array's blocks once and returns a chunked array over them (same chunks and
   * dtype; {@link #peakBytes()} 0), so that repeated passes (var's two, a user's loop) do not
   * produce them again; closing the returned array releases the blocks. An array whose blocks are
   * already views of held memory ({@link #peakBytes()} 0) is returned as a new handle on the same
   * memory, without copying. Refused before allocating when the blocks do not fit the {@link
   * MemoryBudget}. See {@link ChunkedCache}.
   */
  public ChunkedArray persist(Tessera np) {
    checkOpen("persist");
    return ChunkedCache.persist(this, np);
  }

  /** The arrays this array and its ancestors keep alive (for overlap checks of out=). */
  List<NDArray> heldArrays() {
    List<AutoCloseable> all = new ArrayList<>();
    resources.collect(all);
    List<NDArray> out = new ArrayList<>();
    for (AutoCloseable c : all) {
      if (c instanceof NDArray n && n.isOpen()) {
        out.add(n);
      }
    }
    return out;
  }

  // ================================================================== lifetime

  /** Releases what this array keeps alive (once every array derived from it is closed too). */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    resources.release();
  }

  private void checkOpen(String op) {
    if (closed) {
      throw new ClosedArrayException(op, op + ": chunked array " + Shapes.format(shape()) + " "
          + dtype + " is closed");
    }
  }

  @Override
  public String toString() {
    return "ChunkedArray(shape=" + Shapes.format(shape()) + ", dtype=" + dtype.numpyName()
        + ", chunks=" + chunks + ", blocks=" + Shapes.format(chunks.numBlocks()) + ", chunksize="
        + Shapes.format(chunks.chunkSize()) + (closed ? ", closed" : "") + ")";
  }

  // ================================================================== helpers

  static Index[] regionIndex(long[] offsets, long[] shape) {
    Index[] ix = new Index[offsets.length];
    for (int a = 0; a < ix.length; a++) {
      ix[a] = Index.slice(offsets[a], offsets[a] + shape[a]);
    }
    return ix;
  }

  private static long sat(long a, long b) {
    long s = a + b;
    return s < 0 ? Long.MAX_VALUE : s;
  }
}
