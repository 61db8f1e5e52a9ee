package io.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The goldens of {@code gen_distributed_reduction_goldens.py} (NumPy 2.4.6 results and exact
 * references) and how a result is checked against them:
 * <ul>
 *   <li>float sum, mean, var, std: bit for bit the exact reference (the engine's promise), and
 *       within a bound of NumPy's result: sums {@code |got - numpy| <= (log2(n) + 2) * eps *
 *       sum|x|} (NumPy's pairwise error bound), means that over n, var/std {@code 16 * (log2(n)
 *       + 2) * eps * |got|} relative (NumPy's two-pass formula in the input's float type);
 *   <li>float prod: within {@code 2 n eps} relative of NumPy (the block order differs);
 *   <li>everything else (integer sums and products, min, max, argmin, argmax, any, all): bit for
 *       bit NumPy's.
 * </ul>
 * NaN matches NaN whatever the payload.
 */
final class ReductionGoldens {
  static final String RESOURCE = "/golden/distributed_reductions.json.gz";

  /** One golden call. */
  record Case(String input, String op, int[] axis, boolean keepdims, double ddof, String error,
      DType dtype, long[] shape, long[] numpy, long[] exact, long[] abssum) {
    ReduceOptions options() {
      ReduceOptions o = axis == null ? ReduceOptions.all() : ReduceOptions.axis(axis);
      return o.keepdims(keepdims).ddof(ddof);
    }

    boolean whole() {
      return axis == null && !keepdims;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("np." + op + "(" + input + ", axis=");
      if (axis == null) {
        sb.append("None");
      } else {
        sb.append('(');
        for (int a : axis) {
          sb.append(a).append(',');
        }
        sb.append(')');
      }
      return sb.append(keepdims ? ", keepdims=True" : "").append(ddof != 0 ? ", ddof=" + ddof : "")
          .append(')').toString();
    }
  }

  final JsonNode inputs;
  final List<Case> cases = new ArrayList<>();

