package io.cgdev.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.controller.memory.MemoryController;
import io.cgdev.core.Cgroups;
import io.cgdev.drm.DrmDevice;
import io.cgdev.i915.I915Driver;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.sim.scenario.ScenarioParser;
import io.cgdev.sim.scenario.TreeBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Workloads as live mode drives them, step by step: a tenant frozen through the file view (as a user
 * does through the mount) stops allocating once its streams hear of it from the device, resumes
 * after the thaw, and a killed one stops for good with all its memory uncharged.
 */
class WorkloadsFreezeTest {
  static final long MS = 1_000_000L;
  private final Cgroups world = Cgroups.builder().discover(false).controller(new MemoryController())
      .driver(new I915Driver()).build();
  private Workloads workloads;

  @AfterEach
  void close() {
    if (workloads != null) {
      workloads.release();
    }
    world.close();
  }

  @Test
  void aTenantFrozenThroughTheFilesStopsAllocatingAndAKilledOneStopsForGood() {
    Scenario s = ScenarioParser.parse("live.yaml", """
        tenants:
          - name: a
            workloads:
              - { name: w, engine: render, memory: { size: 16M, count: 5 } }
        """);
    Map<String, DrmDevice> devices = new LinkedHashMap<>();
    world.driver(I915Driver.class).orElseThrow().devices().forEach(d -> devices.put(d.name(), d));
    new TreeBuilder(world.fs(), world.controllers(), "i915.0").build(s);
    workloads = new Workloads(s, world.tasks(), devices, Map.of(), "i915.0");
    workloads.start();
    long now = 0;
    workloads.step(now, MS); // one buffer a step while filling up
    now += MS;
    assertThat(workloads.stats("/a").allocations).isEqualTo(1);
    world.fs().write("/a/cgroup.freeze", "1");
    for (int i = 0; i < 3; i++, now += MS) {
      workloads.refreshFrozenFromDevices();
      workloads.step(now, MS);
    }
    assertThat(workloads.stats("/a").allocations).as("a frozen task allocates nothing").isEqualTo(1);
    world.fs().write("/a/cgroup.freeze", "0");
    workloads.refreshFrozenFromDevices();
    workloads.step(now, MS);
    now += MS;
    assertThat(workloads.stats("/a").allocations).isEqualTo(2);
    world.fs().write("/a/cgroup.kill", "1");
    for (int i = 0; i < 3; i++, now += MS) {
      workloads.refreshFrozenFromDevices();
      workloads.step(now, MS);
    }
    assertThat(workloads.stats("/a").allocations).as("a killed task allocates nothing").isEqualTo(2);
    assertThat(world.fs().read("/a/memory.devices/i915.0/memory.current")).isEqualTo("0\n");
    assertThat(workloads.fdinfo()).as("a dead task has no open client").isEmpty();
  }
}
