package io.cgdev.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.cli.world.World;
import io.cgdev.state.Configuration;
import io.cgdev.state.StateBase;
import io.cgdev.state.StateFile;
import io.cgdev.state.TreeRestore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * snapshot → restore → snapshot on random trees of the real world (the i915 model, memory, cpu and
 * cpuset; every configuration file found by mode): the restored tree's snapshot is byte for byte the
 * one it was restored from — the whole snapshot, since without tasks and workloads the status follows
 * from the configuration too — and the same holds through a state file's checkpoint. Seeded
 * ({@code -Dcgdev.state.seed=N} replays one), {@code -Dcgdev.state.trees=N} trees (20 by default,
 * about 8 s).
 */
class SnapshotRoundTripPropertyTest {
  private static final long SEED = Long.getLong("cgdev.state.seed", System.nanoTime());
  private static final int TREES = Integer.getInteger("cgdev.state.trees", 20);

  @TempDir Path temp;

  @Test
  void aRestoredTreeSnapshotsToTheSameBytes() {
    Random random = new Random(SEED);
    for (int tree = 0; tree < TREES; tree++) {
      List<RandomTrees.Change> made = new ArrayList<>();
      String before;
      String configurationBefore;
      Path state = temp.resolve("tree-" + tree + ".state");
      try (World source = World.boot(World.Options.DEFAULT)) {
        for (int i = 0, n = 10 + random.nextInt(60); i < n; i++) {
          RandomTrees.Change c = RandomTrees.change(source.fs(), random);
          if (c != null) {
            made.add(c);
          }
        }
        before = Worlds.snapshot(source, false);
        configurationBefore = Worlds.snapshot(source, true);
        StateFile.create(state, base(source), source.fs(), source.tasks()).close();
      }
      String why = "seed " + SEED + ", tree " + tree + ", made by: " + made;
      SnapshotJson.Document doc = SnapshotJson.parse(before, "snapshot");
      try (World restored = World.boot(World.Options.DEFAULT)) {
        converge(restored, doc.configuration(), why);
        assertThat(Worlds.snapshot(restored, false)).as(why).isEqualTo(before);
      }
      try (World restored = World.boot(World.Options.DEFAULT)) {
        converge(restored, SnapshotJson.parse(configurationBefore, "configuration").configuration(), why);
        assertThat(Worlds.snapshot(restored, true)).as(why).isEqualTo(configurationBefore);
      }
      try (World reopened = World.boot(World.Options.DEFAULT);
          StateFile kept = StateFile.open(state, base(reopened), reopened.fs(), reopened.tasks())) {
        assertThat(kept.replay().checkpointLine()).isEqualTo(3);
        assertThat(Worlds.snapshot(reopened, false)).as("through a state file: " + why).isEqualTo(before);
        assertThat(Configuration.read(reopened.fs())).isEqualTo(doc.configuration());
      }
    }
  }

  @Test
  void aPartitionThatSiblingsMadeInvalidIsRestoredInvalid() {
    String before;
    String partition = "/a/cpuset.devices/i915.0/cpuset.cpus.partition";
    try (World w = World.boot(World.Options.DEFAULT)) {
      w.fs().write("/cgroup.subtree_control", "+cpuset");
      w.fs().mkdir("/a");
      w.fs().mkdir("/b");
      w.fs().write("/b/cpuset.devices/i915.0/cpuset.cpus.exclusive", "1-2");
      w.fs().write("/a/cpuset.devices/i915.0/cpuset.cpus", "2-3");
      w.fs().write(partition, "root");
      assertThat(w.fs().read(partition)).as("the order of events made it invalid").startsWith("root invalid");
      before = Worlds.snapshot(w, false);
    }
    try (World restored = World.boot(World.Options.DEFAULT)) {
      TreeRestore.converge(restored.fs(), SnapshotJson.parse(before, "snapshot").configuration());
      assertThat(Worlds.snapshot(restored, false)).isEqualTo(before);
    }
  }

  @Test
  void siblingsThatSwappedExclusiveCpusAreRestoredFromTheOtherOrder() {
    String a = "/a/cpuset.devices/i915.0/cpuset.cpus.exclusive";
    String b = "/b/cpuset.devices/i915.0/cpuset.cpus.exclusive";
    try (World source = World.boot(World.Options.DEFAULT); World other = World.boot(World.Options.DEFAULT)) {
      for (World w : List.of(source, other)) {
        w.fs().write("/cgroup.subtree_control", "+cpuset");
        w.fs().mkdir("/a");
        w.fs().mkdir("/b");
        w.fs().write(a, "0");
        w.fs().write(b, "1");
      }
      source.fs().write(a, "\n");
      source.fs().write(b, "0");
      source.fs().write(a, "1");
      TreeRestore.converge(other.fs(), Configuration.read(source.fs()));
      assertThat(other.fs().read(a)).isEqualTo("1\n");
      assertThat(other.fs().read(b)).isEqualTo("0\n");
      assertThat(Worlds.snapshot(other, false)).isEqualTo(Worlds.snapshot(source, false));
    }
  }

  /** Converges, naming the seed and tree when the restore itself fails (not only when it differs). */
  private static void converge(World w, Configuration target, String why) {
    try {
      TreeRestore.converge(w.fs(), target);
    } catch (RuntimeException e) {
      throw new AssertionError("restore failed: " + why, e);
    }
  }

  private static StateBase base(World w) {
    return StateFiles.base(w, null);
  }
}
