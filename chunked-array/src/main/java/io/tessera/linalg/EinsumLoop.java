package io.tessera.linalg;

import io.tessera.dtype.DType;
import io.tessera.dtype.Float16;
import io.tessera.memory.Raw;
import io.tessera.ndarray.Elements;
import io.tessera.ndarray.NDArray;
import io.tessera.parallel.Threads;
import java.util.Arrays;

/**
 * NumPy's C einsum ({@code c_einsum}, what {@code np.einsum} runs with {@code optimize=False}):
 * one pass over the whole index space of the labels, each output element the sum, over the labels
 * not in the output, of the product of the operands. Any number of operands; a label repeated in a
 * term walks the diagonal (the strides of its dimensions add up); a dimension of size 1 broadcasts
 * (stride 0).
 *
 * <p><b>Loop order.</b> As NumPy's iterator: the labels (size > 1) become axes, ordered so that the
 * axes with the largest strides (over all operands and the output) are outermost, the innermost
 * one is walked as a run. When some label is summed the output is first zeroed and every run adds
 * into it ({@code out[k] += prod} along an output axis, or one register sum {@code out += sum(prod)}
 * along a summed axis); without summed labels every output element is written once ({@code out =
 * prod}, the outer product case: no zeroing, no intermediate, the operands constant along the run
 * multiplied once per run).
 *
 * <p><b>Arithmetic.</b> In the dtype {@code ct} of the target, as NumPy's: floats in double (float32
 * and float16 sums are kept in double within a run and rounded when stored, which is at least as
 * accurate as NumPy's float32 accumulator), integers in 64-bit two's complement, stored with
 * wrap-around to ct's width (equal to NumPy's per-step wrap-around: arithmetic modulo 2^bits is a
 * ring homomorphism), bool as NumPy's sum of products: OR of ANDs. The operands' dtypes must
 * convert exactly to ct (a safe cast); the caller converts the others first.
 *
 * <p><b>Threads.</b> The outermost output axis is split into parts; each output element is computed
 * entirely within one part in a fixed order, so results never depend on the thread count.
 */
final class EinsumLoop {
  private EinsumLoop() {}

  /** Below this many element visits (times operands) one thread does it all; tests lower it. */
  static volatile long parallelMinWork = 1L << 16;

