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
import java.util.zip.GZIPInputStream;
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
 * without JMH (warm-up scrapes, then the mean, median and fastest wall time and the process's CPU time per scrape):
 * {@code java -cp bench/target/benchmarks.jar io.cgdev.bench.metrics.ScrapeBench [cgroups] [scrapes] [gzip]}; with
 * {@code gzip} the client asks for gzip and inflates the body, as Prometheus does.
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
    return get(server.url(), false);
  }

  @Benchmark
  public int scrapeGzip() {
    return get(server.url(), true);
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

  /** GETs the metrics, gzipped if asked (and inflated, as a scraper does); returns the text's bytes. */
  static int get(String url, boolean gzip) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      if (gzip) {
        c.setRequestProperty("Accept-Encoding", "gzip");
      }
      try (InputStream body = c.getInputStream();
          InputStream in = "gzip".equals(c.getHeaderField("Content-Encoding")) ? new GZIPInputStream(body, 1 << 16) : body) {
        return in.readAllBytes().length;
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The timed run: {@code [cgroups] [scrapes] [gzip]} (default 10000 and 20, after 10 warm-up scrapes). */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int scrapes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    boolean gzip = args.length > 2 && args[2].equals("gzip");
    try (Cgroups cg = tree(n); MetricsServer server = MetricsServer.start(MetricsAddress.parse("127.0.0.1:0"), cg.fs())) {
      int bytes = 0;
      for (int i = 0; i < 10; i++) {
        bytes = get(server.url(), gzip);
      }
      long total = 0;
      long fastest = Long.MAX_VALUE;
      long[] times = new long[scrapes];
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      for (int i = 0; i < scrapes; i++) {
        long t0 = System.nanoTime();
        get(server.url(), gzip);
        long t = System.nanoTime() - t0;
        times[i] = t;
        total += t;
        fastest = Math.min(fastest, t);
      }
      double cpu = (os.getProcessCpuTime() - cpu0) / 1e6 / scrapes;
      java.util.Arrays.sort(times);
      System.out.printf(Locale.ROOT, "%d cgroups x 1 device%s: %d bytes per scrape; wall mean %.1f ms, median %.1f ms,"
          + " fastest %.1f ms; process CPU %.1f ms per scrape (all threads, GC included) over %d scrapes%n", n,
          gzip ? " (gzip)" : "", bytes, total / 1e6 / scrapes, times[scrapes / 2] / 1e6, fastest / 1e6, cpu, scrapes);
    }
  }
}
