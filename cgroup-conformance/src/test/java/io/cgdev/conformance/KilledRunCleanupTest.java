package io.cgdev.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL at a random point leaves its cgroups, helper processes, FUSE mount and
 * the root's {@code +hugetlb} behind; the next run removes them all (they are recognisable by name,
 * and the lock says no run owns them), and leaves nothing once it is closed.
 */
@Timeout(120)
class KilledRunCleanupTest {
  @TempDir static Path temp;

  @Test
  void theNextRunRemovesWhatAKilledRunLeft() throws Exception {
    Path[] root = new Path[1];
    if (HostCgroup2.unusableReason(root).isPresent()) {
      Harness.openOrSkip(temp, UnaryOperator.identity(), System.out).close(); // skips or fails, saying why
      return;
    }
    String controlBefore = HostCgroup2.read(root[0].resolve("cgroup.subtree_control"));
    long seed = System.nanoTime();
    Process victim = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Victim.class.getName(),
        temp.toString(), Long.toString(seed)).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("victim: running")) {
      if (line.startsWith("cgroup-conformance skipped")) {
        victim.destroyForcibly();
        Harness.openOrSkip(temp, UnaryOperator.identity(), System.out).close();
        return;
      }
    }
    assertThat(line).as("the victim started").isNotNull();
    Thread drain = Thread.ofVirtual().start(() -> {
      try {
        out.lines().forEach(l -> {}); // so that the victim never blocks on a full pipe
      } catch (java.io.UncheckedIOException e) {
        // the victim is gone
      }
    });
    Thread.sleep(new Random(seed).nextInt(1500));
    long pid = victim.pid();
    victim.destroyForcibly(); // SIGKILL
    // one of its threads may wait on its own mount: only an abort of the connection lets the JVM die
    long dying = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!victim.waitFor(200, TimeUnit.MILLISECONDS) && System.nanoTime() < dying) {
      CgdevSide.abortOrphanedMounts(System.out);
    }
    assertThat(victim.isAlive()).as("the killed victim is gone").isFalse();

    List<Long> helpers = java.util.Arrays.stream(line.substring(line.indexOf("helpers") + 7).trim().split(" "))
        .map(Long::parseLong).toList();
    try (Harness next = Harness.openOrSkip(temp, UnaryOperator.identity(), System.out)) {
      assertThat(ownedBy(root[0], pid)).as("cgroups of the killed run (seed %d)", seed).isEmpty();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (helpers.stream().anyMatch(KilledRunCleanupTest::alive) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(helpers).as("helper processes of the killed run (seed %d)", seed).noneMatch(KilledRunCleanupTest::alive);
      assertThat(Files.readString(Path.of("/proc/mounts"))).doesNotContain("/" + CgdevSide.MOUNT_PREFIX + "-victim");
      assertThat(next.runner.replay(List.of(new Step.Mkdir("a"), new Step.Rmdir("a")))).isNull();
    }
    drain.join(5_000);
    assertThat(ownedBy(root[0], -1)).as("cgroups of any run (seed %d)", seed).isEmpty();
    assertThat(HostCgroup2.read(root[0].resolve("cgroup.subtree_control"))).isEqualTo(controlBefore);
    assertThat(Files.exists(Path.of(HostSide.RESTORE_FILE))).isFalse();
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** The run's cgroups under the host's root: of JVM {@code pid}, or of any run for -1. */
  private static List<String> ownedBy(Path root, long pid) throws Exception {
    String prefix = HostSide.PREFIX + (pid < 0 ? "" : pid + "-");
    try (var entries = Files.list(root)) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).toList();
    }
  }

  /** A conformance run that never ends, to be killed. */
  public static final class Victim {
    private Victim() {}

    public static void main(String[] args) throws Exception {
      Path dir = Files.createDirectories(Path.of(args[0], CgdevSide.MOUNT_PREFIX + "-victim"));
      try (Harness h = Harness.openOrSkip(dir, UnaryOperator.identity(), System.out)) {
        StringBuilder pids = new StringBuilder();
        for (int i = 0; i < h.host.processes(); i++) {
          pids.append(' ').append(h.host.pid(i));
        }
        System.out.println("victim: running, helpers" + pids);
        System.out.flush();
        for (long seed = Long.parseLong(args[1]); ; seed++) {
          h.campaign(seed, 1_000, 50, false, dir.resolve("out"));
        }
      }
    }
  }
}
