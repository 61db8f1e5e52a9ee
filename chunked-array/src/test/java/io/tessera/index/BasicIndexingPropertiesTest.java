package io.tessera.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.errors.IndexOutOfRangeException;
import io.tessera.shape.Layout;
import io.tessera.shape.LayoutSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Basic indexing against a naive model: each index entry is turned into the explicit list of
 * source positions it selects (slices by stepping from their clipped start, as Python's range
 * semantics describe them), and every element of the result must sit at the byte offset of the
 * source element it names.
 */
class BasicIndexingPropertiesTest {

  /** One result axis in the naive model: the source axis (or -1 for a new axis) and positions. */
  private record Axis(int source, long[] positions) {}

  @Property(tries = 2000)
  void everyElementMapsToItsSourceElement(@ForAll long seed) {
    Random r = new Random(seed);
    Layout in = LayoutSupport.randomLayout(r, 4, 5);
    List<Index> index = randomIndex(r, in.ndim());
    String what = in + " " + index;

    // the naive model: fixed positions for integers, explicit position lists for other axes
    long[] fixed = new long[in.ndim()];
    List<Axis> axes = new ArrayList<>();
    int used = 0;
    for (Index ix : index) {
      if (!(ix instanceof Index.NewAxis) && !(ix instanceof Index.Ellipsis)) {
        used++;
      }
    }
    if (used > in.ndim()) {
      assertThrows(IndexOutOfRangeException.class, () -> BasicIndexing.apply(in, index), what);
      return;
    }
    List<Index> full = new ArrayList<>(index);
    if (!full.contains(Index.ellipsis())) {
      full.add(Index.ellipsis());
    }
    int src = 0;
    for (Index ix : full) {
      if (ix instanceof Index.Ellipsis) {
        for (int k = 0; k < in.ndim() - used; k++, src++) {
          axes.add(new Axis(src, naiveSlice(null, null, 1, in.shape()[src])));
        }
      } else if (ix instanceof Index.NewAxis) {
        axes.add(new Axis(-1, new long[] {0}));
      } else if (ix instanceof Index.At at) {
        long n = in.shape()[src];
        long i = at.index() < 0 ? at.index() + n : at.index();
        if (i < 0 || i >= n) {
          assertThrows(IndexOutOfRangeException.class, () -> BasicIndexing.apply(in, index), what);
          return;
        }
        fixed[src++] = i;
      } else {
        Index.Slice sl = (Index.Slice) ix;
        axes.add(new Axis(src, naiveSlice(sl.start(), sl.stop(), sl.step(), in.shape()[src])));
        src++;
      }
    }

    Layout out = BasicIndexing.apply(in, index);
    long[] shape = new long[axes.size()];
    for (int k = 0; k < shape.length; k++) {
      shape[k] = axes.get(k).positions().length;
    }
    assertArrayEquals(shape, out.shape(), what);
    assertEquals(in.itemsize(), out.itemsize());
    for (long[] ri : LayoutSupport.indices(shape, false)) {
      long[] si = fixed.clone();
      for (int k = 0; k < ri.length; k++) {
        Axis a = axes.get(k);
        if (a.source() >= 0) {
          si[a.source()] = a.positions()[(int) ri[k]];
        }
      }
      assertEquals(LayoutSupport.offsetOf(in, si), LayoutSupport.offsetOf(out, ri), what);
    }
    // a view never leaves the source extent; even an empty one (of a non-empty source) starts at
    // a source element, since NumPy points empty slices at their axis' first element
    long[] srcExt = in.extent();
    long[] outExt = out.extent();
    if (out.size() > 0) {
      assertTrue(outExt[0] >= srcExt[0] && outExt[1] <= srcExt[1], what + " -> " + out);
    } else if (in.size() > 0) {
      assertTrue(out.offset() >= srcExt[0] && out.offset() + in.itemsize() <= srcExt[1],
          what + " -> " + out);
    }
  }

  @Property(tries = 500)
  void parsingTheTextOfAnIndexGivesItBack(@ForAll long seed) {
    Random r = new Random(seed);
    List<Index> index = randomIndex(r, 4);
    StringBuilder text = new StringBuilder();
    for (Index ix : index) {
      text.append(r.nextBoolean() ? " " : "").append(ix).append(r.nextBoolean() ? " ," : ",");
    }
    assertEquals(index, IndexParser.parse(text.toString()), text.toString());
  }

  /**
   * Positions selected by {@code start:stop:step} on an axis of length n, by walking: clip the
   * start into the axis (from the end for negative values), then step while strictly before the
   * clipped stop.
   */
  private static long[] naiveSlice(Long start, Long stop, long step, long n) {
    List<Long> pos = new ArrayList<>();
    if (step > 0) {
      long b = start == null ? 0 : start < 0 ? Math.max(start + n, 0) : Math.min(start, n);
      long e = stop == null ? n : stop < 0 ? Math.max(stop + n, 0) : Math.min(stop, n);
      for (long i = b; i < e; i += step) {
        pos.add(i);
      }
    } else {
      long b = start == null ? n - 1 : start < 0 ? Math.max(start + n, -1) : Math.min(start, n - 1);
      long e = stop == null ? -1 : stop < 0 ? Math.max(stop + n, -1) : Math.min(stop, n - 1);
      for (long i = b; i > e; i += step) {
        pos.add(i);
      }
    }
    return pos.stream().mapToLong(Long::longValue).toArray();
  }

  /** Up to ndim + 2 random basic entries with at most one ellipsis, values around the lengths. */
  static List<Index> randomIndex(Random r, int ndim) {
    List<Index> index = new ArrayList<>();
    int n = r.nextInt(ndim + 3);
    boolean ellipsis = false;
    for (int i = 0; i < n; i++) {
      int kind = r.nextInt(10);
      if (kind < 3) {
        index.add(Index.at(r.nextInt(15) - 7));
      } else if (kind < 8) {
        Long start = r.nextInt(3) == 0 ? null : (long) (r.nextInt(19) - 9);
        Long stop = r.nextInt(3) == 0 ? null : (long) (r.nextInt(19) - 9);
        long step = new long[] {1, 1, 1, 2, 3, -1, -1, -2, -3, 7}[r.nextInt(10)];
        index.add(Index.slice(start, stop, step));
      } else if (kind < 9) {
        index.add(Index.newAxis());
      } else if (!ellipsis) {
        ellipsis = true;
        index.add(Index.ellipsis());
      }
    }
    return index;
  }
}
