package io.cgdev.sim.report;

import io.cgdev.api.ByteSize;
import io.cgdev.sim.report.Report.TenantReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a {@link Report}: a text table for the terminal, {@code report.json} for machines, and
 * {@code report.html}, a self-contained page with hand-written SVG charts (device-time share over
 * time, memory over time per tenant) and no scripts. Stateless.
 */
public final class ReportWriter {
  static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};

  private ReportWriter() {}

  /** Writes {@code report.json} and {@code report.html} into {@code folder}, creating it. */
  public static void writeFiles(Report report, Path folder) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("report.json"), json(report), StandardCharsets.UTF_8);
    Files.writeString(folder.resolve("report.html"), html(report), StandardCharsets.UTF_8);
  }

  // ---- JSON ----

  /** The report as JSON (pretty printed). */
  public static String json(Report r) {
    return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(toJson(r));
  }

  static ObjectNode toJson(Report r) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("scenario", r.scenario());
    root.put("description", r.description());
    root.put("device", r.device());
    root.put("region", r.region());
    root.put("durationNanos", r.durationNanos());
    root.put("wallNanos", r.wallNanos());
    root.put("events", r.events());
    root.put("eventsPerSecond", Math.round(r.eventsPerSecond()));
    ArrayNode tenants = root.putArray("tenants");
    for (TenantReport t : r.tenants()) {
      ObjectNode n = tenants.addObject();
      n.put("path", t.path());
      n.put("leaf", t.leaf());
      ObjectNode mem = n.putObject("memory");
      mem.put("current", t.memoryCurrent());
      mem.put("peak", t.memoryPeak());
      if (t.memoryMax() == ByteSize.MAX) {
        mem.put("max", "max");
      } else {
        mem.put("max", t.memoryMax());
      }
      ObjectNode events = mem.putObject("events");
      t.memoryEvents().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> events.put(e.getKey(), e.getValue()));
      n.put("evictions", t.evictions());
      n.put("allocations", t.allocations());
      n.put("failedAllocations", t.failedAllocations());
      ObjectNode time = n.putObject("deviceTime");
      time.put("usageUsec", t.usageUsec());
      time.put("share", round(t.share()));
      time.put("expectedShare", round(t.expectedShare()));
      if (!t.extra().isEmpty()) {
        ObjectNode extra = n.putObject("extra");
        t.extra().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> extra.put(e.getKey(), e.getValue()));
      }
    }
    ObjectNode series = root.putObject("series");
    ArrayNode times = series.putArray("timesNanos");
    r.series().timesNanos().forEach(times::add);
    ObjectNode share = series.putObject("share");
    r.series().share().forEach((k, v) -> {
      ArrayNode a = share.putArray(k);
      v.forEach(x -> a.add(round(x)));
    });
    ObjectNode memory = series.putObject("memory");
    r.series().memory().forEach((k, v) -> {
      ArrayNode a = memory.putArray(k);
      v.forEach(a::add);
    });
    ArrayNode notes = root.putArray("notes");
    r.notes().forEach(notes::add);
    return root;
  }

  private static double round(double v) {
    return Math.round(v * 10000) / 10000.0;
  }

  // ---- text ----

  /** The report as a table for the terminal. */
  public static String table(Report r) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"cgroup", "mem.current", "mem.peak", "mem.max", "events low/high/max/oom",
        "evicted", "allocs", "failed", "time share", "by weight"});
    for (TenantReport t : r.tenants()) {
      Map<String, Long> ev = t.memoryEvents();
      rows.add(new String[] {
        t.path(),
        ByteSize.human(t.memoryCurrent()),
        ByteSize.human(t.memoryPeak()),
        ByteSize.human(t.memoryMax()),
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
        "<p>device <b>%s</b> (memory figures: region <b>%s</b>), %.2f s simulated in %.0f ms wall time, %d events (%.0f events/s)</p>%n",
        esc(r.device()), esc(r.region()), r.durationNanos() / 1e9, r.wallNanos() / 1e6, r.events(), r.eventsPerSecond()));
    sb.append("<h2>Tenants</h2>\n<table><tr>");
    String[] head = {"cgroup", "memory.current", "memory.peak", "memory.max", "events (low/high/max/oom)",
        "evictions", "allocations", "failed", "device-time share", "share by weight"};
    for (String h : head) {
      sb.append("<th>").append(esc(h)).append("</th>");
    }
    sb.append("</tr>\n");
    for (TenantReport t : r.tenants()) {
      Map<String, Long> ev = t.memoryEvents();
      sb.append("<tr><td>").append(esc(t.path())).append("</td><td>").append(ByteSize.human(t.memoryCurrent()))
          .append("</td><td>").append(ByteSize.human(t.memoryPeak())).append("</td><td>").append(ByteSize.human(t.memoryMax()))
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
    Map<String, List<Double>> share = r.series().share();
    sb.append(Svg.lineChart("share", seconds, share, 1.0, v -> percent(v)));
    sb.append("<h2>Device memory over time</h2>\n");
    Map<String, List<Double>> memory = new java.util.LinkedHashMap<>();
    r.series().memory().forEach((k, v) -> memory.put(k, v.stream().map(Long::doubleValue).toList()));
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

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
