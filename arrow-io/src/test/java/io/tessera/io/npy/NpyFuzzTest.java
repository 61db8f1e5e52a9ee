package io.tessera.io.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throws mutated {@code .npy} images (bit flips, byte stores, truncations, insertions, deletions,
 * forged length and version fields, hostile header tokens re-padded into well-formed files) and
 * mutated {@code .npz} archives at every reader, with fixed seeds. Every outcome must be a
 * successful read or an {@link NpyFormatException}; never another exception, an error or a crash,
 * and the allocator is back to zero after each case. In all, {@value #NPY_CASES} in-memory .npy
 * cases, {@value #NPZ_CASES} in-memory .npz cases and {@value #FILE_CASES} on-disk files (read,
 * mapped, opened as archives).
 */
class NpyFuzzTest extends NpyTestBase {
  static final int NPY_CASES = 100_000;
  static final int NPZ_CASES = 5_000;
  static final int FILE_CASES = 400;

  @TempDir
  Path tmp;

  private static final String[] DESCRS = {
    "'<f8'", "'>f8'", "'|b1'", "'<i2'", "'>u4'", "'|u1'", "'<f2'", "'|O'", "'<U10'", "'|S3'",
    "[('a', '<f8')]", "[(", "'<c16'", "'<M8[ns]'", "'<f16'", "''", "'<'", "'<i0'", "'<i8' ",
    "'\\x00'", "None", "3", "'=f4'", "'|f8'", "\"<f4\"", "'<i9999999999999999999999'",
  };
  private static final String[] BOOLS = {"False", "True", "0", "1", "None", "'False'", "Tru",
    "False)", "(False,)"};
  private static final String[] DIMS = {"0", "1", "2", "3", "-1", "-0", "+2", "007", "3L",
    "4294967296", "9223372036854775807", "9223372036854775808", "99999999999999999999999999",
    "1152921504606846976", "2.0", "'2'", "None", "()", "(1,)", ""};
  private static final byte[] TOKENS = "(){}[],:'\"-+0123456789L \n\t\\xTFN#".getBytes(
      StandardCharsets.ISO_8859_1);

  /** Valid images to mutate: every dtype, a few shapes, both orders, three versions, both ends. */
  private List<byte[]> corpus() {
    List<byte[]> c = new ArrayList<>();
    Random r = new Random(99);
    long[][] shapes = {{}, {0}, {3}, {2, 3}, {2, 0, 2}, {2, 2, 2}};
    for (DType t : DType.values()) {
      for (long[] s : shapes) {
        try (NDArray a = randomArray(r, t, s); NDArray f = a.copy(Order.F)) {
          for (NpyVersion v : NpyVersion.values()) {
            for (ByteOrder bo : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
              NpyWriter.Options o = NpyWriter.Options.defaults().withVersion(v).withByteOrder(bo);
              c.add(NpyWriter.toBytes(a, o));
              if (s.length > 1) {
                c.add(NpyWriter.toBytes(f, o));
              }
            }
          }
        }
      }
    }
    return c;
  }

  private static byte[] mutate(Random r, byte[] src) {
    byte[] b = src.clone();
    int n = 1 + (r.nextInt(4) == 0 ? r.nextInt(8) : 0);
    for (int k = 0; k < n; k++) {
      b = mutateOnce(r, b);
    }
    return b;
  }

  private static byte[] mutateOnce(Random r, byte[] b) {
    int hdr = Math.min(b.length, 140); // most of the interest is in the header
    switch (r.nextInt(11)) {
      case 0: { // flip a bit
        if (b.length == 0) {
          return b;
        }
        int i = r.nextInt(r.nextBoolean() ? Math.max(1, hdr) : b.length);
        b[i] ^= (byte) (1 << r.nextInt(8));
        return b;
      }
      case 1: { // store a token or a random byte
        if (b.length == 0) {
          return b;
        }
        int i = r.nextInt(Math.max(1, hdr));
        b[i] = r.nextBoolean() ? TOKENS[r.nextInt(TOKENS.length)] : (byte) r.nextInt(256);
        return b;
      }
      case 2: // truncate
        return Arrays.copyOf(b, r.nextInt(b.length + 1));
      case 3: { // insert bytes
        int i = r.nextInt(b.length + 1);
        byte[] ins = new byte[1 + r.nextInt(4)];
        for (int k = 0; k < ins.length; k++) {
          ins[k] = TOKENS[r.nextInt(TOKENS.length)];
        }
        return splice(b, i, 0, ins);
      }
      case 4: { // delete a range
        if (b.length == 0) {
          return b;
        }
        int i = r.nextInt(b.length);
        return splice(b, i, Math.min(b.length - i, 1 + r.nextInt(8)), new byte[0]);
      }
      case 5: { // forge the header-length field
        if (b.length < 12) {
          return b;
        }
        int v = b[6];
        long len;
        switch (r.nextInt(4)) {
          case 0: len = r.nextInt(256); break;
          case 1: len = b.length - (v == 1 ? 10 : 12) + r.nextInt(5) - 2; break;
          case 2: len = 0xFFFF_FFFFL; break;
          default: len = r.nextLong() & 0xFFFF_FFFFL; break;
        }
        b[8] = (byte) len;
        b[9] = (byte) (len >>> 8);
        if (v != 1) {
          b[10] = (byte) (len >>> 16);
          b[11] = (byte) (len >>> 24);
        }
        return b;
      }
      case 6: // version bytes
        if (b.length >= 8) {
          b[6] = (byte) r.nextInt(5);
          b[7] = (byte) (r.nextInt(4) == 0 ? r.nextInt(3) : 0);
        }
        return b;
      case 7: // append garbage
        return splice(b, b.length, 0, new byte[1 + r.nextInt(64)]);
      default: // a well-formed file around a hostile header
        return hostile(r, b);
    }
  }

  /** A freshly padded image whose dict has random (often hostile) values. */
  private static byte[] hostile(Random r, byte[] b) {
    String descr = DESCRS[r.nextInt(DESCRS.length)];
    String fo = BOOLS[r.nextInt(BOOLS.length)];
    StringBuilder shape = new StringBuilder("(");
    int nd = r.nextInt(10) == 0 ? 60 + r.nextInt(10) : r.nextInt(5);
    for (int i = 0; i < nd; i++) {
      shape.append(r.nextInt(3) == 0 ? DIMS[r.nextInt(DIMS.length)] : String.valueOf(r.nextInt(
          4))).append(i + 1 < nd || nd == 1 ? ", " : "");
    }
    shape.append(')');
    String[] parts = {"'descr': " + descr, "'fortran_order': " + fo, "'shape': " + shape};
    if (r.nextInt(4) == 0) {
      java.util.Collections.shuffle(Arrays.asList(parts), r);
    }
    String dict = "{" + String.join(", ", parts) + (r.nextBoolean() ? ", }" : "}");
    if (r.nextInt(8) == 0) {
      dict = dict.substring(0, r.nextInt(dict.length())); // unterminated somewhere
    }
    if (r.nextInt(8) == 0) {
      dict = dict.replace("'shape'", r.nextBoolean() ? "'shape', 'x': 1" : "'sh'");
    }
    int major = 1 + r.nextInt(3);
    byte[] data = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(80)];
    r.nextBytes(data);
    return NpyBadInputTest.image(dict, major, data);
  }

  private static byte[] splice(byte[] b, int at, int remove, byte[] ins) {
    byte[] out = new byte[b.length - remove + ins.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(ins, 0, out, at, ins.length);
    System.arraycopy(b, at + remove, out, at + ins.length, b.length - at - remove);
    return out;
  }

  /** Runs one read; anything but success or NpyFormatException fails the test with the input. */
  private int outcome(String what, int i, byte[] input, Reader body) {
    try {
      body.run();
      return 1;
    } catch (NpyFormatException e) {
      assertTrue(e.getMessage() != null && e.source() != null);
      return 0;
    } catch (Throwable t) {
      throw new AssertionError(what + " case " + i + " threw " + t + " on input "
          + hex(Arrays.copyOf(input, Math.min(input.length, 400))), t);
    } finally {
      assertEquals(0, allocator.getAllocatedMemory(), what + " case " + i + " leaked memory");
    }
  }

  @FunctionalInterface
  interface Reader {
    void run() throws Exception;
  }

  @Test
  void mutatedNpyImages() {
    List<byte[]> corpus = corpus();
    Random r = new Random(20261104L);
    int ok = 0;
    for (int i = 0; i < NPY_CASES; i++) {
      byte[] img = r.nextInt(3) == 0 ? hostile(r, new byte[0])
          : mutate(r, corpus.get(r.nextInt(corpus.size())));
      int mode = i % 50;
      ok += outcome("npy", i, img, () -> {
        NDArray a;
        if (mode == 0) {
          a = NpyReader.read(NpyGoldenTest.opaque(img), allocator, "fuzz"); // unknown length
        } else if (mode < 10) {
          a = NpyReader.read(new ByteArrayInputStream(img), allocator, "fuzz");
        } else {
          a = NpyReader.read(img, allocator);
        }
        try (a) {
          NpyHeader h = NpyReader.readHeader(img);
          assertEquals(h.dataBytes(), a.nbytes());
          assertTrue(h.dataOffset() + h.dataBytes() <= img.length);
          a.toDoubleArray(); // every element is addressable
        }
      });
    }
    // both outcomes must be well represented, or the mutations are too mild or too wild
    assertTrue(ok > NPY_CASES / 50 && ok < NPY_CASES * 9 / 10, ok + " successes");
  }

  private byte[] archive(boolean compressed) throws IOException {
    Random r = new Random(compressed ? 1 : 2);
    try (NDArray a = randomArray(r, DType.FLOAT32, 3, 2);
        NDArray b = randomArray(r, DType.UINT8, 5);
        NDArray c = randomArray(r, DType.INT64, 2, 2)) {
      Map<String, NDArray> m = new LinkedHashMap<>();
      m.put("a", a);
      m.put("b", b);
      m.put("c", c);
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      Npz.write(bos, m, compressed);
      return bos.toByteArray();
    }
  }

  @Test
  void mutatedNpzArchives() throws IOException {
    byte[][] seeds = {archive(false), archive(true)};
    Random r = new Random(77);
    int ok = 0;
    for (int i = 0; i < NPZ_CASES; i++) {
      byte[] zip = seeds[i % 2].clone();
      int n = 1 + r.nextInt(4);
      for (int k = 0; k < n; k++) {
        switch (r.nextInt(4)) {
          case 0:
            zip[r.nextInt(zip.length)] ^= (byte) (1 << r.nextInt(8));
            break;
          case 1:
            zip[r.nextInt(zip.length)] = (byte) r.nextInt(256);
            break;
          case 2:
            zip = Arrays.copyOf(zip, r.nextInt(zip.length + 1));
            break;
          default:
            break;
        }
        if (zip.length == 0) {
          break;
        }
      }
      byte[] in = zip;
      ok += outcome("npz", i, in, () -> {
        Map<String, NDArray> m = Npz.read(new ByteArrayInputStream(in), allocator, "fuzz.npz");
        m.values().forEach(NDArray::close);
      });
    }
    assertTrue(ok > 0 && ok < NPZ_CASES, ok + " successes");
  }

  /** Mutated files on disk through the file reader, the memory map and the archive reader. */
  @Test
  void mutatedFiles() throws IOException {
    List<byte[]> corpus = corpus();
    byte[][] zips = {archive(false), archive(true)};
    Random r = new Random(5);
    Path p = tmp.resolve("fuzz.npy");
    Path z = tmp.resolve("fuzz.npz");
    for (int i = 0; i < FILE_CASES; i++) {
      byte[] img = mutate(r, corpus.get(r.nextInt(corpus.size())));
      Files.write(p, img);
      outcome("file", i, img, () -> NpyReader.read(p, allocator).close());
      MapMode mode = MapMode.values()[r.nextInt(4)];
      outcome("mmap " + mode, i, img, () -> {
        if (mode == MapMode.W_PLUS) {
          MemoryMap.openRaw(p, DType.INT16, MapMode.R, r.nextInt(40), null, Order.C, allocator)
              .close();
        } else {
          try (MemoryMap m = MemoryMap.open(p, mode, allocator)) {
            m.array().toDoubleArray();
          }
        }
      });
      byte[] zip = zips[i % 2].clone();
      zip[r.nextInt(zip.length)] ^= (byte) (1 << r.nextInt(8));
      if (r.nextBoolean()) {
        zip = Arrays.copyOf(zip, r.nextInt(zip.length + 1));
      }
      Files.write(z, zip);
      outcome("npz file", i, zip, () -> Npz.readAll(z, allocator).values().forEach(
          NDArray::close));
    }
  }
}
