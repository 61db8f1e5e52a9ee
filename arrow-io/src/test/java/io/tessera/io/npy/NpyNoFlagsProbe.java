package io.tessera.io.npy;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Run in a JVM without any flag by {@link NpyNoFlagsTest}: .npy, .npz and memory maps (up to
 * 2 GiB) work; prints {@code ok views=<bool> large=<how>}.
 */
public final class NpyNoFlagsProbe {
  private NpyNoFlagsProbe() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray r = np.arange(3 << 20); NDArray a = r.reshape(3, 1 << 20);
          NDArray f = a.copy(Order.F); NDArray v = a.get("::-1, ::3")) {
        for (NDArray x : new NDArray[] {a, f, v}) {
          for (ByteOrder bo : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            Path p = dir.resolve("x.npy");
            NpyWriter.write(p, x, NpyWriter.Options.defaults().withByteOrder(bo));
            try (NDArray b = NpyReader.read(p, alloc)) {
              check(java.util.Arrays.equals(x.toLongArray(), b.toLongArray()), "read " + bo);
            }
          }
        }
        Path z = dir.resolve("x.npz");
        Npz.save(z, a, v);
        Map<String, NDArray> m = Npz.readAll(z, alloc);
        check(java.util.Arrays.equals(v.toLongArray(), m.get("arr_1").toLongArray()), "npz");
        m.values().forEach(NDArray::close);
        Path p = dir.resolve("m.npy");
        NpyWriter.write(p, a);
        try (MemoryMap mm = MemoryMap.open(p, MapMode.R_PLUS, alloc)) {
          mm.array().setLong(-5, 2, 7);
          mm.flush();
        }
        try (NDArray b = NpyReader.read(p, alloc)) {
          check(b.getLong(2, 7) == -5, "mmap write");
        }
        try (MemoryMap mm = MemoryMap.openRaw(dir.resolve("raw.bin"), DType.UINT8, MapMode.W_PLUS,
            5, new long[] {10}, Order.C, alloc)) {
          mm.array().setLong(9, 9);
        }
        Mapper.smallLimit = 0; // the path used beyond 2 GiB
        String large;
        try (MemoryMap mm = MemoryMap.open(p, MapMode.R, alloc)) {
          check(mm.array().getLong(2, 7) == -5, "large-path map");
          large = "mapped";
        } catch (NpyFormatException e) {
          check(e.fault() == NpyFormatException.Fault.NOT_MAPPABLE, e.toString());
          check(e.getMessage().contains("--add-opens=java.base/sun.nio.ch"), e.getMessage());
          large = "refused";
        }
        System.out.println("ok views=" + NpyIo.VIEWS + " large=" + large + " ("
            + MemoryMap.largeMappingSupport().replaceAll("\\s*\\(.*", "") + ")");
      }
      check(alloc.getAllocatedMemory() == 0, "leak");
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }
}
