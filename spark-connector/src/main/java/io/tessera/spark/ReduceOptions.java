package io.tessera.spark;

import java.io.Serializable;

/**
 * NumPy's keyword arguments of a distributed reduction along axes: {@code axis} (one axis, a
 * tuple, or every axis), {@code keepdims}, and {@code ddof} for var/std. Immutable; each setter
 * returns a new instance.
 *
 * <pre>{@code
 * DistributedArray colSums = a.sum(ReduceOptions.axis(0));
 * DistributedArray v = a.var(ReduceOptions.axis(0, 2).keepdims(true).ddof(1));
 * }</pre>
 */
public final class ReduceOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int[] axes;
  private final boolean keepdims;
  private final double ddof;

  private ReduceOptions(int[] axes, boolean keepdims, double ddof) {
    this.axes = axes;
    this.keepdims = keepdims;
    this.ddof = ddof;
  }

  /** Every axis ({@code axis=None}). */
  public static ReduceOptions all() {
    return new ReduceOptions(null, false, 0);
  }

  /** These axes (negative counts from the end; {@code axis()} with none reduces nothing). */
  public static ReduceOptions axis(int... axes) {
    return new ReduceOptions(axes.clone(), false, 0);
  }

  public ReduceOptions keepdims(boolean keepdims) {
    return new ReduceOptions(axes, keepdims, ddof);
  }

  /** Delta degrees of freedom of var/std (NumPy's default 0). */
  public ReduceOptions ddof(double ddof) {
    return new ReduceOptions(axes, keepdims, ddof);
  }

  /** The axes as given, or null for every axis. */
  public int[] axes() {
    return axes == null ? null : axes.clone();
  }

  public boolean keepdims() {
    return keepdims;
  }

  public double ddof() {
    return ddof;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("axis=");
    if (axes == null) {
      sb.append("None");
    } else {
      sb.append('(');
      for (int i = 0; i < axes.length; i++) {
        sb.append(i == 0 ? "" : ", ").append(axes[i]);
      }
      sb.append(axes.length == 1 ? ",)" : ")");
    }
    if (keepdims) {
      sb.append(", keepdims=True");
    }
    if (ddof != 0) {
      sb.append(", ddof=").append(ddof);
    }
    return sb.toString();
  }
}
