package io.tessera.io.zarr;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A Zarr store in a local directory, as zarr-python's {@code DirectoryStore}: key {@code "a/b"}
 * is the file {@code root/a/b}. Writes go to a temporary file in the same directory that is then
 * renamed over the key (atomic on POSIX file systems), so a concurrent reader sees the old value
 * or the new one, never a partial chunk. Thread-safe.
 *
 * <p>Keys are checked: relative, {@code '/'}-separated, no empty, {@code "."} or {@code ".."}
 * component, no backslash; a key that would leave the root is refused with an {@link
 * IllegalArgumentException}.
 */
public final class LocalZarrStore implements ZarrStore {
  private static final String TMP = ".tmp-";

  private final Path root;

  private LocalZarrStore(Path root) {
    this.root = root;
  }

  /** A store over the directory {@code root}, which need not exist yet (writes create it). */
  public static LocalZarrStore of(Path root) {
    return new LocalZarrStore(Objects.requireNonNull(root, "root").toAbsolutePath().normalize());
  }

  /** The directory. */
  public Path root() {
    return root;
  }

  private Path file(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.indexOf('\\') >= 0
        || key.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("invalid Zarr key '" + key + "' in " + root);
    }
    for (String part : key.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("invalid Zarr key '" + key + "' in " + root);
      }
    }
    return root.resolve(key);
  }

  @Override
  public byte[] read(String key) throws IOException {
    Path f = file(key);
    try {
      return Files.readAllBytes(f);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  @Override
  public void write(String key, byte[] value) throws IOException {
    Objects.requireNonNull(value, "value");
    Path f = file(key);
    Path dir = f.getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(TMP + f.getFileName() + "-" + UUID.randomUUID());
    try {
      Files.write(tmp, value);
      try {
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(file(key));
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    Objects.requireNonNull(prefix, "prefix");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.filter(Files::isRegularFile).forEach(p -> {
        if (p.getFileName().toString().startsWith(TMP)) {
          return;
        }
        StringBuilder sb = new StringBuilder();
        for (Path part : root.relativize(p)) {
          if (sb.length() > 0) {
            sb.append('/');
          }
          sb.append(part);
        }
        String key = sb.toString();
        if (key.startsWith(prefix)) {
          out.add(key);
        }
      });
    }
    Collections.sort(out);
    return out;
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(file(key));
  }

  @Override
  public String location() {
    return root.toString();
  }

  @Override
  public String toString() {
    return "LocalZarrStore[" + root + "]";
  }
}