  /**
   * {@code target = einsum(terms -> outTerm, ops)}.
   *
   * @param ops operands, each converting exactly to the target's dtype
   * @param terms one label per operand dimension
   * @param outTerm one distinct label per target dimension
   * @param target written (zeroed first when a label is summed); its dimensions must have the
   *     labels' broadcast sizes (1 where every operand has 1)
   */
  static void run(NDArray[] ops, String[] terms, String outTerm, NDArray target) {
    int nop = ops.length;
    DType ct = target.dtype();
    // label sizes: 0 if any dimension is 0, else the largest
    StringBuilder labelsB = new StringBuilder();
    for (String t : terms) {
      for (int i = 0; i < t.length(); i++) {
        if (labelsB.indexOf(String.valueOf(t.charAt(i))) < 0) {
          labelsB.append(t.charAt(i));
        }
      }
    }
    String labels = labelsB.toString();
    long[] size = new long[labels.length()];
    Arrays.fill(size, 1);
    for (int op = 0; op < nop; op++) {
      long[] sh = ops[op].shape();
      for (int d = 0; d < sh.length; d++) {
        int l = labels.indexOf(terms[op].charAt(d));
        size[l] = size[l] == 0 || sh[d] == 0 ? 0 : Math.max(size[l], sh[d]);
      }
    }
    long[] tshape = target.shape();
    long[] tstrides = target.strides();
    boolean anySummed = false;
    boolean emptySum = false;
    for (int l = 0; l < labels.length(); l++) {
      int od = outTerm.indexOf(labels.charAt(l));
      if (od < 0) {
        anySummed = true;
        emptySum |= size[l] == 0;
      } else if (tshape[od] != size[l]) {
        throw new IllegalArgumentException("target " + Arrays.toString(tshape) + " does not fit "
            + String.join(",", terms) + "->" + outTerm);
      }
    }
    if (target.size() == 0) {
      return;
    }
    if (emptySum) {
      target.fill(0L);
      return;
    }
    // axes: labels of size > 1
    int n = 0;
    int[] axLabel = new int[labels.length()];
    for (int l = 0; l < labels.length(); l++) {
      if (size[l] > 1) {
        axLabel[n++] = l;
      }
    }
    long[] sz = new long[Math.max(n, 1)];
    long[][] st = new long[nop][Math.max(n, 1)];
    long[] ost = new long[Math.max(n, 1)];
    boolean[] isOut = new boolean[Math.max(n, 1)];
    sz[0] = 1;
    isOut[0] = true; // the stand-in axis when every label has size 1
    for (int a = 0; a < n; a++) {
      char c = labels.charAt(axLabel[a]);
      sz[a] = size[axLabel[a]];
      for (int op = 0; op < nop; op++) {
        long[] sh = ops[op].shape();
        long[] s = ops[op].strides();
        String t = terms[op];
        for (int d = 0; d < t.length(); d++) {
          if (t.charAt(d) == c && sh[d] > 1) {
            st[op][a] += s[d];
          }
        }
      }
      int od = outTerm.indexOf(c);
      isOut[a] = od >= 0;
      ost[a] = od >= 0 ? tstrides[od] : 0;
    }
    n = Math.max(n, 1);
    // order: largest strides outermost (insertion sort by votes, stable)
    int[] order = new int[n];
    for (int a = 0; a < n; a++) {
      order[a] = a;
    }
    for (int i = 1; i < n; i++) {
      int ax = order[i];
      int j = i - 1;
      while (j >= 0 && outerVote(st, ost, ax, order[j]) > 0) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = ax;
    }
    long[] osz = new long[n];
    long[][] ostr = new long[nop][n];
    long[] oost = new long[n];
    boolean[] oIsOut = new boolean[n];
    for (int k = 0; k < n; k++) {
      osz[k] = sz[order[k]];
      oost[k] = ost[order[k]];
      oIsOut[k] = isOut[order[k]];
      for (int op = 0; op < nop; op++) {
        ostr[op][k] = st[op][order[k]];
      }
    }
    long[] bases = new long[nop];
    DType[] types = new DType[nop];
    for (int op = 0; op < nop; op++) {
      bases[op] = ops[op].dataAddress();
      types[op] = ops[op].dtype();
    }
    if (anySummed) {
      target.fill(0L);
    }
    Plan plan = new Plan(nop, types, ct, osz, ostr, oost, bases, target.dataAddress(), anySummed,
        !oIsOut[n - 1]);
    long work = 1;
    for (long d : osz) {
      work = Math.multiplyHigh(work, d) != 0 ? Long.MAX_VALUE : work * d;
    }
    int split = -1;
    for (int k = 0; k < n; k++) {
      if (oIsOut[k] && osz[k] > 1) {
        split = k;
        break;
      }
    }
    int threads = Threads.current();
    if (split < 0 || threads <= 1 || work < parallelMinWork / Math.max(1, nop)) {
      plan.part(-1, 0, 0);
      return;
    }
    long len = osz[split];
    int parts = (int) Math.min(len, 4L * threads);
    final int sp = split;
    Threads.forEachPart(parts, p -> {
      long lo = len * p / parts;
      long hi = len * (p + 1) / parts;
      if (hi > lo) {
        plan.part(sp, lo, hi);
      }
    });
  }

  /** Positive when axis {@code a} should be outside axis {@code b}. */
  private static int outerVote(long[][] st, long[] ost, int a, int b) {
    int vote = 0;
    for (long[] s : st) {
      vote += vote(s[a], s[b]);
    }
    return vote + vote(ost[a], ost[b]);
  }

  private static int vote(long x, long y) {
    long sa = Math.abs(x);
    long sb = Math.abs(y);
    if (sa == 0 || sb == 0) {
      return 0;
    }
    return Long.compare(sa, sb);
  }

  /** The ordered iteration space; {@link #part} walks a slab of it. */
  private static final class Plan {
    final int nop;
    final DType[] types;
    final DType ct;
    final long[] sz;
    final long[][] st;
    final long[] ost;
    final long[] bases;
    final long obase;
    final boolean accumulate;
    /** The innermost axis is a summed label: each run is one sum. */
    final boolean reduceRun;
    final int domain;
    final boolean allF64;

