package io.tessera.linalg.einsum;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One step of a {@link Path}: which of the current operands to take out, the single einsum that
 * combines them, and what is left afterwards (the result is appended at the end of the operand
 * list, as NumPy does).
 *
 * <p>Execution of a path: start with the operand list {@code [op0, ..., op(n-1)]}; for each step,
 * remove the operands at {@link #operands()} in that order (highest position first, so earlier
 * removals do not shift later ones), evaluate {@link #einsumString()} on them in that order, and
 * append the result. After the last step the list holds exactly the einsum's result.
 */
public final class Contraction {
  private final int[] positions;
  private final int[] operands;
  private final List<String> inputs;
  private final String result;
  private final String indices;
  private final String contracted;
  private final List<String> remaining;
  private final String output;
  private final int scaling;
  private final BigInteger flopCount;
  private final BigInteger resultSize;
  private final long[][] operandShapes;
  private final long[] resultShape;
  private final boolean blas;
  private BatchMatmul batchMatmul;

  Contraction(int[] positions, int[] operands, List<String> inputs, String result,
      String indices, String contracted, List<String> remaining, String output, int scaling,
      BigInteger flopCount, BigInteger resultSize, long[][] operandShapes, long[] resultShape,
      boolean blas) {
    this.positions = positions;
    this.operands = operands;
    this.inputs = Collections.unmodifiableList(inputs);
    this.result = result;
    this.indices = indices;
    this.contracted = contracted;
    this.remaining = Collections.unmodifiableList(remaining);
    this.output = output;
    this.scaling = scaling;
    this.flopCount = flopCount;
    this.resultSize = resultSize;
    this.operandShapes = operandShapes;
    this.resultShape = resultShape;
    this.blas = blas;
  }

  /**
   * The step as NumPy's path list reports it, e.g. {@code (1, 2)}: positions in the current
   * operand list, in the optimizer's order.
   */
  public int[] positions() {
    return positions.clone();
  }

  /** The same positions, highest first: the order to remove the operands in. */
  public int[] operands() {
    return operands.clone();
  }

  /** How many operands this step consumes. */
  public int arity() {
    return operands.length;
  }

  /** The consumed operands' terms, in {@link #operands()} order. */
  public List<String> inputs() {
    return inputs;
  }

  /**
   * The result's term: the overall output for the last step, otherwise the kept indices sorted by
   * size then label (NumPy's order).
   */
  public String result() {
    return result;
  }

  /** "in0,in1->result", the single einsum this step evaluates. */
  public String einsumString() {
    return String.join(",", inputs) + "->" + result;
  }

  /** Every index the step touches (NumPy's idx_contract), in char order. */
  public String indices() {
    return indices;
  }

  /** The indices summed away by this step (NumPy's idx_removed), in char order. */
  public String contracted() {
    return contracted;
  }

  /** The operand terms after this step, the new result last. */
  public List<String> remaining() {
    return remaining;
  }

  /** NumPy's "remaining" column: the remaining terms and "->" the overall output. */
  public String remainingString() {
    return String.join(",", remaining) + "->" + output;
  }

  /** The number of indices the step touches (the report's "scaling"). */
  public int scaling() {
    return scaling;
  }

  /** The step's FLOP count by NumPy's cost model. */
  public BigInteger flopCount() {
    return flopCount;
  }

  /** Elements of the step's result (by the broadcast sizes of its indices). */
  public BigInteger resultSize() {
    return resultSize;
  }

  /** The shapes of the consumed operands, in {@link #operands()} order. */
  public long[][] operandShapes() {
    long[][] out = new long[operandShapes.length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = operandShapes[i].clone();
    }
    return out;
  }

  /**
   * The result's actual shape: per index the broadcast of the consumed operands' dimensions, so a
   * dimension that is 1 in all of them stays 1.
   */
  public long[] resultShape() {
    return resultShape.clone();
  }

  /**
   * NumPy's legacy {@code _can_dot} (NumPy up to 2.2 ran such steps through tensordot/BLAS): two
   * operands, at least one index summed, no index repeated or only on one side, and the summed
   * indices laid out so a GEMM/GEMV/DOT applies without odd data movement.
   */
  public boolean blas() {
    return blas;
  }

  /**
   * How NumPy 2.3+ runs this step when it has two operands (batched matmul, or a multiply when
   * nothing is summed); null for steps with one or three or more operands (those run as a plain
   * einsum).
   */
  public synchronized BatchMatmul batchMatmul() {
    if (operands.length != 2) {
      return null;
    }
    if (batchMatmul == null) {
      batchMatmul = BatchMatmul.plan(inputs.get(0), operandShapes[0], inputs.get(1),
          operandShapes[1], result);
    }
    return batchMatmul;
  }

  @Override
  public String toString() {
    return Path.tuple(positions) + " " + einsumString() + " (remaining " + remainingString()
        + ", scaling " + scaling + ", flops " + flopCount + ", shape "
        + Arrays.toString(resultShape) + ")";
  }
}
