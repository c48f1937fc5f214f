package io.cgdev.controller.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.core.Cgroups;
import io.cgdev.testkit.LruReclaimer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Disabling memory in a parent's {@code cgroup.subtree_control} kills the children's memory states;
 * enabling it again shows a fresh one, as the kernel kills the memcg css on disable and creates a
 * new one (defaults: {@code memory.max} is {@code max}) on enable — kernel/cgroup/cgroup.c {@code
 * cgroup_apply_control_disable}/{@code cgroup_apply_control_enable}, mm/memcontrol.c {@code
 * mem_cgroup_css_alloc} (page counters start unlimited). Charges taken before the disable stay with
 * the old (dying) state and go back to it, as a page keeps its memcg; nothing leaks.
 */
class MemoryRestartScenarioTest {
  private static final long M = 1L << 20;
  private static final String DEV = "/memory.devices/gpu0/";

  private final LruReclaimer lru = new LruReclaimer();
  private final Cgroups cgroups = Cgroups.builder().discover(false).controller(new MemoryController()).build();
  private final CgroupFs fs = cgroups.fs();
  private final DeviceRegistration gpu = cgroups.register(DeviceSpec.builder("gpu0", "sim")
      .controllers("memory").region(new RegionSpec("lmem0", 256 * M)).reclaimer(lru).build());
  private final MemoryCharging mem = gpu.capability(MemoryCharging.class).orElseThrow();

  MemoryRestartScenarioTest() {
    lru.connect(mem);
  }

  @AfterEach
  void close() {
    cgroups.close();
  }

  private CgroupHandle cgroup(String path) {
    return cgroups.context().cgroup(CgroupPath.parse(path));
  }

  private long current(String path) {
    return Long.parseLong(fs.read(path + DEV + "memory.current").strip());
  }

  @Test
  void memoryMaxIsMaxAgainAfterDisableAndEnable() {
    fs.mkdir("/a");
    fs.write("/cgroup.subtree_control", "+memory");
    fs.write("/a" + DEV + "memory.max", "64M");
    fs.write("/a" + DEV + "memory.high", "32M");
    assertThat(fs.read("/a" + DEV + "memory.max")).isEqualTo(64 * M + "\n");
    assertThat(mem.tryCharge(cgroup("/a"), 0, 65 * M)).isNull(); // counts a max event
    assertThat(fs.read("/a" + DEV + "memory.events")).contains("max 1\n");
    fs.write("/cgroup.subtree_control", "-memory");
    fs.write("/cgroup.subtree_control", "+memory");
    assertThat(fs.read("/a" + DEV + "memory.max")).isEqualTo("max\n");
    assertThat(fs.read("/a" + DEV + "memory.high")).isEqualTo("max\n");
    fs.mkdir("/fresh");
    assertThat(fs.read("/a" + DEV + "memory.events")).contains("max 0\n")
        .isEqualTo(fs.read("/fresh" + DEV + "memory.events"));
  }

  @Test
  void chargesHeldAcrossARestartAreUnchargedWhereTheyWereTakenAndNothingLeaks() {
    fs.mkdir("/a");
    fs.write("/cgroup.subtree_control", "+memory");
    fs.write("/a" + DEV + "memory.max", "64M");
    CgroupHandle a = cgroup("/a");
    MemoryCharging.Pool old = mem.charge(a, 0, 10 * M);
    assertThat(current("/a")).isEqualTo(10 * M);

    fs.write("/cgroup.subtree_control", "-memory");
    MemoryCharging.Pool hidden = mem.charge(a, 0, 3 * M); // while disabled: the fresh state takes it
    assertThat(hidden).isNotSameAs(old);
    fs.write("/cgroup.subtree_control", "+memory");
    assertThat(fs.read("/a" + DEV + "memory.max")).isEqualTo("max\n");
    assertThat(current("/a")).isEqualTo(3 * M);
    assertThat(current("")).as("the root counts each charge once").isEqualTo(13 * M);
    // the fresh limit applies to new charges only
    fs.write("/a" + DEV + "memory.max", "4M");
    assertThat(mem.tryCharge(a, 0, 2 * M)).isNull();

    mem.uncharge(old, 10 * M);
    assertThat(current("")).isEqualTo(3 * M);
    mem.uncharge(hidden, 3 * M);
    assertThat(current("/a")).isZero();
    assertThat(current("")).isZero();
    fs.mkdir("/b"); // a structural operation frees the drained old state
    assertThat(fs.read("/cgroup.stat")).contains("nr_dying_descendants 0\n");
    gpu.unregister(); // refused with EBUSY if anything were still charged anywhere
    assertThat(gpu.registered()).isFalse();
  }

  @Test
  void unregisteringFreesStatesStillRetired() {
    fs.mkdir("/a");
    fs.write("/cgroup.subtree_control", "+memory");
    MemoryCharging.Pool old = mem.charge(cgroup("/a"), 0, M);
    fs.write("/cgroup.subtree_control", "-memory");
    mem.uncharge(old, M);
    gpu.unregister(); // the retired state is freed with the device's others, not reaped later
    assertThat(gpu.registered()).isFalse();
    assertThat(cgroups.devices()).isEmpty();
    fs.mkdir("/b"); // and no later reap frees it a second time (the core's guard would report it)
    assertThat(cgroups.diagnostics()).isEmpty();
  }
}
