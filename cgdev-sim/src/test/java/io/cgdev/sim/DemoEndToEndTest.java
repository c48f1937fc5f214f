package io.cgdev.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cgdev.api.ByteSize;
import io.cgdev.core.Cgroups;
import io.cgdev.sim.report.Report;
import io.cgdev.sim.report.Report.TenantReport;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.sim.scenario.ScenarioParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the built-in demo scenario in-process, on the plugins {@code cgdev demo} finds by discovery,
 * for a short simulated time, and checks that the report's numbers agree with each other and with
 * the limits the scenario set.
 */
class DemoEndToEndTest {
  private Cgroups world;
  private Report report;
  private ScenarioRunner runner;

  @BeforeEach
  void runTheDemo() {
    // on the test class path: the plugins are handed over, as a test or an OSGi host would
    world = SimWorlds.boot();
    Scenario demo = ScenarioParser.parseResource("/io/cgdev/sim/scenario/demo.yaml").withDuration(1_500_000_000L);
    runner = SimWorlds.runner(world, demo);
    report = runner.run();
  }

  @AfterEach
  void close() {
    runner.release();
    world.close();
  }

  private TenantReport tenant(String path) {
    return report.tenants().stream().filter(t -> t.path().equals(path)).findFirst().orElseThrow();
  }

  @Test
  void theLeavesSharesSumToOneAndEachGotTime() {
    assertThat(report.leafShareSum()).isCloseTo(1.0, within(0.01));
    for (TenantReport t : report.tenants()) {
      assertThat(t.usageUsec()).as(t.path()).isPositive();
      assertThat(t.share()).as(t.path()).isBetween(0.0, 1.0);
    }
    double reference = report.tenants().stream().filter(TenantReport::leaf).mapToDouble(TenantReport::referenceShare).sum();
    assertThat(reference).isCloseTo(1.0, within(1e-9));
    // every sample interval's shares sum to one too (the device is busy throughout)
    int n = report.series().timesNanos().size();
    for (int i = 0; i < n; i++) {
      int k = i;
      double sum = report.series().share().values().stream().mapToDouble(v -> v.get(k)).sum();
      assertThat(sum).as("sample " + i).isCloseTo(1.0, within(0.01));
    }
  }

  @Test
  void peaksAreAtLeastTheCurrentUsageAndTheSeriesNeverPassThePeak() {
    for (TenantReport t : report.tenants()) {
      assertThat(t.memoryPeak()).as(t.path()).isGreaterThanOrEqualTo(t.memoryCurrent());
      for (long m : report.series().memory().get(t.path())) {
        assertThat(m).as(t.path()).isLessThanOrEqualTo(t.memoryPeak());
      }
    }
  }

  @Test
  void limitsAreRespected() {
    TenantReport training = tenant("/training");
    assertThat(training.memoryMax()).isEqualTo(3L << 30);
    assertThat(training.memoryPeak()).isLessThanOrEqualTo(training.memoryMax());
    // 4G of local0 cannot hold what the tenants want: unprotected memory was evicted
    assertThat(training.evictions() + tenant("/batch").evictions()).isPositive();
    // batch is capped at 1.5 engines by cpu.max: at most 1.5 x the elapsed time, within a period
    TenantReport batch = tenant("/batch");
    long elapsedUsec = report.durationNanos() / 1000;
    assertThat(batch.usageUsec()).isLessThanOrEqualTo((long) (1.5 * elapsedUsec) + 150_000);
    // the cap is what holds batch back, and the reference knows it
    assertThat(batch.limitedBy()).isEqualTo("cpu.max of /batch");
  }

  @Test
  void whenInferenceArrivesItsWeightTakesTheComputeEnginesFromTraining() {
    var times = report.series().timesNanos();
    var inference = report.series().share().get("/inference");
    var training = report.series().share().get("/training");
    for (int i = 0; i < times.size(); i++) {
      if (times.get(i) <= 1_000_000_000L) {
        assertThat(inference.get(i)).as("before 1s, sample " + i).isZero();
        assertThat(training.get(i)).as("before 1s, sample " + i).isGreaterThan(0.5);
      }
    }
    int last = times.size() - 1;
    // weights 400:100 on the four compute engines; training keeps the render engine to itself
    assertThat(inference.get(last)).isGreaterThan(training.get(last));
  }

  @Test
  void protectedMemoryIsNotEvicted() {
    TenantReport inference = tenant("/inference");
    assertThat(inference.memoryCurrent()).isEqualTo(1L << 30); // 8 x 128M, all still in local0
    assertThat(inference.evictions()).isZero();
    assertThat(inference.failedAllocations()).isZero();
    assertThat(inference.memoryMax()).isEqualTo(ByteSize.MAX);
  }

  @Test
  void theReportCountsEventsAndWallTime() {
    assertThat(report.events()).isPositive();
    assertThat(report.wallNanos()).isPositive();
    assertThat(report.region()).isEqualTo("local0");
    assertThat(runner.fdinfo()).isNotEmpty();
    assertThat(runner.fdinfo().values()).allSatisfy(f -> assertThat(f).contains("drm-driver:"));
  }
}
