package io.tessera.kernels;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.errors.TesseraException;
import io.tessera.memory.Raw;
import io.tessera.index.Index;
import io.tessera.ndarray.NDArray;
import io.tessera.testing.ArrayTestBase;
import io.tessera.ufunc.LoopSignature;
import org.apache.arrow.memory.ArrowBuf;
import org.junit.jupiter.api.Test;

/** Lookup, aliases, error messages and {@link Kernels#validate}. */
class KernelsTest extends ArrayTestBase {
  static LoopSignature sig(String s) {
    return LoopSignature.parse(s);
  }

  @Test
  void aliasesFindTheSameLoops() {
    assertSame(Kernels.binary("true_divide", sig("dd->d")), Kernels.binary("divide", sig("dd->d")));
    assertSame(Kernels.binary("remainder", sig("qq->q")), Kernels.binary("mod", sig("qq->q")));
    assertSame(Kernels.binary("add", sig("ll->l")), Kernels.binary("add", sig("qq->q")));
    assertEquals(Kernels.loops("remainder"), Kernels.loops("mod"));
    assertTrue(Kernels.has("divide", sig("ff->f")));
    assertFalse(Kernels.has("divide", sig("qq->q")));
  }

  @Test
  void unknownLoopsAreClearErrors() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Kernels.binary("true_divide", sig("qq->q")));
    assertTrue(e.getMessage().contains("true_divide") && e.getMessage().contains("qq->q")
        && e.getMessage().contains("dd->d"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Kernels.binary("frobnicate",
        sig("dd->d")));
    assertTrue(e.getMessage().contains("unknown ufunc"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Kernels.unary("add", sig("dd->d")));
    assertThrows(IllegalArgumentException.class, () -> Kernels.binary("sqrt", sig("d->d")));
    assertThrows(IllegalArgumentException.class, () -> Kernels.unary("negative", sig("?->?")));
    assertThrows(IllegalArgumentException.class, () -> Kernels.ternary("clip", sig("dd->d")));
    assertThrows(IllegalArgumentException.class, () -> Kernels.ternary("where", sig("ddd->d")));
    assertThrows(IllegalArgumentException.class, () -> Kernels.binary(null, sig("dd->d")));
  }

  @Test
  void ternaryLookups() {
    for (DType t : DType.values()) {
      char c = t.charCode();
      Kernels.ternary("clip", sig("" + c + c + c + "->" + c));
      Kernels.ternary("where", sig("?" + c + c + "->" + c));
    }
  }

  @Test
  void longRunsUseLongAddressArithmetic() {
    // a run longer than any int index would reach in a buffered block, on one scalar operand
    BinaryKernel add = Kernels.binary("add", sig("bb->b"));
    int n = 70_000;
    try (ArrowBuf buf = allocator.buffer(2L * n + 8)) {
      long a = buf.memoryAddress();
      long o = a + n;
      for (int i = 0; i < n; i++) {
        Raw.putByte(a + i, (byte) i);
      }
      Raw.putByte(o + n, (byte) 3);
      add.run(a, 1, o + n, 0, o, 1, n); // b is a broadcast scalar placed after the output
      for (int i = 0; i < n; i += 997) {
        assertEquals((byte) (i + 3), Raw.getByte(o + i));
      }
    }
  }

  // ---------------------------------------------------------------- validate

  @Test
  void negativeIntegerExponentsAreRejectedBeforeAnyWrite() {
    try (NDArray base = np.array(new long[] {2, 3, 4});
        NDArray exp = np.array(new long[] {1, -1, 2})) {
      TesseraException e = assertThrows(UfuncValueException.class, () -> Kernels.validate(
          "power", sig("qq->q"), new NDArray[] {base, exp}, new Number[2]));
      assertEquals("Integers to negative integer powers are not allowed.", e.getMessage());
      assertEquals("power", e.op());
    }
    try (NDArray base = np.array(new int[] {2, 3})) {
      assertThrows(UfuncValueException.class, () -> Kernels.validate("power", sig("ii->i"),
          new NDArray[] {base, null}, new Number[] {null, -2L}));
      assertDoesNotThrow(() -> Kernels.validate("power", sig("ii->i"),
          new NDArray[] {base, null}, new Number[] {null, 2L}));
      // a float scalar on an integer loop converts as NumPy's cast does
      assertThrows(UfuncValueException.class, () -> Kernels.validate("power", sig("ii->i"),
          new NDArray[] {base, null}, new Number[] {null, -1.5}));
    }
  }

  @Test
  void exponentsAreCheckedAfterTheCastToTheLoopType() {
    // uint8 255 is -1 as int8; uint64 2**63 is negative as int64; uint16 never as int32
    try (NDArray u8 = np.array(new long[] {1, 255}, DType.UINT8);
        NDArray i64 = np.array(new long[] {Long.MIN_VALUE});
        NDArray u64 = i64.view(DType.UINT64);
        NDArray u16 = np.array(new long[] {65535}, DType.UINT16);
        NDArray f = np.array(new double[] {0.5, -0.5, 2.0})) {
      assertThrows(UfuncValueException.class, () -> Kernels.validate("power", sig("bb->b"),
          new NDArray[] {u8, u8}, new Number[2]));
      assertThrows(UfuncValueException.class, () -> Kernels.validate("power", sig("qq->q"),
          new NDArray[] {u64, u64}, new Number[2]));
      assertDoesNotThrow(() -> Kernels.validate("power", sig("ii->i"),
          new NDArray[] {u16, u16}, new Number[2]));
      // -0.5 truncates to 0: fine, as in NumPy
      assertDoesNotThrow(() -> Kernels.validate("power", sig("qq->q"),
          new NDArray[] {f, f}, new Number[2]));
    }
  }

  @Test
  void stridedAndMultiDimensionalExponentsAreScannedCompletely() {
    try (NDArray e = np.array(new long[][] {{1, 2, 3}, {4, 5, -6}});
        NDArray t = e.transpose();
        NDArray last = e.get(Index.all(), Index.slice(2, 3))) {
      for (NDArray x : new NDArray[] {e, t, last}) {
        assertThrows(UfuncValueException.class, () -> Kernels.validate("power", sig("qq->q"),
            new NDArray[] {x, x}, new Number[2]), x.layout().toString());
      }
      try (NDArray first = e.get(Index.slice(0, 1))) {
        assertDoesNotThrow(() -> Kernels.validate("power", sig("qq->q"),
            new NDArray[] {first, first}, new Number[2]));
      }
    }
    try (NDArray one = np.array(new long[] {-3}); NDArray zeroD = one.reshape()) {
      assertThrows(UfuncValueException.class, () -> Kernels.validate("power", sig("qq->q"),
          new NDArray[] {zeroD, zeroD}, new Number[2]));
    }
  }

  @Test
  void everythingElseIsANoOp() {
    try (NDArray neg = np.array(new long[] {-1, -2})) {
      NDArray[] in = {neg, neg};
      Number[] none = new Number[2];
      Kernels.validate("power", sig("QQ->Q"), in, none); // unsigned loops cannot be negative
      Kernels.validate("power", sig("dd->d"), in, none);
      Kernels.validate("floor_divide", sig("qq->q"), in, none); // division by zero only warns
      Kernels.validate("left_shift", sig("qq->q"), in, none);
      Kernels.validate("negative", sig("q->q"), new NDArray[] {neg}, new Number[1]);
    }
  }
}
