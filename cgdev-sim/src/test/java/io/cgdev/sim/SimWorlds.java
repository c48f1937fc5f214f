package io.cgdev.sim;

import io.cgdev.controller.cpu.CpuController;
import io.cgdev.controller.cpuset.CpusetController;
import io.cgdev.controller.memory.MemoryController;
import io.cgdev.core.Cgroups;
import io.cgdev.drm.DrmDevice;
import io.cgdev.i915.I915Driver;
import io.cgdev.sim.scenario.Scenario;
import java.util.LinkedHashMap;
import java.util.Map;

/** The simulator's tests' world: a hierarchy as `cgdev run` boots it, and a runner of a scenario on it. */
final class SimWorlds {
  private SimWorlds() {}

  /** The memory, cpu and cpuset controllers and the i915 driver, without discovery; the caller closes it. */
  static Cgroups boot() {
    return Cgroups.builder().discover(false).controller(new MemoryController()).controller(new CpuController())
        .controller(new CpusetController()).driver(new I915Driver()).build();
  }

  /** A runner of {@code scenario} on the world's i915 devices, {@code i915.0} the default, without progress. */
  static ScenarioRunner runner(Cgroups world, Scenario scenario) {
    Map<String, DrmDevice> devices = new LinkedHashMap<>();
    world.driver(I915Driver.class).orElseThrow().devices().forEach(d -> devices.put(d.name(), d));
    return new ScenarioRunner(world.fs(), world.tasks(), world.controllers(), devices, scenario, "i915.0", Progress.NONE);
  }
}
