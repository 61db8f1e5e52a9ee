package io.tessera.chunk;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.errors.TesseraException;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.testing.ArrayTestBase;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Every chunked axis reduction against NumPy 2.4.6 and against exact references (goldens from
 * {@code integration-tests/src/test/python/gen_chunked_reduction_goldens.py}): 1-3 dimensional C,
 * F and strided inputs of float64/float32/float16 (with NaN, inf, -0.0), int8, int64, uint64 and
 * bool, each cut into several regular and irregular grids.
 *
 * <ul>
 *   <li>Float sum/mean/var/std: bit for bit equal to the exact reference on every grid (so the
 *       same bits whatever the grid), and within the case's {@code tol} of NumPy's own result
 *       (NumPy's pairwise sums are not exact: the bound is (n + 4) eps sum|x|, see the script).</li>
 *   <li>Integer and bool sums, integer prod, min, max, any, all, argmin, argmax, dtypes, shapes:
 *       identical to NumPy (NaN matching NaN).</li>
 *   <li>Float prod: within {@link #PROD_ULP} ULP of NumPy (products are rounded per step, in a
 *       grid-dependent order).</li>
 *   <li>Errors: the same message as NumPy's.</li>
 * </ul>
 */
class ChunkedReductionGoldenTest extends ArrayTestBase {
  /** Float products: at most this many ULP from NumPy (n <= 120 factors, each rounded once). */
  static final long PROD_ULP = 64;

  private long compared;
  private final Map<String, Long> worstUlp = new TreeMap<>();

  @Test
  void everyAxisReductionMatchesNumPyAndTheExactReference() throws Exception {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory
        .getThreadMXBean();
    long cpu0 = mx.getCurrentThreadCpuTime();
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream(
        "/golden/chunk/chunked_reductions.json.gz")) {
      if (in == null) {
        fail("missing golden/chunk/chunked_reductions.json.gz");
      }
      root = new ObjectMapper().readTree(new GZIPInputStream(in));
    }
    long cpu1 = mx.getCurrentThreadCpuTime();
    List<NDArray> bases = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    int runs = 0;
    try {
      for (JsonNode b : root.get("bases")) {
        DType t = DType.of(b.get("dtype").asText());
        JsonNode bits = b.get("bits");
        NDArray a = np.empty(t, bits.size());
        for (int i = 0; i < bits.size(); i++) {
          Raw.putBits(a.dataAddress() + (long) i * t.itemsize(), t.itemsize(),
              Long.parseUnsignedLong(bits.get(i).asText(), 16));
        }
        bases.add(a);
      }
      JsonNode inputs = root.get("inputs");
      int k = 0;
      for (JsonNode c : root.get("cases")) {
        JsonNode inp = inputs.get(c.get("input").asInt());
        for (JsonNode g : inp.get("grids")) {
          String err = runCase(c, inp, g, bases.get(inp.get("base").asInt()));
          runs++;
          if (err != null && failures.size() < 30) {
            failures.add("#" + k + " " + err);
          }
        }
        k++;
      }
    } finally {
      bases.forEach(NDArray::close);
    }
    System.out.println("ChunkedReductionGoldenTest: " + root.get("cases").size() + " cases, "
        + runs + " chunked runs, " + compared + " elements; worst ULP vs NumPy " + worstUlp
        + "; cpu ms: parse " + (cpu1 - cpu0) / 1_000_000 + ", runs "
        + (mx.getCurrentThreadCpuTime() - cpu1) / 1_000_000);
    assertTrue(compared > 20_000, "too few elements compared: " + compared);
    assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n",
        failures));
  }

  private String runCase(JsonNode c, JsonNode inp, JsonNode grid, NDArray base) {
    String fn = c.get("fn").asText();
    long[] shape = DaskGoldens.longs(inp.get("shape"));
    String label = fn + " axis=" + c.get("axis") + " keepdims=" + c.get("keepdims") + " ddof="
        + c.get("ddof") + " " + base.dtype() + " " + inp.get("layout").asText() + " "
        + Arrays.toString(shape) + " grid " + grid;
    long[] st = DaskGoldens.longs(inp.get("strides"));
    for (int i = 0; i < st.length; i++) {
      st[i] *= base.dtype().itemsize();
    }
    try (NDArray shifted = base.get(inp.get("offset").asLong() + ":");
         NDArray a = shifted.asStrided(shape, st);
         ChunkedArray ca = ChunkedArray.fromArray(a, Chunks.of(shape,
             DaskGoldens.tuples(grid)))) {
      NDArray r;
      try {
        r = call(fn, ca, c);
      } catch (TesseraException e) {
        if (c.has("error")) {
          return e.getMessage().equals(c.get("message").asText()) ? null
              : label + ": message '" + e.getMessage() + "' vs NumPy's '"
              + c.get("message").asText() + "'";
        }
        return label + ": NumPy computed, Tessera raised " + e;
      }
      try (r) {
        if (c.has("error")) {
          return label + ": NumPy raised " + c.get("message").asText();
        }
        return compare(fn, label, r, c);
      }
    }
  }

  private NDArray call(String fn, ChunkedArray a, JsonNode c) {
    JsonNode ax = c.get("axis");
    int[] axes = ax.isNull() ? null : new int[ax.size()];
    for (int i = 0; axes != null && i < axes.length; i++) {
      axes[i] = ax.get(i).asInt();
    }
    boolean kd = c.get("keepdims").asBoolean();
    double ddof = c.get("ddof").asDouble();
    Integer axis = axes == null ? null : axes[0];
    switch (fn) {
      case "sum": return ChunkedReductions.sum(np, a, axes, kd);
      case "prod": return ChunkedReductions.prod(np, a, axes, kd);
      case "min": return ChunkedReductions.min(np, a, axes, kd);
      case "max": return ChunkedReductions.max(np, a, axes, kd);
      case "mean": return ChunkedReductions.mean(np, a, axes, kd);
      case "var": return ChunkedReductions.var(np, a, axes, kd, ddof);
      case "std": return ChunkedReductions.std(np, a, axes, kd, ddof);
      case "any": return ChunkedReductions.any(np, a, axes, kd);
      case "all": return ChunkedReductions.all(np, a, axes, kd);
      case "argmin": return ChunkedReductions.argmin(np, a, axis, kd);
      case "argmax": return ChunkedReductions.argmax(np, a, axis, kd);
      default: throw new AssertionError(fn);
    }
  }

  private String compare(String fn, String label, NDArray r, JsonNode c) {
    DType want = DType.of(c.get("dtype").asText());
    if (r.dtype() != want) {
      return label + ": dtype " + r.dtype() + " vs " + want;
    }
    long[] shape = DaskGoldens.longs(c.get("shape"));
    if (!Arrays.equals(shape, r.shape())) {
      return label + ": shape " + Arrays.toString(r.shape()) + " vs " + Arrays.toString(shape);
    }
    JsonNode bits = c.get("bits");
    JsonNode exact = c.get("exact");
    double tol = c.has("tol") ? c.get("tol").asDouble() : 0;
    int isz = want.itemsize();
    for (int k = 0; k < bits.size(); k++) {
      long g = Raw.getBits(r.dataAddress() + (long) k * isz, isz);
      long e = Long.parseUnsignedLong(bits.get(k).asText(), 16);
      compared++;
      if (exact != null) {
        long x = Long.parseUnsignedLong(exact.get(k).asText(), 16);
        if (g != x && !(isNaN(want, g) && isNaN(want, x))) {
          return label + ": element " + k + " " + Long.toHexString(g) + " vs exact "
              + Long.toHexString(x) + " (NumPy " + Long.toHexString(e) + ")";
        }
      }
      if (g == e || want.isFloat() && isNaN(want, g) && isNaN(want, e)) {
        continue;
      }
      if (!want.isFloat()) {
        return label + ": element " + k + " " + Long.toHexString(g) + " vs NumPy "
            + Long.toHexString(e);
      }
      double gv = value(want, g);
      double ev = value(want, e);
      long u = ulps(want, g, e);
      worstUlp.merge(fn + " " + want, u, Math::max);
      if (exact != null) {
        if (!(Math.abs(gv - ev) <= tol)) {
          return label + ": element " + k + " " + gv + " vs NumPy " + ev + ", off by "
              + Math.abs(gv - ev) + " > tol " + tol;
        }
      } else if (u > PROD_ULP) {
        return label + ": element " + k + " " + gv + " vs NumPy " + ev + ", " + u + " ULP";
      }
    }
    return null;
  }

  static boolean isNaN(DType t, long b) {
    switch (t) {
      case FLOAT16: return (b & 0x7FFF) > 0x7C00;
      case FLOAT32: return Float.isNaN(Float.intBitsToFloat((int) b));
      default: return Double.isNaN(Double.longBitsToDouble(b));
    }
  }

  /** Distance in units in the last place of two same-dtype floats (by ordered bits). */
  static long ulps(DType t, long a, long b) {
    return Math.abs(ordered(t, a) - ordered(t, b));
  }

  private static long ordered(DType t, long b) {
    long sign = 1L << (t.bits() - 1);
    long mag = b & (sign - 1);
    return (b & sign) != 0 ? -mag : mag;
  }

  static double value(DType t, long b) {
    switch (t) {
      case FLOAT16: return Float16.toDouble((short) b);
      case FLOAT32: return Float.intBitsToFloat((int) b);
      default: return Double.longBitsToDouble(b);
    }
  }
}
