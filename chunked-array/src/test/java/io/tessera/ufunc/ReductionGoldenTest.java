package io.tessera.ufunc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.errors.TesseraException;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import io.tessera.testing.ArrayTestBase;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Every reduction against NumPy 2.4.6 (goldens from {@code gen_reduction_goldens.py}): over None,
 * single axes and tuples of axes, keepdims, on C, F, strided, reversed and transposed inputs of
 * nine dtypes, with dtype= and where= cases, large 1-D/2-D/3-D inputs for the pairwise summation
 * and NumPy's buffered calls. Shapes, dtypes and integer results must be identical; float results
 * are held to {@link #ULP} units in the last place per function (measured maxima, see the table
 * the test prints), NaN matching NaN.
 */
class ReductionGoldenTest extends ArrayTestBase {
  private final long[] compared = {0};

  /** The ULP bound of each function's float results (0: bit-identical). */
  static final Map<String, Long> ULP = Map.ofEntries(
      Map.entry("sum", 0L), Map.entry("prod", 0L), Map.entry("min", 0L), Map.entry("max", 0L),
      Map.entry("mean", 0L), Map.entry("var", 0L), Map.entry("std", 0L),
      Map.entry("cumsum", 0L), Map.entry("cumprod", 0L), Map.entry("nansum", 0L),
      Map.entry("nanmean", 0L), Map.entry("nanmin", 0L), Map.entry("nanmax", 0L),
      Map.entry("nanvar", 0L), Map.entry("nanstd", 0L));

