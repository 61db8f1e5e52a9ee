package io.tessera.linalg;

import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.linalg.einsum.EinsumPath;
import io.tessera.linalg.einsum.Strategy;
import io.tessera.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The keyword arguments of {@link Einsum#einsum(String, EinsumOptions, NDArray...)}, NumPy's
 * {@code optimize=}, {@code out=}, {@code dtype=} and {@code casting=}. Immutable: every setter
 * returns a new instance, so one options value can be shared between threads and calls.
 *
 * <pre>{@code
 * Einsum.einsum("ij,jk,kl->il", EinsumOptions.optimized(), a, b, c);       // optimize=True
 * Einsum.einsum("ij,jk->ik", EinsumOptions.defaults().out(c), a, b);        // out=c
 * Einsum.einsum("i,i", EinsumOptions.defaults().dtype(DType.FLOAT64), x, y); // dtype=float64
 * }</pre>
 *
 * <p>{@code optimize} is {@link Strategy#NONE} by default (NumPy's {@code optimize=False}: one
 * pass over the whole index space); {@code true} means {@link Strategy#GREEDY} as in NumPy. The
 * memory limit bounds the elements of any intermediate the optimizer may plan (NumPy's
 * {@code optimize=('greedy', limit)}); {@link EinsumPath#DEFAULT_MEMORY_LIMIT} (-1) is NumPy's
 * default, the largest input or output. An explicit path ({@link #path(int[]...)}) is NumPy's
 * {@code optimize=['einsum_path', (1, 2), (0, 1)]}.
 *
 * <p>{@code casting} null (the default) means NumPy's defaults: {@code 'safe'} for the one-pass
 * evaluation and for steps of three or more operands (NumPy's C einsum), {@code 'same_kind'} for
 * two-operand steps of an optimized path (NumPy runs those through {@code matmul} /
 * {@code multiply}).
 */
public final class EinsumOptions {
  private static final EinsumOptions DEFAULTS = new EinsumOptions(Strategy.NONE,
      EinsumPath.DEFAULT_MEMORY_LIMIT, null, null, null, null);

  private final Strategy strategy;
  private final long memoryLimit;
  private final List<int[]> path;
  private final NDArray out;
  private final DType dtype;
  private final Casting casting;

  private EinsumOptions(Strategy strategy, long memoryLimit, List<int[]> path, NDArray out,
      DType dtype, Casting casting) {
    this.strategy = strategy;
    this.memoryLimit = memoryLimit;
    this.path = path;
    this.out = out;
    this.dtype = dtype;
    this.casting = casting;
  }

  /** NumPy's defaults: {@code optimize=False}, no out, dtype from the operands. */
  public static EinsumOptions defaults() {
    return DEFAULTS;
  }

  /** {@code optimize=True} (the greedy optimizer). */
  public static EinsumOptions optimized() {
    return DEFAULTS.optimize(true);
  }

  /** {@code optimize=True} (greedy) or {@code optimize=False} (none). Clears an explicit path. */
  public EinsumOptions optimize(boolean optimize) {
    return optimize(Strategy.of(optimize));
  }

  /** The optimizer. Clears an explicit path. */
  public EinsumOptions optimize(Strategy strategy) {
    return new EinsumOptions(Objects.requireNonNull(strategy, "strategy"), memoryLimit, null, out,
        dtype, casting);
  }

  /**
   * NumPy's named optimizers, {@code "greedy"} or {@code "optimal"}.
   *
   * @throws io.tessera.errors.EinsumException (UNKNOWN_STRATEGY) with NumPy's message otherwise
   */
  public EinsumOptions optimize(String name) {
    return optimize(Strategy.named(name));
  }

  /**
   * The most elements an intermediate may have ({@code optimize=(strategy, limit)}), or
   * {@link EinsumPath#DEFAULT_MEMORY_LIMIT} for NumPy's default.
   */
  public EinsumOptions memoryLimit(long elements) {
    return new EinsumOptions(strategy, elements, path, out, dtype, casting);
  }

  /**
   * An explicit contraction path, NumPy's {@code optimize=['einsum_path', *steps]}: each step
   * lists positions in the current operand list (each step's result is appended at the end).
   */
  public EinsumOptions path(int[]... steps) {
    List<int[]> p = new ArrayList<>(steps.length);
    for (int[] s : steps) {
      p.add(Objects.requireNonNull(s, "path step").clone());
    }
    return new EinsumOptions(strategy, memoryLimit, Collections.unmodifiableList(p), out, dtype,
        casting);
  }

  /**
   * Write the result into {@code out} ({@code out=}): its shape must be the result's and its
   * dtype one the result casts to under the casting rule. Everything is checked before it is
   * written; the call returns {@code out} itself (not a new reference: the caller still owns it).
   */
  public EinsumOptions out(NDArray out) {
    return new EinsumOptions(strategy, memoryLimit, path, out, dtype, casting);
  }

  /** The computation (and result) dtype ({@code dtype=}); null for NumPy's result_type. */
  public EinsumOptions dtype(DType dtype) {
    return new EinsumOptions(strategy, memoryLimit, path, out, dtype, casting);
  }

  /** The casting rule for {@code dtype=} and {@code out=}; null for NumPy's defaults. */
  public EinsumOptions casting(Casting casting) {
    return new EinsumOptions(strategy, memoryLimit, path, out, dtype, casting);
  }

  public Strategy strategy() {
    return strategy;
  }

  public long memoryLimit() {
    return memoryLimit;
  }

  /** The explicit path's steps (copies), or null when the optimizer plans the path. */
  public List<int[]> path() {
    if (path == null) {
      return null;
    }
    List<int[]> p = new ArrayList<>(path.size());
    for (int[] s : path) {
      p.add(s.clone());
    }
    return p;
  }

  public NDArray out() {
    return out;
  }

  public DType dtype() {
    return dtype;
  }

  public Casting casting() {
    return casting;
  }

  /** True when the operands are contracted pairwise along a path (anything but optimize=False). */
  boolean optimizes() {
    return path != null || strategy != Strategy.NONE;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("EinsumOptions[optimize=");
    if (path != null) {
      sb.append("['einsum_path'");
      for (int[] s : path) {
        sb.append(", ").append(Arrays.toString(s));
      }
      sb.append(']');
    } else {
      sb.append(strategy.numpyName());
    }
    if (memoryLimit != EinsumPath.DEFAULT_MEMORY_LIMIT) {
      sb.append(", memoryLimit=").append(memoryLimit);
    }
    if (out != null) {
      sb.append(", out=").append(EinsumLoop.shapeString(out.shape())).append(' ')
          .append(out.dtype());
    }
    if (dtype != null) {
      sb.append(", dtype=").append(dtype);
    }
    if (casting != null) {
      sb.append(", casting=").append(casting);
    }
    return sb.append(']').toString();
  }
}
