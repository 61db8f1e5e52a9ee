package io.tessera.spark.kryo;

import com.esotericsoftware.kryo.io.ByteBufferInput;
import com.esotericsoftware.kryo.io.ByteBufferOutput;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.tessera.errors.ClosedArrayException;
import io.tessera.index.Index;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Bulk copies between off-heap array memory and Kryo's byte buffers: straight into {@link
 * Output#getBuffer()} / out of {@link Input#getBuffer()} with one {@code Unsafe.copyMemory} per
 * buffer-full (flushing a stream-backed output, refilling a stream-backed input in between), never
 * element by element. Multi-byte values travel little-endian, the in-memory order, so the bytes
 * are NumPy's {@code tobytes()}.
 */
public final class RawIO {
  private RawIO() {}

  /** Scratch size for the fallback path (outputs that must grow, inputs that must refill). */
  static final int CHUNK = 64 << 10;
  /** Target size of one C-ordered piece when writing a non-C-contiguous array. */
  static final long SLAB = 4L << 20;

  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[CHUNK]);

  /** Writes {@code n} bytes starting at off-heap {@code address}. */
  public static void write(Output out, long address, long n) {
    boolean direct = !(out instanceof ByteBufferOutput) && out.getBuffer() != null;
    while (n > 0) {
      if (direct) {
        byte[] buf = out.getBuffer();
        int pos = out.position();
        int room = buf.length - pos;
        if (room > 0) {
          int k = (int) Math.min(room, n);
          Raw.copyToHeap(address, buf, pos, k);
          out.setPosition(pos + k);
          address += k;
          n -= k;
          continue;
        }
        if (out.getOutputStream() != null) {
          out.flush();
          continue;
        }
      }
      // no stream to flush to (the buffer must grow) or no accessible buffer: go through scratch
      byte[] scratch = SCRATCH.get();
      int k = (int) Math.min(scratch.length, n);
      Raw.copyToHeap(address, scratch, 0, k);
      out.writeBytes(scratch, 0, k);
      address += k;
      n -= k;
    }
  }

  /** Reads {@code n} bytes into off-heap memory at {@code address}. */
  public static void read(Input in, long address, long n) {
    boolean direct = !(in instanceof ByteBufferInput) && in.getBuffer() != null;
    while (n > 0) {
      if (direct) {
        int pos = in.position();
        int avail = in.limit() - pos;
        if (avail > 0) {
          int k = (int) Math.min(avail, n);
          Raw.copyFromHeap(in.getBuffer(), pos, address, k);
          in.setPosition(pos + k);
          address += k;
          n -= k;
          continue;
        }
      }
      // buffer exhausted: readBytes refills it from the stream (and fails cleanly at EOF)
      byte[] scratch = SCRATCH.get();
      int k = (int) Math.min(scratch.length, n);
      in.readBytes(scratch, 0, k);
      Raw.copyFromHeap(scratch, 0, address, k);
      address += k;
      n -= k;
    }
  }

  /** Writes {@code n} bytes at off-heap {@code address} to a Java stream, via scratch buffers. */
  public static void write(DataOutput out, long address, long n) throws IOException {
    byte[] scratch = SCRATCH.get();
    while (n > 0) {
      int k = (int) Math.min(scratch.length, n);
      Raw.copyToHeap(address, scratch, 0, k);
      out.write(scratch, 0, k);
      address += k;
      n -= k;
    }
  }

  /** Sink for the C-ordered bytes of an array: one call per contiguous piece. */
  @FunctionalInterface
  public interface Sink {
    void accept(long address, long n) throws IOException;
  }

  /**
   * Feeds the elements of {@code a} in C order to {@code sink}: in one piece when {@code a} is
   * C-contiguous, else as C-ordered copies of slabs along axis 0 (about {@value #SLAB} bytes each,
   * allocated from the array's own allocator and closed at once).
   */
  public static void cOrderBytes(NDArray a, Sink sink) throws IOException {
    if (!a.isOpen()) {
      throw new ClosedArrayException("serialize", "serialize: the array " + a.dtype() + " is "
          + "closed. Arrays made in a Spark task are closed when the task ends, so they cannot be "
          + "a task's result: use DistributedArray.toLocal, or map blocks to values of your own");
    }
    long n = a.nbytes();
    if (n == 0) {
      return;
    }
    if (a.isCContiguous()) {
      sink.accept(a.dataAddress(), n);
      return;
    }
    long rows = a.shape(0);
    long rowBytes = n / rows;
    long step = Math.max(1, SLAB / Math.max(rowBytes, 1));
    for (long i = 0; i < rows; i += step) {
      try (NDArray v = a.get(Index.slice(i, Math.min(rows, i + step)));
          NDArray c = v.copy(Order.C)) {
        sink.accept(c.dataAddress(), c.nbytes());
      }
    }
  }

  /** Writes the elements of {@code a} in C order. */
  public static void writeArray(Output out, NDArray a) {
    try {
      cOrderBytes(a, (addr, k) -> write(out, addr, k));
    } catch (IOException e) {
      throw new IllegalStateException(e); // not thrown by the Output sink
    }
  }

  /** Copies the elements of {@code a} in C order into a new byte array (at most 2 GiB - 8). */
  public static byte[] toBytes(NDArray a) {
    long n = a.nbytes();
    if (n > Integer.MAX_VALUE - 8) {
      throw new io.tessera.errors.TesseraException("serialize", "serialize: " + a.dtype()
          + io.tessera.shape.Shapes.format(a.shape()) + " is " + n + " bytes, more than one Java "
          + "array holds (2 GiB): use smaller chunks, or a distributed operand instead of a local one");
    }
    byte[] out = new byte[(int) n];
    long[] pos = {0};
    try {
      cOrderBytes(a, (addr, k) -> {
        Raw.copyToHeap(addr, out, pos[0], k);
        pos[0] += k;
      });
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
