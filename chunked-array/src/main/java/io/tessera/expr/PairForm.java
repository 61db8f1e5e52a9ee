package io.tessera.expr;

import io.tessera.dtype.DType;
import io.tessera.kernels.Kernels;
import java.util.List;
import java.util.Set;

/**
 * Recognizes a compiled two-placeholder expression that a fused outer loop computes directly:
 * a binary ufunc of {@code arg(0)} and {@code arg(1)} (add, subtract, multiply, true_divide,
 * maximum, minimum; add and multiply in either order), {@code |arg0 - arg1|} ("absdiff") or
 * {@code (arg0 - arg1)**2} ("sqdiff"), either difference order, whose loops all run in one float
 * dtype (float64 or float32). The placeholders may have other dtypes: the fused loop casts them to
 * the loop dtype first, exactly as the ufunc does.
 *
 * @param pair the pairwise value's name as the fused loops know it
 * @param type the loop dtype
 */
public record PairForm(String pair, DType type) {
  private static final Set<String> BINARY = Set.of("add", "subtract", "multiply", "true_divide",
      "maximum", "minimum");
  private static final Set<String> COMMUTATIVE = Set.of("add", "multiply");

  /** The form of {@code plan}, or null when it is not one the fused loops compute. */
  public static PairForm of(Plan plan) {
    List<Plan.Node> nodes = plan.nodeList();
    int s0 = plan.placeholderSlot(0);
    int s1 = plan.placeholderSlot(1);
    if (s0 < 0 || s1 < 0 || plan.hasArrays() || plan.rootRef() != nodes.size() - 1) {
      return null;
    }
    for (Plan.Node n : nodes) {
      if (n.constant || !(n.type == DType.FLOAT64 || n.type == DType.FLOAT32)
          || n.type != nodes.get(0).type) {
        return null;
      }
    }
    int a0 = -(s0 + 1);
    int a1 = -(s1 + 1);
    Plan.Node first = nodes.get(0);
    String name = Kernels.canonical(first.name);
    if (first.nin != 2) {
      return null;
    }
    boolean straight = first.in[0] == a0 && first.in[1] == a1;
    boolean swapped = first.in[0] == a1 && first.in[1] == a0;
    if (nodes.size() == 1) {
      if (BINARY.contains(name) && (straight || swapped && COMMUTATIVE.contains(name))) {
        return new PairForm(name, first.type);
      }
      return null;
    }
    if (nodes.size() != 2 || !"subtract".equals(name) || !(straight || swapped)) {
      return null;
    }
    // |y - x| and (y - x)**2 equal |x - y| and (x - y)**2 bit for bit: IEEE subtraction is
    // exactly antisymmetric
    Plan.Node second = nodes.get(1);
    if (second.nin != 1 || second.in[0] != 0 || second.castIn[0] != null) {
      return null;
    }
    switch (Kernels.canonical(second.name)) {
      case "absolute": return new PairForm("absdiff", first.type);
      case "square": return new PairForm("sqdiff", first.type);
      default: return null;
    }
  }
}
