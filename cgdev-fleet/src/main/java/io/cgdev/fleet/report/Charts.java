package io.cgdev.fleet.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * Hand-written SVG charts for the fleet report: lines over time (one per policy) and grouped bars
 * (one group per figure, one bar per policy). cgdev-sim's chart helper is internal to its report, so
 * the fleet report draws its own, in the same style.
 */
final class Charts {
  static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
  private static final int W = 760;
  private static final int H = 260;
  private static final int LEFT = 60;
  private static final int RIGHT = 20;
  private static final int TOP = 16;
  private static final int BOTTOM = 44;

  private Charts() {}

  /** Series over the same x values (days), y from 0 to {@code yMax}. */
  static String lines(String id, List<Double> xs, Map<String, List<Double>> series, double yMax, DoubleFunction<String> yLabel,
      String xUnit) {
    StringBuilder sb = open(id);
    double xMax = xs.isEmpty() ? 1 : Math.max(xs.get(xs.size() - 1), 1e-9);
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    grid(sb, yMax, yLabel);
    for (int i = 0; i <= 5; i++) {
      double x = LEFT + plotW * i / 5.0;
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%.0f %s</text>%n",
          x, H - BOTTOM + 16, xMax * i / 5, xUnit));
    }
    int c = 0;
    for (Map.Entry<String, List<Double>> s : series.entrySet()) {
      String colour = COLOURS[c % COLOURS.length];
      StringBuilder pts = new StringBuilder();
      List<Double> ys = s.getValue();
      for (int i = 0; i < Math.min(xs.size(), ys.size()); i++) {
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + plotW * xs.get(i) / xMax,
            TOP + plotH - plotH * Math.min(ys.get(i), yMax) / Math.max(yMax, 1e-12)));
      }
      sb.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(colour).append("\" points=\"")
          .append(pts.toString().strip()).append("\"><title>").append(FleetHtml.esc(s.getKey())).append("</title></polyline>\n");
      legend(sb, c++, colour, s.getKey());
    }
    return sb.append("</svg>\n").toString();
  }

  /** Grouped bars: for each label, one bar per series (policy); values from 0 to their group's maximum. */
  static String bars(String id, List<String> groups, Map<String, List<Double>> series, DoubleFunction<String> valueLabel) {
    StringBuilder sb = open(id);
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    int nSeries = Math.max(1, series.size());
    double groupW = plotW / (double) Math.max(1, groups.size());
    double barW = groupW * 0.8 / nSeries;
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n",
        LEFT, TOP + plotH, W - RIGHT, TOP + plotH));
    for (int gi = 0; gi < groups.size(); gi++) {
      double max = 0;
      for (List<Double> v : series.values()) {
        max = Math.max(max, v.get(gi));
      }
      int c = 0;
      for (Map.Entry<String, List<Double>> s : series.entrySet()) {
        double v = s.getValue().get(gi);
        double h = max <= 0 ? 0 : plotH * 0.85 * v / max;
        double x = LEFT + gi * groupW + groupW * 0.1 + c * barW;
        sb.append(String.format(Locale.ROOT,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %s</title></rect>"
                + "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%s</text>%n",
            x, TOP + plotH - h, barW * 0.9, h, COLOURS[c % COLOURS.length], FleetHtml.esc(s.getKey()),
            FleetHtml.esc(valueLabel.apply(v)), x + barW * 0.45, TOP + plotH - h - 3, FleetHtml.esc(valueLabel.apply(v))));
        c++;
      }
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>%n",
          LEFT + gi * groupW + groupW / 2, H - BOTTOM + 16, FleetHtml.esc(groups.get(gi))));
    }
    int c = 0;
    for (String name : series.keySet()) {
      legend(sb, c, COLOURS[c % COLOURS.length], name);
      c++;
    }
    return sb.append("</svg>\n").toString();
  }

  private static StringBuilder open(String id) {
    return new StringBuilder(String.format(Locale.ROOT,
        "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">%n", id, W, H, W, H));
  }

  private static void grid(StringBuilder sb, double yMax, DoubleFunction<String> yLabel) {
    int plotH = H - TOP - BOTTOM;
    for (int i = 0; i <= 4; i++) {
      double y = TOP + plotH - plotH * i / 4.0;
      sb.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>%n",
          LEFT, y, W - RIGHT, y, LEFT - 6, y + 4, FleetHtml.esc(yLabel.apply(yMax * i / 4))));
    }
  }

  private static void legend(StringBuilder sb, int c, String colour, String name) {
    sb.append(String.format(Locale.ROOT,
        "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n",
        LEFT + 10 + 140 * c, H - 16, colour, LEFT + 24 + 140 * c, H - 7, FleetHtml.esc(name)));
  }
}
