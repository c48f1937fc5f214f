package io.cgdev.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.core.testing.DemoController;
import io.cgdev.core.testing.Devices;
import org.junit.jupiter.api.Test;

/**
 * Disabling a controller in a parent's {@code cgroup.subtree_control} kills the children's states and
 * enabling it again starts fresh, as the kernel kills the css on disable ({@code
 * cgroup_apply_control_disable} → {@code kill_css}) and makes a new one with default settings on
 * enable ({@code cgroup_apply_control_enable} → {@code css_create}), kernel/cgroup/cgroup.c. A killed
 * state that still holds charges stays (offline) until they are returned to it, then is freed.
 */
class ControllerRestartScenarioTest extends DemoHierarchy {
  @Test
  void reEnablingShowsDefaultsNotTheOldSettings() {
    cg.register(Devices.spec("gpu0", "demo"));
    fs.mkdir("/a");
    fs.mkdir("/a/b");
    fs.write("/cgroup.subtree_control", "+demo");
    fs.write("/a/cgroup.subtree_control", "+demo");
    fs.write("/a/demo.devices/gpu0/demo.value", "7");
    fs.write("/a/b/demo.devices/gpu0/demo.value", "9");

    fs.write("/a/cgroup.subtree_control", "-demo");
    fs.write("/a/cgroup.subtree_control", "+demo");
    assertThat(fs.read("/a/demo.devices/gpu0/demo.value")).isEqualTo("7\n"); // a's own css lives on
    assertThat(fs.read("/a/b/demo.devices/gpu0/demo.value")).isEqualTo("0\n");

    fs.write("/a/b/demo.devices/gpu0/demo.value", "5");
    fs.write("/a/cgroup.subtree_control", "-demo");
    fs.write("/cgroup.subtree_control", "-demo");
    fs.write("/cgroup.subtree_control", "+demo");
    fs.write("/a/cgroup.subtree_control", "+demo");
    assertThat(fs.read("/a/demo.devices/gpu0/demo.value")).isEqualTo("0\n");
    assertThat(fs.read("/a/b/demo.devices/gpu0/demo.value")).isEqualTo("0\n");
  }

  @Test
  void oldStatesAreOfflinedAndFreedFreshOnesOnlined() {
    cg.register(Devices.spec("gpu0", "demo"));
    fs.mkdir("/a");
    fs.write("/cgroup.subtree_control", "+demo");
    DemoController.State old = stateOf("/a");
    fs.write("/cgroup.subtree_control", "-demo");
    DemoController.State fresh = stateOf("/a");
    assertThat(fresh).isNotSameAs(old);
    assertThat(old.offline).isEqualTo(1);
    assertThat(old.freed).isEqualTo(1); // nothing charged: freed at once
    assertThat(fresh.online).isEqualTo(1);
    assertThat(fresh.offline).isZero();
    assertThat(fresh.parent).isSameAs(stateOf("/"));
  }

  @Test
  void chargesHeldAcrossDisableAreReturnedToTheOldStateAndNothingLeaks() {
    DeviceRegistration reg = cg.register(Devices.spec("gpu0", "demo"));
    DemoController.Charging charging = reg.capability(DemoController.Charging.class).orElseThrow();
    fs.mkdir("/a");
    fs.mkdir("/a/b");
    fs.write("/cgroup.subtree_control", "+demo");
    fs.write("/a/cgroup.subtree_control", "+demo");
    var b = cg.context().cgroup(io.cgdev.api.CgroupPath.parse("/a/b"));
    charging.charge(b, 30);
    DemoController.State oldA = stateOf("/a");
    DemoController.State oldB = stateOf("/a/b");

    fs.write("/a/cgroup.subtree_control", "-demo");
    fs.write("/cgroup.subtree_control", "-demo");
    assertThat(oldB.offline).isEqualTo(1);
    assertThat(oldB.freed).isZero(); // still charged: dying, not freed
    assertThat(oldA.freed).isZero();
    assertThat(stateOf("/").charged.get()).isEqualTo(30); // the charge is still counted once, at the root
    // the killed csses are dying (offline_css counts them in their cgroup and its ancestors); the
    // cgroups themselves live on
    assertThat(fs.read("/cgroup.stat")).contains("nr_dying_descendants 0\n", "nr_dying_subsys_demo 2\n");
    assertThat(fs.read("/a/b/cgroup.stat")).contains("nr_dying_subsys_demo 1\n");

    fs.write("/cgroup.subtree_control", "+demo");
    fs.write("/a/cgroup.subtree_control", "+demo");
    assertThat(fs.read("/a/b/demo.devices/gpu0/demo.value")).isEqualTo("0\n");
    DemoController.State newB = stateOf("/a/b");
    charging.charge(b, 4); // new charges go to the fresh state
    assertThat(newB.charged.get()).isEqualTo(4);
    assertThat(stateOf("/").charged.get()).isEqualTo(34);

    // the object that took the 30 returns them where they were taken (its pool: the old state)
    for (DemoController.State s = oldB; s != null; s = s.parent) {
      s.charged.addAndGet(-30);
    }
    charging.uncharge(b, 4);
    fs.mkdir("/poke"); // any structural operation reaps drained states
    assertThat(oldB.freed).isEqualTo(1);
    assertThat(oldA.freed).isEqualTo(1);
    assertThat(stateOf("/").charged.get()).isZero();
    assertThat(fs.read("/cgroup.stat")).contains("nr_dying_subsys_demo 0\n");
    fs.rmdir("/poke");
  }

  private DemoController.State stateOf(String path) {
    return demo.states.stream()
        .filter(s -> s.cgroup.path().toString().equals(path) && s.offline == 0)
        .reduce((x, y) -> y).orElseThrow();
  }
}
