package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.FsEntry;
import io.cgdev.core.Cgroups;
import io.cgdev.fuse.client.Libc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FUSE chaos against the real core, seeded: each round makes a few cgroups, then at once several
 * client threads open their files and read, write, fstat, ftruncate, fsync and close (keeping some
 * descriptors past the end of their cgroup), a remover takes the cgroups away (and sometimes makes
 * them again) under them, and child processes holding descriptors inside them are killed with
 * SIGKILL. Every call must end with an outcome the kernel could give (never {@code EIO}, {@code
 * ENOTCONN}, {@code ESTALE}); after each round the daemon must be alive, the tree seen through the
 * mount must equal the file view's, and every descriptor must have been released.
 *
 * <p>Bounded: {@code -Dcgdev.fuse.chaos.seconds} (default 20) or {@code -Dcgdev.fuse.chaos.rounds}
 * (default 200), whichever ends first. A failure names its seed; replay it with {@code
 * -Dcgdev.fuse.chaos.seed=N}.
 */
class FuseChaosStressTest {
  private static final long SECONDS = Long.getLong("cgdev.fuse.chaos.seconds", 20);
  private static final int ROUNDS = Integer.getInteger("cgdev.fuse.chaos.rounds", 200);
  private static final int CLIENTS = 3;
  private static final int OPS_PER_CLIENT = 40;
  private static final List<String> FILES = List.of("cgroup.procs", "cgroup.max.depth", "cgroup.max.descendants",
      "cgroup.events", "cgroup.stat", "cgroup.controllers");
  /** What a call may answer on the kernel while its cgroup comes and goes. */
  private static final Map<String, Set<String>> ALLOWED = Map.of(
      "open", Set.of("ok", "ENOENT"),
      "read", Set.of("ok", "ENODEV"),
      "write", Set.of("ok", "ENODEV", "EINVAL"),
      "fstat", Set.of("ok"),
      "ftruncate", Set.of("ok"),
      "fsync", Set.of("ok"),
      "close", Set.of("ok"),
      "mkdir", Set.of("ok", "EEXIST", "ENOENT"),
      "rmdir", Set.of("ok", "ENOENT", "EBUSY"));

  @TempDir Path temp;
  private Cgroups cgroups;
  private CgroupMount mount;
  private final List<Process> holders = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void mount() {
    FuseTesting.requireFuse();
    cgroups = Cgroups.builder().discover(true).build();
    mount = CgroupMount.mount(cgroups.fs(), FuseTesting.mountPoint(temp), MountOptions.defaults());
  }

  @AfterEach
  void unmount() {
    for (Process p : holders) {
      p.destroyForcibly();
    }
    if (mount != null) {
      mount.close();
    }
    if (cgroups != null) {
      cgroups.close();
    }
  }

  @Test
  void theDaemonOutlivesEveryClientAndTheTreeStaysConsistent() throws Exception {
    long seed = Long.getLong("cgdev.fuse.chaos.seed", System.nanoTime());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
    int round = 0;
    Map<String, Integer> outcomes = new ConcurrentHashMap<>();
    try {
      for (; round < ROUNDS && System.nanoTime() < deadline; round++) {
        round(new Random(seed + round), round, outcomes);
        checkAlive(round);
      }
    } catch (AssertionError | Exception e) {
      throw new AssertionError("FUSE chaos failed in round " + round + " of seed " + seed
          + " (replay: -Dcgdev.fuse.chaos.seed=" + seed + "): " + e.getMessage(), e);
    }
    System.out.println("FUSE chaos: " + round + " rounds of seed " + seed + ": " + new java.util.TreeMap<>(outcomes));
    assertThat(round).as("rounds run (seed %d)", seed).isPositive();
    assertThat(outcomes).as("outcomes (seed %d)", seed).containsKeys("read ENODEV", "read ok", "fstat ok", "close ok");
  }

