package io.cgdev.controller.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.TimeSharing.Client;
import io.cgdev.api.spi.TimeSharing;
import io.cgdev.testkit.FakeClock;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;
import org.junit.jupiter.api.Test;

/**
 * Measured fairness: a simulated saturated engine loop over 10 simulated seconds (slices drawn from
 * 100..400 µs), shares compared with the weights. Each test prints the measured error; docs/CPU.md
 * publishes these figures.
 */
class FairnessTest {
  private static final long MS = 1_000_000;
  private static final long SECOND = 1_000 * MS;

  private final FakeClock clock = new FakeClock();
  private final TestCgroups cgroups = new TestCgroups();
  private final TestBinding<CpuState> gpu = cgroups.bind(new CpuController(), TestDevices.gpu0(clock, "rcs0", "bcs0"));
  private final TimeSharing ts = gpu.capability(TimeSharing.class).orElseThrow();

  private Client runnableClient(CgroupHandle cg, String label, int... engines) {
    Client c = ts.open(cg, label);
    for (int e : engines) {
      c.setRunnable(e, true);
    }
    return c;
  }

  private CgroupHandle group(CgroupHandle parent, String name, int weight) {
    CgroupHandle cg = cgroups.mkdir(parent, name);
    gpu.write(cg, "cpu.weight", Integer.toString(weight));
    return cg;
  }

  private EngineSim sim(long seed) {
    return new EngineSim(clock, gpu, 100_000, 400_000, seed);
  }

  /** Relative error of a measured share, printed for the docs. */
  private static double relError(String what, double measured, double expected) {
    double err = Math.abs(measured - expected) / expected;
    System.out.printf("%s: share %.6f expected %.6f relative error %.4f%%%n", what, measured, expected, err * 100);
    return err;
  }

  @Test
  void siblingWeights100_200_300ShareOneTwoThreeSixths() {
    Client a = runnableClient(group(cgroups.root(), "a", 100), "a", 0);
    Client b = runnableClient(group(cgroups.root(), "b", 200), "b", 0);
    Client c = runnableClient(group(cgroups.root(), "c", 300), "c", 0);
    sim(1).run(10 * SECOND);
    double total = a.runtime(0) + b.runtime(0) + c.runtime(0);
    assertThat(total).isEqualTo(10.0 * SECOND);
    assertThat(relError("100:200:300 a", a.runtime(0) / total, 1 / 6.0)).isLessThan(0.01);
    assertThat(relError("100:200:300 b", b.runtime(0) / total, 2 / 6.0)).isLessThan(0.01);
    assertThat(relError("100:200:300 c", c.runtime(0) / total, 3 / 6.0)).isLessThan(0.01);
  }

  @Test
  void weights100To1ShareHundredToOne() {
    Client a = runnableClient(group(cgroups.root(), "a", 100), "a", 0);
    Client b = runnableClient(group(cgroups.root(), "b", 1), "b", 0);
    sim(2).run(10 * SECOND);
    double total = a.runtime(0) + b.runtime(0);
    assertThat(relError("100:1 a", a.runtime(0) / total, 100 / 101.0)).isLessThan(0.01);
    assertThat(relError("100:1 b", b.runtime(0) / total, 1 / 101.0)).isLessThan(0.01);
  }

  @Test
  void niceWeightsFollowTheKernelTable() {
    CgroupHandle a = cgroups.mkdir(cgroups.root(), "a");
    CgroupHandle b = cgroups.mkdir(cgroups.root(), "b");
    gpu.write(a, "cpu.weight.nice", "0");
    gpu.write(b, "cpu.weight.nice", "5");
    Client ca = runnableClient(a, "a", 0);
    Client cb = runnableClient(b, "b", 0);
    sim(3).run(10 * SECOND);
    double total = ca.runtime(0) + cb.runtime(0);
    assertThat(relError("nice 0:5 b", cb.runtime(0) / total, 335 / (1024.0 + 335))).isLessThan(0.01);
  }

  @Test
  void nestedGroupsCompose() {
    CgroupHandle a = group(cgroups.root(), "a", 100);
    Client a1 = runnableClient(group(a, "a1", 100), "a1", 0);
    Client a2 = runnableClient(group(a, "a2", 300), "a2", 0);
    CgroupHandle b = group(cgroups.root(), "b", 100);
    // b holds three clients: the group's weight, not its client count, sets its share
    Client[] bs = {runnableClient(b, "b1", 0), runnableClient(b, "b2", 0), runnableClient(b, "b3", 0)};
    sim(4).run(10 * SECOND);
    double total = 10.0 * SECOND;
    double bTotal = bs[0].runtime(0) + bs[1].runtime(0) + bs[2].runtime(0);
    assertThat(relError("nested a1", a1.runtime(0) / total, 0.125)).isLessThan(0.01);
    assertThat(relError("nested a2", a2.runtime(0) / total, 0.375)).isLessThan(0.01);
    assertThat(relError("nested b", bTotal / total, 0.5)).isLessThan(0.01);
    for (Client c : bs) {
      assertThat(relError("nested " + c.label(), c.runtime(0) / total, 0.5 / 3)).isLessThan(0.01);
    }
    assertThat(gpu.readKey(a, "cpu.stat", "usage_usec")).isEqualTo((a1.runtime(0) + a2.runtime(0)) / 1000);
    assertThat(gpu.readKey(cgroups.root(), "cpu.stat", "usage_usec")).isEqualTo(10 * SECOND / 1000);
  }

