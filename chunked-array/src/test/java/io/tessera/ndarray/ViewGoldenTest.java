package io.tessera.ndarray;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.Tessera;
import io.tessera.dtype.Casting;
import io.tessera.dtype.DType;
import io.tessera.errors.TesseraException;
import io.tessera.index.Index;
import io.tessera.memory.Raw;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Views and copies against NumPy: every case of {@code /golden/views/*.json} (written by {@code
 * integration-tests/src/test/python/gen_view_goldens.py}, whose header documents the format and the
 * op vocabulary) is rebuilt through Tessera's public API, and the result's shape, strides (exactly,
 * including those of length-1 axes and of empty arrays), dtype, flags, raw element bits,
 * shares-memory-with-operand and {@code base == null} must equal NumPy's. Where NumPy raises, Tessera
 * must raise a {@link TesseraException}. A missing golden file fails the test.
 *
 * <p>One deliberate difference is allowed: where NumPy returns the operand object itself ({@code
 * np.require}, {@code np.ascontiguousarray}, {@code astype(copy=False)} when nothing has to change),
 * Tessera documents that it returns a view of it, so for those cases (flagged {@code is_operand})
 * OWNDATA is expected false and {@code base} non-null, everything else as NumPy; and where that
 * was {@code np.require(a, 'O')} of an array owning its data, Tessera documents that OWNDATA always
 * copies, so a copy (OWNDATA, no base, no shared memory) is expected.
 *
 * <p>Each case gets its own allocator, and every array it creates is closed: a leak fails the case.
 */
class ViewGoldenTest {
  static final String DIR = "/golden/views/";
  static final List<String> FILES = List.of("indexing.json", "axes.json", "reshape.json",
      "ravel_flatten.json", "broadcast.json", "stride_tricks.json", "dtype_view.json", "copy.json",
      "astype.json", "fancy.json", "masks.json", "take.json");

  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode load(String name) {
    try (InputStream in = ViewGoldenTest.class.getResourceAsStream(DIR + name)) {
      if (in == null) {
        fail("missing golden file " + DIR + name + ": run "
            + "python3 integration-tests/src/test/python/gen_view_goldens.py from the repository root");
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @TestFactory
  Stream<DynamicNode> numpyGoldens() {
    JsonNode manifest = load("manifest.json");
    Set<String> listed = new TreeSet<>();
    manifest.get("files").fieldNames().forEachRemaining(listed::add);
    assertEquals(new TreeSet<>(FILES), listed, "manifest.json lists other files than the test reads");
    assertTrue(manifest.get("expressions").asInt() >= 80, "fewer than 80 expressions");
    List<DynamicNode> out = new ArrayList<>();
    int total = 0;
    for (String file : FILES) {
      JsonNode doc = load(file);
      JsonNode cases = doc.get("cases");
      assertEquals(manifest.get("files").get(file).asInt(), cases.size(), file + ": case count");
      List<DynamicTest> tests = new ArrayList<>();
      for (JsonNode c : cases) {
        tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> runCase(c)));
      }
      total += cases.size();
      out.add(DynamicContainer.dynamicContainer(file, tests));
    }
    assertEquals(manifest.get("cases").asInt(), total);
    return out.stream();
  }

  // ------------------------------------------------------------------------------ one case

  static void runCase(JsonNode c) {
    long leaked;
    try (BufferAllocator alloc = new RootAllocator()) {
      try (Opened arrays = new Opened()) {
        check(c, Tessera.using(alloc), arrays);
      } catch (AssertionError | RuntimeException e) {
        // surefire reports dynamic tests by number: put the case's name in the message
        throw new AssertionError(c.get("name").asText() + " :: " + e, e);
      }
      leaked = alloc.getAllocatedMemory();
    }
    assertEquals(0, leaked, "bytes still allocated after the case closed every array");
  }

  /** Closes every array it was given, last first. */
  static final class Opened implements AutoCloseable {
    final List<NDArray> open = new ArrayList<>();

    NDArray add(NDArray a) {
      open.add(a);
      return a;
    }

    @Override
    public void close() {
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close();
      }
    }
  }

  static void check(JsonNode c, Tessera np, Opened arrays) {
    JsonNode in = c.get("input");
    DType dt = DType.of(in.get("dtype").asText());
    long[] bshape = longs(in.get("shape"));
    NDArray base = arrays.add(np.empty(dt, Order.of(in.get("order").asText()), bshape));
    putBitsC(base, in.get("bits"));
    NDArray x = base;
    for (JsonNode op : in.get("pre")) {
      x = arrays.add(apply(np, x, op));
    }
    NDArray operand = x;
    // NumPy's strides of the operand (the created array, then the pre ops): checked with the rest
    Executable inputCheck = () -> assertArrayEquals(longs(in.get("strides")), operand.strides(),
        () -> "strides of the input operand (" + in.get("kind").asText() + ": np.empty("
            + Arrays.toString(bshape) + ", order=" + in.get("order").asText() + ") then "
            + in.get("pre") + ") differ from NumPy's " + in.get("strides") + ": Tessera has "
            + Arrays.toString(operand.strides()));

    if (c.has("error")) {
      JsonNode err = c.get("error");
      try {
        NDArray r = x;
        for (JsonNode op : c.get("ops")) {
          r = arrays.add(apply(np, r, op));
        }
        fail("NumPy raises " + err.get("type").asText() + ": " + err.get("message").asText()
            + ", Tessera returned " + describe(r));
      } catch (TesseraException expected) {
        // as NumPy
      }
      assertAll(c.get("expr").asText(), inputCheck);
      return;
    }

    NDArray r = x;
    for (JsonNode op : c.get("ops")) {
      r = arrays.add(apply(np, r, op));
    }
    NDArray result = r;
    JsonNode e = c.get("expect");
    JsonNode f = e.get("flags");
    boolean isOperand = e.get("is_operand").asBoolean();
    // NumPy returned the operand itself: Tessera returns a view of it instead, or, for
    // require(OWNDATA), a copy (both documented in NDArray)
    JsonNode ops = c.get("ops");
    JsonNode last = ops.get(ops.size() - 1);
    boolean ownDataRequired = isOperand && last.get("op").asText().equals("require")
        && last.get("req").toString().contains("\"O\"");
    boolean ownData = isOperand ? ownDataRequired : f.get("owndata").asBoolean();
    boolean baseIsNone = isOperand ? ownDataRequired : e.get("base_is_none").asBoolean();
    boolean shares = ownDataRequired ? false : e.get("shares_memory").asBoolean();
    Flags expectedFlags = new Flags(f.get("c_contiguous").asBoolean(),
        f.get("f_contiguous").asBoolean(), f.get("aligned").asBoolean(),
        f.get("writeable").asBoolean(), ownData);
    List<Executable> checks = new ArrayList<>();
    checks.add(inputCheck);
    checks.add(() -> assertArrayEquals(longs(e.get("shape")), result.shape(), "shape"));
    checks.add(() -> assertArrayEquals(longs(e.get("strides")), result.strides(),
        () -> "strides (NumPy " + e.get("strides") + ", Tessera "
            + Arrays.toString(result.strides()) + ", shape " + Arrays.toString(result.shape())
            + ")"));
    checks.add(() -> assertEquals(DType.of(e.get("dtype").asText()), result.dtype(), "dtype"));
    checks.add(() -> assertEquals(expectedFlags, result.flags(), "flags"));
    checks.add(() -> assertEquals(baseIsNone, result.base() == null, "base == null"));
    checks.add(() -> assertEquals(shares, result.sharesMemory(operand),
        "shares_memory(result, operand)"));
    checks.add(() -> {
      if (Arrays.equals(longs(e.get("shape")), result.shape())) {
        assertArrayEquals(longs(e.get("bits")), bitsC(result), "values (raw bits, C order)");
      }
    });
    assertAll(c.get("expr").asText(), checks.stream());
  }

  static String describe(NDArray r) {
    return "shape " + Arrays.toString(r.shape()) + " strides " + Arrays.toString(r.strides());
  }

  // ------------------------------------------------------------------------------ the ops

  static NDArray apply(Tessera np, NDArray x, JsonNode op) {
    String k = op.get("op").asText();
    switch (k) {
      case "index":
        return x.get(op.get("expr").asText());
      case "T":
        return x.T();
      case "transpose":
        return op.get("axes").isNull() ? x.transpose() : x.transpose(ints(op.get("axes")));
      case "swapaxes":
        return x.swapaxes(op.get("a").asInt(), op.get("b").asInt());
      case "moveaxis":
        return x.moveaxis(ints(op.get("src")), ints(op.get("dst")));
      case "squeeze":
        return op.get("axes").isNull() ? x.squeeze() : x.squeeze(ints(op.get("axes")));
      case "expand_dims":
        return x.expandDims(ints(op.get("axes")));
      case "reshape":
        return x.reshape(longs(op.get("shape")), Order.of(op.get("order").asText()),
            CopyMode.valueOf(op.get("copy").asText()));
      case "ravel":
        return x.ravel(Order.of(op.get("order").asText()));
      case "flatten":
        return x.flatten(Order.of(op.get("order").asText()));
      case "broadcast_to":
        return x.broadcastTo(longs(op.get("shape")));
      case "as_strided":
        return x.asStrided(longs(op.get("shape")), longs(op.get("strides")));
      case "sliding_window_view":
        return x.slidingWindowView(longs(op.get("window")),
            op.get("axes").isNull() ? new int[0] : ints(op.get("axes")));
      case "view":
        return op.get("dtype").isNull() ? x.view() : x.view(DType.of(op.get("dtype").asText()));
      case "copy":
        return x.copy(Order.of(op.get("order").asText()));
      case "ascontiguousarray":
        return x.ascontiguousarray();
      case "asfortranarray":
        return x.asfortranarray();
      case "require": {
        List<Requirement> req = new ArrayList<>();
        for (JsonNode r : op.get("req")) {
          req.add(requirement(r.asText()));
        }
        return x.require(req.toArray(new Requirement[0]));
      }
      case "astype":
        return x.astype(DType.of(op.get("dtype").asText()), Casting.of(op.get("casting").asText()),
            op.get("copy").asBoolean());
      case "fancy":
        return withIndexArrays(np, op.get("index"), ix -> x.get(ix));
      case "mask":
        try (NDArray m = filled(np, DType.BOOL, longs(op.get("shape")), op.get("values"))) {
          return x.mask(m);
        }
      case "take":
        try (NDArray ind = filled(np, DType.of(op.get("dtype").asText()), longs(op.get("shape")),
            op.get("values"))) {
          return x.take(ind, op.get("axis").asInt());
        }
      default:
        throw new AssertionError("unknown op " + k);
    }
  }

  static Requirement requirement(String letter) {
    switch (letter) {
      case "C": return Requirement.C_CONTIGUOUS;
      case "F": return Requirement.F_CONTIGUOUS;
      case "A": return Requirement.ALIGNED;
      case "W": return Requirement.WRITEABLE;
      case "O": return Requirement.OWNDATA;
      default: throw new AssertionError(letter);
    }
  }

  /** Builds the Index[] of a fancy op (creating its index arrays), applies {@code f}, closes them. */
  static NDArray withIndexArrays(Tessera np, JsonNode items, Function<Index[], NDArray> f) {
    List<NDArray> made = new ArrayList<>();
    try {
      Index[] ix = new Index[items.size()];
      int i = 0;
      for (JsonNode it : items) {
        String t = it.get("t").asText();
        switch (t) {
          case "int":
            ix[i] = Index.at(it.get("v").asLong());
            break;
          case "slice":
            ix[i] = Index.slice(nullableLong(it.get("start")), nullableLong(it.get("stop")),
                it.get("step").isNull() ? 1 : it.get("step").asLong());
            break;
          case "none":
            ix[i] = Index.newAxis();
            break;
          case "ellipsis":
            ix[i] = Index.ellipsis();
            break;
          case "iarr": {
            NDArray a = filled(np, DType.of(it.get("dtype").asText()), longs(it.get("shape")),
                it.get("values"));
            made.add(a);
            ix[i] = Index.of(a);
            break;
          }
          case "barr": {
            NDArray a = filled(np, DType.BOOL, longs(it.get("shape")), it.get("values"));
            made.add(a);
            ix[i] = Index.of(a);
            break;
          }
          default:
            throw new AssertionError(t);
        }
        i++;
      }
      return f.apply(ix);
    } finally {
      made.forEach(NDArray::close);
    }
  }

  // ------------------------------------------------------------------------------ helpers

  /** A new C-order array of {@code shape} holding {@code values} (integers or booleans) in C order. */
  static NDArray filled(Tessera np, DType dt, long[] shape, JsonNode values) {
    NDArray a = np.empty(dt, shape);
    Iterator<JsonNode> it = values.iterator();
    forEachIndexC(shape, idx -> {
      JsonNode v = it.next();
      a.setLong(v.isBoolean() ? (v.asBoolean() ? 1 : 0) : v.asLong(), idx);
    });
    return a;
  }

  /** Writes raw element bits, given in C order, straight into memory (no conversion). */
  static void putBitsC(NDArray a, JsonNode bits) {
    long start = a.dataAddress();
    long[] strides = a.strides();
    int item = a.itemsize();
    Iterator<JsonNode> it = bits.iterator();
    forEachIndexC(a.shape(), idx -> Raw.putBits(start + offset(idx, strides), item,
        it.next().asLong()));
    assertTrue(!it.hasNext(), "more input bits than elements");
  }

  /** The raw bits of every element in C order, read straight from memory with the array's strides. */
  static long[] bitsC(NDArray a) {
    long[] out = new long[Math.toIntExact(a.size())];
    if (out.length == 0) {
      return out;
    }
    long start = a.dataAddress();
    long[] strides = a.strides();
    int item = a.itemsize();
    int[] k = {0};
    forEachIndexC(a.shape(), idx -> out[k[0]++] = Raw.getBits(start + offset(idx, strides), item));
    return out;
  }

  static long offset(long[] idx, long[] strides) {
    long o = 0;
    for (int i = 0; i < idx.length; i++) {
      o += idx[i] * strides[i];
    }
    return o;
  }

  /** Calls {@code body} with every multi-index of {@code shape} in C order (the array is reused). */
  static void forEachIndexC(long[] shape, java.util.function.Consumer<long[]> body) {
    for (long d : shape) {
      if (d == 0) {
        return;
      }
    }
    long[] idx = new long[shape.length];
    while (true) {
      body.accept(idx);
      int k = shape.length - 1;
      while (k >= 0 && ++idx[k] == shape[k]) {
        idx[k] = 0;
        k--;
      }
      if (k < 0) {
        return;
      }
    }
  }

  static long[] longs(JsonNode n) {
    long[] out = new long[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asLong();
    }
    return out;
  }

  static int[] ints(JsonNode n) {
    int[] out = new int[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asInt();
    }
    return out;
  }

  static Long nullableLong(JsonNode n) {
    return n == null || n.isNull() ? null : n.asLong();
  }
}
