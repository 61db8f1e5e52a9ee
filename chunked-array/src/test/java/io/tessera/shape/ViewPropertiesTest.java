package io.tessera.shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.errors.ShapeException;
import io.tessera.errors.StridesOutOfBoundsException;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Views made by the shape functions never reach outside the bytes of their source; as_strided
 * accepts exactly the views whose every element lies in the buffer; axis permutations and window
 * views address the element the naive definition names.
 */
class ViewPropertiesTest {

  @Property(tries = 3000)
  void viewsStayInsideTheSourceExtent(@ForAll long seed) {
    Random r = new Random(seed);
    Layout in = LayoutSupport.randomLayout(r, 4, 4);
    Layout out;
    try {
      out = randomView(r, in);
    } catch (ShapeException e) {
      return; // an invalid request for this layout
    }
    if (out == null || out.size() == 0 || in.size() == 0) {
      return;
    }
    long[] src = LayoutSupport.naiveExtent(in);
    long[] got = LayoutSupport.naiveExtent(out);
    assertTrue(got[0] >= src[0] && got[1] <= src[1], in + " -> " + out);
    assertArrayEquals(got, out.extent(), "Layout.extent of " + out);
  }

  @Property(tries = 2000)
  void asStridedAcceptsExactlyTheViewsInsideTheBuffer(@ForAll long seed) {
    Random r = new Random(seed);
    int itemsize = new int[] {1, 2, 4, 8}[r.nextInt(4)];
    long buffer = itemsize * (long) r.nextInt(40);
    int nd = r.nextInt(4);
    long[] shape = new long[nd];
    long[] strides = new long[nd];
    for (int i = 0; i < nd; i++) {
      shape[i] = r.nextInt(6);
      strides[i] = (r.nextInt(13) - 6) * (long) (r.nextBoolean() ? itemsize : 1);
    }
    long offset = r.nextInt(50) - 5;
    Layout base = new Layout(new long[] {buffer / itemsize}, new long[] {itemsize}, 0, itemsize);
    Layout candidate = new Layout(shape, strides, offset, itemsize);
    long[] ext = LayoutSupport.naiveExtent(candidate);
    boolean inside = ext == null ? offset >= 0 && offset <= buffer
        : ext[0] >= 0 && ext[1] <= buffer;
    String what = candidate + " in " + buffer + " bytes";
    if (inside) {
      Layout v = StrideTricks.asStrided(base, buffer, shape, strides, offset);
      assertArrayEquals(shape, v.shape(), what);
      assertArrayEquals(strides, v.strides(), what);
      assertEquals(offset, v.offset(), what);
    } else {
      assertThrows(StridesOutOfBoundsException.class,
          () -> StrideTricks.asStrided(base, buffer, shape, strides, offset), what);
    }
  }

  @Property(tries = 1000)
  void transposeAddressesThePermutedElement(@ForAll long seed) {
    Random r = new Random(seed);
    Layout in = LayoutSupport.randomLayout(r, 4, 4);
    int n = in.ndim();
    int[] perm = shuffled(r, n);
    Layout out = Axes.transpose(in, perm);
    for (long[] ri : LayoutSupport.indices(out.shape(), false)) {
      long[] si = new long[n];
      for (int k = 0; k < n; k++) {
        si[perm[k]] = ri[k];
      }
      assertEquals(LayoutSupport.offsetOf(in, si), LayoutSupport.offsetOf(out, ri));
    }
  }

  @Property(tries = 1000)
  void slidingWindowElementIsSourceAtWindowStartPlusWindowOffset(@ForAll long seed) {
    Random r = new Random(seed);
    Layout in = LayoutSupport.randomLayout(r, 3, 5);
    int n = in.ndim();
    int k = 1 + r.nextInt(3);
    int[] axes = new int[k];
    long[] window = new long[k];
    for (int i = 0; i < k && n > 0; i++) {
      axes[i] = r.nextInt(n);
      window[i] = r.nextInt(3);
    }
    if (n == 0) {
      return;
    }
    Layout out;
    try {
      out = StrideTricks.slidingWindowView(in, window, axes);
    } catch (ShapeException e) {
      return; // window larger than the axis
    }
    for (long[] ri : LayoutSupport.indices(out.shape(), false)) {
      long[] si = Arrays.copyOf(ri, n);
      for (int i = 0; i < k; i++) {
        si[axes[i]] += ri[n + i];
      }
      for (int d = 0; d < n; d++) {
        assertTrue(si[d] < in.shape()[d], "window element outside the source");
      }
      assertEquals(LayoutSupport.offsetOf(in, si), LayoutSupport.offsetOf(out, ri));
    }
  }

  /** One random view-making operation (or null when it does not apply). */
  private static Layout randomView(Random r, Layout in) {
    int n = in.ndim();
    switch (r.nextInt(8)) {
      case 0:
        return Axes.transpose(in, shuffled(r, n));
      case 1:
        return n == 0 ? null : Axes.swapaxes(in, r.nextInt(n), r.nextInt(n));
      case 2:
        return Axes.squeeze(in);
      case 3:
        return Axes.expandDims(in, r.nextInt(n + 1));
      case 4: {
        long[] target = new long[r.nextInt(2)];
        Arrays.fill(target, 1 + r.nextInt(3));
        long[] full = new long[target.length + n];
        System.arraycopy(target, 0, full, 0, target.length);
        for (int i = 0; i < n; i++) {
          full[target.length + i] = in.shape()[i] == 1 ? r.nextInt(4) : in.shape()[i];
        }
        return Broadcast.broadcastTo(in, full);
      }
      case 5: {
        long[] window = new long[n];
        for (int i = 0; i < n; i++) {
          window[i] = r.nextInt((int) in.shape()[i] + 1);
        }
        return StrideTricks.slidingWindowView(in, window, null);
      }
      case 6:
        return DTypeView.viewAs(in, new int[] {1, 2, 4, 8, 16}[r.nextInt(5)]);
      default:
        return Reshape.attemptNoCopy(in, ReshapePropertiesTest.randomFactorization(r, in.size()),
            r.nextBoolean());
    }
  }

  private static int[] shuffled(Random r, int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
