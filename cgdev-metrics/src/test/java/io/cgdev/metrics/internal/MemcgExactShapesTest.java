package io.cgdev.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shapes the memory controller takes with memcg-exact files (one region per registration, tiles as
 * devices of their own, single values, flat keyed events, {@code memory.swap.*}) and the kernel's
 * pressure files, served by a fake file view: what the collector makes of them.
 */
class MemcgExactShapesTest {
  static final String DEV = "i915.0.tile1";
  static final String PSI_CPU = "some avg10=1.50 avg60=0.20 avg300=0.00 total=2500000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=500000\n";
  FakeFs fs;
  AtomicLong clock = new AtomicLong(1_000_000_000L);

  @BeforeEach
  void tree() {
    fs = new FakeFs();
    String root = "/memory.devices/" + DEV + "/";
    fs.put("/cgroup.controllers", "cpu memory\n");
    fs.put(root + "memory.current", "3145728\n");
    fs.put(root + "memory.capacity", "8388608\n");
    fs.put(root + "memory.peak", "4194304\n");
    fs.put(root + "memory.events", "low 0\nhigh 0\nmax 2\noom 1\noom_kill 0\n");
    fs.put("/cpu.devices/" + DEV + "/cpu.stat", "usage_usec 2000000\nusage_usec.rcs0 1500000\nusage_usec.ccs0 500000\n");
    String a = "/a/memory.devices/" + DEV + "/";
    fs.put("/a/cgroup.controllers", "cpu memory\n");
    fs.put(a + "memory.current", "1048576\n");
    fs.put(a + "memory.max", "max\n");
    fs.put(a + "memory.high", "2097152\n");
    fs.put(a + "memory.min", "0\n");
    fs.put(a + "memory.low", "524288\n");
    fs.put(a + "memory.events", "low 0\nhigh 3\nmax 2\noom 1\noom_kill 0\n");
    fs.put(a + "memory.stat", "charged 1048576\n");
    fs.put(a + "memory.swap.current", "4096\n");
    fs.put(a + "memory.swap.max", "max\n");
    fs.put(a + "memory.swap.peak", "8192\n");
    fs.put(a + "memory.swap.events", "high 0\nmax 1\nfail 1\n");
    fs.put(a + "memory.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=42\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=7\n");
    String ac = "/a/cpu.devices/" + DEV + "/";
    fs.put(ac + "cpu.weight", "250\n");
    fs.put(ac + "cpu.stat", "usage_usec 1200000\nnr_periods 10\nnr_throttled 2\nthrottled_usec 5000\nnr_bursts 0\n"
        + "burst_usec 0\nusage_usec.rcs0 1000000\nusage_usec.ccs0 200000\n");
    fs.put(ac + "cpu.pressure", PSI_CPU);
  }

