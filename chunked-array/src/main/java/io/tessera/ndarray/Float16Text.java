package io.tessera.ndarray;

import io.tessera.dtype.Float16;
import java.math.BigDecimal;
import java.math.MathContext;

/** Shortest decimal text that reads back to the same float16 value. */
final class Float16Text {
  private Float16Text() {}

  static String shortest(double v) {
    short bits = Float16.fromDouble(v);
    for (int digits = 1; digits <= 5; digits++) {
      BigDecimal bd = new BigDecimal(v).round(new MathContext(digits));
      if (Float16.fromDouble(bd.doubleValue()) == bits) {
        return bd.stripTrailingZeros().toString().replace("E", "e");
      }
    }
    return Double.toString(v);
  }
}
