package io.tessera.memory;

import java.lang.reflect.Field;
import sun.misc.Unsafe;

/**
 * Unchecked access to off-heap memory by absolute address, for kernels that run after their
 * caller has checked every address they will touch. Nothing here checks bounds: the public API
 * ({@link io.tessera.ndarray.NDArray}) validates indices and layouts once, at the boundary, and
 * then hands raw addresses to loops (Arrow's bounds-checked getters cost ten times more per
 * element in a hot loop).
 *
 * <p>All multi-byte values are little-endian, the platform order on every JVM Tessera supports.
 */
public final class Raw {
  private static final Unsafe U;

  static {
    try {
      Field f = Unsafe.class.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      U = (Unsafe) f.get(null);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
    if (java.nio.ByteOrder.nativeOrder() != java.nio.ByteOrder.LITTLE_ENDIAN) {
      throw new ExceptionInInitializerError("Tessera requires a little-endian platform");
    }
  }

  private Raw() {}

  public static byte getByte(long address) {
    return U.getByte(address);
  }

  public static void putByte(long address, byte v) {
    U.putByte(address, v);
  }

  public static short getShort(long address) {
    return U.getShort(address);
  }

  public static void putShort(long address, short v) {
    U.putShort(address, v);
  }

  public static int getInt(long address) {
    return U.getInt(address);
  }

  public static void putInt(long address, int v) {
    U.putInt(address, v);
  }

  public static long getLong(long address) {
    return U.getLong(address);
  }

  public static void putLong(long address, long v) {
    U.putLong(address, v);
  }

  public static float getFloat(long address) {
    return U.getFloat(address);
  }

  public static void putFloat(long address, float v) {
    U.putFloat(address, v);
  }

  public static double getDouble(long address) {
    return U.getDouble(address);
  }

  public static void putDouble(long address, double v) {
    U.putDouble(address, v);
  }

  /** Copies {@code bytes} bytes; the regions may overlap only if {@code dst <= src}. */
  public static void copy(long src, long dst, long bytes) {
    U.copyMemory(src, dst, bytes);
  }

  /** Copies from off-heap memory into a Java array (any primitive array type). */
  public static void copyToHeap(long src, Object dstArray, long dstByteOffset, long bytes) {
    U.copyMemory(null, src, dstArray, U.arrayBaseOffset(dstArray.getClass()) + dstByteOffset, bytes);
  }

  /** Copies from a Java array (any primitive array type) into off-heap memory. */
  public static void copyFromHeap(Object srcArray, long srcByteOffset, long dst, long bytes) {
    U.copyMemory(srcArray, U.arrayBaseOffset(srcArray.getClass()) + srcByteOffset, null, dst, bytes);
  }

  /** malloc: {@code bytes} of uninitialized native memory (for allocation managers only). */
  public static long allocateMemory(long bytes) {
    return U.allocateMemory(bytes);
  }

  /** free: memory from {@link #allocateMemory}. */
  public static void freeMemory(long address) {
    U.freeMemory(address);
  }

  public static void fill(long address, long bytes, byte value) {
    U.setMemory(address, bytes, value);
  }

  /**
   * Reads the element of {@code itemsize} bytes at {@code address} as raw bits, zero-extended
   * into a long.
   */
  public static long getBits(long address, int itemsize) {
    switch (itemsize) {
      case 1: return U.getByte(address) & 0xFFL;
      case 2: return U.getShort(address) & 0xFFFFL;
      case 4: return U.getInt(address) & 0xFFFF_FFFFL;
      case 8: return U.getLong(address);
      default: throw new IllegalArgumentException("itemsize " + itemsize);
    }
  }

  /** Writes the low {@code itemsize} bytes of {@code bits} at {@code address}. */
  public static void putBits(long address, int itemsize, long bits) {
    switch (itemsize) {
      case 1: U.putByte(address, (byte) bits); break;
      case 2: U.putShort(address, (short) bits); break;
      case 4: U.putInt(address, (int) bits); break;
      case 8: U.putLong(address, bits); break;
      default: throw new IllegalArgumentException("itemsize " + itemsize);
    }
  }

  /**
   * Reverses the bytes of each of {@code count} elements of {@code itemsize} (1, 2, 4 or 8) bytes
   * in place: a byte-order swap of foreign-endian data.
   */
  public static void reverseBytes(long address, long count, int itemsize) {
    switch (itemsize) {
      case 1:
        return;
      case 2:
        for (long i = 0, a = address; i < count; i++, a += 2) {
          U.putShort(a, Short.reverseBytes(U.getShort(a)));
        }
        return;
      case 4:
        for (long i = 0, a = address; i < count; i++, a += 4) {
          U.putInt(a, Integer.reverseBytes(U.getInt(a)));
        }
        return;
      case 8:
        for (long i = 0, a = address; i < count; i++, a += 8) {
          U.putLong(a, Long.reverseBytes(U.getLong(a)));
        }
        return;
      default:
        throw new IllegalArgumentException("itemsize " + itemsize);
    }
  }
}
