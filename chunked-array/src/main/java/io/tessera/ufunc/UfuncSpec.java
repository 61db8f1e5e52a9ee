package io.tessera.ufunc;

import io.tessera.dtype.Convert;
import io.tessera.dtype.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * What Tessera knows of one NumPy ufunc: its name, arity, reduction identity and inner loops
 * (NumPy's {@code ufunc.types} restricted to Tessera's twelve dtypes, in NumPy's order), plus the
 * rule NumPy 2.4.6 uses to pick a loop ({@link TypeResolver}). Instances are immutable; get them
 * from {@link UfuncSpecs}.
 */
public final class UfuncSpec {

  /**
   * Which of NumPy's (legacy) type resolvers the ufunc uses when no loop matches the operand
   * dtypes exactly (see {@link TypeResolver} for what each does).
   */
  enum Resolver {
    /** {@code PyUFunc_SimpleUniformOperationTypeResolver}: all dtypes = result_type(inputs). */
    UNIFORM,
    /** UNIFORM, then "numpy boolean subtract ... is not supported" for bool. */
    SUBTRACT,
    /** UNIFORM, then "The numpy boolean negative ... is not supported" for bool. */
    NEGATIVE,
    /** {@code PyUFunc_DefaultTypeResolver}: first loop the inputs cast to safely. */
    DEFAULT,
    /** DEFAULT, but integer and bool inputs use the float64 loop. */
    TRUE_DIVIDE,
    /** {@code PyUFunc_SimpleBinaryComparisonTypeResolver} (XX->?, int64/uint64 mixes). */
    COMPARISON,
    /** COMPARISON plus NumPy's logical promoter: anything else runs the ??->? loop. */
    LOGICAL,
    /** Not a ufunc: {@code np.where(cond, x, y)} runs in result_type(x, y). */
    WHERE
  }

  private final String name;
  private final List<String> aliases;
  private final int nin;
  private final int nout;
  private final Object identity;
  private final Resolver resolver;
  private final List<LoopSignature> loops;

  UfuncSpec(String name, List<String> aliases, int nin, int nout, Object identity,
      Resolver resolver, String loopCodes) {
    this.name = name;
    this.aliases = List.copyOf(aliases);
    this.nin = nin;
    this.nout = nout;
    this.identity = identity;
    this.resolver = resolver;
    List<LoopSignature> parsed = new ArrayList<>();
    if (!loopCodes.isBlank()) {
      for (String code : loopCodes.trim().split("\\s+")) {
        LoopSignature loop = LoopSignature.parse(code);
        if (loop.in().length != nin || loop.out().length != nout) {
          throw new IllegalArgumentException(name + ": loop " + code + " has the wrong arity");
        }
        parsed.add(loop);
      }
    }
    this.loops = Collections.unmodifiableList(parsed);
  }

  /**
   * NumPy's {@code ufunc.__name__}, used in all error messages: {@code "divide"} for
   * true_divide, {@code "remainder"} for mod, {@code "absolute"} for abs.
   */
  public String name() {
    return name;
  }

  /** Other names {@link UfuncSpecs#get} accepts for this ufunc ({@code "true_divide"}, ...). */
  public List<String> aliases() {
    return aliases;
  }

  /** Number of inputs (3 for clip and where). */
  public int nin() {
    return nin;
  }

  /** Number of outputs (always 1 here). */
  public int nout() {
    return nout;
  }

  /** {@code nin() + nout()}. */
  public int nargs() {
    return nin + nout;
  }

  /**
   * NumPy's {@code ufunc.identity}: a {@code Long} (add 0, multiply 1, bitwise_and -1, bitwise_or
   * and bitwise_xor 0, hypot 0), a {@code Boolean} (logical_and True, logical_or and logical_xor
   * False), or {@code null} (maximum, minimum, subtract, ...: a reduction of an empty array
   * raises "zero-size array to reduction operation maximum which has no identity").
   */
  public Object identity() {
    return identity;
  }

  /** Whether {@link #identity()} is non-null. */
  public boolean hasIdentity() {
    return identity != null;
  }

  /**
   * The identity as raw bits of a reduction in {@code dtype} (the reduce loop's dtype): the
   * identity converted as NumPy's {@code astype} does, so bitwise_and's -1 is all ones in every
   * integer type (NumPy converts it through int64 for unsigned types), True is 1.
   *
   * @throws IllegalStateException if the ufunc has no identity
   */
  public long identityBits(DType dtype) {
    if (identity == null) {
      throw new IllegalStateException("ufunc '" + name + "' has no identity");
    }
    if (identity instanceof Boolean b) {
      return Convert.rawBitsConvert(DType.BOOL, dtype, b ? 1 : 0);
    }
    return Convert.rawBitsConvert(DType.INT64, dtype, (Long) identity);
  }

  /** The loops in NumPy's order (int64 as 'q', uint64 as 'Q'; 'l'/'L' duplicates dropped). */
  public List<LoopSignature> loops() {
    return loops;
  }

  /** The first loop whose inputs are exactly {@code in}, if any. */
  public Optional<LoopSignature> findLoop(DType... in) {
    for (LoopSignature loop : loops) {
      if (Arrays.equals(loop.in(), in)) {
        return Optional.of(loop);
      }
    }
    return Optional.empty();
  }

  /** equal, not_equal, less, less_equal, greater, greater_equal. */
  public boolean isComparison() {
    return resolver == Resolver.COMPARISON;
  }

  /** logical_and, logical_or, logical_xor (binary; logical_not is an ordinary unary ufunc). */
  public boolean isLogical() {
    return resolver == Resolver.LOGICAL;
  }

  /** The pseudo-ufunc {@code where} (np.where is not a ufunc in NumPy). */
  public boolean isWhere() {
    return resolver == Resolver.WHERE;
  }

  Resolver resolver() {
    return resolver;
  }

  @Override
  public String toString() {
    return "<ufunc '" + name + "'>";
  }
}
