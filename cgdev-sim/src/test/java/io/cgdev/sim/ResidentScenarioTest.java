package io.cgdev.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.controller.cpu.CpuController;
import io.cgdev.controller.memory.MemoryController;
import io.cgdev.core.Cgroups;
import io.cgdev.i915.I915Driver;
import io.cgdev.sim.report.Report;
import io.cgdev.sim.report.Report.TenantReport;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.sim.scenario.ScenarioParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The example scenario samples/scenarios/resident.yaml, as a user writes it ({@code memory: { max:
 * 256M, swap.max: 0 }}): two tenants with the same limit ask for twice as much; the one that may swap
 * has its oldest buffers evicted (their charge moves to {@code memory.swap.current}), the one with
 * {@code memory.swap.max 0} keeps every charged buffer in device memory.
 */
class ResidentScenarioTest {
  private static final long MIB = 1L << 20;
  private Cgroups world;
  private ScenarioRunner runner;
  private Report report;

  @BeforeEach
  void run() throws Exception {
    world = Cgroups.builder().discover(false).controller(new MemoryController()).controller(new CpuController())
        .driver(new I915Driver()).build();
    Path file = Path.of("../samples/scenarios/resident.yaml");
    Scenario s = ScenarioParser.parse(file.toString(), Files.readString(file)).withDuration(300_000_000L);
    runner = SimWorlds.runner(world, s);
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
  void theTenantThatMaySwapHasHalfItsBuffersEvicted() {
    TenantReport elastic = tenant("/elastic");
    assertThat(elastic.memoryMax()).isEqualTo(256 * MIB);
    assertThat(elastic.memoryCurrent()).isEqualTo(256 * MIB); // four 64M buffers in local0
    assertThat(elastic.swapCurrent()).isEqualTo(256 * MIB); // the four it evicted to make room
    assertThat(elastic.evictions()).isEqualTo(4);
    assertThat(elastic.failedAllocations()).isZero();
  }

  @Test
  void swapMaxZeroKeepsTheChargedBuffersResident() {
    TenantReport resident = tenant("/resident");
    assertThat(resident.swapMax()).isZero();
    assertThat(resident.memoryCurrent()).isEqualTo(256 * MIB); // the four that fit under memory.max
    assertThat(resident.swapCurrent()).isZero();
    assertThat(resident.evictions()).isZero();
    assertThat(resident.failedAllocations()).isZero(); // the other four went to system memory uncharged
    assertThat(resident.memoryEvents().get("max")).isPositive();
  }
}
