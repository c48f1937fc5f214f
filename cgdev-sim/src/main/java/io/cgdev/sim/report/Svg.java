package io.cgdev.sim.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Hand-written SVG line charts for the HTML report: axes, grid, one polyline per series, a legend. */
final class Svg {
  private static final int W = 760;
  private static final int H = 280;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 20;
  private static final int BOTTOM = 40;

  private Svg() {}

  /**
   * A chart of several series over the same x values.
   *
   * @param id an id for the svg element
   * @param xs x values (seconds)
   * @param series name to y values (same length as xs)
   * @param yMax the top of the y axis
   * @param yLabel formats a y tick
   */
  static String lineChart(String id, List<Double> xs, Map<String, List<Double>> series, double yMax,
      Function<Double, String> yLabel) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">%n",
        id, W, H, W, H));
    double xMax = xs.isEmpty() ? 1 : Math.max(xs.get(xs.size() - 1), 1e-9);
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    // grid and y ticks
    for (int i = 0; i <= 4; i++) {
      double v = yMax * i / 4;
      double y = TOP + plotH - plotH * i / 4.0;
      sb.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
              + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>%n",
          LEFT, y, W - RIGHT, y, LEFT - 6, y + 4, ReportWriter.esc(yLabel.apply(v))));
    }
    // x ticks
    for (int i = 0; i <= 5; i++) {
      double v = xMax * i / 5;
      double x = LEFT + plotW * i / 5.0;
      sb.append(String.format(Locale.ROOT,
          "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%.2fs</text>%n", x, H - BOTTOM + 16, v));
    }
    sb.append(String.format(Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n",
        LEFT, TOP, LEFT, TOP + plotH, LEFT, TOP + plotH, W - RIGHT, TOP + plotH));
    int c = 0;
    StringBuilder legend = new StringBuilder();
    for (Map.Entry<String, List<Double>> s : series.entrySet()) {
      String colour = ReportWriter.COLOURS[c++ % ReportWriter.COLOURS.length];
      StringBuilder points = new StringBuilder();
      List<Double> ys = s.getValue();
      for (int i = 0; i < Math.min(xs.size(), ys.size()); i++) {
        double x = LEFT + plotW * xs.get(i) / xMax;
        double y = TOP + plotH - plotH * Math.min(ys.get(i), yMax) / yMax;
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"")
          .append(points.toString().strip()).append("\"><title>").append(ReportWriter.esc(s.getKey()))
          .append("</title></polyline>\n");
      legend.append(String.format(Locale.ROOT,
          "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n",
          LEFT + 10 + 150 * (c - 1), H - 14, colour, LEFT + 24 + 150 * (c - 1), H - 5, ReportWriter.esc(s.getKey())));
    }
    sb.append(legend);
    sb.append("</svg>\n");
    return sb.toString();
  }
}
