package io.tessera.io.npy;

import io.tessera.io.npy.NpyFormatException.Fault;
import io.tessera.io.npy.NpyIo.CrcSink;
import io.tessera.io.npy.NpyIo.StreamSink;
import io.tessera.io.npy.NpyIo.StreamSource;
import io.tessera.ndarray.NDArray;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.arrow.memory.BufferAllocator;

/**
 * NumPy's {@code .npz} archives: a zip file of {@code .npy} members, one per array, as written by
 * {@code np.savez} (stored entries) and {@code np.savez_compressed} (deflated entries), and read
 * by {@code np.load}. Array names are the member names without {@code .npy}; arrays given without
 * a name are called {@code arr_0}, {@code arr_1}, ... as in NumPy.
 *
 * <p>Each member is the exact {@code .npy} image {@link NpyWriter} writes. A stored member needs
 * its CRC-32 before its data in the zip format, so the data are read twice from memory (once for
 * the checksum, once to write), never copied whole.
 */
public final class Npz {
  private Npz() {}

  /** {@code np.savez(path, arr_0=..., arr_1=...)}: positional arrays, stored (uncompressed). */
  public static void save(Path path, NDArray... arrays) throws IOException {
    save(path, positional(arrays));
  }

  /** {@code np.savez(path, **arrays)}: named arrays, stored (uncompressed), in map order. */
  public static void save(Path path, Map<String, NDArray> arrays) throws IOException {
    write(path, arrays, false);
  }

  /** {@code np.savez_compressed(path, arr_0=..., ...)}: deflated members. */
  public static void saveCompressed(Path path, NDArray... arrays) throws IOException {
    saveCompressed(path, positional(arrays));
  }

  /** {@code np.savez_compressed(path, **arrays)}: deflated members, in map order. */
  public static void saveCompressed(Path path, Map<String, NDArray> arrays) throws IOException {
    write(path, arrays, true);
  }

  private static void write(Path path, Map<String, NDArray> arrays, boolean compressed)
      throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
      write(out, arrays, compressed);
    }
  }

  /**
   * Writes an archive to {@code out} (finished but not closed).
   *
   * @param compressed deflate members ({@code savez_compressed}) or store them ({@code savez})
   */
  public static void write(OutputStream out, Map<String, NDArray> arrays, boolean compressed)
      throws IOException {
    Objects.requireNonNull(arrays, "arrays");
    ZipOutputStream zip = new ZipOutputStream(new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush(); // finish the archive, leave the caller's stream open
      }
    });
    zip.setLevel(Deflater.DEFAULT_COMPRESSION);
    for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
      String name = Objects.requireNonNull(e.getKey(), "array name") + ".npy";
      NDArray a = Objects.requireNonNull(e.getValue(), "array " + e.getKey());
      NpyHeader h = NpyWriter.headerFor(a, NpyWriter.Options.defaults());
      ZipEntry ze = new ZipEntry(name);
      if (compressed) {
        ze.setMethod(ZipEntry.DEFLATED);
      } else {
        CrcSink crc = new CrcSink();
        NpyWriter.write(crc, a, h);
        ze.setMethod(ZipEntry.STORED);
        ze.setSize(crc.count);
        ze.setCompressedSize(crc.count);
        ze.setCrc(crc.crc.getValue());
      }
      zip.putNextEntry(ze);
      NpyWriter.write(new StreamSink(zip), a, h);
      zip.closeEntry();
    }
    zip.close();
  }

  private static Map<String, NDArray> positional(NDArray[] arrays) {
    Map<String, NDArray> m = new LinkedHashMap<>();
    for (int i = 0; i < arrays.length; i++) {
      m.put("arr_" + i, arrays[i]);
    }
    return m;
  }

  /** Opens an archive for reading arrays by name, lazily ({@code np.load(path)} of a .npz). */
  public static NpzFile open(Path path, BufferAllocator allocator) throws IOException {
    return NpzFile.open(path, allocator);
  }

  /** Reads every array of the archive at {@code path}, in archive order; close each one. */
  public static Map<String, NDArray> readAll(Path path, BufferAllocator allocator)
      throws IOException {
    try (NpzFile f = NpzFile.open(path, allocator)) {
      Map<String, NDArray> out = new LinkedHashMap<>();
      try {
        for (String n : f.names()) {
          out.put(n, f.get(n));
        }
      } catch (IOException | RuntimeException | Error e) {
        out.values().forEach(NDArray::close);
        throw e;
      }
      return out;
    }
  }

  /**
   * Reads every {@code .npy} member of an archive from a stream, in archive order (members that
   * are not {@code .npy} files are skipped); close each array.
   *
   * @param sourceName names the archive in error messages
   */
  public static Map<String, NDArray> read(InputStream in, BufferAllocator allocator,
      String sourceName) throws IOException {
    String src = sourceName == null ? "<stream>" : sourceName;
    Map<String, NDArray> out = new LinkedHashMap<>();
    try {
      ZipInputStream zin = new ZipInputStream(in);
      ZipEntry e;
      while ((e = nextEntry(zin, src)) != null) {
        String n = e.getName();
        if (e.isDirectory() || !n.endsWith(".npy")) {
          continue;
        }
        String key = n.substring(0, n.length() - 4);
        String member = src + "[" + n + "]";
        if (out.containsKey(key)) {
          throw new NpyFormatException("npz.read", member, Fault.BAD_ZIP, "duplicate member");
        }
        try {
          out.put(key, NpyReader.read(new StreamSource(member, zin, e.getSize(), false),
              allocator, "npz.read"));
        } catch (ZipException ex) {
          throw new NpyFormatException("npz.read", member, Fault.BAD_ZIP, String.valueOf(
              ex.getMessage()), ex);
        } catch (EOFException ex) {
          throw new NpyFormatException("npz.read", member, Fault.TRUNCATED, String.valueOf(
              ex.getMessage()), ex);
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      out.values().forEach(NDArray::close);
      throw e;
    }
    return out;
  }

  private static ZipEntry nextEntry(ZipInputStream zin, String src) throws IOException {
    try {
      return zin.getNextEntry();
    } catch (ZipException e) {
      throw new NpyFormatException("npz.read", src, Fault.BAD_ZIP, String.valueOf(e.getMessage()),
          e);
    } catch (EOFException e) {
      throw new NpyFormatException("npz.read", src, Fault.TRUNCATED, String.valueOf(
          e.getMessage()), e);
    } catch (IllegalArgumentException e) { // malformed entry names (bad UTF-8)
      throw new NpyFormatException("npz.read", src, Fault.BAD_ZIP, String.valueOf(e.getMessage()),
          e);
    }
  }
}
