package io.cgdev.sim.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.ByteSize;
import io.cgdev.sim.report.Report.TenantReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The report writer: JSON structure, the HTML page with its SVG charts, the text table. */
class ReportWriterTest {
  static Report sample() {
    List<TenantReport> tenants = List.of(
        new TenantReport("/a", true, 1 << 20, 2 << 20, ByteSize.MAX, Map.of("low", 1L, "max", 0L), 8192, ByteSize.MAX, 3, 1, 10, 600, 0.6, 0.5,
            "weight", new Report.Pressure(0.25, 0.2, 0, 0), Map.of()),
        new TenantReport("/b<x>", true, 0, 4096, 1 << 30, Map.of(), 0, 0, 0, 0, 2, 400, 0.4, 0.5, "demand",
            new Report.Pressure(0.4, 0.4, 0.12345, 0.12345), Map.of("gem.current", "3")));
    Report.Series series = new Report.Series(List.of(1_000_000L, 2_000_000L),
        Map.of("/a", List.of(0.5, 0.7), "/b<x>", List.of(0.5, 0.3)),
        Map.of("/a", List.of(0.5, 0.5), "/b<x>", List.of(0.5, 0.5)),
        Map.of("/a", List.of(1L << 20, 1L << 20), "/b<x>", List.of(0L, 0L)),
        Map.of("/a", List.of(0.5, 0.0), "/b<x>", List.of(0.3, 0.5)),
        Map.of("/a", List.of(0.0, 0.0), "/b<x>", List.of(0.0, 0.24690)));
    return new Report("s", "a test", "i915.0", "local0", 2_000_000L, 5_000_000L, 1000, tenants, series, List.of("note"));
  }

  @Test
  void jsonHasTheDocumentedStructure() {
    JsonNode root = JsonMapper.builder().build().readTree(ReportWriter.json(sample()));
    assertThat(root.get("scenario").asString()).isEqualTo("s");
    assertThat(root.get("device").asString()).isEqualTo("i915.0");
    assertThat(root.get("region").asString()).isEqualTo("local0");
    assertThat(root.get("eventsPerSecond").asLong()).isEqualTo(200_000);
    JsonNode a = root.get("tenants").get(0);
    assertThat(a.get("path").asString()).isEqualTo("/a");
    assertThat(a.get("memory").get("current").asLong()).isEqualTo(1 << 20);
    assertThat(a.get("memory").get("max").asString()).isEqualTo("max");
    assertThat(a.get("memory").get("events").get("low").asLong()).isEqualTo(1);
    assertThat(a.get("memory").get("swap").get("current").asLong()).isEqualTo(8192);
    assertThat(a.get("memory").get("swap").get("max").asString()).isEqualTo("max");
    assertThat(a.get("deviceTime").get("share").asDouble()).isEqualTo(0.6);
    assertThat(a.get("deviceTime").get("referenceShare").asDouble()).isEqualTo(0.5);
    assertThat(a.get("deviceTime").get("error").asDouble()).isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(a.get("deviceTime").get("limitedBy").asString()).isEqualTo("weight");
    assertThat(root.get("largestError").get("path").asString()).isEqualTo("/a");
    assertThat(a.get("failedAllocations").asLong()).isEqualTo(1);
    JsonNode b = root.get("tenants").get(1);
    assertThat(b.get("memory").get("max").asLong()).isEqualTo(1 << 30);
    assertThat(b.get("memory").get("swap").get("max").asLong()).isZero();
    assertThat(b.get("extra").get("gem.current").asString()).isEqualTo("3");
    assertThat(root.get("series").get("timesNanos")).hasSize(2);
    assertThat(root.get("series").get("share").get("/a")).hasSize(2);
    assertThat(root.get("series").get("referenceShare").get("/b<x>")).hasSize(2);
    assertThat(root.get("series").get("memory").get("/a").get(0).asLong()).isEqualTo(1 << 20);
    assertThat(a.get("pressure").get("cpu").get("some").asDouble()).isEqualTo(0.25);
    assertThat(a.get("pressure").get("cpu").get("full").asDouble()).isEqualTo(0.2);
    assertThat(b.get("pressure").get("memory").get("some").asDouble()).as("four decimals").isEqualTo(0.1235);
    assertThat(root.get("series").get("cpuPressureSome").get("/b<x>").get(1).asDouble()).isEqualTo(0.5);
    assertThat(root.get("series").get("memoryPressureSome").get("/b<x>").get(1).asDouble()).isEqualTo(0.2469);
  }

