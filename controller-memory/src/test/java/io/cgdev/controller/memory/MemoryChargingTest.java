package io.cgdev.controller.memory;

import static io.cgdev.controller.memory.Fixture.M;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.testkit.FakeFileHandle;
import io.cgdev.testkit.LruReclaimer;
import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.RegionSpec;
import org.junit.jupiter.api.Test;

class MemoryChargingTest {
  private final Fixture f = Fixture.oneRegion(100 * M);

  private static Errno errno(Runnable r) {
    try {
      r.run();
    } catch (CgroupException e) {
      return e.errno();
    }
    throw new AssertionError("no CgroupException");
  }

  @Test
  void maxHitWithoutAnythingToEvictFailsWithEnospcAndCountsMaxAndOom() {
    f.mkdir("/a");
    f.mkdir("/a/b");
    f.write("/a", "max", "10M");
    f.alloc("/a/b", 0, 8 * M);
    f.lru.pinAll(); // the driver holds them pinned: nothing can go
    assertThatThrownBy(() -> f.charging.charge(f.cg("/a/b"), 0, 4 * M))
        .isInstanceOf(CgroupException.class)
        .hasMessageContaining("memory.max of /a")
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENOSPC);
    assertThat(f.read("/a", "events.local"))
        .isEqualTo("low 0\nhigh 0\nmax 1\noom 1\noom_kill 0\noom_group_kill 0\nsock_throttled 0\n");
    assertThat(f.read("/a/b", "events"))
        .isEqualTo("low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\nsock_throttled 0\n");
    assertThat(f.read("/", "events")).contains("max 1\n").contains("oom 1\n");
    assertThat(f.read("/", "events.local")).contains("max 0\n");
    assertThat(f.read("/a/b", "stat")).contains("failed_charges 1\n");
    assertThat(f.read("/a", "stat")).contains("failcnt 2\n").contains("reclaim_requests 1\n");
    assertThat(f.charging.usage(f.cg("/a/b"), 0)).isEqualTo(8 * M);
  }

  @Test
  void maxHitEvictsFromTheLimitingSubtreeOnly() {
    f.mkdir("/a");
    f.mkdir("/a/b");
    f.mkdir("/c");
    f.write("/a", "max", "10M");
    f.alloc("/c", 0, 5 * M);
    f.alloc("/a/b", 0, 8 * M);
    f.alloc("/a/b", 0, 4 * M);
    assertThat(f.charging.usage(f.cg("/a"), 0)).isEqualTo(10 * M);
    assertThat(f.charging.usage(f.cg("/c"), 0)).isEqualTo(5 * M);
    assertThat(f.read("/a", "events")).contains("max 1\n").contains("oom 0\n");
    assertThat(f.read("/a/b", "stat")).contains("evicted " + 2 * M + "\n").contains("evictions 2\n");
    assertThat(f.read("/a", "stat")).contains("reclaimed " + 2 * M + "\n");
  }

  @Test
  void fullDeviceIsALimitAtTheRootAndRespectsProtection() {
    f.mkdir("/a");
    f.mkdir("/b");
    f.write("/a", "min", "60M");
    f.alloc("/a", 0, 60 * M);
    f.alloc("/b", 0, 40 * M);
    f.alloc("/b", 0, 30 * M);
    assertThat(f.charging.usage(f.cg("/a"), 0)).isEqualTo(60 * M);
    assertThat(f.charging.usage(f.cg("/b"), 0)).isEqualTo(40 * M);
    assertThat(f.read("/", "events.local")).contains("max 1\n");
    assertThatThrownBy(() -> f.alloc("/b", 0, 41 * M)).hasMessageContaining("region is full");
    // reclaim took all of b's memory, yet 41M never fit beside a's protected 60M
    assertThat(f.read("/", "current")).isEqualTo(60 * M + "\n");
    assertThat(f.charging.usage(f.cg("/a"), 0)).isEqualTo(60 * M);
  }

  @Test
  void tryChargeReturnsThePoolChargedOrNullAndCountsMaxAtTheLimitingCgroupWithoutReclaim() {
    f.mkdir("/a");
    f.mkdir("/a/b");
    f.write("/a", "max", "1M");
    MemoryCharging.Pool pool = f.charging.tryCharge(f.cg("/a/b"), 0, M);
    assertThat(pool.cgroup()).isSameAs(f.cg("/a/b"));
    assertThat(pool.region()).isZero();
    assertThat(f.charging.tryCharge(f.cg("/a/b"), 0, 4096)).isNull();
    assertThat(f.read("/a", "events.local")).contains("max 1\n").contains("oom 0\n");
    assertThat(f.read("/a/b", "events.local")).contains("max 0\n");
    assertThat(f.lru.requests()).isEmpty();
  }

  @Test
  void highIsExceededButReclaimsAndCountsTheHighEvent() {
    f.mkdir("/a");
    f.write("/a", "high", "10M");
    f.alloc("/a", 0, 8 * M);
    f.alloc("/a", 0, 4 * M);
    assertThat(f.read("/a", "events")).contains("high 1\n");
    assertThat(f.charging.usage(f.cg("/a"), 0)).isEqualTo(10 * M);
    f.lru.pinAll();
    f.charging.charge(f.cg("/a"), 0, 5 * M);
    assertThat(f.charging.usage(f.cg("/a"), 0)).isEqualTo(15 * M);
    assertThat(f.read("/a", "events")).contains("high 2\n").contains("max 0\n");
  }

  @Test
  void loweringMaxReclaimsUnlessNonBlockingAndSucceedsEvenWhenUsageStaysAbove() {
    f.mkdir("/a");
    f.alloc("/a", 0, 20 * M);
    f.file("max").write(f.state("/a"), "15M", FakeFileHandle.openNonBlocking());
    assertThat(f.read("/a", "max")).isEqualTo(15 * M + "\n");
    assertThat(f.charging.usage(f.cg("/a"), 0)).isEqualTo(20 * M);
    f.write("/a", "max", "12M");
    assertThat(f.charging.usage(f.cg("/a"), 0)).isEqualTo(12 * M);
    f.lru.pinAll();
    f.write("/a", "max", "4M");
    assertThat(f.read("/a", "max")).isEqualTo(4 * M + "\n");
    assertThat(f.charging.usage(f.cg("/a"), 0)).isEqualTo(12 * M);
    assertThat(f.read("/a", "events")).contains("oom 1\n");
    assertThat(errno(() -> f.charging.charge(f.cg("/a"), 0, 4096))).isEqualTo(Errno.ENOSPC);
  }

  @Test
  void badArgumentsAreEinval() {
    f.mkdir("/a");
    assertThat(errno(() -> f.charging.charge(f.cg("/a"), 0, -1))).isEqualTo(Errno.EINVAL);
    assertThat(errno(() -> f.charging.charge(f.cg("/a"), 1, 1))).isEqualTo(Errno.EINVAL);
    assertThat(errno(() -> f.charging.region("vram"))).isEqualTo(Errno.EINVAL);
    assertThat(f.charging.region("lmem0")).isZero();
    f.charging.charge(f.cg("/a"), 0, 10);
    assertThat(errno(() -> f.charging.uncharge(f.cg("/a"), 0, 11))).isEqualTo(Errno.EINVAL);
    assertThat(f.charging.usage(f.cg("/a"), 0)).isEqualTo(10);
  }

  @Test
  void drainedCheckReleasedAndUnbind() {
    f.mkdir("/a");
    f.mkdir("/a/b");
    f.charging.charge(f.cg("/a/b"), 0, 4096);
    f.charging.charge(f.cg("/a"), 0, 8192);
    assertThat(f.state("/a/b").drained()).isFalse();
    assertThatThrownBy(f.binding::checkReleased)
        .hasMessageContaining("lmem0")
        .hasMessageContaining("4096 bytes charged to /a/b")
        .hasMessageContaining("8192 bytes charged to /a")
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EBUSY);
    f.charging.uncharge(f.cg("/a/b"), 0, 4096);
    f.charging.uncharge(f.cg("/a"), 0, 8192);
    assertThat(f.state("/a/b").drained()).isTrue();
    f.binding.checkReleased();
    f.binding.unbind();
    assertThat(errno(() -> f.charging.charge(f.cg("/a"), 0, 1))).isEqualTo(Errno.ENODEV);
    assertThat(errno(() -> f.charging.tryCharge(f.cg("/a"), 0, 1))).isEqualTo(Errno.ENODEV);
    assertThat(errno(() -> f.charging.uncharge(f.cg("/a"), 0, 1))).isEqualTo(Errno.ENODEV);
    assertThat(errno(() -> f.charging.usage(f.cg("/a"), 0))).isEqualTo(Errno.ENODEV);
    assertThat(errno(() -> f.charging.reclaim(f.cg("/a"), 0, 1))).isEqualTo(Errno.ENODEV);
    assertThat(errno(() -> f.charging.region("lmem0"))).isEqualTo(Errno.ENODEV);
  }

  @Test
  void aRegistrationGovernsItsOneDeviceRegionAndNeverChargesHostMemory() {
    Fixture withHost = new Fixture(RegionSpec.host("system0", 100 * M), new RegionSpec("local0", 10 * M));
    withHost.mkdir("/a");
    assertThat(withHost.charging.region("local0")).isZero();
    assertThat(errno(() -> withHost.charging.region("system0"))).isEqualTo(Errno.EINVAL);
    assertThatThrownBy(() -> withHost.charging.region("system0")).hasMessageContaining("host memory");
    withHost.charging.charge(withHost.cg("/a"), 0, 5 * M);
    assertThat(withHost.read("/a", "current")).isEqualTo(5 * M + "\n");
    assertThat(withHost.read("/", "capacity")).isEqualTo(10 * M + "\n");
    withHost.charging.uncharge(withHost.cg("/a"), 0, 5 * M);
    assertThatThrownBy(() -> new Fixture(new RegionSpec("local0", M), new RegionSpec("local1", M)))
        .isInstanceOf(CgroupException.class)
        .hasMessageContaining("2 device-memory regions (local0, local1)")
        .hasMessageContaining("register each under its own name");
    assertThatThrownBy(() -> new Fixture(RegionSpec.host("system0", M)))
        .hasMessageContaining("no device-memory region").hasMessageContaining("host-memory regions are not charged");
  }

  @Test
  void explicitReclaimFreesBelowTheScope() {
    f.mkdir("/a");
    f.alloc("/a", 0, 6 * M);
    assertThat(f.charging.reclaim(f.cg("/"), 0, 3 * M)).isEqualTo(3 * M);
    assertThat(f.charging.usage(f.cg("/a"), 0)).isEqualTo(3 * M);
  }
}
