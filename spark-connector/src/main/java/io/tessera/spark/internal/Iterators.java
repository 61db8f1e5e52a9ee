package io.tessera.spark.internal;

import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** Internal: lazy iterator plumbing for executor functions. */
final class Iterators {
  private Iterators() {}

  /**
   * {@code in} flat-mapped through {@code f}, lazily: {@code f} runs on the next input only when
   * the previous output iterator is exhausted.
   */
  static <A, B> Iterator<B> flatten(Iterator<A> in, Function<A, Iterator<B>> f) {
    return new Iterator<>() {
      private Iterator<B> cur = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!cur.hasNext()) {
          if (!in.hasNext()) {
            return false;
          }
          cur = f.apply(in.next());
        }
        return true;
      }

      @Override
      public B next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return cur.next();
      }
    };
  }
}
