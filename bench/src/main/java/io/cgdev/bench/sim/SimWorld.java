package io.cgdev.bench.sim;

import io.cgdev.controller.cpu.CpuController;
import io.cgdev.controller.cpuset.CpusetController;
import io.cgdev.controller.memory.MemoryController;
import io.cgdev.core.Cgroups;
import io.cgdev.drm.DrmDevice;
import io.cgdev.i915.I915Driver;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hierarchy {@code cgdev run} boots (memory, cpu and cpuset controllers, the i915 model with its
 * default device), for the simulator's benchmarks. The plugins are handed to the builder: on the
 * benchmark jar's class path, discovery would not find the controllers that register through their
 * module descriptor only.
 */
final class SimWorld {
  private SimWorld() {}

  static Cgroups boot() {
    return Cgroups.builder().discover(false)
        .controller(new MemoryController()).controller(new CpuController()).controller(new CpusetController())
        .driver(new I915Driver()).build();
  }

  /** The DRM devices by name. */
  static Map<String, DrmDevice> devices(Cgroups cg) {
    Map<String, DrmDevice> out = new LinkedHashMap<>();
    cg.driver(I915Driver.class).orElseThrow().devices().forEach(d -> out.put(d.name(), d));
    return out;
  }
}
