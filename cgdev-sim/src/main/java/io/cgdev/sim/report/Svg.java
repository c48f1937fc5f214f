package io.cgdev.sim.report;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Hand-written SVG step charts for the HTML report: a time axis with round ticks, a value axis that
 * starts at 0 and ends at a round value just above the data, axis titles with units, one line per
 * series (solid or dashed), optional vertical markers, and no legend inside the picture (the page puts
 * it below as text, where it wraps instead of overlapping). The picture scales to the page's width
 * (viewBox). A series of interval values (a share over the interval that ends at a sample's time) is
 * drawn as steps while the steps are wide enough to see, else as a line through the interval ends; a
 * series of instantaneous values (memory at the sample's time) as a line. A measured series is a wide
 * translucent band and a reference a thin dashed line on top of it, so both show where they agree.
 */
final class Svg {
  static final int W = 760;
  static final int H = 300;
  private static final int LEFT = 72;
  private static final int RIGHT = 16;
  private static final int TOP = 16;
  private static final int BOTTOM = 54;

  private Svg() {}

  /** How a line is drawn. */
  enum Style {
    /** A measurement that a reference is drawn over: a wide translucent band. */
    BAND,
    /** A reference: thin and dashed, drawn after the bands so it shows on top of them. */
    DASHED,
    /** A series on its own: a plain line. */
    SOLID
  }

  /**
   * One line.
   *
   * @param name shown as the line's tooltip
   * @param colour a CSS colour
   * @param style how it is drawn
   * @param ys one value per x
   */
  record Line(String name, String colour, Style style, List<Double> ys) {}

  /** A vertical line at time {@code x} (seconds) with a short label at its top, e.g. an event of the run. */
  record Marker(double x, String label) {}

  /**
   * The value axis: its top and where its ticks go.
   *
   * @param top the largest value shown
   * @param step the distance between ticks
   * @param label formats a tick
   * @param title the axis title, with its unit
   */
  record Axis(double top, double step, DoubleFunction<String> label, String title) {
    /** A share axis (0..1 values shown in percent) that ends at a round percentage just above {@code max}. */
    static Axis share(double max, String title) {
      double step = niceStep(Math.max(max, 0.01), 5);
      double top = Math.min(1, Math.ceil(max / step - 1e-9) * step);
      return new Axis(Math.max(top, step), step, v -> String.format(Locale.ROOT, step < 0.01 ? "%.1f%%" : "%.0f%%", v * 100),
          title);
    }

    /** A bytes axis whose ticks are powers of two (1G, 2G, ... or 256M, 512M, ...). */
    static Axis bytes(double max, DoubleFunction<String> label, String title) {
      double step = 1;
      while (max / step > 5) {
        step *= 2;
      }
      double top = Math.max(step, Math.ceil(max / step - 1e-9) * step);
      return new Axis(top, step, label, title);
    }
  }

  /** A round step (1, 2, 2.5 or 5 times a power of ten) that cuts {@code range} into at most {@code most} parts. */
  static double niceStep(double range, int most) {
    double raw = range / most;
    double power = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * power >= raw - 1e-12) {
        return m * power;
      }
    }
    return 10 * power;
  }

  /**
   * A chart of several lines over the same times.
   *
   * @param id the svg element's id
   * @param title what the chart shows, for screen readers
   * @param xs the sample times, seconds, ascending
   * @param intervals whether a value holds over the interval that ends at its sample (else it is the value at that time)
   */
  static String chart(String id, String title, List<Double> xs, List<Line> lines, Axis y, List<Marker> markers,
      boolean intervals) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "<svg id=\"%s\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\">"
            + "<title>%s</title>%n", id, W, H, esc(title)));
    double xMax = xs.isEmpty() ? 1 : Math.max(xs.get(xs.size() - 1), 1e-9);
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    // value ticks and grid
    for (double v = 0; v <= y.top() + 1e-9 * y.top(); v += y.step()) {
      double py = TOP + plotH - plotH * v / y.top();
      sb.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e3e3e3\"/>"
              + "<text x=\"%d\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\" fill=\"#444\">%s</text>%n",
          LEFT, py, W - RIGHT, py, LEFT - 8, py + 4, esc(y.label().apply(v))));
    }
    // time ticks, in milliseconds for a run shorter than a second (0.0013 s reads worse than 1.3 ms)
    double unit = xMax < 1 ? 1e-3 : 1;
    double xStep = niceStep(xMax / unit, 8) * unit;
    for (double v = 0; v <= xMax + 1e-9 * xMax; v += xStep) {
      double px = LEFT + plotW * v / xMax;
      sb.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#444\"/>"
              + "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"%s\" fill=\"#444\">%s</text>%n",
          px, TOP + plotH, px, TOP + plotH + 4, v == 0 ? px - 2 : px, TOP + plotH + 20,
          // the first starts at the axis, clear of the value axis's 0 to its left
          v == 0 ? "start" : "middle", seconds(v / unit, xStep / unit)));
    }
    sb.append(String.format(Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n",
        LEFT, TOP, LEFT, TOP + plotH, LEFT, TOP + plotH, W - RIGHT, TOP + plotH));
    // axis titles
    sb.append(String.format(Locale.ROOT,
        "<text x=\"%.1f\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\" fill=\"#222\">simulated time (%s)</text>%n",
        LEFT + plotW / 2.0, H - 8, unit == 1 ? "s" : "ms"));
    sb.append(String.format(Locale.ROOT,
        "<text transform=\"translate(16 %.1f) rotate(-90)\" font-size=\"13\" text-anchor=\"middle\" fill=\"#222\">%s</text>%n",
        TOP + plotH / 2.0, esc(y.title())));
    // steps only while each is at least 6 px wide
    boolean steps = intervals && xs.size() <= plotW / 6;
    for (boolean references : new boolean[] {false, true}) {
      for (Line line : lines) {
        if ((line.style() == Style.DASHED) == references) {
          polyline(sb, line, xs, xMax, y, steps);
        }
      }
    }
    for (Marker m : markers) {
      double px = LEFT + plotW * Math.min(m.x(), xMax) / xMax;
      sb.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#555\" stroke-dasharray=\"2 3\"/>"
              + "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#555\">%s</text>%n",
          px, TOP, px, TOP + plotH, px + 3, TOP + 10, esc(m.label())));
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static void polyline(StringBuilder sb, Line line, List<Double> xs, double xMax, Axis y, boolean steps) {
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    StringBuilder points = new StringBuilder();
    List<Double> ys = line.ys();
    double prevX = LEFT; // the first interval starts at time 0
    for (int i = 0; i < Math.min(xs.size(), ys.size()); i++) {
      double px = LEFT + plotW * xs.get(i) / xMax;
      double py = TOP + plotH - plotH * Math.min(ys.get(i), y.top()) / y.top();
      if (steps) {
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", prevX, py));
      }
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
      prevX = px;
    }
    if (points.isEmpty()) {
      return;
    }
    sb.append("<polyline fill=\"none\" stroke=\"").append(line.colour()).append('"')
        .append(switch (line.style()) {
          case DASHED -> " stroke-width=\"1.6\" stroke-dasharray=\"5 3\"";
          case BAND -> " stroke-width=\"4\" stroke-opacity=\"0.45\"";
          case SOLID -> " stroke-width=\"2\"";
        })
        .append(" stroke-linejoin=\"round\" points=\"").append(points.toString().strip()).append("\"><title>")
        .append(esc(line.name())).append("</title></polyline>\n");
  }

  /** A time tick: {@code 0}, {@code 0.5}, {@code 1.25}: as many decimals as the step needs. */
  static String seconds(double v, double step) {
    int decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3;
    if (Math.abs(step * Math.pow(10, decimals) - Math.round(step * Math.pow(10, decimals))) > 1e-9) {
      decimals++; // 0.25, 2.5
    }
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** Text for HTML and SVG: the five characters with a meaning there escaped. */
  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
  }
}
