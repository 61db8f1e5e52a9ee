package io.tessera.io.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tessera.dtype.DType;
import io.tessera.io.tensor.ArrowDTypes;
import io.tessera.io.tensor.FixedShapeTensorVector;
import io.tessera.io.tensor.TensorVectors;
import io.tessera.ndarray.NDArray;
import io.tessera.ndarray.Order;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutation fuzzing of both readers: 24,000 mutated IPC files and streams (fixed seed, in memory),
 * each read in full. Every outcome must be a successful read or an {@link ArrowIpcException}; no
 * other exception, no error, no crash, and the allocator back at zero after each one.
 */
class ArrowIpcFuzzTest extends AllocatorTestBase {
  private static final long SEED = 20261127L;
  private static final int MUTANTS = 24_000;

  private byte[] write(IpcFormat format, Consumer<ArrowIpcWriter> body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArrowIpcWriter w = ArrowIpcWriter.create(out, format, "seed")) {
      body.accept(w);
    }
    return out.toByteArray();
  }

  private List<byte[]> corpus() throws Exception {
    List<byte[]> c = new ArrayList<>();
    try (NDArray a = iota(DType.FLOAT32, 3, 2, 2);
         NDArray b = iota(DType.FLOAT64, 2, 3, 4);
         NDArray bf = b.copy(Order.F);
         NDArray s = iota(DType.INT16, 4, 5);
         NDArray z = np.ones(DType.BOOL, 3, 5);
         NDArray m = iota(DType.INT64, 6, 3);
         NDArray mf = m.copy(Order.F);
         NDArray u = iota(DType.UINT8, 2, 9)) {
      for (IpcFormat f : IpcFormat.values()) {
        c.add(write(f, w -> {
          w.writeTensors("t", a);
          w.writeTensors("t", a);
        }));
        c.add(write(f, w -> w.dimNames("p", "q", "r").writeTensor("t", bf)));
        c.add(write(f, w -> {
          w.writeTensors("t", s);
          w.writeTensors("t", s);
          w.writeTensors("t", s);
        }));
        c.add(write(f, w -> w.writeTensors("t", z)));
        c.add(write(f, w -> w.writeColumns(mf, "x", "y", "t")));
        c.add(write(f, w -> w.writeTensors("t", u)));
      }
      // written by Arrow Java: a tensor vector, and int columns with validity bitmaps and a null
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (FixedShapeTensorVector v = TensorVectors.toVector("t", b, null, allocator);
           VectorSchemaRoot root = new VectorSchemaRoot(List.<FieldVector>of(v));
           ArrowFileWriter w = new ArrowFileWriter(root, null, Channels.newChannel(out))) {
        root.setRowCount(2);
        w.start();
        w.writeBatch();
        w.end();
      }
      c.add(out.toByteArray());
      out = new ByteArrayOutputStream();
      try (IntVector x = new IntVector("x", allocator);
           IntVector y = new IntVector("t", allocator)) {
        x.allocateNew(5);
        y.allocateNew(5);
        for (int i = 0; i < 5; i++) {
          x.set(i, i);
          y.set(i, -i);
        }
        y.setNull(3);
        try (VectorSchemaRoot root = new VectorSchemaRoot(List.<FieldVector>of(x, y));
             ArrowFileWriter w = new ArrowFileWriter(root, null, Channels.newChannel(out))) {
          root.setRowCount(5);
          w.start();
          w.writeBatch();
          w.end();
        }
      }
      c.add(out.toByteArray());
    }
    // hand-made stream with raw metadata JSON
    Schema raw = new Schema(List.of(IpcCraft.rawTensorField("t", 4,
        ArrowDTypes.toArrow(DType.INT32), "{\"shape\":[2,2],\"permutation\":[1,0]}")));
    byte[] vals = new byte[48];
    c.add(IpcCraft.stream(raw, List.of(IpcCraft.tensorBatch(3, 4, vals))));
    return c;
  }

  /** Outcome counters. */
  private long successes;
  private long typed;
  private final List<String> failures = new ArrayList<>();

  @Test
  @Timeout(300)
  void mutatedFilesAndStreamsFailOnlyWithTypedExceptions() throws Exception {
    List<byte[]> corpus = corpus();
    // every seed reads cleanly
    for (byte[] seed : corpus) {
      assertEquals(0, readAll(seed, "seed", 0), "seed must read without error");
    }
    assertEquals(0, allocator.getAllocatedMemory());
    successes = 0;
    typed = 0;
    Random rnd = new Random(SEED);
    for (int i = 0; i < MUTANTS; i++) {
      int which = rnd.nextInt(corpus.size());
      StringBuilder how = new StringBuilder();
      byte[] m = mutate(corpus.get(which), rnd, how);
      String name = "mutant-" + i + ".arrow";
      readAll(m, name, i);
      long left = allocator.getAllocatedMemory();
      if (left != 0) {
        fail("mutant " + i + " (seed file " + which + ", " + how + ") left " + left
            + " bytes allocated");
      }
      if (failures.size() >= 5) {
        break;
      }
      if (!failures.isEmpty() && failures.get(failures.size() - 1).startsWith("#")) {
        failures.set(failures.size() - 1, failures.get(failures.size() - 1).substring(1)
            + " [seed file " + which + ", " + how + "]");
      }
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " untyped outcomes, first:\n" + String.join("\n\n", failures));
    }
    System.out.println("fuzz: " + MUTANTS + " mutants, " + successes + " reads succeeded, "
        + typed + " typed exceptions");
    assertTrue(typed > MUTANTS / 4, "the mutations should break most files");
    assertTrue(successes > 100, "and leave some readable");
  }

  /** Reads {@code bytes} as a file and as a stream (in memory; every 8th also through a channel). */
  private int readAll(byte[] bytes, String name, int i) {
    int bad = 0;
    ArrowBuf buf = allocator.buffer(Math.max(1, bytes.length));
    try {
      buf.setBytes(0, bytes);
      bad += outcome(name, "file", () -> {
        try (ArrowIpcFile f = ArrowIpcFile.wrap(buf, bytes.length, name, allocator)) {
          for (int b = 0; b < f.batchCount(); b++) {
            try (IpcBatch batch = f.batch(b)) {
              consume(batch);
            }
          }
          try (NDArray all = f.readTensor("t")) {
            touch(all);
          }
        }
      });
      bad += outcome(name, "stream", () -> {
        try (ArrowIpcStreamReader r = ArrowIpcStreamReader.wrap(buf, bytes.length, name,
            allocator)) {
          IpcBatch b;
          while ((b = r.next()) != null) {
            try (IpcBatch batch = b) {
              consume(batch);
            }
          }
        }
      });
    } finally {
      buf.close();
    }
    if (i % 8 == 0) {
      bad += outcome(name, "channel", () -> {
        try (ArrowIpcStreamReader r = ArrowIpcStreamReader.open(new ByteArrayInputStream(bytes),
            name, allocator);
             NDArray t = r.readTensor("t")) {
          touch(t);
        }
      });
    }
    return bad;
  }

  private static void consume(IpcBatch batch) {
    int n = batch.schema().getFields().size();
    for (int f = 0; f < n; f++) {
      try (NDArray t = batch.tensor(f)) {
        touch(t);
      } catch (UnsupportedIpcException notATensor) {
        try (NDArray c = batch.column(f)) {
          touch(c);
        } catch (UnsupportedIpcException notAColumn) {
          // neither: fine
        }
      }
    }
    if (n > 0) {
      try (NDArray m = batch.matrix()) {
        touch(m);
      } catch (UnsupportedIpcException mixed) {
        // fine
      }
    }
  }

  /** Reads every element (all memory the array claims to cover). */
  private static void touch(NDArray a) {
    double sum = 0;
    for (double d : a.toDoubleArray()) {
      sum += d;
    }
    if (Double.isNaN(sum) && sum == 0) {
      throw new AssertionError();
    }
  }

  private int outcome(String name, String how, Runnable read) {
    try {
      read.run();
      successes++;
      return 0;
    } catch (ArrowIpcException e) {
      typed++;
      if (!e.getMessage().contains(name)) {
        failures.add("#" + how + ": typed exception without the source name: " + e.getMessage());
        return 1;
      }
      return 0;
    } catch (Throwable t) {
      StringWriter sw = new StringWriter();
      t.printStackTrace(new PrintWriter(sw));
      failures.add("#" + name + " via " + how + ": " + sw);
      return 1;
    }
  }

  // ---------------------------------------------------------------- mutations

  private static final int[] INTS = {0, 1, -1, 7, 8, 63, 64, 0x7FFFFFFF, 0x80000000, 0xFFFF,
      0x10000, 1 << 30};
  private static final long[] LONGS = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40,
      1L << 31, 4096};

  static byte[] mutate(byte[] seed, Random rnd, StringBuilder how) {
    byte[] b = seed.clone();
    int rounds = 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(3) : 0);
    for (int r = 0; r < rounds; r++) {
      int kind = rnd.nextInt(10);
      int n = b.length;
      if (n == 0) {
        break;
      }
      int at = rnd.nextInt(n);
      switch (kind) {
        case 0: // bit flips
          for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
            int p = rnd.nextInt(n);
            b[p] ^= (byte) (1 << rnd.nextInt(8));
          }
          how.append("bitflips ");
          break;
        case 1: // random bytes
          for (int k = 1 + rnd.nextInt(8); k > 0; k--) {
            b[rnd.nextInt(n)] = (byte) rnd.nextInt();
          }
          how.append("bytes ");
          break;
        case 2: // an interesting int32, often aligned
        case 3: {
          int p = rnd.nextBoolean() ? at & ~3 : at;
          if (p + 4 <= n) {
            int v = rnd.nextInt(3) == 0 ? rnd.nextInt() : INTS[rnd.nextInt(INTS.length)];
            if (rnd.nextInt(4) == 0) {
              v = n - p + rnd.nextInt(17) - 8;
            }
            ByteBuffer.wrap(b, p, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(v);
            how.append("int32@").append(p).append('=').append(v).append(' ');
          }
          break;
        }
        case 4: { // an interesting int64, aligned
          int p = at & ~7;
          if (p + 8 <= n) {
            long v = rnd.nextInt(3) == 0 ? rnd.nextLong() : LONGS[rnd.nextInt(LONGS.length)];
            ByteBuffer.wrap(b, p, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
            how.append("int64@").append(p).append('=').append(v).append(' ');
          }
          break;
        }
        case 5: // truncate
          b = Arrays.copyOf(b, at);
          how.append("truncate@").append(at).append(' ');
          break;
        case 6: { // delete a range
          int len = Math.min(n - at, 1 + rnd.nextInt(64));
          byte[] c = new byte[n - len];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(b, at + len, c, at, n - at - len);
          b = c;
          how.append("delete@").append(at).append('+').append(len).append(' ');
          break;
        }
        case 7: { // duplicate a range
          int len = Math.min(n - at, 1 + rnd.nextInt(64));
          int to = rnd.nextInt(n);
          byte[] c = new byte[n + len];
          System.arraycopy(b, 0, c, 0, to);
          System.arraycopy(b, at, c, to, len);
          System.arraycopy(b, to, c, to + len, n - to);
          b = c;
          how.append("dup@").append(at).append('+').append(len).append("->").append(to)
              .append(' ');
          break;
        }
        case 8: { // mutate the tail (the footer of a file)
          int p = Math.max(0, n - 1 - rnd.nextInt(Math.min(n, 400)));
          b[p] = (byte) rnd.nextInt();
          how.append("tail@").append(p).append(' ');
          break;
        }
        default: { // zero a range
          int len = Math.min(n - at, 1 + rnd.nextInt(32));
          Arrays.fill(b, at, at + len, (byte) 0);
          how.append("zero@").append(at).append('+').append(len).append(' ');
          break;
        }
      }
    }
    return b;
  }
}
