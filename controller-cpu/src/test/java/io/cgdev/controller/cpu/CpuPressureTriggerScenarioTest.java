package io.cgdev.controller.cpu;

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
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.TimeSharing;
import io.cgdev.api.spi.TimeSharing.Client;
import io.cgdev.core.Cgroups;
import io.cgdev.testkit.FakeClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pressure triggers on {@code cpu.pressure} through the file view (the kernel's {@code
 * psi_trigger_create} on a write, {@code psi_trigger_poll} on a poll): a tenant starved by a 1:9
 * weight waits 90% of the time, so {@code some 150000 1000000} fires within its first window; a
 * tenant that never waits never fires; one trigger per open file; closing the file ends it.
 */
class CpuPressureTriggerScenarioTest {
  private static final long MS = 1_000_000;
  private static final long S = 1_000 * MS;
  private static final String DEV = "/cpu.devices/gpu0/cpu.pressure";

  private final FakeClock clock = new FakeClock();
  private final Cgroups cgroups = Cgroups.builder().discover(false).controller(new CpuController()).build();
  private final CgroupFs fs = cgroups.fs();
  private final DeviceRegistration gpu = cgroups.register(DeviceSpec.builder("gpu0", "sim")
      .controllers("cpu").engine(new EngineSpec("rcs0", "render")).clock(clock).build());
  private final TimeSharing ts = gpu.capability(TimeSharing.class).orElseThrow();

  @BeforeEach
  void tenants() {
    fs.write("/cgroup.subtree_control", "+cpu");
    fs.mkdir("/starved");
    fs.mkdir("/favoured");
    fs.mkdir("/idle");
    fs.write("/starved/cpu.devices/gpu0/cpu.weight", "10");
    fs.write("/favoured/cpu.devices/gpu0/cpu.weight", "90");
  }

  @AfterEach
  void close() {
    cgroups.close();
  }

  private CgroupHandle cgroup(String path) {
    return cgroups.context().cgroup(CgroupPath.parse(path));
  }

  private void runContended(long nanos) {
    Client a = ts.open(cgroup("/starved"), "a");
    Client b = ts.open(cgroup("/favoured"), "b");
    a.setRunnable(0, true);
    b.setRunnable(0, true);
    new EngineSim(clock, ts, 1, 500_000, 2_000_000, 11).run(nanos);
  }

  @Test
  void aStarvedTenantsTriggerFiresAndAnIdleOnesDoesNot() {
    try (OpenFile starved = fs.open("/starved" + DEV, OpenOptions.READ_WRITE);
        OpenFile idle = fs.open("/idle" + DEV, OpenOptions.READ_WRITE)) {
      assertThat(starved.changed()).as("without a trigger a poll always reports, as the kernel's").isTrue();
      starved.write("some 150000 1000000");
      idle.write("some 150000 1000000");
      AtomicInteger notified = new AtomicInteger();
      starved.onChange(notified::incrementAndGet);
      assertThat(starved.changed()).isFalse();
      runContended(2 * S);
      assertThat(notified.get()).as("the trigger's event notified the file").isPositive();
      assertThat(starved.changed()).isTrue();
      assertThat(starved.changed()).as("the poll took the event").isFalse();
      assertThat(idle.changed()).isFalse();
    }
  }

  @Test
  void aWaiterWakesWhileTheDeviceRunsAndTheReadStillShowsThePressure() throws Exception {
    try (OpenFile starved = fs.open("/starved" + DEV, OpenOptions.READ_WRITE)) {
      starved.write("full 100000 500000");
      CountDownLatch waiting = new CountDownLatch(1);
      CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
        try {
          waiting.countDown();
          return starved.awaitChange(Duration.ofSeconds(20));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
      runContended(S);
      assertThat(waiter.get(20, TimeUnit.SECONDS)).isTrue();
      assertThat(starved.read()).startsWith("some avg10=");
    }
  }

  @Test
  void oneTriggerPerOpenFileAndClosingEndsIt() {
    OpenFile first = fs.open("/starved" + DEV, OpenOptions.READ_WRITE);
    first.write("some 150000 1000000");
    assertThat(errnoOf(() -> first.write("some 150000 1000000"))).isEqualTo(Errno.EBUSY);
    assertThat(errnoOf(() -> fs.write("/starved" + DEV, "some 150000 100"))).isEqualTo(Errno.EINVAL); // window below 500 ms
    assertThat(errnoOf(() -> fs.write("/starved" + DEV, "most 1 1000000"))).isEqualTo(Errno.EINVAL);
    first.close();
    try (OpenFile second = fs.open("/starved" + DEV, OpenOptions.READ_WRITE)) {
      second.write("some 150000 1000000");
      runContended(2 * S);
      assertThat(second.changed()).isTrue();
    }
  }

  @Test
  void cgroupPressureZeroHidesTheFileEndsItsTriggerAndStopsOnlyThatCgroupsAccounting() {
    try (OpenFile starved = fs.open("/starved" + DEV, OpenOptions.READ_WRITE)) {
      starved.write("some 150000 1000000");
      fs.write("/starved/cgroup.pressure", "0");
      assertThat(fs.list("/starved/cpu.devices/gpu0").stream().map(e -> e.name()))
          .contains("cpu.weight").doesNotContain("cpu.pressure");
      assertThat(errnoOf(starved::read)).isEqualTo(Errno.ENODEV);
      runContended(2 * S);
      fs.write("/starved/cgroup.pressure", "1");
      assertThat(fs.read("/starved" + DEV)).contains("some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
      // the parent still counts its subtree's stall: one of the two clients waited all along
      long rootSomeUs = Long.parseLong(fs.read(DEV).lines().findFirst().orElseThrow().replaceAll(".*total=", ""));
      assertThat(rootSomeUs).isBetween(1_990_000L, 2_000_000L);
    }
  }

  @Test
  void theRootTakesTriggersToo() {
    try (OpenFile root = fs.open(DEV, OpenOptions.READ_WRITE)) {
      root.write("some 150000 1000000");
      runContended(2 * S);
      assertThat(root.changed()).isTrue();
    }
    assertThat(fs.stat(DEV).mode()).isEqualTo(0644);
  }
}
