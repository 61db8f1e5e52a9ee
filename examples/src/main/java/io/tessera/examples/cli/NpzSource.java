package io.tessera.examples.cli;

import io.tessera.dtype.DType;
import io.tessera.io.npy.Npz;
import io.tessera.io.npy.NpzFile;
import io.tessera.ndarray.NDArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.arrow.memory.BufferAllocator;

/**
 * One member of an {@code .npz} archive as slabs. A member is a zip entry (possibly deflated), so
 * it cannot be mapped in place: it is streamed out to a temporary {@code .npy} file (constant
 * memory) and that file is memory-mapped; the temporary file is deleted on close.
 */
final class NpzSource implements SlabSource {
  private final Path path;
  private final Path temp;
  private final NpySource npy;
  private final String member;

  NpzSource(Path path, String wanted, Path tempDir, BufferAllocator allocator) throws IOException {
    this.path = path;
    this.member = chooseMember(path, wanted, allocator);
    this.temp = Files.createTempFile(tempDir, "tessera-npz-", ".npy");
    try {
      try (ZipFile zip = new ZipFile(path.toFile())) {
        ZipEntry e = zip.getEntry(member + ".npy");
        try (InputStream in = zip.getInputStream(e)) {
          Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      this.npy = new NpySource(temp, allocator, member);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  /** The member to read: {@code wanted}, or the only one; checked against the archive. */
  static String chooseMember(Path path, String wanted, BufferAllocator allocator)
      throws IOException {
    try (NpzFile z = Npz.open(path, allocator)) {
      List<String> names = z.names();
      if (wanted != null) {
        if (!z.contains(wanted)) {
          throw new CliException(path + ": no member '" + wanted + "' (members: "
              + String.join(", ", names) + ")");
        }
        z.header(wanted); // checks the member's header before anything is extracted
        return wanted;
      }
      if (names.size() != 1) {
        throw new CliException(path + ": " + (names.isEmpty() ? "no arrays in the archive"
            : names.size() + " members (" + String.join(", ", names) + "): choose one with "
            + "--member NAME"));
      }
      z.header(names.get(0));
      return names.get(0);
    }
  }

  @Override
  public String name() {
    return path + "[" + member + "]";
  }

  @Override
  public DType dtype() {
    return npy.dtype();
  }

  @Override
  public long[] shape() {
    return npy.shape();
  }

  @Override
  public boolean fortran() {
    return npy.fortran();
  }

  @Override
  public String arrayName() {
    return member;
  }

  @Override
  public NDArray whole() {
    return npy.whole();
  }

  @Override
  public void forEachSlab(long maxBytes, SlabConsumer consumer) throws IOException {
    npy.forEachSlab(maxBytes, consumer);
  }

  @Override
  public void close() throws IOException {
    try {
      npy.close();
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
