package io.cgdev.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.cgdev.core.Cgroups;
import io.cgdev.sim.report.Report;
import io.cgdev.sim.report.ReportWriter;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.sim.scenario.ScenarioParser;
import java.io.File;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo's {@code report.html} in a real browser: headless Chromium loads it at a desktop and a phone
 * width, with a probe script added to a copy of the page that records every JavaScript error and
 * measures every chart (its lines, their drawn size, labels that overlap) and the page (wider than the
 * window, a clipped device-time table). Screenshots stay in {@code target/report-browser/} for a reader.
 * A second test proves the probe sees what it must: a page with a broken script and an empty chart.
 *
 * <p>Without Chromium on the PATH ({@code chromium}, {@code chromium-browser}) the tests skip with one
 * line; {@code CGDEV_REQUIRE_CHROMIUM=1} (CI, {@code .ci/run}, which installs the {@code chromium}
 * package) makes that a failure. Time: one Chromium start per width and one for the control, each at
 * most {@link #TIMEOUT_SECONDS} (about 3-15 s on a busy 2-core machine).
 */
class ReportBrowserTest {
  static final String REQUIRE_VARIABLE = "CGDEV_REQUIRE_CHROMIUM";
  static final long TIMEOUT_SECONDS = 90;
  /** A desktop window and the narrowest one headless Chromium lays out (it widens smaller windows to 500). */
  static final int[] WIDTHS = {1280, 500};

  /** Records errors from the start; must run before any other script of the page. */
  private static final String ERROR_HOOK = "<script>window.__cgdevErrors=[];window.addEventListener('error',"
      + "function(e){window.__cgdevErrors.push(String(e.message||e))},true);</script>";

  /** Measures the page once it is laid out and writes the result, URI-encoded JSON, into a {@code pre}. */
  private static final String PROBE = """
      <script>(function(){
      function box(e){var r=e.getBoundingClientRect();return {l:r.left,t:r.top,r:r.right,b:r.bottom,w:r.width,h:r.height};}
      function cross(a,b){return Math.min(a.r,b.r)-Math.max(a.l,b.l)>0.5&&Math.min(a.b,b.b)-Math.max(a.t,b.t)>0.5;}
      var charts=[];
      document.querySelectorAll('svg').forEach(function(svg){
        var lines=svg.querySelectorAll('polyline'),drawn=0;
        lines.forEach(function(p){var b=box(p);if(p.points.numberOfItems>=2&&(b.w>1||b.h>1))drawn++;});
        var texts=Array.prototype.slice.call(svg.querySelectorAll('text')),overlaps=[];
        for(var i=0;i<texts.length;i++)for(var j=i+1;j<texts.length;j++)
          if(cross(box(texts[i]),box(texts[j])))overlaps.push(texts[i].textContent+' / '+texts[j].textContent);
        var next=svg.nextElementSibling;
        charts.push({id:svg.id,width:box(svg).w,lines:lines.length,drawn:drawn,overlaps:overlaps,
          legend:next&&next.classList.contains('legend')?next.children.length:0});
      });
      var clipped=[];
      document.querySelectorAll('.scroll').forEach(function(d){
        if(d.scrollWidth>d.clientWidth+1)clipped.push((d.firstElementChild?d.firstElementChild.id:'?')+' '+d.scrollWidth+' px in '+d.clientWidth);});
      var out={errors:window.__cgdevErrors,charts:charts,clipped:clipped,innerWidth:window.innerWidth,
        pageWidth:document.documentElement.scrollWidth};
      var pre=document.createElement('pre');pre.id='cgdev-probe';pre.hidden=true;pre.textContent=encodeURIComponent(JSON.stringify(out));
      document.body.appendChild(pre);
      })();</script>
      """;

  private static Path chromium;
  private static Report demo;

  @BeforeAll
  static void findChromium() {
    Optional<Path> found = onPath("chromium").or(() -> onPath("chromium-browser"));
    if (found.isEmpty()) {
      String line = "chromium not found on the PATH: the report's browser tests skip (apt-get install chromium;"
          + " set " + REQUIRE_VARIABLE + "=1 to make this a failure)";
      if ("1".equals(System.getenv(REQUIRE_VARIABLE))) {
        fail(line);
      }
      System.out.println(line);
      Assumptions.abort(line);
    }
    chromium = found.get();
    demo = demoReport();
  }

  @Test
  void theDemoReportLoadsWithoutErrorsAndEveryChartHasLinesAtBothWidths() throws Exception {
    Path dir = Path.of("target", "report-browser").toAbsolutePath();
    ReportWriter.writeFiles(demo, dir);
    String html = Files.readString(dir.resolve("report.html"));
    for (int width : WIDTHS) {
      JsonNode p = probe(html, dir, "report-" + width, width);
      String at = "at width " + width + " (screenshot " + dir.resolve("report-" + width + ".png") + ")";
      assertThat(p.get("errors").size()).as("JavaScript errors " + at + ": " + p.get("errors")).isZero();
      List<String> ids = new ArrayList<>();
      p.get("charts").forEach(c -> ids.add(c.get("id").asString()));
      assertThat(ids).as("charts " + at).containsExactly("share", "memory", "pressure");
      for (JsonNode c : p.get("charts")) {
        String chart = "chart " + c.get("id").asString() + " " + at;
        // the demo has three tenants: measured and reference each in the share chart, memory in the next, cpu
        // pressure in the last (each waits for the compute engines), memory pressure only where one stalled
        assertThat(c.get("drawn").asInt()).as(chart + ": lines drawn").isEqualTo(c.get("lines").asInt());
        switch (c.get("id").asString()) {
          case "share" -> assertThat(c.get("lines").asInt()).as(chart).isEqualTo(6);
          case "memory" -> assertThat(c.get("lines").asInt()).as(chart).isEqualTo(3);
          default -> assertThat(c.get("lines").asInt()).as(chart).isBetween(3, 6);
        }
        assertThat(c.get("width").asDouble()).as(chart + ": width").isGreaterThan(width / 2.0);
        assertThat(c.get("overlaps").size()).as(chart + ": overlapping labels " + c.get("overlaps")).isZero();
        assertThat(c.get("legend").asInt()).as(chart + ": legend entries").isGreaterThanOrEqualTo(3);
      }
      assertThat(chartOf(p, "pressure").get("legend").asInt()).as("pressure legend: three tenants and the cpu key " + at)
          .isGreaterThanOrEqualTo(4);
      assertThat(p.get("pageWidth").asInt()).as("page wider than the window " + at)
          .isLessThanOrEqualTo(p.get("innerWidth").asInt());
      List<String> clipped = new ArrayList<>();
      p.get("clipped").forEach(c -> clipped.add(c.asString()));
      assertThat(clipped).as("tables that do not fit " + at).isEmpty();
      assertThat(Files.size(dir.resolve("report-" + width + ".png"))).as("screenshot " + at).isGreaterThan(10_000);
    }
  }

  @Test
  void theProbeSeesAScriptErrorAndAnEmptyChart(@TempDir Path dir) throws Exception {
    // the control: the memory chart's lines taken out, and a script that fails
    String html = ReportWriter.html(demo);
    int memory = html.indexOf("<svg id=\"memory\"");
    html = html.substring(0, memory) + html.substring(memory).replaceAll("(?s)<polyline.*?</polyline>", "");
    html = html.replace("</body>", "<script>undefinedFunction();</script></body>");
    JsonNode p = probe(html, dir, "control", WIDTHS[0]);
    assertThat(p.get("errors").toString()).contains("undefinedFunction");
    Map<String, Integer> drawn = new LinkedHashMap<>();
    p.get("charts").forEach(c -> drawn.put(c.get("id").asString(), c.get("drawn").asInt()));
    assertThat(drawn).containsEntry("memory", 0);
    assertThat(drawn.get("share")).isPositive();
  }

  /** The probe's measures of one chart. */
  private static JsonNode chartOf(JsonNode probe, String id) {
    for (JsonNode c : probe.get("charts")) {
      if (c.get("id").asString().equals(id)) {
        return c;
      }
    }
    throw new AssertionError("no chart " + id);
  }

  /** Loads {@code html} with the probe in Chromium at {@code width}, screenshots it, returns what the probe measured. */
  private static JsonNode probe(String html, Path dir, String name, int width) throws IOException, InterruptedException {
    String probed = html.replaceFirst("<head>", "<head>" + Matcher.quoteReplacement(ERROR_HOOK))
        .replace("</body>", PROBE + "</body>");
    Path page = dir.resolve(name + "-probe.html");
    Files.writeString(page, probed);
    Path profile = Files.createTempDirectory("cgdev-chromium-");
    Path log = dir.resolve(name + "-chromium.log");
    Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--hide-scrollbars", "--no-first-run", "--user-data-dir=" + profile, "--window-size=" + width + ",3200",
        "--screenshot=" + dir.resolve(name + ".png"), "--dump-dom", page.toUri().toString())
        .redirectError(log.toFile()).start();
    try {
      p.getOutputStream().close();
      // the DOM comes at the end; read it while Chromium runs so a full pipe cannot stall it
      var dom = new java.util.concurrent.CompletableFuture<String>();
      Thread reader = Thread.ofVirtual().start(() -> {
        try {
          dom.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
          dom.completeExceptionally(e);
        }
      });
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        fail("chromium did not finish within " + TIMEOUT_SECONDS + " s; its log: " + log);
      }
      reader.join();
      Matcher m = Pattern.compile("<pre id=\"cgdev-probe\"[^>]*>([^<]*)</pre>").matcher(dom.join());
      if (!m.find()) {
        fail("chromium (exit " + p.exitValue() + ") printed no probe result for " + page + "; its log: " + log);
      }
      return JsonMapper.builder().build().readTree(URLDecoder.decode(m.group(1), StandardCharsets.UTF_8));
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      deleteTree(profile);
    }
  }

  private static Report demoReport() {
    try (Cgroups world = SimWorlds.boot()) {
      Scenario demo = ScenarioParser.parseResource("/io/cgdev/sim/scenario/demo.yaml").withDuration(1_500_000_000L);
      ScenarioRunner runner = SimWorlds.runner(world, demo);
      try {
        return runner.run();
      } finally {
        runner.release();
      }
    }
  }

  private static Optional<Path> onPath(String command) {
    for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(folder, command);
      if (!folder.isEmpty() && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static void deleteTree(Path root) throws IOException {
    try (var walk = Files.walk(root)) {
      for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
