package io.cgdev.bench.sim;

import io.cgdev.core.Cgroups;
import io.cgdev.sim.Progress;
import io.cgdev.sim.ScenarioRunner;
import io.cgdev.sim.report.Report;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.sim.scenario.ScenarioParser;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The tick engine on a scenario file (by default {@code samples/scenarios/hundred-workloads.yaml}:
 * 20 teams × 5 jobs, 10 simulated seconds in 1 ms ticks): the simulation time and the events per
 * wall second as the runner counts them (ticks, samples, buffer allocations and frees, batch
 * submissions). Each round boots a fresh hierarchy; the tree is built before the clock starts, as
 * the report's own wall time has it. Prints every round and the median.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.cgdev.bench.sim.TickEngineBench [FILE] [rounds]},
 * from the repository root; JVM options such as {@code -XX:+FlightRecorder} go before {@code -cp}.
 */
public final class TickEngineBench {
  private TickEngineBench() {}

  public static void main(String[] args) {
    Path file = Path.of(args.length > 0 ? args[0] : "samples/scenarios/hundred-workloads.yaml");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Scenario scenario = ScenarioParser.parse(file);
    double[] ms = new double[rounds];
    double[] rate = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      try (Cgroups cg = SimWorld.boot()) {
        ScenarioRunner runner = new ScenarioRunner(cg.fs(), cg.tasks(), cg.controllers(), SimWorld.devices(cg), scenario,
            "i915.0", Progress.NONE);
        Report r = runner.run();
        runner.release();
        ms[i] = r.wallNanos() / 1e6;
        rate[i] = r.eventsPerSecond();
        System.out.printf(Locale.ROOT, "round %d: %s simulated in %.0f ms, %d events, %.0f events/s%n",
            i + 1, scenario.name(), ms[i], r.events(), rate[i]);
      }
    }
    Arrays.sort(ms);
    Arrays.sort(rate);
    System.out.printf(Locale.ROOT, "median of %d: %.0f ms, %.0f events/s%n", rounds, ms[rounds / 2], rate[rounds / 2]);
  }
}
