package io.cgdev.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupPath;
import io.cgdev.core.Cgroups;
import io.cgdev.core.testing.DemoController;
import io.cgdev.core.testing.Devices;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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
      String json = one.snapshotJson();
      assertThat(json).isEqualTo(two.snapshotJson());
      JsonNode root = JsonMapper.builder().build().readTree(json);
      assertThat(root.get("controllers").get(0).asString()).isEqualTo("demo");
      assertThat(root.get("devices").get(0).get("name").asString()).isEqualTo("gpu0");
      assertThat(root.get("tasks").get(0).get("cgroup").asString()).isEqualTo("/a");
      JsonNode tree = root.get("root");
      assertThat(tree.get("path").asString()).isEqualTo("/");
      assertThat(tree.get("files").get("cgroup.stat").asString())
          .startsWith("nr_descendants 2\nnr_subsys_demo ").contains("\nnr_dying_descendants 0\nnr_dying_subsys_demo 0\n");
      assertThat(tree.get("files").get("demo.devices/gpu0/demo.capacity").asString()).isEqualTo("100\n");
      JsonNode a = tree.get("children").get(0);
      assertThat(a.get("path").asString()).isEqualTo("/a");
      assertThat(tree.get("children").get(1).get("path").asString()).isEqualTo("/b");
      assertThat(a.get("tasks").get(0).get("name").asString()).isEqualTo("worker");
      assertThat(a.get("files").get("demo.devices/gpu0/demo.value").asString()).isEqualTo("7\n");
      assertThat(a.get("files").get("cgroup.events").asString()).isEqualTo("populated 1\nfrozen 0\n");
    }
  }
}
