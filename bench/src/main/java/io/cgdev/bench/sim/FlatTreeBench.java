package io.cgdev.bench.sim;

import io.cgdev.core.Cgroups;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.sim.scenario.ScenarioParser;
import io.cgdev.sim.scenario.TreeBuilder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Building a scenario's flat tree of many tenants, as {@code cgdev run} does before any workload
 * runs: the YAML text is parsed into a scenario, and the tree is made through the file view of a
 * hierarchy with the memory, cpu and cpuset controllers and the i915 model (so every mkdir creates
 * a state per controller; with {@code limits}, every tenant also writes {@code memory.max}, {@code
 * cpu.weight} and {@code cpuset.cpus}). One operation is parse + build; the hierarchy is torn down
 * between operations, unmeasured.
 *
 * <p>Time: {@code java -jar bench/target/benchmarks.jar FlatTreeBench -f 1 -wi 1 -i 3}. Phases
 * (parse, build, teardown) once: {@code java -cp bench/target/benchmarks.jar
 * io.cgdev.bench.sim.FlatTreeBench [tenants] [plain|limits]}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FlatTreeBench {
  @Param({"10000", "100000"})
  public int tenants;

  @Param({"plain", "limits"})
  public String settings;

  private String text;
  private Cgroups cg;

  @Setup(Level.Trial)
  public void write() {
    text = scenario(tenants, settings.equals("limits"));
  }

  @Setup(Level.Iteration)
  public void boot() {
    cg = SimWorld.boot();
  }

  @TearDown(Level.Iteration)
  public void close() {
    cg.close();
  }

  @Benchmark
  public Scenario parseAndBuild() {
    Scenario s = ScenarioParser.parse("flat.yaml", text);
    new TreeBuilder(cg.fs(), cg.controllers(), "i915.0").build(s);
    return s;
  }

  /** A scenario of {@code n} tenants under the root, named {@code t0..}. */
  static String scenario(int n, boolean limits) {
    StringBuilder sb = new StringBuilder("name: flat\nduration: 10ms\ntenants:\n");
    for (int i = 0; i < n; i++) {
      sb.append("  - name: t").append(i).append('\n');
      if (limits) {
        sb.append("    memory: { max: ").append(1 + i % 64).append("M }\n")
            .append("    cpu: { weight: ").append(1 + i % 1000).append(" }\n")
            .append("    cpuset: { cpus: ").append(i % 9).append(" }\n");
      }
    }
    return sb.toString();
  }

  /**
   * Prints the wall and CPU time (of the building thread) of each phase for one build, in a fresh
   * JVM as {@code cgdev run} has it: no warm-up.
   */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    boolean limits = args.length > 1 && args[1].equals("limits");
    String text = scenario(n, limits);
    Phases p = new Phases();
    Scenario s = ScenarioParser.parse("flat.yaml", text);
    p.end("parse");
    Cgroups cg = SimWorld.boot();
    p.end("boot");
    new TreeBuilder(cg.fs(), cg.controllers(), "i915.0").build(s);
    p.end("build");
    cg.close();
    p.end("teardown");
    System.out.printf("%d tenants (%s): %s; parse + build %.2f s wall, %.2f s cpu%n", n, limits ? "limits" : "plain", p,
        (p.wall("parse") + p.wall("build")) / 1e9, (p.cpu("parse") + p.cpu("build")) / 1e9);
  }

  /** Wall and CPU time of consecutive phases of the calling thread. */
  private static final class Phases {
    private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    private final java.util.Map<String, long[]> times = new java.util.LinkedHashMap<>();
    private long wall = System.nanoTime();
    private long cpu = threads.getCurrentThreadCpuTime();

    void end(String phase) {
      long w = System.nanoTime();
      long c = threads.getCurrentThreadCpuTime();
      times.put(phase, new long[] {w - wall, c - cpu});
      wall = w;
      cpu = c;
    }

    long wall(String phase) {
      return times.get(phase)[0];
    }

    long cpu(String phase) {
      return times.get(phase)[1];
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      times.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ")
          .append(String.format(java.util.Locale.ROOT, "%s %.0f ms (cpu %.0f)", k, v[0] / 1e6, v[1] / 1e6)));
      return sb.toString();
    }
  }
}
