package io.tessera.linalg.einsum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.errors.EinsumException;
import io.tessera.errors.EinsumException.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The subscript grammar and its errors; NumPy's own texts are checked by the golden tests. */
class EinsumSpecTest {

  private static long[] s(long... dims) {
    return dims;
  }

  private static EinsumException fails(String subs, long[]... shapes) {
    return assertThrows(EinsumException.class, () -> EinsumSpec.parse(subs, shapes));
  }

  @Test
  void implicitOutputIsTheLabelsSeenOnceInAsciiOrder() {
    EinsumSpec mm = EinsumSpec.parse("ij,jk", s(2, 3), s(3, 4));
    assertEquals(List.of("ij", "jk"), mm.inputs());
    assertEquals("ik", mm.output());
    assertFalse(mm.explicitOutput());
    assertArrayEquals(s(2, 4), mm.outputShape());
    // 'h' sorts before 'i': the implicit result is the transpose of the product
    assertEquals("hi", EinsumSpec.parse("ij,jh", s(2, 3), s(3, 4)).output());
    // uppercase sorts before lowercase, and the cases are different labels
    EinsumSpec mixed = EinsumSpec.parse("aB,Ba,c", s(2, 3), s(3, 2), s(5));
    assertEquals("c", mixed.output());
    assertEquals("Bac", mixed.labels());
    assertEquals("Ac", EinsumSpec.parse("cA", s(2, 3)).output());
  }

  @Test
  void explicitOutputSumsTracesAndDiagonals() {
    EinsumSpec trace = EinsumSpec.parse("ii", s(4, 4));
    assertEquals("", trace.output());
    assertArrayEquals(s(), trace.outputShape());
    EinsumSpec diag = EinsumSpec.parse("ii->i", s(4, 4));
    assertEquals(List.of("ii"), diag.inputs());
    assertArrayEquals(s(4), diag.outputShape());
    assertTrue(diag.explicitOutput());
    assertArrayEquals(s(), EinsumSpec.parse("ij->", s(2, 3)).outputShape());
    assertArrayEquals(s(3, 2), EinsumSpec.parse("ij->ji", s(2, 3)).outputShape());
    EinsumSpec outer = EinsumSpec.parse("i,j,k->ijk", s(2), s(3), s(4));
    assertArrayEquals(s(2, 3, 4), outer.outputShape());
    assertEquals(3, outer.numOperands());
    assertEquals("ijk->ikj", EinsumSpec.parse(" i j k -> i k j ", s(2, 3, 4)).expression());
  }

  @Test
  void ellipsisBroadcastsRightAlignedWithSizeOneStretching() {
    EinsumSpec bmm = EinsumSpec.parse("...ij,...jk->...ik", s(7, 1, 3, 4), s(5, 4, 2));
    assertEquals("yz", bmm.ellipsisLabels()); // the last unused letters
    assertEquals(List.of("yzij", "zjk"), bmm.inputs());
    assertEquals("yzik", bmm.output());
    assertArrayEquals(s(7, 5, 3, 2), bmm.outputShape());
    assertEquals(5, bmm.size('z'));
    // implicit output puts the broadcast dimensions first
    EinsumSpec implicit = EinsumSpec.parse("...ij,...jk", s(6, 3, 4), s(4, 2));
    assertEquals("zik", implicit.output());
    assertArrayEquals(s(6, 3, 2), implicit.outputShape());
    // an ellipsis standing for no dimension disappears
    assertEquals("ij->ij", EinsumSpec.parse("...ij->...ij", s(2, 3)).expression());
    // "i...->..." sums the first axis
    assertArrayEquals(s(3, 4), EinsumSpec.parse("i...->...", s(2, 3, 4)).outputShape());
    // an ellipsis in the middle, and on some operands only
    EinsumSpec mid = EinsumSpec.parse("i...i", s(3, 4, 5, 3));
    assertEquals("iyzi", mid.input(0));
    assertArrayEquals(s(4, 5), mid.outputShape());
    assertArrayEquals(s(2, 3, 2),
        EinsumSpec.parse("ij,...jk,kl->...il", s(3, 4), s(2, 4, 5), s(5, 2)).outputShape());
    // a label of size 1 broadcasts against the same label elsewhere
    EinsumSpec b = EinsumSpec.parse("ij,jk", s(2, 1), s(5, 4));
    assertEquals(5, b.size('j'));
    assertArrayEquals(s(2, 4), b.outputShape());
  }