  private void round(Random random, int round, Map<String, Integer> outcomes) throws Exception {
    Path root = mount.dir();
    List<String> groups = new ArrayList<>();
    for (int i = 0, n = 2 + random.nextInt(4); i < n; i++) {
      String parent = i > 0 && random.nextInt(3) == 0 ? groups.get(random.nextInt(groups.size())) + "/" : "";
      String name = parent + "r" + round + "-" + i;
      expect(outcomes, "mkdir", Libc.mkdir(root.resolve(name).toString()));
      groups.add(name);
    }
    // processes holding descriptors (and their working folder) inside the cgroups, killed later
    List<Process> killed = new ArrayList<>();
    for (int i = 0, n = random.nextInt(3); i < n; i++) {
      String group = groups.get(random.nextInt(groups.size()));
      Process p = new ProcessBuilder("bash", "-c", "cd \"$1\" && exec 3<cgroup.events 4<>cgroup.max.depth"
          + " && echo ready && exec sleep 600", "_", root.resolve(group).toString()).start();
      holders.add(p);
      killed.add(p);
    }
    for (Process p : killed) {
      assertThat(new String(p.getInputStream().readNBytes(6))).as("a holder started").startsWith("ready");
    }
    List<Libc.Outcome> kept = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    for (int c = 0; c < CLIENTS; c++) {
      Random r = new Random(random.nextLong());
      threads.add(Thread.ofPlatform().start(() -> guarded(failures, () -> {
        start.await();
        client(r, root, groups, kept, outcomes);
      })));
    }
    Random removerRandom = new Random(random.nextLong());
    threads.add(Thread.ofPlatform().start(() -> guarded(failures, () -> {
      start.await();
      remover(removerRandom, root, groups, outcomes);
    })));
    start.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(t.isAlive()).as("a client thread is stuck").isFalse();
    }
    assertThat(failures).as("client failures").isEmpty();
    // take the round's cgroups away, children first, while descriptors and holders are still inside
    List<String> byDepth = new ArrayList<>(groups);
    byDepth.sort((a, b) -> Long.compare(depth(b), depth(a)));
    for (String g : byDepth) {
      expect(outcomes, "rmdir", Libc.rmdir(root.resolve(g).toString()));
    }
    assertThat(cgroups.fs().list("/").stream().map(FsEntry::name).filter(n -> n.startsWith("r" + round + "-")))
        .as("cgroups of round %d left", round).isEmpty();
    // descriptors that outlived their cgroup answer as a removed cgroup's files do on the kernel
    for (Libc.Outcome fd : kept) {
      Libc.Outcome read = Libc.read(fd.result(), 64);
      outcomes.merge("read " + read.kind(), 1, Integer::sum);
      assertThat(read.kind()).as("read of a removed cgroup's file").isEqualTo("ENODEV");
      expect(outcomes, "fstat", Libc.fstat(fd.result()));
      expect(outcomes, "fsync", Libc.fsync(fd.result()));
      expect(outcomes, "close", Libc.close(fd.result()));
    }
    for (Process p : killed) {
      p.destroyForcibly(); // SIGKILL while holding descriptors in a removed cgroup
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      holders.remove(p);
    }
  }

  private static long depth(String group) {
    return group.chars().filter(ch -> ch == '/').count();
  }

  private static void client(Random r, Path root, List<String> groups, List<Libc.Outcome> kept,
      Map<String, Integer> outcomes) {
    for (int op = 0; op < OPS_PER_CLIENT; op++) {
      String file = root.resolve(groups.get(r.nextInt(groups.size()))).resolve(FILES.get(r.nextInt(FILES.size()))).toString();
      Libc.Outcome fd = Libc.open(file, r.nextBoolean() ? Libc.O_RDONLY : Libc.O_RDWR);
      expect(outcomes, "open", fd);
      if (!fd.ok()) {
        continue;
      }
      boolean writable = true;
      for (int k = 0, n = 1 + r.nextInt(4); k < n; k++) {
        switch (r.nextInt(5)) {
          case 0 -> expect(outcomes, "read", Libc.read(fd.result(), 256));
          case 1 -> {
            Libc.Outcome w = Libc.write(fd.result(), "max\n");
            if (!"EBADF".equals(w.errno())) { // opened read-only: the VFS refuses before FUSE
              expect(outcomes, "write", w);
            }
          }
          case 2 -> expect(outcomes, "fstat", Libc.fstat(fd.result()));
          case 3 -> {
            Libc.Outcome t = Libc.ftruncate(fd.result(), 0);
            if (!"EINVAL".equals(t.errno()) && !"EBADF".equals(t.errno())) { // read-only descriptor
              expect(outcomes, "ftruncate", t);
            }
          }
          default -> expect(outcomes, "fsync", Libc.fsync(fd.result()));
        }
      }
      if (r.nextInt(6) == 0) {
        kept.add(fd); // outlives its cgroup, closed after the round
      } else {
        expect(outcomes, "close", Libc.close(fd.result()));
      }
    }
  }

  private static void remover(Random r, Path root, List<String> groups, Map<String, Integer> outcomes)
      throws InterruptedException {
    for (int i = 0; i < 12; i++) {
      String g = root.resolve(groups.get(r.nextInt(groups.size()))).toString();
      if (r.nextInt(3) == 0) {
        expect(outcomes, "mkdir", Libc.mkdir(g));
      } else {
        expect(outcomes, "rmdir", Libc.rmdir(g));
      }
      Thread.sleep(r.nextInt(3));
    }
  }

  private static void expect(Map<String, Integer> outcomes, String op, Libc.Outcome outcome) {
    outcomes.merge(op + " " + outcome.kind(), 1, Integer::sum);
    assertThat(ALLOWED.get(op)).as("%s answered %s", op, outcome).contains(outcome.kind());
  }

  @FunctionalInterface
  private interface Body {
    void run() throws Exception;
  }

  private static void guarded(List<Throwable> failures, Body body) {
    try {
      body.run();
    } catch (Throwable e) {
      failures.add(e);
    }
  }

  /** The daemon answers, the tree through the mount equals the file view's, and no descriptor is left open. */
  private void checkAlive(int round) throws Exception {
    assertThat(mount.isMounted()).as("the daemon serves after round %d", round).isTrue();
    Libc.Outcome rootFd = Libc.open(mount.dir().toString(), Libc.O_RDONLY);
    assertThat(rootFd.ok()).as("open the mount's root: %s", rootFd).isTrue();
    assertThat(Libc.fstat(rootFd.result()).ok()).isTrue();
    Libc.close(rootFd.result());
    assertThat(mounted(mount.dir())).as("the tree through the mount").isEqualTo(viewed(cgroups.fs(), "/"));
    for (int i = 0; i < 400 && mount.openFiles() > 0; i++) {
      Thread.sleep(10); // releases arrive asynchronously after close and after a client's death
    }
    assertThat(mount.openFiles()).as("descriptors still open after round %d", round).isZero();
  }

  private static Set<String> mounted(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return new TreeSet<>(all.filter(p -> !p.equals(root)).map(p -> "/" + root.relativize(p)).toList());
    }
  }

  private static Set<String> viewed(CgroupFs fs, String folder) {
    Set<String> out = new TreeSet<>();
    for (FsEntry e : fs.list(folder)) {
      String path = (folder.equals("/") ? "" : folder) + "/" + e.name();
      out.add(path);
      if (e.isDirectory()) {
        out.addAll(viewed(fs, path));
      }
    }
    return out;
  }
}