  @Test
  void pressureIsLeftOutWhereNoControllerHasAFile() {
    Report r = sample();
    List<TenantReport> none = r.tenants().stream().map(t -> new TenantReport(t.path(), t.leaf(), t.memoryCurrent(),
        t.memoryPeak(), t.memoryMax(), t.memoryEvents(), t.swapCurrent(), t.swapMax(), t.evictions(), t.failedAllocations(),
        t.allocations(), t.usageUsec(), t.share(), t.referenceShare(), t.limitedBy(), Report.Pressure.NONE, t.extra())).toList();
    Report.Series s = r.series();
    Report without = new Report(r.scenario(), r.description(), r.device(), r.region(), r.durationNanos(), r.wallNanos(),
        r.events(), none, new Report.Series(s.timesNanos(), s.share(), s.referenceShare(), s.memory(), Map.of(), Map.of()),
        r.notes());
    JsonNode root = JsonMapper.builder().build().readTree(ReportWriter.json(without));
    assertThat(root.get("tenants").get(0).has("pressure")).isFalse();
    assertThat(root.get("series").get("cpuPressureSome").isEmpty()).isTrue();
    String html = ReportWriter.html(without);
    assertThat(html).doesNotContain("<svg id=\"pressure\"").doesNotContain("pressure-table");
  }

  @Test
  void thePressureSectionExplainsItsChartAndDrawsCpuSolidAndMemoryDashedWhereItStalled() {
    String html = ReportWriter.html(sample());
    assertThat(html).contains("<h2>Pressure: who waited</h2>", "cpu some", "memory some", "id=\"pressure-table\"");
    String table = html.substring(html.indexOf("<table id=\"pressure-table\""));
    table = table.substring(0, table.indexOf("</table>"));
    assertThat(table).contains("<td>/a</td><td>25.0%</td><td>20.0%</td><td>0.0%</td><td>0.0%</td>")
        .contains("<td>/b&lt;x&gt;</td><td>40.0%</td><td>40.0%</td><td>12.3%</td><td>12.3%</td>");
    String chart = html.substring(html.indexOf("<svg id=\"pressure\""));
    chart = chart.substring(0, chart.indexOf("</svg>"));
    // cpu for both, memory only for /b<x>: /a's memory line would lie along 0
    assertThat(chart.split("<polyline", -1)).hasSize(4);
    assertThat(chart.split("stroke-dasharray=\"5 3\"", -1)).hasSize(2);
    assertThat(chart).contains("<title>/b&lt;x&gt; memory some</title>").doesNotContain("/a memory some");
  }

  @Test
  void htmlIsSelfContainedWithSvgChartsAndEscapesNames() {
    String html = ReportWriter.html(sample());
    assertThat(html).startsWith("<!DOCTYPE html>");
    assertThat(html).contains("<svg id=\"share\"", "<svg id=\"memory\"", "<svg id=\"pressure\"");
    // share: measured and reference for both tenants; memory: only /a, /b<x> never held any
    String share = html.substring(html.indexOf("<svg id=\"share\""), html.indexOf("<svg id=\"memory\""));
    String memory = html.substring(html.indexOf("<svg id=\"memory\""), html.indexOf("<svg id=\"pressure\""));
    assertThat(share.split("<polyline", -1)).hasSize(5);
    assertThat(share.split("stroke-dasharray", -1)).hasSize(3);
    assertThat(memory.split("<polyline", -1)).hasSize(2);
    assertThat(html).doesNotContain("<script").doesNotContain("/b<x>").contains("/b&lt;x&gt;");
    assertThat(html).contains("60.0%", "+10.0", "note");
    assertThat(html).contains("id=\"summary\"").contains("2 of 2 tenants differ");
  }

  @Test
  void tableHasAHeaderAndARowPerTenant() {
    String table = ReportWriter.table(sample());
    List<String> lines = table.lines().toList();
    assertThat(lines).hasSize(10);
    assertThat(lines.get(0)).startsWith("cgroup").contains("time share", "reference", "error", "limited by");
    assertThat(lines.get(1)).startsWith("/a").contains("1M", "2M", "max", "1/0/0/0", "60.0%", "50.0%", "+10.0")
        .endsWith("weight");
    assertThat(lines.get(2)).startsWith("/b<x>").contains("1G", "-10.0").endsWith("demand");
    // the summary line names the largest error, then one line per tenant outside 1 point with its reason
    assertThat(lines.get(4)).startsWith("device time: 2 of 2 tenants").contains("largest difference: /a, +10.0 points");
    assertThat(lines.get(5)).startsWith("  /a: measured 60.0%, reference 50.0%");
    assertThat(lines.get(6)).startsWith("  /b<x>: ").contains("asks for less than its share");
    // the extra figures follow, one per line
    assertThat(lines.get(8)).isEqualTo("other controllers and devices:");
    assertThat(lines.get(9)).matches("\\s+/b<x>\\s+gem\\.current\\s+3");
  }

  @Test
  void writesBothFiles(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("nested/out");
    ReportWriter.writeFiles(sample(), out);
    assertThat(Files.readString(out.resolve("report.json"))).contains("\"scenario\"");
    assertThat(Files.readString(out.resolve("report.html"))).contains("<svg");
  }
}