  @Test
  void numpysEllipsisLabelsCanBeReproduced() {
    EinsumSpec spec = EinsumSpec.parseWithEllipsisLabels("...ij,...jk->...ik", "Qb",
        s(7, 2, 3, 4), s(2, 4, 5));
    assertEquals(List.of("Qbij", "bjk"), spec.inputs());
    assertEquals("Qbik", spec.output());
    assertThrows(IllegalArgumentException.class,
        () -> EinsumSpec.parseWithEllipsisLabels("...ij", "ab", s(2, 3, 4)));
    assertThrows(IllegalArgumentException.class,
        () -> EinsumSpec.parseWithEllipsisLabels("...ij", "i", s(2, 3, 4)));
    assertThrows(IllegalArgumentException.class,
        () -> EinsumSpec.parseWithEllipsisLabels("...ij", "%", s(2, 3, 4)));
  }

  @Test
  void moreBroadcastDimensionsThanFreeLettersStillParse() {
    String all = EinsumSpec.SYMBOLS;
    long[] shape = new long[all.length() + 2];
    java.util.Arrays.fill(shape, 1);
    EinsumSpec spec = EinsumSpec.parse(all + "...", shape);
    assertEquals("\u00C0\u00C1", spec.ellipsisLabels());
    assertEquals(54, spec.labels().length());
    assertEquals(1, EinsumPath.plan(spec, Strategy.GREEDY).steps().size());
  }

  @Test
  void errorsAreTypedAndSayWhat() {
    EinsumException size = fails("ij,jk", s(2, 4), s(5, 3));
    assertEquals(Kind.SIZE_MISMATCH, size.kind());
    assertTrue(size.getMessage().contains(
        "size of label 'j' for operand 1 (5) does not match previous terms (4)"),
        size.getMessage());
    assertTrue(size.getMessage().contains("(2, 4), (5, 3)"), size.getMessage());
    assertEquals("ij,jk", size.subscripts());
    assertArrayEquals(s(5, 3), size.operandShapes()[1]);

    EinsumException ell = fails("...i,...i", s(2, 3), s(4, 3));
    assertTrue(ell.getMessage().contains("size of ellipsis dimension 0 for operand 1 (4)"),
        ell.getMessage());

    assertEquals(Kind.INVALID_SUBSCRIPT, fails("i%", s(2, 3)).kind());
    assertEquals(Kind.SUBSCRIPT_COUNT, fails("ij,jk", s(2, 3)).kind());
    assertTrue(fails("ij,jk", s(2, 3)).getMessage().contains("2 terms for 1 operand"));
    assertEquals(Kind.SUBSCRIPT_COUNT, fails("ij", s(2, 3), s(3)).kind());
    assertEquals(Kind.OUTPUT_NOT_IN_INPUT, fails("ij,jk->ikl", s(2, 3), s(3, 4)).kind());
    assertEquals(Kind.OUTPUT_REPEATED, fails("ij->ii", s(2, 3)).kind());
    assertEquals(Kind.TOO_MANY_SUBSCRIPTS, fails("ijk", s(2, 3)).kind());
    assertEquals(Kind.MISSING_ELLIPSIS, fails("ij", s(2, 3, 4)).kind());
    assertEquals(Kind.MISSING_ELLIPSIS, fails("...ij->ij", s(5, 2, 3)).kind());
    assertEquals(Kind.BAD_ARROW, fails("ij-i", s(2, 3)).kind());
    assertEquals(Kind.INVALID_SUBSCRIPT, fails("ij->i->j", s(2, 3)).kind());
    assertEquals(Kind.BAD_ELLIPSIS, fails("i..j", s(2, 3)).kind());
    assertEquals(Kind.COLLAPSE_MISMATCH, fails("ii", s(2, 3)).kind());
    assertEquals(Kind.NOT_ASCII, fails("i\u00e9", s(2, 3)).kind());
    assertEquals(Kind.OPERAND_COUNT, fails("ij").kind());
    assertEquals(Kind.TOO_MANY_DIMENSIONS, fails("i", new long[65]).kind());
    assertEquals(Kind.INVALID_SHAPE, fails("i", s(-1)).kind());
    assertThrows(NullPointerException.class, () -> EinsumSpec.parse(null, s(2)));
  }

  @Test
  void zeroSizedCollapseIsRejectedWhereNumpyReturnsABogusView() {
    // np.einsum('ii->i', np.zeros((0, 3))) returns shape (3,): a view past the end of an empty
    // array. Tessera raises NumPy's own message for the mismatch instead.
    EinsumException e = fails("ii->i", s(0, 3));
    assertEquals(Kind.COLLAPSE_MISMATCH, e.kind());
    assertEquals("dimensions in single operand for collapsing index 'i' don't match (0 != 3)",
        e.numpyMessage());
    assertArrayEquals(s(0), EinsumSpec.parse("ii->i", s(0, 0)).outputShape());
  }

  @Test
  void shapesAreCopied() {
    long[] a = s(2, 3);
    EinsumSpec spec = EinsumSpec.parse("ij", a);
    a[0] = 9;
    assertArrayEquals(s(2, 3), spec.operandShape(0));
    spec.operandShape(0)[0] = 7;
    assertArrayEquals(s(2, 3), spec.operandShapes()[0]);
  }
}
