package io.tessera.io.npy;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Maps one contiguous range of a file into memory and unmaps it again, whatever its size.
 *
 * <p>{@link FileChannel#map} gives at most {@code Integer.MAX_VALUE} bytes per buffer, but an
 * array needs one contiguous address range. So:
 *
 * <ul>
 *   <li>up to 2 GiB - 1: {@code FileChannel.map}; the address comes from the buffer, unmapping is
 *       the buffer's cleaner ({@code sun.misc.Unsafe.invokeCleaner}), flushing is {@link
 *       MappedByteBuffer#force()}; no JVM flag is needed;
 *   <li>larger, on Java 22+: the public {@code FileChannel.map(mode, offset, size, Arena)} (found by
 *       reflection, since Tessera compiles for 17), one {@code MemorySegment} of any size in a
 *       shared arena; closing the arena unmaps, {@code MemorySegment.force()} flushes;
 *   <li>larger, on Java 17 to 21: {@code sun.nio.ch.FileChannelImpl.mapInternal(mode, offset,
 *       size)}, the JDK's own entry point behind {@code FileChannel.map} (and behind the incubating
 *       {@code MemorySegment.mapFile}), which maps any size and returns an unmapper; it needs
 *       {@code --add-opens=java.base/sun.nio.ch=ALL-UNNAMED} (part of Tessera's JVM flags), and
 *       flushing uses {@code java.nio.MappedMemoryUtils.force} (msync) when {@code java.nio} is
 *       open, else {@code FileChannel.force} on a fresh channel.
 * </ul>
 *
 * Every range starts at a multiple of 64 KiB (a multiple of the page size and of Windows'
 * allocation granularity), so the mapping's address is exactly the address of file position
 * {@code start}.
 */
final class Mapper {
  private Mapper() {}

  /** Mapping ranges start at multiples of this. */
  static final long GRANULARITY = 1L << 16;

  /**
   * Ranges above this size take the large-mapping path. Only tests lower it, to exercise that
   * path on small files.
   */
  static volatile long smallLimit = Integer.MAX_VALUE;

  /** How a live mapping is flushed and released. */
  interface Impl {
    void force() throws Exception;

    void unmap() throws Exception;
  }

  /** One live mapping of {@code [start, start + length)} of a file at {@code address}. */
  static final class Region {
    final long address;
    final long length;
    final String how;
    private final Impl impl;
    private boolean unmapped;

    Region(long address, long length, String how, Impl impl) {
      this.address = address;
      this.length = length;
      this.how = how;
      this.impl = impl;
    }

    synchronized boolean isMapped() {
      return !unmapped;
    }

    /** Writes dirty pages back to the file (msync); false if already unmapped. */
    synchronized boolean force() throws IOException {
      if (unmapped) {
        return false;
      }
      try {
        impl.force();
      } catch (IOException | RuntimeException | Error e) {
        throw e;
      } catch (Exception e) {
        throw new IOException("flush failed: " + e, e);
      }
      return true;
    }

    /** Unmaps (idempotent); after this the address must never be touched. */
    synchronized void unmap() {
      if (unmapped) {
        return;
      }
      unmapped = true;
      try {
        impl.unmap();
      } catch (Exception e) {
        // nothing sensible to do: the address range is abandoned either way
      }
    }
  }

  /**
   * Maps {@code length > 0} bytes from {@code start} (a multiple of {@link #GRANULARITY}). The
   * channel may be closed afterwards; the mapping stays until {@link Region#unmap()}.
   */
  static Region map(FileChannel ch, FileChannel.MapMode mode, long start, long length,
      java.nio.file.Path path) throws IOException {
    if (start % GRANULARITY != 0 || length <= 0) {
      throw new IllegalArgumentException("start " + start + " length " + length);
    }
    if (length <= smallLimit) {
      MappedByteBuffer mbb = ch.map(mode, start, length);
      long addr = NpyIo.address(mbb);
      return new Region(addr, length, "FileChannel.map", new Impl() {
        @Override
        public void force() {
          mbb.force();
        }

        @Override
        public void unmap() {
          NpyIo.unmap(mbb);
        }
      });
    }
    return Large.INSTANCE.map(ch, mode, start, length, path);
  }

  /** Whether ranges beyond 2 GiB can be mapped in this JVM, and how. */
  static String largeMappingSupport() {
    return Large.INSTANCE.describe();
  }

  /** The large-mapping strategy available in this JVM, chosen once. */
  private abstract static class Large {
    static final Large INSTANCE = detect();

    abstract Region map(FileChannel ch, FileChannel.MapMode mode, long start, long length,
        java.nio.file.Path path) throws IOException;

    abstract String describe();

    private static Large detect() {
      try {
        return new Ffm();
      } catch (ReflectiveOperationException | RuntimeException e) {
        // not Java 22+
      }
      try {
        return new Internal17();
      } catch (ReflectiveOperationException | RuntimeException e) {
        return new Unavailable(e.toString());
      }
    }
  }

  /** Java 22+: FileChannel.map(mode, offset, size, Arena) → MemorySegment. */
  private static final class Ffm extends Large {
    private final Method ofShared;
    private final Method map;
    private final Method address;
    private final Method force;
    private final Method close;

    Ffm() throws ReflectiveOperationException {
      Class<?> arena = Class.forName("java.lang.foreign.Arena");
      Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
      ofShared = arena.getMethod("ofShared");
      map = FileChannel.class.getMethod("map", FileChannel.MapMode.class, long.class, long.class,
          arena);
      address = segment.getMethod("address");
      force = segment.getMethod("force");
      close = arena.getMethod("close");
    }

    @Override
    Region map(FileChannel ch, FileChannel.MapMode mode, long start, long length,
        java.nio.file.Path path) throws IOException {
      Object arena = invoke(ofShared, null);
      Object seg;
      try {
        seg = invoke(map, ch, mode, start, length, arena);
      } catch (IOException | RuntimeException | Error e) {
        invoke(close, arena);
        throw e;
      }
      long addr = (Long) invoke(address, seg);
      return new Region(addr, length, "FileChannel.map(..., Arena)", new Impl() {
        @Override
        public void force() throws IOException {
          invoke(Ffm.this.force, seg);
        }

        @Override
        public void unmap() throws IOException {
          invoke(close, arena);
        }
      });
    }

    @Override
    String describe() {
      return "java.lang.foreign (FileChannel.map with an Arena)";
    }
  }

  /** Java 17-21: sun.nio.ch.FileChannelImpl.mapInternal(mode, position, size) → Unmapper. */
  private static final class Internal17 extends Large {
    private final Method mapInternal;
    private final Method address;
    private final Method unmap;
    private final Method fileDescriptor;
    private final Method msync; // java.nio.MappedMemoryUtils.force, or null

    Internal17() throws ReflectiveOperationException {
      Class<?> impl = Class.forName("sun.nio.ch.FileChannelImpl");
      mapInternal = impl.getMethod("mapInternal", FileChannel.MapMode.class, long.class,
          long.class);
      mapInternal.setAccessible(true);
      Class<?> unmapper = mapInternal.getReturnType();
      address = unmapper.getMethod("address");
      address.setAccessible(true);
      unmap = unmapper.getMethod("unmap");
      unmap.setAccessible(true);
      fileDescriptor = unmapper.getMethod("fileDescriptor");
      fileDescriptor.setAccessible(true);
      Method m = null;
      try {
        m = Class.forName("java.nio.MappedMemoryUtils").getDeclaredMethod("force",
            FileDescriptor.class, long.class, boolean.class, long.class, long.class);
        m.setAccessible(true);
      } catch (ReflectiveOperationException | RuntimeException e) {
        m = null;
      }
      msync = m;
    }

    @Override
    Region map(FileChannel ch, FileChannel.MapMode mode, long start, long length,
        java.nio.file.Path path) throws IOException {
      Object um = invoke(mapInternal, ch, mode, start, length);
      if (um == null) {
        throw new IOException("mapping failed: the channel was closed");
      }
      long addr = (Long) invoke(address, um);
      boolean writable = mode == FileChannel.MapMode.READ_WRITE;
      return new Region(addr, length, "FileChannelImpl.mapInternal", new Impl() {
        @Override
        public void force() throws IOException {
          if (!writable) {
            return;
          }
          if (msync != null) {
            invoke(msync, null, invoke(fileDescriptor, um), addr, false, 0L, length);
          } else {
            try (FileChannel c = FileChannel.open(path, java.nio.file.StandardOpenOption.WRITE)) {
              c.force(true);
            }
          }
        }

        @Override
        public void unmap() throws IOException {
          invoke(Internal17.this.unmap, um);
        }
      });
    }

    @Override
    String describe() {
      return "sun.nio.ch.FileChannelImpl.mapInternal" + (msync != null ? " with msync" : "");
    }
  }

  private static final class Unavailable extends Large {
    private final String why;

    Unavailable(String why) {
      this.why = why;
    }

    @Override
    Region map(FileChannel ch, FileChannel.MapMode mode, long start, long length,
        java.nio.file.Path path) {
      throw new NpyFormatException("mmap", String.valueOf(path),
          NpyFormatException.Fault.NOT_MAPPABLE, "a mapping of " + length + " bytes (over 2 GiB) "
          + "needs Java 22+, or --add-opens=java.base/sun.nio.ch=ALL-UNNAMED on Java 17-21 ("
          + why + ")");
    }

    @Override
    String describe() {
      return "unavailable (" + why + ")";
    }
  }

  private static Object invoke(Method m, Object target, Object... args) throws IOException {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException) {
        throw (IOException) c;
      }
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      if (c instanceof Error) {
        throw (Error) c;
      }
      throw new IOException(c);
    } catch (IllegalAccessException e) {
      throw new IOException(e);
    }
  }
}
