package io.cgdev.core.scenario;

import static io.cgdev.core.testing.Errnos.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.core.Cgroups;
import io.cgdev.core.testing.DemoController;
import io.cgdev.core.testing.Devices;
import io.cgdev.core.testing.ZetaController;
import org.junit.jupiter.api.Test;

/** Per-device registration seen through the file view. */
class RegistrationScenarioTest extends DemoHierarchy {
  @Test
  void registrationCreatesFilesInExistingAndLaterCgroups() {
    fs.mkdir("/a");
    fs.mkdir("/a/b");
    fs.write("/cgroup.subtree_control", "+demo");
    DeviceRegistration reg = cg.register(Devices.spec("gpu0", "demo"));
    assertThat(cg.devices()).containsExactly("gpu0");
    assertThat(names(fs.list("/demo.devices"))).containsExactly("gpu0");
    assertThat(names(fs.list("/zeta.devices"))).isEmpty();
    assertThat(names(fs.list("/demo.devices/gpu0"))).containsExactly("demo.capacity", "demo.value");
    assertThat(names(fs.list("/a/demo.devices/gpu0"))).containsExactly("demo.local", "demo.value");
    assertThat(fs.stat("/a/demo.devices/gpu0/demo.value").mode()).isEqualTo(0644);
    assertThat(fs.stat("/demo.devices/gpu0/demo.capacity").mode()).isEqualTo(0444);
    // /a/b's parent does not enable demo: no files there, but the state exists
    assertErrno(Errno.ENOENT, () -> fs.list("/a/b/demo.devices"));
    assertThat(demo.states).hasSize(3);

    fs.write("/a/demo.devices/gpu0/demo.value", "42\n");
    assertThat(fs.read("/a/demo.devices/gpu0/demo.value")).isEqualTo("42\n");
    assertErrno(Errno.EINVAL, () -> fs.write("/a/demo.devices/gpu0/demo.value", "-1"));
    assertThat(fs.read("/a/demo.devices/gpu0/demo.value")).isEqualTo("42\n");
    assertThat(fs.read("/a/demo.devices/gpu0/demo.local")).isEqualTo("/a\n");

    fs.mkdir("/c");
    assertThat(demo.states).hasSize(4);
    assertThat(fs.read("/c/demo.devices/gpu0/demo.value")).isEqualTo("0\n");
    CgroupHandle c = cg.context().cgroup(CgroupPath.parse("/c"));
    assertThat(reg.capability(DemoController.Charging.class)).isPresent();
    assertThat(reg.capability(Runnable.class)).isEmpty();
    var binding = (DemoController.Binding) reg.capability(DemoController.Charging.class).orElseThrow();
    assertThat(c.state(binding.key()).cgroup).isSameAs(c);
    assertThat(binding.key().registration()).isSameAs(reg);
  }

  @Test
  void registerErrorsChangeNothing() {
    cg.register(Devices.spec("gpu0", "demo"));
    assertErrno(Errno.EEXIST, () -> cg.register(Devices.spec("gpu0", "zeta")));
    assertErrno(Errno.ENOENT, () -> cg.register(Devices.spec("gpu1", "demo", "memory")));
    var failing = io.cgdev.api.spi.DeviceSpec.builder("gpu2", "t").controllers("demo", "zeta").attribute("zeta.fail", "1").build();
    assertErrno(Errno.EINVAL, () -> cg.register(failing));
    assertThat(demo.log).containsSubsequence("bind gpu2", "unbind gpu2");
    assertThat(cg.devices()).containsExactly("gpu0");
    assertThat(names(fs.list("/demo.devices"))).containsExactly("gpu0");
  }

  @Test
  void unregisterIsRefusedWhileChargedThenLeavesNoState() {
    fs.mkdir("/a");
    fs.write("/cgroup.subtree_control", "+demo");
    DeviceRegistration reg = cg.register(Devices.spec("gpu0", "demo", "zeta"));
    DemoController.Charging charging = reg.capability(DemoController.Charging.class).orElseThrow();
    CgroupHandle a = cg.context().cgroup(CgroupPath.parse("/a"));
    charging.charge(a, 5);
    OpenFile handle = fs.open("/a/demo.devices/gpu0/demo.value", OpenOptions.READ_WRITE);
    assertErrno(Errno.EBUSY, reg::unregister);
    assertThat(reg.registered()).isTrue();
    assertThat(handle.read()).isEqualTo("0\n");
    charging.uncharge(a, 5);
    reg.unregister();
    assertThat(reg.registered()).isFalse();
    assertThat(cg.devices()).isEmpty();
    assertThat(names(fs.list("/a/demo.devices"))).isEmpty();
    assertErrno(Errno.ENODEV, handle::read);
    assertErrno(Errno.ENODEV, () -> handle.write("1"));
    assertErrno(Errno.ENODEV, () -> reg.capability(DemoController.Charging.class));
    assertErrno(Errno.ENODEV, reg::unregister);
    assertThat(demo.states).allSatisfy(s -> {
      assertThat(s.online).isEqualTo(1);
      assertThat(s.offline).isEqualTo(1);
      assertThat(s.freed).isEqualTo(1);
    });
    assertThat(zeta.states).allSatisfy(s -> assertThat(s.freed).isEqualTo(1));
    assertThat(demo.log).contains("unbind gpu0");
    // the name is free again, and states are fresh
    cg.register(Devices.spec("gpu0", "demo"));
    assertThat(fs.read("/a/demo.devices/gpu0/demo.value")).isEqualTo("0\n");
    assertErrno(Errno.ENODEV, handle::read);
  }

