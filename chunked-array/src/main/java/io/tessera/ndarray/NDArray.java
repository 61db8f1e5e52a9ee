package io.tessera.ndarray;

import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.errors.ClosedArrayException;
import io.tessera.errors.CopyRequiredException;
import io.tessera.errors.IndexOutOfRangeException;
import io.tessera.errors.ReadOnlyArrayException;
import io.tessera.errors.ShapeException;
import io.tessera.errors.TesseraException;
import io.tessera.index.BasicIndexing;
import io.tessera.index.Index;
import io.tessera.index.IndexParser;
import io.tessera.iter.CopyLoops;
import io.tessera.iter.MemoryOrder;
import io.tessera.iter.PairWalk;
import io.tessera.memory.Storage;
import io.tessera.overlap.MemOverlap;
import io.tessera.shape.Axes;
import io.tessera.shape.Broadcast;
import io.tessera.shape.DTypeView;
import io.tessera.shape.Layout;
import io.tessera.shape.Reshape;
import io.tessera.shape.Shapes;
import io.tessera.shape.StrideTricks;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * An N-dimensional array: metadata (dtype, shape, byte strides, byte offset, flags) over a
 * reference-counted Arrow buffer ({@link Storage}), with NumPy's semantics.
 *
 * <p><b>Views and copies.</b> Every method documents whether it returns a view (sharing this
 * array's buffer, never copying) or a copy (new memory from the same allocator). A view holds a
 * reference on the buffer, so it stays valid after the array it came from is closed; {@link
 * #base()} is the array that owns the data, as NumPy's {@code base}.
 *
 * <p><b>Ownership.</b> Arrays are {@link AutoCloseable}: close every array you create (views
 * included); when the last one over a buffer is closed, its memory returns to the allocator. Using
 * a closed array raises {@link ClosedArrayException}. An array is not thread-safe for concurrent
 * writes; concurrent reads are safe.
 */
public final class NDArray implements AutoCloseable {
  private final DType dtype;
  private final Layout layout;
  private final Storage storage;
  private final NDArray base;
  private final boolean ownsData;
  private final boolean cContiguous;
  private final boolean fContiguous;
  private final boolean aligned;
  private final boolean writeableAllowed;
  private boolean writeable;
  private volatile boolean closed;

  private NDArray(DType dtype, Layout layout, Storage storage, NDArray base, boolean writeable,
      boolean writeableAllowed) {
    this.dtype = dtype;
    this.layout = layout;
    this.storage = storage;
    this.base = base;
    this.ownsData = base == null;
    this.cContiguous = layout.isCContiguous();
    this.fContiguous = layout.isFContiguous();
    this.aligned = computeAligned(storage.address() + layout.offset(), layout, dtype.alignment());
    this.writeableAllowed = writeableAllowed;
    this.writeable = writeable && writeableAllowed;
  }

  /**
   * An array that owns {@code storage} (taking over the caller's reference). Internal factory
   * for creation routines and readers; the layout must lie inside the storage.
   */
  public static NDArray owning(Storage storage, DType dtype, Layout layout, boolean writeable) {
    checkInside("array", layout, storage);
    return new NDArray(dtype, layout, storage, null, writeable, writeable);
  }

  /** A new view of this array's buffer with another layout (and possibly dtype). */
  private NDArray newView(DType dt, Layout l, boolean writeable) {
    checkOpen("view");
    storage.retain();
    return new NDArray(dt, l, storage, ownerOrSelf(), writeable && this.writeable,
        writeable && this.writeableAllowed);
  }

  private NDArray newView(Layout l) {
    return newView(dtype, l, true);
  }

  private NDArray ownerOrSelf() {
    return base != null ? base : this;
  }

  // ---------------------------------------------------------------- metadata

  public DType dtype() {
    return dtype;
  }

  public int ndim() {
    return layout.ndim();
  }

  /** The shape (a copy). */
  public long[] shape() {
    return layout.shape().clone();
  }

  public long shape(int axis) {
    return layout.shape()[Shapes.normalizeAxis("shape", axis, ndim())];
  }

  /** Strides in bytes (a copy); negative and zero strides are allowed. */
  public long[] strides() {
    return layout.strides().clone();
  }

  /** Number of elements. */
  public long size() {
    return layout.size();
  }

  public int itemsize() {
    return dtype.itemsize();
  }

  /** Bytes of data this array spans logically: {@code size * itemsize}. */
  public long nbytes() {
    return size() * dtype.itemsize();
  }

  /** The layout (shape, strides, byte offset into the storage). */
  public Layout layout() {
    return layout;
  }

  /** The buffer this array lives in (shared with its views). */
  public Storage storage() {
    return storage;
  }

  /** The allocator that accounts for this array's memory; copies are allocated from it. */
  public BufferAllocator allocator() {
    return storage.allocator();
  }

  /** The array that owns the data this view uses, or {@code null} if this array owns its data. */
  public NDArray base() {
    return base;
  }

  /** Absolute address of element (0, ..., 0). */
  public long dataAddress() {
    checkOpen("dataAddress");
    return storage.address() + layout.offset();
  }

  public Flags flags() {
    return new Flags(cContiguous, fContiguous, aligned, writeable, ownsData);
  }

  public boolean isCContiguous() {
    return cContiguous;
  }

  public boolean isFContiguous() {
    return fContiguous;
  }

  public boolean isWriteable() {
    return writeable;
  }

  /**
   * Sets the WRITEABLE flag. Turning it on is refused for arrays that can never be written
   * (broadcast views, sliding windows, read-only mappings, views of read-only arrays), as in NumPy.
   */
  public NDArray setWriteable(boolean w) {
    checkOpen("setflags");
    if (w && !writeableAllowed) {
      throw new ReadOnlyArrayException("setflags", "cannot set WRITEABLE flag to True of this array");
    }
    writeable = w;
    return this;
  }

  /** NumPy's {@code __array_interface__}. */
  public ArrayInterface arrayInterface() {
    return new ArrayInterface(shape(), dtype.str(), dataAddress(), !writeable,
        cContiguous ? null : strides(), 3);
  }

  public boolean isOpen() {
    return !closed;
  }

  /** Releases this array's reference on its buffer. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    storage.release();
  }

  void checkOpen(String op) {
    if (closed) {
      throw new ClosedArrayException(op, op + ": array " + Shapes.format(layout.shape()) + " "
          + dtype + " is closed");
    }
  }

  private void checkWriteable(String op) {
    checkOpen(op);
    if (!writeable) {
      throw new ReadOnlyArrayException(op, op + ": assignment destination is read-only");
    }
  }

  // ---------------------------------------------------------------- element access

  /** Byte address of the element at {@code index}, after bounds checks (negative indices count from the end). */
  private long addressOf(String op, long[] index) {
    checkOpen(op);
    long[] shape = layout.shape();
    if (index.length != shape.length) {
      throw new IndexOutOfRangeException(op, op + ": " + index.length + " indices for array of "
          + "dimension " + shape.length + " with shape " + Shapes.format(shape));
    }
    long off = layout.offset();
    for (int i = 0; i < index.length; i++) {
      long ix = index[i];
      if (ix < -shape[i] || ix >= shape[i]) {
        throw new IndexOutOfRangeException(op, "index " + ix + " is out of bounds for axis " + i
            + " with size " + shape[i]);
      }
      if (ix < 0) {
        ix += shape[i];
      }
      off += ix * layout.strides()[i];
    }
    return storage.address() + off;
  }

  /** The element as a double (uint64 and int64 beyond 2^53 round). */
  public double getDouble(long... index) {
    return Elements.getDouble(dtype, addressOf("getDouble", index));
  }

  /**
   * The element as a long: integers exactly (uint64 as two's-complement bits), booleans 0/1,
   * floats truncated toward zero.
   */
  public long getLong(long... index) {
    return Elements.getLong(dtype, addressOf("getLong", index));
  }

  public boolean getBoolean(long... index) {
    return Elements.getDouble(dtype, addressOf("getBoolean", index)) != 0;
  }

  /** Stores {@code value} with NumPy's scalar assignment rules (floats into ints truncate). */
  public void setDouble(double value, long... index) {
    checkWriteable("setDouble");
    Elements.setDouble(dtype, addressOf("setDouble", index), value);
  }

  /** Stores {@code value}; an integer outside the dtype's range is an error, as in NumPy 2. */
  public void setLong(long value, long... index) {
    checkWriteable("setLong");
    Elements.setLong(dtype, addressOf("setLong", index), value);
  }

  public void setBoolean(boolean value, long... index) {
    setLong(value ? 1 : 0, index);
  }

  /** Sets every element to {@code value} (NumPy's {@code fill}). Writes through views. */
  public NDArray fill(double value) {
    checkWriteable("fill");
    try (NDArray scalar = Creation.scalar(allocator(), dtype, value)) {
      assign(scalar);
    }
    return this;
  }

  /** Sets every element to the integer {@code value}, range-checked for the dtype. */
  public NDArray fill(long value) {
    checkWriteable("fill");
    try (NDArray scalar = Creation.scalar(allocator(), dtype, value)) {
      assign(scalar);
    }
    return this;
  }

  /**
   * Copies {@code src} into this array ({@code self[...] = src}): src is broadcast to this shape
   * and cast with casting 'unsafe' when dtypes differ, as NumPy's assignment does. Overlap between
   * src and this array is handled (src is copied first when they share memory).
   */
  public NDArray assign(NDArray src) {
    checkWriteable("assign");
    src.checkOpen("assign");
    try (NDArray b = src.broadcastTo(layout.shape())) {
      if (src.dtype != dtype) {
        AsType.convertInto(b, this);
        return this;
      }
      if (src.storage == storage && MemOverlap.mayShareMemory(b.layout, layout)) {
        try (NDArray tmp = b.copy(Order.K)) {
          copyData(tmp, this);
        }
      } else {
        copyData(b, this);
      }
    }
    return this;
  }

  /** Copies elements between same-shape, same-dtype arrays in the destination's memory order. */
  static void copyData(NDArray src, NDArray dst) {
    if (io.tessera.iter.TransposeCopy.tryCopy(dst.layout.shape(), dst.dataAddress(),
        dst.layout.strides(), src.dataAddress(), src.layout.strides(), dst.dtype.itemsize())) {
      return;
    }
    PairWalk.walk(dst.layout.shape(), dst.dataAddress(), dst.layout.strides(), src.dataAddress(),
        src.layout.strides(), CopyLoops.forItemsize(dst.dtype.itemsize()));
  }

  // ---------------------------------------------------------------- views

  /** Basic or advanced indexing. Basic indices (ints, slices, newaxis, ellipsis) give a view; any
   * {@link Index#of(NDArray) array index} makes the result a copy, as in NumPy. */
  public NDArray get(Index... index) {
    checkOpen("index");
    List<Index> list = Arrays.asList(index);
    for (Index ix : index) {
      if (ix instanceof Index.ArrayIndex) {
        return FancyIndexing.take(this, list);
      }
    }
    return newView(BasicIndexing.apply(layout, list));
  }

  /** NumPy-style index string, e.g. {@code "1:4, ::-1, None, ..."}: always a view. */
  public NDArray get(String index) {
    checkOpen("index");
    return newView(BasicIndexing.apply(layout, IndexParser.parse(index)));
  }

  /** Boolean-mask selection {@code a[mask]}: a new 1-D (or reduced) array, always a copy. */
  public NDArray mask(NDArray mask) {
    return get(Index.of(mask));
  }

  /** Integer-array selection along {@code axis} ({@code np.take}): always a new C-ordered copy. */
  public NDArray take(NDArray indices, int axis) {
    checkOpen("take");
    return FancyIndexing.takeAlongAxis(this, indices, axis);
  }

  /** A view with the same layout ({@code a.view()}). */
  public NDArray view() {
    return newView(layout);
  }

  /**
   * Reinterprets the bytes as {@code newType} ({@code a.view(dtype)}): a view. With a different
   * item size the last axis must be contiguous and its byte length divisible by the new size.
   */
  public NDArray view(DType newType) {
    checkOpen("view");
    Layout l = newType.itemsize() == dtype.itemsize() ? layout
        : DTypeView.viewAs(layout, newType.itemsize());
    return newView(newType, l, true);
  }

  /** Reversed axes: a view. */
  public NDArray transpose() {
    checkOpen("transpose");
    return newView(Axes.transpose(layout));
  }

  /** Permuted axes: a view. */
  public NDArray transpose(int... axes) {
    checkOpen("transpose");
    return newView(Axes.transpose(layout, axes));
  }

  /** NumPy's {@code a.T}: a view. */
  public NDArray T() {
    return transpose();
  }

  public NDArray swapaxes(int a, int b) {
    checkOpen("swapaxes");
    return newView(Axes.swapaxes(layout, a, b));
  }

  public NDArray moveaxis(int source, int destination) {
    return moveaxis(new int[] {source}, new int[] {destination});
  }

  public NDArray moveaxis(int[] source, int[] destination) {
    checkOpen("moveaxis");
    return newView(Axes.moveaxis(layout, source, destination));
  }

  /** Removes all axes of length 1: a view. */
  public NDArray squeeze() {
    checkOpen("squeeze");
    return newView(Axes.squeeze(layout));
  }

  public NDArray squeeze(int... axes) {
    checkOpen("squeeze");
    return newView(Axes.squeeze(layout, axes));
  }

  public NDArray expandDims(int... axes) {
    checkOpen("expand_dims");
    return newView(Axes.expandDims(layout, axes));
  }

  /** Reshape in C order: a view when NumPy gives one, else a copy. */
  public NDArray reshape(long... shape) {
    return reshape(shape, Order.C, CopyMode.IF_NEEDED);
  }

  /**
   * NumPy's {@code reshape(shape, order, copy)}: one dimension may be -1. With {@link
   * CopyMode#IF_NEEDED} a view is returned exactly when NumPy returns one; with {@link
   * CopyMode#NEVER} a reshape that needs a copy raises {@link CopyRequiredException}.
   */
  public NDArray reshape(long[] shape, Order order, CopyMode copy) {
    checkOpen("reshape");
    long[] target = Reshape.resolveShape(size(), shape);
    boolean fortran = order == Order.F || (order == Order.A && fContiguous && !cContiguous);
    if (order == Order.K) {
      throw new TesseraException("reshape", "reshape: order 'K' is not permitted for reshaping");
    }
    if (copy != CopyMode.ALWAYS) {
      Layout v = Reshape.attemptNoCopy(layout, target, fortran);
      if (v != null) {
        return newView(v);
      }
      if (copy == CopyMode.NEVER) {
        throw new CopyRequiredException("reshape", "reshape: Unable to avoid creating a copy while "
            + "reshaping array of shape " + Shapes.format(layout.shape()) + " into "
            + Shapes.format(target) + " (order " + order + ")");
      }
    }
    // NumPy copies in the requested order, then returns a view of that copy (base is the copy)
    try (NDArray c = copy(fortran ? Order.F : Order.C)) {
      return c.newView(Reshape.attemptNoCopy(c.layout, target, fortran));
    }
  }

  /**
   * A new contiguous array of {@code target} shape (C or F order) holding this array's elements in
   * that order: the copying half of reshape and flatten, with no intermediate array.
   */
  private NDArray copyReshaped(long[] target, boolean fortran) {
    NDArray out = Creation.empty(allocator(), dtype, target, fortran ? Order.F : Order.C, 
        Creation.DEFAULT_ALIGNMENT);
    try (NDArray v = out.newView(Reshape.attemptNoCopy(out.layout, layout.shape(), fortran))) {
      copyData(this, v);
    }
    return out;
  }

  /** Flattened, C order: a view when possible, else a copy (NumPy's {@code ravel}). */
  public NDArray ravel() {
    return ravel(Order.C);
  }

  /**
   * NumPy's {@code ravel(order)}: a 1-D view when the data already lie contiguously in that order
   * (for K: contiguous with positive strides in some axis order), else a copy ({@link #flatten}).
   */
  public NDArray ravel(Order order) {
    checkOpen("ravel");
    Order o = resolveOrder(order);
    if (o == Order.K) {
      o = cContiguous ? Order.C : fContiguous ? Order.F : Order.K;
    }
    long[] flat = {size()};
    if (o == Order.C && cContiguous) {
      return newView(Reshape.attemptNoCopy(layout, flat, false));
    }
    if (o == Order.F && fContiguous) {
      return newView(Reshape.attemptNoCopy(layout, flat, true));
    }
    if (o == Order.K && isContiguousInSomeOrder()) {
      return newView(new Layout(flat, new long[] {dtype.itemsize()}, layout.offset(),
          dtype.itemsize()));
    }
    return flatten(o);
  }

  /** True when the stride-sorted axes (length-1 axes aside) chain with positive strides. */
  private boolean isContiguousInSomeOrder() {
    int[] perm = MemoryOrder.sortedStridePerm(layout.strides());
    long expected = dtype.itemsize();
    for (int i = perm.length - 1; i >= 0; i--) {
      long dim = layout.shape()[perm[i]];
      if (dim == 1) {
        continue;
      }
      if (layout.strides()[perm[i]] != expected) {
        return false;
      }
      expected *= dim;
    }
    return true;
  }

  /** Always a copy, flattened in {@code order} (NumPy's {@code flatten}). */
  public NDArray flatten(Order order) {
    checkOpen("flatten");
    long[] target = {size()};
    if (order == Order.K) {
      try (NDArray t = transpose(MemoryOrder.sortedStridePerm(layout.strides()))) {
        return t.copyReshaped(target, false);
      }
    }
    return copyReshaped(target, resolveOrder(order) == Order.F);
  }

  public NDArray flatten() {
    return flatten(Order.C);
  }

  /** A read-only view broadcast to {@code shape} with zero strides (NumPy's {@code broadcast_to}). */
  public NDArray broadcastTo(long... shape) {
    checkOpen("broadcast_to");
    return newView(dtype, Broadcast.broadcastTo(layout, shape), false);
  }

  /**
   * A view with arbitrary shape and strides over this array's buffer, starting at this array's
   * first element ({@code as_strided}). Unlike NumPy's, every element of the requested view must
   * lie inside the buffer, else {@link io.tessera.errors.StridesOutOfBoundsException}.
   */
  public NDArray asStrided(long[] shape, long[] strides) {
    return asStrided(shape, strides, true);
  }

  public NDArray asStrided(long[] shape, long[] strides, boolean writeable) {
    checkOpen("as_strided");
    Layout l = StrideTricks.asStrided(layout, storage.length(), shape, strides, layout.offset());
    return newView(dtype, l, writeable);
  }

  /** NumPy's {@code sliding_window_view}: a read-only view of all windows. */
  public NDArray slidingWindowView(long[] windowShape, int... axes) {
    checkOpen("sliding_window_view");
    return newView(dtype, StrideTricks.slidingWindowView(layout, windowShape, axes), false);
  }

  // ---------------------------------------------------------------- copies

  /** A copy in C order. */
  public NDArray copy() {
    return copy(Order.C);
  }

  /**
   * A copy with the given memory order: C, F, A (F if this is F- and not C-contiguous) or K (keep
   * this array's stride order). Allocated from this array's allocator.
   */
  public NDArray copy(Order order) {
    checkOpen("copy");
    NDArray out = Creation.emptyLike(this, dtype, order);
    copyData(this, out);
    return out;
  }

  Order resolveOrder(Order order) {
    if (order == Order.A) {
      return fContiguous && !cContiguous ? Order.F : Order.C;
    }
    return order;
  }

  /**
   * C-contiguous and at least 1-D ({@code np.ascontiguousarray}): a view of this array's data if
   * already so, else a copy. A 0-d array becomes shape (1,).
   */
  public NDArray ascontiguousarray() {
    return atLeast1d(Requirement.C_CONTIGUOUS);
  }

  /** Fortran-contiguous and at least 1-D ({@code np.asfortranarray}): a view if already so, else a copy. */
  public NDArray asfortranarray() {
    return atLeast1d(Requirement.F_CONTIGUOUS);
  }

  private NDArray atLeast1d(Requirement r) {
    checkOpen("asarray");
    if (ndim() > 0) {
      return require(r);
    }
    return newView(new Layout(new long[] {1}, new long[] {dtype.itemsize()}, layout.offset(),
        dtype.itemsize()));
  }

  /**
   * NumPy's {@code np.require}: a view of this array when it meets every requirement, else a copy
   * that does (OWNDATA always copies).
   */
  public NDArray require(Requirement... requirements) {
    checkOpen("require");
    boolean c = false;
    boolean f = false;
    for (Requirement r : requirements) {
      c |= r == Requirement.C_CONTIGUOUS;
      f |= r == Requirement.F_CONTIGUOUS;
    }
    if (c && f) {
      throw new TesseraException("require", "require: Cannot specify both C and Fortran contiguous.");
    }
    Order order = c ? Order.C : f ? Order.F : Order.A;
    Flags fl = flags();
    for (Requirement r : requirements) {
      boolean ok;
      switch (r) {
        case C_CONTIGUOUS: ok = fl.cContiguous(); break;
        case F_CONTIGUOUS: ok = fl.fContiguous(); break;
        case ALIGNED: ok = fl.aligned(); break;
        case WRITEABLE: ok = fl.writeable(); break;
        case OWNDATA: ok = false; break;
        default: throw new AssertionError(r);
      }
      if (!ok) {
        return copy(resolveOrder(order));
      }
    }
    return view();
  }

  /** Cast to {@code type} (casting 'unsafe', always a copy, order K), as NumPy's {@code astype}. */
  public NDArray astype(DType type) {
    return astype(type, Casting.UNSAFE, true);
  }

  /**
   * NumPy's {@code astype(dtype, casting=, copy=)}: raises {@link
   * io.tessera.errors.CastingException} if {@code casting} forbids the conversion; with {@code
   * copy=false} and no conversion needed, returns a view of this array (NumPy returns the array
   * itself; a view is the closest that keeps ownership explicit).
   */
  public NDArray astype(DType type, Casting casting, boolean copy) {
    checkOpen("astype");
    return AsType.astype(this, type, casting, copy);
  }

  // ---------------------------------------------------------------- arithmetic

  /** {@code this + other} into a new array; {@code other} is an NDArray or a Java number. */
  public NDArray add(Object other) {
    return io.tessera.ufunc.Ufunc.ADD.apply(this, other);
  }

  /** {@code this - other} into a new array. */
  public NDArray sub(Object other) {
    return io.tessera.ufunc.Ufunc.SUBTRACT.apply(this, other);
  }

  /** {@code this * other} into a new array. */
  public NDArray mul(Object other) {
    return io.tessera.ufunc.Ufunc.MULTIPLY.apply(this, other);
  }

  /** {@code this / other} (true division) into a new array. */
  public NDArray div(Object other) {
    return io.tessera.ufunc.Ufunc.TRUE_DIVIDE.apply(this, other);
  }

  /** In place {@code this += other} (no temporary; the result is cast same_kind into this). */
  public NDArray addi(Object other) {
    io.tessera.ufunc.Ufunc.ADD.apply(this, other, this);
    return this;
  }

  /** In place {@code this -= other}. */
  public NDArray subi(Object other) {
    io.tessera.ufunc.Ufunc.SUBTRACT.apply(this, other, this);
    return this;
  }

  /** In place {@code this *= other}. */
  public NDArray muli(Object other) {
    io.tessera.ufunc.Ufunc.MULTIPLY.apply(this, other, this);
    return this;
  }

  /** In place {@code this /= other} (an integer array cannot hold the float result: CastingException). */
  public NDArray divi(Object other) {
    io.tessera.ufunc.Ufunc.TRUE_DIVIDE.apply(this, other, this);
    return this;
  }

  // ---------------------------------------------------------------- reductions

  /** Sum of all elements as a 0-d array (NumPy's accumulator dtype: int8 → int64, ...). */
  public NDArray sum() {
    return io.tessera.ufunc.Reductions.sum(this);
  }

  /** Sum over {@code axes}. */
  public NDArray sum(int... axes) {
    return io.tessera.ufunc.Reductions.sum(this, io.tessera.ufunc.Reductions.axis(axes));
  }

  public NDArray mean() {
    return io.tessera.ufunc.Reductions.mean(this);
  }

  public NDArray mean(int... axes) {
    return io.tessera.ufunc.Reductions.mean(this, io.tessera.ufunc.Reductions.axis(axes));
  }

  public NDArray min() {
    return io.tessera.ufunc.Reductions.min(this);
  }

  public NDArray max() {
    return io.tessera.ufunc.Reductions.max(this);
  }

  public NDArray var() {
    return io.tessera.ufunc.Reductions.var(this);
  }

  public NDArray std() {
    return io.tessera.ufunc.Reductions.std(this);
  }

  public NDArray min(int... axes) {
    return io.tessera.ufunc.Reductions.min(this, io.tessera.ufunc.Reductions.axis(axes));
  }

  public NDArray max(int... axes) {
    return io.tessera.ufunc.Reductions.max(this, io.tessera.ufunc.Reductions.axis(axes));
  }

  public NDArray prod() {
    return io.tessera.ufunc.Reductions.prod(this);
  }

  public NDArray prod(int... axes) {
    return io.tessera.ufunc.Reductions.prod(this, io.tessera.ufunc.Reductions.axis(axes));
  }

  /** Variance with {@code ddof} delta degrees of freedom over {@code axes} (all when empty). */
  public NDArray var(double ddof, int... axes) {
    io.tessera.ufunc.Reductions.Options o = axes.length == 0 ? io.tessera.ufunc.Reductions.all()
        : io.tessera.ufunc.Reductions.axis(axes);
    return io.tessera.ufunc.Reductions.var(this, o.ddof(ddof));
  }

  /** Standard deviation with {@code ddof} over {@code axes} (all when empty). */
  public NDArray std(double ddof, int... axes) {
    io.tessera.ufunc.Reductions.Options o = axes.length == 0 ? io.tessera.ufunc.Reductions.all()
        : io.tessera.ufunc.Reductions.axis(axes);
    return io.tessera.ufunc.Reductions.std(this, o.ddof(ddof));
  }

  public NDArray any() {
    return io.tessera.ufunc.Reductions.any(this);
  }

  public NDArray all() {
    return io.tessera.ufunc.Reductions.all(this);
  }

  public NDArray argmax(int axis) {
    return io.tessera.ufunc.Reductions.argmax(this, axis, false);
  }

  public NDArray argmin(int axis) {
    return io.tessera.ufunc.Reductions.argmin(this, axis, false);
  }

  /** Cumulative sum of the flattened array. */
  public NDArray cumsum() {
    return io.tessera.ufunc.Reductions.cumsum(this);
  }

  public NDArray cumsum(int axis) {
    return io.tessera.ufunc.Reductions.cumsum(this, axis, null, null);
  }

  /** Cumulative product of the flattened array. */
  public NDArray cumprod() {
    return io.tessera.ufunc.Reductions.cumprod(this);
  }

  public NDArray cumprod(int axis) {
    return io.tessera.ufunc.Reductions.cumprod(this, axis, null, null);
  }

  /** Index of the first maximum of the flattened array. */
  public NDArray argmax() {
    return io.tessera.ufunc.Reductions.argmax(this);
  }

  /** Index of the first minimum of the flattened array. */
  public NDArray argmin() {
    return io.tessera.ufunc.Reductions.argmin(this);
  }

  // ---------------------------------------------------------------- overlap

  /** Exact test whether the two arrays have an element byte in common (NumPy's shares_memory). */
  public boolean sharesMemory(NDArray other) {
    checkOpen("shares_memory");
    other.checkOpen("shares_memory");
    return storage == other.storage && MemOverlap.sharesMemory(layout, other.layout);
  }

  /** As {@link #sharesMemory(NDArray)} with a work bound; raises TooHardException past it. */
  public boolean sharesMemory(NDArray other, long maxWork) {
    checkOpen("shares_memory");
    other.checkOpen("shares_memory");
    return storage == other.storage && MemOverlap.sharesMemory(layout, other.layout, maxWork);
  }

  /** Bounds-only test (NumPy's may_share_memory): false means certainly disjoint. */
  public boolean mayShareMemory(NDArray other) {
    checkOpen("may_share_memory");
    other.checkOpen("may_share_memory");
    return storage == other.storage && MemOverlap.mayShareMemory(layout, other.layout);
  }

  // ---------------------------------------------------------------- conversion and display

  /** All elements in C order as doubles (a heap copy, for tests and small arrays). */
  public double[] toDoubleArray() {
    checkOpen("toDoubleArray");
    double[] out = new double[Math.toIntExact(size())];
    int[] k = {0};
    Iteration.forEachC(this, a -> out[k[0]++] = Elements.getDouble(dtype, a));
    return out;
  }

  /** All elements in C order as longs (see {@link #getLong}). */
  public long[] toLongArray() {
    checkOpen("toLongArray");
    long[] out = new long[Math.toIntExact(size())];
    int[] k = {0};
    Iteration.forEachC(this, a -> out[k[0]++] = Elements.getLong(dtype, a));
    return out;
  }

  /** An iterator over the elements in C order, like NumPy's {@code a.flat}. */
  public FlatIterator flat() {
    checkOpen("flat");
    return new FlatIterator(this, false);
  }

  /** An iterator over the elements in memory order (NumPy's {@code nditer(order='K')}). */
  public FlatIterator flatMemoryOrder() {
    checkOpen("flat");
    return new FlatIterator(this, true);
  }

  /** The debug report of the guide's section 6.3. */
  public String describe() {
    return describe("arr");
  }

  public String describe(String name) {
    checkOpen("describe");
    return Describe.report(this, name);
  }

  /** NumPy's {@code repr}: {@code array([[1, 2], [3, 4]], dtype=int32)}. */
  @Override
  public String toString() {
    if (closed) {
      return "<closed array " + Shapes.format(layout.shape()) + " " + dtype + ">";
    }
    return ArrayFormat.repr(this);
  }

  // ---------------------------------------------------------------- internals

  private static boolean computeAligned(long address, Layout l, int alignment) {
    if (alignment <= 1) {
      return true;
    }
    long check = address;
    for (int i = 0; i < l.ndim(); i++) {
      if (l.shape()[i] > 1) {
        check |= l.strides()[i];
      } else if (l.shape()[i] == 0) {
        return true;
      }
    }
    return (check & (alignment - 1)) == 0;
  }

  private static void checkInside(String op, Layout l, Storage s) {
    long[] ext = l.extent();
    if (l.size() > 0 && (ext[0] < 0 || ext[1] > s.length())) {
      throw new io.tessera.errors.StridesOutOfBoundsException(op, op + ": layout " + l
          + " reaches bytes [" + ext[0] + ", " + ext[1] + ") outside its buffer of " + s.length()
          + " bytes");
    }
  }

  /** An array with a new layout over the same storage: for package code building views. */
  NDArray viewWith(DType dt, Layout l, boolean writeable) {
    checkInside("view", l, storage);
    return newView(dt, l, writeable);
  }

  long elementAddress(long byteOffset) {
    return storage.address() + byteOffset;
  }
}
