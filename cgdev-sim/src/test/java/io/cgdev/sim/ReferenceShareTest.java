package io.cgdev.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cgdev.core.Cgroups;
import io.cgdev.sim.report.Report;
import io.cgdev.sim.report.Report.TenantReport;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.sim.scenario.ScenarioParser;
import org.junit.jupiter.api.Test;

/**
 * The report's reference share, through the whole stack (scenario, file view, cpu and cpuset
 * controllers, the i915 model's tick engine): hand-computed cases for each thing the reference must
 * take into account — a late start, a binding cap, a mask, demand below the share — and the built-in
 * demo, where every tenant's measured share must lie within one percentage point of its reference.
 * The modelled i915 has engines 0 rcs0 (render), 1 bcs0 (copy), 2-3 vcs (video), 4 vecs0, 5-8 ccs (compute).
 */
class ReferenceShareTest {
  /** The agreement promised between measured and reference shares: one percentage point. */
  static final double POINT = 0.01;

  static Report run(Scenario scenario) {
    try (Cgroups cg = SimWorlds.boot()) {
      ScenarioRunner runner = SimWorlds.runner(cg, scenario);
      try {
        return runner.run();
      } finally {
        runner.release();
      }
    }
  }

  static Report run(String yaml) {
    return run(ScenarioParser.parse("test.yaml", yaml));
  }

  static TenantReport tenant(Report r, String path) {
    return r.tenants().stream().filter(t -> t.path().equals(path)).findFirst().orElseThrow();
  }

  /** Checks the reference against the hand-computed value and the measurement against the reference. */
  private static void expect(Report r, String path, double reference, String limitedBy) {
    TenantReport t = tenant(r, path);
    assertThat(t.referenceShare()).as(path + " reference").isCloseTo(reference, within(1e-3));
    assertThat(t.share()).as(path + " measured").isCloseTo(t.referenceShare(), within(POINT));
    assertThat(t.limitedBy()).as(path + " limited by").isEqualTo(limitedBy);
  }

  @Test
  void aLateStartCountsOnlyFromWhenTheWorkloadRuns() {
    // one render engine; a alone for 1 s (1 engine-s), then a and b halve it for 1 s (0.5 each):
    // a 1.5 of 2 engine-s = 75 %, b 25 % (share by weight alone would say 50/50)
    Report r = run("""
        duration: 2s
        tenants:
          - name: a
            workloads: [ { name: a, engine: render, load: 1, batch: 1ms } ]
          - name: b
            workloads: [ { name: b, engine: render, load: 1, batch: 1ms, start: 1s } ]
        """);
    expect(r, "/a", 0.75, "demand 50%, weight 50%");
    expect(r, "/b", 0.25, "weight");
  }

  @Test
  void aBindingCapHoldsAHeavyTenantBack() {
    // weight 1000 vs 100 would give a 10/11 of the render engine; cpu.max 25000 100000 holds it at 0.25
    Report r = run("""
        duration: 2s
        tenants:
          - name: a
            cpu: { weight: 1000, max: 25000 100000 }
            workloads: [ { name: a, engine: render, load: 1, batch: 1ms } ]
          - name: b
            workloads: [ { name: b, engine: render, load: 1, batch: 1ms } ]
        """);
    expect(r, "/a", 0.25, "cpu.max of /a");
    expect(r, "/b", 0.75, "weight");
  }

  @Test
  void aMaskLimitsATenantToItsEnginesWhereItStillGetsItsWeight() {
    // a (cpuset 5: one compute engine) and b (all four) both want four compute engines, equal weights:
    // engine 5 is split 1:1, engines 6-8 are b's -> a 0.5 of 4 engine-s = 12.5 %, b 87.5 %
    Report r = run("""
        duration: 2s
        tenants:
          - name: a
            cpuset: { cpus: 5 }
            workloads: [ { name: a, engine: compute, load: 4, batch: 1ms } ]
          - name: b
            workloads: [ { name: b, engine: compute, load: 4, batch: 1ms } ]
        """);
    expect(r, "/a", 0.125, "weight");
    expect(r, "/b", 0.875, "weight");
  }

  @Test
  void demandBelowTheShareLeavesTheRestToTheOthers() {
    // a asks for 0.2 of the render engine, less than its half: a 0.2, b the other 0.8
    Report r = run("""
        duration: 2s
        tenants:
          - name: a
            workloads: [ { name: a, engine: render, load: 0.2, batch: 1ms } ]
          - name: b
            workloads: [ { name: b, engine: render, load: 1, batch: 1ms } ]
        """);
    expect(r, "/a", 0.2, "demand");
    expect(r, "/b", 0.8, "weight");
  }

  @Test
  void nestedTenantsGetTheirParentsShareAndTheParentsShowTheSum() {
    // team (300) vs solo (100) on the render engine; inside team, x:y = 300:100 -> 0.5625, 0.1875, 0.25
    Report r = run("""
        duration: 2s
        tenants:
          - name: team
            cpu: { weight: 300 }
            children:
              - name: x
                cpu: { weight: 300 }
                workloads: [ { name: x, engine: render, load: 1, batch: 1ms } ]
              - name: y
                workloads: [ { name: y, engine: render, load: 1, batch: 1ms } ]
          - name: solo
            workloads: [ { name: s, engine: render, load: 1, batch: 1ms } ]
        """);
    expect(r, "/team/x", 0.5625, "weight");
    expect(r, "/team/y", 0.1875, "weight");
    expect(r, "/solo", 0.25, "weight");
    assertThat(tenant(r, "/team").referenceShare()).isCloseTo(0.75, within(1e-3));
  }

  @Test
  void theDemosMeasuredSharesMatchTheReference() {
    // 0-1 s: training has compute (4) and render (1), batch its cap (1.5): 6.5 engines busy.
    // 1-3 s: inference takes 400/500 of each compute engine: inference 3.2, training 1.8, batch 1.5.
    // inference 6.4, training 5 + 3.6 = 8.6, batch 4.5 of 19.5 engine-s: 32.8 %, 44.1 %, 23.1 %
    Report r = run(ScenarioParser.parseResource("/io/cgdev/sim/scenario/demo.yaml"));
    expect(r, "/inference", 6.4 / 19.5, "weight");
    expect(r, "/training", 8.6 / 19.5, "weight 67%, demand 33%");
    expect(r, "/batch", 4.5 / 19.5, "cpu.max of /batch");
    assertThat(Math.abs(r.largestError().orElseThrow().error())).isLessThan(POINT);
    // the reference series follows the phases: training has all it asks for before inference arrives
    var times = r.series().timesNanos();
    var training = r.series().referenceShare().get("/training");
    for (int i = 0; i < times.size(); i++) {
      double expected = times.get(i) <= 1_000_000_000L ? 5 / 6.5 : 1.8 / 6.5;
      assertThat(training.get(i)).as("reference of /training at sample %d", i).isCloseTo(expected, within(1e-3));
    }
  }
}
