package io.cgdev.controller.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.testkit.FakeClock;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code memory.pressure}: a charge stalls while it reclaims (time the driver's eviction takes on the
 * device clock) and, once refused, until its cgroup charges again or gives all its memory back.
 */
class MemoryPressureTest {
  private static final long M = 1L << 20;
  private static final long MS = 1_000_000;
  private static final long S = 1_000 * MS;
  private static final Pattern TOTAL = Pattern.compile("(some|full) .* total=(\\d+)");

  private final FakeClock clock = new FakeClock();
  private final TestCgroups cgroups = new TestCgroups();
  private long reclaimNanos;
  private final TestBinding<MemoryState> dev = cgroups.bind(new MemoryController(), DeviceSpec.builder("dev0", "fake")
      .controllers("memory").region(new RegionSpec("lmem0", 64 * M)).clock(clock)
      .reclaimer(request -> {
        clock.advance(reclaimNanos); // eviction takes device time and frees nothing
        return 0;
      }).build());
  private final MemoryCharging charging = dev.capability(MemoryCharging.class).orElseThrow();

  private long totalUs(String path, String kind) {
    Matcher m = TOTAL.matcher(dev.read(path, "pressure"));
    while (m.find()) {
      if (m.group(1).equals(kind)) {
        return Long.parseLong(m.group(2));
      }
    }
    throw new AssertionError(kind);
  }

  @Test
  void aRefusedChargeStallsItsCgroupUntilAChargeSucceeds() {
    CgroupHandle a = cgroups.mkdir("/a");
    cgroups.mkdir("/b");
    dev.write("/a", "max", "4M");
    charging.charge(a, 0, 4 * M);
    clock.set(S);
    assertThatThrownBy(() -> charging.charge(a, 0, M)).isInstanceOf(CgroupException.class);
    clock.set(3 * S);
    charging.uncharge(a, 0, M); // something freed: the retry fits
    charging.charge(a, 0, M);
    clock.set(4 * S);
    assertThat(totalUs("/a", "some")).isEqualTo(2_000_000);
    assertThat(totalUs("/a", "full")).isEqualTo(2_000_000);
    assertThat(totalUs("/", "some")).isEqualTo(2_000_000);
    assertThat(totalUs("/b", "some")).isZero();
    assertThat(dev.read("/a", "pressure")).startsWith("some avg10=");
  }

  @Test
  void reclaimTimeIsAStallAndGivingEverythingBackEndsARefusal() {
    CgroupHandle a = cgroups.mkdir("/a");
    dev.write("/a", "max", "4M");
    charging.charge(a, 0, 4 * M);
    reclaimNanos = 10 * MS;
    clock.set(S);
    // one reclaim attempt of 10 ms frees nothing: refused after it
    assertThatThrownBy(() -> charging.charge(a, 0, M)).isInstanceOf(CgroupException.class);
    assertThat(clock.nanoTime()).isEqualTo(S + 10 * MS);
    clock.set(2 * S);
    charging.uncharge(a, 0, 4 * M); // the workload ends: nothing waits any more
    clock.set(5 * S);
    assertThat(totalUs("/a", "some")).isEqualTo(1_000_000);
  }
}
