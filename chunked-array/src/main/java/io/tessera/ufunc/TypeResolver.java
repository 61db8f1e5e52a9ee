package io.tessera.ufunc;

import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.dtype.Promotion;
import io.tessera.errors.CastingException;
import io.tessera.errors.ScalarOverflowException;
import io.tessera.errors.UfuncTypeException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Picks the inner loop NumPy 2.4.6 runs for a ufunc call, and raises the errors NumPy raises, with
 * NumPy's messages. Checked against NumPy for every ufunc of {@link UfuncSpecs}, every combination
 * of input dtypes, every casting mode, {@code dtype=} and {@code out=} dtypes, and NEP 50 weak
 * scalars (goldens {@code ufunc_types/*}, see {@code gen_ufunc_type_goldens.py}).
 *
 * <h2>The algorithm (NumPy's dispatching, restricted to Tessera's dtypes)</h2>
 *
 * <ol>
 *   <li><b>Operand DTypes.</b> Arrays bring their dtype; weak Python int/float scalars (see {@link
 *       Promotion}) bring the abstract "Python int"/"Python float" DTypes. Exception: a unary
 *       ufunc treats a Python scalar as an array of its default dtype ({@code np.asarray(x)}:
 *       int64, uint64 for ints of 2<sup>63</sup> and more, float64), so {@code np.negative(300,
 *       dtype=int8)} is -44, not an overflow. {@code dtype=} fixes the output DType ({@code
 *       signature=(None, ..., dtype)}); the dtypes of {@code out=} arrays play no part in choosing
 *       the loop, only in the final output casting check.
 *   <li><b>Registered loops.</b> A loop whose dtypes equal the operand DTypes exactly wins. The
 *       comparisons also have loops for (integer array, Python int), which compare with the
 *       exact value: an out-of-range Python int gives a constant result ({@link
 *       Resolution#fixedResult()}), never an overflow error; two Python ints compare as Python
 *       objects (reported here as {@code qq->?}). logical_and/or/xor send any other inputs to
 *       their {@code ??->?} loop, whose inputs are cast to bool regardless of the casting rule.
 *   <li><b>Legacy type resolvers</b> otherwise: add, subtract, multiply, maximum, minimum, fmax,
 *       fmin, positive, negative, absolute, sign and clip run in {@code result_type} of the
 *       inputs (or all in the {@code dtype=}); subtract and negative refuse bool. The
 *       comparisons run in the result_type too, except that a mix of signed and unsigned integers
 *       promoting to float64 uses the {@code qQ->?}/{@code Qq->?} loops. Everything else takes
 *       the first loop (in NumPy's order) all inputs cast to <em>safely</em> (so sqrt of int8 is
 *       float16, of int16 float32, of int32 float64; divide of integers is special-cased to
 *       {@code dd->d}), with weak scalars accepted by any float loop and Python ints by any
 *       integer loop when an array of at least their kind is present. With {@code dtype=}, the
 *       first loop with that output whose unspecified inputs cast safely, else the loop with
 *       every dtype equal to it, else "No loop matching the specified signature and casting was
 *       found for ufunc ...".
 *   <li><b>Weak scalar conversion</b>, for each weak scalar the casting rule lets through
 *       (a Python int towards any integer or float loop, a Python float towards any float loop,
 *       whatever the rule, {@code casting='no'} included; towards bool, and a float towards an
 *       integer, only under {@code 'unsafe'}): it is converted to the loop's input dtype
 *       ({@link Promotion#weakScalarBits}), raising "Python integer 300 out of bounds for
 *       uint8"; under {@code casting='equiv'} any conversion other than a Python int to int64 or
 *       a Python float to float64 raises "cannot cast Python int to uint8 under the casting rule
 *       'equiv'" instead (not in the integer/Python-int comparison loops). This happens before
 *       the arrays' casting check.
 *   <li><b>Input casting check</b> under {@code casting} (default same_kind), inputs in order:
 *       "Cannot cast ufunc 'add' input 1 from dtype('float64') to dtype('int32') with casting
 *       rule 'same_kind'" (a weak scalar not let through above is reported with its default
 *       dtype, int64 or float64).
 *   <li><b>Output casting check</b> against {@code out=} dtypes: "Cannot cast ufunc 'add' output
 *       from dtype('float64') to dtype('int32') with casting rule 'same_kind'".
 * </ol>
 *
 * <p>NumPy caches dispatch results by operand DTypes only, so in a long-running NumPy process a
 * reduction with {@code dtype=} can change what a later ordinary call resolves to (after {@code
 * np.equal.reduce(int8_arr, dtype=bool)}, {@code np.equal(bool_arr, int8_arr, dtype=bool)} runs
 * {@code ??->?} instead of {@code bb->?}). Tessera follows a fresh NumPy process.
 *
 * <h2>Reductions</h2>
 *
 * {@link #resolveReduce} follows {@code ufunc.reduce} (and {@code accumulate}), which always use
 * {@code casting='unsafe'}. Without {@code dtype=} (and without {@code out=}), add and multiply
 * reduce bool and integers narrower than 64 bits in int64 (signed and bool) or uint64 (unsigned):
 * that is {@code np.sum}, {@code np.prod}, {@code np.cumsum}, {@code np.cumprod}. float16 stays
 * float16 (accumulated in float16 by NumPy's loop). Loops whose output differs from their first
 * input are redone with the first input fixed to the output dtype: {@code np.all}/{@code np.any}
 * ({@code logical_and}/{@code logical_or.reduce}) therefore run {@code ??->?} and return bool for
 * every dtype, while comparisons only reduce bool. {@code np.max}/{@code np.min} keep the dtype.
 *
 * <p>The statistics built on top (NumPy's {@code _methods.py}), see {@link #meanResultType},
 * {@link #meanAccumulatorType}, {@link #varResultType}:
 *
 * <ul>
 *   <li>{@code np.mean}: bool and integers sum in float64 ({@code add.reduce(dtype=float64)},
 *       the inputs cast to float64 first) and return float64; float16 sums in float32 and the
 *       result is cast back to float16 (for a full reduction NumPy divides the float32 sum by the
 *       count in float64 and casts that straight to float16; along an axis it divides in float64
 *       into the float32 buffer, then casts to float16); float32 and float64 sum in their own
 *       type, the division by the count (an intp) runs in float64 ({@code dd->d}) and is cast
 *       back, unsafely.
 *   <li>{@code np.var} / {@code np.std}: bool and integers compute in float64; floats in their
 *       own type, float16 included (no float32 accumulator): mean as above but in that dtype,
 *       {@code x - mean}, squared, summed, divided by {@code max(n - ddof, 0)} (again through
 *       {@code dd->d} and cast back); std is the sqrt of that.
 * </ul>
 */
public final class TypeResolver {

  /**
   * Everything the executor needs beyond the loop.
   *
   * <ul>
   *   <li>{@code operandTypes[i]}: the dtype of the array NumPy feeds to the loop's input cast:
   *       the array's own dtype; for a weak scalar of a binary or ternary ufunc, normally the
   *       loop's input dtype (the scalar was converted first); for a weak scalar the casting rule
   *       did not let through (only possible with logical_and/or/xor's {@code ??->?}, which casts
   *       any input) and for a scalar of a unary ufunc, its default dtype (int64, uint64 or
   *       float64), to be cast like an array;
   *   <li>{@code scalarBits[i]}: that scalar's raw bits in {@code operandTypes[i]},
   *       zero-extended (0 for arrays and for scalars given without a value);
   *   <li>{@code fixedResult}: non-null when a comparison of an integer array with an
   *       out-of-range Python int returns that constant for every element (NumPy's special
   *       comparison loop); the loop is then only informative.
   * </ul>
   */
  public record Resolution(LoopSignature loop, DType[] operandTypes, long[] scalarBits,
      Boolean fixedResult) {

    @Override
    public boolean equals(Object o) {
      return o instanceof Resolution r && loop.equals(r.loop)
          && Arrays.equals(operandTypes, r.operandTypes) && Arrays.equals(scalarBits, r.scalarBits)
          && Objects.equals(fixedResult, r.fixedResult);
    }

    @Override
    public int hashCode() {
      return Objects.hash(loop, Arrays.hashCode(operandTypes), Arrays.hashCode(scalarBits),
          fixedResult);
    }

    @Override
    public String toString() {
      return loop + " operands " + Arrays.toString(operandTypes)
          + (fixedResult != null ? " fixed " + fixedResult : "");
    }
  }

  private static final int NONE = -1;
  private static final int PYINT = 100;
  private static final int PYFLOAT = 101;

  /** Python-scalar kinds of an operand. */
  private static final int STRONG = 0;
  private static final int PY_INT = 1;
  private static final int PY_FLOAT = 2;

  private TypeResolver() {}

  // ================================================================ public API

  /**
   * The loop NumPy picks for {@code ufunc(*operands, dtype=dtypeArg, out=..., casting=casting)}.
   *
   * @param operandTypes the inputs' dtypes; a weak scalar is INT64 (Python int), FLOAT64 (Python
   *     float) or BOOL (Python bool, which NumPy treats as a bool array)
   * @param weak which inputs are Python scalars (null: none)
   * @param weakValues the scalars' values (null, or null entries: resolve types only, without the
   *     overflow checks); integers as Long/Integer/BigInteger, floats as Double
   * @param dtypeArg NumPy's {@code dtype=} (nullable)
   * @param outTypes the {@code out=} arrays' dtypes (nullable, or nullable entries)
   * @param casting the casting rule (null: same_kind)
   * @throws UfuncTypeException no loop (NumPy's TypeError / UFuncTypeError)
   * @throws CastingException an input or output cast the rule forbids
   * @throws ScalarOverflowException a weak integer out of the loop dtype's range
   */
  public static LoopSignature resolve(UfuncSpec ufunc, DType[] operandTypes, boolean[] weak,
      Number[] weakValues, DType dtypeArg, DType[] outTypes, Casting casting) {
    return resolveFull(ufunc, operandTypes, weak, weakValues, dtypeArg, outTypes, casting).loop();
  }

  /** {@link #resolve(UfuncSpec, DType[], boolean[], Number[], DType, DType[], Casting)} for arrays. */
  public static LoopSignature resolve(UfuncSpec ufunc, DType... operandTypes) {
    return resolveFull(ufunc, operandTypes, null, null, null, null, null).loop();
  }

  /** The loop for arrays and scalars, default casting, no {@code dtype=} or {@code out=}. */
  public static LoopSignature resolve(UfuncSpec ufunc, Operand... operands) {
    return resolveFull(ufunc, operands, null, null, null).loop();
  }

  /** {@link #resolveFull(UfuncSpec, DType[], boolean[], Number[], DType, DType[], Casting)}. */
  public static Resolution resolveFull(UfuncSpec ufunc, Operand[] operands, DType dtypeArg,
      DType[] outTypes, Casting casting) {
    DType[] types = new DType[operands.length];
    boolean[] weak = new boolean[operands.length];
    Number[] values = new Number[operands.length];
    for (int i = 0; i < operands.length; i++) {
      types[i] = operands[i].dtype();
      weak[i] = operands[i].isWeak();
      values[i] = operands[i].value();
    }
    return resolveFull(ufunc, types, weak, values, dtypeArg, outTypes, casting);
  }

  /**
   * As {@link #resolve(UfuncSpec, DType[], boolean[], Number[], DType, DType[], Casting)}, with
   * the converted scalars and the constant result of out-of-range integer comparisons.
   */
  public static Resolution resolveFull(UfuncSpec ufunc, DType[] operandTypes, boolean[] weak,
      Number[] weakValues, DType dtypeArg, DType[] outTypes, Casting casting) {
    Objects.requireNonNull(ufunc, "ufunc");
    int nin = ufunc.nin();
    if (operandTypes.length != nin) {
      throw new IllegalArgumentException("ufunc '" + ufunc.name() + "' takes " + nin
          + " inputs, got " + operandTypes.length);
    }
    if (outTypes != null && outTypes.length != ufunc.nout()) {
      throw new IllegalArgumentException("ufunc '" + ufunc.name() + "' has " + ufunc.nout()
          + " outputs, got " + outTypes.length + " out= dtypes");
    }
    if (casting == null) {
      casting = Casting.SAME_KIND;
    }
    Op[] ops = new Op[nin];
    for (int i = 0; i < nin; i++) {
      ops[i] = operand(ufunc, operandTypes[i], weak != null && weak[i],
          weakValues == null ? null : weakValues[i]);
    }
    if (ufunc.isWhere()) {
      return resolveWhere(ufunc, ops, dtypeArg, outTypes);
    }
    return new Call(ufunc, ops, dtypeArg, outTypes, casting).run();
  }

  // ---------------------------------------------------------------- reductions

  /**
   * The loop of {@code ufunc.reduce(arr, dtype=dtypeArg)} for an array of {@code input} (NumPy's
   * reduce type resolution, casting='unsafe'; see the class comment). The result dtype is the
   * loop's output.
   *
   * @throws UfuncTypeException when NumPy cannot reduce (e.g. subtract of bool, less of int8)
   */
  public static LoopSignature resolveReduce(UfuncSpec ufunc, DType input, DType dtypeArg) {
    return reduceLike(ufunc, input, dtypeArg, "reduce", false);
  }

  /** The loop of {@code ufunc.accumulate(arr, dtype=dtypeArg)} (same rules as reduce). */
  public static LoopSignature resolveAccumulate(UfuncSpec ufunc, DType input, DType dtypeArg) {
    return reduceLike(ufunc, input, dtypeArg, "accumulate", true);
  }

  /**
   * The result dtype of {@code ufunc.reduce(arr, dtype=dtypeArg)}: add/multiply of bool and
   * int8..int32 give int64, of uint8..uint32 uint64; float16 stays float16; logical_and/or give
   * bool; see the class comment.
   */
  public static DType resultTypeForReduce(UfuncSpec ufunc, DType input, DType dtypeArg) {
    return resolveReduce(ufunc, input, dtypeArg).out()[0];
  }

  /**
   * The dtype {@code np.mean} accumulates in when no {@code dtype=} is given: float64 for bool
   * and integers, float32 for float16, else the input dtype.
   */
  public static DType meanAccumulatorType(DType input) {
    if (input.isBool() || input.isInteger()) {
      return DType.FLOAT64;
    }
    return input == DType.FLOAT16 ? DType.FLOAT32 : input;
  }

  /** {@code np.mean}'s result dtype: float64 for bool and integers, else the input dtype. */
  public static DType meanResultType(DType input) {
    return input.isFloat() ? input : DType.FLOAT64;
  }

  /**
   * {@code np.var}/{@code np.std}'s result and working dtype: float64 for bool and integers,
   * else the input dtype (float16 included: no float32 accumulator, unlike mean).
   */
  public static DType varResultType(DType input) {
    return input.isFloat() ? input : DType.FLOAT64;
  }

  // ================================================================ operands

  /** One input as NumPy's dispatcher sees it. */
  private static final class Op {
    /** The operand array's dtype (int64 / float64 for a weak Python int / float). */
    final DType descr;
    /** STRONG, PY_INT or PY_FLOAT. */
    final int py;
    /** A weak scalar's value, or a unary ufunc's Python scalar (may be null). */
    final Number value;

    Op(DType descr, int py, Number value) {
      this.descr = descr;
      this.py = py;
      this.value = value;
    }

    int code() {
      return py == PY_INT ? PYINT : py == PY_FLOAT ? PYFLOAT : descr.ordinal();
    }
  }

  private static Op operand(UfuncSpec ufunc, DType type, boolean weak, Number value) {
    Objects.requireNonNull(type, "operand dtype");
    if (!weak || type == DType.BOOL) {
      return new Op(type, STRONG, weak ? value : null); // a Python bool is a bool array
    }
    if (type != DType.INT64 && type != DType.FLOAT64) {
      throw new IllegalArgumentException("a weak scalar is int64 (Python int), float64 (Python "
          + "float) or bool, not " + type);
    }
    if (value != null && Promotion.weakKind(value) != type) {
      throw new IllegalArgumentException("weak value " + value + " is not a " + type + " scalar");
    }
    if (ufunc.nin() == 1) {
      // unary ufuncs do not treat Python scalars as weak: they are np.asarray(x)
      return new Op(value == null ? type : Promotion.defaultDType(value), STRONG, value);
    }
    return new Op(type, type == DType.INT64 ? PY_INT : PY_FLOAT, value);
  }

  // ================================================================ one call

  /** The state of one resolution. */
  private static final class Call {
    final UfuncSpec u;
    final Op[] ops;
    final DType dtypeArg;
    final DType[] outTypes;
    final Casting casting;
    final int nin;
    final int nargs;

    Call(UfuncSpec u, Op[] ops, DType dtypeArg, DType[] outTypes, Casting casting) {
      this.u = u;
      this.ops = ops;
      this.dtypeArg = dtypeArg;
      this.outTypes = outTypes;
      this.casting = casting;
      this.nin = u.nin();
      this.nargs = u.nargs();
    }

    Resolution run() {
      DType[] signature = new DType[nargs];
      for (int j = nin; j < nargs; j++) {
        signature[j] = dtypeArg;
      }
      int[] opDTypes = new int[nargs];
      for (int i = 0; i < nin; i++) {
        opDTypes[i] = ops[i].code();
      }
      for (int j = nin; j < nargs; j++) {
        opDTypes[j] = signature[j] == null ? NONE : signature[j].ordinal();
      }
      Found found = promote(u, ops, signature, opDTypes);
      LoopSignature loop = found.loop;

      // Weak scalars castable to their loop input are converted first (NumPy replaces them by
      // arrays of the loop dtype), which is where overflow and 'equiv' errors come from.
      DType[] operandTypes = new DType[nin];
      long[] bits = new long[nin];
      boolean[] pending = new boolean[nin];
      Boolean fixed = null;
      for (int i = 0; i < nin; i++) {
        Op op = ops[i];
        operandTypes[i] = op.descr;
        if (op.py == STRONG) {
          if (op.value != null) {
            bits[i] = op.descr == DType.BOOL ? (op.value.longValue() != 0 ? 1 : 0)
                : Promotion.defaultBits(op.value);
          }
          continue;
        }
        if (found.kind == Found.OBJECT_COMPARISON) {
          if (op.value != null) {
            bits[i] = Promotion.defaultBits(op.value); // compared as Python ints
          }
          continue;
        }
        DType target = loop.in()[i];
        if (found.kind == Found.PYINT_COMPARISON) {
          // the (integer, Python int) comparison loops take the value as it is: an in-range
          // value is compared in the array's dtype, any other gives a constant result
          operandTypes[i] = target;
          if (op.value != null) {
            int side = Promotion.rangeSide(target, op.value);
            if (side != 0) {
              fixed = fixedComparison(u, i == 0 ? -side : side);
            } else {
              bits[i] = Promotion.weakScalarBits(u.name(), target, op.value);
            }
          }
          continue;
        }
        if (!pyScalarCanCast(op.py, target, casting)) {
          pending[i] = true; // left as np.asarray(x); the casting check below decides
          if (op.value != null) {
            bits[i] = Promotion.defaultBits(op.value);
          }
          continue;
        }
        if (target != op.descr && casting == Casting.EQUIV) {
          throw new CastingException(u.name(), "cannot cast Python "
              + (op.py == PY_INT ? "int" : "float") + " to " + target.numpyName()
              + " under the casting rule 'equiv'");
        }
        operandTypes[i] = target;
        if (op.value != null) {
          bits[i] = Promotion.weakScalarBits(u.name(), target, op.value);
        }
      }

      // input casting; logical_and/or/xor's ??->? loop casts any input to bool
      boolean forceCastInputs = u.isLogical() && loop.in()[0] == DType.BOOL
          && loop.in()[1] == DType.BOOL && loop.out()[0] == DType.BOOL;
      if (!forceCastInputs) {
        for (int i = 0; i < nin; i++) {
          Op op = ops[i];
          boolean ok = op.py == STRONG ? Casting.canCast(op.descr, loop.in()[i], casting)
              : !pending[i];
          if (!ok) {
            throw new CastingException(u.name(), "Cannot cast ufunc '" + u.name() + "' input "
                + (nin != 1 ? i + " " : "") + "from " + repr(op.descr) + " to "
                + repr(loop.in()[i]) + " with casting rule '" + casting.numpyName() + "'");
          }
        }
      }

      // output casting
      if (outTypes != null) {
        for (int j = 0; j < u.nout(); j++) {
          DType to = outTypes[j];
          DType from = loop.out()[j];
          if (to != null && !Casting.canCast(from, to, casting)) {
            throw new CastingException(u.name(), "Cannot cast ufunc '" + u.name() + "' output "
                + (u.nout() != 1 ? j + " " : "") + "from " + repr(from) + " to " + repr(to)
                + " with casting rule '" + casting.numpyName() + "'");
          }
        }
      }
      return new Resolution(loop, operandTypes, bits, fixed);
    }
  }

  /** The constant of a comparison with a value beyond the array's range ({@code side} != 0). */
  private static Boolean fixedComparison(UfuncSpec u, int side) {
    // side < 0: the scalar came second and is smaller, or came first and is larger
    String n = u.name();
    boolean lowLike = n.equals("equal") || n.equals("less") || n.equals("less_equal");
    boolean highLike = n.equals("equal") || n.equals("greater") || n.equals("greater_equal");
    return side < 0 ? !lowLike : !highLike;
  }

  // ================================================================ dispatching

  /** A dispatch result: the loop and how NumPy's implementation treats the inputs. */
  private static final class Found {
    static final int PLAIN = 0;
    /** (integer array, Python int) comparison loop: exact comparison with the value. */
    static final int PYINT_COMPARISON = 1;
    /** Two Python ints compared as Python objects (NumPy's OO->? loop). */
    static final int OBJECT_COMPARISON = 2;

    final LoopSignature loop;
    final int kind;

    Found(LoopSignature loop, int kind) {
      this.loop = loop;
      this.kind = kind;
    }
  }

  /**
   * NumPy's {@code promote_and_get_ufuncimpl}: registered loops and promoters, else the legacy
   * type resolver, then the signature check.
   */
  private static Found promote(UfuncSpec u, Op[] ops, DType[] signature, int[] opDTypes) {
    Found found = lookup(u, opDTypes);
    if (found == null) {
      LoopSignature legacy = legacyResolve(u, ops, signature);
      found = lookup(u, codes(legacy));
      if (found == null) {
        throw noLoop(u, opDTypes);
      }
    }
    LoopSignature loop = found.loop;
    for (int k = 0; k < signature.length; k++) {
      if (signature[k] != null && dtypeAt(loop, k) != signature[k]) {
        throw noLoop(u, opDTypes);
      }
    }
    return found;
  }

  /** Registered loops and promoters matching {@code opDTypes} (NONE matches anything). */
  private static Found lookup(UfuncSpec u, int[] opDTypes) {
    int nin = u.nin();
    for (LoopSignature loop : u.loops()) {
      if (matches(loop, opDTypes)) {
        return new Found(loop, Found.PLAIN);
      }
    }
    if (u.isComparison()) {
      int out = opDTypes[2];
      if (out == NONE || out == DType.BOOL.ordinal()) {
        if (isIntegerCode(opDTypes[0]) && opDTypes[1] == PYINT) {
          DType t = DType.values()[opDTypes[0]];
          return new Found(new LoopSignature(new DType[] {t, t}, new DType[] {DType.BOOL}),
              Found.PYINT_COMPARISON);
        }
        if (opDTypes[0] == PYINT && isIntegerCode(opDTypes[1])) {
          DType t = DType.values()[opDTypes[1]];
          return new Found(new LoopSignature(new DType[] {t, t}, new DType[] {DType.BOOL}),
              Found.PYINT_COMPARISON);
        }
        if (opDTypes[0] == PYINT && opDTypes[1] == PYINT) {
          return new Found(LoopSignature.parse("qq->?"), Found.OBJECT_COMPARISON);
        }
      }
    }
    if (u.isLogical()) {
      // NumPy's logical promoter: every DType not fixed by the signature becomes bool
      int[] promoted = new int[opDTypes.length];
      for (int k = 0; k < promoted.length; k++) {
        promoted[k] = k >= nin && opDTypes[k] != NONE ? opDTypes[k] : DType.BOOL.ordinal();
      }
      if (!Arrays.equals(promoted, opDTypes)) {
        return lookup(u, promoted);
      }
    }
    return null;
  }

  private static boolean matches(LoopSignature loop, int[] opDTypes) {
    for (int k = 0; k < opDTypes.length; k++) {
      if (opDTypes[k] != NONE && opDTypes[k] != dtypeAt(loop, k).ordinal()) {
        return false;
      }
    }
    return true;
  }

  private static boolean isIntegerCode(int code) {
    return code >= 0 && code < PYINT && DType.values()[code].isInteger();
  }

  private static DType dtypeAt(LoopSignature loop, int k) {
    int nin = loop.in().length;
    return k < nin ? loop.in()[k] : loop.out()[k - nin];
  }

  private static int[] codes(LoopSignature loop) {
    int[] c = new int[loop.in().length + loop.out().length];
    for (int k = 0; k < c.length; k++) {
      c[k] = dtypeAt(loop, k).ordinal();
    }
    return c;
  }

  // ================================================================ legacy type resolvers

  /**
   * The ufunc's legacy type resolver, as NumPy calls it during promotion (casting 'unsafe', so
   * the linear searches use 'safe' for inputs and never reject an output). {@code specified}
   * holds the signature (null entries unspecified); the result may be a loop the ufunc lacks.
   */
  private static LoopSignature legacyResolve(UfuncSpec u, Op[] ops, DType[] specified) {
    boolean typeTup = false;
    for (DType d : specified) {
      typeTup |= d != null;
    }
    int nin = u.nin();
    switch (u.resolver()) {
      case UNIFORM:
      case SUBTRACT:
      case NEGATIVE: {
        DType d;
        if (!typeTup) {
          d = nin == 1 ? ops[0].descr : resultType(ops);
        } else {
          d = uniformTypeTuple(specified, nin);
          if (d == null) {
            return typeTupleSearch(u, ops, specified);
          }
        }
        if (u.resolver() == UfuncSpec.Resolver.SUBTRACT && d == DType.BOOL) {
          throw new UfuncTypeException(u.name(), "numpy boolean subtract, the `-` operator, is "
              + "not supported, use the bitwise_xor, the `^` operator, or the logical_xor "
              + "function instead.");
        }
        if (u.resolver() == UfuncSpec.Resolver.NEGATIVE && d == DType.BOOL) {
          throw new UfuncTypeException(u.name(), "The numpy boolean negative, the `-` operator, "
              + "is not supported, use the `~` operator or the logical_not function instead.");
        }
        return uniform(d, nin, u.nout());
      }
      case TRUE_DIVIDE: {
        if (!typeTup && integerOrBool(ops[0].descr) && integerOrBool(ops[1].descr)) {
          DType[] dd = {DType.FLOAT64, DType.FLOAT64, DType.FLOAT64};
          return typeTupleSearch(u, ops, dd);
        }
        return typeTup ? typeTupleSearch(u, ops, specified) : linearSearch(u, ops);
      }
      case DEFAULT:
        return typeTup ? typeTupleSearch(u, ops, specified) : linearSearch(u, ops);
      case COMPARISON:
      case LOGICAL: {
        if (typeTup) {
          return typeTupleSearch(u, ops, specified);
        }
        DType r = resultType(ops);
        DType a = r;
        DType b = r;
        if (ops[0].descr.isInteger() && ops[1].descr.isInteger() && !r.isInteger()) {
          // signed and unsigned promoting to float64: NumPy compares them as integers
          boolean signedFirst = ops[0].descr.isSigned();
          a = signedFirst ? DType.INT64 : DType.UINT64;
          b = signedFirst ? DType.UINT64 : DType.INT64;
        }
        return new LoopSignature(new DType[] {a, b}, new DType[] {DType.BOOL});
      }
      default:
        throw new AssertionError(u.resolver());
    }
  }

  /**
   * NumPy's SimpleUniformOperationTypeResolver fast path with a type tuple: all outputs given
   * and every given dtype identical; null otherwise (then the default resolver is used).
   */
  private static DType uniformTypeTuple(DType[] specified, int nin) {
    DType d = null;
    for (int k = 0; k < specified.length; k++) {
      DType s = specified[k];
      if (s == null) {
        if (k < nin) {
          continue;
        }
        return null;
      }
      if (d != null && d != s) {
        return null;
      }
      d = s;
    }
    return d;
  }

  private static LoopSignature uniform(DType d, int nin, int nout) {
    DType[] in = new DType[nin];
    DType[] out = new DType[nout];
    Arrays.fill(in, d);
    Arrays.fill(out, d);
    return new LoopSignature(in, out);
  }

  private static boolean integerOrBool(DType d) {
    return d.isInteger() || d.isBool();
  }

  /** {@code PyArray_ResultType} of the operands, Python scalars weak. */
  private static DType resultType(Op[] ops) {
    DType[] types = new DType[ops.length];
    boolean[] weak = new boolean[ops.length];
    for (int i = 0; i < ops.length; i++) {
      types[i] = ops[i].descr;
      weak[i] = ops[i].py != STRONG;
    }
    return Promotion.resultType(types, weak);
  }

  /**
   * NumPy's {@code should_use_min_scalar_weak_literals}: Python scalars get their lenient casting
   * rules only next to an array of at least their kind (bool < int < float).
   */
  private static boolean useMinScalar(Op[] ops) {
    boolean allScalars = true;
    int maxScalarKind = -1;
    int maxArrayKind = -1;
    for (Op op : ops) {
      if (op.py == PY_INT) {
        maxScalarKind = Math.max(maxScalarKind, 1);
      } else if (op.py == PY_FLOAT) {
        maxScalarKind = 2;
      } else {
        allScalars = false;
        int kind = op.descr.isBool() ? 0 : op.descr.isFloat() ? 2 : 1;
        maxArrayKind = Math.max(maxArrayKind, kind);
      }
    }
    return !allScalars && maxArrayKind >= maxScalarKind;
  }

  /**
   * NumPy's {@code can_cast_pyscalar_scalar_to}: a Python int or float casts to any float, a
   * Python int to any integer, whatever the rule; otherwise its default dtype's cast decides.
   */
  private static boolean pyScalarCanCast(int py, DType to, Casting casting) {
    if (to.isFloat()) {
      return true;
    }
    if (to.isInteger()) {
      return py == PY_INT || casting == Casting.UNSAFE;
    }
    return Casting.canCast(py == PY_INT ? DType.INT64 : DType.FLOAT64, to, casting);
  }

  private static boolean inputCastsSafely(Op op, DType to, boolean minScalar) {
    if (minScalar && op.py != STRONG) {
      return pyScalarCanCast(op.py, to, Casting.SAFE);
    }
    return Casting.canCast(op.descr, to, Casting.SAFE);
  }

  /** NumPy's {@code linear_search_type_resolver}: the first loop all inputs cast to safely. */
  private static LoopSignature linearSearch(UfuncSpec u, Op[] ops) {
    boolean minScalar = useMinScalar(ops);
    for (LoopSignature loop : u.loops()) {
      boolean ok = true;
      for (int i = 0; i < ops.length && ok; i++) {
        ok = inputCastsSafely(ops[i], loop.in()[i], minScalar);
      }
      if (ok) {
        return loop;
      }
    }
    throw new UfuncTypeException(u.name(), "ufunc '" + u.name() + "' not supported for the input "
        + "types, and the inputs could not be safely coerced to any supported types according "
        + "to the casting rule ''safe''");
  }

  /**
   * NumPy's {@code type_tuple_type_resolver}: the first loop agreeing with the specified dtypes
   * whose other inputs cast safely; failing that, with every unspecified input set to the
   * (homogeneous) output dtype.
   */
  private static LoopSignature typeTupleSearch(UfuncSpec u, Op[] ops, DType[] specified) {
    boolean minScalar = useMinScalar(ops);
    LoopSignature r = typeTupleCore(u, ops, specified, minScalar);
    if (r != null) {
      return r;
    }
    int nin = u.nin();
    DType homogeneous = specified[nin];
    for (int k = nin + 1; k < specified.length; k++) {
      if (specified[k] != homogeneous) {
        homogeneous = null;
      }
    }
    if (homogeneous != null) {
      DType[] again = specified.clone();
      for (int i = 0; i < nin; i++) {
        if (again[i] == null) {
          again[i] = homogeneous;
        }
      }
      r = typeTupleCore(u, ops, again, minScalar);
      if (r != null) {
        return r;
      }
    }
    throw new UfuncTypeException(u.name(), "No loop matching the specified signature and casting "
        + "was found for ufunc " + u.name());
  }

  private static LoopSignature typeTupleCore(UfuncSpec u, Op[] ops, DType[] specified,
      boolean minScalar) {
    int nin = u.nin();
    for (LoopSignature loop : u.loops()) {
      boolean ok = true;
      for (int k = 0; k < specified.length && ok; k++) {
        ok = specified[k] == null || dtypeAt(loop, k) == specified[k];
      }
      for (int i = 0; i < nin && ok; i++) {
        if (specified[i] == null) {
          ok = inputCastsSafely(ops[i], loop.in()[i], minScalar);
        }
      }
      if (ok) {
        return loop;
      }
    }
    return null;
  }

  // ================================================================ reductions

  private static LoopSignature reduceLike(UfuncSpec u, DType input, DType dtypeArg,
      String method, boolean enforceUniformArgs) {
    Objects.requireNonNull(input, "input");
    if (u.nin() != 2 || u.nout() != 1 || u.isWhere()) {
      throw new UfuncTypeException(u.name(), method + " only supported for binary functions");
    }
    DType sig0 = dtypeArg;
    if (sig0 == null && (u == UfuncSpecs.ADD || u == UfuncSpecs.MULTIPLY)
        && (input.isBool() || input.isInteger())) {
      if (input.isBool()) {
        sig0 = DType.INT64;
      } else if (input.itemsize() < 8) {
        sig0 = input.isUnsigned() ? DType.UINT64 : DType.INT64;
      }
    }
    // the legacy resolvers see the reduced array as both inputs (there is no out= here)
    Op[] ops = {new Op(input, STRONG, null), new Op(input, STRONG, null)};
    DType[] signature = {sig0, null, sig0};
    Found found = reducePromote(u, ops, signature, input);
    if (sig0 == null && found.loop.in()[0] != found.loop.out()[0]) {
      // not reduce-compatible: force the first input to the output dtype and start over
      signature = new DType[] {found.loop.out()[0], null, null};
      found = reducePromote(u, ops, signature, input);
    }
    LoopSignature loop = found.loop;
    if (loop.in()[0] != loop.out()[0]
        || (enforceUniformArgs && loop.in()[0] != loop.in()[1])) {
      throw new UfuncTypeException(u.name(), "the resolved dtypes are not compatible with "
          + u.name() + "." + method + ". Resolved (dtypes: (" + repr(loop.in()[0]) + ", "
          + repr(loop.in()[1]) + ", " + repr(loop.out()[0]) + ")).");
    }
    return loop;
  }

  private static Found reducePromote(UfuncSpec u, Op[] ops, DType[] signature, DType input) {
    int[] opDTypes = {signature[0] == null ? NONE : signature[0].ordinal(), input.ordinal(),
        signature[2] == null ? NONE : signature[2].ordinal()};
    Found found;
    if (opDTypes[0] == NONE) {
      // NumPy's reduction path: try (input, input, out) among the registered loops only
      found = lookup(u, new int[] {input.ordinal(), input.ordinal(), opDTypes[2]});
    } else {
      found = lookup(u, opDTypes);
    }
    if (found == null) {
      LoopSignature legacy = legacyResolve(u, ops, signature);
      found = lookup(u, codes(legacy));
      if (found == null) {
        throw noLoop(u, opDTypes);
      }
    }
    for (int k = 0; k < 3; k++) {
      if (signature[k] != null && dtypeAt(found.loop, k) != signature[k]) {
        throw noLoop(u, opDTypes);
      }
    }
    return found;
  }

  // ================================================================ where

  private static Resolution resolveWhere(UfuncSpec u, Op[] ops, DType dtypeArg,
      DType[] outTypes) {
    if (dtypeArg != null || (outTypes != null && outTypes[0] != null)) {
      throw new IllegalArgumentException("where() takes no dtype= or out=");
    }
    DType t = Promotion.resultType(new DType[] {ops[1].descr, ops[2].descr},
        new boolean[] {ops[1].py != STRONG, ops[2].py != STRONG});
    LoopSignature loop =
        new LoopSignature(new DType[] {DType.BOOL, t, t}, new DType[] {t});
    DType[] operandTypes = new DType[3];
    long[] bits = new long[3];
    for (int i = 0; i < 3; i++) {
      Op op = ops[i];
      if (op.py == STRONG && op.value == null) {
        operandTypes[i] = op.descr;
        continue;
      }
      if (op.value == null) {
        operandTypes[i] = i == 0 ? op.descr : t;
        continue;
      }
      Object scalar = op.descr == DType.BOOL && op.py == STRONG
          ? (Object) (op.value.longValue() != 0) : op.value;
      if (i == 0) {
        operandTypes[i] = Promotion.defaultDType(scalar);
        bits[i] = Promotion.defaultBits(scalar);
      } else {
        // NumPy 2.4.6 casts np.asarray(x) unsafely: out-of-range ints wrap (see Promotion)
        operandTypes[i] = t;
        bits[i] = Promotion.whereScalarBits(t, scalar);
      }
    }
    return new Resolution(loop, operandTypes, bits, null);
  }

  // ================================================================ messages

  /** NumPy's {@code repr(dtype)}: {@code dtype('int8')}. */
  static String repr(DType d) {
    return "dtype('" + d.numpyName() + "')";
  }

  private static UfuncTypeException noLoop(UfuncSpec u, int[] opDTypes) {
    int nin = u.nin();
    StringBuilder sb = new StringBuilder("ufunc '").append(u.name())
        .append("' did not contain a loop with signature matching types ");
    sb.append(tuple(opDTypes, 0, nin)).append(" -> ").append(tuple(opDTypes, nin, opDTypes.length));
    return new UfuncTypeException(u.name(), sb.toString());
  }

  private static String tuple(int[] codes, int from, int to) {
    if (to - from == 1) {
      return dtypeClass(codes[from]);
    }
    StringBuilder sb = new StringBuilder("(");
    for (int k = from; k < to; k++) {
      if (k > from) {
        sb.append(", ");
      }
      sb.append(dtypeClass(codes[k]));
    }
    return sb.append(')').toString();
  }

  /** The repr of NumPy's DType class for a code. */
  private static String dtypeClass(int code) {
    if (code == NONE) {
      return "None";
    }
    String name;
    if (code == PYINT) {
      name = "_PyLongDType";
    } else if (code == PYFLOAT) {
      name = "_PyFloatDType";
    } else {
      DType d = DType.values()[code];
      String n = d.numpyName(); // int8 -> Int8DType, uint16 -> UInt16DType, bool -> BoolDType
      name = n.startsWith("uint") ? "UInt" + n.substring(4) + "DType"
          : Character.toUpperCase(n.charAt(0)) + n.substring(1) + "DType";
    }
    return "<class 'numpy.dtypes." + name + "'>";
  }
}