    Plan(int nop, DType[] types, DType ct, long[] sz, long[][] st, long[] ost, long[] bases,
        long obase, boolean accumulate, boolean reduceRun) {
      this.nop = nop;
      this.types = types;
      this.ct = ct;
      this.sz = sz;
      this.st = st;
      this.ost = ost;
      this.bases = bases;
      this.obase = obase;
      this.accumulate = accumulate;
      this.reduceRun = reduceRun;
      this.domain = ct.isBool() ? 2 : ct.kind() == 'f' ? 0 : 1;
      boolean f64 = ct == DType.FLOAT64;
      for (DType t : types) {
        f64 &= t == DType.FLOAT64;
      }
      this.allF64 = f64;
    }

    /** Walks the space with axis {@code split} restricted to [lo, hi) (split < 0: all). */
    void part(int split, long lo, long hi) {
      int n = sz.length;
      long[] size = sz.clone();
      long[] p = bases.clone();
      long o = obase;
      if (split >= 0) {
        size[split] = hi - lo;
        for (int op = 0; op < nop; op++) {
          p[op] += lo * st[op][split];
        }
        o += lo * ost[split];
      }
      int inner = n - 1;
      long count = size[inner];
      long[] is = new long[nop];
      for (int op = 0; op < nop; op++) {
        is[op] = st[op][inner];
      }
      long ios = ost[inner];
      long[] idx = new long[n];
      int[] vary = new int[nop];
      while (true) {
        run(p, o, count, is, ios, vary);
        int k = inner - 1;
        while (k >= 0) {
          if (++idx[k] < size[k]) {
            for (int op = 0; op < nop; op++) {
              p[op] += st[op][k];
            }
            o += ost[k];
            break;
          }
          for (int op = 0; op < nop; op++) {
            p[op] -= (size[k] - 1) * st[op][k];
          }
          o -= (size[k] - 1) * ost[k];
          idx[k] = 0;
          k--;
        }
        if (k < 0) {
          return;
        }
      }
    }

    /** One run of {@code count} elements along the innermost axis. */
    private void run(long[] p, long o, long count, long[] is, long os, int[] vary) {
      switch (domain) {
        case 0:
          runDouble(p, o, count, is, os, vary);
          break;
        case 1:
          runLong(p, o, count, is, os, vary, false);
          break;
        default:
          runLong(p, o, count, is, os, vary, true);
      }
    }

    private void runDouble(long[] p, long o, long count, long[] is, long os, int[] vary) {
      double c = 1;
      int nv = 0;
      for (int op = 0; op < nop; op++) {
        if (is[op] == 0) {
          c *= readDouble(types[op], p[op]);
        } else {
          vary[nv++] = op;
        }
      }
      if (nv == 0) {
        // every operand constant along the run
        if (reduceRun) {
          double acc = 0;
          for (long k = 0; k < count; k++) {
            acc += c;
          }
          store(o, load(o) + acc);
        } else {
          for (long k = 0; k < count; k++) {
            store(o + k * os, c);
          }
        }
        return;
      }
      if (allF64) {
        if (nv == 1) {
          long a = p[vary[0]];
          long sa = is[vary[0]];
          if (reduceRun) {
            double acc = 0;
            if (c == 1) {
              for (long k = 0; k < count; k++) {
                acc += Raw.getDouble(a + k * sa);
              }
            } else {
              for (long k = 0; k < count; k++) {
                acc += c * Raw.getDouble(a + k * sa);
              }
            }
            Raw.putDouble(o, Raw.getDouble(o) + acc);
          } else if (accumulate) {
            for (long k = 0; k < count; k++) {
              long ok = o + k * os;
              Raw.putDouble(ok, Raw.getDouble(ok) + c * Raw.getDouble(a + k * sa));
            }
          } else {
            for (long k = 0; k < count; k++) {
              Raw.putDouble(o + k * os, c * Raw.getDouble(a + k * sa));
            }
          }
          return;
        }
        if (nv == 2) {
          long a = p[vary[0]];
          long sa = is[vary[0]];
          long b = p[vary[1]];
          long sb = is[vary[1]];
          if (reduceRun) {
            double acc = 0;
            for (long k = 0; k < count; k++) {
              acc += c * Raw.getDouble(a + k * sa) * Raw.getDouble(b + k * sb);
            }
            Raw.putDouble(o, Raw.getDouble(o) + acc);
          } else if (accumulate) {
            for (long k = 0; k < count; k++) {
              long ok = o + k * os;
              Raw.putDouble(ok, Raw.getDouble(ok)
                  + c * Raw.getDouble(a + k * sa) * Raw.getDouble(b + k * sb));
            }
          } else {
            for (long k = 0; k < count; k++) {
              Raw.putDouble(o + k * os, c * Raw.getDouble(a + k * sa) * Raw.getDouble(b + k * sb));
            }
          }
          return;
        }
      }
      if (reduceRun) {
        double acc = 0;
        for (long k = 0; k < count; k++) {
          double v = c;
          for (int i = 0; i < nv; i++) {
            int op = vary[i];
            v *= readDouble(types[op], p[op] + k * is[op]);
          }
          acc += v;
        }
        store(o, load(o) + acc);
        return;
      }
      for (long k = 0; k < count; k++) {
        double v = c;
        for (int i = 0; i < nv; i++) {
          int op = vary[i];
          v *= readDouble(types[op], p[op] + k * is[op]);
        }
        long ok = o + k * os;
        store(ok, accumulate ? load(ok) + v : v);
      }
    }

