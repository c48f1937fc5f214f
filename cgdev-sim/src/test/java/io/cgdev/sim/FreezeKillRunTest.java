package io.cgdev.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cgdev.core.Cgroups;
import io.cgdev.sim.report.Report;
import io.cgdev.sim.scenario.ScenarioParser;
import java.util.List;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A scenario with writes at a time, run in simulated time: two tenants share the one render engine
 * of the i915 model; {@code b}'s {@code cpu.weight} goes to 300 at 1 s, {@code a} is frozen from 2 s
 * to 3 s and killed at 4 s. The report's series (device-time shares from {@code cpu.stat}'s {@code
 * usage_usec}, {@code memory.current}) show each: 1:3 shares after the weight change, {@code a}'s
 * usage stands still while frozen and {@code b} takes the whole engine, {@code a}'s memory stays
 * charged while frozen and is all uncharged from the kill on; the notes list every write.
 */
class FreezeKillRunTest {
  static final long MS = 1_000_000L;
  static final String SCENARIO = """
      name: freeze-kill
      duration: 5s
      samples: 50
      tenants:
        - name: a
          freeze: 2s..3s
          kill: 4s
          schedule:
            - { at: 500ms, file: cgroup.type, value: bogus }
          workloads:
            - { name: a, engine: render, batch: 2ms, memory: { size: 64M, count: 4 } }
        - name: b
          schedule:
            - { at: 1s, file: cpu.devices/i915.0/cpu.weight, value: 300 }
          workloads:
            - { name: b, engine: render, batch: 2ms, memory: { size: 64M, count: 2 } }
      """;
  private Cgroups world;
  private ScenarioRunner runner;
  private Report report;

  @BeforeEach
  void run() {
    world = SimWorlds.boot();
    runner = SimWorlds.runner(world, ScenarioParser.parse("freeze-kill.yaml", SCENARIO));
    report = runner.run();
  }

  @AfterEach
  void close() {
    runner.release();
    world.close();
  }

  /** The values of a series at the samples whose time (the end of their interval) passes {@code when}. */
  private <T> List<T> at(List<T> series, LongPredicate when) {
    List<Long> times = report.series().timesNanos();
    List<T> out = new java.util.ArrayList<>();
    for (int i = 0; i < times.size(); i++) {
      if (when.test(times.get(i))) {
        out.add(series.get(i));
      }
    }
    return out;
  }

  @Test
  void theWeightChangeSplitsTheEngineOneToThree() {
    List<Double> a = at(report.series().share().get("/a"), t -> t > 1100 * MS && t <= 2000 * MS);
    List<Double> b = at(report.series().share().get("/b"), t -> t > 1100 * MS && t <= 2000 * MS);
    assertThat(a).hasSize(9).allSatisfy(s -> assertThat(s).isCloseTo(0.25, within(0.03)));
    assertThat(b).allSatisfy(s -> assertThat(s).isCloseTo(0.75, within(0.03)));
    assertThat(at(report.series().share().get("/a"), t -> t > 100 * MS && t <= 1000 * MS))
        .allSatisfy(s -> assertThat(s).isCloseTo(0.5, within(0.03)));
  }

  @Test
  void aFrozenTenantsUsageStandsStillAndItsSiblingTakesTheEngineWhileItsMemoryStaysCharged() {
    assertThat(at(report.series().share().get("/a"), t -> t > 2000 * MS && t <= 3000 * MS))
        .hasSize(10).containsOnly(0.0);
    assertThat(at(report.series().share().get("/b"), t -> t > 2000 * MS && t <= 3000 * MS)).containsOnly(1.0);
    List<Long> memory = at(report.series().memory().get("/a"), t -> t >= 1900 * MS && t <= 3000 * MS);
    assertThat(memory).containsOnly(4 * 64L << 20);
    // thawed, it competes again at its weight
    assertThat(at(report.series().share().get("/a"), t -> t > 3200 * MS && t <= 4000 * MS))
        .allSatisfy(s -> assertThat(s).isCloseTo(0.25, within(0.05)));
  }

  @Test
  void afterTheKillAllOfItsMemoryIsUnchargedAndItIsUnpopulated() {
    assertThat(at(report.series().memory().get("/a"), t -> t > 4000 * MS)).hasSize(10).containsOnly(0L);
    assertThat(at(report.series().share().get("/a"), t -> t > 4000 * MS)).containsOnly(0.0);
    assertThat(at(report.series().share().get("/b"), t -> t > 4000 * MS)).containsOnly(1.0);
    assertThat(world.fs().read("/a/memory.devices/i915.0/memory.current")).isEqualTo("0\n");
    assertThat(world.fs().read("/a/cgroup.events")).isEqualTo("populated 0\nfrozen 0\n");
    assertThat(report.tenants().stream().filter(t -> t.path().equals("/a")).findFirst().orElseThrow().memoryCurrent())
        .isZero();
  }

  @Test
  void theNotesListEveryWriteAtItsTimeAndARefusalWithItsErrno() {
    assertThat(report.notes()).contains("at 1s: /b/cpu.devices/i915.0/cpu.weight 300", "at 2s: /a/cgroup.freeze 1",
        "at 3s: /a/cgroup.freeze 0", "at 4s: /a/cgroup.kill 1");
    assertThat(report.notes()).anySatisfy(n -> assertThat(n).startsWith("at 500ms: /a/cgroup.type bogus refused: EINVAL"));
  }
}
