package io.tessera.ufunc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.dtype.DType;
import io.tessera.errors.TesseraException;
import io.tessera.ufunc.TypeResolverGridTest.Goldens;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link UfuncSpecs}: every entry's name, arity, identity and loop list against NumPy 2.4.6's
 * {@code ufunc.types} restricted to Tessera's dtypes (golden {@code ufunc_types/ufuncs.json}).
 */
class TypeResolverSpecTableTest {
  private static final JsonNode G = Goldens.json("ufuncs.json");

  private static final List<String> BRIEF = List.of("add", "subtract", "multiply", "true_divide",
      "divide", "floor_divide", "remainder", "mod", "fmod", "power", "maximum", "minimum", "fmax",
      "fmin", "arctan2", "hypot", "copysign", "equal", "not_equal", "less", "less_equal",
      "greater", "greater_equal", "logical_and", "logical_or", "logical_xor", "bitwise_and",
      "bitwise_or", "bitwise_xor", "left_shift", "right_shift", "negative", "positive",
      "absolute", "sign", "sqrt", "cbrt", "square", "reciprocal", "exp", "exp2", "expm1", "log",
      "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
      "tanh", "floor", "ceil", "trunc", "rint", "isnan", "isinf", "isfinite", "logical_not",
      "invert", "clip", "where");

  @Test
  void everyUfuncMatchesNumpysTypesIdentityAndArity() {
    List<String> wrong = new ArrayList<>();
    int loops = 0;
    for (JsonNode n : G.get("ufuncs")) {
      UfuncSpec u = UfuncSpecs.get(n.get("name").asText());
      if (!u.name().equals(n.get("numpy_name").asText())) {
        wrong.add(u + " name, numpy " + n.get("numpy_name"));
      }
      if (u.nin() != n.get("nin").asInt() || u.nout() != n.get("nout").asInt()) {
        wrong.add(u + " arity");
      }
      JsonNode id = n.get("identity");
      Object expected = id.isNull() ? null : id.isBoolean() ? (Object) id.asBoolean()
          : (Object) id.asLong();
      if (!java.util.Objects.equals(expected, u.identity())) {
        wrong.add(u + " identity " + u.identity() + ", numpy " + id);
      }
      List<String> ours = new ArrayList<>();
      u.loops().forEach(l -> ours.add(l.code()));
      List<String> numpy = new ArrayList<>();
      n.get("loops").forEach(l -> numpy.add(l.asText()));
      if (!ours.equals(numpy)) {
        wrong.add(u + " loops " + ours + ", numpy " + numpy);
      }
      loops += ours.size();
    }
    assertEquals(List.of(), wrong);
    assertEquals(UfuncSpecs.allNames().size() - 1, G.get("ufuncs").size(), "all but where");
    assertTrue(loops > 500);
  }

  @Test
  void namesAliasesAndLookup() {
    for (String name : BRIEF) {
      assertTrue(UfuncSpecs.find(name).isPresent(), name);
    }
    assertEquals(BRIEF.size() - 2, UfuncSpecs.allNames().size(), "true_divide, mod are aliases");
    assertSame(UfuncSpecs.DIVIDE, UfuncSpecs.get("true_divide"));
    assertSame(UfuncSpecs.TRUE_DIVIDE, UfuncSpecs.DIVIDE);
    assertEquals("divide", UfuncSpecs.get("true_divide").name());
    assertSame(UfuncSpecs.REMAINDER, UfuncSpecs.get("mod"));
    assertSame(UfuncSpecs.ABSOLUTE, UfuncSpecs.get("abs"));
    assertEquals("divide", G.get("aliases").get("true_divide").asText());
    assertEquals("remainder", G.get("aliases").get("mod").asText());
    assertEquals("absolute", G.get("aliases").get("abs").asText());
    assertThrows(TesseraException.class, () -> UfuncSpecs.get("frobnicate"));
    assertEquals(3, UfuncSpecs.CLIP.nin());
    assertEquals(3, UfuncSpecs.WHERE.nin());
    assertTrue(UfuncSpecs.WHERE.loops().isEmpty());
    assertEquals(LoopSignature.parse("ff->f"),
        UfuncSpecs.ADD.findLoop(DType.FLOAT32, DType.FLOAT32).orElseThrow());
    assertTrue(UfuncSpecs.LESS.isComparison());
    assertTrue(UfuncSpecs.LOGICAL_XOR.isLogical());
    assertEquals("<ufunc 'add'>", UfuncSpecs.ADD.toString());
  }

  @Test
  void identities() {
    assertEquals(0L, UfuncSpecs.ADD.identity());
    assertEquals(1L, UfuncSpecs.MULTIPLY.identity());
    assertEquals(Boolean.TRUE, UfuncSpecs.LOGICAL_AND.identity());
    assertEquals(Boolean.FALSE, UfuncSpecs.LOGICAL_OR.identity());
    assertEquals(-1L, UfuncSpecs.BITWISE_AND.identity());
    assertEquals(0xffffL, UfuncSpecs.BITWISE_AND.identityBits(DType.UINT16));
    assertEquals(-1L, UfuncSpecs.BITWISE_AND.identityBits(DType.UINT64));
    assertEquals(0x3c00L, UfuncSpecs.MULTIPLY.identityBits(DType.FLOAT16));
    assertEquals(null, UfuncSpecs.MAXIMUM.identity());
    assertThrows(IllegalStateException.class, () -> UfuncSpecs.MINIMUM.identityBits(DType.INT8));
  }
}
