package io.cgdev.controller.memory;

import static io.cgdev.testkit.Errnos.errnoOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.core.Cgroups;
import io.cgdev.testkit.FakeClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pressure triggers on {@code memory.pressure} through the file view: a refused charge keeps its
 * cgroup stalled (its client waits to retry), so a {@code some} trigger of that cgroup fires once the
 * stall passes its threshold within a window, while a sibling's does not; the file is 0644 as the
 * kernel's.
 */
class MemoryPressureTriggerTest {
  private static final long M = 1L << 20;
  private static final long MS = 1_000_000;
  private static final String DEV = "/memory.devices/dev0/memory.pressure";

  private final FakeClock clock = new FakeClock();
  private final Cgroups cgroups = Cgroups.builder().discover(false).controller(new MemoryController()).build();
  private final CgroupFs fs = cgroups.fs();
  private final DeviceRegistration dev = cgroups.register(DeviceSpec.builder("dev0", "fake")
      .controllers("memory").region(new RegionSpec("lmem0", 64 * M)).clock(clock).reclaimer(request -> 0).build());
  private final MemoryCharging charging = dev.capability(MemoryCharging.class).orElseThrow();

  @AfterEach
  void close() {
    cgroups.close();
  }

  @Test
  void aRefusedChargeFiresItsCgroupsTriggerAndNotItsSiblings() {
    fs.write("/cgroup.subtree_control", "+memory");
    fs.mkdir("/a");
    fs.mkdir("/b");
    CgroupHandle a = cgroups.context().cgroup(CgroupPath.parse("/a"));
    fs.write("/a/memory.devices/dev0/memory.max", "4M");
    charging.charge(a, 0, 4 * M);
    try (OpenFile fa = fs.open("/a" + DEV, OpenOptions.READ_WRITE);
        OpenFile fb = fs.open("/b" + DEV, OpenOptions.READ_WRITE)) {
      fa.write("some 200000 1000000");
      fb.write("some 200000 1000000");
      assertThat(errnoOf(() -> charging.charge(a, 0, M))).isEqualTo(Errno.ENOSPC);
      for (long t = 50 * MS; t <= 1_000 * MS; t += 50 * MS) {
        clock.set(t);
        fs.read("/a" + DEV); // something looks at the clock: the polling work it passed runs
      }
      assertThat(fa.changed()).isTrue();
      assertThat(fa.changed()).isFalse();
      assertThat(fb.changed()).isFalse();
    }
    assertThat(fs.stat("/a" + DEV).mode()).isEqualTo(0644);
  }
}
