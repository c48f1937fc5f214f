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
 * <p>The simulating thread is pinned to the CPU it starts on ({@link ThreadAffinity}; {@code
 * -Dcgdev.bench.pin=false} leaves it free): unpinned, the scheduler's moves of it between this machine's
 * two CPUs made JVM runs of one jar settle near 100 ms or near 170 ms per round, in phases of tens of
 * rounds, which hid any change smaller than that spread.
 *
 * <p>Warm-up rounds come first and are left out of the medians, as JMH leaves out its warm-up
 * iterations: on this 2-core machine the JIT takes about ten rounds to settle (the first rounds take
 * 2–5× the steady time), and a median over a run that starts cold measures the compiler.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.cgdev.bench.sim.TickEngineBench [FILE] [rounds]
 * [warm-up rounds]} (defaults 7 and 10), from the repository root; JVM options such as {@code
 * -XX:+FlightRecorder} go before {@code -cp} ({@code --enable-native-access=ALL-UNNAMED} silences the
 * JVM's warning about the pinning call).
 */
public final class TickEngineBench {
  private TickEngineBench() {}

  public static void main(String[] args) {
    Path file = Path.of(args.length > 0 ? args[0] : "samples/scenarios/hundred-workloads.yaml");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    Scenario scenario = ScenarioParser.parse(file);
    if (!"false".equals(System.getProperty("cgdev.bench.pin"))) {
      System.out.println(ThreadAffinity.pinToCurrentCpu()
          .map(cpu -> "simulating thread pinned to CPU " + cpu + " (-Dcgdev.bench.pin=false to leave it free)")
          .orElse("simulating thread not pinned (no sched_setaffinity here)"));
    }
    double[] ms = new double[rounds];
    double[] rate = new double[rounds];
    double[] cpu = new double[rounds];
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int i = -warmup; i < rounds; i++) {
      try (Cgroups cg = SimWorld.boot()) {
        ScenarioRunner runner = new ScenarioRunner(cg.fs(), cg.tasks(), cg.controllers(), SimWorld.devices(cg), scenario,
            "i915.0", Progress.NONE);
        long cpuStart = threads.getCurrentThreadCpuTime();
        Report r = runner.run();
        double cpuMs = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e6;
        runner.release();
        String round = i < 0 ? "warm-up " + (i + warmup + 1) : "round " + (i + 1);
        System.out.printf(Locale.ROOT, "%s: %s simulated in %.0f ms, %d events, %.0f events/s; run() took %.0f ms of CPU%n",
            round, scenario.name(), r.wallNanos() / 1e6, r.events(), r.eventsPerSecond(), cpuMs);
        if (i >= 0) {
          ms[i] = r.wallNanos() / 1e6;
          rate[i] = r.eventsPerSecond();
          cpu[i] = cpuMs;
        }
      }
    }
    Arrays.sort(ms);
    Arrays.sort(rate);
    Arrays.sort(cpu);
    System.out.printf(Locale.ROOT,
        "median of %d rounds after %d warm-up: %.0f ms, %.0f events/s; run() %.0f ms of CPU (best %.0f); best round %.0f ms%n",
        rounds, warmup, ms[rounds / 2], rate[rounds / 2], cpu[rounds / 2], cpu[0], ms[0]);
  }
}
