package io.cgdev.bench.metrics;

import io.cgdev.api.CgroupFs;
import io.cgdev.core.Cgroups;
import io.cgdev.i915.I915Descriptor;
import io.cgdev.i915.I915Driver;
import io.cgdev.metrics.MetricsAddress;
import io.cgdev.metrics.MetricsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One Prometheus scrape of a tree of N cgroups × 1 device (the i915 model with one tile: one local
 * memory region beside system memory, nine engines), over HTTP as Prometheus does it: walk, read
 * every file, render the text format, send it. The tree is 100 cgroups under the root with the rest
 * spread below them, memory and cpu enabled everywhere, so every cgroup has both device folders.
 *
 * <p>JMH: {@code java -jar bench/target/benchmarks.jar ScrapeBench -f 1 -wi 3 -i 5}. A timed run
 * without JMH (warm-up scrapes, then the mean and fastest wall time and the process's CPU time per scrape): {@code java -cp
 * bench/target/benchmarks.jar io.cgdev.bench.metrics.ScrapeBench [cgroups] [scrapes]}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScrapeBench {
  @Param({"10000"})
  public int cgroups;

  private Cgroups cg;
  private MetricsServer server;

  @Setup(Level.Trial)
  public void setUp() {
    cg = tree(cgroups);
    server = MetricsServer.start(MetricsAddress.parse("127.0.0.1:0"), cg.fs());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    server.close();
    cg.close();
  }

  @Benchmark
  public int scrape() {
    return get(server.url());
  }

  /** A tree of {@code n} cgroups with memory and cpu enabled everywhere, on one i915 device. */
  static Cgroups tree(int n) {
    I915Driver driver = new I915Driver(new I915Descriptor(List.of(I915Descriptor.device(0, List.of(4L << 30)))));
    Cgroups cg = Cgroups.builder().driver(driver).build();
    CgroupFs fs = cg.fs();
    fs.write("/cgroup.subtree_control", "+memory +cpu");
    int top = Math.min(100, n);
    for (int i = 0; i < top; i++) {
      fs.mkdir("/t" + i);
      fs.write("/t" + i + "/cgroup.subtree_control", "+memory +cpu");
    }
    for (int j = top; j < n; j++) {
      fs.mkdir("/t" + (j % top) + "/c" + j);
    }
    return cg;
  }

  /** GETs the metrics; returns the bytes received. */
  static int get(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      try (InputStream in = c.getInputStream()) {
        return in.readAllBytes().length;
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The timed run: {@code [cgroups] [scrapes]} (default 10000 and 20, after 10 warm-up scrapes). */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int scrapes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    try (Cgroups cg = tree(n); MetricsServer server = MetricsServer.start(MetricsAddress.parse("127.0.0.1:0"), cg.fs())) {
      int bytes = 0;
      for (int i = 0; i < 10; i++) {
        bytes = get(server.url());
      }
      long total = 0;
      long fastest = Long.MAX_VALUE;
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      for (int i = 0; i < scrapes; i++) {
        long t0 = System.nanoTime();
        get(server.url());
        long t = System.nanoTime() - t0;
        total += t;
        fastest = Math.min(fastest, t);
      }
      double cpu = (os.getProcessCpuTime() - cpu0) / 1e6 / scrapes;
      System.out.printf(Locale.ROOT, "%d cgroups x 1 device: %d bytes per scrape; wall mean %.1f ms, fastest %.1f ms;"
          + " process CPU %.1f ms per scrape (all threads, GC included) over %d scrapes%n", n, bytes, total / 1e6 / scrapes,
          fastest / 1e6, cpu, scrapes);
    }
  }
}
