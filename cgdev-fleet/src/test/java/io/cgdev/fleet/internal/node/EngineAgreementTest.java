package io.cgdev.fleet.internal.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cgdev.api.spi.Controller;
import io.cgdev.core.Cgroups;
import io.cgdev.drm.DrmDevice;
import io.cgdev.fleet.SharingMode;
import io.cgdev.i915.I915Driver;
import io.cgdev.sim.Progress;
import io.cgdev.sim.ScenarioRunner;
import io.cgdev.sim.report.Report;
import io.cgdev.sim.scenario.ScenarioParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The event-driven engine against the tick engine (cgdev-sim's {@link ScenarioRunner}) on random
 * single-GPU fleets that both can run: one node, 1–4 pods whose shares sum to at most one GPU, each with
 * a constant demand, shared by {@code cpu.weight}, also capped by {@code cpu.max} in the max mode. The tick engine runs
 * the pods as tenants with one client each on the i915 model's render engine (one engine, as a fleet
 * GPU has) for 2 simulated seconds in 1 ms ticks; the event engine runs them as pods of a node. Every
 * pod's share of the device's time must agree within 1% of the device (0.01 GPUs' worth).
 *
 * <p>Seeded: the seed is printed with every failure. Budget: about 0.5 s per repetition on the busy
 * 2-core build machine (the tick engine's 2,000 ticks), 12 repetitions.
 */
class EngineAgreementTest {
  private static final long SECONDS = 2;

  @RepeatedTest(12)
  void perPodSharesAgreeWithTheTickEngineWithinOnePercent() {
    long seed = System.nanoTime();
    SplittableRandom r = new SplittableRandom(seed);
    int n = 1 + r.nextInt(4);
    SharingMode mode = r.nextBoolean() ? SharingMode.WEIGHT : SharingMode.MAX;
    int[] milli = new int[n];
    double[] demand = new double[n];
    int left = 1000;
    for (int i = 0; i < n; i++) {
      milli[i] = Math.max(1, Math.min(left - (n - 1 - i), 50 + r.nextInt(Math.max(1, 1000 / n))));
      left -= milli[i];
      demand[i] = Math.round((0.05 + 0.95 * r.nextDouble()) * 100) / 100.0;
    }
    String what = String.format(Locale.ROOT, "seed %d: %s, shares %s, demands %s", seed, mode,
        java.util.Arrays.toString(milli), java.util.Arrays.toString(demand));

    List<PodRun> runs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      runs.add(NodeSimTest.run(i, milli[i], 0, SECONDS, 0));
    }
    List<PodUsage> event = NodeSimTest.simulate(mode, runs, demand, 0.5);
    double[] tick = tick(mode, milli, demand);
    for (int i = 0; i < n; i++) {
      double e = event.get(i).received() / SECONDS;
      assertThat(e).as("%s: pod %d", what, i).isCloseTo(tick[i], within(0.01));
    }
  }

  /** Each pod's device time per second under the tick engine. */
  private static double[] tick(SharingMode mode, int[] milli, double[] demand) {
    StringBuilder yaml = new StringBuilder("name: agree\nduration: " + SECONDS + "s\ntick: 1ms\nsamples: 2\ntenants:\n");
    for (int i = 0; i < milli.length; i++) {
      yaml.append("  - name: pod").append(i).append('\n');
      yaml.append("    cpu: { weight: ").append(milli[i]);
      if (mode == SharingMode.MAX) {
        yaml.append(", max: ").append(milli[i] * 100).append(" 100000");
      }
      yaml.append(" }\n");
      yaml.append("    workloads:\n      - { name: w").append(i).append(", engine: render, batch: 100us, load: ")
          .append(demand[i]).append(" }\n");
    }
    Cgroups.Builder b = Cgroups.builder().discover(false).driver(new I915Driver());
    for (Controller<?> c : ServiceLoader.load(Controller.class)) {
      b.controller(c);
    }
    try (Cgroups cg = b.build()) {
      Map<String, DrmDevice> devices = new LinkedHashMap<>();
      cg.driver(I915Driver.class).orElseThrow().devices().forEach(d -> devices.put(d.name(), d));
      ScenarioRunner runner = new ScenarioRunner(cg.fs(), cg.tasks(), cg.controllers(), devices,
          ScenarioParser.parse("agree.yaml", yaml.toString()), "i915.0", Progress.NONE);
      try {
        Report report = runner.run();
        double[] out = new double[milli.length];
        for (Report.TenantReport t : report.tenants()) {
          int i = Integer.parseInt(t.path().substring("/pod".length()));
          out[i] = t.usageUsec() / 1e6 / SECONDS;
        }
        return out;
      } finally {
        runner.release();
      }
    }
  }
}
