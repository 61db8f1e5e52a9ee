package io.tessera.io.zarr;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The {@code compressor} of a Zarr v2 array, as numcodecs names them: none ({@code null}),
 * {@code {"id": "zlib", "level": N}} (numcodecs {@code Zlib}: a zlib stream, RFC 1950, what
 * {@link Deflater} writes and Python's {@code zlib.decompress} reads) or, on reading only, {@code
 * {"id": "gzip", "level": N}} (numcodecs {@code GZip}, RFC 1952). Other codecs (Blosc, Zstd, LZ4)
 * are refused with {@link ZarrException.Fault#UNSUPPORTED}.
 *
 * @param id {@code null} for none, {@code "zlib"} or {@code "gzip"}
 * @param level compression level 0..9 (ignored for none)
 */
public record ZarrCompressor(String id, int level) {
  /** No compression: chunks are stored as raw bytes. */
  public static final ZarrCompressor NONE = new ZarrCompressor(null, 0);

  public ZarrCompressor {
    if (id != null && !id.equals("zlib") && !id.equals("gzip")) {
      throw new IllegalArgumentException("compressor '" + id + "': Tessera writes and reads "
          + "zlib and gzip");
    }
    if (id != null && (level < 0 || level > 9)) {
      throw new IllegalArgumentException("compression level " + level + " (must be 0..9)");
    }
  }

  /** numcodecs {@code GZip(level)}. */
  public static ZarrCompressor gzip(int level) {
    return new ZarrCompressor("gzip", level);
  }

  /** numcodecs {@code Zlib(level)}. */
  public static ZarrCompressor zlib(int level) {
    return new ZarrCompressor("zlib", level);
  }

  public boolean isNone() {
    return id == null;
  }

  /** The JSON object of {@code .zarray} ({@code null} for none). */
  public Map<String, Object> toJson() {
    if (id == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("level", (long) level);
    return m;
  }

  /** Compresses {@code raw} (returned as is for none). */
  public byte[] encode(byte[] raw) {
    if (id == null) {
      return raw;
    }
    if (id.equals("gzip")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, raw.length / 4));
      try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out, 64 << 10) {
        {
          def.setLevel(level);
        }
      }) {
        gz.write(raw);
      } catch (java.io.IOException e) {
        throw new AssertionError("byte arrays do not do I/O", e);
      }
      return out.toByteArray();
    }
    Deflater d = new Deflater(level);
    try {
      d.setInput(raw);
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, raw.length / 4));
      byte[] buf = new byte[64 << 10];
      while (!d.finished()) {
        int n = d.deflate(buf);
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } finally {
      d.end();
    }
  }

  /**
   * Decompresses {@code stored} into exactly {@code expected} bytes.
   *
   * @throws IllegalStateException (with the reason) if the stream is corrupt or does not decode
   *     to exactly {@code expected} bytes; the caller turns it into a {@link ZarrException}
   */
  public byte[] decode(byte[] stored, int expected) {
    if (id == null) {
      if (stored.length != expected) {
        throw new IllegalStateException(stored.length + " bytes stored, the chunk has " + expected);
      }
      return stored;
    }
    int off = 0;
    int len = stored.length;
    boolean gzip = id.equals("gzip");
    if (gzip) {
      off = gzipHeaderLength(stored);
      len = stored.length - off - 8;
      if (len < 0) {
        throw new IllegalStateException("gzip stream of " + stored.length + " bytes is truncated");
      }
    }
    Inflater inf = new Inflater(gzip);
    try {
      inf.setInput(stored, off, len);
      byte[] out = new byte[expected];
      int got = 0;
      while (got < expected) {
        int n = inf.inflate(out, got, expected - got);
        if (n == 0) {
          if (inf.needsDictionary()) {
            throw new IllegalStateException("the " + id + " stream needs a preset dictionary");
          }
          break;
        }
        got += n;
      }
      if (got != expected) {
        throw new IllegalStateException(id + " stream decodes to " + got + " bytes, the chunk has "
            + expected);
      }
      if (!inf.finished()) {
        byte[] extra = new byte[1];
        if (inf.inflate(extra) > 0 || !inf.finished()) {
          throw new IllegalStateException(id + " stream decodes to more than the chunk's "
              + expected + " bytes");
        }
      }
      if (gzip) {
        CRC32 crc = new CRC32();
        crc.update(out);
        long want = (stored[stored.length - 8] & 0xFFL) | (stored[stored.length - 7] & 0xFFL) << 8
            | (stored[stored.length - 6] & 0xFFL) << 16 | (stored[stored.length - 5] & 0xFFL) << 24;
        if (crc.getValue() != want) {
          throw new IllegalStateException("gzip CRC-32 mismatch");
        }
      }
      return out;
    } catch (DataFormatException e) {
      throw new IllegalStateException("corrupt " + id + " stream (" + e.getMessage() + ")", e);
    } finally {
      inf.end();
    }
  }

  /** Length of a gzip member header (RFC 1952), checking the magic and method. */
  private static int gzipHeaderLength(byte[] b) {
    if (b.length < 18 || (b[0] & 0xFF) != 0x1f || (b[1] & 0xFF) != 0x8b || b[2] != 8) {
      throw new IllegalStateException("not a gzip stream");
    }
    int flags = b[3] & 0xFF;
    int p = 10;
    try {
      if ((flags & 4) != 0) {
        p += 2 + ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8);
      }
      if ((flags & 8) != 0) {
        while (b[p++] != 0) { /* file name */ }
      }
      if ((flags & 16) != 0) {
        while (b[p++] != 0) { /* comment */ }
      }
      if ((flags & 2) != 0) {
        p += 2;
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new IllegalStateException("truncated gzip header");
    }
    if (p > b.length - 8) {
      throw new IllegalStateException("truncated gzip header");
    }
    return p;
  }

  @Override
  public String toString() {
    return id == null ? "none" : id + "(level=" + level + ")";
  }
}
