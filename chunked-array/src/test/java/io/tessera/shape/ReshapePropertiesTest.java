package io.tessera.shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Whenever reshape returns a view, the k-th element of the view in the requested order (C or F) is
 * the k-th element of the source in that order; contiguous sources always give a view.
 */
class ReshapePropertiesTest {

  @Property(tries = 3000)
  void viewsKeepTheElementOrder(@ForAll long seed) {
    Random r = new Random(seed);
    Layout in = LayoutSupport.randomLayout(r, 4, 4);
    long[] target = randomFactorization(r, in.size());
    boolean fortran = r.nextBoolean();
    Layout out = Reshape.attemptNoCopy(in, target, fortran);
    String what = in + " -> " + java.util.Arrays.toString(target) + (fortran ? " F" : " C");
    if (fortran ? in.isFContiguous() : in.isCContiguous()) {
      assertNotNull(out, what);
    }
    if (out == null) {
      return;
    }
    assertArrayEquals(target, out.shape(), what);
    assertArrayEquals(LayoutSupport.offsets(in, fortran), LayoutSupport.offsets(out, fortran),
        what + " gave " + out);
    if (out.size() > 0) {
      long[] a = in.extent();
      long[] b = out.extent();
      assertTrue(b[0] >= a[0] && b[1] <= a[1], what + " gave " + out);
    }
  }

  @Property(tries = 500)
  void removingLengthOneAxesNeverCopies(@ForAll long seed) {
    Random r = new Random(seed);
    Layout in = LayoutSupport.randomLayout(r, 4, 4);
    Layout squeezed = Axes.squeeze(in);
    long[] target = squeezed.shape();
    assertNotNull(Reshape.attemptNoCopy(in, target, r.nextBoolean()), in.toString());
  }

  /** A random shape with {@code size} elements: 0 to 5 factors, with 1s mixed in. */
  static long[] randomFactorization(Random r, long size) {
    int nd = r.nextInt(6);
    if (size != 1 && nd == 0) {
      nd = 1;
    }
    long[] dims = new long[nd];
    long rem = size;
    for (int i = 0; i < nd - 1; i++) {
      if (rem == 0) {
        dims[i] = r.nextInt(4);
        continue;
      }
      long d;
      do {
        d = 1 + r.nextInt((int) Math.min(rem, 64));
      } while (rem % d != 0);
      dims[i] = d;
      rem /= d;
    }
    if (nd > 0) {
      dims[nd - 1] = rem;
      for (int i = nd - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        long t = dims[i];
        dims[i] = dims[j];
        dims[j] = t;
      }
    }
    return dims;
  }
}
