package io.cgdev.api.spi;

import io.cgdev.api.Stability;

/**
 * An execution engine a device offers to the cpu and cpuset controllers. Its index in {@link
 * DeviceSpec#engines()} is the number {@code cpuset.cpus} uses for it.
 *
 * @param name e.g. {@code rcs0}
 * @param engineClass e.g. {@code render}, {@code copy}, {@code video}, {@code compute}
 */
@Stability(Stability.Status.STABLE)
public record EngineSpec(String name, String engineClass) {
  public EngineSpec {
    DeviceSpec.checkResourceName(name, "engine");
    DeviceSpec.checkResourceName(engineClass, "engine class");
  }
}
