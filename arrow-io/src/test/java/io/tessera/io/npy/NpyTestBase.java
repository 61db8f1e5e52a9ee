package io.tessera.io.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.errors.TesseraException;
import io.tessera.memory.Raw;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.File;
import java.util.Arrays;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;

/**
 * A fresh allocator per test, closed afterwards: a test that leaves any array (or mapping) open
 * fails. Also counts the process's open file descriptors (on Linux), so a reader that leaves a
 * channel open fails too.
 */
abstract class NpyTestBase {
  protected BufferAllocator allocator;
  protected Tessera np;
  private int fdsBefore;

  @BeforeEach
  void openAllocator() {
    allocator = new RootAllocator();
    np = Tessera.using(allocator);
    fdsBefore = openFds();
  }

  @AfterEach
  void closeAllocator() {
    long leaked = allocator.getAllocatedMemory();
    allocator.close();
    assertEquals(0, leaked, "bytes still allocated after the test: an array was not closed");
    int fds = openFds();
    if (fdsBefore >= 0 && fds >= 0) {
      assertTrue(fds <= fdsBefore, "file descriptors on .npy/.npz/.bin files leaked: "
          + fdsBefore + " before, " + fds + " after");
    }
  }

  /**
   * Open file descriptors of this process on .npy, .npz and .bin files (the JVM opens jars and
   * other files of its own at any time), or -1 where /proc is not available.
   */
  static int openFds() {
    File[] fds = new File("/proc/self/fd").listFiles();
    if (fds == null) {
      return -1;
    }
    int n = 0;
    for (File fd : fds) {
      try {
        String target = java.nio.file.Files.readSymbolicLink(fd.toPath()).toString();
        if (target.matches(".*\\.(npy|npz|bin)( \\(deleted\\))?")) {
          n++;
        }
      } catch (java.io.IOException | UnsupportedOperationException e) {
        // closed meanwhile
      }
    }
    return n;
  }

  /** Runs {@code body}, expects {@code type}, and checks the failed call left nothing allocated. */
  protected <T extends TesseraException> T raises(Class<T> type, Executable body) {
    long before = allocator.getAllocatedMemory();
    T e = org.junit.jupiter.api.Assertions.assertThrows(type, body);
    assertEquals(before, allocator.getAllocatedMemory(), "the failed call left bytes allocated");
    assertTrue(e.op() != null && !e.op().isEmpty(), "the exception names its operation");
    return e;
  }

  /** Expects an NpyFormatException with this fault whose message names {@code source}. */
  protected NpyFormatException fault(NpyFormatException.Fault fault, String source,
      Executable body) {
    NpyFormatException e = raises(NpyFormatException.class, body);
    assertEquals(fault, e.fault(), () -> "wrong fault: " + e.getMessage());
    assertTrue(Objects.requireNonNull(e.getMessage()).startsWith(source + ": "),
        () -> "message does not name " + source + ": " + e.getMessage());
    return e;
  }

  /** The elements' bytes in C order (native little-endian). */
  static byte[] cBytes(NDArray a) {
    try (NDArray c = a.copy(Order.C)) {
      byte[] b = new byte[Math.toIntExact(c.nbytes())];
      if (b.length > 0) {
        Raw.copyToHeap(c.dataAddress(), b, 0, b.length);
      }
      return b;
    }
  }

  /** A new C-ordered array holding {@code bytes} (native little-endian, C order). */
  NDArray fromBytes(DType dtype, long[] shape, byte[] bytes) {
    NDArray a = np.empty(dtype, shape);
    assertEquals(a.nbytes(), bytes.length);
    if (bytes.length > 0) {
      Raw.copyFromHeap(bytes, 0, a.dataAddress(), bytes.length);
    }
    return a;
  }

  /** Deterministic pseudo-random element bytes (0/1 for bool). */
  NDArray randomArray(java.util.Random rnd, DType dtype, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    byte[] b = new byte[Math.toIntExact(n * dtype.itemsize())];
    rnd.nextBytes(b);
    if (dtype == DType.BOOL) {
      for (int i = 0; i < b.length; i++) {
        b[i] &= 1;
      }
    }
    return fromBytes(dtype, shape, b);
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format("%02x", x & 0xFF));
    }
    return sb.toString();
  }

  static byte[] unhex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  static String shape(long[] s) {
    return Arrays.toString(s);
  }
}
