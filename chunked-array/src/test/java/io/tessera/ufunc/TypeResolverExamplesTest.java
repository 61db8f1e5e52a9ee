package io.tessera.ufunc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.errors.CastingException;
import io.tessera.errors.ScalarOverflowException;
import io.tessera.errors.UfuncTypeException;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * Readable examples of NumPy 2.4.6's type resolution (each checked against NumPy by hand and, in
 * bulk, by the golden tests).
 */
class TypeResolverExamplesTest {
  private static final DType B = DType.BOOL;
  private static final DType I8 = DType.INT8;
  private static final DType I16 = DType.INT16;
  private static final DType I32 = DType.INT32;
  private static final DType I64 = DType.INT64;
  private static final DType U8 = DType.UINT8;
  private static final DType U64 = DType.UINT64;
  private static final DType F16 = DType.FLOAT16;
  private static final DType F32 = DType.FLOAT32;
  private static final DType F64 = DType.FLOAT64;

  private static String loop(UfuncSpec u, Operand... ops) {
    return TypeResolver.resolve(u, ops).code();
  }

  private static Operand a(DType t) {
    return Operand.array(t);
  }

  @Test
  void arraysFollowPromotionAndTheLegacyResolvers() {
    assertEquals("hh->h", TypeResolver.resolve(UfuncSpecs.ADD, I8, I16).code());
    assertEquals("dd->d", TypeResolver.resolve(UfuncSpecs.TRUE_DIVIDE, I8, I8).code());
    assertEquals("dd->d", TypeResolver.resolve(UfuncSpecs.DIVIDE, B, B).code());
    assertEquals("ee->e", TypeResolver.resolve(UfuncSpecs.DIVIDE, F16, I8).code());
    assertEquals("qq->?", TypeResolver.resolve(UfuncSpecs.LESS, I8, I64).code());
    assertEquals("qQ->?", TypeResolver.resolve(UfuncSpecs.EQUAL, I32, U64).code());
    assertEquals("QQ->?", TypeResolver.resolve(UfuncSpecs.EQUAL, U8, U64).code());
    assertEquals("dd->?", TypeResolver.resolve(UfuncSpecs.LOGICAL_AND, F64, F64).code());
    assertEquals("??->?", TypeResolver.resolve(UfuncSpecs.LOGICAL_AND, F64, I32).code());
    assertEquals("e->e", TypeResolver.resolve(UfuncSpecs.SQRT, I8).code());
    assertEquals("f->f", TypeResolver.resolve(UfuncSpecs.SQRT, I16).code());
    assertEquals("d->d", TypeResolver.resolve(UfuncSpecs.SQRT, I32).code());
    assertEquals("e->e", TypeResolver.resolve(UfuncSpecs.SQRT, B).code());
    assertEquals("bb->b", TypeResolver.resolve(UfuncSpecs.LEFT_SHIFT, B, B).code());
    assertEquals("?->?", TypeResolver.resolve(UfuncSpecs.ISNAN, B).code());
    assertEquals("dd->d", TypeResolver.resolve(UfuncSpecs.POWER, I64, U64).code());
    assertEquals("fff->f", TypeResolver.resolve(UfuncSpecs.CLIP, DType.UINT16, I16, F16).code());
  }

  @Test
  void unsupportedInputsRaiseNumpysTypeErrors() {
    UfuncTypeException e = assertThrows(UfuncTypeException.class,
        () -> TypeResolver.resolve(UfuncSpecs.INVERT, F64));
    assertEquals("ufunc 'invert' not supported for the input types, and the inputs could not be "
        + "safely coerced to any supported types according to the casting rule ''safe''",
        e.getMessage());
    assertEquals("invert", e.op());
    e = assertThrows(UfuncTypeException.class,
        () -> TypeResolver.resolve(UfuncSpecs.SUBTRACT, B, B));
    assertEquals("numpy boolean subtract, the `-` operator, is not supported, use the "
        + "bitwise_xor, the `^` operator, or the logical_xor function instead.", e.getMessage());
    e = assertThrows(UfuncTypeException.class, () -> TypeResolver.resolve(UfuncSpecs.NEGATIVE, B));
    assertEquals("The numpy boolean negative, the `-` operator, is not supported, use the `~` "
        + "operator or the logical_not function instead.", e.getMessage());
    e = assertThrows(UfuncTypeException.class, () -> TypeResolver.resolve(UfuncSpecs.POSITIVE, B));
    assertEquals("ufunc 'positive' did not contain a loop with signature matching types "
        + "<class 'numpy.dtypes.BoolDType'> -> None", e.getMessage());
    e = assertThrows(UfuncTypeException.class, () -> TypeResolver.resolve(UfuncSpecs.LESS,
        new DType[] {I8, I8}, null, null, F64, null, null));
    assertEquals("No loop matching the specified signature and casting was found for ufunc less",
        e.getMessage());
  }

