package io.tessera.spark.internal;

import java.util.Arrays;

/**
 * Internal: exact sums for the {@code m} elements of one output block, each stored compactly as
 * the window of digits it occupies in an {@link ExactAccumulator} ({@code at}: the lowest digit;
 * words normalized, the top one signed) plus its NaN/infinity flags. A sum of doubles of similar
 * magnitude takes 2 to 4 words, so a partial is a few times the size of the block's output, never
 * the accumulator's 560 bytes per element. Immutable once built.
 */
public final class ExactVector implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  final int[] at;
  final int[] start; // m + 1 offsets into words
  final long[] words;
  final byte[] flags;

  ExactVector(int[] at, int[] start, long[] words, byte[] flags) {
    this.at = at;
    this.start = start;
    this.words = words;
    this.flags = flags;
  }

  /** Number of elements. */
  public int size() {
    return at.length;
  }

  int length(int i) {
    return start[i + 1] - start[i];
  }

  /** Serialized form, for Kryo. */
  public int[] atArray() {
    return at;
  }

  public int[] startArray() {
    return start;
  }

  public long[] wordArray() {
    return words;
  }

  public byte[] flagArray() {
    return flags;
  }

  public static ExactVector of(int[] at, int[] start, long[] words, byte[] flags) {
    if (start.length != at.length + 1 || flags.length != at.length
        || start[start.length - 1] != words.length) {
      throw new IllegalArgumentException("inconsistent exact vector");
    }
    return new ExactVector(at, start, words, flags);
  }

  /** Element {@code i} added into {@code acc}. */
  void addInto(int i, ExactAccumulator acc) {
    acc.addWindow(at[i], words, start[i], length(i), flags[i]);
  }

  /** The element-wise exact sum of this and {@code o} (same size). */
  ExactVector plus(ExactVector o, ExactAccumulator scratch) {
    int m = size();
    Builder b = new Builder(m, words.length + o.words.length + m);
    for (int i = 0; i < m; i++) {
      scratch.reset();
      addInto(i, scratch);
      o.addInto(i, scratch);
      scratch.appendTo(b);
    }
    return b.build();
  }

  /** Appends element after element. */
  static final class Builder {
    private final int[] at;
    private final int[] start;
    private final byte[] flags;
    private long[] words;
    private int n;
    private int w;

    Builder(int m, int wordsHint) {
      at = new int[m];
      start = new int[m + 1];
      flags = new byte[m];
      words = new long[Math.max(4, wordsHint)];
    }

    void add(int lowDigit, long[] src, int from, int len, byte f) {
      if (w + len > words.length) {
        words = Arrays.copyOf(words, Math.max(words.length * 2, w + len));
      }
      System.arraycopy(src, from, words, w, len);
      at[n] = lowDigit;
      flags[n] = f;
      w += len;
      n++;
      start[n] = w;
    }

    ExactVector build() {
      if (n != at.length) {
        throw new IllegalStateException(n + " of " + at.length + " elements");
      }
      return new ExactVector(at, start, Arrays.copyOf(words, w), flags);
    }
  }
}
