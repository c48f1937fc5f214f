package io.cgdev.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.ReclaimRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The fake driver's eviction: oldest first, in scope, as protection allows, uncharging as it goes. */
class LruReclaimerTest {
  private static final long M = LruReclaimer.DEFAULT_PIECE;

  /** Per-cgroup usage of one region {@code r0}, without hierarchy or limits. */
  private static final class FlatCharging implements MemoryCharging {
    final Map<CgroupHandle, Long> usage = new ConcurrentHashMap<>();

    @Override
    public int region(String name) {
      if (!name.equals("r0")) {
        throw CgroupException.of(Errno.EINVAL, "no region %s", name);
      }
      return 0;
    }

    /** The one region's share of a cgroup. */
    private record FlatPool(CgroupHandle cgroup, int region) implements Pool {}

    @Override
    public Pool charge(CgroupHandle cgroup, int region, long bytes) {
      if (bytes > 100 * M) {
        throw CgroupException.of(Errno.ENOSPC, "too big");
      }
      usage.merge(cgroup, bytes, Long::sum);
      return new FlatPool(cgroup, region);
    }

    @Override
    public Pool tryCharge(CgroupHandle cgroup, int region, long bytes) {
      return charge(cgroup, region, bytes);
    }

    @Override
    public void uncharge(Pool pool, long bytes) {
      uncharge(pool.cgroup(), pool.region(), bytes);
    }

    @Override
    public void uncharge(CgroupHandle cgroup, int region, long bytes) {
      usage.merge(cgroup, -bytes, Long::sum);
    }

    @Override
    public long reclaim(CgroupHandle scope, int region, long bytes) {
      return 0;
    }

    @Override
    public long usage(CgroupHandle cgroup, int region) {
      return usage.getOrDefault(cgroup, 0L);
    }
  }

  private static ReclaimRequest request(long bytes, CgroupHandle scope, Predicate<CgroupHandle> mayEvict) {
    return new ReclaimRequest() {
      @Override
      public String region() {
        return "r0";
      }

      @Override
      public long bytes() {
        return bytes;
      }

      @Override
      public CgroupHandle scope() {
        return scope;
      }

      @Override
      public boolean mayEvict(CgroupHandle owner) {
        return mayEvict.test(owner);
      }
    };
  }

  private final TestCgroups cgroups = new TestCgroups();
  private final CgroupHandle a = cgroups.mkdir("/a");
  private final CgroupHandle b = cgroups.mkdir("/b");
  private final CgroupHandle a1 = cgroups.mkdir("/a/a1");
  private final FlatCharging charging = new FlatCharging();
  private final LruReclaimer lru = new LruReclaimer();

  @Test
  void evictsOldestFirstInScopeAndAsAllowed() {
    lru.connect(charging);
    lru.allocate(b, 0, 2 * M);
    lru.allocate(a1, 0, 2 * M + 5);
    lru.allocate(a, 0, M);
    assertThat(lru.buffers()).extracting(LruReclaimer.Buffer::bytes).containsExactly(M, M, M, M, 5L, M);
    assertThat(lru.held(a1, 0)).isEqualTo(2 * M + 5);
    // scope /a: b's buffers are out of scope; a1's oldest go first
    assertThat(lru.reclaim(request(M + 1, a, c -> true))).isEqualTo(2 * M);
    assertThat(charging.usage(a1, 0)).isEqualTo(5);
    assertThat(charging.usage(b, 0)).isEqualTo(2 * M);
    // a1 protected: only a's own buffer may go
    assertThat(lru.reclaim(request(10 * M, a, c -> c != a1))).isEqualTo(M);
    assertThat(charging.usage(a, 0)).isZero();
    assertThat(lru.requests()).extracting(LruReclaimer.Request::freed).containsExactly(2 * M, M);
    assertThat(lru.requests().get(0).scope()).isSameAs(a);
    lru.pinAll();
    assertThat(lru.reclaim(request(M, cgroups.root(), c -> true))).isZero();
    assertThat(charging.usage(b, 0)).as("pinned buffers stay charged").isEqualTo(2 * M);
  }

  @Test
  void aRefusedAllocationHoldsNothing() {
    lru.connect(charging);
    assertThatThrownBy(() -> lru.allocate(a, 0, 101 * M)).isInstanceOf(CgroupException.class);
    assertThat(lru.buffers()).isEmpty();
  }

  @Test
  void mustBeConnectedBeforeUse() {
    assertThatThrownBy(() -> lru.allocate(a, 0, M)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("connect");
    assertThatThrownBy(() -> new LruReclaimer(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
