package io.tessera.examples.cli;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.io.npy.NpyWriter;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;

/** Test arrays with awkward values (NaN payloads, -0.0, extremes), written as .npy. */
final class Fixtures {
  private Fixtures() {}

  /** An array of {@code shape} and {@code dtype} in {@code order}, random bits from {@code seed}. */
  static NDArray random(BufferAllocator alloc, DType dtype, Order order, long seed,
      long... shape) {
    NDArray a = Tessera.using(alloc).empty(dtype, order, shape);
    SplittableRandom r = new SplittableRandom(seed);
    long n = a.nbytes();
    // raw random bytes: every bit pattern, NaN payloads and negative zeros included
    for (long i = 0; i < n; i++) {
      io.tessera.memory.Raw.putByte(a.dataAddress() + i, (byte) r.nextInt(256));
    }
    if (dtype == DType.BOOL) {
      for (long i = 0; i < n; i++) {
        io.tessera.memory.Raw.putByte(a.dataAddress() + i, (byte) (r.nextBoolean() ? 1 : 0));
      }
    }
    return a;
  }

  static Path npy(Path dir, String name, BufferAllocator alloc, DType dtype, Order order,
      long... shape) throws IOException {
    Path p = dir.resolve(name);
    try (NDArray a = random(alloc, dtype, order, name.hashCode(), shape)) {
      NpyWriter.write(p, a);
    }
    return p;
  }

  static Path bigEndianNpy(Path dir, String name, BufferAllocator alloc, DType dtype,
      long... shape) throws IOException {
    Path p = dir.resolve(name);
    try (NDArray a = random(alloc, dtype, Order.C, name.hashCode(), shape)) {
      NpyWriter.write(p, a, NpyWriter.Options.defaults().withByteOrder(ByteOrder.BIG_ENDIAN));
    }
    return p;
  }
}
