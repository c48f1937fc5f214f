package io.cgdev.controller.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.TimeSharing.Client;
import io.cgdev.api.spi.TimeSharing;
import io.cgdev.testkit.FakeClock;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/** Clients, errors, unbinding, and the pick rules. */
class TimeSharingLifecycleTest {
  private final FakeClock clock = new FakeClock();
  private final TestCgroups cgroups = new TestCgroups();
  private final TestBinding<CpuState> gpu = cgroups.bind(new CpuController(), TestDevices.gpu0(clock, "rcs0", "bcs0"));
  private final TimeSharing ts = gpu.capability(TimeSharing.class).orElseThrow();

  private static Consumer<CgroupException> errno(Errno errno) {
    return e -> assertThat(e.errno()).isEqualTo(errno);
  }

  @Test
  void nothingRunnableMeansNothingPicked() {
    ts.open(cgroups.root(), "idle");
    assertThat(ts.pickNext(0)).isNull();
    assertThat(ts.nextUnthrottle()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void onlyRunnableClientsOnThatEngineArePicked() {
    CgroupHandle a = cgroups.mkdir(cgroups.root(), "a");
    Client c = ts.open(a, "c");
    c.setRunnable(1, true);
    assertThat(ts.pickNext(0)).isNull();
    assertThat(ts.pickNext(1)).isSameAs(c);
    c.setRunnable(1, false);
    assertThat(ts.pickNext(1)).isNull();
    c.setRunnable(1, true);
    c.close();
    assertThat(ts.pickNext(1)).isNull();
    c.close(); // idempotent
    assertThat(c.cgroup()).isSameAs(a);
    assertThat(c.label()).isEqualTo("c");
  }

  @Test
  void aClientRunsOnOneEngineAtATimeUntilThatEngineAsksAgain() {
    Client c = ts.open(cgroups.root(), "c");
    Client d = ts.open(cgroups.root(), "d");
    c.setRunnable(0, true);
    c.setRunnable(1, true);
    assertThat(ts.pickNext(0)).isSameAs(c);
    assertThat(ts.pickNext(1)).as("c runs on engine 0").isNull();
    d.setRunnable(1, true);
    assertThat(ts.pickNext(1)).isSameAs(d);
    c.setRunnable(0, false); // its work on engine 0 is done
    assertThat(ts.pickNext(0)).isNull(); // engine 0 is free and asks: c may run elsewhere now
    assertThat(ts.pickNext(1)).as("c rejoined engine 1's queue; first opened wins the tie").isSameAs(c);
  }

  @Test
  void whatIsSaidOfOtherEnginesWhileAClientRunsAppliesWhenItStops() {
    CpuClient c = (CpuClient) ts.open(cgroups.root(), "c");
    c.setRunnable(0, true);
    c.setRunnable(1, true);
    assertThat(ts.pickNext(0)).isSameAs(c);
    assertThat(c.wantsToRun(1)).isTrue();
    assertThat(c.runnable(1)).as("parked while it runs on engine 0").isFalse();
    c.setRunnable(1, false);
    assertThat(c.wantsToRun(1)).isFalse();
    assertThat(ts.pickNext(0)).isSameAs(c); // asked again: still runnable on engine 0, picked again
    c.setRunnable(1, true);
    assertThat(c.runnable(1)).isFalse();
    c.setRunnable(0, false);
    assertThat(ts.pickNext(0)).isNull();
    assertThat(c.runnable(1)).as("back in engine 1's queue once engine 0 let it go").isTrue();
    assertThat(ts.pickNext(1)).isSameAs(c);
  }

  @Test
  void closingARunningClientLetsItsEngineGo() {
    Client c = ts.open(cgroups.root(), "c");
    Client d = ts.open(cgroups.root(), "d");
    c.setRunnable(0, true);
    c.setRunnable(1, true);
    d.setRunnable(0, true);
    assertThat(ts.pickNext(0)).isSameAs(c);
    c.close();
    assertThat(ts.pickNext(1)).isNull();
    assertThat(ts.pickNext(0)).isSameAs(d);
    lockedCheck();
  }

  private void lockedCheck() {
    CpuBinding binding = (CpuBinding) gpu.binding();
    binding.lock().lock();
    try {
      Invariants.checkQueues(cgroups, gpu);
    } finally {
      binding.lock().unlock();
    }
  }

  @Test
  void badArgumentsAreEinval() {
    Client c = ts.open(cgroups.root(), "c");
    assertThatThrownBy(() -> ts.pickNext(2)).isInstanceOfSatisfying(CgroupException.class, errno(Errno.EINVAL))
        .hasMessageContaining("no engine 2");
    assertThatThrownBy(() -> c.setRunnable(-1, true)).isInstanceOfSatisfying(CgroupException.class, errno(Errno.EINVAL));
    assertThatThrownBy(() -> c.ran(0, -5)).isInstanceOfSatisfying(CgroupException.class, errno(Errno.EINVAL))
        .hasMessageContaining("-5");
    c.close();
    assertThatThrownBy(() -> c.setRunnable(0, true)).isInstanceOfSatisfying(CgroupException.class, errno(Errno.EINVAL))
        .hasMessageContaining("closed");
  }

  @Test
  void aThrottledGroupReturnsAtThePeriodBoundary() {
    CgroupHandle a = cgroups.mkdir(cgroups.root(), "a");
    gpu.write(a, "cpu.max", "10000 100000");
    Client c = ts.open(a, "c");
    c.setRunnable(0, true);
    c.setRunnable(1, true);
    assertThat(ts.pickNext(0)).isSameAs(c);
    clock.set(10_000_000); // the run ended at 10 ms: throttled from then on
    c.ran(0, 10_000_000);
    assertThat(ts.pickNext(0)).isNull();
    assertThat(ts.pickNext(1)).as("throttling holds on every engine").isNull();
    assertThat(ts.nextUnthrottle()).isEqualTo(100_000_000);
    clock.set(99_999_999);
    assertThat(ts.pickNext(0)).isNull();
    clock.set(100_000_000);
    assertThat(ts.pickNext(0)).isSameAs(c);
    assertThat(ts.nextUnthrottle()).isEqualTo(Long.MAX_VALUE);
    assertThat(gpu.readKey(a, "cpu.stat", "throttled_usec")).isEqualTo(90_000);
    assertThat(gpu.readKey(a, "cpu.stat", "nr_throttled")).isEqualTo(1);
    assertThat(gpu.readKey(a, "cpu.stat", "nr_periods")).isEqualTo(1);
  }

  @Test
  void liftingTheLimitUnthrottlesAtOnce() {
    CgroupHandle a = cgroups.mkdir(cgroups.root(), "a");
    gpu.write(a, "cpu.max", "10000 100000");
    Client c = ts.open(a, "c");
    c.setRunnable(0, true);
    c.ran(0, 20_000_000);
    assertThat(ts.pickNext(0)).isNull();
    clock.set(5_000_000);
    gpu.write(a, "cpu.max", "max");
    assertThat(ts.pickNext(0)).isSameAs(c);
    assertThat(gpu.readKey(a, "cpu.stat", "throttled_usec")).isEqualTo(5_000);
  }

  @Test
  void checkReleasedNamesOpenClientsAndUnbindMakesCallsFailWithEnodev() {
    CgroupHandle a = cgroups.mkdir(cgroups.root(), "a");
    Client c1 = ts.open(a, "drm-client-1");
    Client c2 = ts.open(cgroups.root(), "drm-client-2");
    assertThat(gpu.state(a).drained()).isFalse();
    assertThatThrownBy(gpu::unregister).isInstanceOfSatisfying(CgroupException.class, errno(Errno.EBUSY))
        .hasMessageContaining("gpu0").hasMessageContaining("drm-client-1 (/a)").hasMessageContaining("drm-client-2 (/)");
    assertThat(ts.pickNext(0)).as("a refused release changes nothing").isNull();
    c1.close();
    c2.close();
    assertThat(gpu.state(a).drained()).isTrue();
    gpu.unregister();
    assertThatThrownBy(() -> ts.pickNext(0)).isInstanceOfSatisfying(CgroupException.class, errno(Errno.ENODEV));
    assertThatThrownBy(ts::nextUnthrottle).isInstanceOfSatisfying(CgroupException.class, errno(Errno.ENODEV));
    assertThatThrownBy(() -> ts.open(a, "late")).isInstanceOfSatisfying(CgroupException.class, errno(Errno.ENODEV));
    assertThatThrownBy(() -> c1.ran(0, 1)).isInstanceOfSatisfying(CgroupException.class, errno(Errno.ENODEV));
    assertThatThrownBy(() -> c1.setRunnable(0, false)).isInstanceOfSatisfying(CgroupException.class, errno(Errno.ENODEV));
  }

  @Test
  void unbindWithoutTheCoreLookupStillFailsWithEnodev() {
    Client c = ts.open(cgroups.root(), "c");
    c.close();
    CpuBinding binding = (CpuBinding) gpu.binding();
    binding.unbind();
    assertThatThrownBy(() -> binding.open(cgroups.root(), "x")).isInstanceOfSatisfying(CgroupException.class, errno(Errno.ENODEV))
        .hasMessageContaining("gpu0");
  }

  @Test
  void aDeviceWithoutEnginesCannotBind() {
    assertThatThrownBy(() -> new TestCgroups().bind(new CpuController(), TestDevices.gpu0(clock))).isInstanceOfSatisfying(CgroupException.class, errno(Errno.EINVAL))
        .hasMessageContaining("no engines");
  }

  /** Random operations keep the queue invariants; the seed is printed on failure. */
  @RepeatedTest(30)
  void randomOperationsKeepTheInvariants(RepetitionInfo info) {
    long seed = 9001L * info.getCurrentRepetition();
    Random r = new Random(seed);
    CgroupHandle a = cgroups.mkdir(cgroups.root(), "a");
    CgroupHandle b = cgroups.mkdir(cgroups.root(), "b");
    CgroupHandle a1 = cgroups.mkdir(a, "a1");
    CgroupHandle[] groups = {cgroups.root(), a, b, a1, cgroups.mkdir(a1, "x"), cgroups.mkdir(b, "y")};
    gpu.write(a, "cpu.max", "20000 100000");
    gpu.write(groups[4], "cpu.max", "5000 10000");
    Client[] clients = new Client[12];
    try {
      for (int i = 0; i < 5000; i++) {
        int k = r.nextInt(clients.length);
        int engine = r.nextInt(2);
        switch (r.nextInt(6)) {
          case 0 -> {
            if (clients[k] != null) {
              clients[k].close();
            }
            clients[k] = ts.open(groups[r.nextInt(groups.length)], "c" + k);
          }
          case 1 -> {
            if (clients[k] != null) {
              clients[k].setRunnable(engine, r.nextBoolean());
            }
          }
          case 2, 3 -> {
            Client c = ts.pickNext(engine);
            if (c != null) {
              assertThat(((CpuClient) c).runnable(engine)).as("seed %d: picked a client not runnable", seed).isTrue();
              c.ran(engine, r.nextInt(3_000_000));
            }
          }
          case 4 -> clock.advance(r.nextInt(2_000_000));
          default -> gpu.write(groups[1 + r.nextInt(groups.length - 1)], "cpu.weight", Integer.toString(1 + r.nextInt(10_000)));
        }
        Invariants.checkQueues(cgroups, gpu);
      }
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("failed with seed " + seed, e);
    }
  }
}
