package io.tessera.ufunc;

import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.memory.Raw;
import io.tessera.ndarray.Creation;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;

/**
 * NumPy's reductions: {@code sum, prod, min, max, mean, var, std, argmin, argmax, any, all,
 * cumsum, cumprod} and {@code nansum, nanmean, nanmin, nanmax, nanvar, nanstd}, with NumPy's
 * dtype rules, error texts and bits (see {@link Reduction} for the order of operations).
 *
 * <pre>{@code
 * NDArray s = Reductions.sum(a);                                   // every axis, 0-d result
 * NDArray m = Reductions.mean(a, Reductions.axis(0).keepdims(true));
 * NDArray v = Reductions.var(a, Reductions.axis(0, 2).ddof(1));
 * NDArray p = Reductions.sum(a, Reductions.all().dtype(DType.FLOAT64).where(mask));
 * }</pre>
 *
 * Results are new arrays (0-d for a full reduction without keepdims) unless {@code out} is given;
 * the caller closes them. Reduction outputs are cast into {@code out} unsafely, as NumPy's
 * reductions do.
 */
public final class Reductions {
  private Reductions() {}

  /** NumPy's keyword arguments of a reduction. */
  public static final class Options {
    int[] axes;
    boolean keepdims;
    DType dtype;
    NDArray out;
    NDArray where;
    Object initial;
    double ddof;

    /** Reduce over these axes (null: all). */
    public Options axes(int... axes) {
      this.axes = axes == null ? null : axes.clone();
      return this;
    }

    public Options keepdims(boolean keepdims) {
      this.keepdims = keepdims;
      return this;
    }

    public Options dtype(DType dtype) {
      this.dtype = dtype;
      return this;
    }

    public Options out(NDArray out) {
      this.out = out;
      return this;
    }

    /** Only elements where the mask (broadcast to the input) is true take part. */
    public Options where(NDArray where) {
      this.where = where;
      return this;
    }

    /** The start value ({@code initial=}): a Java number or boolean. */
    public Options initial(Object initial) {
      this.initial = initial;
      return this;
    }

    /** Delta degrees of freedom of var/std. */
    public Options ddof(double ddof) {
      this.ddof = ddof;
      return this;
    }
  }

  /** Options reducing every axis. */
  public static Options all() {
    return new Options();
  }

  /** Options reducing the given axes (one axis or a tuple). */
  public static Options axis(int... axes) {
    return new Options().axes(axes);
  }

  private static Options orAll(Options o) {
    return o == null ? new Options() : o;
  }

  // ================================================================ ufunc reductions

  /** {@code np.sum}: bool and narrow integers sum in int64/uint64; floats pairwise. */
  public static NDArray sum(NDArray a) {
    return sum(a, null);
  }

  public static NDArray sum(NDArray a, Options o) {
    return reduce(UfuncSpecs.ADD, a, orAll(o));
  }

  /** {@code np.prod}. */
  public static NDArray prod(NDArray a) {
    return prod(a, null);
  }

  public static NDArray prod(NDArray a, Options o) {
    return reduce(UfuncSpecs.MULTIPLY, a, orAll(o));
  }

  /** {@code np.max} ({@code maximum.reduce}: NaN propagates). */
  public static NDArray max(NDArray a) {
    return max(a, null);
  }

  public static NDArray max(NDArray a, Options o) {
    return reduce(UfuncSpecs.get("maximum"), a, orAll(o));
  }

  /** {@code np.min}. */
  public static NDArray min(NDArray a) {
    return min(a, null);
  }

  public static NDArray min(NDArray a, Options o) {
    return reduce(UfuncSpecs.get("minimum"), a, orAll(o));
  }

  /** {@code np.any}: bool result ({@code logical_or.reduce}). */
  public static NDArray any(NDArray a) {
    return any(a, null);
  }

  public static NDArray any(NDArray a, Options o) {
    return reduce(UfuncSpecs.get("logical_or"), a, orAll(o));
  }

  /** {@code np.all}: bool result ({@code logical_and.reduce}). */
  public static NDArray all(NDArray a) {
    return all(a, null);
  }

  public static NDArray all(NDArray a, Options o) {
    return reduce(UfuncSpecs.get("logical_and"), a, orAll(o));
  }

  /** {@code ufunc.reduce} with these options. */
  public static NDArray reduce(Ufunc u, NDArray a, Options o) {
    return reduce(u.spec(), a, orAll(o));
  }

