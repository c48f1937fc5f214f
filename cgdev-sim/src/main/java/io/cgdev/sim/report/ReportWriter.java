package io.cgdev.sim.report;

import io.cgdev.api.ByteSize;
import io.cgdev.sim.report.Report.TenantReport;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@link Report}: a text table for the terminal, {@code report.json} for machines, and
 * {@code report.html}, a self-contained page with hand-written SVG charts (device-time share over
 * time, memory over time per tenant) and no scripts. Stateless.
 */
public final class ReportWriter {
  static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};
  /** Lines per chart at most: the series with the highest peaks (report.json keeps every series). */
  static final int MAX_CHART_SERIES = 24;

  private ReportWriter() {}

  /** Writes {@code report.json} and {@code report.html} into {@code folder}, creating it. */
  public static void writeFiles(Report report, Path folder) throws IOException {
    Files.createDirectories(folder);
    try (Writer json = Files.newBufferedWriter(folder.resolve("report.json"), StandardCharsets.UTF_8)) {
      ReportJson.write(report, json);
    }
    Files.writeString(folder.resolve("report.html"), html(report), StandardCharsets.UTF_8);
  }

  // ---- JSON ----

  /** The report as JSON (pretty printed). */
  public static String json(Report r) {
    StringWriter out = new StringWriter();
    ReportJson.write(r, out);
    return out.toString();
  }

  /** Writes the report as JSON (pretty printed) to {@code out}, which is flushed, not closed. */
  public static void writeJson(Report r, Writer out) {
    ReportJson.write(r, out);
  }

  // ---- text ----

  /** The report as a table for the terminal. */
  public static String table(Report r) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"cgroup", "mem.current", "mem.peak", "mem.max", "swap", "swap.max", "events low/high/max/oom",
        "evicted", "allocs", "failed", "time share", "by weight"});
    for (TenantReport t : r.tenants()) {
      Map<String, Long> ev = t.memoryEvents();
      rows.add(new String[] {
        t.path(),
        ByteSize.human(t.memoryCurrent()),
        ByteSize.human(t.memoryPeak()),
        ByteSize.human(t.memoryMax()),
        ByteSize.human(t.swapCurrent()),
        ByteSize.human(t.swapMax()),
        ev.getOrDefault("low", 0L) + "/" + ev.getOrDefault("high", 0L) + "/" + ev.getOrDefault("max", 0L) + "/"
            + ev.getOrDefault("oom", 0L),
        Long.toString(t.evictions()),
        Long.toString(t.allocations()),
        Long.toString(t.failedAllocations()),
        percent(t.share()),
        t.leaf() ? percent(t.expectedShare()) : "",
      });
    }
    int[] width = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        String cell = row[i];
        boolean left = i == 0;
        String pad = " ".repeat(width[i] - cell.length());
        sb.append(left ? cell + pad : pad + cell).append(i == row.length - 1 ? "" : "  ");
      }
      sb.append('\n');
    }
    if (r.tenants().stream().anyMatch(t -> !t.extra().isEmpty())) {
      sb.append("\nother controllers and devices:\n");
      for (TenantReport t : r.tenants()) {
        t.extra().entrySet().stream().sorted(Map.Entry.comparingByKey())
            .forEach(e -> sb.append(String.format(Locale.ROOT, "  %-" + width[0] + "s  %-28s %s%n", t.path(), e.getKey(), e.getValue())));
      }
    }
    return sb.toString();
  }

  static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  // ---- HTML ----

  /** The report as a self-contained HTML page with two SVG charts. */
  public static String html(Report r) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>cgdev report: ")
        .append(esc(r.scenario())).append("</title>\n<style>\n")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
        .append("td,th{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}")
        .append("svg{background:#fafafa;border:1px solid #ddd;margin:.5em 0}.legend span{margin-right:1.2em}")
        .append("\n</style></head><body>\n");
    sb.append("<h1>cgdev: ").append(esc(r.scenario())).append("</h1>\n");
    if (!r.description().isEmpty()) {
      sb.append("<p>").append(esc(r.description())).append("</p>\n");
    }
    sb.append(String.format(Locale.ROOT,
        "<p>device <b>%s</b> (memory figures: its device memory <b>%s</b>; swap: buffers evicted to system memory), %.2f s simulated in %.0f ms wall time, %d events (%.0f events/s)</p>%n",
        esc(r.device()), esc(r.region()), r.durationNanos() / 1e9, r.wallNanos() / 1e6, r.events(), r.eventsPerSecond()));
    sb.append("<h2>Tenants</h2>\n<table><tr>");
    String[] head = {"cgroup", "memory.current", "memory.peak", "memory.max", "memory.swap.current", "memory.swap.max",
        "events (low/high/max/oom)",
        "evictions", "allocations", "failed", "device-time share", "share by weight"};
    for (String h : head) {
      sb.append("<th>").append(esc(h)).append("</th>");
    }
    sb.append("</tr>\n");
    for (TenantReport t : r.tenants()) {
      Map<String, Long> ev = t.memoryEvents();
      sb.append("<tr><td>").append(esc(t.path())).append("</td><td>").append(ByteSize.human(t.memoryCurrent()))
          .append("</td><td>").append(ByteSize.human(t.memoryPeak())).append("</td><td>").append(ByteSize.human(t.memoryMax()))
          .append("</td><td>").append(ByteSize.human(t.swapCurrent())).append("</td><td>").append(ByteSize.human(t.swapMax()))
          .append("</td><td>").append(ev.getOrDefault("low", 0L)).append('/').append(ev.getOrDefault("high", 0L))
          .append('/').append(ev.getOrDefault("max", 0L)).append('/').append(ev.getOrDefault("oom", 0L))
          .append("</td><td>").append(t.evictions()).append("</td><td>").append(t.allocations())
          .append("</td><td>").append(t.failedAllocations()).append("</td><td>").append(percent(t.share()))
          .append("</td><td>").append(t.leaf() ? percent(t.expectedShare()) : "").append("</td></tr>\n");
    }
    sb.append("</table>\n");
    if (r.tenants().stream().anyMatch(t -> !t.extra().isEmpty())) {
      sb.append("<h2>Other controllers and devices</h2>\n<table><tr><th>cgroup</th><th>file</th><th>value</th></tr>\n");
      for (TenantReport t : r.tenants()) {
        t.extra().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sb.append("<tr><td>")
            .append(esc(t.path())).append("</td><td>").append(esc(e.getKey())).append("</td><td>")
            .append(esc(e.getValue())).append("</td></tr>\n"));
      }
      sb.append("</table>\n");
    }
    List<Double> seconds = r.series().timesNanos().stream().map(n -> n / 1e9).toList();
    sb.append("<h2>Device-time share over time</h2>\n");
    Map<String, List<Double>> share = highestPeaks(r.series().share(), sb);
    sb.append(Svg.lineChart("share", seconds, share, 1.0, v -> percent(v)));
    sb.append("<h2>Device memory over time</h2>\n");
    Map<String, List<Double>> bytes = new LinkedHashMap<>();
    r.series().memory().forEach((k, v) -> bytes.put(k, v.stream().map(Long::doubleValue).toList()));
    Map<String, List<Double>> memory = highestPeaks(bytes, sb);
    double top = memory.values().stream().flatMap(List::stream).mapToDouble(Double::doubleValue).max().orElse(1);
    sb.append(Svg.lineChart("memory", seconds, memory, Math.max(top, 1), v -> ByteSize.human((long) (double) v)));
    if (!r.notes().isEmpty()) {
      sb.append("<h2>Notes</h2>\n<ul>");
      r.notes().forEach(n -> sb.append("<li>").append(esc(n)).append("</li>"));
      sb.append("</ul>\n");
    }
    sb.append("</body></html>\n");
    return sb.toString();
  }

  /**
   * The {@link #MAX_CHART_SERIES} series with the highest peaks, in their order (all when there are
   * no more); says on the page when some are left out.
   */
  static Map<String, List<Double>> highestPeaks(Map<String, List<Double>> series, StringBuilder page) {
    if (series.size() <= MAX_CHART_SERIES) {
      return series;
    }
    List<String> names = new ArrayList<>(series.keySet());
    Map<String, Double> peak = new HashMap<>();
    series.forEach((k, v) -> peak.put(k, v.stream().mapToDouble(Double::doubleValue).max().orElse(0)));
    List<String> chosen = names.stream()
        .sorted(Comparator.comparingDouble((String k) -> peak.get(k)).reversed())
        .limit(MAX_CHART_SERIES).toList();
    Set<String> keep = new HashSet<>(chosen);
    Map<String, List<Double>> out = new LinkedHashMap<>();
    names.stream().filter(keep::contains).forEach(k -> out.put(k, series.get(k)));
    page.append(String.format(Locale.ROOT,
        "<p>%d of %d tenants, those with the highest peaks (report.json has every series)</p>%n", out.size(), series.size()));
    return out;
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
