package io.cgdev.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --metrics ADDR:PORT} on {@code cgdev run} and {@code cgdev mount}, in-process: the endpoint
 * is scraped with a real HTTP client while the command serves; bad addresses are usage errors, an
 * address in use fails with {@code EADDRINUSE}. The mount test needs FUSE (skipped with one line
 * without it, a failure under {@code CGDEV_REQUIRE_FUSE=1}).
 */
class MetricsOptionTest {
  private static final long WAIT_SECONDS = 30;
  private static final Pattern URL = Pattern.compile("metrics at (http://\\S+/metrics)");
  private static final Path TWO_TEAMS = Path.of("../samples/scenarios/two-teams.yaml").toAbsolutePath().normalize();

  @TempDir Path temp;

  @Test
  void runServesTheSimulationsTreeAndThenTheFinalTreeUntilStopped() throws Exception {
    StringWriter err = new StringWriter();
    AtomicInteger code = new AtomicInteger(-1);
    Thread run = new Thread(() -> code.set(Main.run(new String[] {"run", TWO_TEAMS.toString(), "--duration", "300ms",
        "--no-progress", "--no-tree", "--out", temp.resolve("out").toString(), "--metrics", "127.0.0.1:0"},
        new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))), "cgdev-run");
    run.start();
    try {
      await(err, "serving the final tree's metrics", run);
      String text = get(url(err));
      assertThat(text).contains("cgdev_memory_current_bytes{cgroup=\"/team-a/job-1\",device=\"i915.0\"",
          "cgdev_cpu_usage_seconds_total{cgroup=\"/team-b/job-3\",device=\"i915.0\"}", "DCGM_FI_DEV_FB_USED{");
      assertThat(usage(text, "/team-a")).as("device time of team-a after the run").isPositive();
    } finally {
      run.interrupt();
      run.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    }
    assertThat(run.isAlive()).isFalse();
    assertThat(code.get()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void aMalformedAddressIsAUsageErrorWithEinval() {
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"run", TWO_TEAMS.toString(), "--metrics", "localhost:99999"},
        new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--metrics", "EINVAL: metrics address 'localhost:99999': port 99999 out of range");
  }

  @Test
  void anAddressInUseFailsTheCommandWithEaddrinuse() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      StringWriter err = new StringWriter();
      int code = Main.run(new String[] {"run", TWO_TEAMS.toString(), "--duration", "10ms", "--no-progress",
          "--out", temp.resolve("out").toString(), "--metrics", ":" + taken.getLocalPort()},
          new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
      assertThat(code).isEqualTo(ExitCodes.FAILED);
      assertThat(err.toString()).contains("cgdev: cannot serve metrics on 127.0.0.1:" + taken.getLocalPort()
          + ": EADDRINUSE: Address already in use");
    }
  }

  @Test
  void mountServesTheMountedTreesMetrics() throws Exception {
    requireFuse();
    Path dir = Files.createDirectory(temp.resolve("cg")).toRealPath();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    AtomicInteger code = new AtomicInteger(-1);
    Thread mount = new Thread(() -> code.set(Main.run(new String[] {"mount", dir.toString(), "--scenario",
        TWO_TEAMS.toString(), "--metrics", "127.0.0.1:0"}, new PrintWriter(out, true), new PrintWriter(err, true))),
        "cgdev-mount");
    mount.start();
    try {
      await(out, "cgdev: mounted at " + dir, mount);
      String url = url(err);
      // a write through the mount shows in the next scrape; the value equals the file's, read through FUSE
      Files.writeString(dir.resolve("team-b/cpu.devices/i915.0/cpu.weight"), "250");
      String text = get(url);
      // whole numbers are written as integers in the text format (docs/METRICS.md)
      assertThat(text).contains("cgdev_cpu_weight{cgroup=\"/team-b\",device=\"i915.0\"} "
          + Long.parseLong(Files.readString(dir.resolve("team-b/cpu.devices/i915.0/cpu.weight")).strip()) + "\n");
      // live mode: device time grows between scrapes
      double first = usage(text, "/team-a");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (usage(get(url), "/team-a") <= first) {
        if (System.nanoTime() > deadline) {
          fail("device time of /team-a did not grow in " + WAIT_SECONDS + " s");
        }
        Thread.sleep(50);
      }
    } finally {
      new ProcessBuilder("fusermount3", "-u", dir.toString()).inheritIO().start().waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
      mount.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    }
    assertThat(mount.isAlive()).as("cgdev mount returns once unmounted").isFalse();
    assertThat(code.get()).isEqualTo(ExitCodes.OK);
    assertThat(err.toString()).contains("cgdev mount: metrics at http://127.0.0.1:");
  }

  // ------------------------------------------------------------------ helpers

  private static void await(StringWriter stream, String text, Thread command) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!stream.toString().contains(text)) {
      if (!command.isAlive() || System.nanoTime() > deadline) {
        fail("waited for '" + text + "'; the command wrote: " + stream);
      }
      Thread.sleep(20);
    }
  }

  private static String url(StringWriter err) {
    Matcher m = URL.matcher(err.toString());
    assertThat(m.find()).as("a metrics line in: %s", err).isTrue();
    return m.group(1);
  }

  private static String get(String url) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setConnectTimeout(10_000);
    c.setReadTimeout(30_000);
    assertThat(c.getResponseCode()).isEqualTo(200);
    try (InputStream in = c.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The sample {@code cgdev_cpu_usage_seconds_total} of a cgroup. */
  private static double usage(String text, String cgroup) {
    String prefix = "cgdev_cpu_usage_seconds_total{cgroup=\"" + cgroup + "\",device=\"i915.0\"} ";
    for (String line : text.split("\n")) {
      if (line.startsWith(prefix)) {
        return Double.parseDouble(line.substring(prefix.length()).strip());
      }
    }
    throw new AssertionError("no " + prefix + " in the scrape");
  }

  private static void requireFuse() {
    String reason = io.cgdev.fuse.CgroupMount.unavailableReason().orElse(null);
    if (reason == null && !onPath("fusermount3")) {
      reason = "fusermount3 is not on the PATH (install it: apt-get install fuse3)";
    }
    if (reason == null) {
      return;
    }
    if ("1".equals(System.getenv("CGDEV_REQUIRE_FUSE"))) {
      fail(reason + " — and CGDEV_REQUIRE_FUSE=1 asks for the FUSE tests to run");
    }
    System.err.println("SKIPPED: the --metrics mount test needs FUSE: " + reason);
    Assumptions.abort("FUSE tests skipped: " + reason);
  }

  private static boolean onPath(String program) {
    for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, program))) {
        return true;
      }
    }
    return false;
  }
}
