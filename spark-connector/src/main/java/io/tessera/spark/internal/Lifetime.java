package io.tessera.spark.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Internal: the driver-side things a distributed array's lineage needs while jobs may still run
 * (the chunked array blocks are read from, broadcast variables), reference counted like NDArray
 * views: an array holds one reference, each array derived from it holds one on its parents, so a
 * parent may be closed before its children.
 */
public final class Lifetime {
  private final List<AutoCloseable> own;
  private final List<Lifetime> parents;
  private final AtomicInteger refs = new AtomicInteger(1);

  public Lifetime(List<? extends AutoCloseable> own, List<Lifetime> parents) {
    this.own = new ArrayList<>(own);
    this.parents = new ArrayList<>(parents);
    for (Lifetime p : parents) {
      p.retain();
    }
  }

  private void retain() {
    if (refs.getAndIncrement() <= 0) {
      refs.getAndDecrement();
      throw new IllegalStateException("already released");
    }
  }

  public void release() {
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
    for (Lifetime p : parents) {
      try {
        p.release();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
