package io.cgdev.controller.memory;

import static io.cgdev.controller.memory.Fixture.M;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Task;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A charge goes back to the pool it was taken from, a removed cgroup takes no new charge, and a
 * charge that lands while its cgroup is being removed is taken back rather than lost. The races are
 * made deterministic by removing the cgroup from inside the reclaimer, which the controller calls in
 * the middle of a charge.
 */
class ChargeLifetimeTest {
  static final long PAGE = 4096;

  final Fixture f = Fixture.oneRegion(100 * M);

  @Test
  void aChargeReturnsItsPoolAndUnchargingThroughItEmptiesADyingCgroupWhichIsThenFreed() {
    CgroupHandle a = f.mkdir("/a");
    MemoryCharging.Pool pool = f.charging.charge(a, 0, 3 * M);
    assertThat(pool.cgroup()).isSameAs(a);
    assertThat(f.charging.charge(a, 0, M)).as("one pool per cgroup and region").isSameAs(pool);
    f.cgroups.rmdir(a);
    assertThat(f.cgroups.reap()).as("/a is dying").isEqualTo(1);
    assertThat(a.online()).isFalse();
    f.charging.uncharge(pool, 4 * M);
    assertThat(f.cgroups.reap()).isZero();
    assertThat(f.charging.usage(f.cg("/"), 0)).isZero();
  }

  @Test
  void aRemovedCgroupIsRefusedWithEnoentAndNothingIsCharged() {
    CgroupHandle a = f.mkdir("/a");
    MemoryCharging.Pool pool = f.charging.charge(a, 0, M);
    f.cgroups.rmdir(a); // dying: still holds the charge
    assertThat(errno(() -> f.charging.charge(a, 0, PAGE))).isEqualTo(Errno.ENOENT);
    assertThat(errno(() -> f.charging.tryCharge(a, 0, PAGE))).isEqualTo(Errno.ENOENT);
    assertThat(f.charging.usage(f.cg("/"), 0)).isEqualTo(M);
    f.charging.uncharge(pool, M);
    f.cgroups.reap();
    assertThat(errno(() -> f.charging.charge(a, 0, PAGE))).as("freed as well").isEqualTo(Errno.ENOENT);
    assertThat(f.charging.usage(f.cg("/"), 0)).isZero();
  }

  @Test
  void badPoolsAndSizesAreRefusedWithEinval() {
    CgroupHandle a = f.mkdir("/a");
    MemoryCharging.Pool pool = f.charging.charge(a, 0, M);
    Fixture other = Fixture.oneRegion(100 * M);
    assertThat(errno(() -> other.charging.uncharge(pool, M))).isEqualTo(Errno.EINVAL);
    assertThat(errno(() -> f.charging.uncharge(pool, -1))).isEqualTo(Errno.EINVAL);
    assertThat(errno(() -> f.charging.uncharge(pool, 2 * M))).isEqualTo(Errno.EINVAL);
    assertThat(f.charging.usage(a, 0)).isEqualTo(M);
  }

  /** A reclaimer that, when first asked, frees what it holds and removes the cgroup being charged. */
  static final class RemovingReclaimer implements io.cgdev.api.spi.Reclaimer {
    final Deque<Runnable> onReclaim = new ArrayDeque<>();

    @Override
    public long reclaim(io.cgdev.api.spi.ReclaimRequest request) {
      long freed = 0;
      while (!onReclaim.isEmpty()) {
        onReclaim.poll().run();
        freed = request.bytes();
      }
      return freed;
    }
  }

  @Test
  void aChargeThatLandsAfterItsCgroupWasRemovedAndFreedIsTakenBackWithEnoent() {
    TestCgroups cgroups = new TestCgroups();
    RemovingReclaimer reclaimer = new RemovingReclaimer();
    TestBinding<MemoryState> dev = cgroups.bind(new MemoryController(), DeviceSpec.builder("dev0", "fake")
        .controllers("memory").reclaimer(reclaimer).region(new RegionSpec("lmem0", 100 * M)).build());
    MemoryCharging charging = dev.capability(MemoryCharging.class).orElseThrow();
    CgroupHandle a = cgroups.mkdir("/a");
    dev.write("/a", "max", "1M");
    MemoryCharging.Pool held = charging.charge(a, 0, M);
    // the next charge hits max and reclaims; the "driver" frees its 1M and the cgroup goes away (the
    // task moved on): the state drains and is freed before the charge retries and lands
    reclaimer.onReclaim.add(() -> {
      charging.uncharge(held, M);
      cgroups.rmdir(a);
    });
    assertThatThrownBy(() -> charging.charge(a, 0, PAGE))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT))
        .hasMessageContaining("the cgroup was removed");
    assertThat(cgroups.reap()).as("nothing keeps it").isZero();
    assertThat(charging.usage(cgroups.root(), 0)).as("nothing leaked into the root").isZero();
  }

  @Test
  void aTaskChargeRereadsTheCgroupWhenTheOneItReadWasRemovedMeanwhile() {
    CgroupHandle a = f.mkdir("/a");
    CgroupHandle b = f.mkdir("/b");
    Task task = f.cgroups.spawn("app", a);
    // the first read is stale: right after it the task moves to /b and /a is removed, before the
    // charge lands
    AtomicInteger reads = new AtomicInteger();
    DriverContext ctx = new CgroupOfOnly(t -> {
      CgroupHandle now = f.cgroups.cgroup(t.cgroup());
      if (reads.incrementAndGet() == 1) {
        f.cgroups.migrate(task, b);
        f.cgroups.rmdir(a);
      }
      return now;
    });
    MemoryCharging.Pool pool = f.charging.charge(ctx, task, 0, M);
    assertThat(reads).hasValue(2);
    assertThat(pool.cgroup()).isSameAs(b);
    assertThat(f.charging.usage(b, 0)).isEqualTo(M);
    assertThat(f.cgroups.reap()).isZero();
  }

  /** A driver context that only answers {@link DriverContext#cgroupOf}. */
  private record CgroupOfOnly(Function<Task, CgroupHandle> cgroupOf) implements DriverContext {
    @Override
    public CgroupHandle cgroupOf(Task task) {
      return cgroupOf.apply(task);
    }

    @Override
    public DeviceRegistration register(DeviceSpec spec) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Set<String> controllers() {
      throw new UnsupportedOperationException();
    }

    @Override
    public CgroupHandle root() {
      throw new UnsupportedOperationException();
    }

    @Override
    public CgroupHandle cgroup(CgroupPath path) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<String> option(String key) {
      return Optional.empty();
    }
  }

  private static Errno errno(Runnable r) {
    try {
      r.run();
    } catch (CgroupException e) {
      return e.errno();
    }
    throw new AssertionError("no CgroupException");
  }
}
