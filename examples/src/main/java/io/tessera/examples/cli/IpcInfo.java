package io.tessera.examples.cli;

import io.tessera.io.ipc.ArrowIpcFile;
import io.tessera.io.ipc.ArrowIpcStreamReader;
import io.tessera.io.ipc.IpcBatch;
import io.tessera.io.tensor.FixedShapeTensorType;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Shapes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The {@code info} report of an Arrow IPC file or stream: the schema (types, field and schema
 * metadata, the {@code arrow.fixed_shape_tensor} extension metadata), the record batches, and the
 * debug report of the array as it reads (a view of the memory-mapped file: nothing is copied).
 * A stream cannot be mapped: its batches are read one at a time to count them.
 */
final class IpcInfo {
  private IpcInfo() {}

  static String report(Path path, boolean stream, String member, BufferAllocator allocator)
      throws IOException {
    Report r = new Report();
    r.title(path + ": Arrow IPC " + (stream ? "stream" : "file") + ", "
        + Report.bytes(Files.size(path)));
    Schema schema;
    List<Long> rows = new ArrayList<>();
    if (stream) {
      try (ArrowIpcStreamReader s = ArrowIpcStreamReader.open(path, allocator)) {
        schema = s.schema();
        while (true) {
          try (IpcBatch b = s.next()) {
            if (b == null) {
              break;
            }
            rows.add(b.rowCount());
          }
        }
      }
    } else {
      try (ArrowIpcFile f = ArrowIpcFile.map(path, allocator)) {
        schema = f.schema();
        for (int i = 0; i < f.batchCount(); i++) {
          try (IpcBatch b = f.batch(i)) {
            rows.add(b.rowCount());
          }
        }
      }
    }
    schema(r, schema);
    long total = rows.stream().mapToLong(Long::longValue).sum();
    r.line("record batches", rows.size() + (rows.isEmpty() ? "" : ", rows " + rowsText(rows)
        + " (" + total + " in all)"));
    if (rows.isEmpty()) {
      return r.toString();
    }
    try (SlabSource src = new IpcSource(path, stream, member, allocator)) {
      r.title("the array (" + (src.arrayName() == null ? "all columns as a matrix"
          : "field '" + src.arrayName() + "'") + "), rows along axis 0:");
      r.arrayFromMetadata(1, src.dtype(), src.shape(), src.fortran());
      NDArray whole = src.whole();
      if (whole != null) {
        r.title("as read from the memory-mapped file (a view, no copy):");
        r.text(NpyInfo.indent(whole.describe(NpyInfo.stem(path))));
      }
    } catch (CliException e) {
      r.line("array", e.getMessage());
    }
    return r.toString();
  }

  private static String rowsText(List<Long> rows) {
    if (rows.size() <= 8) {
      return rows.toString();
    }
    return rows.subList(0, 4) + " ... " + rows.subList(rows.size() - 2, rows.size());
  }

  static void schema(Report r, Schema schema) {
    r.line("schema", schema.getFields().size() + " field" + (schema.getFields().size() == 1 ? ""
        : "s"));
    for (Field f : schema.getFields()) {
      ArrowType t = f.getType();
      r.line(2, "field '" + f.getName() + "'", typeText(f) + (f.isNullable() ? ", nullable"
          : ", not null"));
      if (t instanceof FixedShapeTensorType ft) {
        r.line(3, "extension", FixedShapeTensorType.EXTENSION_NAME);
        r.line(3, "extension metadata", ft.serialize());
        r.line(3, "tensor shape (physical)", Shapes.format(ft.shape()));
        r.line(3, "tensor shape (logical)", Shapes.format(ft.logicalShape()));
        r.line(3, "permutation", ft.permutation() == null ? "none (C order)"
            : Arrays.toString(ft.permutation()));
        if (ft.dimNames() != null && !ft.dimNames().isEmpty()) {
          r.line(3, "dim_names", ft.dimNames());
        }
      } else if (t instanceof ArrowType.ExtensionType et) {
        r.line(3, "extension", et.extensionName() + " " + et.serialize());
      }
      metadata(r, 3, f.getMetadata());
    }
    metadata(r, 2, schema.getCustomMetadata());
  }

  private static String typeText(Field f) {
    ArrowType t = f.getType();
    if (t instanceof ArrowType.ExtensionType et) {
      return et.extensionName() + " over " + et.storageType() + childText(f);
    }
    return t + childText(f);
  }

  private static String childText(Field f) {
    if (f.getChildren() == null || f.getChildren().isEmpty()) {
      return "";
    }
    return "<" + String.join(", ", f.getChildren().stream().map(c -> c.getType().toString())
        .toList()) + ">";
  }

  private static void metadata(Report r, int indent, Map<String, String> m) {
    if (m == null || m.isEmpty()) {
      return;
    }
    for (Map.Entry<String, String> e : m.entrySet()) {
      r.line(indent, "metadata " + e.getKey(), e.getValue());
    }
  }
}
