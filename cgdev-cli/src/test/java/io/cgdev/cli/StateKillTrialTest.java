package io.cgdev.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.cgdev.api.CgroupException;
import io.cgdev.cli.world.World;
import io.cgdev.state.Configuration;
import io.cgdev.state.TreeRestore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cgdev mount DIR --state FILE}, killed with SIGKILL at a random moment of a stream of
 * changes made through the mount (mkdir, rmdir, writes to every kind of setting, chown and chmod),
 * then mounted again with the same file: the tree a client sees is the one after the last
 * acknowledged change — or after the change that was in flight when the daemon died (its record may
 * have reached the disk before its answer could be sent) — and the state file always opens.
 *
 * <p>What is expected is kept by a second world in this JVM (a mirror): each change the mount
 * acknowledges is made there too, and a change the mount refuses must be refused there as well.
 * Trials follow each other on the same state file, so that later ones replay a file that earlier
 * kills, torn records and compactions (after a random 3 to 40 records, {@code
 * -Dcgdev.state.compactAfter} in the daemon) have shaped.
 *
 * <p>Seeded: {@code -Dcgdev.state.killSeed=N} replays a run. {@code -Dcgdev.state.killTrials=N}
 * trials (3 by default, about 20 s here; docs/STATE.md records a run of 100). Needs FUSE: skipped
 * with one line without it, unless {@code CGDEV_REQUIRE_FUSE=1}.
 */
class StateKillTrialTest {
  private static final long SEED = Long.getLong("cgdev.state.killSeed", System.nanoTime());
  private static final int TRIALS = Integer.getInteger("cgdev.state.killTrials", 3);
  /** The kill comes within this long after a stream starts. */
  private static final int MAX_KILL_DELAY_MS = 1500;
  /** A stream ends here if the kill has not come (a failure: the daemon did not die). */
  private static final int MAX_CHANGES = 200_000;