  ReductionGoldens() {
    try (InputStream in = ReductionGoldens.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + RESOURCE);
      }
      JsonNode doc = new ObjectMapper().readTree(new GZIPInputStream(in));
      inputs = doc.get("inputs");
      for (JsonNode c : doc.get("cases")) {
        int[] axis = null;
        if (!c.get("axis").isNull()) {
          axis = new int[c.get("axis").size()];
          for (int i = 0; i < axis.length; i++) {
            axis[i] = c.get("axis").get(i).asInt();
          }
        }
        String error = c.has("error") ? c.get("error").asText() : null;
        cases.add(new Case(c.get("input").asText(), c.get("op").asText(), axis,
            c.get("keepdims").asBoolean(), c.get("ddof").asDouble(), error,
            error == null ? DType.of(c.get("dtype").asText()) : null,
            error == null ? longs(c.get("shape")) : null, hex(c.get("numpy")), hex(c.get("exact")),
            hex(c.get("abssum"))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long[] longs(JsonNode n) {
    long[] out = new long[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asLong();
    }
    return out;
  }

  private static long[] hex(JsonNode n) {
    if (n == null) {
      return null;
    }
    long[] out = new long[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Long.parseUnsignedLong(n.get(i).asText(), 16);
    }
    return out;
  }

  DType dtypeOf(String input) {
    return DType.of(inputs.get(input).get("dtype").asText());
  }

  long[] shapeOf(String input) {
    return longs(inputs.get(input).get("shape"));
  }

  /** A new C-order array holding input {@code name}. */
  NDArray input(Tessera np, String name) {
    JsonNode in = inputs.get(name);
    DType dt = dtypeOf(name);
    NDArray a = np.empty(dt, shapeOf(name));
    long[] bits = hex(in.get("bits"));
    for (int i = 0; i < bits.length; i++) {
      Raw.putBits(a.dataAddress() + (long) i * dt.itemsize(), dt.itemsize(), bits[i]);
    }
    return a;
  }

  /** Elements reduced into each output of {@code c}. */
  long count(Case c) {
    long[] s = shapeOf(c.input());
    long n = 1;
    if (c.axis() == null) {
      for (long d : s) {
        n *= d;
      }
      return n;
    }
    for (int a : c.axis()) {
      n *= s[Math.floorMod(a, s.length)];
    }
    return n;
  }

  private static double value(DType t, long bits) {
    switch (t) {
      case FLOAT64: return Double.longBitsToDouble(bits);
      case FLOAT32: return Float.intBitsToFloat((int) bits);
      case FLOAT16: return Float16.toDouble((short) bits);
      default: throw new IllegalArgumentException(t.toString());
    }
  }

  private static double eps(DType t) {
    return t == DType.FLOAT64 ? 0x1p-52 : t == DType.FLOAT32 ? 0x1p-23 : 0x1p-10;
  }

  /** Worst |got - numpy| seen, in units of the bound, per op (for the report). */
  final java.util.Map<String, Double> worst = new java.util.TreeMap<>();

  /** Checks a result against the golden (see the class comment). */
  void check(Case c, DType dtype, long[] shape, long[] got) {
    String what = c.toString();
    assertEquals(c.dtype(), dtype, what + ": dtype");
    assertArrayEquals(c.shape(), shape, what + ": shape");
    assertEquals(c.numpy().length, got.length, what + ": size");
    long n = count(c);
    boolean isFloat = dtype.isFloat();
    for (int k = 0; k < got.length; k++) {
      String at = what + " element " + k;
      if (c.exact() != null) {
        double g = value(dtype, got[k]);
        double e = value(dtype, c.exact()[k]);
        if (!(Double.isNaN(g) && Double.isNaN(e))) {
          assertEquals(Long.toHexString(c.exact()[k]), Long.toHexString(got[k]),
              at + ": exact reference " + e + ", got " + g);
        }
        double np = value(dtype, c.numpy()[k]);
        if (Double.isNaN(np) || Double.isInfinite(np) || Double.isNaN(g) || Double.isInfinite(g)) {
          assertTrue(Double.compare(np, g) == 0 || (Double.isNaN(np) && Double.isNaN(g)),
              at + ": numpy " + np + ", got " + g);
          continue;
        }
        double log = Math.ceil(Math.log(Math.max(n, 2)) / Math.log(2)) + 2;
        double bound;
        switch (c.op()) {
          case "sum" -> bound = log * eps(dtype) * Double.longBitsToDouble(c.abssum()[k]);
          case "mean" -> bound = log * eps(dtype) * Double.longBitsToDouble(c.abssum()[k]) / n
              + Math.ulp((float) g) * (dtype == DType.FLOAT64 ? 0 : 1)
              + (dtype == DType.FLOAT16 ? eps(dtype) * Math.abs(g) : 0);
          default -> bound = 16 * log * eps(dtype) * Math.abs(g);
        }
        bound = Math.max(bound, 2 * Math.ulp(g) * (dtype == DType.FLOAT64 ? 1
            : dtype == DType.FLOAT32 ? 1L << 29 : 1L << 42));
        double diff = Math.abs(g - np);
        worst.merge(c.op() + " " + dtype.numpyName(), diff / bound, Math::max);
        if (diff > bound) {
          fail(at + ": numpy " + np + ", got " + g + ", |diff| " + diff + " > bound " + bound);
        }
      } else if (isFloat && c.op().equals("prod")) {
        double g = value(dtype, got[k]);
        double np = value(dtype, c.numpy()[k]);
        if (Double.isNaN(np) || Double.isInfinite(np) || np == 0) {
          assertTrue(Double.compare(np, g) == 0 || (Double.isNaN(np) && Double.isNaN(g))
              || (np == 0 && g == 0), at + ": numpy " + np + ", got " + g);
        } else {
          assertEquals(np, g, 2 * n * eps(dtype) * Math.abs(np), at);
        }
      } else {
        if (isFloat && Double.isNaN(value(dtype, got[k]))
            && Double.isNaN(value(dtype, c.numpy()[k]))) {
          continue;
        }
        assertEquals(Long.toHexString(c.numpy()[k]), Long.toHexString(got[k]), at);
      }
    }
  }
}
