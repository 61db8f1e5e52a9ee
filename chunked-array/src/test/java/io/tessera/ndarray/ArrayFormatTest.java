package io.tessera.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.dtype.DType;
import io.tessera.ndarray.FormatDragon4.Trim;
import io.tessera.testing.ArrayTestBase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link NDArray#toString()} against NumPy 2.4.6's {@code repr}, character for character, for every
 * case of {@code /golden/repr/repr.json} (written by
 * {@code integration-tests/src/test/python/gen_repr_goldens.py}; a missing file fails). Each case
 * is a recipe the test repeats with Tessera: element values, an arange or a linspace, reshaped,
 * laid out in C or F order, then optionally indexed or transposed.
 */
class ArrayFormatTest extends ArrayTestBase {
  private static final String GOLDEN = "/golden/repr/repr.json";
  private static JsonNode golden;

  private static synchronized JsonNode golden() {
    if (golden == null) {
      try (InputStream in = ArrayFormatTest.class.getResourceAsStream(GOLDEN)) {
        if (in == null) {
          fail("missing golden " + GOLDEN + ": run python3 "
              + "integration-tests/src/test/python/gen_repr_goldens.py from the repository root");
        }
        golden = new ObjectMapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return golden;
  }

  private static Stream<JsonNode> list(String name) {
    return StreamSupport.stream(golden().get(name).spliterator(), false);
  }

  static Stream<Arguments> cases() {
    return list("cases").map(c -> Arguments.of(c.get("name").asText(), c));
  }

  static Stream<Arguments> dragon4() {
    return list("dragon4").map(d -> Arguments.of(d.toString(), d));
  }

  @Test
  void goldenHasEnoughCases() {
    assertTrue(golden().get("cases").size() >= 60, "at least 60 repr cases");
    assertEquals("2.4.6", golden().get("numpy").asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reprMatchesNumpy(String name, JsonNode c) {
    List<NDArray> open = new ArrayList<>();
    try {
      NDArray a = build(c, open);
      assertEquals(c.get("repr").asText(), a.toString(), name);
    } finally {
      open.forEach(NDArray::close);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dragon4")
  void dragon4MatchesNumpy(String name, JsonNode d) {
    DType t = DType.of(d.get(0).asText());
    long bits = Long.parseUnsignedLong(d.get(1).asText(), 16);
    int precision = d.get(3).asInt();
    int minDigits = d.get(4).asInt();
    Trim trim = trim(d.get(5).asText());
    int padLeft = d.get(6).asInt();
    int last = d.get(7).asInt();
    String got = d.get(2).asText().equals("pos")
        ? FormatDragon4.positional(bits, t, precision, minDigits, trim, padLeft, last)
        : FormatDragon4.scientific(bits, t, precision, minDigits, trim, padLeft, last);
    assertEquals(d.get(8).asText(), got, name);
  }

  @Test
  void float16StrMatchesNumpy() {
    List<String> wrong = new ArrayList<>();
    int n = 0;
    for (JsonNode h : golden().get("half_str")) {
      short bits = (short) Integer.parseInt(h.get(0).asText(), 16);
      String got = Float16Text.str(bits);
      n++;
      if (!got.equals(h.get(1).asText())) {
        wrong.add(h.get(0).asText() + ": expected " + h.get(1).asText() + ", got " + got);
      }
    }
    assertTrue(n > 4000, "half_str golden present");
    assertEquals(List.of(), wrong.subList(0, Math.min(wrong.size(), 20)));
  }

  /** A summarized repr reads only the shown corners: a 10^7-element array prints at once. */
  @Test
  void summarizedReprOfHugeArrayIsFast() {
    try (NDArray big = np.zeros(DType.FLOAT64, 10_000, 1_000)) {
      big.setDouble(0.5, 9_999, 999);
      String expected = "array([[0. , 0. , 0. , ..., 0. , 0. , 0. ],\n"
          + "       [0. , 0. , 0. , ..., 0. , 0. , 0. ],\n"
          + "       [0. , 0. , 0. , ..., 0. , 0. , 0. ],\n"
          + "       ...,\n"
          + "       [0. , 0. , 0. , ..., 0. , 0. , 0. ],\n"
          + "       [0. , 0. , 0. , ..., 0. , 0. , 0. ],\n"
          + "       [0. , 0. , 0. , ..., 0. , 0. , 0.5]], shape=(10000, 1000))";
      assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
        for (int i = 0; i < 100; i++) {
          assertEquals(expected, big.toString());
        }
      });
    }
  }

  @Test
  void closedArray() {
    NDArray a = np.arange(3);
    a.close();
    assertEquals("<closed array (3,) int64>", a.toString());
  }

  // ------------------------------------------------------------------ recipes

  private NDArray build(JsonNode c, List<NDArray> open) {
    DType t = DType.of(c.get("dtype").asText());
    long[] shape = longs(c.get("shape"));
    Order order = Order.of(c.get("order").asText());
    NDArray a;
    if (c.has("values")) {
      a = keep(open, np.empty(t, order, shape));
      fill(a, c.get("values"), open);
    } else {
      NDArray flat;
      if (c.has("arange")) {
        JsonNode r = c.get("arange");
        flat = keep(open, np.arange(r.get(0).asDouble(), r.get(1).asDouble(), r.get(2).asDouble(), t));
      } else {
        JsonNode r = c.get("linspace");
        flat = keep(open, np.linspace(r.get(0).asDouble(), r.get(1).asDouble(), r.get(2).asLong(),
            true, t));
      }
      a = keep(open, flat.reshape(shape));
      if (order == Order.F) {
        a = keep(open, a.copy(Order.F));
      }
    }
    if (c.has("view")) {
      a = keep(open, a.get(c.get("view").asText()));
    }
    if (c.path("transpose").asBoolean(false)) {
      a = keep(open, a.T());
    }
    return a;
  }

  /** Sets the elements of {@code a} from their texts, in C order. */
  private static void fill(NDArray a, JsonNode values, List<NDArray> open) {
    DType t = a.dtype();
    // uint64 values above 2^63 are written as the int64 with the same bits
    NDArray target = t == DType.UINT64 ? keep(open, a.view(DType.INT64)) : a;
    long[] shape = a.shape();
    long[] index = new long[shape.length];
    for (JsonNode v : values) {
      String s = v.asText();
      if (t.isFloat()) {
        target.setDouble(parseDouble(s), index);
      } else if (t.isBool()) {
        target.setBoolean(s.equals("1"), index);
      } else if (t == DType.UINT64) {
        target.setLong(Long.parseUnsignedLong(s), index);
      } else {
        target.setLong(Long.parseLong(s), index);
      }
      for (int d = shape.length - 1; d >= 0 && ++index[d] == shape[d]; d--) {
        index[d] = 0;
      }
    }
  }

  private static double parseDouble(String s) {
    switch (s) {
      case "nan": return Double.NaN;
      case "inf": return Double.POSITIVE_INFINITY;
      case "-inf": return Double.NEGATIVE_INFINITY;
      default: return Double.parseDouble(s);
    }
  }

  private static Trim trim(String s) {
    switch (s) {
      case "k": return Trim.KEEP;
      case ".": return Trim.ZEROS;
      case "0": return Trim.LEAVE_ONE_ZERO;
      case "-": return Trim.DPT_ZEROS;
      default: throw new IllegalArgumentException(s);
    }
  }

  private static long[] longs(JsonNode n) {
    long[] out = new long[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asLong();
    }
    return out;
  }

  private static NDArray keep(List<NDArray> open, NDArray a) {
    open.add(a);
    return a;
  }
}
