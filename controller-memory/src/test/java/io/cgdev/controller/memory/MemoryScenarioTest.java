package io.cgdev.controller.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.testkit.FakeFileHandle;
import io.cgdev.testkit.LruReclaimer;
import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.FsEntry;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.core.Cgroups;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The controller driven as a user and a driver would: through the core's file view and MemoryCharging. */
class MemoryScenarioTest {
  private static final long M = 1L << 20;
  private static final String DEV = "/memory.devices/gpu0/";

  private final LruReclaimer lru = new LruReclaimer();
  private final Cgroups cgroups = Cgroups.builder().discover(false).controller(new MemoryController())
      .controller(new DmemController()).build();
  private final CgroupFs fs = cgroups.fs();
  private final DeviceRegistration gpu = cgroups.register(DeviceSpec.builder("gpu0", "sim")
      .controllers("memory").region(new RegionSpec("lmem0", 256 * M)).reclaimer(lru)
      .attribute("dmem.region", "drm/0000:03:00.0/vram0").build());
  private final MemoryCharging mem = gpu.capability(MemoryCharging.class).orElseThrow();

  MemoryScenarioTest() {
    lru.connect(mem);
  }

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

  private void alloc(String path, long bytes) {
    CgroupHandle cg = cgroup(path);
    mem.charge(cg, 0, bytes);
    lru.add(cg, 0, bytes);
  }

  @Test
  void filesAppearWhereTheControllerIsEnabledAndTheRootHasNoLimits() {
    assertThat(fs.list("/memory.devices/gpu0")).extracting(FsEntry::name).contains("memory.capacity", "memory.current")
        .doesNotContain("memory.max", "memory.min", "memory.low", "memory.high");
    assertThat(fs.read("/" + DEV + "memory.capacity")).isEqualTo(256 * M + "\n");
    fs.write("/cgroup.subtree_control", "+memory");
    fs.mkdir("/a");
    assertThat(fs.list("/a/memory.devices/gpu0")).extracting(FsEntry::name).containsExactlyInAnyOrder(
        "memory.current", "memory.min", "memory.low", "memory.high", "memory.max", "memory.peak",
        "memory.events", "memory.events.local", "memory.stat", "memory.reclaim", "memory.swap.current",
        "memory.swap.high", "memory.swap.max", "memory.swap.peak", "memory.swap.events", "memory.pressure");
    assertThat(fs.read("/a" + DEV + "memory.max")).isEqualTo("max\n");
    fs.write("/a" + DEV + "memory.max", "64M");
    assertThat(fs.read("/a" + DEV + "memory.max")).isEqualTo(64 * M + "\n");
    assertThatThrownBy(() -> fs.write("/a" + DEV + "memory.max", "-1"))
        .isInstanceOfSatisfying(CgroupException.class, errno(Errno.EINVAL));
    assertThatThrownBy(() -> fs.write("/a" + DEV + "memory.current", "0")).isInstanceOf(CgroupException.class);
    assertThat(fs.read("/a" + DEV + "memory.max")).isEqualTo(64 * M + "\n");
  }

