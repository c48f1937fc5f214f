package io.cgdev.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.cgdev.core.Cgroups;
import io.cgdev.sim.report.Report;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.sim.scenario.ScenarioParser;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Accepted scenarios that used to run for hours (issue 12) finish within a bound: the whole of
 * {@code cgdev run} but printing (parse, build the tree through the file view, simulate, report,
 * tear down) on the hierarchy the tool boots. Bounds are about ten times the time measured on the
 * shared 2-core build machine under load; the class takes some 15 s there, most of it the 100,000
 * tenants.
 */
class HostileRunTest {
  private static Report run(Scenario scenario) {
    try (Cgroups cg = SimWorlds.boot()) {
      ScenarioRunner runner = SimWorlds.runner(cg, scenario);
      try {
        return runner.run();
      } finally {
        runner.release();
      }
    }
  }

  @Test
  void aHundredThousandTenantsInAFlatTreeRunAndReport() {
    StringBuilder sb = new StringBuilder("name: flat\nduration: 10ms\ntenants:\n");
    for (int i = 0; i < 100_000; i++) {
      sb.append("  - name: t").append(i).append('\n');
    }
    // measured 9-15 s on the busy build machine (parse 1 s, build 3 s, report 4 s, teardown 2 s)
    Report r = assertTimeoutPreemptively(Duration.ofSeconds(150), () -> run(ScenarioParser.parse("flat.yaml", sb.toString())));
    assertThat(r.tenants()).hasSize(100_000);
    assertThat(r.tenants().get(99_999).path()).isEqualTo("/t99999");
    // the charts keep at most a million values: fewer samples, said in the notes
    long values = r.series().timesNanos().size() * (long) (r.series().share().size() + r.series().memory().size());
    assertThat(values).isLessThanOrEqualTo(Sampler.MAX_POINTS + 200_000 * 2L);
    assertThat(r.notes()).anyMatch(n -> n.startsWith("samples every"));
  }

  @Test
  void microsecondBatchesRunInTimeProportionalToTheirNumber() {
    // 100 ms of one engine's worth of 1 us batches: 100,000 batches; a scan of the client's queue
    // (about 2,000 batches) per completed batch made this take minutes
    Scenario s = ScenarioParser.parse("b.yaml", """
        duration: 100ms
        tenants:
          - name: a
            workloads:
              - {name: w, engine: compute, load: 1, batch: 1us}
        """);
    Report r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run(s));
    assertThat(r.tenants().get(0).usageUsec()).isGreaterThan(90_000); // the engine was busy throughout
    assertThat(r.events()).isGreaterThan(100_000);
  }

  @Test
  void microsecondTicksRunInTimeProportionalToTheirNumber() {
    // 20 ms in 1 us ticks: 20,000 steps of three tenants' workloads and the device
    Scenario s = ScenarioParser.parseResource("/io/cgdev/sim/scenario/demo.yaml");
    Scenario fine = ScenarioParser.parse("fine.yaml", """
        duration: 20ms
        tick: 1us
        tenants:
          - name: a
            workloads:
              - {name: w, engine: compute, load: 2, batch: 100us, memory: {size: 16M, count: 4, churn: 100/s}}
          - name: b
            workloads:
              - {name: v, engine: video, load: 1, batch: 50us}
        """);
    Report r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run(fine));
    assertThat(r.durationNanos()).isEqualTo(20_000_000L);
    assertThat(r.leafShareSum()).isBetween(0.99, 1.01);
    assertThat(s.tickNanos()).isEqualTo(1_000_000L); // the demo itself keeps its 1 ms tick
  }
}
