package io.tessera.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tessera.errors.IndexOutOfRangeException;
import io.tessera.errors.IndexSyntaxException;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexParserTest {

  private static List<Index> p(String s) {
    return IndexParser.parse(s);
  }

  @Test
  void parsesEveryKindOfEntry() {
    assertEquals(List.of(Index.slice(1L, 4L, 1), Index.slice(null, null, -1), Index.newAxis(),
        Index.ellipsis()), p("1:4, ::-1, None, ..."));
    assertEquals(List.of(Index.at(-1)), p("-1"));
    assertEquals(List.of(Index.slice(null, null, 2)), p("::2"));
    assertEquals(List.of(Index.all()), p(":"));
    assertEquals(List.of(Index.all()), p("::"));
    assertEquals(List.of(Index.slice(2L, null, 1)), p("2:"));
    assertEquals(List.of(Index.slice(null, -2L, 1)), p(":-2"));
    assertEquals(List.of(Index.slice(-3L, -1L, 1)), p("-3:-1:"));
    assertEquals(List.of(Index.newAxis(), Index.newAxis(), Index.newAxis(), Index.newAxis()),
        p("np.newaxis, newaxis, None, numpy.newaxis"));
    assertEquals(List.of(Index.ellipsis()), p("Ellipsis"));
    assertEquals(List.of(Index.at(2)), p("+2"));
    assertEquals(List.of(Index.at(1000)), p("1_000"));
  }

  @Test
  void toleratesWhitespaceAndOneTrailingComma() {
    assertEquals(List.of(Index.slice(1L, 4L, 2), Index.at(-3)), p("  1 : 4 : 2 ,\t- 3  "));
    assertEquals(List.of(Index.at(1)), p("1,"));
    assertEquals(List.of(Index.at(1), Index.ellipsis()), p("1 , ... , "));
  }

  @Test
  void emptyTextIsTheEmptyIndex() {
    assertEquals(List.of(), p(""));
    assertEquals(List.of(), p("   "));
  }

  @Test
  void sliceBoundsBeyondALongAreClampedAsPythonDoes() {
    assertEquals(List.of(Index.slice(Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE)),
        p("99999999999999999999:-99999999999999999999:99999999999999999999"));
  }

  @Test
  void integerIndexBeyondALongIsNumPysIndexError() {
    // np.zeros(3)[2**70]
    IndexOutOfRangeException e = assertThrows(IndexOutOfRangeException.class,
        () -> p("1180591620717411303424"));
    assertEquals("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and "
        + "integer or boolean arrays are valid indices", e.getMessage());
  }

  @Test
  void syntaxErrorsQuoteTheTextAndPosition() {
    assertSyntax("1:a", "index: cannot parse '1:a' at position 2");
    assertSyntax("1,,2", "index: cannot parse '1,,2' at position 2");
    assertSyntax("foo", "index: cannot parse 'foo' at position 0");
    assertSyntax("1 2", "index: cannot parse '1 2' at position 2");
    assertSyntax("2.5", "index: cannot parse '2.5' at position 1");
    assertSyntax("-", "index: cannot parse '-' at position 1");
    assertSyntax("1:2:3:4", "index: cannot parse '1:2:3:4' at position 5");
    assertSyntax(",", "index: cannot parse ',' at position 0");
    assertSyntax("[1]", "index: cannot parse '[1]' at position 0");
    assertSyntax("1a", "index: cannot parse '1a' at position 1");
    assertSyntax("....", "index: cannot parse '....' at position 3");
  }

  @Test
  void zeroStepAndSecondEllipsisAreRejected() {
    assertSyntax("::0", "slice step cannot be zero");
    assertSyntax("1:2:-0", "slice step cannot be zero");
    // np.zeros((2, 3))[..., 1, ...]
    assertSyntax("..., 1, ...", "an index can only have a single ellipsis ('...')");
  }

  @Test
  void errorsCarryTheIndexOp() {
    assertEquals("index", assertThrows(IndexSyntaxException.class, () -> p("x")).op());
  }

  private static void assertSyntax(String text, String message) {
    IndexSyntaxException e = assertThrows(IndexSyntaxException.class, () -> p(text));
    assertEquals(message, e.getMessage());
  }
}
