package io.tessera.io.zarr;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Where a Zarr v2 array keeps its keys: a flat map from string keys to byte values, as Zarr's
 * {@code MutableMapping} store. Keys are relative to the array's root and use {@code '/'} between
 * path components: {@code ".zarray"}, {@code ".zattrs"}, chunk keys {@code "0.1.2"} (or
 * {@code "0/1/2"} with {@code dimension_separator '/'}). {@link LocalZarrStore} is a directory on
 * the local file system (each key a file); the Spark connector implements it over a Hadoop
 * {@code FileSystem}.
 *
 * <p><b>Contract.</b> Implementations must be safe to call from several threads at once (chunks
 * are read and written in parallel); {@link #write} replaces a value as a whole and should be
 * atomic where the storage allows (a reader never sees half a value); {@link #read} of a key
 * that does not exist returns {@code null} (a missing chunk is not an error in Zarr: it holds the
 * fill value). Values are whole byte arrays, so a single value is below 2 GiB (Zarr chunks are
 * typically a few MiB). Genuine I/O failures are {@link IOException}s; the Zarr readers and
 * writers turn them into {@link ZarrException}s ({@link ZarrException.Fault#IO}) naming the
 * store and the key.
 */
public interface ZarrStore extends Closeable {
  /** The value under {@code key}, or {@code null} if there is none. */
  byte[] read(String key) throws IOException;

  /** Stores {@code value} under {@code key}, replacing any previous value. */
  void write(String key, byte[] value) throws IOException;

  /** True if {@code key} holds a value. */
  boolean exists(String key) throws IOException;

  /**
   * Every key that starts with {@code prefix} ({@code ""} for all keys), sorted; keys only, no
   * directories. Used to clear a store before overwriting and by tools that inspect a store.
   */
  List<String> list(String prefix) throws IOException;

  /** Removes {@code key}; does nothing if it does not exist. */
  void delete(String key) throws IOException;

  /** Where this store is (a path or URI), for messages. */
  String location();

  /** Releases what the store holds open (nothing, for a local directory). */
  @Override
  default void close() throws IOException {}
}
