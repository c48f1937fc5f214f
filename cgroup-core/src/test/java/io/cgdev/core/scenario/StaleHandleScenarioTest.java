package io.cgdev.core.scenario;

import static io.cgdev.core.testing.Errnos.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.Errno;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.cgdev.core.Cgroups;
import io.cgdev.core.testing.DemoController;
import io.cgdev.core.testing.Devices;
import org.junit.jupiter.api.Test;

/**
 * A handle opened on a controller's file is stale for good once the parent disables the controller
 * in {@code cgroup.subtree_control}: the kernel removes the files (and kills the css), so re-enabling
 * makes new files, and the old handle keeps failing with {@code ENODEV}.
 */
class StaleHandleScenarioTest extends DemoHierarchy {
  @Test
  void handlesOpenedBeforeADisableStayGoneAfterTheControllerIsEnabledAgain() {
    fs.mkdir("/a");
    fs.write("/cgroup.subtree_control", "+demo");
    cg.register(Devices.spec("gpu0", "demo"));
    OpenFile value = fs.open("/a/demo.devices/gpu0/demo.value", OpenOptions.READ_WRITE);
    OpenFile info = fs.open("/a/demo.info", OpenOptions.READ);
    value.write("5");
    assertThat(value.read()).isEqualTo("5\n");
    assertThat(info.read()).isEqualTo("demo at /a\n");

    fs.write("/cgroup.subtree_control", "-demo");
    assertErrno(Errno.ENODEV, value::read);
    assertErrno(Errno.ENODEV, info::read);
    fs.write("/cgroup.subtree_control", "+demo");

    assertErrno(Errno.ENODEV, value::read);
    assertErrno(Errno.ENODEV, () -> value.write("7"));
    assertErrno(Errno.ENODEV, info::read);
    // a fresh open sees the files again, of a new state with the default (the kernel's new css)
    assertThat(fs.read("/a/demo.devices/gpu0/demo.value")).isEqualTo("0\n");
    try (OpenFile fresh = fs.open("/a/demo.devices/gpu0/demo.value", OpenOptions.READ_WRITE)) {
      fresh.write("8");
      assertThat(fresh.read()).isEqualTo("8\n");
    }
    assertThat(fs.read("/a/demo.info")).isEqualTo("demo at /a\n");
    value.close();
    info.close();
  }

  @Test
  void handlesOpenedWhileTheControllerWasHiddenNeverExisted() {
    fs.mkdir("/a");
    assertErrno(Errno.ENOENT, () -> fs.open("/a/demo.info", OpenOptions.READ));
    fs.write("/cgroup.subtree_control", "+demo");
    try (OpenFile info = fs.open("/a/demo.info", OpenOptions.READ)) {
      assertThat(info.read()).isEqualTo("demo at /a\n");
    }
  }

  @Test
  void disablingAnotherControllerOrEnablingMoreLeavesHandlesAlone() {
    fs.mkdir("/a");
    fs.write("/cgroup.subtree_control", "+demo +zeta");
    cg.register(Devices.spec("gpu0", "demo", "zeta"));
    try (OpenFile value = fs.open("/a/demo.devices/gpu0/demo.value", OpenOptions.READ_WRITE)) {
      fs.write("/cgroup.subtree_control", "-zeta");
      fs.write("/cgroup.subtree_control", "+zeta");
      fs.write("/cgroup.subtree_control", "+demo");
      value.write("3");
      assertThat(value.read()).isEqualTo("3\n");
    }
  }

  @Test
  void rootHandlesAndDeeperCgroupsFollowTheirOwnParent() {
    fs.mkdir("/a");
    fs.mkdir("/a/b");
    fs.write("/cgroup.subtree_control", "+demo");
    fs.write("/a/cgroup.subtree_control", "+demo");
    cg.register(Devices.spec("gpu0", "demo"));
    try (OpenFile root = fs.open("/demo.devices/gpu0/demo.value", OpenOptions.READ_WRITE);
        OpenFile a = fs.open("/a/demo.devices/gpu0/demo.value", OpenOptions.READ);
        OpenFile b = fs.open("/a/b/demo.devices/gpu0/demo.value", OpenOptions.READ)) {
      fs.write("/a/cgroup.subtree_control", "-demo");
      fs.write("/a/cgroup.subtree_control", "+demo");
      assertErrno(Errno.ENODEV, b::read);
      assertThat(a.read()).isEqualTo("0\n");
      fs.write("/a/cgroup.subtree_control", "-demo");
      fs.write("/cgroup.subtree_control", "-demo");
      fs.write("/cgroup.subtree_control", "+demo");
      assertErrno(Errno.ENODEV, a::read);
      // the root always shows every controller: its handles never go stale this way
      root.write("4");
      assertThat(root.read()).isEqualTo("4\n");
    }
  }

  @Test
  void perDeviceLayoutHandlesGoStaleToo() {
    try (Cgroups pd = Cgroups.builder().discover(false).controller(new DemoController()).layout(Cgroups.Layout.PER_DEVICE)
        .build()) {
      CgroupFs f = pd.fs();
      f.mkdir("/a");
      f.write("/cgroup.subtree_control", "+demo");
      pd.register(Devices.spec("gpu0", "demo"));
      try (OpenFile value = f.open("/a/devices/gpu0/demo.value", OpenOptions.READ)) {
        f.write("/cgroup.subtree_control", "-demo");
        f.write("/cgroup.subtree_control", "+demo");
        assertErrno(Errno.ENODEV, value::read);
        assertThat(f.read("/a/devices/gpu0/demo.value")).isEqualTo("0\n");
      }
    }
  }
}
