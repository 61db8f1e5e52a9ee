package io.tessera.linalg.einsum;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A planned einsum: the contraction steps and the numbers NumPy's {@code einsum_path} reports for
 * them. Made by {@link EinsumPath}; immutable.
 */
public final class Path {
  private final EinsumSpec spec;
  private final Strategy strategy;
  private final BigInteger memoryLimit;
  private final List<Contraction> steps;
  private final int naiveScaling;
  private final int optimizedScaling;
  private final BigInteger naiveFlopCount;
  private final BigInteger optimizedFlopCount;
  private final BigInteger largestIntermediate;

  Path(EinsumSpec spec, Strategy strategy, BigInteger memoryLimit, List<Contraction> steps,
      int naiveScaling, BigInteger naiveFlopCount) {
    this.spec = spec;
    this.strategy = strategy;
    this.memoryLimit = memoryLimit;
    this.steps = Collections.unmodifiableList(new ArrayList<>(steps));
    this.naiveScaling = naiveScaling;
    this.naiveFlopCount = naiveFlopCount;
    int scale = 0;
    BigInteger cost = BigInteger.ZERO;
    BigInteger largest = null;
    for (Contraction c : steps) {
      scale = Math.max(scale, c.scaling());
      cost = cost.add(c.flopCount());
      largest = largest == null ? c.resultSize() : largest.max(c.resultSize());
    }
    this.optimizedScaling = scale;
    this.optimizedFlopCount = cost.add(BigInteger.ONE);
    this.largestIntermediate = largest;
  }

  public EinsumSpec spec() {
    return spec;
  }

  /** The optimizer used, or null for a path given explicitly. */
  public Strategy strategy() {
    return strategy;
  }

  /**
   * The memory limit the optimizer worked to, in elements (the given limit, or NumPy's default:
   * the largest input or output); null for an explicit path.
   */
  public BigInteger memoryLimit() {
    return memoryLimit;
  }

  /** The contraction steps, in order. */
  public List<Contraction> steps() {
    return steps;
  }

  /** The path as NumPy's list without its 'einsum_path' head: one position tuple per step. */
  public List<int[]> positions() {
    List<int[]> out = new ArrayList<>(steps.size());
    for (Contraction c : steps) {
      out.add(c.positions());
    }
    return out;
  }

  /**
   * The path as NumPy prints it, e.g. {@code ['einsum_path', (1, 2), (0, 1)]}; it can be handed
   * back to NumPy as {@code optimize=}.
   */
  public String numpyPath() {
    StringBuilder sb = new StringBuilder("['einsum_path'");
    for (Contraction c : steps) {
      sb.append(", ").append(tuple(c.positions()));
    }
    return sb.append(']').toString();
  }

  /** The number of distinct indices (NumPy's "Naive scaling"). */
  public int naiveScaling() {
    return naiveScaling;
  }

  /** The largest number of indices one step touches ("Optimized scaling"). */
  public int optimizedScaling() {
    return optimizedScaling;
  }

  /** NumPy's cost of one einsum over everything ("Naive FLOP count"). */
  public BigInteger naiveFlopCount() {
    return naiveFlopCount;
  }

  /** The sum of the steps' costs, plus one, as NumPy counts it ("Optimized FLOP count"). */
  public BigInteger optimizedFlopCount() {
    return optimizedFlopCount;
  }

  /** Naive over optimized FLOPs ("Theoretical speedup"), rounded as Python's int division. */
  public double theoreticalSpeedup() {
    return divide(naiveFlopCount, optimizedFlopCount);
  }

  /** Elements of the largest step result, the final output included ("Largest intermediate"). */
  public BigInteger largestIntermediate() {
    return largestIntermediate;
  }

  /** The report NumPy's einsum_path returns as its second value, character for character. */
  public String report() {
    StringBuilder sb = new StringBuilder();
    sb.append("  Complete contraction:  ").append(spec.expression()).append('\n');
    sb.append("         Naive scaling:  ").append(naiveScaling).append('\n');
    sb.append("     Optimized scaling:  ").append(optimizedScaling).append('\n');
    sb.append("      Naive FLOP count:  ").append(sci(naiveFlopCount)).append('\n');
    sb.append("  Optimized FLOP count:  ").append(sci(optimizedFlopCount)).append('\n');
    sb.append("   Theoretical speedup:  ").append(fixed3(theoreticalSpeedup())).append('\n');
    sb.append("  Largest intermediate:  ").append(sci(largestIntermediate)).append(" elements\n");
    String rule = "-".repeat(74);
    sb.append(rule).append('\n');
    sb.append(String.format("%6s %24s %40s", "scaling", "current", "remaining")).append('\n');
    sb.append(rule);
    for (Contraction c : steps) {
      sb.append('\n').append(String.format("%4d    %24s %40s", c.scaling(), c.einsumString(),
          c.remainingString()));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return numpyPath() + "\n" + report();
  }

  static String tuple(int[] t) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < t.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(t[i]);
    }
    return sb.append(t.length == 1 ? ",)" : ")").toString();
  }

  /** Python's true division of two ints: the correctly rounded double. */
  static double divide(BigInteger a, BigInteger b) {
    if (a.bitLength() <= 53 && b.bitLength() <= 53) {
      return a.doubleValue() / b.doubleValue();
    }
    return new BigDecimal(a).divide(new BigDecimal(b), new MathContext(120, RoundingMode.HALF_EVEN))
        .doubleValue();
  }

  /** Python's {@code format(int, '.3e')}: the int as a double, correctly rounded to 4 digits. */
  static String sci(BigInteger v) {
    double d = v.doubleValue();
    if (d == 0) {
      return "0.000e+00";
    }
    BigDecimal r = new BigDecimal(d).round(new MathContext(4, RoundingMode.HALF_EVEN));
    String digits = r.unscaledValue().abs().toString();
    int exp = digits.length() - 1 - r.scale();
    StringBuilder m = new StringBuilder(digits);
    while (m.length() < 4) {
      m.append('0');
    }
    String sign = d < 0 ? "-" : "";
    return sign + m.charAt(0) + "." + m.substring(1, 4) + "e" + (exp < 0 ? "-" : "+")
        + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
  }

  /** Python's {@code format(float, '3.3f')}. */
  static String fixed3(double d) {
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (Double.isNaN(d)) {
      return "nan";
    }
    return new BigDecimal(d).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
  }
}
