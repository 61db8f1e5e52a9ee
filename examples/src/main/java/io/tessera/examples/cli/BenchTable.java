package io.tessera.examples.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rows of the side-by-side Markdown table that {@code io.tessera.bench.sbs.SideBySide} writes
 * ({@code | workload | allocates output | Tessera ms | NumPy ms | ratio | target | met | ...}).
 */
record BenchTable(String header, List<Row> rows) {
  /** One measured workload; {@code target} is 0 when the row has none. */
  record Row(String workload, double tesseraMs, double numpyMs, double ratio, double target) {}

  /**
   * Parses the table.
   *
   * @throws CliException if the text has no table rows in the expected columns
   */
  static BenchTable parse(String markdown) {
    List<Row> rows = new ArrayList<>();
    StringBuilder header = new StringBuilder();
    boolean inTable = false;
    for (String line : markdown.split("\n")) {
      String t = line.strip();
      if (!t.startsWith("|")) {
        if (!inTable && !t.isEmpty()) {
          header.append(t).append('\n');
        }
        continue;
      }
      String[] cells = t.substring(1, t.endsWith("|") ? t.length() - 1 : t.length()).split("\\|",
          -1);
      if (!inTable) { // the column names
        if (cells.length < 7 || !cells[2].strip().toLowerCase(Locale.ROOT).startsWith("tessera")) {
          throw new CliException("the side-by-side table has unexpected columns: " + t);
        }
        inTable = true;
        continue;
      }
      if (cells[0].strip().startsWith("---")) {
        continue;
      }
      try {
        String target = cells[5].strip().replace("≤", "").strip();
        rows.add(new Row(cells[0].strip(), Double.parseDouble(cells[2].strip()),
            Double.parseDouble(cells[3].strip()), Double.parseDouble(cells[4].strip()),
            target.isEmpty() ? 0 : Double.parseDouble(target)));
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        throw new CliException("cannot read the side-by-side table row: " + t);
      }
    }
    if (rows.isEmpty()) {
      throw new CliException("the side-by-side run wrote no table rows");
    }
    return new BenchTable(header.toString().strip(), List.copyOf(rows));
  }
}
