package io.tessera.ufunc;

import io.tessera.errors.TesseraException;
import io.tessera.ufunc.UfuncSpec.Resolver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The table of ufuncs Tessera implements, with NumPy 2.4.6's loop lists ({@code ufunc.types}
 * restricted to bool, int8..int64, uint8..uint64, float16, float32, float64; on Linux 'l' and 'q'
 * are both int64 and 'L'/'Q' both uint64, so only the first of each pair is kept and written 'q'
 * / 'Q'). {@code TypeResolverSpecTableTest} checks every entry against NumPy (golden
 * {@code ufunc_types/ufuncs.json}, written by {@code gen_ufunc_type_goldens.py}).
 *
 * <p>Two entries are not plain NumPy ufuncs: {@link #CLIP} is {@code np._core.umath.clip} (the
 * ufunc behind {@code np.clip}; the Python function {@code np.clip} first drops Python-int bounds
 * outside an integer array's range, so {@code np.clip(uint8_arr, 0, 300)} runs {@link #MAXIMUM}
 * with 0, and with no bounds left runs {@link #POSITIVE}), and {@link #WHERE} is {@code np.where},
 * which has no loops: it casts the condition to bool and x, y to {@code result_type(x, y)}.
 */
public final class UfuncSpecs {
  private static final Map<String, UfuncSpec> BY_NAME = new LinkedHashMap<>();
  private static final List<UfuncSpec> ALL = new ArrayList<>();

  private static final String INTS2 = "bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q ";
  private static final String FLTS2 = "ee->e ff->f dd->d ";
  private static final String NUM2 = INTS2 + FLTS2;
  private static final String INTS1 = "b->b B->B h->h H->H i->i I->I q->q Q->Q ";
  private static final String FLTS1 = "e->e f->f d->d ";
  private static final String NUM1 = INTS1 + FLTS1;
  private static final String CMP = "??->? bb->? BB->? hh->? HH->? ii->? II->? qq->? QQ->? qQ->? "
      + "Qq->? ee->? ff->? dd->?";
  private static final String LOGICAL = "??->? bb->? BB->? hh->? HH->? ii->? II->? qq->? QQ->? "
      + "ee->? ff->? dd->?";
  private static final String PREDICATE = "?->? b->? B->? h->? H->? i->? I->? q->? Q->? e->? "
      + "f->? d->?";

  // ---------------------------------------------------------------- binary arithmetic
  public static final UfuncSpec ADD = binary("add", 0L, Resolver.UNIFORM, "??->? " + NUM2);
  public static final UfuncSpec SUBTRACT = binary("subtract", null, Resolver.SUBTRACT, NUM2);
  public static final UfuncSpec MULTIPLY =
      binary("multiply", 1L, Resolver.UNIFORM, "??->? " + NUM2);
  /** NumPy's {@code divide}; {@code true_divide} is the same ufunc. */
  public static final UfuncSpec DIVIDE =
      add(new UfuncSpec("divide", List.of("true_divide"), 2, 1, null, Resolver.TRUE_DIVIDE,
          FLTS2));
  /** Alias of {@link #DIVIDE} (NumPy reports the name "divide"). */
  public static final UfuncSpec TRUE_DIVIDE = DIVIDE;
  public static final UfuncSpec FLOOR_DIVIDE =
      binary("floor_divide", null, Resolver.DEFAULT, NUM2);
  public static final UfuncSpec REMAINDER =
      add(new UfuncSpec("remainder", List.of("mod"), 2, 1, null, Resolver.DEFAULT, NUM2));
  /** Alias of {@link #REMAINDER}. */
  public static final UfuncSpec MOD = REMAINDER;
  public static final UfuncSpec FMOD = binary("fmod", null, Resolver.DEFAULT, NUM2);
  public static final UfuncSpec POWER = binary("power", null, Resolver.DEFAULT, NUM2);
  public static final UfuncSpec MAXIMUM =
      binary("maximum", null, Resolver.UNIFORM, "??->? " + NUM2);
  public static final UfuncSpec MINIMUM =
      binary("minimum", null, Resolver.UNIFORM, "??->? " + NUM2);
  public static final UfuncSpec FMAX = binary("fmax", null, Resolver.UNIFORM, "??->? " + NUM2);
  public static final UfuncSpec FMIN = binary("fmin", null, Resolver.UNIFORM, "??->? " + NUM2);
  public static final UfuncSpec ARCTAN2 = binary("arctan2", null, Resolver.DEFAULT, FLTS2);
  public static final UfuncSpec HYPOT = binary("hypot", 0L, Resolver.DEFAULT, FLTS2);
  public static final UfuncSpec COPYSIGN = binary("copysign", null, Resolver.DEFAULT, FLTS2);

  // ---------------------------------------------------------------- comparisons and logic
  public static final UfuncSpec EQUAL = binary("equal", null, Resolver.COMPARISON, CMP);
  public static final UfuncSpec NOT_EQUAL = binary("not_equal", null, Resolver.COMPARISON, CMP);
  public static final UfuncSpec LESS = binary("less", null, Resolver.COMPARISON, CMP);
  public static final UfuncSpec LESS_EQUAL =
      binary("less_equal", null, Resolver.COMPARISON, CMP);
  public static final UfuncSpec GREATER = binary("greater", null, Resolver.COMPARISON, CMP);
  public static final UfuncSpec GREATER_EQUAL =
      binary("greater_equal", null, Resolver.COMPARISON, CMP);
  public static final UfuncSpec LOGICAL_AND =
      binary("logical_and", Boolean.TRUE, Resolver.LOGICAL, LOGICAL);
  public static final UfuncSpec LOGICAL_OR =
      binary("logical_or", Boolean.FALSE, Resolver.LOGICAL, LOGICAL);
  public static final UfuncSpec LOGICAL_XOR =
      binary("logical_xor", Boolean.FALSE, Resolver.LOGICAL, LOGICAL);

  // ---------------------------------------------------------------- bitwise
  public static final UfuncSpec BITWISE_AND =
      binary("bitwise_and", -1L, Resolver.DEFAULT, "??->? " + INTS2);
  public static final UfuncSpec BITWISE_OR =
      binary("bitwise_or", 0L, Resolver.DEFAULT, "??->? " + INTS2);
  public static final UfuncSpec BITWISE_XOR =
      binary("bitwise_xor", 0L, Resolver.DEFAULT, "??->? " + INTS2);
  public static final UfuncSpec LEFT_SHIFT = binary("left_shift", null, Resolver.DEFAULT, INTS2);
  public static final UfuncSpec RIGHT_SHIFT =
      binary("right_shift", null, Resolver.DEFAULT, INTS2);

  // ---------------------------------------------------------------- unary
  public static final UfuncSpec NEGATIVE = unary("negative", Resolver.NEGATIVE, NUM1);
  public static final UfuncSpec POSITIVE = unary("positive", Resolver.UNIFORM, NUM1);
  public static final UfuncSpec ABSOLUTE =
      add(new UfuncSpec("absolute", List.of("abs"), 1, 1, null, Resolver.UNIFORM,
          "?->? " + NUM1));
  public static final UfuncSpec SIGN = unary("sign", Resolver.UNIFORM, NUM1);
  public static final UfuncSpec SQRT = unary("sqrt", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec CBRT = unary("cbrt", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec SQUARE = unary("square", Resolver.DEFAULT, NUM1);
  public static final UfuncSpec RECIPROCAL = unary("reciprocal", Resolver.DEFAULT, NUM1);
  public static final UfuncSpec EXP = unary("exp", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec EXP2 = unary("exp2", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec EXPM1 = unary("expm1", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec LOG = unary("log", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec LOG2 = unary("log2", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec LOG10 = unary("log10", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec LOG1P = unary("log1p", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec SIN = unary("sin", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec COS = unary("cos", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec TAN = unary("tan", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec ARCSIN = unary("arcsin", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec ARCCOS = unary("arccos", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec ARCTAN = unary("arctan", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec SINH = unary("sinh", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec COSH = unary("cosh", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec TANH = unary("tanh", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec FLOOR = unary("floor", Resolver.DEFAULT, "?->? " + NUM1);
  public static final UfuncSpec CEIL = unary("ceil", Resolver.DEFAULT, "?->? " + NUM1);
  public static final UfuncSpec TRUNC = unary("trunc", Resolver.DEFAULT, "?->? " + NUM1);
  public static final UfuncSpec RINT = unary("rint", Resolver.DEFAULT, FLTS1);
  public static final UfuncSpec ISNAN = unary("isnan", Resolver.DEFAULT, PREDICATE);
  public static final UfuncSpec ISINF = unary("isinf", Resolver.DEFAULT, PREDICATE);
  public static final UfuncSpec ISFINITE = unary("isfinite", Resolver.DEFAULT, PREDICATE);
  public static final UfuncSpec LOGICAL_NOT = unary("logical_not", Resolver.DEFAULT, PREDICATE);
  public static final UfuncSpec INVERT = unary("invert", Resolver.DEFAULT, "?->? " + INTS1);

  // ---------------------------------------------------------------- ternary
  /** {@code np._core.umath.clip(a, min, max)}; see the class comment for {@code np.clip}. */
  public static final UfuncSpec CLIP =
      add(new UfuncSpec("clip", List.of(), 3, 1, null, Resolver.UNIFORM,
          "???->? bbb->b BBB->B hhh->h HHH->H iii->i III->I qqq->q QQQ->Q eee->e fff->f ddd->d"));
  /**
   * {@code np.where(cond, x, y)}: not a NumPy ufunc and without loops; {@link TypeResolver}
   * resolves it to {@code ?TT->T} with T = {@code result_type(x, y)} (NEP 50 weak scalars
   * included).
   */
  public static final UfuncSpec WHERE =
      add(new UfuncSpec("where", List.of(), 3, 1, null, Resolver.WHERE, ""));

  private UfuncSpecs() {}

  private static UfuncSpec binary(String name, Object identity, Resolver resolver, String loops) {
    return add(new UfuncSpec(name, List.of(), 2, 1, identity, resolver, loops));
  }

  private static UfuncSpec unary(String name, Resolver resolver, String loops) {
    return add(new UfuncSpec(name, List.of(), 1, 1, null, resolver, loops));
  }

  private static UfuncSpec add(UfuncSpec spec) {
    for (String n : names(spec)) {
      if (BY_NAME.putIfAbsent(n, spec) != null) {
        throw new AssertionError("duplicate ufunc name " + n);
      }
    }
    ALL.add(spec);
    return spec;
  }

  private static List<String> names(UfuncSpec spec) {
    List<String> out = new ArrayList<>();
    out.add(spec.name());
    out.addAll(spec.aliases());
    return out;
  }

  /**
   * The ufunc called {@code name} (NumPy's name or an alias: "true_divide", "mod", "abs").
   *
   * @throws TesseraException if there is none
   */
  public static UfuncSpec get(String name) {
    UfuncSpec spec = BY_NAME.get(name);
    if (spec == null) {
      throw new TesseraException("ufunc", "no ufunc named '" + name + "'");
    }
    return spec;
  }

  /** The ufunc called {@code name}, if any. */
  public static Optional<UfuncSpec> find(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** NumPy names of all entries, in table order (aliases excluded). */
  public static List<String> allNames() {
    List<String> out = new ArrayList<>();
    for (UfuncSpec s : ALL) {
      out.add(s.name());
    }
    return Collections.unmodifiableList(out);
  }

  /** Every name {@link #get} accepts, aliases included. */
  public static List<String> allNamesAndAliases() {
    return List.copyOf(BY_NAME.keySet());
  }

  /** All entries, in table order. */
  public static List<UfuncSpec> all() {
    return Collections.unmodifiableList(ALL);
  }
}
