package io.cgdev.controller.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;
import org.junit.jupiter.api.Test;

/**
 * Eviction is memcg's swap: an evicted buffer's charge moves from {@code memory.current} to {@code
 * memory.swap.current}, {@code memory.swap.max} bounds it ({@code 0} keeps a cgroup's buffers
 * resident), and freeing or bringing a buffer back returns the swap.
 */
class SwapTest {
  private static final long M = 1L << 20;

  private final TestCgroups cgroups = new TestCgroups();
  private final SwapReclaimer driver = new SwapReclaimer();
  private final TestBinding<MemoryState> dev = cgroups.bind(new MemoryController(), DeviceSpec.builder("gpu0", "fake")
      .controllers("memory").region(RegionSpec.host("system0", 1024 * M)).region(new RegionSpec("local0", 100 * M))
      .reclaimer(driver).build());
  private final MemoryCharging mem = dev.capability(MemoryCharging.class).orElseThrow();

  SwapTest() {
    driver.connect(mem);
    cgroups.mkdir("/a");
    cgroups.mkdir("/b");
  }

  private CgroupHandle cg(String path) {
    return cgroups.cgroup(path);
  }

  private long read(String path, String file) {
    return Long.parseLong(dev.read(path, file).strip());
  }

  @Test
  void underPressureEvictedBytesMoveFromMemoryToSwap() {
    dev.write("/a", "max", "10M");
    for (int i = 0; i < 3; i++) {
      driver.allocate(cg("/a"), 4 * M);
    }
    assertThat(read("/a", "current")).isEqualTo(8 * M);
    assertThat(read("/a", "swap.current")).isEqualTo(4 * M);
    assertThat(read("/", "swap.current")).isEqualTo(4 * M);
    assertThat(dev.read("/a", "stat")).contains("evicted " + 4 * M + "\n", "evictions 1\n", "pswpout 1024\n");
    assertThat(dev.read("/a", "events")).contains("max 1\n", "oom 0\n");
    assertThat(dev.read("/a", "swap.peak")).isEqualTo(4 * M + "\n");
  }

  @Test
  void swapMaxZeroKeepsTheBuffersResidentAndTheChargeThatNeedsTheirEvictionFails() {
    dev.write("/a", "max", "10M");
    dev.write("/a", "swap.max", "0");
    driver.allocate(cg("/a"), 4 * M);
    driver.allocate(cg("/a"), 4 * M);
    assertThatThrownBy(() -> driver.allocate(cg("/a"), 4 * M))
        .isInstanceOf(CgroupException.class)
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENOSPC);
    assertThat(read("/a", "current")).isEqualTo(8 * M);
    assertThat(read("/a", "swap.current")).isZero();
    assertThat(driver.buffers()).allMatch(SwapReclaimer.Buffer::resident);
    assertThat(dev.read("/a", "swap.events")).isEqualTo("high 0\nmax 2\nfail 2\n"); // one refusal per buffer tried
    assertThat(dev.read("/a", "events")).contains("oom 1\n");
  }

  @Test
  void swapMaxBoundsTheSubtreeAndTheFullDeviceEvictsOthersInstead() {
    dev.write("/a", "swap.max", "4M");
    driver.allocate(cg("/a"), 60 * M);
    driver.allocate(cg("/b"), 30 * M);
    // the device is full (100M): a's buffer cannot go to swap (60M > 4M), so b's must
    driver.allocate(cg("/a"), 20 * M);
    assertThat(read("/a", "current")).isEqualTo(80 * M);
    assertThat(read("/b", "current")).isZero();
    assertThat(read("/b", "swap.current")).isEqualTo(30 * M);
    assertThat(dev.read("/a", "swap.events")).contains("max 1\n", "fail 1\n");
    assertThat(dev.read("/", "swap.events")).as("hierarchical, up to the root").contains("max 1\n");
  }

  @Test
  void freeingAnEvictedBufferReturnsItsSwapAndSwapInChargesMemoryAgain() {
    dev.write("/a", "max", "8M");
    SwapReclaimer.Buffer first = driver.allocate(cg("/a"), 4 * M);
    driver.allocate(cg("/a"), 4 * M);
    SwapReclaimer.Buffer third = driver.allocate(cg("/a"), 4 * M);
    assertThat(first.resident()).isFalse();
    assertThat(read("/a", "swap.current")).isEqualTo(4 * M);
    driver.free(third);
    driver.swapIn(first);
    assertThat(first.resident()).isTrue();
    assertThat(read("/a", "current")).isEqualTo(8 * M);
    assertThat(read("/a", "swap.current")).isZero();
    assertThat(dev.read("/a", "stat")).contains("pswpin 1024\n");
    driver.buffers().forEach(driver::free);
    assertThat(read("/a", "current")).isZero();
    assertThat(dev.state("/a").drained()).isTrue();
  }

  @Test
  void swapInThatCannotBeChargedLeavesTheBufferInSwap() {
    dev.write("/a", "max", "4M");
    dev.write("/a", "swap.max", "4M");
    SwapReclaimer.Buffer first = driver.allocate(cg("/a"), 4 * M);
    driver.allocate(cg("/a"), 4 * M); // evicts the first
    dev.write("/a", "swap.max", "0"); // now nothing more may go to swap
    assertThatThrownBy(() -> driver.swapIn(first)).isInstanceOf(CgroupException.class)
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENOSPC);
    assertThat(read("/a", "swap.current")).isEqualTo(4 * M);
    assertThat(read("/a", "current")).isEqualTo(4 * M);
  }

  @Test
  void swapHighCountsTheHighEventAtEveryLevelAboveIt() {
    dev.write("/a", "max", "4M");
    dev.write("/a", "swap.high", "1M");
    driver.allocate(cg("/a"), 2 * M);
    driver.allocate(cg("/a"), 2 * M);
    driver.allocate(cg("/a"), 2 * M); // evicts 2M: above swap.high, which never refuses
    assertThat(read("/a", "swap.current")).isEqualTo(2 * M);
    assertThat(dev.read("/a", "swap.events")).isEqualTo("high 1\nmax 0\nfail 0\n");
  }

  @Test
  void aDyingCgroupsEvictionIsChargedToItsNearestLiveAncestorsSwap() {
    cgroups.mkdir("/a/old");
    SwapReclaimer.Buffer b = driver.allocate(cg("/a/old"), 4 * M);
    CgroupHandle old = cg("/a/old");
    cgroups.rmdir("/a/old");
    assertThat(mem.reclaim(cg("/"), 0, 4 * M)).isEqualTo(4 * M);
    assertThat(b.swap.cgroup()).isSameAs(cg("/a"));
    assertThat(read("/a", "swap.current")).isEqualTo(4 * M);
    assertThat(old.online()).isFalse();
    driver.free(b);
    assertThat(read("/a", "swap.current")).isZero();
  }

  @Test
  void swapHeldKeepsTheDeviceBusyAndBadSwapCallsAreEinval() {
    SwapReclaimer.Buffer b = driver.allocate(cg("/a"), 4 * M);
    assertThat(mem.reclaim(cg("/a"), 0, 4 * M)).isEqualTo(4 * M);
    assertThat(dev.state("/a").drained()).isFalse();
    assertThatThrownBy(dev.binding()::checkReleased).hasMessageContaining("swap: " + 4 * M + " bytes charged to /a");
    assertThatThrownBy(() -> mem.uncharge(b.swap, 8 * M)).isInstanceOf(CgroupException.class)
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EINVAL);
    assertThat(mem.swapUsage(cg("/a"))).isEqualTo(4 * M);
    driver.free(b);
    dev.binding().checkReleased();
  }
}
