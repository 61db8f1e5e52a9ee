package io.tessera.examples.cli;

import io.tessera.io.npy.NpyHeader;
import io.tessera.io.npy.NpyReader;
import io.tessera.io.npy.Npz;
import io.tessera.io.npy.NpzFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The {@code info} reports of {@code .npy} files (header, then the debug report of a read-only
 * memory map: nothing is read) and {@code .npz} archives (each member's header; members are zip
 * entries and are not mapped).
 */
final class NpyInfo {
  private NpyInfo() {}

  static String npy(Path path, BufferAllocator allocator) throws IOException {
    NpyHeader h = NpyReader.readHeader(path);
    Report r = new Report();
    r.title(path + ": NumPy .npy version " + h.version() + ", " + Report.bytes(Files.size(path)));
    r.line("header", h.dictText().strip());
    r.line("data offset", h.dataOffset() + " bytes");
    r.line("byte order", h.dtype().itemsize() == 1 ? "not applicable"
        : (h.byteOrder() == java.nio.ByteOrder.BIG_ENDIAN ? "big-endian" : "little-endian")
            + (h.needsSwap() ? " (swapped on load: not mappable in place)" : ""));
    r.arrayFromMetadata(1, h.dtype(), h.shape(), h.fortranOrder());
    if (h.needsSwap()) {
      return r.toString();
    }
    try (NpySource src = new NpySource(path, allocator, null)) {
      r.title("as a read-only memory map (np.load(mmap_mode='r'); no data read):");
      r.text(indent(src.whole().describe(stem(path))));
    }
    return r.toString();
  }

  static String npz(Path path, String only, BufferAllocator allocator) throws IOException {
    Report r = new Report();
    try (NpzFile z = Npz.open(path, allocator); ZipFile zip = new ZipFile(path.toFile())) {
      List<String> names = z.names();
      if (only != null && !z.contains(only)) {
        throw new CliException(path + ": no member '" + only + "' (members: "
            + String.join(", ", names) + ")");
      }
      r.title(path + ": NumPy .npz archive, " + names.size() + " member"
          + (names.size() == 1 ? "" : "s") + ", " + Report.bytes(Files.size(path)));
      for (String name : names) {
        if (only != null && !only.equals(name)) {
          continue;
        }
        NpyHeader h = z.header(name);
        ZipEntry e = zip.getEntry(name + ".npy");
        r.line(name, "");
        r.line(2, "stored", e == null ? "?" : (e.getMethod() == ZipEntry.DEFLATED
            ? "deflated, " + e.getCompressedSize() + " of " + e.getSize() + " bytes"
            : "stored (uncompressed), " + e.getSize() + " bytes"));
        r.line(2, "header", h.dictText().strip());
        r.arrayFromMetadata(2, h.dtype(), h.shape(), h.fortranOrder());
      }
    }
    return r.toString();
  }

  static String stem(Path path) {
    String n = path.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }

  static String indent(String block) {
    return block.lines().map(l -> "  " + l).reduce((a, b) -> a + "\n" + b).orElse("") + "\n";
  }
}