  static NDArray reduce(UfuncSpec spec, NDArray a, Options o) {
    return Reduction.reduce(spec, a, o.axes, o.keepdims, o.dtype, o.out, o.where, o.initial);
  }

  // ================================================================ cumulative

  /** {@code np.cumsum(a)}: over the flattened (C order) array. */
  public static NDArray cumsum(NDArray a) {
    return cumulative(UfuncSpecs.ADD, a, null, null, null);
  }

  /** {@code np.cumsum(a, axis, dtype=, out=)} (dtype and out may be null). */
  public static NDArray cumsum(NDArray a, int axis, DType dtype, NDArray out) {
    return cumulative(UfuncSpecs.ADD, a, axis, dtype, out);
  }

  /** {@code np.cumprod(a)}: over the flattened (C order) array. */
  public static NDArray cumprod(NDArray a) {
    return cumulative(UfuncSpecs.MULTIPLY, a, null, null, null);
  }

  public static NDArray cumprod(NDArray a, int axis, DType dtype, NDArray out) {
    return cumulative(UfuncSpecs.MULTIPLY, a, axis, dtype, out);
  }

  /** {@code ufunc.accumulate(a, axis, dtype=, out=)}. */
  public static NDArray accumulate(Ufunc u, NDArray a, int axis, DType dtype, NDArray out) {
    return Accumulation.accumulate(u.spec(), a, axis, dtype, out);
  }

  private static NDArray cumulative(UfuncSpec spec, NDArray a, Integer axis, DType dtype,
      NDArray out) {
    if (axis != null) {
      return Accumulation.accumulate(spec, a, axis, dtype, out);
    }
    try (NDArray flat = a.ravel()) {
      return Accumulation.accumulate(spec, flat, 0, dtype, out);
    }
  }

  // ================================================================ statistics

  /**
   * {@code np.mean}: bool and integers in float64; float16 sums in float32 and returns float16
   * (through float32 along axes, directly for a full reduction, as NumPy); others in their dtype.
   */
  public static NDArray mean(NDArray a) {
    return mean(a, null);
  }

  public static NDArray mean(NDArray a, Options o) {
    o = orAll(o);
    DType in = a.dtype();
    boolean f16 = o.dtype == null && in == DType.FLOAT16;
    DType acc = o.dtype != null ? o.dtype : TypeResolver.meanAccumulatorType(in);
    DType rt = o.dtype != null ? o.dtype : TypeResolver.meanResultType(in);
    try (NDArray s = Reduction.reduce(UfuncSpecs.ADD, a, o.axes, o.keepdims, acc, null,
        o.where, null);
        NDArray cnt = counts(a, o, o.keepdims)) {
      boolean scalar = s.ndim() == 0 && o.out == null;
      NDArray r = Creation.empty(a.allocator(), rt, s.shape(), Order.C,
          Creation.DEFAULT_ALIGNMENT);
      long n = s.size();
      for (long k = 0; k < n; k++) {
        double v = Reduction.readDouble(acc, s.dataAddress() + k * acc.itemsize())
            / count(cnt, k);
        long addr = r.dataAddress() + k * rt.itemsize();
        if (f16 && !scalar) {
          v = (float) v; // NumPy divides into the float32 sum, then casts to float16
        }
        Reduction.writeDouble(rt, addr, v);
      }
      return finish(r, o.out);
    }
  }

  /** {@code np.var(a, ddof=)}: bool and integers in float64, floats in their own dtype. */
  public static NDArray var(NDArray a) {
    return var(a, null);
  }

  public static NDArray var(NDArray a, Options o) {
    return variance(a, orAll(o), false);
  }

  /** {@code np.std}: the square root of {@link #var}. */
  public static NDArray std(NDArray a) {
    return std(a, null);
  }

  public static NDArray std(NDArray a, Options o) {
    return variance(a, orAll(o), true);
  }