  @Test
  void weightsApplyOnlyAmongActiveSiblings() {
    Client a = runnableClient(group(cgroups.root(), "a", 100), "a", 0);
    Client b = runnableClient(group(cgroups.root(), "b", 300), "b", 0);
    Client c = ts.open(group(cgroups.root(), "c", 600), "c"); // never runnable: must not shrink a's or b's share
    sim(5).run(10 * SECOND);
    assertThat(relError("active-only a", a.runtime(0) / (10.0 * SECOND), 0.25)).isLessThan(0.01);
    assertThat(c.runtime(0)).isZero();
  }

  @Test
  void cpuMaxHoldsAGroupAtHalfWhenAlone() {
    CgroupHandle a = group(cgroups.root(), "a", 100);
    gpu.write(a, "cpu.max", "50000 100000");
    Client c = runnableClient(a, "a", 0);
    sim(6).run(10 * SECOND);
    assertThat(relError("cpu.max alone", c.runtime(0) / (10.0 * SECOND), 0.5)).isLessThan(0.01);
    assertThat(gpu.readKey(a, "cpu.stat", "nr_periods")).isBetween(99L, 100L);
    assertThat(gpu.readKey(a, "cpu.stat", "nr_throttled")).isBetween(99L, 100L);
    // throttled about half of every period
    assertThat(gpu.readKey(a, "cpu.stat", "throttled_usec")).isCloseTo(5_000_000L, within(150_000L));
    assertThat(gpu.readKey(a, "cpu.stat", "nr_bursts")).isZero();
  }

  @Test
  void cpuMaxHoldsAGroupAtHalfWhileCompeting() {
    CgroupHandle a = group(cgroups.root(), "a", 1000);
    gpu.write(a, "cpu.max", "50000 100000");
    Client ca = runnableClient(a, "a", 0);
    Client cb = runnableClient(group(cgroups.root(), "b", 100), "b", 0);
    sim(7).run(10 * SECOND);
    assertThat(relError("cpu.max competing a", ca.runtime(0) / (10.0 * SECOND), 0.5)).isLessThan(0.01);
    assertThat(ca.runtime(0) + cb.runtime(0)).isEqualTo(10 * SECOND); // work conserving
  }

  @Test
  void cpuMaxOfAParentThrottlesItsSubtree() {
    CgroupHandle a = group(cgroups.root(), "a", 100);
    gpu.write(a, "cpu.max", "30000 100000");
    Client a1 = runnableClient(group(a, "a1", 100), "a1", 0);
    Client a2 = runnableClient(group(a, "a2", 100), "a2", 0);
    sim(8).run(10 * SECOND);
    double share = (a1.runtime(0) + a2.runtime(0)) / (10.0 * SECOND);
    assertThat(relError("cpu.max parent", share, 0.3)).isLessThan(0.01);
    assertThat(relError("cpu.max parent a1", a1.runtime(0) / (10.0 * SECOND), 0.15)).isLessThan(0.01);
  }

  @Test
  void cpuMaxCountsTimeOnAllEngines() {
    CgroupHandle a = group(cgroups.root(), "a", 100);
    gpu.write(a, "cpu.max", "50000 100000");
    Client c0 = runnableClient(a, "a0", 0);
    Client c1 = runnableClient(a, "a1", 1);
    sim(9).run(10 * SECOND);
    double both = c0.runtime(0) + c1.runtime(1);
    // 50 ms per 100 ms period over two engines: a quarter of the device
    assertThat(relError("cpu.max two engines", both / (20.0 * SECOND), 0.25)).isLessThan(0.01);
    assertThat(gpu.readKey(a, "cpu.stat", "usage_usec")).isEqualTo(gpu.readKey(a, "cpu.stat", "usage_usec.rcs0") + gpu.readKey(a, "cpu.stat", "usage_usec.bcs0"));
  }

