package io.tessera.io.npy;

import io.tessera.io.npy.NpyFormatException.Fault;
import io.tessera.io.npy.NpyIo.StreamSource;
import io.tessera.ndarray.NDArray;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.apache.arrow.memory.BufferAllocator;

/**
 * An open {@code .npz} archive, NumPy's {@code NpzFile}: arrays are read on demand by name. Each
 * {@link #get} returns a new array the caller must close; closing the archive closes the zip
 * file only.
 *
 * <p>Member sizes are checked against the archive before anything is allocated: a stored member
 * cannot be larger than the archive, a deflated one cannot claim more than DEFLATE's maximum
 * ratio (1032:1), and large deflated data arrive into growing buffers so that a forged size
 * cannot allocate more than twice what actually inflates.
 */
public final class NpzFile implements AutoCloseable {
  /** DEFLATE cannot expand by more than about 1032:1. */
  private static final long MAX_DEFLATE_RATIO = 1032;

  private final Path path;
  private final ZipFile zip;
  private final long archiveLength;
  private final BufferAllocator allocator;
  private final Map<String, ZipEntry> members;

  private NpzFile(Path path, ZipFile zip, long archiveLength, BufferAllocator allocator,
      Map<String, ZipEntry> members) {
    this.path = path;
    this.zip = zip;
    this.archiveLength = archiveLength;
    this.allocator = allocator;
    this.members = members;
  }

  static NpzFile open(Path path, BufferAllocator allocator) throws IOException {
    Objects.requireNonNull(allocator, "allocator");
    long length = Files.size(path);
    ZipFile zip;
    try {
      zip = new ZipFile(path.toFile());
    } catch (ZipException e) {
      throw new NpyFormatException("npz.open", path.toString(), Fault.BAD_ZIP, String.valueOf(
          e.getMessage()), e);
    } catch (EOFException e) {
      throw new NpyFormatException("npz.open", path.toString(), Fault.TRUNCATED,
          "the zip directory is cut short", e);
    } catch (IllegalArgumentException e) { // malformed names
      throw new NpyFormatException("npz.open", path.toString(), Fault.BAD_ZIP, String.valueOf(
          e.getMessage()), e);
    }
    try {
      Map<String, ZipEntry> m = new LinkedHashMap<>();
      Enumeration<? extends ZipEntry> en = zip.entries();
      while (en.hasMoreElements()) {
        ZipEntry e = en.nextElement();
        String n = e.getName();
        if (!e.isDirectory() && n.endsWith(".npy")) {
          m.putIfAbsent(n.substring(0, n.length() - 4), e);
        }
      }
      return new NpzFile(path, zip, length, allocator, m);
    } catch (IllegalArgumentException | IllegalStateException e) {
      zip.close();
      throw new NpyFormatException("npz.open", path.toString(), Fault.BAD_ZIP, String.valueOf(
          e.getMessage()), e);
    } catch (RuntimeException | Error e) {
      zip.close();
      throw e;
    }
  }

  /** The archive's array names (member names without {@code .npy}), in archive order. */
  public List<String> names() {
    return Collections.unmodifiableList(new ArrayList<>(members.keySet()));
  }

  public boolean contains(String name) {
    return members.containsKey(name);
  }

  public Path path() {
    return path;
  }

  /** Reads the array called {@code name} (a new array, to be closed by the caller). */
  public NDArray get(String name) throws IOException {
    ZipEntry e = entry(name);
    try (InputStream in = open(e)) {
      return NpyReader.read(source(e, in), allocator, "npz.read");
    } catch (ZipException ex) {
      throw new NpyFormatException("npz.read", member(e), Fault.BAD_ZIP, String.valueOf(
          ex.getMessage()), ex);
    } catch (EOFException ex) {
      throw new NpyFormatException("npz.read", member(e), Fault.TRUNCATED, String.valueOf(
          ex.getMessage()), ex);
    }
  }

  /** Reads only the header of the array called {@code name}. */
  public NpyHeader header(String name) throws IOException {
    ZipEntry e = entry(name);
    try (InputStream in = open(e)) {
      return NpyReader.readHeader(source(e, in), "npz.read");
    } catch (ZipException ex) {
      throw new NpyFormatException("npz.read", member(e), Fault.BAD_ZIP, String.valueOf(
          ex.getMessage()), ex);
    } catch (EOFException ex) {
      throw new NpyFormatException("npz.read", member(e), Fault.TRUNCATED, String.valueOf(
          ex.getMessage()), ex);
    }
  }

  private ZipEntry entry(String name) {
    ZipEntry e = members.get(name);
    if (e == null) {
      throw new IllegalArgumentException(name + " is not a file in the archive " + path
          + " (names: " + members.keySet() + ")");
    }
    return e;
  }

  private InputStream open(ZipEntry e) throws IOException {
    long size = e.getSize();
    long csize = e.getCompressedSize();
    if (csize > archiveLength || size < 0 || csize < 0) {
      throw new NpyFormatException("npz.read", member(e), Fault.BAD_ZIP, "member sizes "
          + size + "/" + csize + " do not fit an archive of " + archiveLength + " bytes");
    }
    if (e.getMethod() == ZipEntry.STORED ? size != csize
        : size > csize * MAX_DEFLATE_RATIO + 4096) {
      throw new NpyFormatException("npz.read", member(e), Fault.BAD_ZIP, "member claims "
          + size + " bytes from " + csize + " compressed bytes");
    }
    try {
      return zip.getInputStream(e);
    } catch (IllegalArgumentException | IllegalStateException ex) {
      throw new NpyFormatException("npz.read", member(e), Fault.BAD_ZIP, String.valueOf(
          ex.getMessage()), ex);
    }
  }

  private StreamSource source(ZipEntry e, InputStream in) {
    // a stored member's size is bounded by the archive: trust it for allocation; a deflated one
    // is only an upper bound
    return new StreamSource(member(e), in, e.getSize(), e.getMethod() == ZipEntry.STORED);
  }

  private String member(ZipEntry e) {
    return path + "[" + e.getName() + "]";
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