  @TempDir Path temp;
  private Path dir;
  private MountDaemon daemon;
  private final ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "kill -9");
    t.setDaemon(true);
    return t;
  });

  @BeforeEach
  void setUp() throws IOException {
    MountDaemon.requireFuse();
    dir = Files.createDirectory(temp.resolve("cg")).toRealPath();
  }

  @AfterEach
  void cleanUp() throws IOException {
    killer.shutdownNow();
    if (daemon != null) {
      daemon.close();
    }
  }

  /** One change made through the mount: a tree change of {@link RandomTrees}, or an owner or mode. */
  private sealed interface Step permits TreeStep, ChownStep, ChmodStep {}

  private record TreeStep(RandomTrees.Change change) implements Step {}

  /** {@code chown} of the user ({@code gid} false) or of the group alone: one setattr each. */
  private record ChownStep(String path, boolean gid, int id) implements Step {}

  private record ChmodStep(String path, int mode) implements Step {}

  @Test
  void afterKillNineAndRemountTheTreeIsTheLastAcknowledgedOne() throws Exception {
    Random random = new Random(SEED);
    Path state = temp.resolve("tree.state");
    int acknowledged = 0;
    int inFlightKept = 0;
    int inFlightLost = 0;
    int torn = 0;
    int interruptedCompactions = 0;
    try (World mirror = World.boot(World.Options.DEFAULT)) {
      Map<String, Integer> owners = new LinkedHashMap<>();
      daemon = start(state, random);
      for (int trial = 0; trial < TRIALS; trial++) {
        String why = "seed " + SEED + " (-Dcgdev.state.killSeed), trial " + trial;
        Stream stream = writeUntilKilled(mirror, owners, random, why);
        acknowledged += stream.acknowledged();
        daemon.kill9();

        daemon = start(state, random);
        String err = daemon.stderr();
        torn += err.contains("cut from the file") ? 1 : 0;
        interruptedCompactions += err.contains("a compaction was interrupted") ? 1 : 0;

        Configuration seen = Configuration.read(new MountedDirectoryFs(dir));
        Configuration ackedTree = Configuration.read(mirror.fs());
        if (seen.equals(ackedTree) && ownersAre(owners)) {
          inFlightLost += stream.inFlight() == null ? 0 : 1;
          continue;
        }
        Step inFlight = stream.inFlight();
        if (inFlight != null) {
          Map<String, Integer> ownersAfter = new LinkedHashMap<>(owners);
          expectOwners(ownersAfter, inFlight);
          Configuration treeAfter = inFlight instanceof TreeStep t ? after(ackedTree, t.change()) : ackedTree;
          if (treeAfter != null && seen.equals(treeAfter) && ownersAre(ownersAfter)) {
            inFlightKept++;
            if (inFlight instanceof TreeStep t) {
              t.change().apply(mirror.fs());
            }
            owners.clear();
            owners.putAll(ownersAfter);
            continue;
          }
        }
        Path kept = Path.of("target", "state-kill-trial-failure.state");
        Files.copy(state, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        fail(why + ": (state file kept in " + kept.toAbsolutePath() + ") after kill -9 and remount the tree is neither the one after the last acknowledged change nor"
            + " the one after the change in flight (" + inFlight + ")\nexpected: " + ackedTree + "\n owners " + owners
            + "\nseen:     " + seen + "\ndaemon: " + err);
      }
      daemon.process().destroy(); // SIGTERM: a clean end
      assertThat(daemon.process().waitFor(MountDaemon.WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(daemon.process().exitValue()).isEqualTo(143);
      assertThat(MountDaemon.isMountPoint(dir)).isFalse();
    }
    System.out.printf("kill -9 trials: %d of %d passed (seed %d): %d acknowledged changes kept, in flight at the kill"
        + " %d kept and %d not, %d torn records cut, %d interrupted compactions%n", TRIALS, TRIALS, SEED, acknowledged,
        inFlightKept, inFlightLost, torn, interruptedCompactions);
  }

  private record Stream(int acknowledged, Step inFlight) {}

  /**
   * Makes random changes through the mount, each also in {@code mirror} once acknowledged, until the
   * daemon, killed at a random moment, fails one: that one is in flight.
   */
  private Stream writeUntilKilled(World mirror, Map<String, Integer> owners, Random random, String why)
      throws IOException {
    AtomicBoolean killed = new AtomicBoolean();
    Process process = daemon.process();
    killer.schedule(() -> {
      killed.set(true); // before the signal: a failure seen after it is the kill's
      process.destroyForcibly();
    }, random.nextInt(MAX_KILL_DELAY_MS), TimeUnit.MILLISECONDS);
    for (int done = 0; done < MAX_CHANGES; ) {
      Step step = propose(mirror, random);
      if (step == null) {
        continue;
      }
      try {
        make(step);
      } catch (IOException e) {
        if (killed.get()) {
          return new Stream(done, step);
        }
        // refused by the mount: it must be refused by the mirror too (which then changes nothing)
        if (step instanceof TreeStep t) {
          try {
            t.change().apply(mirror.fs());
            fail(why + ": the mount refused " + t.change() + " (" + e + ") which the same world takes");
          } catch (CgroupException expected) {
            continue;
          }
        }
        fail(why + ": the mount refused " + step + ": " + e);
      }
      done++;
      if (step instanceof TreeStep t) {
        try {
          t.change().apply(mirror.fs());
        } catch (CgroupException e) {
          fail(why + ": the mount took " + t.change() + " which the same world refuses: " + e.getMessage());
        }
      }
      expectOwners(owners, step);
      if (killed.get() && !process.isAlive()) {
        return new Stream(done, null);
      }
    }
    throw new AssertionError(why + ": the daemon was not killed within " + MAX_CHANGES + " changes");
  }

  private Step propose(World mirror, Random random) {
    List<String> cgroups = RandomTrees.cgroups(mirror.fs()).stream().filter(c -> !c.equals("/")).toList();
    if (random.nextInt(8) > 0 || cgroups.isEmpty()) {
      RandomTrees.Change c = RandomTrees.propose(mirror.fs(), random);
      // RandomTrees only enables controllers: see there, and docs/STATE.md (known gap)
      return c == null || "".equals(c.value()) ? null : new TreeStep(c);
    }
    String cgroup = cgroups.get(random.nextInt(cgroups.size()));
    return switch (random.nextInt(4)) {
      case 0 -> new ChmodStep(cgroup, new int[] {0755, 0775, 0700, 0750}[random.nextInt(4)]);
      case 1 -> new ChownStep(cgroup, random.nextBoolean(), 1000 + random.nextInt(5));
      default -> new ChownStep(cgroup + "/" + (random.nextBoolean() ? "cgroup.procs" : "cgroup.subtree_control"),
          random.nextBoolean(), 1000 + random.nextInt(5));
    };
  }

  /** Makes {@code step} through the mount with the JDK's file calls, one system call that changes something each. */
  private void make(Step step) throws IOException {
    switch (step) {
      case TreeStep t -> {
        Path p = mounted(t.change().path());
        switch (t.change().op()) {
          case "mkdir" -> Files.createDirectory(p);
          case "rmdir" -> Files.delete(p);
          default -> {
            try (FileChannel channel = FileChannel.open(p, StandardOpenOption.WRITE)) {
              channel.write(ByteBuffer.wrap(t.change().value().getBytes(StandardCharsets.UTF_8)));
            }
          }
        }
      }
      case ChownStep c -> Files.setAttribute(mounted(c.path()), c.gid() ? "unix:gid" : "unix:uid", c.id());
      case ChmodStep c -> Files.setPosixFilePermissions(mounted(c.path()),
          PosixFilePermissions.fromString(permissions(c.mode())));
    }
  }

  /** What {@code step}, acknowledged, makes of the owners and modes this test checks. */
  private static void expectOwners(Map<String, Integer> owners, Step step) {
    switch (step) {
      case TreeStep t when t.change().op().equals("rmdir") -> owners.keySet().removeIf(
          k -> k.startsWith(t.change().path() + " ") || k.startsWith(t.change().path() + "/"));
      case TreeStep t -> {}
      case ChownStep c -> owners.put(c.path() + (c.gid() ? " unix:gid" : " unix:uid"), c.id());
      case ChmodStep c -> owners.put(c.path() + " unix:mode", c.mode());
    }
  }

  /** Whether the mount shows each owner and mode in {@code owners}. */
  private boolean ownersAre(Map<String, Integer> owners) throws IOException {
    for (Map.Entry<String, Integer> e : owners.entrySet()) {
      int space = e.getKey().lastIndexOf(' ');
      Path p = mounted(e.getKey().substring(0, space));
      String attribute = e.getKey().substring(space + 1);
      if (!Files.exists(p)) {
        return false;
      }
      int value = (Integer) Files.getAttribute(p, attribute);
      if ((attribute.equals("unix:mode") ? value & 07777 : value) != e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** The tree {@code tree} becomes with {@code change}, or {@code null} if it refuses it. */
  private static Configuration after(Configuration tree, RandomTrees.Change change) {
    try (World scratch = World.boot(World.Options.DEFAULT)) {
      TreeRestore.converge(scratch.fs(), tree);
      change.apply(scratch.fs());
      return Configuration.read(scratch.fs());
    } catch (CgroupException e) {
      return null;
    }
  }

  private MountDaemon start(Path state, Random random) throws IOException {
    int compactAfter = 3 + random.nextInt(38);
    return MountDaemon.start(dir, temp.resolve("daemon.err"), List.of("-Dcgdev.state.compactAfter=" + compactAfter),
        "--no-live", "--state", state.toString());
  }

  private Path mounted(String path) {
    return dir.resolve(path.substring(1));
  }

  private static String permissions(int mode) {
    StringBuilder s = new StringBuilder();
    for (int shift = 6; shift >= 0; shift -= 3) {
      int bits = mode >> shift;
      s.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-').append((bits & 1) != 0 ? 'x' : '-');
    }
    return s.toString();
  }
}
