package io.cgdev.controller.cpuset;

import static io.cgdev.testkit.Errnos.errnoOf;
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
import io.cgdev.api.spi.EngineMask;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.core.Cgroups;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cpuset controller driven through the core's file view, as a user and a driver would. */
class CpusetScenarioTest {
  private static final String DEV = "/cpuset.devices/gpu0/cpuset.";

  private final Cgroups cg = Cgroups.builder().discover(false).controller(new CpusetController()).build();
  private final CgroupFs fs = cg.fs();
  private final DeviceRegistration reg =
      cg.register(
          DeviceSpec.builder("gpu0", "fake")
              .controllers("cpuset")
              .engine(new EngineSpec("rcs0", "render"))
              .engine(new EngineSpec("bcs0", "copy"))
              .engine(new EngineSpec("vcs0", "video"))
              .engine(new EngineSpec("ccs0", "compute"))
              .region(new RegionSpec("smem", 1L << 30))
              .region(new RegionSpec("lmem0", 1L << 30))
              .build());
  private final EngineMask mask = reg.capability(EngineMask.class).orElseThrow();

  @AfterEach
  void close() {
    cg.close();
  }

  private CgroupHandle handle(String path) {
    return cg.context().cgroup(CgroupPath.parse(path));
  }

  @Test
  void filesAppearPerDeviceAndConfigureTheMask() {
    assertThat(fs.read("/" + DEV + "cpus.effective")).isEqualTo("0-3\n");
    assertThat(fs.read("/" + DEV + "cpus.names")).isEqualTo("0 rcs0\n1 bcs0\n2 vcs0\n3 ccs0\n");
    assertThat(errnoOf(() -> fs.read("/" + DEV + "cpus"))).isEqualTo(Errno.ENOENT);
    fs.write("/cgroup.subtree_control", "+cpuset");
    fs.mkdir("/a");
    fs.mkdir("/a/b");
    fs.write("/a/cgroup.subtree_control", "+cpuset");
    fs.write("/a" + DEV + "cpus", "1-3");
    fs.write("/a/b" + DEV + "cpus", "0-1\n");
    fs.write("/a/b" + DEV + "mems", "1");
    assertThat(fs.read("/a/b" + DEV + "cpus.effective")).isEqualTo("1\n");
    assertThat(fs.read("/a/b" + DEV + "mems.effective")).isEqualTo("1\n");
    assertThat(mask.allowsEngine(handle("/a/b"), 1)).isTrue();
    assertThat(mask.allowsEngine(handle("/a/b"), 0)).isFalse();
    assertThat(mask.allowsRegion(handle("/a/b"), 0)).isFalse();
    assertThat(errnoOf(() -> fs.write("/a" + DEV + "cpus", "4"))).isEqualTo(Errno.EINVAL);
    assertThat(fs.read("/a" + DEV + "cpus")).isEqualTo("1-3\n");
  }

  @Test
  void driversHearChangesAndTasksCannotMoveWhereNoEngineIsLeft() throws Exception {
    List<CgroupHandle> heard = new ArrayList<>();
    AutoCloseable sub = mask.onChange(heard::add);
    fs.write("/cgroup.subtree_control", "+cpuset");
    fs.mkdir("/p");
    fs.write("/p" + DEV + "cpus", "2-3");
    fs.write("/p" + DEV + "cpus.partition", "root");
    assertThat(fs.read("/p" + DEV + "cpus.partition")).isEqualTo("root\n");
    assertThat(fs.read("/" + DEV + "cpus.effective")).isEqualTo("0-1\n");
    assertThat(heard).contains(handle("/"));
    fs.write("/p/cgroup.subtree_control", "+cpuset");
    fs.mkdir("/p/x");
    fs.mkdir("/p/m");
    Task t = cg.tasks().spawn("worker", CgroupPath.parse("/p/m"));
    heard.clear();
    fs.write("/p/x" + DEV + "cpus", "2-3");
    fs.write("/p/x" + DEV + "cpus.partition", "isolated");
    assertThat(fs.read("/p/m" + DEV + "cpus.effective")).isEqualTo("\n");
    assertThat(heard).containsExactly(handle("/p"));
    assertThat(mask.engines(handle("/p/m")).isEmpty()).isTrue();
    fs.mkdir("/p/n");
    assertThatThrownBy(() -> cg.tasks().move(t.pid(), CgroupPath.parse("/p/n")))
        .isInstanceOf(CgroupException.class)
        .extracting(e -> ((CgroupException) e).errno())
        .isEqualTo(Errno.ENOSPC);
    cg.tasks().move(t.pid(), CgroupPath.parse("/p/x"));
    assertThat(fs.read("/" + DEV + "cpus.isolated")).isEqualTo("2-3\n");
    // removing the partition gives its engines back
    cg.tasks().exit(t.pid());
    fs.rmdir("/p/x");
    assertThat(fs.read("/p/m" + DEV + "cpus.effective")).isEqualTo("2-3\n");
    sub.close();
  }

  @Test
  void afterUnregisterTheMaskIsGone() {
    fs.mkdir("/a");
    CgroupHandle a = handle("/a");
    reg.unregister();
    assertThat(errnoOf(() -> mask.allowsEngine(a, 0))).isEqualTo(Errno.ENODEV);
    assertThat(errnoOf(() -> mask.engines(a))).isEqualTo(Errno.ENODEV);
    assertThat(errnoOf(() -> fs.read("/" + DEV + "cpus.effective"))).isEqualTo(Errno.ENOENT);
  }
}
