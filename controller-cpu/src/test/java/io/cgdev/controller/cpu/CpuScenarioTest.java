package io.cgdev.controller.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.FsEntry;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.TimeSharing;
import io.cgdev.api.spi.TimeSharing.Client;
import io.cgdev.core.Cgroups;
import io.cgdev.testkit.FakeClock;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The controller driven as a user and a driver would: through the core's file view and TimeSharing. */
class CpuScenarioTest {
  private static final long MS = 1_000_000;
  private static final String DEV = "/cpu.devices/gpu0/";

  private final FakeClock clock = new FakeClock();
  private final Cgroups cgroups = Cgroups.builder().discover(false).controller(new CpuController()).build();
  private final CgroupFs fs = cgroups.fs();
  private final DeviceRegistration gpu = cgroups.register(DeviceSpec.builder("gpu0", "sim")
      .controllers("cpu").engine(new EngineSpec("rcs0", "render")).engine(new EngineSpec("bcs0", "copy"))
      .clock(clock).build());
  private final TimeSharing ts = gpu.capability(TimeSharing.class).orElseThrow();

  @AfterEach
  void close() {
    cgroups.close();
  }

  private CgroupHandle cgroup(String path) {
    return cgroups.context().cgroup(CgroupPath.parse(path));
  }

  private static Consumer<CgroupException> errno(Errno errno) {
    return e -> assertThat(e.errno()).isEqualTo(errno);
  }

  private long stat(String path, String key) {
    for (String line : fs.read(path + DEV + "cpu.stat").split("\n")) {
      String[] kv = line.split(" ");
      if (kv[0].equals(key)) {
        return Long.parseLong(kv[1]);
      }
    }
    throw new AssertionError(key);
  }

  @Test
  void filesAppearWhereTheControllerIsEnabled() {
    assertThat(fs.list("/cpu.devices/gpu0")).extracting(FsEntry::name).containsExactlyInAnyOrder("cpu.stat", "cpu.pressure");
    fs.write("/cgroup.subtree_control", "+cpu");
    fs.mkdir("/a");
    assertThat(fs.list("/a/cpu.devices/gpu0")).extracting(FsEntry::name)
        .containsExactlyInAnyOrder("cpu.max", "cpu.max.burst", "cpu.pressure", "cpu.stat", "cpu.weight", "cpu.weight.nice");
    assertThat(fs.read("/a" + DEV + "cpu.max")).isEqualTo("max 100000\n");
    assertThatThrownBy(() -> fs.write("/a" + DEV + "cpu.weight", "0"))
        .isInstanceOfSatisfying(CgroupException.class, errno(Errno.ERANGE));
    assertThatThrownBy(() -> fs.write("/a" + DEV + "cpu.max", "1 100000"))
        .isInstanceOfSatisfying(CgroupException.class, errno(Errno.EINVAL));
    assertThatThrownBy(() -> fs.write("/a" + DEV + "cpu.stat", "0"))
        .isInstanceOf(CgroupException.class);
    fs.write("/a" + DEV + "cpu.weight.nice", "-5");
    assertThat(fs.read("/a" + DEV + "cpu.weight")).isEqualTo("305\n");
  }

  @Test
  void weightsAndLimitsWrittenThroughTheFilesShapeTheSchedule() {
    fs.write("/cgroup.subtree_control", "+cpu");
    fs.mkdir("/a");
    fs.mkdir("/b");
    fs.mkdir("/c");
    fs.write("/a" + DEV + "cpu.weight", "100");
    fs.write("/b" + DEV + "cpu.weight", "300");
    fs.write("/c" + DEV + "cpu.weight", "10000");
    fs.write("/c" + DEV + "cpu.max", "10000 100000");
    Client a = ts.open(cgroup("/a"), "a");
    Client b = ts.open(cgroup("/b"), "b");
    Client c = ts.open(cgroup("/c"), "c");
    for (Client x : new Client[] {a, b, c}) {
      x.setRunnable(0, true);
    }
    new EngineSim(clock, ts, 2, 100_000, 400_000, 42).run(10_000 * MS);
    // c is capped at 10%; a and b share the remaining 90% 1:3
    assertThat(c.runtime(0) / 10e9).isCloseTo(0.10, within(0.001));
    assertThat(a.runtime(0) / 10e9).isCloseTo(0.225, within(0.00225));
    assertThat(b.runtime(0) / 10e9).isCloseTo(0.675, within(0.00675));
    assertThat(stat("/", "usage_usec")).isEqualTo(10_000_000);
    assertThat(stat("/", "usage_usec.rcs0")).isEqualTo(10_000_000);
    assertThat(stat("/c", "usage_usec")).isEqualTo(c.runtime(0) / 1000);
    assertThat(stat("/c", "nr_throttled")).isBetween(99L, 100L);
    assertThat(stat("/a", "nr_throttled")).isZero();
  }

  @Test
  void unregisteringWaitsForClientsThenCallsFailWithEnodev() {
    fs.write("/cgroup.subtree_control", "+cpu");
    fs.mkdir("/a");
    Client c = ts.open(cgroup("/a"), "drm-client-3");
    assertThatThrownBy(gpu::unregister).isInstanceOfSatisfying(CgroupException.class, errno(Errno.EBUSY))
        .hasMessageContaining("drm-client-3");
    assertThat(fs.read("/a" + DEV + "cpu.weight")).isEqualTo("100\n");
    c.close();
    gpu.unregister();
    assertThatThrownBy(() -> ts.pickNext(0)).isInstanceOfSatisfying(CgroupException.class, errno(Errno.ENODEV));
    assertThatThrownBy(() -> ts.open(cgroups.context().root(), "x")).isInstanceOfSatisfying(CgroupException.class, errno(Errno.ENODEV));
  }

  @Test
  void aRemovedCgroupWithAnOpenClientKeepsRunningUntilTheClientCloses() {
    fs.write("/cgroup.subtree_control", "+cpu");
    fs.mkdir("/a");
    Client c = ts.open(cgroup("/a"), "c");
    c.setRunnable(0, true);
    fs.rmdir("/a");
    assertThat(ts.pickNext(0)).isSameAs(c);
    c.ran(0, 5 * MS);
    assertThat(stat("/", "usage_usec")).isEqualTo(5000);
    c.close();
    assertThat(ts.pickNext(0)).isNull();
  }
}