  private static NDArray variance(NDArray a, Options o, boolean sqrt) {
    DType in = a.dtype();
    DType sumType = o.dtype != null ? o.dtype : (in.isFloat() ? null : DType.FLOAT64);
    boolean[] red = Reduction.reducedAxes("var", o.axes, a.ndim());
    // pass 1: the mean, kept dims (NumPy: umr_sum(keepdims=True) / count, cast back)
    NDArray mean = Reduction.reduce(UfuncSpecs.ADD, a, o.axes, true, sumType, null, o.where,
        null);
    NDArray r = null;
    try (NDArray cnt = counts(a, o, true)) {
      DType mt = mean.dtype();
      for (long k = 0; k < mean.size(); k++) {
        long addr = mean.dataAddress() + k * mt.itemsize();
        Reduction.writeDouble(mt, addr, Reduction.readDouble(mt, addr) / count(cnt, k));
      }
      // pass 2: sum of squared deviations
      NDArray ssd = null;
      if (o.where == null && sumType == (in.isFloat() ? null : DType.FLOAT64)
          && mt == TypeResolver.varResultType(in)) {
        ssd = fusedSquaredDeviations(a, red, mean);
      }
      if (ssd == null) {
        ssd = numpySquaredDeviations(a, o, mean, sumType);
      }
      if (!o.keepdims) {
        NDArray sq = squeeze(ssd, red);
        ssd.close();
        ssd = sq;
      }
      try (NDArray s2 = ssd; NDArray c2 = o.keepdims ? null : counts(a, o, false)) {
        NDArray cc = o.keepdims ? cnt : c2;
        DType st = s2.dtype();
        r = Creation.empty(a.allocator(), st, s2.shape(), Order.C, Creation.DEFAULT_ALIGNMENT);
        for (long k = 0; k < s2.size(); k++) {
          double dof = Math.max(count(cc, k) - o.ddof, 0);
          double v = Reduction.readDouble(st, s2.dataAddress() + k * st.itemsize()) / dof;
          Reduction.writeDouble(st, r.dataAddress() + k * st.itemsize(), v);
        }
      }
      if (sqrt) {
        Ufunc.SQRT.apply(r, r);
      }
      NDArray res = r;
      r = null;
      return finish(res, o.out);
    } finally {
      mean.close();
      if (r != null) {
        r.close();
      }
    }
  }

  /** The fused pass over {@code a} (or its K-order copy when NumPy's temporary coalesces differently). */
  private static NDArray fusedSquaredDeviations(NDArray a, boolean[] red, NDArray mean) {
    NDArray res = mean.copy(Order.C);
    NDArray x = a;
    NDArray copy = null;
    try {
      if (!sameStructure(a, red)) {
        copy = a.copy(Order.K);
        x = copy;
      }
      if (Reduction.sumSquaredDeviations(x, red, res)) {
        NDArray r = res;
        res = null;
        return r;
      }
      return null;
    } finally {
      if (res != null) {
        res.close();
      }
      if (copy != null) {
        copy.close();
      }
    }
  }

  /** Whether {@code a} coalesces as a new array in its memory order would. */
  private static boolean sameStructure(NDArray a, boolean[] red) {
    long[] shape = a.shape();
    long[] zero = new long[shape.length];
    Reduction.Dims d1 = Reduction.dims(shape, a.strides(), zero, null, red);
    try (NDArray k = Creation.emptyLike(a, a.dtype(), Order.K)) {
      Reduction.Dims d2 = Reduction.dims(shape, k.strides(), zero, null, red);
      return java.util.Arrays.equals(d1.size, d2.size) && java.util.Arrays.equals(d1.red, d2.red);
    }
  }

  /** NumPy's own second pass: x = a - mean; x *= x; sum(x) (kept dims). */
  private static NDArray numpySquaredDeviations(NDArray a, Options o, NDArray mean,
      DType sumType) {
    try (NDArray x = Ufunc.SUBTRACT.apply(a, mean)) {
      Ufunc.MULTIPLY.apply(x, x, x);
      return Reduction.reduce(UfuncSpecs.ADD, x, o.axes, true, sumType, null, o.where, null);
    }
  }

  // ================================================================ arg reductions

  /** {@code np.argmax(a)}: the flat (C order) index of the first maximum; a NaN wins. */
  public static NDArray argmax(NDArray a) {
    return ReductionArg.arg(a, null, false, true);
  }

  /** {@code np.argmax(a, axis, keepdims=)}. */
  public static NDArray argmax(NDArray a, int axis, boolean keepdims) {
    return ReductionArg.arg(a, axis, keepdims, true);
  }

  public static NDArray argmin(NDArray a) {
    return ReductionArg.arg(a, null, false, false);
  }

  public static NDArray argmin(NDArray a, int axis, boolean keepdims) {
    return ReductionArg.arg(a, axis, keepdims, false);
  }

