package io.tessera.io.zarr;

import io.tessera.errors.TesseraException;

/**
 * A Zarr array that cannot be read or written: it names the store, the key when there is one, and
 * the fault. Readers check the metadata before allocating anything and every chunk's size before
 * decoding it, so a failed read leaves nothing allocated.
 */
public class ZarrException extends TesseraException {
  private static final long serialVersionUID = 1L;

  /** What is wrong. */
  public enum Fault {
    /** No {@code .zarray} in the store. */
    NOT_FOUND("no Zarr array"),
    /** {@code .zarray} or {@code .zattrs} is not valid JSON or not the object Zarr v2 writes. */
    BAD_METADATA("malformed metadata"),
    /** Valid Zarr that Tessera does not read: a dtype, codec, filter or format version. */
    UNSUPPORTED("unsupported"),
    /** A chunk whose stored or decoded size does not match the metadata, or a corrupt stream. */
    BAD_CHUNK("corrupt chunk"),
    /** A chunk grid Zarr cannot store: Zarr v2 needs equal chunks (the last may be shorter). */
    IRREGULAR_CHUNKS("irregular chunks"),
    /** The store already holds an array and overwriting was not asked for. */
    EXISTS("already exists"),
    /** The array or block given to a writer does not match the metadata. */
    MISMATCH("does not match the metadata"),
    /** The store failed (an {@link java.io.IOException}, kept as the cause). */
    IO("I/O error");

    private final String description;

    Fault(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  private final String store;
  private final String key;
  private final Fault fault;

  /**
   * @param store the store's location
   * @param key the key involved, or null
   */
  public ZarrException(String op, String store, String key, Fault fault, String detail) {
    this(op, store, key, fault, detail, null);
  }

  public ZarrException(String op, String store, String key, Fault fault, String detail,
      Throwable cause) {
    super(op, op + ": " + store + (key == null ? "" : " [" + key + "]") + ": "
        + fault.description() + ": " + detail, cause);
    this.store = store;
    this.key = key;
    this.fault = fault;
  }

  /** The store's location. */
  public String store() {
    return store;
  }

  /** The key involved, or null. */
  public String key() {
    return key;
  }

  public Fault fault() {
    return fault;
  }
}
