package io.tessera.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MemoryModelTourTest {

  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  @Test
  void tourPrintsTheMemoryModel() {
    StringWriter w = new StringWriter();
    MemoryModelTour.run(new PrintWriter(w, true));
    String out = w.toString();
    assertTrue(out.contains("strides [24, 8]"), out);
    assertTrue(out.contains("F: strides [8, 16], C_CONTIGUOUS false, F_CONTIGUOUS true"), out);
    assertTrue(out.contains("F's bytes in memory order: [1, 4, 2, 5, 3, 6]"), out);
    assertTrue(out.contains("arr = array([ 1, 99,  3,  4,  5])"), out);
    assertTrue(out.contains(".T.reshape(12) must copy: shares memory false"), out);
    assertTrue(out.contains("may share memory true (bounds overlap), share memory false (exact)"),
        out);
    assertTrue(out.contains("StridesOutOfBoundsException"), out);
    assertTrue(out.contains("closed the view too: 0.00 MB"), out);
    assertTrue(out.contains("C-contiguous: False"), out);
  }

  @Test
  void helpAndBadArguments() {
    String[] help = run("--help");
    assertEquals("0", help[0]);
    assertTrue(help[1].contains("tour"), help[1]);
    String[] bad = run("no-such-command");
    assertTrue(!bad[0].equals("0"));
    assertTrue(bad[2].contains("no-such-command"), bad[2]);
  }
}
