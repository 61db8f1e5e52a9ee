/**
 * Einsum planning, as NumPy: {@link io.tessera.linalg.einsum.EinsumSpec} parses the subscripts
 * against the operand shapes (NumPy's grammar, acceptance and error texts),
 * {@link io.tessera.linalg.einsum.EinsumPath} orders the pairwise contractions (NumPy's
 * {@code einsum_path}: no optimization, greedy, optimal, memory limits, explicit paths) and
 * returns a {@link io.tessera.linalg.einsum.Path} of {@link io.tessera.linalg.einsum.Contraction}
 * steps with NumPy's report.
 *
 * <p>Executing a path: keep a list of operands, initially the inputs. For each step remove the
 * operands at {@code step.operands()} (highest position first), evaluate
 * {@code step.einsumString()} on them in that order and append the result; the last step leaves
 * the einsum's result. A two-operand step can run as NumPy 2.3+ does it, one batched matmul (or a
 * broadcasting multiply) framed by {@link io.tessera.linalg.einsum.BatchMatmul}'s single-operand
 * einsums, reshapes and transpose; {@code step.blas()} is NumPy's older tensordot criterion.
 */
package io.tessera.linalg.einsum;
