package io.cgdev.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bringing a tree to a configuration through its file view, whatever tree it starts from. */
class TreeRestoreTest {
  private static final long SEED = Long.getLong("cgdev.state.seed", System.nanoTime());

  @Test
  void randomTreesAreRebuiltFromAFreshWorldAndFromAnotherRandomTree() {
    Random random = new Random(SEED);
    for (int round = 0; round < 60; round++) {
      try (TestWorld source = new TestWorld(); TestWorld other = new TestWorld()) {
        for (int i = 0; i < 40; i++) {
          TestWorld.randomChange(source.fs(), random);
          TestWorld.randomChange(other.fs(), random);
        }
        Configuration target = source.configuration();
        try (TestWorld fresh = new TestWorld()) {
          TreeRestore.converge(fresh.fs(), target);
          assertThat(fresh.configuration()).as("round %d, seed %d", round, SEED).isEqualTo(target);
        }
        TreeRestore.converge(other.fs(), target);
        assertThat(other.configuration()).as("from another tree: round %d, seed %d", round, SEED).isEqualTo(target);
      }
    }
  }

  @Test
  void aFileWhoseValueFollowsFromAnotherIsNotWrittenAtAll() {
    try (TestWorld source = new TestWorld(); TestWorld fresh = new TestWorld()) {
      source.fs().write("/cgroup.subtree_control", "+conf");
      source.fs().mkdir("/a");
      source.fs().write("/a/conf.devices/dev0/conf.value", "21");
      TreeRestore.Result r = TreeRestore.converge(fresh.fs(), source.configuration());
      assertThat(fresh.fs().read("/a/conf.devices/dev0/conf.double")).isEqualTo("42\n");
      assertThat(fresh.fs().read("/a/conf.devices/dev0/conf.count")).as("conf.value written once").isEqualTo("1\n");
      assertThat(r).isEqualTo(new TreeRestore.Result(1, 1, 0, 2, 0, 0));
    }
  }

  @Test
  void writesTowardATargetFollowTheFilesOwnForms() {
    assertThat(TreeRestore.writesToward("cgroup.subtree_control", "cpu memory\n", "memory cpuset\n"))
        .containsExactly("+cpuset -cpu");
    assertThat(TreeRestore.writesToward("cgroup.subtree_control", "", "cpu\n")).containsExactly("+cpu");
    assertThat(TreeRestore.writesToward("cpuset.devices/i915.0/cpuset.cpus.partition", "member\n",
        "root invalid (cpuset.cpus.exclusive is empty)\n")).containsExactly("root");
    assertThat(TreeRestore.writesToward("memory.devices/i915.0/memory.max", "smem max\nlmem0 max\n",
        "smem max\nlmem0 268435456\n")).containsExactly("smem max\n", "lmem0 268435456\n");
    assertThat(TreeRestore.writesToward("cpu.max", "max 100000\n", "5000 100000\n")).containsExactly("5000 100000\n");
    assertThat(TreeRestore.writesToward("cpuset.cpus", "0-3\n", "\n")).containsExactly("\n");
  }

  @Test
  void tasksArePlacedAndTasksTheTargetDoesNotHaveEnd() {
    try (TestWorld w = new TestWorld()) {
      int stays = w.tasks().spawn("stays", CgroupPath.root()).pid();
      int ends = w.tasks().spawn("ends", CgroupPath.root()).pid();
      SequencedMap<String, String> none = new LinkedHashMap<>();
      Configuration target = new Configuration(List.of(new Configuration.Cgroup("/", Configuration.read(w.fs()).cgroup("/").files()),
          new Configuration.Cgroup("/a", none)));
      assertThatThrownBy(() -> TreeRestore.converge(w.fs(), target, w.tasks(),
          List.of(new TreeRestore.Placement(stays, "renamed", "/a"))))
          .isInstanceOf(CgroupException.class).hasMessageContaining("task " + stays + " (renamed) is not in this world");
      TreeRestore.converge(w.fs(), new Configuration(List.of(target.cgroups().getFirst(), new Configuration.Cgroup("/a",
          Configuration.read(w.fs()).cgroup("/a").files()))), w.tasks(), List.of(new TreeRestore.Placement(stays, "stays", "/a")));
      assertThat(w.tasks().find(stays).orElseThrow().cgroup()).isEqualTo(CgroupPath.parse("/a"));
      assertThat(w.tasks().find(ends)).isEmpty();
    }
  }

  @Test
  void aTargetThisWorldCannotReachFailsNamingWhatDiffers() {
    try (TestWorld w = new TestWorld()) {
      SequencedMap<String, String> files = new LinkedHashMap<>(Configuration.read(w.fs()).cgroup("/").files());
      files.put("cgroup.subtree_control", "conf\n");
      SequencedMap<String, String> child = new LinkedHashMap<>();
      child.put("conf.devices/dev0/conf.value", "5000\n"); // out of range
      child.put("conf.devices/nope/conf.value", "1\n");   // no such device
      Configuration target = new Configuration(List.of(new Configuration.Cgroup("/", files),
          new Configuration.Cgroup("/a", child)));
      assertThatThrownBy(() -> TreeRestore.converge(w.fs(), target))
          .isInstanceOf(CgroupException.class)
          .satisfies(e -> assertThat(((CgroupException) e).errno()).isEqualTo(Errno.ERANGE))
          .hasMessageStartingWith("cannot restore the configuration: /a/conf.devices/dev0/conf.value: writing '5000\\n': ERANGE")
          .hasMessageContaining("/a/conf.devices/nope/conf.value: ENOENT");
    }
  }
}
