package io.cgdev.controller.cpuset;

import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.EngineMask;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.testkit.TestBinding;

/** The device the unit tests bind to the cpuset controller. */
final class TestDevices {
  private TestDevices() {}

  /** {@code gpu0} with engines {@code e0..e<n-1>} and regions {@code r0..r<m-1>} of 1 MiB. */
  static DeviceSpec gpu0(int engines, int regions) {
    DeviceSpec.Builder b = DeviceSpec.builder("gpu0", "fake").controllers("cpuset");
    for (int i = 0; i < engines; i++) {
      b.engine(new EngineSpec("e" + i, "render"));
    }
    for (int i = 0; i < regions; i++) {
      b.region(new RegionSpec("r" + i, 1 << 20));
    }
    return b.build();
  }

  /** The binding the controller made, for its package-private views (snapshot, all engines). */
  static CpusetBinding binding(TestBinding<CpusetState> gpu) {
    return (CpusetBinding) gpu.binding();
  }

  /** The capability drivers use, looked up as a driver would. */
  static EngineMask mask(TestBinding<CpusetState> gpu) {
    return gpu.capability(EngineMask.class).orElseThrow();
  }
}
