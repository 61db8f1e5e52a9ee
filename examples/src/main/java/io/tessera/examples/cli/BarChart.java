package io.tessera.examples.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Horizontal bar charts of the side-by-side results as PNG (java.awt, headless): one bar per
 * workload on a log axis. {@link #ratios} draws Tessera time / NumPy time with the line at 1
 * (parity) and each row's target as a tick; {@link #times} draws both times side by side.
 */
final class BarChart {
  private BarChart() {}

  private static final int BAR = 18;
  private static final int GAP = 8;
  private static final int PLOT_WIDTH = 520;
  private static final int MARGIN = 16;
  private static final Color TESSERA = new Color(0x2b6cb0);
  private static final Color NUMPY = new Color(0xdd8452);
  private static final Color FASTER = new Color(0x38a169);
  private static final Color SLOWER = new Color(0xe53e3e);

  /** The ratio chart: green bars where Tessera is faster (ratio below 1), red where slower. */
  static void ratios(List<BenchTable.Row> rows, String title, Path png) throws IOException {
    double lo = 1;
    double hi = 1;
    for (BenchTable.Row r : rows) {
      lo = Math.min(lo, positive(r.ratio()));
      hi = Math.max(hi, r.ratio());
    }
    Axis axis = new Axis(lo, hi);
    Canvas c = new Canvas(rows.stream().map(BenchTable.Row::workload).toList(), rows.size(), 1,
        title);
    for (int i = 0; i < rows.size(); i++) {
      BenchTable.Row r = rows.get(i);
      int y = c.rowTop(i);
      c.bar(axis, positive(r.ratio()), y, BAR, r.ratio() <= 1 ? FASTER : SLOWER);
      c.label(axis, positive(r.ratio()), y, BAR, String.format(Locale.ROOT, "%.2f", r.ratio()));
      if (r.target() > 0) {
        c.tick(axis, r.target(), y, BAR);
      }
    }
    c.vline(axis, 1.0, "1 = NumPy's time");
    c.axis(axis, "Tessera time / NumPy time (log scale; below 1 is faster; | = target)");
    c.save(png);
  }

  /** The times chart: Tessera's and NumPy's median milliseconds per workload. */
  static void times(List<BenchTable.Row> rows, String title, Path png) throws IOException {
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (BenchTable.Row r : rows) {
      lo = Math.min(lo, Math.min(positive(r.tesseraMs()), positive(r.numpyMs())));
      hi = Math.max(hi, Math.max(r.tesseraMs(), r.numpyMs()));
    }
    Axis axis = new Axis(lo, Math.max(hi, lo * 10));
    Canvas c = new Canvas(rows.stream().map(BenchTable.Row::workload).toList(), rows.size(), 2,
        title);
    int half = BAR / 2;
    for (int i = 0; i < rows.size(); i++) {
      BenchTable.Row r = rows.get(i);
      int y = c.rowTop(i);
      c.bar(axis, positive(r.tesseraMs()), y, half, TESSERA);
      c.label(axis, positive(r.tesseraMs()), y, half, fmt(r.tesseraMs()));
      c.bar(axis, positive(r.numpyMs()), y + half, half, NUMPY);
      c.label(axis, positive(r.numpyMs()), y + half, half, fmt(r.numpyMs()));
    }
    c.legend(new String[] {"Tessera", "NumPy"}, new Color[] {TESSERA, NUMPY});
    c.axis(axis, "median milliseconds (log scale)");
    c.save(png);
  }

  private static double positive(double v) {
    return Math.max(v, 1e-6);
  }

  private static String fmt(double ms) {
    return ms >= 100 ? String.format(Locale.ROOT, "%.0f ms", ms)
        : String.format(Locale.ROOT, "%.3g ms", ms);
  }

  /** A log axis covering [lo, hi] in whole decades. */
  private record Axis(double lo, double hi) {
    Axis(double lo, double hi) {
      this.lo = Math.pow(10, Math.floor(Math.log10(lo)));
      this.hi = Math.pow(10, Math.ceil(Math.log10(hi * 1.0001)));
    }

    double fraction(double v) {
      return (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
    }
  }

  /** The image: labels on the left, the plot on the right. */
  private static final class Canvas {
    final BufferedImage img;
    final Graphics2D g;
    final int labelWidth;
    final int top;
    final int plotLeft;
    final int plotBottom;

    Canvas(List<String> labels, int n, int legendRows, String title) {
      BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
      Graphics2D pg = probe.createGraphics();
      pg.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      FontMetrics fm = pg.getFontMetrics();
      int w = 0;
      for (String l : labels) {
        w = Math.max(w, fm.stringWidth(l));
      }
      pg.dispose();
      labelWidth = Math.min(w, 420);
      top = MARGIN + 24 + (legendRows > 1 ? 18 : 0);
      plotLeft = MARGIN + labelWidth + 10;
      plotBottom = top + n * (BAR + GAP);
      int width = plotLeft + PLOT_WIDTH + 70;
      int height = plotBottom + 48;
      img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      g = img.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      g.drawString(title, MARGIN, MARGIN + 12);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      FontMetrics m = g.getFontMetrics();
      for (int i = 0; i < labels.size(); i++) {
        String l = labels.get(i);
        while (m.stringWidth(l) > labelWidth && l.length() > 4) {
          l = l.substring(0, l.length() - 4) + "...";
        }
        g.drawString(l, plotLeft - 10 - m.stringWidth(l), rowTop(i) + BAR / 2 + 5);
      }
    }

    int rowTop(int i) {
      return top + i * (BAR + GAP) + GAP / 2;
    }

    int x(Axis a, double v) {
      return plotLeft + (int) Math.round(a.fraction(v) * PLOT_WIDTH);
    }

    void bar(Axis a, double v, int y, int h, Color color) {
      g.setColor(color);
      g.fillRect(plotLeft, y, Math.max(1, x(a, v) - plotLeft), h);
    }

    void label(Axis a, double v, int y, int h, String text) {
      g.setColor(Color.DARK_GRAY);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, h < BAR ? 9 : 11));
      g.drawString(text, x(a, v) + 4, y + h / 2 + 4);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    }

    void tick(Axis a, double v, int y, int h) {
      g.setColor(Color.BLACK);
      g.setStroke(new BasicStroke(2f));
      int x = x(a, v);
      g.drawLine(x, y - 2, x, y + h + 2);
      g.setStroke(new BasicStroke(1f));
    }

    void vline(Axis a, double v, String text) {
      g.setColor(Color.GRAY);
      g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
          new float[] {4f, 3f}, 0f));
      int x = x(a, v);
      g.drawLine(x, top - 4, x, plotBottom);
      g.setStroke(new BasicStroke(1f));
      g.drawString(text, x + 3, top - 6);
    }

    void legend(String[] names, Color[] colors) {
      int x = plotLeft;
      int y = MARGIN + 22;
      for (int i = 0; i < names.length; i++) {
        g.setColor(colors[i]);
        g.fillRect(x, y, 12, 12);
        g.setColor(Color.BLACK);
        g.drawString(names[i], x + 16, y + 11);
        x += 16 + g.getFontMetrics().stringWidth(names[i]) + 20;
      }
    }

    void axis(Axis a, String caption) {
      g.setColor(Color.BLACK);
      g.drawLine(plotLeft, plotBottom, plotLeft + PLOT_WIDTH, plotBottom);
      for (double v = a.lo(); v <= a.hi() * 1.0001; v *= 10) {
        int x = x(a, v);
        g.drawLine(x, plotBottom, x, plotBottom + 4);
        String t = v >= 1 ? String.format(Locale.ROOT, "%.0f", v)
            : String.format(Locale.ROOT, "%s", (float) v);
        g.drawString(t, x - g.getFontMetrics().stringWidth(t) / 2, plotBottom + 17);
      }
      g.drawString(caption, plotLeft, plotBottom + 36);
    }

    void save(Path png) throws IOException {
      g.dispose();
      if (!ImageIO.write(img, "png", png.toFile())) {
        throw new IOException("no PNG writer in this JVM");
      }
    }
  }
}
