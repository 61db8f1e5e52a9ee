package io.tessera.io.zarr;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON as Zarr v2 metadata uses it. Writing reproduces zarr-python's {@code json_dumps} ({@code
 * json.dumps(o, indent=4, sort_keys=True, ensure_ascii=True, separators=(',', ': '))}) with
 * Python's {@code repr} of floats, so a {@code .zarray} Tessera writes is the text zarr-python
 * writes for the same array. Reading (Jackson) gives plain Java values: {@link Map} (insertion
 * order), {@link List}, {@link String}, {@link BigInteger} for integers, {@link Double} for other
 * numbers (bare {@code NaN}/{@code Infinity}, which Python's json writes in attributes, are
 * accepted), {@link Boolean} and {@code null}.
 */
final class ZarrJson {
  private ZarrJson() {}

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Parses UTF-8 JSON text. */
  static Object parse(byte[] utf8) throws IOException {
    JsonNode n = MAPPER.readTree(utf8);
    if (n == null || n.isMissingNode()) {
      throw new IOException("empty document");
    }
    return toJava(n);
  }

  private static Object toJava(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        m.put(e.getKey(), toJava(e.getValue()));
      }
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      for (JsonNode c : n) {
        l.add(toJava(c));
      }
      return l;
    }
    if (n.isIntegralNumber()) {
      return n.bigIntegerValue();
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    return null;
  }

  /** zarr-python's {@code json_dumps} of {@code value}, as UTF-8 bytes. */
  static byte[] dump(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static void write(StringBuilder sb, Object v, int indent) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Boolean b) {
      sb.append(b ? "true" : "false");
    } else if (v instanceof Double || v instanceof Float) {
      sb.append(pyRepr(((Number) v).doubleValue()));
    } else if (v instanceof Number n) {
      sb.append(n instanceof BigDecimal d ? d.toPlainString() : n.toString());
    } else if (v instanceof CharSequence s) {
      string(sb, s.toString());
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        sb.append("{}");
        return;
      }
      TreeMap<String, Object> sorted = new TreeMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sorted.put(String.valueOf(e.getKey()), e.getValue());
      }
      sb.append("{\n");
      int i = 0;
      for (Map.Entry<String, Object> e : sorted.entrySet()) {
        pad(sb, indent + 4);
        string(sb, e.getKey());
        sb.append(": ");
        write(sb, e.getValue(), indent + 4);
        sb.append(++i < sorted.size() ? ",\n" : "\n");
      }
      pad(sb, indent);
      sb.append('}');
    } else if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append("[\n");
      for (int i = 0; i < l.size(); i++) {
        pad(sb, indent + 4);
        write(sb, l.get(i), indent + 4);
        sb.append(i + 1 < l.size() ? ",\n" : "\n");
      }
      pad(sb, indent);
      sb.append(']');
    } else if (v instanceof long[] a) {
      List<Object> l = new ArrayList<>();
      for (long x : a) {
        l.add(x);
      }
      write(sb, l, indent);
    } else {
      throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
    }
  }

  private static void pad(StringBuilder sb, int n) {
    for (int i = 0; i < n; i++) {
      sb.append(' ');
    }
  }

  /** Python's {@code json} string encoding with {@code ensure_ascii=True}. */
  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': sb.append("\\\""); break;
        case '\\': sb.append("\\\\"); break;
        case '\n': sb.append("\\n"); break;
        case '\r': sb.append("\\r"); break;
        case '\t': sb.append("\\t"); break;
        case '\b': sb.append("\\b"); break;
        case '\f': sb.append("\\f"); break;
        default:
          if (c < 0x20 || c > 0x7e) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  /**
   * Python's {@code repr(float)}: the shortest digits that round-trip, positional for decimal
   * exponents -4 .. 15 ({@code 0.0001}, {@code 1e+16}), with {@code .0} on integral values;
   * {@code NaN}, {@code Infinity}, {@code -Infinity} as Python's json writes them.
   */
  static String pyRepr(double x) {
    if (Double.isNaN(x)) {
      return "NaN";
    }
    if (Double.isInfinite(x)) {
      return x > 0 ? "Infinity" : "-Infinity";
    }
    if (x == 0) {
      return (1 / x < 0) ? "-0.0" : "0.0";
    }
    String sign = x < 0 ? "-" : "";
    BigDecimal bd = new BigDecimal(Double.toString(Math.abs(x))).stripTrailingZeros();
    String digits = bd.unscaledValue().toString();
    int n = digits.length();
    int decpt = n - bd.scale();
    StringBuilder sb = new StringBuilder(sign);
    if (decpt <= -4 || decpt > 16) {
      sb.append(digits.charAt(0));
      if (n > 1) {
        sb.append('.').append(digits, 1, n);
      }
      int e = decpt - 1;
      sb.append('e').append(e < 0 ? '-' : '+');
      String ed = Integer.toString(Math.abs(e));
      if (ed.length() < 2) {
        sb.append('0');
      }
      sb.append(ed);
    } else if (decpt <= 0) {
      sb.append("0.");
      for (int i = 0; i < -decpt; i++) {
        sb.append('0');
      }
      sb.append(digits);
    } else if (decpt >= n) {
      sb.append(digits);
      for (int i = n; i < decpt; i++) {
        sb.append('0');
      }
      sb.append(".0");
    } else {
      sb.append(digits, 0, decpt).append('.').append(digits, decpt, n);
    }
    return sb.toString();
  }
}