  @Test
  void dtypeArgumentAndCastingChecks() {
    // np.add(int_array, float_array, dtype=int32)
    CastingException e = assertThrows(CastingException.class, () -> TypeResolver.resolve(
        UfuncSpecs.ADD, new DType[] {I64, F64}, null, null, I32, null, null));
    assertEquals("Cannot cast ufunc 'add' input 1 from dtype('float64') to dtype('int32') with "
        + "casting rule 'same_kind'", e.getMessage());
    assertEquals("ii->i", TypeResolver.resolve(UfuncSpecs.ADD,
        new DType[] {I64, F64}, null, null, I32, null, Casting.UNSAFE).code());
    // out= of a narrower kind
    e = assertThrows(CastingException.class, () -> TypeResolver.resolve(UfuncSpecs.ADD,
        new DType[] {I64, F64}, null, null, null, new DType[] {I32}, null));
    assertEquals("Cannot cast ufunc 'add' output from dtype('float64') to dtype('int32') with "
        + "casting rule 'same_kind'", e.getMessage());
    // out= does not change the loop
    assertEquals("bb->b", TypeResolver.resolve(UfuncSpecs.ADD, new DType[] {I8, I8}, null, null,
        null, new DType[] {F64}, null).code());
    // dtype= does: f4 + f4 with dtype=f8 runs the f8 loop
    assertEquals("dd->d", TypeResolver.resolve(UfuncSpecs.ADD, new DType[] {F32, F32}, null,
        null, F64, null, null).code());
    // unary: the input index is not shown
    e = assertThrows(CastingException.class, () -> TypeResolver.resolve(UfuncSpecs.SQRT,
        new DType[] {F64}, null, null, F32, null, Casting.NO));
    assertEquals("Cannot cast ufunc 'sqrt' input from dtype('float64') to dtype('float32') with "
        + "casting rule 'no'", e.getMessage());
  }

  @Test
  void nep50WeakScalars() {
    assertEquals("bb->b", loop(UfuncSpecs.ADD, a(I8), Operand.scalar(1)));
    assertEquals("dd->d", loop(UfuncSpecs.ADD, a(I8), Operand.scalar(1.5)));
    assertEquals("dd->d", loop(UfuncSpecs.ADD, a(U64), Operand.scalar(1.5)));
    assertEquals("ff->f", loop(UfuncSpecs.ADD, a(F32), Operand.scalar(1.5)));
    assertEquals("ee->e", loop(UfuncSpecs.ADD, Operand.scalar(1), a(F16)));
    assertEquals("qq->q", loop(UfuncSpecs.ADD, a(B), Operand.scalar(1)));
    assertEquals("dd->d", loop(UfuncSpecs.ADD, a(B), Operand.scalar(1.5)));
    assertEquals("BB->B", loop(UfuncSpecs.ADD, a(U8), Operand.scalar(true))); // bool is strong
    assertEquals("qq->q", loop(UfuncSpecs.ADD, Operand.scalar(1), Operand.scalar(2)));
    assertEquals("dd->d", loop(UfuncSpecs.ADD, Operand.scalar(1), Operand.scalar(2.5)));
    assertEquals("dd->d", loop(UfuncSpecs.DIVIDE, a(I8), Operand.scalar(2)));
    assertEquals("ee->e", loop(UfuncSpecs.DIVIDE, a(F16), Operand.scalar(2)));
    assertEquals("bb->b", loop(UfuncSpecs.POWER, a(I8), Operand.scalar(2)));
    assertEquals("dd->d", loop(UfuncSpecs.POWER, a(I8), Operand.scalar(2.5)));
    assertEquals("qq->q", loop(UfuncSpecs.LEFT_SHIFT, a(B), Operand.scalar(1)));
    assertEquals("??->?", loop(UfuncSpecs.LOGICAL_AND, a(I8), Operand.scalar(1.5)));

    ScalarOverflowException o = assertThrows(ScalarOverflowException.class,
        () -> TypeResolver.resolve(UfuncSpecs.ADD, a(U8), Operand.scalar(300)));
    assertEquals("Python integer 300 out of bounds for uint8", o.getMessage());
    o = assertThrows(ScalarOverflowException.class,
        () -> TypeResolver.resolve(UfuncSpecs.ADD, a(U64), Operand.scalar(-1)));
    assertEquals("Python integer -1 out of bounds for uint64", o.getMessage());
    assertEquals("QQ->Q", loop(UfuncSpecs.ADD, a(U64),
        Operand.scalar(new BigInteger("18446744073709551615"))));

    // the converted scalar comes with the resolution
    TypeResolver.Resolution r = TypeResolver.resolveFull(UfuncSpecs.ADD,
        new Operand[] {a(F16), Operand.scalar(65520)}, null, null, null);
    assertArrayEquals(new DType[] {F16, F16}, r.operandTypes());
    assertEquals(0x7c00L, r.scalarBits()[1]); // 65520 rounds to inf in float16

    // unary ufuncs take a Python scalar as an int64/float64 array (not weak)
    assertEquals("q->q", loop(UfuncSpecs.NEGATIVE, Operand.scalar(300)));
    assertEquals("b->b", TypeResolver.resolve(
        UfuncSpecs.NEGATIVE, new DType[] {I64}, new boolean[] {true}, new Number[] {300L}, I8,
        null, null).code()); // np.negative(300, dtype=int8) is -44: no overflow error
  }

