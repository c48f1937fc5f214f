package io.cgdev.sample.gem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.core.Cgroups;
import io.cgdev.sample.gem.api.GemCounting;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gem controller and the vgem driver, found by ServiceLoader from the module path next to the
 * memory controller, driven through the file view as a user would.
 */
class GemControllerTest {
  private Cgroups cg;
  private CgroupFs fs;
  private VgemDriver vgem;

  @BeforeEach
  void boot() {
    cg = Cgroups.builder().discover(true).build();
    fs = cg.fs();
    vgem = cg.driver(VgemDriver.class).orElseThrow();
    fs.write("/cgroup.subtree_control", "+gem +memory");
    fs.mkdir("/a");
  }

  @AfterEach
  void close() {
    cg.close();
  }

  @Test
  void bothPluginsAreDiscoveredAndTheFilesAppear() {
    assertThat(cg.controllers()).contains("gem", "memory");
    assertThat(cg.devices()).contains("vgem0");
    assertThat(fs.read("/a/gem.devices/vgem0/gem.max")).isEqualTo("max\n");
    assertThat(fs.read("/a/gem.devices/vgem0/gem.current")).isEqualTo("0\n");
    assertThat(fs.read("/a/gem.devices/vgem0/gem.events")).isEqualTo("max 0\n");
    assertThatThrownBy(() -> fs.read("/gem.devices/vgem0/gem.max"))
        .isInstanceOf(CgroupException.class).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENOENT);
  }

  @Test
  void gemMaxLimitsObjectsAndCountsTheEventNothingElseIsCharged() throws Exception {
    fs.write("/a/gem.devices/vgem0/gem.max", "2");
    Task t = cg.tasks().spawn("t", CgroupPath.parse("/a"));
    List<AutoCloseable> objects = new ArrayList<>();
    objects.add(vgem.allocate("vgem0", "vram", t, 4096));
    objects.add(vgem.allocate("vgem0", "vram", t, 4096));
    assertThatThrownBy(() -> vgem.allocate("vgem0", "vram", t, 4096))
        .isInstanceOf(CgroupException.class).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENOSPC);
    assertThat(fs.read("/a/gem.devices/vgem0/gem.current")).isEqualTo("2\n");
    assertThat(fs.read("/a/gem.devices/vgem0/gem.events")).isEqualTo("max 1\n");
    assertThat(fs.read("/gem.devices/vgem0/gem.current")).isEqualTo("2\n");
    assertThat(fs.read("/a/memory.devices/vgem0/memory.current")).isEqualTo("8192\n");
    for (AutoCloseable o : objects) {
      o.close();
    }
    assertThat(fs.read("/a/gem.devices/vgem0/gem.current")).isEqualTo("0\n");
    assertThat(fs.read("/a/memory.devices/vgem0/memory.current")).isEqualTo("0\n");
  }

  @Test
  void aMemoryRefusalTakesTheObjectCountBack() {
    fs.write("/a/memory.devices/vgem0/memory.max", "4K");
    Task t = cg.tasks().spawn("t", CgroupPath.parse("/a"));
    assertThatThrownBy(() -> vgem.allocate("vgem0", "vram", t, 8192)).isInstanceOf(CgroupException.class);
    assertThat(fs.read("/a/gem.devices/vgem0/gem.current")).isEqualTo("0\n");
  }

  @Test
  void badValuesAreRefusedWithTheCodecsErrnos() {
    assertThatThrownBy(() -> fs.write("/a/gem.devices/vgem0/gem.max", "-1"))
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ERANGE);
    assertThatThrownBy(() -> fs.write("/a/gem.devices/vgem0/gem.max", "lots"))
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EINVAL);
    assertThat(fs.read("/a/gem.devices/vgem0/gem.max")).isEqualTo("max\n");
  }

  @Test
  void countsAreHierarchical() throws Exception {
    fs.write("/a/cgroup.subtree_control", "+gem");
    fs.mkdir("/a/b");
    fs.write("/a/gem.devices/vgem0/gem.max", "1");
    Task t = cg.tasks().spawn("t", CgroupPath.parse("/a/b"));
    try (AutoCloseable o = vgem.allocate("vgem0", "vram", t, 4096)) {
      assertThatThrownBy(() -> vgem.allocate("vgem0", "vram", t, 4096)).isInstanceOf(CgroupException.class);
      assertThat(fs.read("/a/gem.devices/vgem0/gem.events")).isEqualTo("max 1\n");
      assertThat(fs.read("/a/b/gem.devices/vgem0/gem.events")).isEqualTo("max 0\n");
    }
  }

  @Test
  void unregisterIsRefusedWhileObjectsAreCounted() {
    try (Cgroups gemOnly = Cgroups.builder().discover(false).controller(new GemController()).build()) {
      DeviceRegistration reg = gemOnly.register(DeviceSpec.builder("gem-test", "test").controllers("gem").build());
      GemCounting gem = reg.capability(GemCounting.class).orElseThrow();
      CgroupHandle root = gemOnly.context().root();
      gem.charge(root, 2);
      assertThatThrownBy(reg::unregister)
          .isInstanceOf(CgroupException.class).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EBUSY);
      assertThat(reg.registered()).isTrue();
      gem.uncharge(root, 2);
      reg.unregister();
      assertThat(reg.registered()).isFalse();
    }
  }
}
