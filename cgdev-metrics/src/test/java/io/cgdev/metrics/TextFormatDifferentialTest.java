package io.cgdev.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Task;
import io.cgdev.core.Cgroups;
import io.cgdev.drm.DrmDevice;
import io.cgdev.drm.DrmFile;
import io.cgdev.i915.I915Driver;
import io.cgdev.metrics.Scrapes.Sample;
import io.cgdev.metrics.internal.TextExposition;
import io.cgdev.metrics.internal.TreeCollector;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The text format cgdev writes itself against the official Prometheus client's writer fed the same
 * scrape's snapshots: the same families with the same HELP and TYPE lines, the same samples with the
 * same labels and values (whatever the order), on two live i915 trees served together (several
 * regions, nested events, engines, a tree label, a cgroup name that needs escaping).
 */
class TextFormatDifferentialTest {
  private final List<Cgroups> trees = new ArrayList<>();

  @AfterEach
  void close() {
    trees.forEach(Cgroups::close);
  }

  private CgroupFs busyTree(String odd) {
    Cgroups cg = Cgroups.builder().build();
    trees.add(cg);
    CgroupFs fs = cg.fs();
    fs.write("/cgroup.subtree_control", "+memory +cpu");
    fs.mkdir("/train");
    fs.write("/train/cgroup.subtree_control", "+memory +cpu");
    fs.mkdir("/train/job");
    fs.mkdir("/" + odd);
    fs.write("/train/memory.devices/i915.0/memory.max", "1073741824");
    DrmDevice gpu = cg.driver(I915Driver.class).orElseThrow().device("i915.0");
    Task t = cg.tasks().spawn("trainer", CgroupPath.parse("/train/job"));
    DrmFile f = gpu.open(t);
    f.createGem(3 << 20);
    for (int i = 0; i < 5; i++) {
      gpu.submit(f, gpu.engineClasses().getFirst(), 1_234_567);
    }
    gpu.runFor(50_000_000);
    return fs;
  }

  @Test
  void ourTextEqualsTheClientsWriterOnTheSameScrape() throws Exception {
    String odd = "we\"ird\\name";
    AtomicLong clock = new AtomicLong();
    TreeCollector collector = new TreeCollector(List.of(
        new TreeCollector.Tree(busyTree(odd), List.of("node"), List.of("n1")),
        new TreeCollector.Tree(busyTree(odd), List.of("node"), List.of("n\n2"))), () -> clock.addAndGet(1_000_000_000));
    try {
      ByteArrayOutputStream ours = new ByteArrayOutputStream();
      TextExposition text = collector.text();
      text.writeTo(ours);
      assertThat((long) ours.size()).isEqualTo(text.length());
      ByteArrayOutputStream theirs = new ByteArrayOutputStream();
      PrometheusTextFormatWriter.create().write(theirs, collector.collect(), EscapingScheme.ALLOW_UTF8);
      String a = ours.toString(StandardCharsets.UTF_8);
      String b = theirs.toString(StandardCharsets.UTF_8);

      Promtool.check(a);
      assertThat(comments(a)).isEqualTo(comments(b)).hasSizeGreaterThan(30);
      List<String> mine = samples(a);
      assertThat(mine).isEqualTo(samples(b)).hasSizeGreaterThan(100);
      assertThat(mine).anyMatch(s -> s.contains("cgroup=/" + odd) && s.contains("node=n\n2"))
          .anyMatch(s -> s.startsWith("cgdev_memory_max_bytes") && s.endsWith(" 1.073741824E9"))
          .anyMatch(s -> s.startsWith("cgdev_memory_events_total") && s.contains("event=max"))
          .anyMatch(s -> s.startsWith("cgdev_cpu_engine_usage_seconds_total") && !s.endsWith(" 0.0"));
    } finally {
      collector.close();
    }
  }

  private static List<String> comments(String exposition) {
    return Arrays.stream(exposition.split("\n")).filter(l -> l.startsWith("#")).sorted().toList();
  }

  /** Every sample but the scrape's own duration as {@code name labels(sorted) value}, sorted. */
  private static List<String> samples(String exposition) {
    List<String> out = new ArrayList<>();
    for (Sample s : Scrapes.samples(exposition)) {
      if (!s.name().equals("cgdev_scrape_duration_seconds")) {
        out.add(s.name() + " " + new TreeMap<>(s.labels()) + " " + s.value());
      }
    }
    out.sort(null);
    return out;
  }
}
