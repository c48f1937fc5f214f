package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cgdev.core.Cgroups;
import io.cgdev.fuse.client.RemovedCgroupProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's "done when": descriptors that outlive their cgroup, driven through the mount by a
 * non-root delegatee, leave the daemon alive and answer as the host kernel does. The same client
 * ({@link RemovedCgroupProbe}, a child JVM run with {@code runuser}) runs first in a cgroup of the
 * host's cgroup2 delegated to the same user, then in a delegated cgroup of the mount (the real core);
 * every operation must end with the same outcomes in both (read and write {@code ENODEV}; fstat,
 * ftruncate, fsync and close succeed; open-write-close-rmdir succeeds).
 *
 * <p>Rounds per operation through the mount: {@code -Dcgdev.fuse.removedRounds=N} (default 300, a
 * few seconds; the 10,000 is run by hand, see docs/FUSE.md). Needs root (a user is added
 * and removed again) and a writable host cgroup2; skipped with one line otherwise.
 */
class RemovedCgroupDescriptorTest {
  private static final String USER = "cgdevprobe";
  private static final String FILE = "cgroup.max.depth";
  private static final String VALUE = "max\n";
  private static final int ROUNDS = Integer.getInteger("cgdev.fuse.removedRounds", 300);
  /** The kernel's answers do not vary; a few rounds establish them. */
  private static final int HOST_ROUNDS = 20;

  @TempDir static Path temp;
  private static TestUser user;
  private static Path hostProbe;
  private static Cgroups cgroups;
  private static CgroupMount mount;
  private static ClientJvm client;

  @BeforeAll
  static void setUp() throws Exception {
    FuseTesting.requireFuse();
    assumeTrue(FuseTesting.isRoot(), "the delegatee test needs root: it adds the local user " + USER
        + " and compares with the host's cgroup2");
    Optional<Path> host = HostCgroup2.find();
    assumeTrue(host.isPresent(), HostCgroup2.missingReason());
    user = TestUser.ensure(USER);
    client = ClientJvm.stage(temp);
    hostProbe = HostCgroup2.makeProbe(host.get(), "removed");
    delegate(hostProbe);
    cgroups = Cgroups.builder().discover(true).build();
    Path dir = FuseTesting.mountPoint(temp);
    mount = CgroupMount.mount(cgroups.fs(), dir, MountOptions.defaults());
    Shell.Result made = Shell.bash(dir, "mkdir deleg");
    assertThat(made.exit()).as(made.err()).isZero();
    delegate(dir.resolve("deleg"));
  }

  /** Gives a cgroup to the user as cgroup v2 delegation does: the folder and the files that move and enable. */
  private static void delegate(Path cgroup) {
    Shell.Result r = Shell.bash(cgroup, "chown " + USER + " . cgroup.procs cgroup.subtree_control"
        + " && { [ ! -e cgroup.threads ] || chown " + USER + " cgroup.threads; }");
    assertThat(r.exit()).as("delegating %s: %s", cgroup, r.err()).isZero();
  }

  @AfterAll
  static void tearDown() {
    if (mount != null) {
      mount.close();
    }
    if (cgroups != null) {
      cgroups.close();
    }
    if (hostProbe != null) {
      HostCgroup2.removeTree(hostProbe);
    }
    if (user != null) {
      user.remove();
    }
  }

  private static Map<String, Map<String, Integer>> probe(Path base, int rounds) {
    List<String> args = new ArrayList<>(List.of(base.toString(), FILE, VALUE, Integer.toString(rounds)));
    args.addAll(RemovedCgroupProbe.OPS);
    List<String> lines = client.runAs(USER, RemovedCgroupProbe.class, args);
    assertThat(lines).as("the client ran to its end").endsWith("done");
    Map<String, Map<String, Integer>> byOp = new TreeMap<>();
    for (String line : lines.subList(0, lines.size() - 1)) {
      String[] f = line.split("\t");
      byOp.computeIfAbsent(f[0], k -> new TreeMap<>()).put(f[1], Integer.parseInt(f[2]));
    }
    return byOp;
  }

  @Test
  void descriptorsOfRemovedCgroupsAnswerAsTheHostKernelDoesAndTheDaemonLives() throws Exception {
    Map<String, Map<String, Integer>> kernel = probe(hostProbe, HOST_ROUNDS);
    Map<String, Map<String, Integer>> cgdev = probe(mount.dir().resolve("deleg"), ROUNDS);
    System.out.println("removed-cgroup descriptors, " + ROUNDS + " rounds per operation as " + USER
        + ": kernel " + kernel + "; cgdev " + cgdev);
    assertThat(cgdev.keySet()).containsExactlyInAnyOrderElementsOf(RemovedCgroupProbe.OPS);
    for (String op : RemovedCgroupProbe.OPS) {
      assertThat(kernel.get(op)).as("the kernel answers %s one way", op).hasSize(1);
      assertThat(new TreeSet<>(cgdev.get(op).keySet())).as("%s through the mount (kernel: %s)", op, kernel.get(op))
          .isEqualTo(new TreeSet<>(kernel.get(op).keySet()));
      assertThat(cgdev.get(op).values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(ROUNDS);
    }
    assertThat(mount.isMounted()).as("the daemon is alive").isTrue();
    assertThat(Shell.bash(mount.dir(), "ls deleg && cat cgroup.max.depth").exit()).isZero();
    for (int i = 0; i < 200 && mount.openFiles() > 0; i++) {
      Thread.sleep(25); // release arrives asynchronously after close
    }
    assertThat(mount.openFiles()).as("every descriptor was released").isZero();
    try (var left = Files.list(mount.dir().resolve("deleg"))) {
      assertThat(left.filter(Files::isDirectory).toList()).as("no cgroup left behind").isEmpty();
    }
  }
}
