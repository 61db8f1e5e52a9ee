package io.tessera.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera bench}: the table parser, the charts, and a tiny live run against NumPy. */
class BenchCommandTest {
  @TempDir
  Path dir;

  static final String TABLE = String.join("\n",
      "Measured 2026-11-27 on some CPU, 2 cores, Java 17 (max heap 8192 MiB), NumPy side {}.",
      "STREAM-style triad on this machine in the same run: 10.0 GB/s.",
      "",
      "| workload | allocates output | Tessera ms | NumPy ms | ratio | target | met | bandwidth |",
      "|---|---|---:|---:|---:|---:|---|---|",
      "| float64 a + b (10M) into out= | no | 12.000 | 15.000 | 0.80 | ≤ 0.70 | **no** | x |",
      "| a + b on 10 float64 (per-call overhead) | yes | 0.900 | 0.300 | 3.00 | ≤ 1.50 | **no** | |",
      "| open a 1 GiB .npy as a read-only memory map | no | 0.050 | 0.100 | 0.50 |  |  |  |",
      "");

  @Test
  void parsesTheHarnessTable() {
    BenchTable t = BenchTable.parse(TABLE);
    assertTrue(t.header().startsWith("Measured 2026-11-27"), t.header());
    assertEquals(3, t.rows().size());
    BenchTable.Row r = t.rows().get(1);
    assertEquals("a + b on 10 float64 (per-call overhead)", r.workload());
    assertEquals(0.9, r.tesseraMs());
    assertEquals(0.3, r.numpyMs());
    assertEquals(3.0, r.ratio());
    assertEquals(1.5, r.target());
    assertEquals(0.0, t.rows().get(2).target());
  }

  @Test
  void malformedTablesFailWithOneMessage() {
    CliException e = org.junit.jupiter.api.Assertions.assertThrows(CliException.class,
        () -> BenchTable.parse("no table here"));
    assertTrue(e.getMessage().contains("no table rows"), e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(CliException.class,
        () -> BenchTable.parse(TABLE.replace("12.000", "twelve")));
    assertTrue(e.getMessage().contains("cannot read the side-by-side table row"));
  }

  @Test
  void drawsPngCharts() throws Exception {
    List<BenchTable.Row> rows = BenchTable.parse(TABLE).rows();
    Path ratios = dir.resolve("r.png");
    Path times = dir.resolve("t.png");
    BarChart.ratios(rows, "test", ratios);
    BarChart.times(rows, "test", times);
    for (Path p : new Path[] {ratios, times}) {
      BufferedImage img = ImageIO.read(p.toFile());
      assertTrue(img.getWidth() > 500 && img.getHeight() > 3 * 18, p + " " + img);
    }
  }

  @Test
  void badArguments() {
    CliRun.of("bench", "--rounds", "0").failsWith(2, "tessera bench", "must be positive");
    CliRun.of("bench", "--only", "(").failsWith(2, "tessera bench", "not a regular expression");
  }

  /** A real --quick run of two cheap rows: a child JVM and a NumPy process (about 10 s). */
  @Test
  @Tag("numpy")
  void quickRunWritesTableAndCharts() throws Exception {
    try {
      BenchCommand.checkNumpy();
    } catch (CliException e) {
      System.err.println("SKIPPED: BenchCommandTest live run: " + e.getMessage());
      Assumptions.abort(e.getMessage());
    }
    Path out = dir.resolve("bench");
    CliRun r = CliRun.of("bench", "--quick", "--heap", "1g", "--only",
        "^a \\+ b on 10 float64", "--out", out.toString()).ok();
    assertTrue(r.err().contains("bench: measuring a + b on 10 float64"), r.err());
    String table = Files.readString(out.resolve("side-by-side.md"), StandardCharsets.UTF_8);
    BenchTable t = BenchTable.parse(table);
    assertEquals(1, t.rows().size(), table);
    assertTrue(t.rows().get(0).tesseraMs() > 0 && t.rows().get(0).numpyMs() > 0, table);
    assertTrue(r.out().contains("| a + b on 10 float64"), r.out());
    for (String png : new String[] {"ratios.png", "times.png"}) {
      assertTrue(ImageIO.read(out.resolve(png).toFile()).getWidth() > 0, png);
    }
  }
}