  @Test
  void theDmemViewIsAControllerWithHostFilesOnlyOverTheSameCounters() {
    assertThat(fs.read("/cgroup.controllers")).isEqualTo("dmem memory\n");
    assertThat(fs.list("/")).extracting(FsEntry::name).contains("dmem.capacity", "dmem.current", "memory.devices")
        .doesNotContain("dmem.devices", "dmem.max", "dmem.peak");
    assertThat(fs.read("/dmem.capacity")).isEqualTo("drm/0000:03:00.0/vram0 " + 256 * M + "\n");
    fs.write("/cgroup.subtree_control", "+dmem");
    fs.mkdir("/a");
    assertThat(fs.list("/a")).extracting(FsEntry::name).contains("dmem.current", "dmem.min", "dmem.low", "dmem.max", "dmem.peak")
        .doesNotContain("dmem.capacity", "memory.devices", "dmem.devices");
    fs.write("/a/dmem.max", "drm/0000:03:00.0/vram0 64M");
    assertThat(fs.read("/a/dmem.max")).isEqualTo("drm/0000:03:00.0/vram0 67108864\n");
    assertThatThrownBy(() -> fs.write("/a/dmem.max", "drm/0000:03:00.0/vram0 1M\ndrm/0000:03:00.0/vram0 2M"))
        .isInstanceOfSatisfying(CgroupException.class, errno(Errno.EINVAL));
    mem.charge(cgroup("/a"), 0, 3 * M);
    assertThat(fs.read("/a/dmem.current")).isEqualTo("drm/0000:03:00.0/vram0 " + 3 * M + "\n");
    fs.write("/cgroup.subtree_control", "+memory");
    assertThat(fs.read("/a" + DEV + "memory.max")).isEqualTo(64 * M + "\n");
    mem.uncharge(cgroup("/a"), 0, 3 * M);
  }

  @Test
  void aDriverChargesEvictsAndFailsAsTheLimitsSay() {
    fs.write("/cgroup.subtree_control", "+memory");
    fs.mkdir("/a");
    fs.mkdir("/b");
    fs.write("/a" + DEV + "memory.max", "32M");
    fs.write("/b" + DEV + "memory.min", "16M");
    alloc("/b", 16 * M);
    alloc("/a", 32 * M);
    alloc("/a", 8 * M);
    assertThat(fs.read("/a" + DEV + "memory.current")).isEqualTo(32 * M + "\n");
    assertThat(fs.read("/a" + DEV + "memory.events"))
        .isEqualTo("low 0\nhigh 0\nmax 1\noom 0\noom_kill 0\noom_group_kill 0\nsock_throttled 0\n");
    assertThat(fs.read("/" + DEV + "memory.current")).isEqualTo(48 * M + "\n");
    lru.pinAll();
    assertThatThrownBy(() -> mem.charge(cgroup("/a"), 0, M)).isInstanceOfSatisfying(CgroupException.class, errno(Errno.ENOSPC));
    assertThat(fs.read("/a" + DEV + "memory.events")).contains("oom 1\n");
    // lowering max below usage succeeds and leaves usage above when nothing can go
    fs.write("/a" + DEV + "memory.max", "8M");
    assertThat(fs.read("/a" + DEV + "memory.current")).isEqualTo(32 * M + "\n");
    assertThat(fs.read("/a" + DEV + "memory.max")).isEqualTo(8 * M + "\n");
  }

  @Test
  void peakResetsPerOpenFileAndDyingCgroupsKeepTheirCharges() {
    fs.write("/cgroup.subtree_control", "+memory");
    fs.mkdir("/a");
    mem.charge(cgroup("/a"), 0, 8 * M);
    mem.uncharge(cgroup("/a"), 0, 6 * M);
    try (OpenFile h = fs.open("/a" + DEV + "memory.peak", OpenOptions.READ_WRITE)) {
      assertThat(h.read()).isEqualTo(8 * M + "\n");
      h.write("reset");
      assertThat(h.read()).isEqualTo(2 * M + "\n");
      assertThat(fs.read("/a" + DEV + "memory.peak")).isEqualTo(8 * M + "\n");
    }
    CgroupHandle a = cgroup("/a");
    fs.rmdir("/a");
    assertThat(fs.read("/" + DEV + "memory.current")).isEqualTo(2 * M + "\n");
    assertThatThrownBy(gpu::unregister).isInstanceOfSatisfying(CgroupException.class, errno(Errno.EBUSY))
        .hasMessageContaining("/a");
    mem.uncharge(a, 0, 2 * M);
    assertThat(fs.read("/" + DEV + "memory.current")).isEqualTo("0\n");
    gpu.unregister();
    assertThatThrownBy(() -> mem.charge(cgroup("/"), 0, 1)).isInstanceOfSatisfying(CgroupException.class, errno(Errno.ENODEV));
  }
}
