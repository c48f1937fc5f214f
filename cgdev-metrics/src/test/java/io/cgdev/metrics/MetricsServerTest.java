package io.cgdev.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.core.Cgroups;
import io.cgdev.drm.DrmDevice;
import io.cgdev.drm.DrmFile;
import io.cgdev.i915.I915Driver;
import io.cgdev.metrics.Scrapes.Sample;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scrapes a live tree (the real core, controllers and i915 model) with a real HTTP client, checks the
 * exposition with Prometheus' parser and every value against the file it comes from.
 */
class MetricsServerTest {
  static final long M = 1 << 20;
  Cgroups cg;
  CgroupFs fs;
  MetricsServer server;
  DrmDevice gpu;

  @BeforeEach
  void boot() {
    cg = Cgroups.builder().build();
    fs = cg.fs();
    fs.write("/cgroup.subtree_control", "+memory +cpu");
    fs.mkdir("/train");
    fs.write("/train/cgroup.subtree_control", "+memory +cpu");
    fs.mkdir("/train/job");
    fs.mkdir("/infer");
    gpu = cg.driver(I915Driver.class).orElseThrow().device("i915.0");
    server = MetricsServer.start(MetricsAddress.parse("127.0.0.1:0"), fs);
  }

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
    if (cg != null) {
      cg.close();
    }
  }

  /** Charges memory and runs work in two cgroups, so the figures are not all zero. */
  private void work() {
    fs.write("/infer/cpu.devices/i915.0/cpu.weight", "300");
    fs.write("/infer/cpu.devices/i915.0/cpu.max", "50000 100000");
    Task trainer = cg.tasks().spawn("trainer", CgroupPath.parse("/train/job"));
    Task server = cg.tasks().spawn("server", CgroupPath.parse("/infer"));
    DrmFile a = gpu.open(trainer);
    DrmFile b = gpu.open(server);
    a.createGem(64 * M);
    b.createGem(16 * M);
    String engine = gpu.engineClasses().getFirst();
    for (int i = 0; i < 20; i++) {
      gpu.submit(a, engine, 5_000_000);
      gpu.submit(b, engine, 5_000_000);
    }
    gpu.runFor(300_000_000);
  }

  @Test
  void aScrapeOfALiveTreePassesPromtoolAndMatchesTheFiles() throws Exception {
    work();
    String text = Scrapes.get(server.url(), null);
    Promtool.check(text);
    List<Sample> samples = Scrapes.samples(text);

    // every cgroup and its device appear, and the work shows
    Set<String> cgroups = samples.stream().filter(s -> s.name().equals("cgdev_memory_current_bytes"))
        .map(s -> s.label("cgroup")).collect(Collectors.toSet());
    assertThat(cgroups).containsExactlyInAnyOrder("/", "/train", "/train/job", "/infer");
    assertThat(sum(samples, "cgdev_memory_current_bytes", "/train/job")).isGreaterThanOrEqualTo(64 * M);
    assertThat(sum(samples, "cgdev_cpu_usage_seconds_total", "/infer")).isPositive();
    assertThat(sum(samples, "cgdev_cpu_throttled_periods_total", "/infer")).isPositive();
    assertThat(sum(samples, "cgdev_cpu_weight", "/infer")).isEqualTo(300);

    int checked = 0;
    for (Sample s : samples) {
      if (s.name().startsWith("cgdev_memory_") || s.name().startsWith("cgdev_cpu_")) {
        assertThat(s.value()).as("%s", s).isEqualTo(FileReading.expected(fs, s), within(1e-9));
        checked++;
      }
    }
    assertThat(checked).as("samples compared with their files").isGreaterThan(100);
  }

  @Test
  void dcgmTotalsAreTheRootsFiguresInMiB() {
    work();
    // 30 s of device time more, simulated in far less wall time (also on a loaded machine, where the
    // 300 ms of work() may take longer in wall time than on the device clock)
    DrmFile longJob = gpu.open(cg.tasks().spawn("long", CgroupPath.parse("/infer")));
    gpu.submit(longJob, gpu.engineClasses().getFirst(), 30_000_000_000L);
    gpu.runFor(30_000_000_000L);
    List<Sample> samples = Scrapes.samples(Scrapes.get(server.url(), null));
    double used = 0;
    double capacity = 0;
    for (Sample s : samples) {
      if (s.name().equals("cgdev_memory_current_bytes") && s.label("cgroup").equals("/")) {
        used += s.value();
      }
      if (s.name().equals("cgdev_memory_capacity_bytes")) {
        capacity += s.value();
      }
    }
    assertThat(used).isGreaterThanOrEqualTo(80 * M);
    assertThat(one(samples, "DCGM_FI_DEV_FB_USED").value()).isEqualTo(used / M);
    assertThat(one(samples, "DCGM_FI_DEV_FB_FREE").value()).isEqualTo((capacity - used) / M);
    assertThat(one(samples, "DCGM_FI_DEV_FB_USED").labels()).containsEntry("gpu", "i915.0").containsEntry("device", "i915.0");
    // the simulated clock ran 30 s of work in far less wall time: a busy device reads 100
    assertThat(one(samples, "DCGM_FI_DEV_GPU_UTIL").value()).isEqualTo(100.0);
    // nothing ran since: idle
    assertThat(one(Scrapes.samples(Scrapes.get(server.url(), null)), "DCGM_FI_DEV_GPU_UTIL").value()).isZero();
  }

  @Test
  void aRemovedCgroupVanishesFromTheNextScrape() {
    fs.mkdir("/gone");
    assertThat(cgroupsIn(Scrapes.get(server.url(), null))).contains("/gone");
    fs.rmdir("/gone");
    assertThat(cgroupsIn(Scrapes.get(server.url(), null))).doesNotContain("/gone").contains("/infer");
  }

  @Test
  void aChildCgroupNamedLikeADeviceFolderIsACgroupWhereTheControllerIsOff() {
    // /infer enables nothing, so /infer/solo shows no memory.devices folder and a child may take the name
    fs.mkdir("/infer/solo");
    fs.mkdir("/infer/solo/memory.devices");
    fs.write("/infer/cgroup.subtree_control", "+cpu");
    fs.write("/infer/solo/cgroup.subtree_control", "+cpu");
    List<Sample> samples = Scrapes.samples(Scrapes.get(server.url(), null));
    // the child is a cgroup with a cpu.devices folder of its own, not a folder of memory devices
    assertThat(samples).anyMatch(s -> s.name().equals("cgdev_cpu_weight") && "/infer/solo/memory.devices".equals(s.label("cgroup")));
    assertThat(samples).noneMatch(s -> s.name().startsWith("cgdev_memory") && s.label("cgroup").startsWith("/infer/solo"));
  }

  @Test
  void severalTreesAreServedApartByTheirLabel() {
    server.close();
    try (Cgroups other = Cgroups.builder().build()) {
      other.fs().write("/cgroup.subtree_control", "+memory");
      other.fs().mkdir("/only-in-n2");
      server = MetricsServer.on(MetricsAddress.parse(":0")).tree(fs, "node", "n1").tree(other.fs(), "node", "n2").start();
      List<Sample> samples = Scrapes.samples(Scrapes.get(server.url(), null));
      assertThat(samples).allMatch(s -> s.label("node") != null, "every sample has a node label");
      assertThat(samples.stream().filter(s -> "/only-in-n2".equals(s.label("cgroup"))).map(s -> s.label("node")))
          .isNotEmpty().containsOnly("n2");
      assertThat(samples.stream().filter(s -> s.name().equals("DCGM_FI_DEV_FB_USED")).map(s -> s.label("node")))
          .containsExactlyInAnyOrder("n1", "n2");
    }
  }

  @Test
  void treesWhoseSeriesWouldCollideOrWhoseLabelIsNotALabelAreRefused() {
    MetricsServer.Builder b = MetricsServer.on(MetricsAddress.parse(":0")).tree(fs);
    assertThatThrownBy(() -> b.tree(fs)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("collide");
    MetricsServer.Builder n = MetricsServer.on(MetricsAddress.parse(":0")).tree(fs, "node", "n1");
    assertThatThrownBy(() -> n.tree(fs, "node", "n1")).isInstanceOf(IllegalArgumentException.class);
    for (String bad : List.of("no-de", "1node", "__name", "cgroup", "gpu", "")) {
      assertThatThrownBy(() -> n.tree(fs, bad, "x")).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void anyAcceptHeaderGetsAValidExposition() throws Exception {
    // Prometheus asks for OpenMetrics first, or protobuf when native histograms are on
    String om = Scrapes.get(server.url(), "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
    assertThat(om).contains("# TYPE cgdev_cpu_usage_seconds counter").contains("# UNIT cgdev_cpu_usage_seconds seconds")
        .endsWith("# EOF\n");
    String proto = Scrapes.get(server.url(), "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
        + "encoding=delimited,text/plain;version=0.0.4;q=0.5");
    assertThat(proto).contains("cgdev_cpu_usage_seconds_total").doesNotContain("# TYPE");
  }

  @Test
  void theDefaultHostIsTheLoopbackInterface() {
    assertThat(MetricsAddress.parse("9400")).isEqualTo(new MetricsAddress("127.0.0.1", 9400));
    assertThat(MetricsAddress.parse(":0")).isEqualTo(new MetricsAddress("127.0.0.1", 0));
    assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    assertThat(server.url()).startsWith("http://127.0.0.1:").endsWith("/metrics");
  }

  @Test
  void aPortInUseIsEaddrinuse() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      MetricsAddress a = new MetricsAddress("127.0.0.1", taken.getLocalPort());
      assertThatThrownBy(() -> MetricsServer.start(a, fs)).isInstanceOf(UncheckedIOException.class)
          .hasMessage("cannot serve metrics on " + a + ": EADDRINUSE: Address already in use (another process listens on"
              + " that port; choose another)");
    }
  }

  @Test
  void anAddressNotOfThisMachineIsEaddrnotavail() {
    // TEST-NET-1 (RFC 5737): never an address of this machine
    assertThatThrownBy(() -> MetricsServer.start(MetricsAddress.parse("192.0.2.1:0"), fs))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("EADDRNOTAVAIL");
    assertThatThrownBy(() -> MetricsServer.start(MetricsAddress.parse("no-such-host.invalid:0"), fs))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("unknown host 'no-such-host.invalid'");
  }

  @Test
  void badAddressesAreEinvalNamingTheValue() {
    for (String bad : List.of("", "x", ":", "host:", "host:65536", "host:-1", "host:9x", "::1:80", "[::1]", "[::1]9400",
        "a b:80", "123456")) {
      assertThatThrownBy(() -> MetricsAddress.parse(bad)).as(bad).isInstanceOfSatisfying(CgroupException.class,
          e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL)).hasMessageContaining("metrics address");
    }
    assertThat(MetricsAddress.parse("[::1]:9400")).isEqualTo(new MetricsAddress("::1", 9400));
    assertThat(MetricsAddress.parse("[::1]:9400").toString()).isEqualTo("[::1]:9400");
    assertThat(MetricsAddress.parse("0.0.0.0:80")).isEqualTo(new MetricsAddress("0.0.0.0", 80));
    assertThat(MetricsAddress.parse("localhost:65535")).isEqualTo(new MetricsAddress("localhost", 65535));
  }

  @Test
  void closeIsIdempotentAndFreesThePort() throws Exception {
    int port = server.address().getPort();
    server.close();
    server.close();
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }

  private static Set<String> cgroupsIn(String text) {
    return cgroupsIn(Scrapes.samples(text));
  }

  private static Set<String> cgroupsIn(List<Sample> samples) {
    Set<String> out = new HashSet<>();
    for (Sample s : samples) {
      if (s.label("cgroup") != null) {
        out.add(s.label("cgroup"));
      }
    }
    return out;
  }

  private static double sum(List<Sample> samples, String name, String cgroup) {
    return samples.stream().filter(s -> s.name().equals(name) && cgroup.equals(s.label("cgroup")))
        .mapToDouble(Sample::value).sum();
  }

  private static Sample one(List<Sample> samples, String name) {
    List<Sample> found = samples.stream().filter(s -> s.name().equals(name)).toList();
    assertThat(found).as(name).hasSize(1);
    return found.getFirst();
  }

}
