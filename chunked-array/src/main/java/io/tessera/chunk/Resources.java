package io.tessera.chunk;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a chunked array keeps alive: its own closeables (a view of the source array, materialized
 * blocks) and the resources of the arrays it was derived from. Reference counted: an array holds
 * one reference, each array derived from it another, so a parent may be closed before its
 * children, as with NDArray views.
 */
final class Resources {
  private final List<AutoCloseable> own;
  private final List<Resources> parents;
  private final AtomicInteger refs = new AtomicInteger(1);

  Resources(List<AutoCloseable> own, List<Resources> parents) {
    this.own = new ArrayList<>(own);
    this.parents = new ArrayList<>(parents);
    for (Resources p : parents) {
      p.retain();
    }
  }

  /** Adds every closeable kept alive here and by the parents (depth first) to {@code into}. */
  void collect(List<AutoCloseable> into) {
    into.addAll(own);
    for (Resources p : parents) {
      p.collect(into);
    }
  }

  void retain() {
    int r = refs.getAndIncrement();
    if (r <= 0) {
      refs.getAndDecrement();
      throw new IllegalStateException("resources already released");
    }
  }

  void release() {
    if (refs.decrementAndGet() != 0) {
      return;
    }
    RuntimeException failure = null;
    for (AutoCloseable c : own) {
      try {
        c.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e instanceof RuntimeException r ? r : new RuntimeException(e);
        }
      }
    }
    for (Resources p : parents) {
      p.release();
    }
    if (failure != null) {
      throw failure;
    }
  }
}
