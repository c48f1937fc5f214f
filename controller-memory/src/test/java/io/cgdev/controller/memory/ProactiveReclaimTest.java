package io.cgdev.controller.memory;

import static io.cgdev.controller.memory.Fixture.M;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code memory.reclaim} (issue 17, item 4) as mm/vmscan.c's {@code user_proactive_reclaim}: parse
 * a size and {@code swappiness=} options, reclaim from the cgroup's subtree through the driver,
 * respecting protection, and fail with {@code EAGAIN} when less than asked could be reclaimed.
 */
class ProactiveReclaimTest {
  private final Fixture f = Fixture.oneRegion(100 * M);

  ProactiveReclaimTest() {
    f.mkdir("/a");
    f.mkdir("/a/b");
    f.mkdir("/a/c");
  }

  private Errno errno(String path, String value) {
    try {
      f.write(path, "reclaim", value);
    } catch (CgroupException e) {
      return e.errno();
    }
    return null;
  }

  private long current(String path) {
    return Long.parseLong(f.read(path, "current").strip());
  }

  @Test
  void reclaimsWhatIsAskedFromTheSubtree() {
    f.alloc("/a/b", 0, 6 * M);
    f.alloc("/a/c", 0, 6 * M);
    f.alloc("/", 0, 4 * M);
    f.write("/a", "reclaim", "8M");
    assertThat(current("/a")).isEqualTo(4 * M);
    assertThat(current("/")).as("nothing outside /a").isEqualTo(8 * M);
    assertThat(f.read("/a", "stat")).contains("reclaimed " + 8 * M + "\n");
    // requests of a quarter of what is left, at least 32 pages, as the kernel's batches
    assertThat(f.lru.requests().get(0).bytes()).isEqualTo(2 * M);
    assertThat(f.lru.requests()).allSatisfy(r -> assertThat(r.bytes()).isGreaterThanOrEqualTo(32 * 4096));
  }

  @Test
  void lessThanAskedIsEagainAfterSixteenFruitlessRetries() {
    f.alloc("/a/b", 0, 2 * M);
    assertThat(errno("/a", "4M")).isEqualTo(Errno.EAGAIN);
    assertThat(current("/a")).isZero();
    long fruitless = f.lru.requests().stream().filter(r -> r.freed() == 0).count();
    assertThat(fruitless).as("the 17th attempt without progress fails").isEqualTo(17);
  }

  @Test
  void protectionHoldsBelowTheTargetButTheTargetsOwnIsIgnored() {
    f.write("/a", "min", "100M");
    f.write("/a/b", "min", "4M");
    f.alloc("/a/b", 0, 4 * M);
    f.alloc("/a/c", 0, 4 * M);
    assertThat(errno("/a", "6M")).isEqualTo(Errno.EAGAIN);
    assertThat(current("/a/b")).as("b's min protects it from reclaim of /a").isEqualTo(4 * M);
    assertThat(current("/a/c")).isZero();
    f.write("/a/b", "low", "4M");
    f.write("/a/b", "min", "0");
    assertThat(errno("/a", "2M")).as("low gives way when nothing else is left").isNull();
    assertThat(f.dev.readKey(f.cg("/a/b"), "events", "low")).as("counted at each pass that breached it").isPositive();
  }

  @Test
  void swappinessZeroReclaimsNothingBecauseEveryDeviceBufferReclaimedIsSwapped() {
    f.alloc("/a/b", 0, 4 * M);
    assertThat(errno("/a", "1M swappiness=0")).isEqualTo(Errno.EAGAIN);
    assertThat(current("/a")).isEqualTo(4 * M);
    assertThat(errno("/a", "1M swappiness=60")).isNull();
    assertThat(errno("/a", "1M swappiness=max")).isNull();
    assertThat(errno("/a", "1M   swappiness=0x10")).as("empty tokens are skipped, match_int reads hex").isNull();
  }

  @Test
  void zeroOrLessThanAPageAsksForNothing() {
    assertThat(errno("/a", "0")).isNull();
    assertThat(errno("/a", "4095")).isNull();
    assertThat(errno("/a", "K")).as("memparse consumed the suffix alone: 0 bytes").isNull();
    assertThat(f.lru.requests()).isEmpty();
    assertThat(errno("/", "0")).as("the root has memory.reclaim too").isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "-1M", "1M foo", "1M swappiness=201", "1M swappiness=-1", "1M swappiness=",
      "1M swappiness=6x", "1M swappiness", "1Mx"})
  void badValuesAreEinvalAndReclaimNothing(String value) {
    f.alloc("/a/b", 0, 2 * M);
    assertThat(errno("/a", value)).isEqualTo(Errno.EINVAL);
    assertThat(current("/a")).isEqualTo(2 * M);
  }
}