  private String scrape(TreeCollector c) throws IOException {
    MetricSnapshots s = c.collect();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, s, EscapingScheme.ALLOW_UTF8);
    return out.toString(StandardCharsets.UTF_8);
  }

  private TreeCollector collector() {
    return new TreeCollector(List.of(new TreeCollector.Tree(fs, List.of(), List.of())), clock::get);
  }

  @Test
  void singleRegionFilesHaveNoRegionLabel() throws IOException {
    String text = scrape(collector());
    assertThat(text).contains(
        "cgdev_memory_current_bytes{cgroup=\"/a\",device=\"i915.0.tile1\"} 1048576.0",
        "cgdev_memory_max_bytes{cgroup=\"/a\",device=\"i915.0.tile1\"} +Inf",
        "cgdev_memory_high_bytes{cgroup=\"/a\",device=\"i915.0.tile1\"} 2097152.0",
        "cgdev_memory_low_bytes{cgroup=\"/a\",device=\"i915.0.tile1\"} 524288.0",
        "cgdev_memory_peak_bytes{cgroup=\"/\",device=\"i915.0.tile1\"} 4194304.0",
        "cgdev_memory_events_total{cgroup=\"/a\",device=\"i915.0.tile1\",event=\"high\"} 3.0",
        "cgdev_memory_swap_current_bytes{cgroup=\"/a\",device=\"i915.0.tile1\"} 4096.0",
        "cgdev_memory_swap_max_bytes{cgroup=\"/a\",device=\"i915.0.tile1\"} +Inf",
        "cgdev_memory_swap_peak_bytes{cgroup=\"/a\",device=\"i915.0.tile1\"} 8192.0",
        "cgdev_memory_swap_events_total{cgroup=\"/a\",device=\"i915.0.tile1\",event=\"fail\"} 1.0");
    assertThat(text).doesNotContain("region=");
  }

  @Test
  void cpuStatAndWeight() throws IOException {
    String text = scrape(collector());
    assertThat(text).contains(
        "cgdev_cpu_usage_seconds_total{cgroup=\"/a\",device=\"i915.0.tile1\"} 1.2",
        "cgdev_cpu_engine_usage_seconds_total{cgroup=\"/a\",device=\"i915.0.tile1\",engine=\"ccs0\"} 0.2",
        "cgdev_cpu_throttled_seconds_total{cgroup=\"/a\",device=\"i915.0.tile1\"} 0.005",
        "cgdev_cpu_periods_total{cgroup=\"/a\",device=\"i915.0.tile1\"} 10.0",
        "cgdev_cpu_throttled_periods_total{cgroup=\"/a\",device=\"i915.0.tile1\"} 2.0",
        "cgdev_cpu_weight{cgroup=\"/a\",device=\"i915.0.tile1\"} 250.0");
  }

  @Test
  void pressureFilesOfAnyResourceGiveTheirTotalsInSeconds() throws IOException {
    String text = scrape(collector());
    assertThat(text).contains(
        "cgdev_pressure_waiting_seconds_total{cgroup=\"/a\",device=\"i915.0.tile1\",resource=\"cpu\"} 2.5",
        "cgdev_pressure_stalled_seconds_total{cgroup=\"/a\",device=\"i915.0.tile1\",resource=\"cpu\"} 0.5",
        "cgdev_pressure_waiting_seconds_total{cgroup=\"/a\",device=\"i915.0.tile1\",resource=\"memory\"} 4.2E-5",
        "cgdev_pressure_stalled_seconds_total{cgroup=\"/a\",device=\"i915.0.tile1\",resource=\"memory\"} 7.0E-6");
  }

  @Test
  void dcgmFramebufferAndUtilizationPerDevice() throws IOException {
    TreeCollector c = collector(); // reads the root's cpu.stat now
    clock.addAndGet(2_000_000_000L); // 2 s later the busiest engine (rcs0) ran 1 s more: 50 %
    fs.put("/cpu.devices/" + DEV + "/cpu.stat", "usage_usec 3200000\nusage_usec.rcs0 2500000\nusage_usec.ccs0 700000\n");
    String text = scrape(c);
    assertThat(text).contains(
        "DCGM_FI_DEV_FB_USED{device=\"i915.0.tile1\",gpu=\"i915.0.tile1\"} 3.0",
        "DCGM_FI_DEV_FB_FREE{device=\"i915.0.tile1\",gpu=\"i915.0.tile1\"} 5.0",
        "DCGM_FI_DEV_GPU_UTIL{device=\"i915.0.tile1\",gpu=\"i915.0.tile1\"} 50.0");
    clock.addAndGet(1_000_000_000L); // idle since
    assertThat(scrape(c)).contains("DCGM_FI_DEV_GPU_UTIL{device=\"i915.0.tile1\",gpu=\"i915.0.tile1\"} 0.0");
  }

  @Test
  void aRemovedCgroupIsGoneAndItsFilesClosed() throws IOException {
    TreeCollector c = collector();
    assertThat(scrape(c)).contains("cgroup=\"/a\"");
    int openWithA = fs.open.get();
    fs.remove("/a");
    assertThat(scrape(c)).doesNotContain("cgroup=\"/a\"");
    assertThat(fs.open.get()).as("the files of /a are closed").isLessThan(openWithA);
    c.close();
    assertThat(fs.open.get()).as("close() closes every file kept open").isZero();
  }

  @Test
  void aFileThatVanishesInAFolderThatStaysIsLeftOut() throws IOException {
    TreeCollector c = collector();
    scrape(c);
    fs.files.remove("/a/memory.devices/" + DEV + "/memory.swap.current");
    String text = scrape(c);
    assertThat(text).doesNotContain("cgdev_memory_swap_current_bytes").contains("cgdev_memory_current_bytes{cgroup=\"/a\"");
  }
}
