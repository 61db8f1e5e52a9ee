package io.tessera.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** The array file formats the command line reads and writes, and how a path's format is told. */
enum ArrayFormat {
  /** NumPy's {@code .npy}. */
  NPY("npy", ".npy"),
  /** NumPy's {@code .npz} archive of {@code .npy} members. */
  NPZ("npz", ".npz"),
  /** The Arrow IPC file format ({@code .arrow}, Feather v2). */
  ARROW("arrow", ".arrow", ".feather", ".ipc"),
  /** The Arrow IPC stream format. */
  ARROWS("arrows", ".arrows"),
  /** A Zarr v2 array: a directory of chunk files with {@code .zarray} metadata. */
  ZARR("zarr", ".zarr");

  private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
  private static final byte[] EMPTY_ZIP_MAGIC = {'P', 'K', 5, 6};
  private static final byte[] ARROW_MAGIC = {'A', 'R', 'R', 'O', 'W', '1'};

  private final String id;
  private final String[] extensions;

  ArrayFormat(String id, String... extensions) {
    this.id = id;
    this.extensions = extensions;
  }

  /** The name used on the command line ({@code --to npy}). */
  String id() {
    return id;
  }

  /** The names accepted by {@code --to}, for messages. */
  static String ids() {
    return String.join(", ", Arrays.stream(values()).map(ArrayFormat::id).toList());
  }

  /** The format called {@code id} on the command line. */
  static ArrayFormat ofId(String id) {
    for (ArrayFormat f : values()) {
      if (f.id.equalsIgnoreCase(id.trim())) {
        return f;
      }
    }
    throw new CliException("unknown format '" + id + "' (formats: " + ids() + ")", Errors.USAGE,
        null);
  }

  /** The format an output path's name asks for, or null if its extension says nothing. */
  static ArrayFormat fromExtension(Path path) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString()
        .toLowerCase(Locale.ROOT);
    for (ArrayFormat f : values()) {
      for (String e : f.extensions) {
        if (name.endsWith(e)) {
          return f;
        }
      }
    }
    return null;
  }

  /**
   * The format of an existing input: from its first bytes (a directory with {@code .zarray} is
   * Zarr), else from its extension.
   *
   * @throws CliException if the path does not exist or its format is unknown
   */
  static ArrayFormat detect(Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toString());
    }
    if (Files.isDirectory(path)) {
      if (Files.exists(path.resolve(".zarray"))) {
        return ZARR;
      }
      if (Files.exists(path.resolve(".zgroup"))) {
        throw new CliException(path + ": a Zarr group, not an array: name one of its arrays "
            + "(a subdirectory with .zarray)");
      }
      throw new CliException(path + ": a directory without .zarray metadata (not a Zarr v2 "
          + "array)");
    }
    byte[] head = new byte[8];
    int n;
    try (InputStream in = Files.newInputStream(path)) {
      n = in.readNBytes(head, 0, head.length);
    }
    if (startsWith(head, n, NPY_MAGIC)) {
      return NPY;
    }
    if (startsWith(head, n, ZIP_MAGIC) || startsWith(head, n, EMPTY_ZIP_MAGIC)) {
      return NPZ;
    }
    if (startsWith(head, n, ARROW_MAGIC)) {
      return ARROW;
    }
    ArrayFormat byName = fromExtension(path);
    if (byName == ARROWS || (byName == null && n >= 8 && isIpcStreamStart(head))) {
      return ARROWS;
    }
    if (byName != null) {
      // the name promises a format whose magic is missing: let that reader say what is wrong
      return byName;
    }
    throw new CliException(path + ": unknown format (not .npy, .npz, Arrow IPC or Zarr: the "
        + "first bytes are " + hex(head, n) + ")");
  }

  private static boolean startsWith(byte[] head, int n, byte[] magic) {
    if (n < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (head[i] != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /** An IPC stream starts with the continuation marker 0xFFFFFFFF and a metadata length. */
  private static boolean isIpcStreamStart(byte[] head) {
    return head[0] == -1 && head[1] == -1 && head[2] == -1 && head[3] == -1;
  }

  private static String hex(byte[] b, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(String.format(Locale.ROOT, "%02x", b[i] & 0xff));
    }
    return n == 0 ? "(empty file)" : sb.toString();
  }
}