  @Test
  void comparisonsWithOutOfRangePythonIntsAreConstant() {
    TypeResolver.Resolution r = TypeResolver.resolveFull(UfuncSpecs.LESS,
        new Operand[] {a(U8), Operand.scalar(300)}, null, null, null);
    assertEquals("BB->?", r.loop().code());
    assertEquals(Boolean.TRUE, r.fixedResult()); // uint8 < 300: all True
    r = TypeResolver.resolveFull(UfuncSpecs.EQUAL, new Operand[] {a(U8), Operand.scalar(-1)},
        null, null, null);
    assertEquals(Boolean.FALSE, r.fixedResult());
    r = TypeResolver.resolveFull(UfuncSpecs.GREATER, new Operand[] {Operand.scalar(-1), a(U8)},
        null, null, null);
    assertEquals(Boolean.FALSE, r.fixedResult()); // -1 > uint8: all False
    r = TypeResolver.resolveFull(UfuncSpecs.LESS, new Operand[] {a(I8), Operand.scalar(5)},
        null, null, null);
    assertNull(r.fixedResult());
    assertEquals(5L, r.scalarBits()[1]);
    // a bool array is not an integer array: it compares in int64
    assertEquals("qq->?", loop(UfuncSpecs.LESS, a(B), Operand.scalar(300)));
    // floats: the value is rounded to the array's float type (65520 -> inf in float16)
    assertEquals("ee->?", loop(UfuncSpecs.EQUAL, a(F16), Operand.scalar(65520)));
  }

  @Test
  void whereAndReduce() {
    assertEquals("?bb->b", loop(UfuncSpecs.WHERE, a(B), a(I8), Operand.scalar(300)));
    TypeResolver.Resolution r = TypeResolver.resolveFull(UfuncSpecs.WHERE,
        new Operand[] {a(I32), a(U8), Operand.scalar(300)}, null, null, null);
    assertEquals(44L, r.scalarBits()[2]); // NumPy 2.4.6 wraps silently in np.where
    assertEquals("?dd->d", loop(UfuncSpecs.WHERE, a(B), a(I8), Operand.scalar(1.5)));
    assertEquals("?qq->q", loop(UfuncSpecs.WHERE, a(B), Operand.scalar(1), Operand.scalar(2)));
    assertEquals(I64, TypeResolver.resultTypeForReduce(UfuncSpecs.ADD, I8, null));
    assertEquals(F32, TypeResolver.meanAccumulatorType(F16));
    assertEquals(F16, TypeResolver.meanResultType(F16));
    assertEquals(F64, TypeResolver.meanResultType(I32));
    assertEquals(F16, TypeResolver.varResultType(F16));
  }
}
