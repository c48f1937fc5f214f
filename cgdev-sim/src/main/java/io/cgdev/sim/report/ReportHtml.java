package io.cgdev.sim.report;

import io.cgdev.api.ByteSize;
import io.cgdev.sim.report.Report.TenantReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page, no scripts, readable from a phone's width up. In reading
 * order: what ran and the summary line (the run's largest difference between measured and reference
 * device time); device time per tenant, measured against the reference, with bars and what held each
 * tenant back; the share over time (measured solid, reference dashed); memory and allocations per tenant;
 * memory over time; pressure stall information per tenant (its fractions over the run, and {@code some} over
 * time); notes. Charts show at most {@link #MAX_CHART_SERIES} tenants each (those with the most device time,
 * the highest memory peaks, or the most stall) with distinct colours and a legend that wraps;
 * report.json keeps every series. Stateless.
 */
final class ReportHtml {
  /** Lines per chart at most: more cannot be told apart (report.json keeps every series). */
  static final int MAX_CHART_SERIES = 8;
  /** Ten colours that stay apart from each other (Tableau 10). */
  static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
    "#ff9da7", "#9c755f", "#79706e"};
  /** The keys of a share chart: the measured band and the reference dashed over it. */
  private static final List<Key> MEASURED_AND_REFERENCE = List.of(new Key("solid", "measured"), new Key("dash", "reference"));
  /** Tables longer than this scroll inside their box, so the charts stay near the top. */
  private static final int LONG_TABLE = 25;

  private static final String STYLE = """
      body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em auto;padding:0 1em;max-width:1100px;color:#222;line-height:1.4}
      h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin-top:1.6em}
      .run{color:#555}.summary{padding:.5em .8em;border-left:4px solid #59a14f;background:#f3f8f2}
      .summary.off{border-color:#e15759;background:#fbf1f1}.explain{color:#555;font-size:.92em;max-width:60em}
      .scroll{display:inline-block;overflow-x:auto;max-width:100%}.scroll.long{max-height:30em;overflow-y:auto;border:1px solid #ddd}
      table{border-collapse:collapse;font-size:.92em}th{position:sticky;top:0;background:#fff}
      td,th{padding:.25em .6em;border-bottom:1px solid #e3e3e3;text-align:right;white-space:nowrap}
      td:first-child,th:first-child,td.text,th.text{text-align:left}tr.parent td{color:#666;font-style:italic}
      .bar{position:relative;width:11em;height:.8em;background:#eee;display:inline-block;vertical-align:middle}
      .bar .m{position:absolute;left:0;top:0;bottom:0}.bar .r{position:absolute;top:-.2em;bottom:-.2em;border-left:2px solid #222}
      .chip{display:inline-block;width:.8em;height:.8em;margin-right:.3em;vertical-align:-.05em}
      svg.chart{width:100%;max-width:900px;height:auto;background:#fcfcfc;border:1px solid #ddd}
      .legend{display:flex;flex-wrap:wrap;gap:.2em 1.2em;font-size:.9em;max-width:900px;margin:.3em 0 1em}
      .legend .key{color:#555}.key .solid,.key .dash{display:inline-block;width:2em;margin-right:.3em;vertical-align:middle}
      .key .solid{border-top:4px solid #555;opacity:.45}.key .dash{border-top:2px dashed #555}
      .key .line{display:inline-block;width:2em;margin-right:.3em;vertical-align:middle;border-top:2px solid #555}
      @media (max-width:800px){body{margin:.8em auto}.bar{width:6em}td.wrap{white-space:normal;min-width:9em}}
      @media (max-width:600px){body{padding:0 .5em}th{white-space:normal;vertical-align:bottom}td,th{padding:.25em .2em}
      table{font-size:.8em}.barcol,.wide{display:none}svg.chart text{font-size:16px}}
      """;

  private ReportHtml() {}

  static String page(Report r) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>cgdev report: ")
        .append(Svg.esc(r.scenario())).append("</title>\n<style>\n").append(STYLE).append("</style></head><body>\n");
    sb.append("<h1>cgdev report: ").append(Svg.esc(r.scenario())).append("</h1>\n");
    if (!r.description().isEmpty()) {
      sb.append("<p>").append(Svg.esc(r.description())).append("</p>\n");
    }
    sb.append(String.format(Locale.ROOT,
        "<p class=\"run\">device <b>%s</b> · %s simulated in %s wall time · %,d events (%,.0f per second) ·"
            + " memory figures: region <b>%s</b></p>%n",
        Svg.esc(r.device()), seconds(r.durationNanos()), millis(r.wallNanos()), r.events(), r.eventsPerSecond(),
        Svg.esc(r.region())));
    List<String> reasons = Comparison.reasons(r);
    sb.append("<p class=\"summary").append(reasons.isEmpty() ? "" : " off").append("\" id=\"summary\">")
        .append(Svg.esc(capitalised(Comparison.summary(r)))).append("</p>\n");

    Map<String, String> shareColours = colours(top(r.series().share(), ReportHtml::sum));
    deviceTime(r, sb, shareColours, reasons);
    shareChart(r, sb, shareColours);
    tenants(r, sb);
    memoryChart(r, sb);
    pressure(r, sb);
    if (!r.notes().isEmpty()) {
      sb.append("<h2>Notes</h2>\n<ul>");
      r.notes().forEach(n -> sb.append("<li>").append(Svg.esc(n)).append("</li>"));
      sb.append("</ul>\n");
    }
    sb.append("</body></html>\n");
    return sb.toString();
  }

  private static void deviceTime(Report r, StringBuilder sb, Map<String, String> colours, List<String> reasons) {
    sb.append("<h2>Device time: measured and reference</h2>\n<p class=\"explain\"><b>Measured</b>: the tenant's part")
        .append(" of all the device time the tenants used (<code>cpu.stat</code> <code>usage_usec</code>).")
        .append(" <b>Reference</b>: its part in the fluid model of the cpu controller's rules &mdash; weights per")
        .append(" engine, <code>cpu.max</code>, cpuset masks and what its workloads ask for, as they change during")
        .append(" the run. <b>Error</b>: measured minus reference, in percentage points. <b>Limited by</b>: what held")
        .append(" it at its reference &mdash; <i>weight</i> (its share of busy engines), <i>demand</i> (it got all")
        .append(" it asked for), a <i>cpu.max</i> cap. In the bars the fill is measured, the black tick the reference.</p>\n");
    List<TenantReport> rows = r.tenants().stream().filter(t -> t.leaf() || !Double.isNaN(t.referenceShare())).toList();
    double scale = rows.stream().filter(TenantReport::leaf)
        .mapToDouble(t -> Math.max(t.share(), Double.isNaN(t.referenceShare()) ? 0 : t.referenceShare())).max().orElse(1);
    sb.append("<div class=\"scroll").append(rows.size() > LONG_TABLE ? " long" : "").append("\">")
        .append("<table id=\"device-time\"><tr><th>cgroup</th><th>measured</th><th>reference</th><th>error (points)</th>")
        .append("<th class=\"text barcol\">measured / reference</th><th class=\"text\">limited by</th></tr>\n");
    for (TenantReport t : rows) {
      String colour = colours.getOrDefault(t.path(), "#999");
      sb.append(t.leaf() ? "<tr>" : "<tr class=\"parent\">").append("<td>")
          .append(t.leaf() && colours.containsKey(t.path()) ? "<span class=\"chip\" style=\"background:" + colour + "\"></span>" : "")
          .append(Svg.esc(t.path())).append("</td><td>").append(Comparison.percent(t.share())).append("</td><td>")
          .append(Comparison.percent(t.referenceShare())).append("</td><td>").append(Comparison.points(t.error()))
          .append("</td><td class=\"text barcol\">");
      if (t.leaf()) {
        sb.append(String.format(Locale.ROOT, "<span class=\"bar\"><span class=\"m\" style=\"width:%.1f%%;background:%s\"></span>",
            100 * t.share() / scale, colour));
        if (!Double.isNaN(t.referenceShare())) {
          sb.append(String.format(Locale.ROOT, "<span class=\"r\" style=\"left:%.1f%%\"></span>", 100 * t.referenceShare() / scale));
        }
        sb.append("</span>");
      }
      sb.append("</td><td class=\"text wrap\">").append(Svg.esc(t.limitedBy())).append("</td></tr>\n");
    }
    sb.append("</table></div>\n");
    if (!reasons.isEmpty()) {
      sb.append("<p>Where measured and reference differ by more than a point, and why:</p>\n<ul id=\"reasons\">");
      reasons.forEach(line -> sb.append("<li>").append(Svg.esc(line)).append("</li>"));
      sb.append("</ul>\n");
    }
  }

  private static void shareChart(Report r, StringBuilder sb, Map<String, String> colours) {
    sb.append("<h2>Device-time share over time</h2>\n");
    List<Double> xs = r.series().timesNanos().stream().map(n -> n / 1e9).toList();
    List<Svg.Line> lines = new ArrayList<>();
    double max = 0;
    for (Map.Entry<String, String> c : colours.entrySet()) {
      List<Double> measured = r.series().share().get(c.getKey());
      List<Double> reference = r.series().referenceShare().get(c.getKey());
      // a band under the dashed reference, so that both show where they agree; a plain line without one
      lines.add(new Svg.Line(c.getKey() + " measured", c.getValue(), reference != null ? Svg.Style.BAND : Svg.Style.SOLID,
          measured));
      max = Math.max(max, measured.stream().mapToDouble(Double::doubleValue).max().orElse(0));
      if (reference != null) {
        lines.add(new Svg.Line(c.getKey() + " reference", c.getValue(), Svg.Style.DASHED, reference));
        max = Math.max(max, reference.stream().mapToDouble(Double::doubleValue).max().orElse(0));
      }
    }
    sb.append(Svg.chart("share", "device-time share over time per tenant, measured and reference", xs, lines,
        Svg.Axis.share(max, "share of device time used"), List.of(), true));
    legend(sb, colours, r.series().share().size(), "tenants with the most device time",
        r.series().referenceShare().isEmpty() ? List.of() : MEASURED_AND_REFERENCE);
  }

  /** The peak and the limits leave the memory table on a phone's width (the terminal's table and report.json keep them). */
  private static String narrowHidden(int column) {
    return column == 2 || column == 3 || column == 5 ? " class=\"wide\"" : "";
  }

  private static void tenants(Report r, StringBuilder sb) {
    sb.append("<h2>Memory and allocations (region ").append(Svg.esc(r.region())).append(")</h2>\n");
    sb.append("<div class=\"scroll").append(r.tenants().size() > LONG_TABLE ? " long" : "").append("\"><table id=\"tenants\"><tr>");
    String[] head = {"cgroup", "memory.current", "memory.peak", "memory.max", "swap", "swap.max", "events low/high/max/oom",
      "evicted", "allocs", "failed"}; // short, as in the terminal's table
    for (int i = 0; i < head.length; i++) {
      // break points after dots and slashes, so that the headers wrap on a narrow window
      sb.append("<th").append(narrowHidden(i)).append('>').append(Svg.esc(head[i]).replace(".", ".<wbr>").replace("/", "/<wbr>"))
          .append("</th>");
    }
    sb.append("</tr>\n");
    for (TenantReport t : r.tenants()) {
      Map<String, Long> ev = t.memoryEvents();
      String[] cells = {Svg.esc(t.path()), ByteSize.human(t.memoryCurrent()), ByteSize.human(t.memoryPeak()),
        ByteSize.human(t.memoryMax()), ByteSize.human(t.swapCurrent()), ByteSize.human(t.swapMax()),
        ev.getOrDefault("low", 0L) + "/" + ev.getOrDefault("high", 0L) + "/" + ev.getOrDefault("max", 0L) + "/"
            + ev.getOrDefault("oom", 0L),
        Long.toString(t.evictions()), Long.toString(t.allocations()), Long.toString(t.failedAllocations())};
      sb.append("<tr>");
      for (int i = 0; i < cells.length; i++) {
        sb.append("<td").append(narrowHidden(i)).append('>').append(cells[i]).append("</td>");
      }
      sb.append("</tr>\n");
    }
    sb.append("</table></div>\n");
    if (r.tenants().stream().anyMatch(t -> !t.extra().isEmpty())) {
      sb.append("<h2>Other controllers and devices</h2>\n<div class=\"scroll\"><table id=\"extra\">")
          .append("<tr><th>cgroup</th><th class=\"text\">file</th><th class=\"text\">value</th></tr>\n");
      for (TenantReport t : r.tenants()) {
        t.extra().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sb.append("<tr><td>")
            .append(Svg.esc(t.path())).append("</td><td class=\"text\">").append(Svg.esc(e.getKey()))
            .append("</td><td class=\"text\">").append(Svg.esc(e.getValue())).append("</td></tr>\n"));
      }
      sb.append("</table></div>\n");
    }
  }

  private static void memoryChart(Report r, StringBuilder sb) {
    sb.append("<h2>Device memory over time (").append(Svg.esc(r.region())).append(")</h2>\n");
    Map<String, List<Double>> bytes = new LinkedHashMap<>();
    r.series().memory().forEach((k, v) -> bytes.put(k, v.stream().map(Long::doubleValue).toList()));
    Map<String, String> colours = colours(top(bytes, ReportHtml::max));
    List<Double> xs = r.series().timesNanos().stream().map(n -> n / 1e9).toList();
    List<Svg.Line> lines = new ArrayList<>();
    double max = 0;
    for (Map.Entry<String, String> c : colours.entrySet()) {
      lines.add(new Svg.Line(c.getKey(), c.getValue(), Svg.Style.SOLID, bytes.get(c.getKey())));
      max = Math.max(max, max(bytes.get(c.getKey())));
    }
    sb.append(Svg.chart("memory", "memory.current over time per tenant", xs, lines,
        Svg.Axis.bytes(Math.max(max, 1), v -> v == 0 ? "0" : ByteSize.human((long) v), "memory.current (bytes)"), List.of(),
        false));
    legend(sb, colours, bytes.size(), "tenants with the highest peaks", List.of());
  }

  /**
   * Pressure stall information: what it means, each tenant's stall fractions over the run, and the chart.
   * Nothing without a pressure file of either controller on the device.
   */
  private static void pressure(Report r, StringBuilder sb) {
    boolean cpu = r.tenants().stream().anyMatch(t -> !Double.isNaN(t.pressure().cpuSome()));
    boolean memory = r.tenants().stream().anyMatch(t -> !Double.isNaN(t.pressure().memorySome()));
    if (!cpu && !memory) {
      return;
    }
    sb.append("<h2>Pressure: who waited</h2>\n<p class=\"explain\">Pressure stall information (PSI) per device, from each")
        .append(" tenant's <code>cpu.pressure</code> and <code>memory.pressure</code>, in the kernel's format.")
        .append(" <b>cpu some</b>: the part of the time at least one of the tenant's runnable clients waited for an")
        .append(" engine (queued behind others, or held by a <code>cpu.max</code> cap); <b>cpu full</b>: its runnable")
        .append(" clients waited and none of them ran. <b>memory some</b>: the part of the time a charge of the tenant")
        .append(" stalled &mdash; reclaiming over <code>memory.max</code> or <code>memory.high</code>, or waiting to")
        .append(" retry a refused allocation (memory <i>full</i> equals <i>some</i>: the memory controller does not see")
        .append(" whether the tenant's other clients run). A frozen tenant's clients are not runnable: freezing shows as")
        .append(" no stall. Parents count their whole subtree. The table covers the whole run: the growth of each line's")
        .append(" <code>total=</code> over the run's time. The chart shows <i>some</i> in each interval between two samples")
        .append(" (the growth of <code>total=</code> over the interval's length, not the kernel's decaying")
        .append(" <code>avg10</code>): cpu solid, memory dashed.</p>\n");
    sb.append("<div class=\"scroll").append(r.tenants().size() > LONG_TABLE ? " long" : "").append("\"><table id=\"pressure-table\">")
        .append("<tr><th>cgroup</th><th>cpu some</th><th>cpu full</th><th>memory some</th><th>memory full</th></tr>\n");
    for (TenantReport t : r.tenants()) {
      Report.Pressure p = t.pressure();
      sb.append(t.leaf() ? "<tr>" : "<tr class=\"parent\">").append("<td>").append(Svg.esc(t.path())).append("</td>");
      for (double v : new double[] {p.cpuSome(), p.cpuFull(), p.memorySome(), p.memoryFull()}) {
        sb.append("<td>").append(Comparison.percent(v)).append("</td>");
      }
      sb.append("</tr>\n");
    }
    sb.append("</table></div>\n");
    pressureChart(r, sb);
  }

  /** The part of each interval stalled per leaf, cpu {@code some} solid, memory {@code some} dashed where it stalled. */
  private static void pressureChart(Report r, StringBuilder sb) {
    Map<String, List<Double>> stalled = new LinkedHashMap<>();
    Map<String, List<Double>> cpuSome = r.series().cpuSome();
    Map<String, List<Double>> memorySome = r.series().memorySome();
    for (String leaf : cpuSome.isEmpty() ? memorySome.keySet() : cpuSome.keySet()) {
      List<Double> c = cpuSome.getOrDefault(leaf, List.of());
      List<Double> m = memorySome.getOrDefault(leaf, List.of());
      stalled.put(leaf, List.of(sum(c) + sum(m)));
    }
    Map<String, String> colours = colours(top(stalled, ReportHtml::sum));
    if (colours.isEmpty()) {
      sb.append("<p id=\"pressure-none\">No tenant's clients stalled during the run.</p>\n");
      return;
    }
    List<Double> xs = r.series().timesNanos().stream().map(n -> n / 1e9).toList();
    List<Svg.Line> lines = new ArrayList<>();
    double max = 0;
    for (Map.Entry<String, String> e : colours.entrySet()) {
      List<Double> c = cpuSome.get(e.getKey());
      if (c != null) {
        lines.add(new Svg.Line(e.getKey() + " cpu some", e.getValue(), Svg.Style.SOLID, c));
        max = Math.max(max, max(c));
      }
      List<Double> m = memorySome.get(e.getKey());
      if (m != null && max(m) > 0) { // a memory line along 0 would hide the axis: drawn only where it stalled
        lines.add(new Svg.Line(e.getKey() + " memory some", e.getValue(), Svg.Style.DASHED, m));
        max = Math.max(max, max(m));
      }
    }
    sb.append(Svg.chart("pressure", "part of each interval stalled per tenant, cpu.pressure and memory.pressure some",
        xs, lines, Svg.Axis.share(max, "time stalled (some)"), List.of(), true));
    List<Key> keys = new ArrayList<>();
    if (lines.stream().anyMatch(l -> l.style() == Svg.Style.SOLID)) {
      keys.add(new Key("line", "cpu some"));
    }
    if (lines.stream().anyMatch(l -> l.style() == Svg.Style.DASHED)) {
      keys.add(new Key("dash", "memory some"));
    }
    legend(sb, colours, stalled.size(), "tenants that stalled the most", keys);
  }

  /** A line style in a legend: its CSS class ({@code solid}: a band, {@code line}, {@code dash}) and what it shows. */
  private record Key(String style, String label) {}

  /** The legend below a chart: a chip per tenant, the line styles, and how many tenants are left out. */
  private static void legend(StringBuilder sb, Map<String, String> colours, int all, String chosen, List<Key> keys) {
    sb.append("<div class=\"legend\">");
    colours.forEach((name, colour) -> sb.append("<span><span class=\"chip\" style=\"background:").append(colour)
        .append("\"></span>").append(Svg.esc(name)).append("</span>"));
    for (Key k : keys) {
      sb.append("<span class=\"key\"><span class=\"").append(k.style()).append("\"></span>").append(Svg.esc(k.label()))
          .append("</span>");
    }
    if (all > colours.size()) {
      sb.append(String.format(Locale.ROOT, "<span class=\"key\">%d of %d: the %s (report.json has every series)</span>",
          colours.size(), all, chosen));
    }
    sb.append("</div>\n");
  }

  /** The names of the {@link #MAX_CHART_SERIES} series ranked highest by {@code rank}, in their own order; those with nothing left out. */
  static List<String> top(Map<String, List<Double>> series, java.util.function.ToDoubleFunction<List<Double>> rank) {
    Map<String, Double> score = new HashMap<>();
    series.forEach((k, v) -> score.put(k, rank.applyAsDouble(v)));
    List<String> chosen = series.keySet().stream().filter(k -> score.get(k) > 0)
        .sorted(Comparator.comparingDouble((String k) -> score.get(k)).reversed()).limit(MAX_CHART_SERIES).toList();
    return series.keySet().stream().filter(chosen::contains).toList();
  }

  private static Map<String, String> colours(List<String> names) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      out.put(names.get(i), COLOURS[i % COLOURS.length]);
    }
    return out;
  }

  private static double sum(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).sum();
  }

  private static double max(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%,.0f ms", nanos / 1e6);
  }

  private static String capitalised(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