  @Test
  void everyReductionMatchesNumPy() throws Exception {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream(
        "/golden/reductions/reductions.json.gz")) {
      if (in == null) {
        fail("missing golden/reductions/reductions.json.gz");
      }
      root = new ObjectMapper().readTree(new GZIPInputStream(in));
    }
    List<NDArray> bases = new ArrayList<>();
    List<NDArray> masks = new ArrayList<>();
    Map<String, Long> worst = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    try {
      for (JsonNode b : root.get("bases")) {
        bases.add(fromBits(DType.of(b.get("dtype").asText()), b.get("bits"), new long[] {
            b.get("bits").size()}));
      }
      for (JsonNode m : root.get("masks")) {
        long[] shape = longs(m.get("shape"));
        masks.add(fromBits(DType.BOOL, m.get("bits"), shape));
      }
      int i = 0;
      for (JsonNode c : root.get("cases")) {
        String err = runCase(c, root.get("inputs").get(c.get("input").asInt()), bases, masks,
            worst);
        if (err != null && failures.size() < 40) {
          failures.add("#" + i + " " + err);
        }
        i++;
      }
    } finally {
      bases.forEach(NDArray::close);
      masks.forEach(NDArray::close);
    }
    System.out.println("ReductionGoldenTest: " + root.get("cases").size() + " cases, "
        + compared[0] + " elements compared; worst ULP per function " + worst);
    assertTrue(compared[0] > 100_000, "too few elements compared: " + compared[0]);
    assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n",
        failures));
  }

  private String runCase(JsonNode c, JsonNode inp, List<NDArray> bases, List<NDArray> masks,
      Map<String, Long> worst) {
    String fn = c.get("fn").asText();
    String label = fn + " axis=" + c.get("axis") + " keepdims=" + c.get("keepdims") + " dtype="
        + c.get("dtype") + " where=" + c.get("where") + " input=" + inp.get("shape") + "/"
        + inp.get("strides") + " " + bases.get(inp.get("base").asInt()).dtype();
    NDArray base = bases.get(inp.get("base").asInt());
    List<NDArray> owned = new ArrayList<>();
    try {
      NDArray a = view(base, inp, owned);
      NDArray r;
      try {
        r = call(fn, a, c, masks);
      } catch (TesseraException e) {
        if (c.has("error")) {
          return e.getMessage().equals(c.get("message").asText()) || fn.startsWith("arg")
              ? null : label + ": message '" + e.getMessage() + "' vs NumPy's '"
              + c.get("message").asText() + "'";
        }
        return label + ": NumPy computed but Tessera raised " + e;
      }
      owned.add(r);
      if (c.has("error")) {
        return label + ": NumPy raised " + c.get("message").asText();
      }
      DType want = DType.of(c.get("result_dtype").asText());
      if (want != r.dtype()) {
        return label + ": dtype " + r.dtype() + " vs " + want;
      }
      long[] shape = longs(c.get("shape"));
      if (!java.util.Arrays.equals(shape, r.shape())) {
        return label + ": shape " + java.util.Arrays.toString(r.shape()) + " vs "
            + java.util.Arrays.toString(shape);
      }
      try (NDArray rc = r.copy(Order.C)) {
        JsonNode bits = c.get("bits");
        int isz = want.itemsize();
        for (int k = 0; k < bits.size(); k++) {
          long e = Long.parseUnsignedLong(bits.get(k).asText(), 16);
          long g = Raw.getBits(rc.dataAddress() + (long) k * isz, isz);
          compared[0]++;
          if (e == g) {
            continue;
          }
          if (!want.isFloat()) {
            return label + ": element " + k + " " + Long.toHexString(g) + " vs "
                + Long.toHexString(e);
          }
          if (isNaN(want, e) && isNaN(want, g)) {
            continue;
          }
          long u = ulps(want, g, e);
          worst.merge(fn, u, Math::max);
          if (u > ULP.getOrDefault(fn, 0L)) {
            return label + ": element " + k + " off by " + u + " ULP (" + Long.toHexString(g)
                + " vs " + Long.toHexString(e) + ")";
          }
        }
      }
      return null;
    } finally {
      for (int k = owned.size() - 1; k >= 0; k--) {
        owned.get(k).close();
      }
    }
  }

  private NDArray call(String fn, NDArray a, JsonNode c, List<NDArray> masks) {
    JsonNode ax = c.get("axis");
    int[] axes = ax.isNull() ? null : ints(ax);
    Reductions.Options o = axes == null ? Reductions.all() : Reductions.axis(axes);
    o.keepdims(c.get("keepdims").asBoolean()).ddof(c.get("ddof").asDouble());
    if (!c.get("dtype").isNull()) {
      o.dtype(DType.of(c.get("dtype").asText()));
    }
    if (!c.get("where").isNull()) {
      o.where(masks.get(c.get("where").asInt()));
    }
    DType dt = c.get("dtype").isNull() ? null : DType.of(c.get("dtype").asText());
    switch (fn) {
      case "sum": return Reductions.sum(a, o);
      case "prod": return Reductions.prod(a, o);
      case "min": return Reductions.min(a, o);
      case "max": return Reductions.max(a, o);
      case "mean": return Reductions.mean(a, o);
      case "var": return Reductions.var(a, o);
      case "std": return Reductions.std(a, o);
      case "any": return Reductions.any(a, o);
      case "all": return Reductions.all(a, o);
      case "nansum": return Reductions.nansum(a, o);
      case "nanmean": return Reductions.nanmean(a, o);
      case "nanmin": return Reductions.nanmin(a, o);
      case "nanmax": return Reductions.nanmax(a, o);
      case "nanvar": return Reductions.nanvar(a, o);
      case "nanstd": return Reductions.nanstd(a, o);
      case "argmin":
        return axes == null ? Reductions.argmin(a) : Reductions.argmin(a, axes[0],
            c.get("keepdims").asBoolean());
      case "argmax":
        return axes == null ? Reductions.argmax(a) : Reductions.argmax(a, axes[0],
            c.get("keepdims").asBoolean());
      case "cumsum":
        return axes == null && dt == null ? Reductions.cumsum(a) : axes == null
            ? cumFlat(a, dt, true) : Reductions.cumsum(a, axes[0], dt, null);
      case "cumprod":
        return axes == null && dt == null ? Reductions.cumprod(a) : axes == null
            ? cumFlat(a, dt, false) : Reductions.cumprod(a, axes[0], dt, null);
      default:
        throw new AssertionError(fn);
    }
  }

  private static NDArray cumFlat(NDArray a, DType dt, boolean sum) {
    try (NDArray f = a.ravel()) {
      return sum ? Reductions.cumsum(f, 0, dt, null) : Reductions.cumprod(f, 0, dt, null);
    }
  }

  private NDArray view(NDArray base, JsonNode inp, List<NDArray> owned) {
    long off = inp.get("offset").asLong();
    NDArray shifted = base.get(off + ":");
    owned.add(shifted);
    long[] shape = longs(inp.get("shape"));
    long[] st = longs(inp.get("strides"));
    for (int k = 0; k < st.length; k++) {
      st[k] *= base.dtype().itemsize();
    }
    NDArray v = shifted.asStrided(shape, st);
    owned.add(v);
    return v;
  }

  private NDArray fromBits(DType t, JsonNode bits, long[] shape) {
    NDArray a = np.empty(t, shape);
    for (int i = 0; i < bits.size(); i++) {
      Raw.putBits(a.dataAddress() + (long) i * t.itemsize(), t.itemsize(),
          Long.parseUnsignedLong(bits.get(i).asText(), 16));
    }
    return a;
  }

  static long[] longs(JsonNode n) {
    long[] r = new long[n.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = n.get(i).asLong();
    }
    return r;
  }

  static int[] ints(JsonNode n) {
    int[] r = new int[n.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = n.get(i).asInt();
    }
    return r;
  }

  static boolean isNaN(DType t, long b) {
    switch (t) {
      case FLOAT16: return (b & 0x7FFF) > 0x7C00;
      case FLOAT32: return Float.isNaN(Float.intBitsToFloat((int) b));
      default: return Double.isNaN(Double.longBitsToDouble(b));
    }
  }

  /** Distance in units in the last place between two same-dtype floats (by ordered bits). */
  static long ulps(DType t, long a, long b) {
    return Math.abs(ordered(t, a) - ordered(t, b));
  }

  private static long ordered(DType t, long b) {
    int bitsN = t.bits();
    long sign = 1L << (bitsN - 1);
    long mag = b & (sign - 1);
    return (b & sign) != 0 ? -mag : mag;
  }

  static {
    assertEquals(1, ulps(DType.FLOAT16, Float16.fromFloat(1f), Float16.fromFloat(1f) + 1));
  }
}
