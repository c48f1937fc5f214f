package io.cgdev.cli;

import static io.cgdev.cli.CliScenarios.valuesClose;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel's cpu controller selftests (tools/testing/selftests/cgroup/test_cpu.c) ported to
 * cgdev's device-time model, each with the selftest's own pass criteria, and run through the tool:
 * {@code cgdev run} on a scenario file, the numbers read from the run's end-of-run snapshot.
 *
 * <p>What maps to what:
 * <ul>
 *   <li>a CPU is an engine; the machine's CPUs ({@code get_nprocs()}) are the i915 model's four
 *       compute engines (ccs0..ccs3), which every workload here submits to ({@code engine: compute});
 *   <li>a hog thread ({@code hog_cpu_thread_func}) is a DRM client that always has work queued: a
 *       workload's {@code load: N} opens N clients, so "nprocs threads" is {@code load: 4};
 *   <li>a hog's wall-clock run ({@code CPU_HOG_CLOCK_WALL}, 10 s or 1 s) is the scenario's simulated
 *       duration; a hog that runs until it used some CPU time ({@code CPU_HOG_CLOCK_PROCESS}) is a
 *       workload alone on the device that stops after that time;
 *   <li>the cgroup's {@code cpu.stat} is {@code cpu.devices/i915.0/cpu.stat}; {@code user_usec}
 *       (a device has no user/system split) is the per-engine {@code usage_usec.<engine>} keys;
 *   <li>{@code values_close(a, b, err)} is {@link CliScenarios#valuesClose}, the same formula.
 * </ul>
 * Not ported: test_cpucg_subtree_control (the core's subtree rules, tested in cgroup-core and against
 * the host kernel by cgroup-conformance) and test_cpucg_nice (a device has no nice time).
 */
class KernelCpuSelftestsTest {
  @TempDir Path dir;
  private CliScenarios cli;

  @BeforeEach
  void setUp() {
    cli = new CliScenarios(dir);
  }

  /** A hog: {@code threads} clients that always have compute work queued. */
  private static String hog(int threads) {
    return "workloads: [{ name: hog, engine: compute, batch: 1ms, load: " + threads + " }]";
  }

  /**
   * test_cpucg_weight_overprovisioned: A/B, A/C, A/D with cpu.weight 50, 100, 150, each hogging
   * every CPU (here: 4 clients on the 4 compute engines) for 10 s. Pass: each child used more than
   * the one before, and the differences are close to the first child's usage (35%).
   */
  @Test
  void weightOverprovisioned() {
    CliScenarios.Result r = cli.run(weightScenario(4));
    long[] usage = childUsage(r);
    System.out.println("test_cpucg_weight_overprovisioned: usage_usec " + java.util.Arrays.toString(usage));
    for (int i = 0; i < usage.length - 1; i++) {
      assertThat(usage[i + 1]).as("child %d used more than child %d: %s", i + 1, i, java.util.Arrays.toString(usage))
          .isGreaterThan(usage[i]);
      long delta = usage[i + 1] - usage[i];
      assertThat(valuesClose(delta, usage[0], 35)).as("delta %d close to %d", delta, usage[0]).isTrue();
    }
  }

  /**
   * test_cpucg_weight_underprovisioned: the same tree, each child hogging one CPU (one client), on a
   * machine of at least 4 CPUs (4 compute engines). Pass: every child used about as much as the
   * first (15%), whatever its weight: nobody waited, so weights did not matter.
   */
  @Test
  void weightUnderprovisioned() {
    CliScenarios.Result r = cli.run(weightScenario(1));
    long[] usage = childUsage(r);
    System.out.println("test_cpucg_weight_underprovisioned: usage_usec " + java.util.Arrays.toString(usage));
    for (int i = 0; i < usage.length - 1; i++) {
      assertThat(valuesClose(usage[i + 1], usage[0], 15)).as("usage %s", java.util.Arrays.toString(usage)).isTrue();
    }
  }

  private static String weightScenario(int threads) {
    return """
        name: weight
        duration: 10s
        tenants:
          - name: cpucg_test_0
            children:
              - { name: cpucg_child_0, cpu: { weight: 50 },  %1$s }
              - { name: cpucg_child_1, cpu: { weight: 100 }, %1$s }
              - { name: cpucg_child_2, cpu: { weight: 150 }, %1$s }
        """.formatted(hog(threads));
  }

  private static long[] childUsage(CliScenarios.Result r) {
    long[] usage = new long[3];
    for (int i = 0; i < 3; i++) {
      usage[i] = r.usageUsec("/cpucg_test_0/cpucg_child_" + i);
    }
    return usage;
  }

  /**
   * test_cpucg_nested_weight_overprovisioned: A/B weight 1000 (a leaf), A/C weight 1000 with C/D and
   * C/E weight 5000; every leaf hogs every CPU (4 clients) for 10 s. Pass: B used about as much as D
   * and E together (15%), and C's usage is D's plus E's (1%).
   */
  @Test
  void nestedWeightOverprovisioned() {
    CliScenarios.Result r = cli.run(nestedScenario(4));
    long b = r.usageUsec("/cpucg_test/cpucg_leaf_0");
    long nested = r.usageUsec("/cpucg_test/cpucg_child/cpucg_leaf_1") + r.usageUsec("/cpucg_test/cpucg_child/cpucg_leaf_2");
    System.out.printf("test_cpucg_nested_weight_overprovisioned: B %d, D+E %d, C %d%n", b, nested, r.usageUsec("/cpucg_test/cpucg_child"));
    assertThat(b).isPositive();
    assertThat(valuesClose(b, nested, 15)).as("B %d, D+E %d", b, nested).isTrue();
    long child = r.usageUsec("/cpucg_test/cpucg_child");
    assertThat(valuesClose(child, nested, 1)).as("C %d, D+E %d", child, nested).isTrue();
  }

  /**
   * test_cpucg_nested_weight_underprovisioned: the same tree, every leaf hogging nprocs / 4 CPUs (one
   * client for the 4 compute engines). Pass: twice B's usage is about D's and E's together (15%):
   * with a CPU each, the three leaves used the same.
   */
  @Test
  void nestedWeightUnderprovisioned() {
    CliScenarios.Result r = cli.run(nestedScenario(1));
    long b = r.usageUsec("/cpucg_test/cpucg_leaf_0");
    long nested = r.usageUsec("/cpucg_test/cpucg_child/cpucg_leaf_1") + r.usageUsec("/cpucg_test/cpucg_child/cpucg_leaf_2");
    System.out.printf("test_cpucg_nested_weight_underprovisioned: B %d, D+E %d, C %d%n", b, nested, r.usageUsec("/cpucg_test/cpucg_child"));
    assertThat(b).isPositive();
    assertThat(valuesClose(b * 2, nested, 15)).as("2B %d, D+E %d", 2 * b, nested).isTrue();
    long child = r.usageUsec("/cpucg_test/cpucg_child");
    assertThat(valuesClose(child, nested, 1)).as("C %d, D+E %d", child, nested).isTrue();
  }

  private static String nestedScenario(int threads) {
    return """
        name: nested
        duration: 10s
        tenants:
          - name: cpucg_test
            children:
              - { name: cpucg_leaf_0, cpu: { weight: 1000 }, %1$s }
              - name: cpucg_child
                cpu: { weight: 1000 }
                children:
                  - { name: cpucg_leaf_1, cpu: { weight: 5000 }, %1$s }
                  - { name: cpucg_leaf_2, cpu: { weight: 5000 }, %1$s }
        """.formatted(hog(threads));
  }

  /**
   * test_cpucg_max: cpu.max "1000" (quota 1000 µs, the default period of 100 ms), one hog for 1 s of
   * wall time. Pass: usage close (10%) to one quota per full period plus what the last partial period
   * allows: 10 × 1000 + min(0, 1000) µs.
   */
  @Test
  void max() {
    CliScenarios.Result r = cli.run("""
        name: max
        duration: 1s
        tenants:
          - name: cpucg_test
            cpu: { max: 1000 }
            %s
        """.formatted(hog(1)));
    System.out.println("test_cpucg_max: " + r.cpuStat("/cpucg_test"));
    assertMaxHeld(r.usageUsec("/cpucg_test"));
  }

  /**
   * test_cpucg_max_nested: the quota on a parent, the hog in its child. Pass: the child's usage is
   * held as in test_cpucg_max.
   */
  @Test
  void maxNested() {
    CliScenarios.Result r = cli.run("""
        name: max-nested
        duration: 1s
        tenants:
          - name: cpucg_parent
            cpu: { max: 1000 }
            children:
              - { name: cpucg_child, %s }
        """.formatted(hog(1)));
    System.out.println("test_cpucg_max_nested: parent " + r.cpuStat("/cpucg_parent") + ", child usage_usec "
        + r.usageUsec("/cpucg_parent/cpucg_child"));
    assertMaxHeld(r.usageUsec("/cpucg_parent/cpucg_child"));
  }

  private static void assertMaxHeld(long usage) {
    long quota = 1000;
    long period = 100_000;
    long duration = 1_000_000;
    long periods = duration / period;
    long expected = periods * quota + Math.min(duration - periods * period, quota);
    assertThat(usage).isPositive();
    assertThat(valuesClose(usage, expected, 10)).as("usage %d, expected %d", usage, expected).isTrue();
  }

  /**
   * test_cpucg_stats: a new cgroup shows usage_usec, user_usec and system_usec 0; after a hog used 2
   * s of CPU time, user_usec (here: the per-engine keys) is positive and usage_usec is close to 2 s
   * (1%).
   */
  @Test
  void stats() {
    String scenario = """
        name: stats
        duration: 3s
        tenants:
          - name: cpucg_test
            workloads: [{ name: hog, engine: compute, batch: 1ms, load: 1, stop: 2s }]
        """;
    Map<String, Long> before = cli.before(scenario).cpuStat("/cpucg_test");
    assertThat(before).allSatisfy((k, v) -> assertThat(v).as(k).isZero());
    Map<String, Long> after = cli.run(scenario).cpuStat("/cpucg_test");
    System.out.println("test_cpucg_stats: " + after);
    long perEngine = after.entrySet().stream().filter(e -> e.getKey().startsWith("usage_usec.")).mapToLong(Map.Entry::getValue).sum();
    assertThat(perEngine).as("the per-engine keys, user_usec's stand-in").isPositive().isEqualTo(after.get("usage_usec"));
    assertThat(valuesClose(after.get("usage_usec"), 2_000_000, 1)).as("usage %d", after.get("usage_usec")).isTrue();
  }
}