  @Test
  void dyingCgroupStaysUntilItsStatesDrain() {
    fs.mkdir("/a");
    fs.mkdir("/a/b");
    DeviceRegistration reg = cg.register(Devices.spec("gpu0", "demo"));
    DemoController.Charging charging = reg.capability(DemoController.Charging.class).orElseThrow();
    CgroupHandle b = cg.context().cgroup(CgroupPath.parse("/a/b"));
    charging.charge(b, 3);
    fs.rmdir("/a/b");
    assertThat(b.online()).isFalse();
    // b's demo state holds charges: b is dying, and counts as a dying demo "css"
    assertThat(fs.read("/a/cgroup.stat")).isEqualTo("nr_descendants 0\nnr_subsys_demo 0\nnr_subsys_zeta 0\nnr_dying_descendants 1\nnr_dying_subsys_demo 1\nnr_dying_subsys_zeta 0\n");
    assertThat(fs.read("/cgroup.stat")).isEqualTo("nr_descendants 1\nnr_subsys_demo 1\nnr_subsys_zeta 1\nnr_dying_descendants 1\nnr_dying_subsys_demo 1\nnr_dying_subsys_zeta 0\n");
    assertThat(names(fs.list("/a"))).doesNotContain("b");
    fs.mkdir("/a/b");
    CgroupHandle b2 = cg.context().cgroup(CgroupPath.parse("/a/b"));
    assertThat(b2).isNotSameAs(b);
    assertThat(b2.id()).isNotEqualTo(b.id());
    fs.rmdir("/a/b");
    // the parent may go while a child is dying; it dies too
    fs.rmdir("/a");
    // a dies with its dying child; its demo "css" is pinned by b's, as a kernel css pins its parent
    assertThat(fs.read("/cgroup.stat")).isEqualTo("nr_descendants 0\nnr_subsys_demo 1\nnr_subsys_zeta 1\nnr_dying_descendants 2\nnr_dying_subsys_demo 2\nnr_dying_subsys_zeta 0\n");
    assertErrno(Errno.EBUSY, reg::unregister);
    charging.uncharge(b, 3);
    assertThat(fs.read("/cgroup.stat")).isEqualTo("nr_descendants 0\nnr_subsys_demo 1\nnr_subsys_zeta 1\nnr_dying_descendants 0\nnr_dying_subsys_demo 0\nnr_dying_subsys_zeta 0\n");
    assertThat(demo.states).filteredOn(s -> !s.cgroup.isRoot()).allSatisfy(s -> assertThat(s.freed).isEqualTo(1));
    assertThat(demo.states).filteredOn(s -> s.cgroup.isRoot()).allSatisfy(s -> assertThat(s.freed).isZero());
    assertErrno(Errno.ENODEV, () -> charging.charge(b, 1));
    reg.unregister();
  }

  @Test
  void unregisterFreesStatesOfDyingCgroups() {
    fs.mkdir("/a");
    DeviceRegistration reg = cg.register(Devices.spec("gpu0", "demo", "zeta"));
    DeviceRegistration other = cg.register(Devices.spec("gpu1", "zeta"));
    var zc = other.capability(DemoController.Charging.class).orElseThrow();
    CgroupHandle a = cg.context().cgroup(CgroupPath.parse("/a"));
    zc.charge(a, 1);
    fs.rmdir("/a");
    assertThat(fs.read("/cgroup.stat")).endsWith("nr_dying_descendants 1\nnr_dying_subsys_demo 0\nnr_dying_subsys_zeta 1\n");
    reg.unregister();
    assertThat(demo.states).allSatisfy(s -> assertThat(s.freed).isEqualTo(1));
    assertThat(fs.read("/cgroup.stat")).endsWith("nr_dying_descendants 1\nnr_dying_subsys_demo 0\nnr_dying_subsys_zeta 1\n");
    zc.uncharge(a, 1);
    assertThat(fs.read("/cgroup.stat")).endsWith("nr_dying_descendants 0\nnr_dying_subsys_demo 0\nnr_dying_subsys_zeta 0\n");
  }

  @Test
  void perDeviceLayoutGroupsControllersByDevice() {
    try (Cgroups pd = Cgroups.builder().discover(false).controller(new DemoController()).controller(new ZetaController())
        .layout(Cgroups.Layout.PER_DEVICE).build()) {
      CgroupFs f = pd.fs();
      f.mkdir("/a");
      pd.register(Devices.spec("gpu0", "demo", "zeta"));
      pd.register(Devices.spec("gpu1", "zeta"));
      assertThat(names(f.list("/"))).contains("devices").doesNotContain("demo.devices", "zeta.devices");
      assertThat(names(f.list("/devices"))).containsExactly("gpu0", "gpu1");
      assertThat(names(f.list("/devices/gpu0"))).containsExactly("demo.capacity", "demo.value", "zeta.capacity", "zeta.value");
      assertErrno(Errno.ENOENT, () -> f.list("/a/devices"));
      f.write("/cgroup.subtree_control", "+zeta");
      assertThat(names(f.list("/a/devices"))).containsExactly("gpu0", "gpu1");
      assertThat(names(f.list("/a/devices/gpu0"))).containsExactly("zeta.local", "zeta.value");
      f.write("/a/devices/gpu1/zeta.value", "9");
      assertThat(f.read("/a/devices/gpu1/zeta.value")).isEqualTo("9\n");
      assertErrno(Errno.ENOENT, () -> f.read("/a/devices/gpu0/demo.value"));
      assertErrno(Errno.EEXIST, () -> f.mkdir("/a/devices"));
      assertErrno(Errno.EPERM, () -> f.mkdir("/a/devices/x"));
    }
  }
}