  // ================================================================ NaN-ignoring

  /** {@code np.nansum}: NaN counts as zero (a sum over a copy with NaNs replaced). */
  public static NDArray nansum(NDArray a) {
    return nansum(a, null);
  }

  public static NDArray nansum(NDArray a, Options o) {
    o = orAll(o);
    if (!a.dtype().isFloat()) {
      return sum(a, o);
    }
    try (NDArray c = replaceNan(a)) {
      return sum(c, o);
    }
  }

  /** {@code np.nanmax}: {@code fmax.reduce}; an all-NaN slice gives NaN. */
  public static NDArray nanmax(NDArray a) {
    return nanmax(a, null);
  }

  public static NDArray nanmax(NDArray a, Options o) {
    return reduce(UfuncSpecs.get("fmax"), a, orAll(o));
  }

  public static NDArray nanmin(NDArray a) {
    return nanmin(a, null);
  }

  public static NDArray nanmin(NDArray a, Options o) {
    return reduce(UfuncSpecs.get("fmin"), a, orAll(o));
  }

  /** {@code np.nanmean}: sum of the non-NaN elements (in the input's dtype) over their count. */
  public static NDArray nanmean(NDArray a) {
    return nanmean(a, null);
  }

  public static NDArray nanmean(NDArray a, Options o) {
    o = orAll(o);
    if (!a.dtype().isFloat()) {
      return mean(a, o);
    }
    try (NDArray c = replaceNan(a); NDArray ok = notNan(a);
        NDArray cnt = Reduction.reduce(UfuncSpecs.ADD, ok, o.axes, o.keepdims, DType.INT64,
            null, o.where, null);
        NDArray tot = Reduction.reduce(UfuncSpecs.ADD, c, o.axes, o.keepdims, o.dtype, null,
            o.where, null)) {
      DType t = tot.dtype();
      NDArray r = Creation.empty(a.allocator(), t, tot.shape(), Order.C,
          Creation.DEFAULT_ALIGNMENT);
      for (long k = 0; k < tot.size(); k++) {
        double v = Reduction.readDouble(t, tot.dataAddress() + k * t.itemsize())
            / Raw.getLong(cnt.dataAddress() + k * 8);
        Reduction.writeDouble(t, r.dataAddress() + k * t.itemsize(), v);
      }
      return finish(r, o.out);
    }
  }

  /** {@code np.nanvar}: NumPy's algorithm over the non-NaN elements. */
  public static NDArray nanvar(NDArray a) {
    return nanvar(a, null);
  }

  public static NDArray nanvar(NDArray a, Options o) {
    return nanVariance(a, orAll(o), false);
  }

  public static NDArray nanstd(NDArray a) {
    return nanstd(a, null);
  }

  public static NDArray nanstd(NDArray a, Options o) {
    return nanVariance(a, orAll(o), true);
  }

  private static NDArray nanVariance(NDArray a, Options o, boolean sqrt) {
    if (!a.dtype().isFloat()) {
      return variance(a, o, sqrt);
    }
    try (NDArray arr = replaceNan(a); NDArray ok = notNan(a);
        NDArray cnt = Reduction.reduce(UfuncSpecs.ADD, ok, o.axes, true, DType.INT64, null,
            o.where, null);
        NDArray avg = Reduction.reduce(UfuncSpecs.ADD, arr, o.axes, true, o.dtype, null,
            o.where, null)) {
      DType t = avg.dtype();
      for (long k = 0; k < avg.size(); k++) {
        long addr = avg.dataAddress() + k * t.itemsize();
        Reduction.writeDouble(t, addr, Reduction.readDouble(t, addr)
            / Raw.getLong(cnt.dataAddress() + k * 8));
      }
      // arr -= avg (where ok), masked elements back to 0, then squared
      Ufunc.SUBTRACT.with().out(arr).casting(Casting.UNSAFE).apply(arr, avg);
      try (NDArray zero = Creation.empty(a.allocator(), arr.dtype(), new long[0], Order.C,
          Creation.DEFAULT_ALIGNMENT)) {
        Raw.putBits(zero.dataAddress(), arr.dtype().itemsize(), 0);
        try (NDArray z = Ufunc.where(ok, arr, zero)) {
          arr.assign(z);
        }
      }
      Ufunc.MULTIPLY.apply(arr, arr, arr);
      try (NDArray s = Reduction.reduce(UfuncSpecs.ADD, arr, o.axes, o.keepdims, o.dtype, null,
          o.where, null);
          NDArray c2 = Reduction.reduce(UfuncSpecs.ADD, ok, o.axes, o.keepdims, DType.INT64,
              null, o.where, null)) {
        DType st = s.dtype();
        NDArray r = Creation.empty(a.allocator(), st, s.shape(), Order.C,
            Creation.DEFAULT_ALIGNMENT);
        for (long k = 0; k < s.size(); k++) {
          double dof = Raw.getLong(c2.dataAddress() + k * 8) - o.ddof;
          double v = Reduction.readDouble(st, s.dataAddress() + k * st.itemsize()) / dof;
          Reduction.writeDouble(st, r.dataAddress() + k * st.itemsize(),
              dof <= 0 ? Double.NaN : v);
        }
        if (sqrt) {
          Ufunc.SQRT.apply(r, r);
        }
        return finish(r, o.out);
      }
    }
  }