  @Test
  void burstCarriesUnusedQuotaOver() {
    CgroupHandle a = group(cgroups.root(), "a", 100);
    gpu.write(a, "cpu.max", "20000 100000");
    gpu.write(a, "cpu.max.burst", "20000");
    Client c = ts.open(a, "a");
    clock.set(300 * MS); // idle for three periods: the pool fills to quota + burst, no more
    c.setRunnable(0, true);
    new EngineSim(clock, gpu, 100_000, 100_000, 10).run(100 * MS);
    assertThat(c.runtime(0)).isEqualTo(40 * MS);
    new EngineSim(clock, gpu, 100_000, 100_000, 11).run(200 * MS);
    assertThat(c.runtime(0)).isEqualTo(80 * MS); // then one quota per period
    assertThat(gpu.readKey(a, "cpu.stat", "nr_bursts")).isEqualTo(1);
    assertThat(gpu.readKey(a, "cpu.stat", "burst_usec")).isEqualTo(20_000);
  }

  @Test
  void anIdleGroupThatWakesGetsNoBurstOfCredit() {
    Client a = runnableClient(group(cgroups.root(), "a", 100), "a", 0);
    Client b = runnableClient(group(cgroups.root(), "b", 100), "b", 0);
    sim(12).run(SECOND);
    b.setRunnable(0, false); // b sleeps 4 s while a runs alone: b's group falls 4 s behind
    sim(16).run(4 * SECOND);
    b.setRunnable(0, true);
    long b0 = b.runtime(0);
    long a0 = a.runtime(0);
    sim(13).run(100 * MS);
    long bGot = b.runtime(0) - b0;
    System.out.printf("woken group: %d ns in 100 ms (fair 50 ms, lag bound %d ns)%n", bGot, SchedEntity.LAG_BOUND_NANOS);
    // at most its fair half plus the lag bound plus one slice of rounding
    assertThat(bGot).isBetween(50 * MS - 400_000, 50 * MS + SchedEntity.LAG_BOUND_NANOS + 400_000);
    assertThat(a.runtime(0) - a0 + bGot).isEqualTo(100 * MS);
  }

  @Test
  void aClientThatSleepsAndWakesRepeatedlyGainsNothing() {
    CgroupHandle g = cgroups.mkdir(cgroups.root(), "g");
    Client steady = runnableClient(g, "steady", 0);
    Client flaky = runnableClient(g, "flaky", 0);
    EngineSim s = sim(14);
    for (int i = 0; i < 100; i++) {
      flaky.setRunnable(0, false);
      s.run(50 * MS);
      flaky.setRunnable(0, true);
      s.run(50 * MS);
    }
    // steady ran alone half the time and shared the other half: 75% / 25%, give or take the bound
    double share = flaky.runtime(0) / (10.0 * SECOND);
    System.out.printf("sleeper share %.6f (fair 0.25)%n", share);
    assertThat(share).isLessThan(0.25 + 100.0 * (SchedEntity.LAG_BOUND_NANOS + 400_000) / (10.0 * SECOND));
    assertThat(steady.runtime(0) + flaky.runtime(0)).isEqualTo(10 * SECOND);
  }

  @Test
  void twoEnginesRunIndependently() {
    CgroupHandle ga = group(cgroups.root(), "a", 100);
    Client a0 = runnableClient(ga, "a0", 0);
    Client a1 = runnableClient(ga, "a1", 1);
    Client b = runnableClient(group(cgroups.root(), "b", 300), "b", 0);
    sim(15).run(10 * SECOND);
    assertThat(relError("engine 0 a", a0.runtime(0) / (10.0 * SECOND), 0.25)).isLessThan(0.01);
    assertThat(relError("engine 0 b", b.runtime(0) / (10.0 * SECOND), 0.75)).isLessThan(0.01);
    assertThat(a1.runtime(1)).isEqualTo(10 * SECOND); // alone on engine 1: a's share of engine 0 does not count there
    assertThat(b.runtime(1)).isZero();
  }

  @Test
  void aClientRunnableOnTwoEnginesGetsOneEnginesWorthAndTheOthersTheRest() {
    // two clients, each runnable on both engines, and a third on engine 0 only: no client ever has
    // more than the time that passed, and the device stays busy
    Client a = runnableClient(group(cgroups.root(), "a", 100), "a", 0, 1);
    Client b = runnableClient(group(cgroups.root(), "b", 100), "b", 0, 1);
    Client c = runnableClient(group(cgroups.root(), "c", 100), "c", 0);
    sim(17).run(10 * SECOND);
    for (Client x : new Client[] {a, b, c}) {
      assertThat(x.runtime(0) + x.runtime(1)).as(x.label()).isLessThanOrEqualTo(10 * SECOND);
    }
    long total = a.runtime(0) + a.runtime(1) + b.runtime(0) + b.runtime(1) + c.runtime(0);
    assertThat(total).as("both engines busy all the time").isEqualTo(20 * SECOND);
  }
}
