package io.cgdev.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupPath;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.core.Cgroups;
import io.cgdev.core.snapshot.Snapshot;
import io.cgdev.core.testing.DemoController;
import io.cgdev.core.testing.Devices;
import org.junit.jupiter.api.Test;

class SnapshotTest {
  private static Cgroups boot() {
    Cgroups cg = Cgroups.builder().discover(false).controller(new DemoController()).build();
    cg.fs().mkdir("/b");
    cg.fs().mkdir("/a");
    cg.fs().write("/cgroup.subtree_control", "+demo");
    cg.register(Devices.spec("gpu0", "demo"));
    cg.fs().write("/a/demo.devices/gpu0/demo.value", "7");
    cg.tasks().spawn("worker", CgroupPath.parse("/a"));
    return cg;
  }

  @Test
  void holdsTreeTasksDevicesAndFileContentsInAStableOrder() {
    try (Cgroups one = boot(); Cgroups two = boot()) {
      Snapshot s = one.snapshot();
      assertThat(s).as("equal hierarchies give equal snapshots").isEqualTo(two.snapshot());
      assertThat(s.layout()).isEqualTo("PER_CONTROLLER");
      assertThat(s.controllers()).containsExactly("demo");
      Snapshot.Device gpu = s.devices().getFirst();
      assertThat(gpu.name()).isEqualTo("gpu0");
      assertThat(gpu.controllers()).containsExactly("demo");
      assertThat(gpu.regions()).containsExactly(new RegionSpec("lmem0", 1 << 20));
      assertThat(s.tasks()).containsExactly(new Snapshot.Task(1, "worker", CgroupPath.parse("/a")));
      Snapshot.Cgroup root = s.root();
      assertThat(root.path()).isEqualTo(CgroupPath.root());
      assertThat(root.file("cgroup.stat"))
          .startsWith("nr_descendants 2\nnr_subsys_demo ").contains("\nnr_dying_descendants 0\nnr_dying_subsys_demo 0\n");
      assertThat(root.file("demo.devices/gpu0/demo.capacity")).isEqualTo("100\n");
      assertThat(root.files().firstEntry().getKey()).as("files in walk order").isEqualTo("cgroup.controllers");
      assertThat(root.children()).extracting(c -> c.path().toString()).containsExactly("/a", "/b");
      Snapshot.Cgroup a = root.child("a");
      assertThat(a.tasks()).extracting(Snapshot.Task::name).containsExactly("worker");
      assertThat(a.file("demo.devices/gpu0/demo.value")).isEqualTo("7\n");
      assertThat(a.file("cgroup.events")).isEqualTo("populated 1\nfrozen 0\n");
      assertThat(root.child("nope")).isNull();
    }
  }

  @Test
  void isAValue() {
    try (Cgroups cg = boot()) {
      Snapshot s = cg.snapshot();
      cg.fs().write("/a/demo.devices/gpu0/demo.value", "8");
      assertThat(s.root().child("a").file("demo.devices/gpu0/demo.value")).as("taken at one moment").isEqualTo("7\n");
      assertThat(cg.snapshot()).isNotEqualTo(s);
    }
  }
}
