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
 * the report's own wall time has it. Also prints the CPU time of the simulating thread for the whole
 * {@code run()} (tree, simulation and report): on a shared, loaded machine the wall time mostly
 * measures the other processes, the thread's CPU time much less so. Prints every round and the medians.
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
    double[] cpu = new double[rounds];
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int i = 0; i < rounds; i++) {
      try (Cgroups cg = SimWorld.boot()) {
        ScenarioRunner runner = new ScenarioRunner(cg.fs(), cg.tasks(), cg.controllers(), SimWorld.devices(cg), scenario,
            "i915.0", Progress.NONE);
        long cpuStart = threads.getCurrentThreadCpuTime();
        Report r = runner.run();
        cpu[i] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e6;
        runner.release();
        ms[i] = r.wallNanos() / 1e6;
        rate[i] = r.eventsPerSecond();
        System.out.printf(Locale.ROOT, "round %d: %s simulated in %.0f ms, %d events, %.0f events/s; run() took %.0f ms of CPU%n",
            i + 1, scenario.name(), ms[i], r.events(), rate[i], cpu[i]);
      }
    }
    Arrays.sort(ms);
    Arrays.sort(rate);
    Arrays.sort(cpu);
    System.out.printf(Locale.ROOT, "median of %d: %.0f ms, %.0f events/s; run() %.0f ms of CPU (best %.0f)%n", rounds,
        ms[rounds / 2], rate[rounds / 2], cpu[rounds / 2], cpu[0]);
  }
}
