package io.tessera.ufunc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.dtype.DType;
import io.tessera.errors.TesseraException;
import io.tessera.ufunc.TypeResolverGridTest.Goldens;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TypeResolver#resolveReduce} / {@link TypeResolver#resolveAccumulate} against NumPy
 * 2.4.6's {@code ufunc.reduce} / {@code accumulate} (and {@code resolve_dtypes(reduction=True)})
 * for every binary ufunc, input dtype and {@code dtype=}; identities of empty reductions; and the
 * result dtypes of np.sum, prod, mean, var, std, any, all, max, min, cumsum, cumprod (golden
 * {@code ufunc_types/reduce.json.gz}).
 */
class TypeResolverReduceTest {
  private static final JsonNode G = Goldens.json("reduce.json.gz");

  @Test
  void reduceAndAccumulateLoopsAndDtypesMatchNumpy() {
    Goldens.Checker check = new Goldens.Checker(G.get("errors"));
    for (JsonNode row : G.get("rows")) {
      UfuncSpec u = UfuncSpecs.get(row.get(0).asText());
      DType in = DType.of(row.get(1).asText());
      DType dt = Goldens.dtypeOrNull(row.get(2));
      String what = u.name() + ".reduce(" + in + ", dtype=" + dt + ")";
      check.compare(what + " loop", row.get(3).asText(),
          () -> TypeResolver.resolveReduce(u, in, dt).code());
      check.compare(what + " result", row.get(4).asText(),
          () -> TypeResolver.resultTypeForReduce(u, in, dt).numpyName());
      check.compare(what + " accumulate", row.get(5).asText(),
          () -> TypeResolver.resolveAccumulate(u, in, dt).out()[0].numpyName());
    }
    assertEquals(29 * 12 * 13 * 3, check.count);
    System.out.println("TypeResolverReduceTest: " + check.count + " comparisons with NumPy");
    check.assertNoMismatch();
  }

  @Test
  void emptyReductionsGiveTheIdentityInTheReduceDtype() {
    List<String> wrong = new ArrayList<>();
    for (JsonNode row : G.get("empty")) {
      UfuncSpec u = UfuncSpecs.get(row.get(0).asText());
      DType in = DType.of(row.get(1).asText());
      JsonNode res = row.get(2);
      if (res.isTextual()) { // an error: no identity, or no reduce loop at all
        String msg = G.get("errors").get(Integer.parseInt(res.asText().substring(1)))
            .get(1).asText();
        if (msg.startsWith("zero-size array to reduction operation")) {
          assertEquals("zero-size array to reduction operation " + u.name()
              + " which has no identity", msg);
          if (u.hasIdentity()) {
            wrong.add(u.name() + "(" + in + "): numpy has no identity, ours " + u.identity());
          }
          TypeResolver.resolveReduce(u, in, null); // the loop exists
        } else {
          String ours;
          try {
            ours = "loop " + TypeResolver.resolveReduce(u, in, null);
          } catch (TesseraException e) {
            ours = e.getMessage();
          }
          if (!msg.equals(ours)) {
            wrong.add(u.name() + "(" + in + "): numpy " + msg + ", ours " + ours);
          }
        }
        continue;
      }
      DType out = TypeResolver.resultTypeForReduce(u, in, null);
      long bits = u.identityBits(out);
      String actual = out.numpyName() + " " + Long.toHexString(bits);
      String expected = res.get(0).asText() + " " + res.get(1).asText();
      if (!expected.equals(actual)) {
        wrong.add(u.name() + "(" + in + "): numpy " + expected + ", ours " + actual);
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void numpyReductionFunctionsResultDtypes() {
    List<DType> dtypes = Goldens.dtypes(G);
    JsonNode f = G.get("functions");
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < dtypes.size(); i++) {
      DType d = dtypes.get(i);
      check(wrong, "sum", d, f, i, TypeResolver.resultTypeForReduce(UfuncSpecs.ADD, d, null));
      check(wrong, "prod", d, f, i,
          TypeResolver.resultTypeForReduce(UfuncSpecs.MULTIPLY, d, null));
      check(wrong, "cumsum", d, f, i,
          TypeResolver.resolveAccumulate(UfuncSpecs.ADD, d, null).out()[0]);
      check(wrong, "cumprod", d, f, i,
          TypeResolver.resolveAccumulate(UfuncSpecs.MULTIPLY, d, null).out()[0]);
      check(wrong, "any", d, f, i,
          TypeResolver.resultTypeForReduce(UfuncSpecs.LOGICAL_OR, d, null));
      check(wrong, "all", d, f, i,
          TypeResolver.resultTypeForReduce(UfuncSpecs.LOGICAL_AND, d, null));
      check(wrong, "max", d, f, i, TypeResolver.resultTypeForReduce(UfuncSpecs.MAXIMUM, d, null));
      check(wrong, "min", d, f, i, TypeResolver.resultTypeForReduce(UfuncSpecs.MINIMUM, d, null));
      check(wrong, "mean", d, f, i, TypeResolver.meanResultType(d));
      check(wrong, "var", d, f, i, TypeResolver.varResultType(d));
      check(wrong, "std", d, f, i, TypeResolver.varResultType(d));
      // mean's accumulator: add.reduce with dtype= the accumulator keeps that dtype
      DType acc = TypeResolver.meanAccumulatorType(d);
      assertEquals(acc, TypeResolver.resultTypeForReduce(UfuncSpecs.ADD, d, acc));
    }
    assertEquals(List.of(), wrong);
  }

  private static void check(List<String> wrong, String fn, DType d, JsonNode f, int i, DType ours) {
    JsonNode cell = f.get(fn).get(i);
    for (JsonNode shape : cell) { // full reduction and axis=0
      if (!shape.asText().equals(ours.numpyName())) {
        wrong.add("np." + fn + "(" + d + "): numpy " + shape.asText() + ", ours " + ours);
      }
    }
  }

  @Test
  void briefExamples() {
    // np.sum / np.prod accumulators
    assertEquals(DType.INT64, TypeResolver.resultTypeForReduce(UfuncSpecs.ADD, DType.BOOL, null));
    assertEquals(DType.INT64, TypeResolver.resultTypeForReduce(UfuncSpecs.ADD, DType.INT8, null));
    assertEquals(DType.INT64,
        TypeResolver.resultTypeForReduce(UfuncSpecs.MULTIPLY, DType.INT32, null));
    assertEquals(DType.UINT64,
        TypeResolver.resultTypeForReduce(UfuncSpecs.ADD, DType.UINT16, null));
    assertEquals(DType.FLOAT16,
        TypeResolver.resultTypeForReduce(UfuncSpecs.ADD, DType.FLOAT16, null));
    // an explicit dtype wins, cast unsafely
    assertEquals("bb->b",
        TypeResolver.resolveReduce(UfuncSpecs.ADD, DType.FLOAT64, DType.INT8).code());
    // np.all / np.any: ??->?
    assertEquals("??->?",
        TypeResolver.resolveReduce(UfuncSpecs.LOGICAL_AND, DType.FLOAT32, null).code());
    assertTrue(UfuncSpecs.MAXIMUM.identity() == null);
    assertFalse(UfuncSpecs.MAXIMUM.hasIdentity());
    assertEquals(0xffL, UfuncSpecs.BITWISE_AND.identityBits(DType.UINT8));
  }
}
