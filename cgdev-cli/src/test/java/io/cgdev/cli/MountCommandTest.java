package io.cgdev.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cgdev mount} end to end: the tool runs in a child JVM (as the launcher runs it), bash and
 * coreutils use the mount, SIGTERM unmounts, SIGKILL leaves a stale mount that the next
 * {@code cgdev mount} reports with its own exit code. Skipped with the reason when FUSE is missing
 * (a failure under {@code CGDEV_REQUIRE_FUSE=1}), as cgroup-fuse's tests are.
 */
class MountCommandTest {
  /** Upper bound of every wait (a failure, never a measurement). */
  private static final long WAIT_SECONDS = 15;
  private static final String SCENARIO = """
      name: live-test
      tenants:
        - name: work
          cpu: { weight: 100 }
          workloads:
            - name: crunch
              engine: compute
              batch: 1ms
              load: 1
              memory: { size: 64M, count: 2, placement: [local0] }
      """;

  @TempDir Path temp;
  private Path dir;
  private MountDaemon mount;
  private Process daemon;
  private Path daemonErr;

  @BeforeEach
  void setUp() throws IOException {
    MountDaemon.requireFuse();
    dir = Files.createDirectory(temp.resolve("cg")).toRealPath();
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (mount != null) {
      mount.close();
    }
  }

  @Test
  void servesTheLiveTreeMovesCountersTakesWritesAndUnmountsOnSigterm() throws Exception {
    Path scenario = Files.writeString(temp.resolve("live.yaml"), SCENARIO);
    startDaemon("--scenario", scenario.toString());

    String device = dir + "/work/cpu.devices/i915.0";
    long first = usageUsec(bash("cat " + device + "/cpu.stat"));
    Result moved = waitFor("cat " + device + "/cpu.stat", r -> usageUsec(r) > first);
    assertThat(usageUsec(moved)).as("cpu.stat usage_usec grows in live mode").isGreaterThan(first);
    waitFor("cat " + dir + "/work/memory.devices/i915.0/memory.current", r -> r.out().equals("134217728\n"));
    assertThat(bash("cat " + dir + "/work/cgroup.procs").out().strip()).as("the workload's task").matches("\\d+");

    String max = dir + "/work/memory.devices/i915.0/memory.max";
    Result write = bash("echo 1G > " + max + " && cat " + max);
    assertThat(write.exit()).as(write.err()).isZero();
    assertThat(write.out()).isEqualTo("1073741824\n");
    Result refused = bash("echo 12X > " + max);
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.err()).contains("Invalid argument");

    daemon.destroy(); // SIGTERM
    assertThat(daemon.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("cgdev mount exits after SIGTERM").isTrue();
    assertThat(daemon.exitValue()).as("128 + SIGTERM, after the shutdown hooks ran").isEqualTo(143);
    assertThat(MountDaemon.isMountPoint(dir)).as("no mount left behind").isFalse();
    assertThat(Files.readString(daemonErr)).contains("live: the workloads run in real time", "unmounted " + dir);
  }

  /** {@code --layout devices}: every controller's files of a device in {@code <cgroup>/devices/<device>/}. */
  @Test
  void theDevicesLayoutShowsOneFolderPerDevice() throws Exception {
    Path scenario = Files.writeString(temp.resolve("live.yaml"), SCENARIO);
    startDaemon("--scenario", scenario.toString(), "--no-live", "--layout", "devices");

    Result ls = bash("ls " + dir + "/work " + dir + "/work/devices/i915.0");
    assertThat(ls.exit()).as(ls.err()).isZero();
    assertThat(ls.out()).contains("devices", "memory.max", "cpu.stat", "cpu.weight", "cpuset.cpus").doesNotContain("cpu.devices");
    String max = dir + "/work/devices/i915.0/memory.max";
    Result write = bash("echo 1G > " + max + " && cat " + max);
    assertThat(write.exit()).as(write.err()).isZero();
    assertThat(write.out()).contains("1073741824");
    assertThat(bash("cat " + dir + "/work/cgroup.procs").out().strip()).as("the workload's task").matches("\\d+");

    daemon.destroy();
    assertThat(daemon.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(MountDaemon.isMountPoint(dir)).as("no mount left behind").isFalse();
  }

  @Test
  void aStaleMountIsReportedWithTheCommandThatClearsItAndItsOwnExitCode() throws Exception {
    startDaemon("--no-live");
    daemon.destroyForcibly(); // SIGKILL: no hook runs, the mount goes stale
    assertThat(daemon.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(bash("ls " + dir).err()).contains("Transport endpoint is not connected");

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"mount", dir.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(code).isEqualTo(ExitCodes.STALE_MOUNT);
    assertThat(err.toString()).contains("stale FUSE mount at " + dir, "clear it with: fusermount3 -u " + dir);

    assertThat(bash("fusermount3 -u " + dir).exit()).isZero();
    assertThat(MountDaemon.isMountPoint(dir)).isFalse();
  }

  @Test
  void aMissingMountPointIsAMountErrorNamingTheFix() {
    StringWriter err = new StringWriter();
    Path missing = dir.resolve("missing");
    int code = Main.run(new String[] {"mount", missing.toString()}, new PrintWriter(new StringWriter(), true),
        new PrintWriter(err, true));
    assertThat(code).isEqualTo(ExitCodes.MOUNT);
    assertThat(err.toString()).contains("does not exist", "mkdir -p " + missing);
  }

  @Test
  void liveAndNoLiveTogetherAreAUsageError() {
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"mount", dir.toString(), "--live", "--no-live"},
        new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--live and --no-live");
  }

  // ------------------------------------------------------------------ helpers

  /** Runs {@code cgdev mount DIR ARGS} in a child JVM ({@link MountDaemon}) and waits for its mount. */
  private void startDaemon(String... args) throws Exception {
    daemonErr = temp.resolve("daemon.err");
    mount = MountDaemon.start(dir, daemonErr, List.of(), args);
    daemon = mount.process();
    assertThat(MountDaemon.isMountPoint(dir)).isTrue();
  }

  private record Result(int exit, String out, String err) {}

  private static Result bash(String script) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("bash", "-c", script).start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("bash -c '" + script + "' did not finish");
    }
    return new Result(p.exitValue(), out.join(), err.join());
  }

  private static String read(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Runs {@code script} until its result passes {@code done}, or fails after {@link #WAIT_SECONDS}. */
  private static Result waitFor(String script, Predicate<Result> done) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    Result r = bash(script);
    while (!done.test(r)) {
      if (System.nanoTime() > deadline) {
        fail("waited " + WAIT_SECONDS + " s for '" + script + "'; last result: " + r);
      }
      Thread.sleep(50);
      r = bash(script);
    }
    return r;
  }

  private static long usageUsec(Result cpuStat) {
    assertThat(cpuStat.exit()).as(cpuStat.err()).isZero();
    for (String line : cpuStat.out().split("\n")) {
      String[] kv = line.split(" ");
      if (kv.length == 2 && kv[0].equals("usage_usec")) {
        return Long.parseLong(kv[1]);
      }
    }
    throw new AssertionError("no usage_usec in cpu.stat: " + cpuStat.out());
  }
}
