package io.tessera.io.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.dtype.DType;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npz archives: stored and deflated members, names, lazy and eager reading. */
class NpzTest extends NpyTestBase {
  @TempDir
  Path tmp;

  @Test
  void storedAndDeflatedRoundTrip() throws IOException {
    Random rnd = new Random(1);
    try (NDArray a = randomArray(rnd, DType.FLOAT64, 3, 4);
        NDArray b0 = randomArray(rnd, DType.INT16, 4, 5);
        NDArray b = b0.copy(Order.F);
        NDArray c = np.zeros(DType.BOOL, 1000);
        NDArray d0 = randomArray(rnd, DType.UINT32, 6, 6);
        NDArray d = d0.get("::2, ::-3");
        NDArray e = np.full(DType.FLOAT16, 1.5)) {
      Map<String, NDArray> named = new LinkedHashMap<>();
      named.put("a", a);
      named.put("fortran", b);
      named.put("zeros", c);
      named.put("strided", d);
      named.put("dir/scalar", e);
      for (boolean compressed : new boolean[] {false, true}) {
        Path p = tmp.resolve(compressed ? "c.npz" : "s.npz");
        if (compressed) {
          Npz.saveCompressed(p, named);
        } else {
          Npz.save(p, named);
        }
        try (ZipFile z = new ZipFile(p.toFile())) {
          List<String> names = new ArrayList<>();
          for (Enumeration<? extends ZipEntry> en = z.entries(); en.hasMoreElements(); ) {
            ZipEntry ze = en.nextElement();
            names.add(ze.getName());
            assertEquals(compressed ? ZipEntry.DEFLATED : ZipEntry.STORED, ze.getMethod());
            // each member is exactly the .npy image of its array
            byte[] member = z.getInputStream(ze).readAllBytes();
            String key = ze.getName().substring(0, ze.getName().length() - 4);
            assertArrayEquals(NpyWriter.toBytes(named.get(key)), member);
          }
          assertEquals(List.of("a.npy", "fortran.npy", "zeros.npy", "strided.npy",
              "dir/scalar.npy"), names);
        }
        try (NpzFile f = Npz.open(p, allocator)) {
          assertEquals(new ArrayList<>(named.keySet()), f.names());
          for (Map.Entry<String, NDArray> en : named.entrySet()) {
            try (NDArray back = f.get(en.getKey())) {
              assertArrayEquals(en.getValue().shape(), back.shape());
              assertArrayEquals(cBytes(en.getValue()), cBytes(back));
            }
          }
          assertTrue(f.header("fortran").fortranOrder());
          IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
              () -> f.get("nope"));
          assertTrue(ex.getMessage().contains("nope is not a file in the archive"));
        }
      }
    }
  }

  @Test
  void positionalNamesAndStreams() throws IOException {
    try (NDArray a = np.arange(5); NDArray b = np.ones(DType.FLOAT32, 2, 2)) {
      Path p = tmp.resolve("pos.npz");
      Npz.save(p, a, b);
      Map<String, NDArray> all = Npz.readAll(p, allocator);
      try {
        assertEquals(List.of("arr_0", "arr_1"), new ArrayList<>(all.keySet()));
        assertArrayEquals(a.toLongArray(), all.get("arr_0").toLongArray());
        assertArrayEquals(b.toDoubleArray(), all.get("arr_1").toDoubleArray());
      } finally {
        all.values().forEach(NDArray::close);
      }
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      Map<String, NDArray> m = new LinkedHashMap<>();
      m.put("x", a);
      Npz.write(bos, m, true);
      bos.write("trailing bytes the archive must not need".getBytes(
          java.nio.charset.StandardCharsets.US_ASCII));
      Map<String, NDArray> back = Npz.read(new ByteArrayInputStream(bos.toByteArray()), allocator,
          "mem");
      try {
        assertArrayEquals(a.toLongArray(), back.get("x").toLongArray());
      } finally {
        back.values().forEach(NDArray::close);
      }
    }
  }

  @Test
  void emptyArchive() throws IOException {
    Path p = tmp.resolve("empty.npz");
    Npz.save(p);
    try (NpzFile f = Npz.open(p, allocator)) {
      assertTrue(f.names().isEmpty());
    }
  }
}