  // ================================================================ helpers

  /** The number of elements each output reduces: a 0-d int64 or an int64 array (where=). */
  private static NDArray counts(NDArray a, Options o, boolean keepdims) {
    if (o.where == null) {
      boolean[] red = Reduction.reducedAxes("mean", o.axes, a.ndim());
      long n = 1;
      for (int i = 0; i < red.length; i++) {
        if (red[i]) {
          n *= a.shape(i);
        }
      }
      NDArray c = Creation.empty(a.allocator(), DType.INT64, new long[0], Order.C,
          Creation.DEFAULT_ALIGNMENT);
      Raw.putLong(c.dataAddress(), n);
      return c;
    }
    try (NDArray ones = Creation.empty(a.allocator(), DType.BOOL, a.shape(), Order.C,
        Creation.DEFAULT_ALIGNMENT)) {
      Raw.fill(ones.dataAddress(), ones.size(), (byte) 1);
      return Reduction.reduce(UfuncSpecs.ADD, ones, o.axes, keepdims, DType.INT64, null,
          o.where, null);
    }
  }

  private static double count(NDArray cnt, long k) {
    return cnt.size() == 1 ? Raw.getLong(cnt.dataAddress()) : Raw.getLong(cnt.dataAddress()
        + k * 8);
  }

  /** Result into {@code out} (cast unsafely, as NumPy's reductions) or returned. */
  private static NDArray finish(NDArray r, NDArray out) {
    if (out == null) {
      return r;
    }
    try (NDArray rr = r) {
      if (!java.util.Arrays.equals(out.shape(), rr.shape())) {
        throw new io.tessera.errors.ShapeException("reduce", "output parameter has shape "
            + io.tessera.shape.Shapes.formatCompact(out.shape()) + " but the result has shape "
            + io.tessera.shape.Shapes.formatCompact(rr.shape()));
      }
      out.assign(rr);
    }
    return out;
  }

  /** Drops the reduced (length-1) axes of a keepdims result: a C-ordered copy. */
  private static NDArray squeeze(NDArray k, boolean[] red) {
    int n = 0;
    for (boolean b : red) {
      n += b ? 0 : 1;
    }
    long[] shape = new long[n];
    int j = 0;
    for (int i = 0; i < red.length; i++) {
      if (!red[i]) {
        shape[j++] = k.shape(i);
      }
    }
    NDArray r = Creation.empty(k.allocator(), k.dtype(), shape, Order.C,
        Creation.DEFAULT_ALIGNMENT);
    Raw.copy(k.dataAddress(), r.dataAddress(), k.size() * k.dtype().itemsize());
    return r;
  }

  /** A K-order copy of a float array with NaN replaced by 0 (NumPy's {@code _replace_nan}). */
  private static NDArray replaceNan(NDArray a) {
    NDArray c = a.copy(Order.K);
    try (NDArray nan = Ufunc.ISNAN.apply(c); NDArray zero = Creation.empty(a.allocator(),
        a.dtype(), new long[0], Order.C, Creation.DEFAULT_ALIGNMENT)) {
      Raw.putBits(zero.dataAddress(), a.dtype().itemsize(), 0);
      try (NDArray z = Ufunc.where(nan, zero, c)) {
        c.assign(z);
      }
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private static NDArray notNan(NDArray a) {
    NDArray n = Ufunc.ISNAN.apply(a);
    Ufunc.LOGICAL_NOT.apply(n, n);
    return n;
  }
}
