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
 * {@code report.html}, a self-contained page with hand-written SVG charts ({@link ReportHtml}) and no
 * scripts. Stateless.
 */
public final class ReportWriter {
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

  /** The report as a table for the terminal, then the summary line of measured against reference device time. */
  public static String table(Report r) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"cgroup", "mem.current", "mem.peak", "mem.max", "swap", "swap.max", "events low/high/max/oom",
        "evicted", "allocs", "failed", "time share", "reference", "error", "limited by"});
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
        Comparison.percent(t.share()),
        Comparison.percent(t.referenceShare()),
        Comparison.points(t.error()),
        t.limitedBy(),
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
        boolean left = i == 0 || i == row.length - 1;
        String pad = " ".repeat(width[i] - cell.length());
        sb.append(left ? cell + (i == row.length - 1 ? "" : pad) : pad + cell).append(i == row.length - 1 ? "" : "  ");
      }
      sb.append('\n');
    }
    sb.append("(time share: of the device time all tenants used; reference: the fluid model's share, see report.html;"
        + " error: the difference in points)\n");
    sb.append(Comparison.summary(r)).append('\n');
    Comparison.reasons(r).forEach(line -> sb.append("  ").append(line).append('\n'));
    if (r.tenants().stream().anyMatch(t -> !t.extra().isEmpty())) {
      sb.append("\nother controllers and devices:\n");
      for (TenantReport t : r.tenants()) {
        t.extra().entrySet().stream().sorted(Map.Entry.comparingByKey())
            .forEach(e -> sb.append(String.format(Locale.ROOT, "  %-" + width[0] + "s  %-28s %s%n", t.path(), e.getKey(), e.getValue())));
      }
    }
    return sb.toString();
  }

  // ---- HTML ----

  /** The report as a self-contained HTML page (no scripts) with SVG charts. */
  public static String html(Report r) {
    return ReportHtml.page(r);
  }
}
