package io.tessera.io.ipc;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/** Run in a JVM without --add-opens: writing, mapping and stream reading must still work. */
public final class NoFlagsProbe {
  private NoFlagsProbe() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray flat = np.arange(0, 3 << 20, 1, DType.FLOAT32);
           NDArray a = flat.reshape(3, 1024, 1024);
           NDArray f = a.swapaxes(1, 2)) { // rows outermost, inner axes transposed
        for (IpcFormat format : IpcFormat.values()) {
          Path p = dir.resolve("probe." + format);
          ArrowIpc.writeTensors(p, "t", f, format);
          try (NDArray back = ArrowIpc.readTensors(p, "t", alloc)) {
            if (back.getDouble(2, 1023, 1000) != f.getDouble(2, 1023, 1000)
                || back.getDouble(1, 5, 7) != f.getDouble(1, 5, 7)
                || !java.util.Arrays.equals(back.strides(), f.strides())) {
              System.out.println("mismatch " + format);
              System.exit(4);
            }
          }
          try (ArrowIpcStreamReader r = ArrowIpcStreamReader.open(Files.newInputStream(p), "in",
              alloc)) {
            if (format == IpcFormat.STREAM) {
              try (NDArray back = r.readTensor("t")) {
                if (back.getDouble(2, 1023, 1022) != f.getDouble(2, 1023, 1022)) {
                  System.exit(5);
                }
              }
            }
          } catch (ArrowIpcException notAStream) {
            if (format == IpcFormat.STREAM) {
              throw notAStream;
            }
          }
        }
      }
      if (alloc.getAllocatedMemory() != 0) {
        System.exit(6);
      }
    }
    System.out.println("ok views=" + DirectIO.VIEWS);
  }
}