    private void runLong(long[] p, long o, long count, long[] is, long os, int[] vary,
        boolean logical) {
      long c = 1;
      int nv = 0;
      for (int op = 0; op < nop; op++) {
        if (is[op] == 0) {
          c *= readLong(types[op], p[op]);
        } else {
          vary[nv++] = op;
        }
      }
      int isz = ct.itemsize();
      if (reduceRun) {
        long acc = 0;
        for (long k = 0; k < count; k++) {
          long v = c;
          for (int i = 0; i < nv; i++) {
            int op = vary[i];
            v *= readLong(types[op], p[op] + k * is[op]);
          }
          acc = logical ? acc | v : acc + v;
        }
        long old = readLong(ct, o);
        acc = logical ? acc | old : acc + old;
        Raw.putBits(o, isz, logical ? (acc != 0 ? 1 : 0) : acc);
        return;
      }
      for (long k = 0; k < count; k++) {
        long v = c;
        for (int i = 0; i < nv; i++) {
          int op = vary[i];
          v *= readLong(types[op], p[op] + k * is[op]);
        }
        long ok = o + k * os;
        if (accumulate) {
          long old = readLong(ct, ok);
          v = logical ? v | old : v + old;
        }
        Raw.putBits(ok, isz, logical ? (v != 0 ? 1 : 0) : v);
      }
    }

    private double load(long a) {
      return readDouble(ct, a);
    }

    private void store(long a, double v) {
      switch (ct) {
        case FLOAT64:
          Raw.putDouble(a, v);
          break;
        case FLOAT32:
          Raw.putFloat(a, (float) v);
          break;
        default:
          Raw.putShort(a, Float16.fromDouble(v));
      }
    }
  }

  /** An element as a double ({@link Elements#getDouble}). */
  static double readDouble(DType t, long a) {
    return Elements.getDouble(t, a);
  }

  /** An integer or bool element, sign- or zero-extended to 64 bits (bool as 0/1). */
  static long readLong(DType t, long a) {
    switch (t) {
      case BOOL: return Raw.getByte(a) != 0 ? 1 : 0;
      case INT8: return Raw.getByte(a);
      case INT16: return Raw.getShort(a);
      case INT32: return Raw.getInt(a);
      case INT64: case UINT64: return Raw.getLong(a);
      case UINT8: return Raw.getByte(a) & 0xFF;
      case UINT16: return Raw.getShort(a) & 0xFFFF;
      case UINT32: return Raw.getInt(a) & 0xFFFF_FFFFL;
      default: throw new AssertionError("integer loop on " + t);
    }
  }

  /** A shape as NumPy prints it: (2, 3), (4,), (). */
  static String shapeString(long[] shape) {
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    String s = Arrays.toString(shape);
    return "(" + s.substring(1, s.length() - 1) + ")";
  }
}
